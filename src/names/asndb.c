/*
 * asndb.c - libmaxminddb lookups (see asndb.h). The databases are memory-mapped read-only;
 * MMDB lookups are thread-safe on a shared handle, so the resolver thread uses them directly.
 */
#include "asndb.h"
#include "text/textesc.h"

#include <ctype.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct asndb {
    MMDB_s asn, geo;
    bool have_asn, have_geo;
    char asn_path[256], geo_path[256];
};

static const char *const asn_places[] = {"/usr/share/GeoIP/GeoLite2-ASN.mmdb",
                                         "/var/lib/GeoIP/GeoLite2-ASN.mmdb",
                                         "/usr/share/GeoIP/dbip-asn-lite.mmdb",
                                         "/var/lib/GeoIP/dbip-asn-lite.mmdb",
                                         "/usr/share/GeoIP/asn.mmdb",
                                         "/var/lib/GeoIP/asn.mmdb",
                                         NULL};
static const char *const geo_places[] = {"/usr/share/GeoIP/GeoLite2-Country.mmdb",
                                         "/var/lib/GeoIP/GeoLite2-Country.mmdb",
                                         "/usr/share/GeoIP/dbip-country-lite.mmdb",
                                         "/var/lib/GeoIP/dbip-country-lite.mmdb",
                                         "/usr/share/GeoIP/country.mmdb",
                                         "/var/lib/GeoIP/country.mmdb",
                                         NULL};

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* Opens one database and checks its type; a warning line on failure. */
static bool open_one(MMDB_s *db, const char *path, const char *kind, const char *const *types,
                     char *warn, size_t warn_len)
{
    int r = MMDB_open(path, MMDB_MODE_MMAP, db);
    bool ok = false;

    if (r != MMDB_SUCCESS) {
        snprintf(warn, warn_len, "warning: cannot use %s database %s: %s; going on without it",
                 kind, path, MMDB_strerror(r));
        return false;
    }
    for (const char *const *t = types; *t && !ok; t++)
        ok = db->metadata.database_type && contains_ci(db->metadata.database_type, *t);
    if (!ok) {
        snprintf(warn, warn_len,
                 "warning: %s is a '%s' database, not an %s database; going on without it", path,
                 db->metadata.database_type ? db->metadata.database_type : "?", kind);
        MMDB_close(db);
    }
    return ok;
}

static const char *discover(const char *const *places)
{
    for (const char *const *p = places; *p; p++)
        if (access(*p, R_OK) == 0)
            return *p;
    return NULL;
}

struct asndb *asndb_open(const char *asn_path, const char *geo_path, bool disc, char *warn,
                         size_t warn_len)
{
    static const char *const asn_types[] = {"asn", NULL};
    static const char *const geo_types[] = {"country", "city", "geo", "location", NULL};
    struct asndb *db = calloc(1, sizeof(*db));

    if (warn_len)
        warn[0] = '\0';
    if (!db)
        return NULL;
    if (!asn_path && disc)
        asn_path = discover(asn_places);
    if (!geo_path && disc)
        geo_path = discover(geo_places);
    if (asn_path && (db->have_asn = open_one(&db->asn, asn_path, "ASN", asn_types, warn, warn_len)))
        snprintf(db->asn_path, sizeof(db->asn_path), "%s", asn_path);
    if (geo_path) {
        size_t used = warn_len ? strlen(warn) : 0;
        /* A second warning goes on a line of its own after the first. */
        if (used && used + 1 < warn_len)
            warn[used++] = '\n', warn[used] = '\0';
        if ((db->have_geo =
                 open_one(&db->geo, geo_path, "country", geo_types, warn + used, warn_len - used)))
            snprintf(db->geo_path, sizeof(db->geo_path), "%s", geo_path);
        if (used && warn[used] == '\0')
            warn[used - 1] = '\0'; /* no second warning: no line break */
    }
    return db;
}

void asndb_close(struct asndb *db)
{
    if (!db)
        return;
    if (db->have_asn)
        MMDB_close(&db->asn);
    if (db->have_geo)
        MMDB_close(&db->geo);
    free(db);
}

bool asndb_has_asn(const struct asndb *db)
{
    return db && db->have_asn;
}

const char *asndb_asn_path(const struct asndb *db)
{
    return db ? db->asn_path : "";
}

static bool get_string(MMDB_entry_s *e, char *out, size_t len, const char *const *path)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data ||
        d.type != MMDB_DATA_TYPE_UTF8_STRING)
        return false;
    text_escape(d.utf8_string, d.data_size, out, len);
    return true;
}

static bool lookup_entry(const MMDB_s *db, const struct probe_addr *a, MMDB_lookup_result_s *res)
{
    struct sockaddr_storage ss;
    int err = 0;

    probe_addr_to_sockaddr(a, 0, &ss);
    *res = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&ss, &err);
    return err == MMDB_SUCCESS && res->found_entry;
}

/* GeoLite2 / DB-IP: autonomous_system_number (uint32) and autonomous_system_organization;
 * IPinfo: asn ("AS15169") and name or as_name. */
static void lookup_asn(const struct asndb *db, const struct probe_addr *a, struct asn_info *out)
{
    static const char *const p_num[] = {"autonomous_system_number", NULL};
    static const char *const p_org[] = {"autonomous_system_organization", NULL};
    static const char *const p_asn[] = {"asn", NULL};
    static const char *const p_name[] = {"name", NULL};
    static const char *const p_as_name[] = {"as_name", NULL};
    MMDB_lookup_result_s res;
    MMDB_entry_data_s d;
    char buf[32];

    if (!db->have_asn || !lookup_entry(&db->asn, a, &res))
        return;
    if (MMDB_aget_value(&res.entry, &d, p_num) == MMDB_SUCCESS && d.has_data) {
        if (d.type == MMDB_DATA_TYPE_UINT32)
            out->asn = d.uint32;
        else if (d.type == MMDB_DATA_TYPE_UINT16)
            out->asn = d.uint16;
    } else if (get_string(&res.entry, buf, sizeof(buf), p_asn)) {
        const char *p = buf;
        if (strncasecmp(p, "AS", 2) == 0)
            p += 2;
        if (isdigit((unsigned char)*p))
            out->asn = (uint32_t)strtoul(p, NULL, 10);
    }
    if (!get_string(&res.entry, out->as_name, sizeof(out->as_name), p_org) &&
        !get_string(&res.entry, out->as_name, sizeof(out->as_name), p_as_name))
        get_string(&res.entry, out->as_name, sizeof(out->as_name), p_name);
}

static void lookup_geo(const struct asndb *db, const struct probe_addr *a, struct asn_info *out)
{
    static const char *const p_iso[] = {"country", "iso_code", NULL};
    static const char *const p_country[] = {"country", NULL};
    static const char *const p_cc[] = {"country_code", NULL};
    MMDB_lookup_result_s res;

    if (!db->have_geo || !lookup_entry(&db->geo, a, &res))
        return;
    if (!get_string(&res.entry, out->cc, sizeof(out->cc), p_iso) &&
        !get_string(&res.entry, out->cc, sizeof(out->cc), p_cc))
        get_string(&res.entry, out->cc, sizeof(out->cc), p_country);
}

bool asndb_lookup(const struct asndb *db, const struct probe_addr *a, struct asn_info *out)
{
    memset(out, 0, sizeof(*out));
    if (!db)
        return false;
    lookup_asn(db, a, out);
    lookup_geo(db, a, out);
    return out->asn || out->as_name[0] || out->cc[0];
}
