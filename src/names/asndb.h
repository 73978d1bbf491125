/*
 * asndb.h - offline AS numbers, AS names and countries from MaxMind-format databases
 * (libmaxminddb): GeoLite2-ASN, DB-IP ASN Lite, IPinfo ASN layouts for AS data; GeoLite2 /
 * DB-IP / IPinfo country layouts for the country code. Local and synchronous: looked up before
 * any DNS query is sent.
 */
#ifndef HOPWATCH_ASNDB_H
#define HOPWATCH_ASNDB_H

#include "probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asndb;

/* Opens asn_path and geo_path (each may be NULL: then the usual places are searched, unless
 * `discover` is false). Each file that cannot be used gives one warning line in warn (lines
 * separated by '\n'; the file is left out); never fails. Free with asndb_close. */
struct asndb *asndb_open(const char *asn_path, const char *geo_path, bool discover, char *warn,
                         size_t warn_len);
void asndb_close(struct asndb *db);
bool asndb_has_asn(const struct asndb *db);
/* Paths in use, for messages ("" when none). */
const char *asndb_asn_path(const struct asndb *db);

struct asn_info {
    uint32_t asn; /* 0: unknown */
    char as_name[128];
    char cc[8];
};

/* Fills what the databases know about a (escaped). Returns true if anything was found. */
bool asndb_lookup(const struct asndb *db, const struct probe_addr *a, struct asn_info *out);

#endif
