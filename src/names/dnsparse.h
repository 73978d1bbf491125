/*
 * dnsparse.h - pure helpers for name and AS lookups: Team Cymru's TXT formats, the query names
 * they need, the TTL of a DNS answer, and which addresses must not be asked about.
 */
#ifndef HOPWATCH_DNSPARSE_H
#define HOPWATCH_DNSPARSE_H

#include "probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "<reversed octets>.origin.asn.cymru.com" or "<32 reversed nibbles>.origin6.asn.cymru.com";
 * "<reversed>.in-addr.arpa" / ".ip6.arpa" when ptr. Returns 0 or -1 (buffer too small). */
int dns_query_name(const struct probe_addr *a, bool ptr, char *buf, size_t len);

/* Origin TXT: "ASN[ ASN...] | prefix | CC | registry | date". Takes the first ASN; cc gets
 * the country code (escaped). 0, or -1 unless exactly four '|' separators and a valid ASN. */
int cymru_parse_origin(const char *txt, size_t len, uint32_t *asn, char *cc, size_t cc_len);

/* AS name TXT: "ASN | CC | registry | date | name". name gets the escaped name. 0 or -1. */
int cymru_parse_asname(const char *txt, size_t len, char *name, size_t name_len);

/* The smallest TTL of the answer records of a DNS response message. 0, or -1 if malformed or
 * without answers. */
int dns_min_ttl(const uint8_t *msg, size_t len, uint32_t *ttl);

/* Private, loopback, link-local, documentation, unspecified, multicast or unique-local
 * addresses: no AS lookup over DNS for them. */
bool dns_addr_is_special(const struct probe_addr *a);

#endif
