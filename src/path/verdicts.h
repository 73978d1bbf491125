/*
 * verdicts.h - the diagnosis of one probe mode of one target, kept over time. Every completed
 * round feeds the sequential tests of diagnose.h (eproc.h), one score per test and hop, held
 * against the references (the informative hops after each hop, the path into the
 * destination) the previous evaluation found, so each round's bet is fixed before the round
 * is seen; then the path is classified again. A claim that a hop's loss is not forwarding
 * (reply-only, destination) is shown or given up only after it came out VERDICTS_HOLD
 * evaluations in a row; every other verdict shows at once (each rests on a claim, or on the
 * onset, and the onset holds where it was), so the rows agree with the header in every
 * frame. Its result is what the TUI, the reports, JSON and the events show.
 *
 * Tests cover TTLs 1..VERDICTS_TTLS; hops past it (no real path is that long) are judged on
 * their counts alone and read ok unless they stop answering.
 *
 * Thread: the prober thread (a round consumer, through target.c); pure otherwise.
 */
#ifndef HOPWATCH_VERDICTS_H
#define HOPWATCH_VERDICTS_H

#include "diagnose.h"
#include "eproc.h"
#include "prober/round.h"

#define VERDICTS_HOLD 3
#define VERDICTS_TTLS 64

/* One hop's tests (diagnose.h says what each claims). */
struct verdicts_tests {
    struct eproc above, below, lossy, clean, from;
};

struct verdicts {
    struct verdicts_tests hop[VERDICTS_TTLS + 1]; /* by TTL */
    struct eproc dest_above, dest_above_last;     /* the destination's own loss */
    int dest_ttl;                                 /* the destination they are about */
    /* the references the next round is held against, from the last evaluation (bit ttl-1) */
    uint64_t pool; /* usable, informative hops; the destination unless suspected */
    int into_from; /* the path into the destination: pool hops from this TTL on */
    int last_ttl;  /* the last pool hop before the destination */
    int onset_ttl; /* where the last evaluation placed the onset, 0 nowhere */
    uint32_t rounds_lost[DIAG_MAX_HOPS], rounds_lost_dest_ok[DIAG_MAX_HOPS]; /* by TTL */
    /* steadiness, by TTL */
    uint8_t shown[DIAG_MAX_HOPS], candidate[DIAG_MAX_HOPS];
    uint16_t held[DIAG_MAX_HOPS];
    uint8_t was[VERDICTS_TTLS + 1]; /* what the last evaluation said, by TTL (verdicts.c) */
    /* the result: in[i] and diag.hop[i] are hop TTL in[i].ttl */
    struct diag_input in[DIAG_MAX_HOPS];
    struct path_diag diag;
    uint64_t done; /* completed probes of every hop at the last evaluation */
};

void verdicts_reset(struct verdicts *v);
/* Feeds a completed round to the tests. */
void verdicts_add_round(struct verdicts *v, const struct round *r);
/* Classifies counts[0..n) (TTL order; `end` says what the last one is) with the tests'
 * evidence and holds changed verdicts back; the result is v->in, v->diag. */
void verdicts_evaluate(struct verdicts *v, const struct diag_input *counts, int n,
                       enum diag_end end);

#endif
