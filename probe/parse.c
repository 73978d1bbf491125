/*
 * parse.c - pure packet parsers (see parse.h). No sockets, no state, no allocation.
 *
 * RFC 792 guarantees only the quoted IP header plus 8 bytes of L4 header in an ICMPv4 error,
 * RFC 4443 as much as fits in 1280 bytes for ICMPv6: every probe identity we use sits in those
 * first 8 L4 bytes (ICMP id/seq, UDP ports, TCP ports and sequence number).
 */
#include "parse.h"
#include "icmpext.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static void set_addr(struct probe_addr *a, int family, const uint8_t *bytes)
{
    memset(a, 0, sizeof(*a));
    a->family = (uint8_t)family;
    memcpy(a->bytes, bytes, family == AF_INET ? 4 : 16);
}

/* The first 8 bytes of the quoted L4 header, by protocol. */
static void parse_quoted_l4(const uint8_t *p, size_t len, struct probe_parsed *out)
{
    if (len < 8)
        return;
    out->has_quoted_l4 = true;
    switch (out->quoted_proto) {
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        out->echo_id = wire_rd16(p + 4);
        out->echo_seq = wire_rd16(p + 6);
        break;
    case IPPROTO_UDP:
    case IPPROTO_TCP:
        out->quoted_sport = wire_rd16(p);
        out->quoted_dport = wire_rd16(p + 2);
        out->quoted_tcp_seq = wire_rd32(p + 4);
        break;
    default:
        out->has_quoted_l4 = false;
        break;
    }
}

/* Walks IPv6 extension headers (RFC 8200 4.1) to the upper-layer header. */
static int skip_ip6_ext(const uint8_t *p, size_t len, size_t *off, uint8_t *next)
{
    for (int guard = 0; guard < 8; guard++) {
        switch (*next) {
        case IPPROTO_HOPOPTS:
        case IPPROTO_ROUTING:
        case IPPROTO_DSTOPTS:
            if (*off + 2 > len)
                return -EINVAL;
            {
                size_t ext = ((size_t)p[*off + 1] + 1) * 8;
                *next = p[*off];
                *off += ext;
            }
            break;
        case IPPROTO_FRAGMENT:
            if (*off + 8 > len)
                return -EINVAL;
            *next = p[*off];
            *off += 8;
            break;
        default:
            return 0;
        }
    }
    return -EINVAL;
}

/* The label stack of an error's RFC 4884 extension, if it has one; a broken one is ignored
 * (the error itself still counts). */
static void mpls_of(const uint8_t *icmp, size_t len, bool v6, struct probe_parsed *out)
{
    int n = icmpext_from_icmp(icmp, len, v6, out->mpls, PROBE_MPLS_MAX);
    out->nmpls = (uint8_t)(n > 0 ? n : 0);
}

int parse_quoted_ip(const uint8_t *p, size_t len, struct probe_parsed *out)
{
    if (len < 1)
        return -EINVAL;
    if ((p[0] >> 4) == 4) {
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        if (ihl < 20 || len < ihl)
            return -EINVAL;
        out->has_quoted_ip = true;
        out->quoted_proto = p[9];
        set_addr(&out->quoted_dst, AF_INET, p + 16);
        parse_quoted_l4(p + ihl, len - ihl, out);
        return 0;
    }
    if ((p[0] >> 4) == 6) {
        size_t off = 40;
        uint8_t next;
        if (len < 40)
            return -EINVAL;
        next = p[6];
        out->has_quoted_ip = true;
        set_addr(&out->quoted_dst, AF_INET6, p + 24);
        if (skip_ip6_ext(p, len, &off, &next) < 0 || off > len) {
            out->quoted_proto = 0;
            return 0; /* the address is still good evidence; no L4 identity */
        }
        out->quoted_proto = next;
        parse_quoted_l4(p + off, len - off, out);
        return 0;
    }
    return -EINVAL;
}

static void init_parsed(struct probe_parsed *out)
{
    struct probe_addr from = out->from;
    memset(out, 0, sizeof(*out));
    out->from = from;
    out->ttl = -1;
}

/* Clears out, checks an IPv4 header carrying proto and fills the responder and TTL.
 * Returns the header length, or 0 if it is not such a header. */
static size_t ip4_header(const uint8_t *pkt, size_t len, uint8_t proto, struct probe_parsed *out)
{
    size_t ihl;

    memset(out, 0, sizeof(*out));
    out->ttl = -1;
    if (len < 20 || (pkt[0] >> 4) != 4)
        return 0;
    ihl = (size_t)(pkt[0] & 0x0f) * 4;
    if (ihl < 20 || len < ihl || pkt[9] != proto)
        return 0;
    set_addr(&out->from, AF_INET, pkt + 12);
    out->ttl = pkt[8];
    return ihl;
}

int parse_ip4_icmp(const uint8_t *pkt, size_t len, struct probe_parsed *out)
{
    size_t ihl = ip4_header(pkt, len, IPPROTO_ICMP, out);
    const uint8_t *icmp;
    size_t icmp_len;

    if (!ihl || len < ihl + 8)
        return -EINVAL;
    icmp = pkt + ihl;
    icmp_len = len - ihl;
    /* A raw IPv4 socket gets ICMP before the kernel checks its checksum (ICMPv6 raw sockets
     * and error queues get only checked ones): a spoofed error with a bad sum stops here. A
     * read our buffer cut short (the IP length says more) cannot be summed and is let by. */
    if (wire_rd16(pkt + 2) == len && wire_checksum(icmp, icmp_len) != 0)
        return -EINVAL;
    out->type = icmp[0];
    out->code = icmp[1];
    switch (out->type) {
    case ICMP4_ECHO_REPLY:
        out->is_echo_reply = true;
        out->echo_id = wire_rd16(icmp + 4);
        out->echo_seq = wire_rd16(icmp + 6);
        return 0;
    case ICMP4_DEST_UNREACH:
    case ICMP4_TIME_EXCEEDED:
    case ICMP4_PARAM_PROB:
        out->is_error = true;
        if (out->type == ICMP4_DEST_UNREACH && out->code == 4) /* RFC 1191 next-hop MTU */
            out->mtu = wire_rd16(icmp + 6);
        mpls_of(icmp, icmp_len, false, out);
        return parse_quoted_ip(icmp + 8, icmp_len - 8, out);
    default:
        return -EINVAL;
    }
}

int parse_icmp6(const uint8_t *msg, size_t len, struct probe_parsed *out)
{
    init_parsed(out);
    if (len < 8)
        return -EINVAL;
    out->type = msg[0];
    out->code = msg[1];
    switch (out->type) {
    case ICMP6_ECHO_REPLY_T:
        out->is_echo_reply = true;
        out->echo_id = wire_rd16(msg + 4);
        out->echo_seq = wire_rd16(msg + 6);
        return 0;
    case ICMP6_DEST_UNREACH_T:
    case ICMP6_PACKET_TOO_BIG_T:
    case ICMP6_TIME_EXCEEDED_T:
    case ICMP6_PARAM_PROB_T:
        out->is_error = true;
        if (out->type == ICMP6_PACKET_TOO_BIG_T)
            out->mtu = wire_rd32(msg + 4);
        mpls_of(msg, len, true, out);
        if (parse_quoted_ip(msg + 8, len - 8, out) < 0 || !out->has_quoted_ip ||
            out->quoted_dst.family != AF_INET6)
            return -EINVAL;
        return 0;
    default:
        return -EINVAL;
    }
}

int parse_echo(const uint8_t *msg, size_t len, bool v6, struct probe_parsed *out)
{
    init_parsed(out);
    if (len < 8)
        return -EINVAL;
    out->type = msg[0];
    out->code = msg[1];
    if (out->type != (v6 ? ICMP6_ECHO_REPLY_T : ICMP4_ECHO_REPLY) &&
        out->type != (v6 ? ICMP6_ECHO_T : ICMP4_ECHO))
        return -EINVAL;
    out->is_echo_reply = out->type == (v6 ? ICMP6_ECHO_REPLY_T : ICMP4_ECHO_REPLY);
    out->echo_id = wire_rd16(msg + 4);
    out->echo_seq = wire_rd16(msg + 6);
    return 0;
}

int parse_tcp(const uint8_t *seg, size_t len, struct probe_parsed *out)
{
    size_t off;

    init_parsed(out);
    if (len < 20)
        return -EINVAL;
    off = (size_t)(seg[12] >> 4) * 4;
    if (off < 20 || off > len)
        return -EINVAL;
    out->is_tcp = true;
    out->tcp_sport = wire_rd16(seg);
    out->tcp_dport = wire_rd16(seg + 2);
    out->tcp_seq = wire_rd32(seg + 4);
    out->tcp_ack = wire_rd32(seg + 8);
    out->tcp_flags = seg[13];
    return 0;
}

int parse_ip4_tcp(const uint8_t *pkt, size_t len, struct probe_parsed *out)
{
    size_t ihl = ip4_header(pkt, len, IPPROTO_TCP, out);
    int ttl = out->ttl, r;

    if (!ihl)
        return -EINVAL;
    r = parse_tcp(pkt + ihl, len - ihl, out); /* keeps `from`, resets ttl */
    out->ttl = ttl;
    /* A raw socket gets TCP before the kernel checks its sum (IPv6's, with IPV6_CHECKSUM, gets
     * checked ones). Let by: a read cut short, and a segment still holding only its
     * pseudo-header's sum (sent with offload over this host's virtual links, which the kernel
     * trusts too). */
    if (r == 0 && wire_rd16(pkt + 2) == len &&
        wire_ip4_l4_checksum(pkt + 12, pkt + 16, IPPROTO_TCP, pkt + ihl, len - ihl) != 0 &&
        wire_rd16(pkt + ihl + 16) !=
            wire_ip4_pseudo_sum(pkt + 12, pkt + 16, IPPROTO_TCP, len - ihl))
        return -EINVAL;
    return r;
}
