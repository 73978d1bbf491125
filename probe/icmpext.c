/*
 * icmpext.c - RFC 4884 ICMP extension structures and RFC 4950 MPLS label stacks (see
 * icmpext.h). No sockets, no state, no allocation.
 *
 * Layout (RFC 4884 section 7): the structure runs from its start to the end of the ICMP
 * message. Header: version (4 bits, 2), reserved (12 bits), checksum (16 bits, one's
 * complement over the whole structure). Then objects, back to back up to the end: length
 * (16 bits, octets including this 4-byte object header), class-num, c-type, payload.
 * MPLS Label Stack (RFC 4950 section 7): class 1, c-type 1, one 32-bit entry per label as on
 * the wire (RFC 3032): label 20 bits, traffic class 3 bits (RFC 5462), bottom of stack 1 bit,
 * TTL 8 bits.
 */
#include "icmpext.h"
#include "wire.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EXT_VERSION 2
#define EXT_HDR_BYTES 4
#define OBJ_HDR_BYTES 4
#define MPLS_CLASS 1
#define MPLS_CTYPE_STACK 1
#define ICMP_HDR_BYTES 8
#define ORIG_DATAGRAM_MIN 128 /* RFC 4884 section 5.1; also where section 5.5 looks */

/* Appends the entries of one MPLS object payload (plen bytes, a multiple of 4) to out. */
static int mpls_entries(const uint8_t *p, size_t plen, struct probe_mpls *out, int n, int max)
{
    for (size_t off = 0; off + 4 <= plen && n < max; off += 4, n++) {
        uint32_t e = wire_rd32(p + off);
        out[n].label = e >> 12;
        out[n].tc = (uint8_t)((e >> 9) & 0x7);
        out[n].s = (uint8_t)((e >> 8) & 0x1);
        out[n].ttl = (uint8_t)(e & 0xff);
    }
    return n;
}

/* The header check, then the object walk. need_checksum: a zero checksum field is refused. */
static int parse_ext(const uint8_t *p, size_t len, bool need_checksum, struct probe_mpls *out,
                     int max)
{
    size_t off = EXT_HDR_BYTES;
    int n = 0;

    if (len < EXT_HDR_BYTES || (p[0] >> 4) != EXT_VERSION)
        return -EINVAL;
    if (wire_rd16(p + 2) == 0 ? need_checksum : wire_checksum(p, len) != 0)
        return -EINVAL;
    if (max < 0)
        max = 0;
    while (off < len) {
        size_t olen;
        if (len - off < OBJ_HDR_BYTES)
            return -EINVAL;
        olen = wire_rd16(p + off);
        if (olen < OBJ_HDR_BYTES || olen % 4 != 0 || olen > len - off)
            return -EINVAL;
        if (p[off + 2] == MPLS_CLASS && p[off + 3] == MPLS_CTYPE_STACK)
            n = mpls_entries(p + off + OBJ_HDR_BYTES, olen - OBJ_HDR_BYTES, out, n, max);
        off += olen;
    }
    return n;
}

int icmpext_parse(const uint8_t *p, size_t len, struct probe_mpls *out, int max)
{
    return parse_ext(p, len, false, out, max);
}

/* Whether this ICMP(v6) type may carry an extension (RFC 4884 sections 4.1 and 4.2). */
static bool type_has_ext(uint8_t type, bool v6)
{
    if (v6)
        return type == ICMP6_DEST_UNREACH_T || type == ICMP6_TIME_EXCEEDED_T;
    return type == ICMP4_DEST_UNREACH || type == ICMP4_TIME_EXCEEDED || type == ICMP4_PARAM_PROB;
}

int icmpext_from_icmp(const uint8_t *icmp, size_t len, bool v6, struct probe_mpls *out, int max)
{
    size_t orig, start;

    if (len < ICMP_HDR_BYTES || !type_has_ext(icmp[0], v6))
        return 0;
    /* v4: the second byte of the unused word (Parameter Problem keeps its pointer in the
     * first); v6: the first byte of the unused word. */
    orig = v6 ? (size_t)icmp[4] * 8 : (size_t)icmp[5] * 4;
    if (orig >= ORIG_DATAGRAM_MIN) {
        start = ICMP_HDR_BYTES + orig;
        if (start >= len)
            return 0; /* the datagram alone: no extension (or not in the bytes we have) */
        return parse_ext(icmp + start, len - start, false, out, max);
    }
    /* RFC 4884 section 5.5: implementations older than the length field put the structure
     * right after a 128-byte original datagram; routers in the wild also set the field below
     * 128 and pad the datagram to 128 all the same (trippy issue 804: 17 words of IPv4; 10 of
     * IPv6). A long quote (ICMPv6 quotes up to 1280 bytes) is just as likely, hence the
     * checksum requirement and no error either way. */
    return icmpext_at_128(icmp + ICMP_HDR_BYTES, len - ICMP_HDR_BYTES, 0, out, max);
}

int icmpext_at_128(const uint8_t *quote, size_t len, size_t stripped, struct probe_mpls *out,
                   int max)
{
    size_t at;
    int r;

    if (stripped >= ORIG_DATAGRAM_MIN)
        return 0;
    at = ORIG_DATAGRAM_MIN - stripped;
    if (len <= at)
        return 0;
    r = parse_ext(quote + at, len - at, true, out, max);
    return r < 0 ? 0 : r;
}

size_t icmpext_format(const struct probe_mpls *m, int n, char *buf, size_t len)
{
    size_t used = 0;

    if (len == 0)
        return 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used + 1 < len; i++) {
        int w =
            snprintf(buf + used, len - used, "%sL=%u TC=%u S=%u TTL=%u", i ? ", " : "",
                     (unsigned)m[i].label, (unsigned)m[i].tc, (unsigned)m[i].s, (unsigned)m[i].ttl);
        if (w < 0)
            break;
        used += (size_t)w < len - used ? (size_t)w : len - used - 1;
    }
    return used;
}
