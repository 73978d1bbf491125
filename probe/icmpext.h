/*
 * icmpext.h - ICMP extensions (RFC 4884) and the MPLS label stacks they carry (RFC 4950).
 *
 * Owns the reading of the extension structure a router may append to an ICMP(v6) Time
 * Exceeded, Destination Unreachable or (v4) Parameter Problem, after the quoted datagram: a
 * 4-byte header (version 2, checksum) then objects of length / class-num / c-type. Only the
 * MPLS Label Stack object (class 1, c-type 1) is decoded; other objects are skipped once their
 * length has been checked. Pure functions of (bytes, length), like parse.h: every read is
 * length-checked, no length field inside the packet is trusted, nothing is allocated; safe
 * from any thread.
 *
 * Checksum policy: a checksum field of zero means "not computed" and is accepted, as Linux
 * (net/ipv4/icmp.c, ip_icmp_error_rfc4884_validate) and Debian's traceroute (extension.c,
 * try_extension) accept it; a non-zero checksum must verify over the whole structure. The
 * non-compliant 128-byte heuristic of icmpext_from_icmp is stricter: it needs a non-zero,
 * verifying checksum, since quoted bytes that merely look like a version-2 header with a zero
 * checksum prove nothing.
 */
#ifndef HOPWATCH_ICMPEXT_H
#define HOPWATCH_ICMPEXT_H

#include "probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses an ICMP extension structure that starts at p and runs to the end of the message
 * (len bytes, RFC 4884 section 7). Fills up to max entries of out (outermost first) from the
 * MPLS Label Stack objects in it; entries past max are dropped. out may be NULL when max is 0.
 * Returns the number of entries filled (0: a valid structure without an MPLS object), or
 * -EINVAL: shorter than its header, a version other than 2, a non-zero checksum that does not
 * verify, or an object shorter than 4 bytes, not a multiple of 4, or running past len. */
int icmpext_parse(const uint8_t *p, size_t len, struct probe_mpls *out, int max);

/* Finds and parses the extension of a whole ICMP (v6 false) or ICMPv6 (v6 true) error message
 * that starts at its ICMP header: Time Exceeded and Destination Unreachable, and the ICMPv4
 * Parameter Problem. Other types carry no extension and give 0.
 *
 * RFC 4884 length field (v4: byte 5, 32-bit words; v6: byte 4, 64-bit words) of 128 bytes or
 * more: the extension starts right after that much original datagram. Nothing after it: 0.
 * Something after it: it must be a valid structure, else -EINVAL.
 * Length field 0, or below 128 (routers in the wild set it so and pad the datagram to 128
 * anyway), and more than 128 bytes after the 8-byte ICMP header: the layout of RFC 4884
 * section 5.5 (an extension after exactly 128 bytes) is tried (icmpext_at_128).
 * Returns the number of entries filled (at most max), 0 for none, -EINVAL as above. */
int icmpext_from_icmp(const uint8_t *icmp, size_t len, bool v6, struct probe_mpls *out, int max);

/* The extension after a 128-byte original datagram, in `quote` (the ICMP message after its
 * 8-byte header, len bytes, less the first `stripped` bytes: the error queue hands the quote
 * over without the IP and transport headers the kernel stripped): only believed when a
 * structure there parses with version 2 and a non-zero, verifying checksum; anything else
 * there is quoted data and gives 0, never -EINVAL. */
int icmpext_at_128(const uint8_t *quote, size_t len, size_t stripped, struct probe_mpls *out,
                   int max);

/* Formats n label stack entries for people, outermost first, as
 * "L=16001 TC=0 S=1 TTL=1, L=24000 TC=0 S=1 TTL=255" (mtr's "Lbl 16001 TC 0 S 1 TTL 1" with
 * the shorter names of traceroute -e). Writes at most len bytes into buf and always
 * NUL-terminates it when len > 0, cutting the text short if it does not fit. Returns the number
 * of characters written, without the NUL (strlen(buf); 0 when len is 0). */
size_t icmpext_format(const struct probe_mpls *m, int n, char *buf, size_t len);

#endif
