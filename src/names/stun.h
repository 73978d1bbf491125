/*
 * stun.h - a STUN client (RFC 5389 Binding): this host's public address as a STUN server sees
 * it, so the hop segment classifier (segment.h) can tell where the ISP's network is.
 *
 * The builder and the parser are pure and length-checked (the parser has a fuzz target);
 * stun_query does one blocking exchange on its own UDP socket and keeps no state, so any thread
 * may call it. Names are not resolved here: the caller resolves the server with c-ares.
 */
#ifndef HOPWATCH_STUN_H
#define HOPWATCH_STUN_H

#include "probe.h"

#include <stddef.h>
#include <stdint.h>

#define STUN_PORT 3478                /* RFC 5389 section 9: the default STUN port over UDP */
#define STUN_MAGIC_COOKIE 0x2112A442u /* RFC 5389 section 6 */
#define STUN_HEADER_BYTES 20
#define STUN_TXID_BYTES 12

/* Builds a 20-byte Binding Request (RFC 5389: type 0x0001, length 0, magic cookie 0x2112A442,
 * the 12-byte transaction id given). Returns the length written (20) or 0 if cap < 20. */
size_t stun_build_request(uint8_t *buf, size_t cap, const uint8_t txid[12]);

/* Parses a Binding Success Response (type 0x0101): checks the header (first two bits zero, the
 * magic cookie, the length fits and is a multiple of 4, the transaction id matches), walks the
 * attributes (4-byte padded, never trusting a length past the end) and takes
 * XOR-MAPPED-ADDRESS (0x0020) or, if absent, MAPPED-ADDRESS (0x0001); IPv4 and IPv6 (the v6 XOR
 * uses cookie + txid). Bytes after the message's own length are ignored. 0 and *mapped filled,
 * or -EINVAL (malformed, other transaction, error response 0x0111, no address attribute, an
 * address attribute too short or of an unknown family); *mapped is untouched then. */
int stun_parse_response(const uint8_t *p, size_t len, const uint8_t txid[12],
                        struct probe_addr *mapped);

/* Parses a Binding Error Response (type 0x0111) to txid, header checked as above: 0 with *code
 * (300..699, from ERROR-CODE: class * 100 + number) and its reason phrase escaped (textesc.h)
 * into reason (may be NULL), or -EINVAL when it is not one or has no valid ERROR-CODE. */
int stun_parse_error(const uint8_t *p, size_t len, const uint8_t txid[12], int *code, char *reason,
                     size_t reason_len);

/* Asks the STUN server at server:port (UDP; port 0 means 3478) for this host's public address:
 * sends a request with a random transaction id (getrandom), retransmits RFC 5389-style
 * (RTO 500 ms, doubling) until timeout_ms, ignores datagrams that are not the answer (wrong
 * source, wrong txid, malformed). Blocks up to timeout_ms. 0 and *mapped, or -errno with *why
 * saying what happened in words: -ETIMEDOUT "no answer from 198.51.100.7:3478 in 2.0 s (3
 * requests sent)"; a hard ICMP error (RFC 5389 7.2.1) such as -ECONNREFUSED
 * "198.51.100.7:3478: connection refused (no STUN server listens there)"; -EPROTO
 * "198.51.100.7:3478 answered with STUN error 400 (Bad Request)" for an error response to our
 * request (it ends the transaction); another socket error; -EINVAL for a server without an
 * address or timeout_ms <= 0. why may be NULL. */
int stun_query(const struct probe_addr *server, uint16_t port, int timeout_ms,
               struct probe_addr *mapped, char *why, size_t why_len);

/* Splits a server argument into host and port: "host", "host:port", "1.2.3.4:3478",
 * "[2001:db8::1]:3478" and bare "2001:db8::1" (a bare or bracketed host with colons must be a
 * numeric IPv6 address; zone ids are not supported). Without a port *port is STUN_PORT.
 * 0, or -EINVAL for an empty host, an empty, non-numeric, 0 or > 65535 port, or a host that
 * does not fit hostlen (with its NUL). */
int stun_parse_server(const char *arg, char *host, size_t hostlen, uint16_t *port);

#endif
