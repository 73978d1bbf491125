/* sim.h - synthetic paths for the classifier's measured accuracy: a scenario says where
 * probes are lost in forwarding (per link, in outages), where routers fail to reply (a Linux
 * token-bucket ICMP rate limit, possibly on one of two ECMP responders) and whether the
 * destination loses; sim_run plays it round by round through the real diagnosis (verdicts.c
 * and diagnose.c, evaluated after every round as hopwatch does) and judges the final verdicts
 * against the truth. Seeded and deterministic. */
#ifndef HOPWATCH_SIM_H
#define HOPWATCH_SIM_H

#include "path/diagnose.h"

#include <stdbool.h>
#include <stdint.h>

#define SIM_MAX_HOPS 16

struct scenario {
    const char *family; /* the scenario families: accuracy is judged per family */
    const char *name;
    int hops;          /* hop `hops` is the destination */
    double interval_s; /* time between rounds (the limiter sees one probe per round) */
    double link_loss[SIM_MAX_HOPS + 1]; /* [k]: a probe is lost on its way into hop k */
    bool return_loss;                   /* replies cross the same links back and lose alike */
    double dest_loss;                   /* the destination does not answer */
    int limit_hop;                      /* a router whose ICMP is rate-limited (0: none) */
    double limit_per_s;                 /* its token rate */
    int limit_burst;                    /* and bucket size, in tokens (Linux: 6) */
    bool limit_one_of_two;              /* limit_hop has two ECMP responders; only one is limited */
    int limit_hop2;                     /* a second rate-limited router, same bucket (0: none) */
    int outage_hop;                     /* outages: every probe into this hop and beyond is lost */
    int outage_every, outage_len;       /* ... for outage_len rounds out of every outage_every */
    /* Gilbert-Elliott bursts on the link into burst_hop: a good round turns bad with
     * burst_start, a bad one (every probe across the link lost) ends with 1 / burst_rounds. */
    int burst_hop;
    double burst_start, burst_rounds;
    bool burst_fixed; /* every burst lasts burst_rounds exactly (a timer, as the lab's) */
};

/* What one run came to. */
struct sim_result {
    enum verdict got[SIM_MAX_HOPS + 1]; /* final verdicts, by TTL */
    int onset;                          /* placed onset TTL, 0 none */
    int onset_prev;                     /* the hop it is placed after, 0 the source */
    bool right;                         /* no wrong verdict, no wrong onset */
    bool decided;                       /* right, and nothing left unknown or unplaced */
    bool hop_wrong[SIM_MAX_HOPS + 1];   /* by TTL */
    int decided_at; /* probes after which it was decided and stayed so to the end, 0 never */
};

/* The verdict each hop should get, and the loss it really sees. */
void sim_truth(const struct scenario *sc, enum verdict *want, double *loss, int *onset);
/* The fewest probes a sequential test at hopwatch's error rates needs, on average, to make
 * the claims a decision about sc rests on, knowing the true rates: Wald's approximation
 * log(1/alpha) / KL per claim, the largest of them, at least DIAG_N_MIN. The claims: the
 * onset's predecessor cleaner than the onset, a reply-only hop above the destination, the
 * hop before the destination below it (each hop's own probes against the other's true rate,
 * which a test can only estimate: so no test does better on average), the onset lossy (the
 * hops from it on, pooled, against DIAG_TAU_LOSSY). */
double sim_bound(const struct scenario *sc);
/* Plays `rounds` rounds of sc from seed and judges the result. */
void sim_run(const struct scenario *sc, int rounds, uint64_t seed, struct sim_result *out);
/* Plays `rounds` rounds and returns the most changes of one hop's published verdict after
 * the first `warmup` rounds: how steady the live view is. */
int sim_flips(const struct scenario *sc, int rounds, int warmup, uint64_t seed);

#endif
