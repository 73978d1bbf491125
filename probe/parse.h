/*
 * parse.h - pure, length-checked parsers for the packets probes bring back.
 *
 * Each parser is a function of (bytes, length) only: it checks the length before every read,
 * copies fields out with memcpy-free byte arithmetic, honours the IPv4 IHL and IPv6 extension
 * headers, and never trusts a length field inside the packet. They return 0 on success and
 * -EINVAL for anything they cannot read (the caller counts it as malformed). Fuzz targets in
 * tests/fuzz feed them arbitrary bytes.
 */
#ifndef HOPWATCH_PARSE_H
#define HOPWATCH_PARSE_H

#include "probe.h"
#include "wire.h"

#include <stddef.h>
#include <stdint.h>

/* What the parsers extract, before a mode decides which probe it was. */
struct probe_parsed {
    struct probe_addr from; /* the responder (outer source), if the packet had one */
    int ttl;                /* outer TTL / hop limit, -1 unknown */
    uint8_t type, code;     /* ICMP(v6) type and code */
    uint32_t mtu;           /* Fragmentation Needed / Packet Too Big: the next link's MTU */
    uint8_t nmpls;          /* errors: the MPLS label stack of an RFC 4884 extension */
    struct probe_mpls mpls[PROBE_MPLS_MAX];
    bool is_error; /* an ICMP error quoting one of our datagrams */
    bool is_echo_reply;
    /* Echo identity: of the echo reply itself, or of the quoted echo request. */
    uint16_t echo_id, echo_seq;
    /* The quoted datagram (errors only). */
    bool has_quoted_ip;
    struct probe_addr quoted_dst;
    uint8_t quoted_proto; /* IPPROTO_ICMP / ICMPV6 / UDP / TCP */
    bool has_quoted_l4;   /* the first 8 bytes of the quoted L4 header were present */
    uint16_t quoted_sport, quoted_dport;
    uint32_t quoted_tcp_seq;
    /* A TCP segment read directly (raw TCP socket). */
    bool is_tcp;
    uint16_t tcp_sport, tcp_dport;
    uint32_t tcp_seq, tcp_ack;
    uint8_t tcp_flags; /* FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
};

/* An IPv4 packet with its IP header, as a raw IPPROTO_ICMP socket reads it. */
int parse_ip4_icmp(const uint8_t *pkt, size_t len, struct probe_parsed *out);

/* An ICMPv6 message without the IPv6 header, as a raw IPPROTO_ICMPV6 socket reads it.
 * The responder address comes from the socket, so `from` is left untouched. */
int parse_icmp6(const uint8_t *msg, size_t len, struct probe_parsed *out);

/* An ICMP/ICMPv6 echo message as a ping socket reads it (no IP header). */
int parse_echo(const uint8_t *msg, size_t len, bool v6, struct probe_parsed *out);

/* The start of a quoted datagram: an IPv4 or IPv6 header, then L4. Fills the quoted_* fields. */
int parse_quoted_ip(const uint8_t *p, size_t len, struct probe_parsed *out);

/* An IPv4 packet carrying TCP, with its IP header, as a raw IPPROTO_TCP socket reads it. */
int parse_ip4_tcp(const uint8_t *pkt, size_t len, struct probe_parsed *out);

/* A TCP segment without the IP header (raw IPv6 TCP socket); `from` is left untouched. */
int parse_tcp(const uint8_t *seg, size_t len, struct probe_parsed *out);

#endif
