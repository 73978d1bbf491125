/*
 * diagnose.h - what a hop's loss means: pure functions over per-hop counts.
 *
 * Loss seen at hop h is 1 - (1 - F_h) g_h r_h: forwarding loss up to h (F, inherited by every
 * later hop) times the hop's own reply generation (g) and the reply's way back (r). Only F
 * carries downstream, so the later hops estimate the forwarding loss up to h: their pooled
 * loss, over the later hops that agree with each other (a later hop that itself loses
 * replies stays out of the pool). A hop whose loss is significantly above that pool loses
 * replies, not traffic (reply-only); loss that carries on to the destination starts at the
 * onset hop. Every rate has a Wilson score interval (Wilson 1927) and every comparison
 * Newcombe's hybrid score interval for a difference (Newcombe 1998, method 10), so "1 lost of
 * 5" is "unknown", not "20% loss". The README's "Loss diagnosis" section shows the lab
 * vectors it is tested on (tests/unit/test_diagnose.c).
 */
#ifndef HOPWATCH_DIAGNOSE_H
#define HOPWATCH_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIAG_MAX_HOPS 256
#define DIAG_Z 2.576  /* 99 % two-sided: the intervals shown, a hop's own significance */
#define DIAG_N_MIN 20 /* completed probes before a hop gets a verdict */
#define DIAG_TAU 0.01 /* smallest loss difference that matters */
/* The chance, per evaluation of a whole path, that noise alone makes a claim that a hop's
 * loss is not forwarding (reply-only, destination) or moves the onset: 0.1%, shared by the
 * path's hops (Bonferroni). The simulations in tests/stats measured what this buys. */
#define DIAG_CLAIM_ALPHA 0.001

enum verdict {
    VERDICT_UNKNOWN,     /* too few samples, or nothing downstream to compare with */
    VERDICT_OK,          /* no loss beyond noise */
    VERDICT_REPLY_ONLY,  /* loses its own replies; later hops lose significantly less */
    VERDICT_FORWARDING,  /* loss that carries on to every later hop and the destination */
    VERDICT_DESTINATION, /* only the destination loses */
};

struct diag_input {
    int ttl;
    uint64_t n; /* completed probes: answered + timed out (in flight excluded) */
    uint64_t lost;
};

struct hop_diag {
    enum verdict verdict;
    double loss;               /* lost / n */
    double ci_lo, ci_hi;       /* Wilson interval of the loss, 99 % */
    double claim_lo, claim_hi; /* ... at the path's claim level (claim_z) */
    bool usable;               /* enough samples and not silent */
    bool significant;          /* its loss interval is above TAU */
    bool informative;          /* its loss tracks the path's (no excess of its own) */
    int ref;                   /* index of the later usable hop with the least loss, -1 none */
    bool upstream_path_loss;   /* reply-only, with real path loss before it too */
    /* Per-round evidence (recent rounds only, filled by verdicts.c): rounds in which this
     * hop's probe was lost, and of those, rounds in which the destination's probe - sent in
     * the same round - was answered: evidence against forwarding loss at this hop. */
    uint32_t rounds_lost, rounds_lost_dest_ok;
};

struct path_diag {
    int n;
    struct hop_diag hop[DIAG_MAX_HOPS];
    int onset;         /* index of the hop where loss persisting to the destination starts, -1 */
    int onset_prev;    /* index of the informative hop before it, -1 for the source */
    double onset_loss; /* estimated forwarding loss there: the least loss from it on */
    /* The z of the claims that a hop's loss is not forwarding (reply-only, destination) and
     * of the onset's placement: every usable hop is such a test, so they share
     * DIAG_CLAIM_ALPHA. */
    double claim_z;
};

/* Wilson score interval for x of n at z. */
void diag_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi);
/* Newcombe's hybrid score interval for p1 - p2 (method 10). */
void diag_newcombe(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double z, double *lo,
                   double *hi);

/* The z at which `tests` one-sided comparisons together keep DIAG_CLAIM_ALPHA. */
double diag_z_for(int tests);

/* What the last hop given is: an answering hop like any other (the end of the path is not
 * known yet), the target, or a router that says the target is unreachable (its replies are
 * rate-limited errors: they say nothing of forwarding loss). */
enum diag_end { DIAG_END_OPEN, DIAG_END_TARGET, DIAG_END_UNREACH };

/* Classifies hops in[0..n) in TTL order; `end` says what in[n-1] is. */
void diagnose_path(const struct diag_input *in, int n, enum diag_end end, struct path_diag *out);

const char *verdict_name(enum verdict v);

/* Says in words why hop i got its verdict ("hop 4 lost 61% ... while hop 9 lost 0.3% ..."). */
void diagnose_evidence(const struct diag_input *in, const struct path_diag *d, int i, char *buf,
                       size_t len);

/* The TTL of the first hop whose verdict is forwarding, or 0 (loss that carries on although
 * the onset cannot be placed yet). */
int diagnose_first_forwarding(const struct diag_input *in, const struct path_diag *d);

#endif
