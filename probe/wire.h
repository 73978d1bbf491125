/*
 * wire.h - facts of the bytes on the wire that every packet parser of probe/ shares: the ICMP
 * and ICMPv6 message types, big-endian reads, the Internet checksum.
 */
#ifndef HOPWATCH_WIRE_H
#define HOPWATCH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ICMP (v4) and ICMPv6 message types the parsers know. */
#define ICMP4_ECHO_REPLY 0
#define ICMP4_DEST_UNREACH 3
#define ICMP4_ECHO 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROB 12
#define ICMP6_DEST_UNREACH_T 1
#define ICMP6_PACKET_TOO_BIG_T 2
#define ICMP6_TIME_EXCEEDED_T 3
#define ICMP6_PARAM_PROB_T 4
#define ICMP6_ECHO_T 128
#define ICMP6_ECHO_REPLY_T 129

/* Big-endian reads; the caller has checked the length. */
static inline uint16_t wire_rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t wire_rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* One's-complement Internet checksum (RFC 1071) of len bytes. */
uint16_t wire_checksum(const uint8_t *p, size_t len);

/* The folded one's-complement sum (not inverted) of the IPv4 pseudo-header (RFC 793) of a
 * len-byte segment of protocol proto from src to dst (4 bytes each). A segment sent with
 * checksum offload that never left this host's virtual links (veth, a local container) still
 * carries this in its checksum field: the kernel trusts such a packet without a sum. */
uint16_t wire_ip4_pseudo_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t len);

/* The Internet checksum of a segment with its IPv4 pseudo-header: what goes in the checksum
 * field when it holds 0, and 0 when the field is right. */
uint16_t wire_ip4_l4_checksum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                              const uint8_t *seg, size_t len);

/* Builds an echo request for seq into buf (len >= 8), keeping the checksum constant across
 * sequence numbers (Paris): a payload word compensates seq, and the next one names the flow
 * (len >= 12), so each flow has a constant checksum of its own. */
void wire_build_echo(uint8_t *buf, size_t len, bool v6, uint16_t id, uint16_t seq, uint8_t flow);

#endif
