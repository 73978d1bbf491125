/* fuzz_icmpext.c - libFuzzer target: ICMP extension structures (RFC 4884) and the MPLS label
 * stacks in them (RFC 4950). The first byte picks the family (bit 0: ICMPv6), the rest is a
 * whole ICMP(v6) error message from its ICMP header. What a parse returns must hang together:
 * no more entries than room, every field within its bit width, the structure found in the
 * message parsing the same on its own, and the formatted text within its buffer. */
#include "icmpext.h"

#include <errno.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool entries_sane(const struct probe_mpls *m, int n)
{
    for (int i = 0; i < n; i++)
        if (m[i].label >= (1u << 20) || m[i].tc >= 8 || m[i].s > 1)
            return false;
    return true;
}

/* Field by field: the struct has a padding byte the parser never writes. */
static bool same_entry(const struct probe_mpls *a, const struct probe_mpls *b)
{
    return a->label == b->label && a->tc == b->tc && a->s == b->s && a->ttl == b->ttl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_mpls m[PROBE_MPLS_MAX + 1], one[1];
    char text[64];
    bool v6;
    int n, r;

    if (size < 1)
        return 0;
    v6 = data[0] & 1;
    data++, size--;
    memset(m, 0, sizeof(m));
    m[PROBE_MPLS_MAX].ttl = 0x5a; /* a canary just past the room given */
    n = icmpext_from_icmp(data, size, v6, m, PROBE_MPLS_MAX);
    if ((n < 0 && n != -EINVAL) || n > PROBE_MPLS_MAX || m[PROBE_MPLS_MAX].ttl != 0x5a ||
        !entries_sane(m, n > 0 ? n : 0))
        __builtin_trap();
    /* with less room the count is capped, never an error where there was none */
    r = icmpext_from_icmp(data, size, v6, one, 1);
    if ((n < 0) != (r < 0) || r > 1 || (n > 0 && r != 1) || (r == 1 && !same_entry(&one[0], &m[0])))
        __builtin_trap();
    if (icmpext_from_icmp(data, size, v6, NULL, 0) != (n < 0 ? n : 0))
        __builtin_trap();
    /* the bytes as a bare structure */
    r = icmpext_parse(data, size, m, PROBE_MPLS_MAX);
    if ((r < 0 && r != -EINVAL) || r > PROBE_MPLS_MAX || !entries_sane(m, r > 0 ? r : 0))
        __builtin_trap();
    if (r > 0 && icmpext_format(m, r, text, sizeof(text)) >= sizeof(text))
        __builtin_trap();
    if (r > 0 && strlen(text) >= sizeof(text))
        __builtin_trap();
    return 0;
}
