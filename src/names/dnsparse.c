/*
 * dnsparse.c - Cymru TXT parsing, query names, DNS answer TTLs (see dnsparse.h). Pure and
 * length-checked; the TXT and TTL parsers have fuzz targets. Text from the network leaves
 * these functions escaped (textesc.c).
 */
#include "dnsparse.h"
#include "text/textesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int dns_query_name(const struct probe_addr *a, bool ptr, char *buf, size_t len)
{
    size_t o = 0;
    int n;

    if (a->family == AF_INET) {
        n = snprintf(buf, len, "%u.%u.%u.%u.%s", a->bytes[3], a->bytes[2], a->bytes[1], a->bytes[0],
                     ptr ? "in-addr.arpa" : "origin.asn.cymru.com");
        return n < 0 || (size_t)n >= len ? -1 : 0;
    }
    if (a->family != AF_INET6)
        return -1;
    for (int i = 15; i >= 0; i--) {
        static const char hex[] = "0123456789abcdef";
        if (o + 4 >= len)
            return -1;
        buf[o++] = hex[a->bytes[i] & 15];
        buf[o++] = '.';
        buf[o++] = hex[a->bytes[i] >> 4];
        buf[o++] = '.';
    }
    n = snprintf(buf + o, len - o, "%s", ptr ? "ip6.arpa" : "origin6.asn.cymru.com");
    return n < 0 || (size_t)n >= len - o ? -1 : 0;
}

/* Splits txt at '|' into exactly want fields (trimmed); -1 otherwise. */
static int split_fields(const char *txt, size_t len, const char **start, size_t *flen, int want)
{
    int n = 0;
    size_t i = 0;

    while (i <= len) {
        size_t s = i, e;
        while (i < len && txt[i] != '|')
            i++;
        e = i;
        while (s < e && txt[s] == ' ')
            s++;
        while (e > s && txt[e - 1] == ' ')
            e--;
        if (n == want)
            return -1;
        start[n] = txt + s;
        flen[n++] = e - s;
        i++;
    }
    return n == want ? 0 : -1;
}

int cymru_parse_origin(const char *txt, size_t len, uint32_t *asn, char *cc, size_t cc_len)
{
    const char *f[5];
    size_t fl[5];
    unsigned long v = 0;
    size_t i;

    if (split_fields(txt, len, f, fl, 5) < 0 || fl[0] == 0)
        return -1;
    for (i = 0; i < fl[0] && f[0][i] >= '0' && f[0][i] <= '9'; i++) {
        v = v * 10 + (unsigned long)(f[0][i] - '0');
        if (v > 4294967295ul)
            return -1;
    }
    if (i == 0 || (i < fl[0] && f[0][i] != ' ') || v == 0)
        return -1; /* several origins are separated by spaces: the first is taken */
    *asn = (uint32_t)v;
    text_escape(f[2], fl[2] < 8 ? fl[2] : 8, cc, cc_len);
    return 0;
}

int cymru_parse_asname(const char *txt, size_t len, char *name, size_t name_len)
{
    const char *f[5];
    size_t fl[5];

    if (split_fields(txt, len, f, fl, 5) < 0 || fl[4] == 0)
        return -1;
    text_escape(f[4], fl[4], name, name_len);
    return 0;
}

/* Skips a (possibly compressed) domain name at off; -1 if malformed. */
static int skip_name(const uint8_t *m, size_t len, size_t *off)
{
    for (int labels = 0; labels < 128; labels++) {
        uint8_t l;
        if (*off >= len)
            return -1;
        l = m[*off];
        if (l == 0) {
            (*off)++;
            return 0;
        }
        if ((l & 0xc0) == 0xc0) {
            if (*off + 2 > len)
                return -1;
            *off += 2;
            return 0;
        }
        if (l & 0xc0)
            return -1;
        *off += 1 + (size_t)l;
    }
    return -1;
}

int dns_min_ttl(const uint8_t *m, size_t len, uint32_t *ttl)
{
    size_t off = 12;
    unsigned qd, an;
    bool any = false;

    if (len < 12)
        return -1;
    qd = (unsigned)(m[4] << 8 | m[5]);
    an = (unsigned)(m[6] << 8 | m[7]);
    for (unsigned i = 0; i < qd; i++) {
        if (skip_name(m, len, &off) < 0 || off + 4 > len)
            return -1;
        off += 4;
    }
    for (unsigned i = 0; i < an; i++) {
        uint32_t t;
        size_t rdlen;
        if (skip_name(m, len, &off) < 0 || off + 10 > len)
            return -1;
        t = (uint32_t)m[off + 4] << 24 | (uint32_t)m[off + 5] << 16 | (uint32_t)m[off + 6] << 8 |
            m[off + 7];
        rdlen = (size_t)(m[off + 8] << 8 | m[off + 9]);
        off += 10 + rdlen;
        if (off > len)
            return -1;
        if (!any || t < *ttl)
            *ttl = t;
        any = true;
    }
    return any ? 0 : -1;
}

static bool in4(const uint8_t *b, uint8_t a0, uint8_t a1, int bits)
{
    uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    uint32_t p = (uint32_t)a0 << 24 | (uint32_t)a1 << 16;
    uint32_t mask = bits ? ~0u << (32 - bits) : 0;
    return (v & mask) == (p & mask);
}

bool dns_addr_is_special(const struct probe_addr *a)
{
    const uint8_t *b = a->bytes;

    if (a->family == AF_INET)
        return in4(b, 0, 0, 8) || in4(b, 10, 0, 8) || in4(b, 127, 0, 8) || in4(b, 169, 254, 16) ||
               in4(b, 172, 16, 12) || in4(b, 192, 168, 16) || in4(b, 100, 64, 10) ||
               (b[0] == 192 && b[1] == 0 && b[2] == 2) ||
               (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
               (b[0] == 203 && b[1] == 0 && b[2] == 113) || b[0] >= 224;
    if (a->family == AF_INET6) {
        static const uint8_t zero[15];
        return (memcmp(b, zero, 15) == 0 && b[15] <= 1) ||                     /* :: and ::1 */
               (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||                      /* fe80::/10 */
               (b[0] & 0xfe) == 0xfc ||                                        /* fc00::/7 */
               b[0] == 0xff ||                                                 /* multicast */
               (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8); /* 2001:db8::/32 */
    }
    return true;
}
