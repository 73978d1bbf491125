/*
 * segment.c - hop segments (see segment.h): address ranges as prefix tables, then the AS rule.
 *
 * Ranges are from the IANA special-purpose registries (RFC 6890 and its updates). The
 * documentation ranges (RFC 5737 192.0.2/24, 198.51.100/24, 203.0.113/24; RFC 2544 benchmarking
 * 198.18/15; RFC 3849 2001:db8::/32) are deliberately absent: they count as PUBLIC, because the
 * test lab numbers its "internet" from them, and a classifier that called the lab LAN could not
 * be tested there. Real traffic never carries them, so nothing is lost by this.
 */
#include "segment.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

struct prefix {
    uint8_t bytes[16];
    uint8_t bits;
};

static const struct prefix v4_lan[] = {
    {{10}, 8}, {{172, 16}, 12}, {{192, 168}, 16}, {{169, 254}, 16}, {{127}, 8},
};
static const struct prefix v4_cgnat[] = {{{100, 64}, 10}};
/* Special-use but neither LAN nor CGNAT: "this network", IETF protocol assignments,
 * multicast, reserved (which holds 255.255.255.255). */
static const struct prefix v4_other[] = {
    {{0}, 8},
    {{192, 0, 0}, 24},
    {{224}, 4},
    {{240}, 4},
};
static const struct prefix v6_lan[] = {
    {{0xfc}, 7},                                             /* unique local */
    {{0xfe, 0x80}, 10},                                      /* link local */
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128}, /* loopback */
};
static const struct prefix v6_other[] = {
    {{0xff}, 8}, /* multicast */
    {{0}, 128},  /* unspecified */
};

static bool in_prefix(const uint8_t *b, const struct prefix *p)
{
    size_t whole = p->bits / 8;
    unsigned rest = p->bits % 8;

    if (memcmp(b, p->bytes, whole) != 0)
        return false;
    return rest == 0 || ((b[whole] ^ p->bytes[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool in_any(const uint8_t *b, const struct prefix *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (in_prefix(b, &t[i]))
            return true;
    return false;
}

#define IN(b, table) in_any(b, table, sizeof(table) / sizeof(table[0]))

/* An address reduced to what the range tables read: IPv4-mapped IPv6 becomes its IPv4. */
static int family_bytes(const struct probe_addr *a, const uint8_t **b)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (!a)
        return 0;
    *b = a->bytes;
    if (a->family == AF_INET6 && memcmp(a->bytes, mapped, sizeof(mapped)) == 0) {
        *b = a->bytes + 12;
        return AF_INET;
    }
    return a->family == AF_INET || a->family == AF_INET6 ? a->family : 0;
}

bool segment_is_public(const struct probe_addr *addr)
{
    const uint8_t *b = NULL;
    int family = family_bytes(addr, &b);

    if (family == AF_INET)
        return !IN(b, v4_lan) && !IN(b, v4_cgnat) && !IN(b, v4_other);
    if (family == AF_INET6)
        return !IN(b, v6_lan) && !IN(b, v6_other);
    return false;
}

enum segment segment_of(const struct probe_addr *addr, uint32_t asn, uint32_t isp_asn, bool is_dest)
{
    const uint8_t *b = NULL;
    int family = family_bytes(addr, &b);

    if (family == 0)
        return SEGMENT_UNKNOWN;
    if (is_dest)
        return SEGMENT_DEST;
    if (family == AF_INET ? IN(b, v4_lan) : IN(b, v6_lan))
        return SEGMENT_LAN;
    if (family == AF_INET && IN(b, v4_cgnat))
        return SEGMENT_CGNAT;
    if (!segment_is_public(addr) || asn == 0 || isp_asn == 0)
        return SEGMENT_UNKNOWN;
    return asn == isp_asn ? SEGMENT_ISP : SEGMENT_TRANSIT;
}

const char *segment_name(enum segment s)
{
    static const char *const names[] = {
        [SEGMENT_UNKNOWN] = "", [SEGMENT_LAN] = "lan",         [SEGMENT_CGNAT] = "cgnat",
        [SEGMENT_ISP] = "isp",  [SEGMENT_TRANSIT] = "transit", [SEGMENT_DEST] = "dest",
    };

    if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
        return "";
    return names[s];
}
