/*
 * pmtu.h - the path MTU search of one probe mode (--pmtu), tracepath's method made to live
 * beside the statistics, and the black holes tracepath cannot see.
 *
 * The prober sends some rounds of the mode as sizing rounds: every TTL at the size the search
 * tries, with DF set and the kernel's cached path MTU ignored. Their probes are not
 * statistics (a too-big probe is no loss of the hop); the other rounds keep the configured
 * size. A router that cannot forward a sizing probe answers Fragmentation Needed (IPv4) or
 * Packet Too Big (IPv6) with its next link's MTU: the next sizing round sends that size. When
 * a sizing round reaches as far as the normal rounds do, its size is the path MTU.
 *
 * A black hole: the sizing probes vanish from some TTL on, with no too-big message, while the
 * normal probes still reach past it. Seen three times in a row at one size, the search bisects
 * between the normal size (which passes) and that size, one sizing round per step, until the
 * largest size that passes is found: "packets over N bytes are lost from hop K on".
 *
 * Pure: fed rounds, no I/O, no clock. The prober thread owns it.
 */
#ifndef HOPWATCH_PMTU_H
#define HOPWATCH_PMTU_H

#include "round.h"

#include <stdbool.h>
#include <stdint.h>

#define PMTU_MAX_DROPS 8
#define PMTU_REACH_ROUNDS 3 /* normal rounds whose furthest answer a sizing round must match */
#define PMTU_EVERY_SEARCHING 2
#define PMTU_EVERY_FOUND 10
#define PMTU_STRIKES 3     /* sizing rounds in a row that vanish at one size before it counts */
#define PMTU_FINISH_MAX 32 /* sizing rounds a report may add after its last round (-c) */

/* What one mode's search knows. */
struct pmtu_result {
    int first_mtu;   /* the first link's MTU (the route's), where the search starts */
    int size;        /* what the next sizing round sends */
    int path_mtu;    /* the largest size that got as far as the normal probes; 0: not yet */
    uint32_t rounds; /* sizing rounds completed */
    int ndrops;
    struct pmtu_drop {
        int ttl;                /* probes of this TTL and above met the smaller link */
        int mtu;                /* its MTU, as the router said */
        struct probe_addr from; /* the router that said so (the hop before the link) */
    } drops[PMTU_MAX_DROPS];
    int hole_ttl;   /* black hole: sizing probes vanish from this TTL on, no too-big; 0 none */
    int hole_good;  /* ... the largest size known to pass it */
    int hole_bad;   /* ... the smallest size known to vanish */
    bool hole_done; /* the bisection ended: hole_good is the answer */
    bool ran_out;   /* a report's run ended before the search did (PMTU_FINISH_MAX rounds) */
};

struct pmtu {
    struct pmtu_result res;
    int min_size;                  /* the normal probes' size: known to pass */
    int floor;                     /* no MTU below it: 1280 (IPv6), 68 (IPv4) */
    int reach[PMTU_REACH_ROUNDS];  /* furthest TTL answered by the latest normal rounds */
    uint32_t normal_rounds, since; /* normal rounds seen; since the last sizing round */
    int strikes;                   /* sizing rounds in a row that vanished at res.size */
    int outstanding;               /* sizing rounds sent and not yet completed */
};

/* Starts a search from first_mtu (capped at 65000); min_size is the normal probes' size; v6:
 * the IPv6 minimum MTU of 1280 is a floor. */
void pmtu_init(struct pmtu *pm, int first_mtu, int min_size, bool v6);
/* Should the mode's next round be a sizing round? */
bool pmtu_due(const struct pmtu *pm);
/* Has the search an answer (a path MTU; a black hole's bisection ended)? */
bool pmtu_done(const struct pmtu *pm);
/* The prober sends a sizing round now (the next is due PMTU_EVERY_* normal rounds later). */
void pmtu_sent(struct pmtu *pm);
/* A completed round of the mode, normal or sizing (r->sizing). */
void pmtu_round(struct pmtu *pm, const struct round *r);
/* The MTU of the path up to hop ttl, as far as the search knows; 0 when it knows nothing. */
int pmtu_mtu_at(const struct pmtu_result *res, int ttl);
/* The search in words: "path MTU 1400 (1500 to hop 2, then 1400)", "searching (1500)" or
 * "packets over 1400 bytes are lost from hop 5 on, no too-big message". */
void pmtu_describe(const struct pmtu_result *res, char *buf, size_t len);

/* The same, short, for a header: "PMTU 1400", "PMTU ? (1500)", "PMTU 1400 (black hole)". */
void pmtu_short(const struct pmtu_result *res, char *buf, size_t len);

#endif
