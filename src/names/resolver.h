/*
 * resolver.h - the resolver thread: reverse DNS names and AS numbers for every address that
 * answers, without ever blocking the prober or the screen.
 *
 * It watches the hop table for new responders, looks each one up in the local mmdb databases
 * first (instant), then asks DNS through one c-ares channel in its own poll loop: a PTR
 * query, and with aslookup Team Cymru's TXT records (origin / origin6, then the AS name) for
 * addresses no database answered and that are not private or documentation space. Answers are
 * cached for their TTL, failures briefly; everything from the network is stored escaped.
 * Readers (UI, reports) copy entries out by address under the resolver's own lock.
 */
#ifndef HOPWATCH_RESOLVER_H
#define HOPWATCH_RESOLVER_H

#include "asndb.h"
#include "path/hops.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct name_info {
    bool host_done; /* the PTR lookup finished (host may still be empty: no name) */
    char host[256]; /* escaped */
    uint32_t asn;   /* 0: unknown */
    char as_name[128];
    char cc[8];
    bool special; /* private / documentation / link-local...: no AS lookup over DNS */
};

struct names_config {
    bool ptr;               /* reverse DNS (off with -n) */
    bool asn_dns;           /* -z: AS numbers over DNS when no database answered */
    const char *dns_server; /* ADDR[:PORT] or NULL for the system's resolv.conf */
    int timeout_ms;         /* per query try */
    struct asndb *db;       /* may be NULL */
    struct probe_addr also; /* looked up too when family is set: this host's public address */
};

struct names_stats {
    uint64_t queries, answers, failures, cached;
};

struct resolver;

/* Starts the resolver thread over hops (may be NULL). NULL with err set on failure. */
struct resolver *resolver_start(const struct names_config *cfg, struct hops *hops, char *err,
                                size_t err_len);
/* Watches one more hop table (another target's) until resolver_unwatch or the resolver's
 * stop. 0 or -ENOMEM. */
int resolver_watch(struct resolver *r, struct hops *hops);
/* Watches it no more: once this returns the resolver does not touch it (a target removed). */
void resolver_unwatch(struct resolver *r, struct hops *hops);
void resolver_stop(struct resolver *r);
/* Copies what is known about a; false if nothing yet. */
bool resolver_get(struct resolver *r, const struct probe_addr *a, struct name_info *out);
/* For reports: waits until every address in the table has been looked up (or timed out),
 * at most timeout_ms. */
void resolver_wait(struct resolver *r, int timeout_ms);
struct names_stats resolver_stats(struct resolver *r);

#endif
