/*
 * verdicts.h - the diagnosis of one probe mode of one target, kept over time: evaluated once
 * per completed round (diagnose.c on the hop table's counts), with per-round evidence taken
 * from the rounds themselves, and held steady. A claim that a hop's loss is not forwarding
 * (reply-only, destination) is made or given up only after it came out VERDICTS_HOLD
 * evaluations in a row; and every change of a hop's verdict after its first doubles what the
 * next change needs, so figures that hover at a threshold do not make the verdict flicker.
 * Its result is what the TUI, the reports, JSON and the events show.
 *
 * Thread: the prober thread (a round consumer, through target.c); pure otherwise.
 */
#ifndef HOPWATCH_VERDICTS_H
#define HOPWATCH_VERDICTS_H

#include "diagnose.h"
#include "hops.h"
#include "round.h"

#define VERDICTS_HOLD 3
#define VERDICTS_ROUNDS 256 /* recent rounds kept as per-round evidence */

/* One remembered round: which TTLs it lost, and whether its destination probe came back. */
struct verdicts_round {
    uint64_t lost[DIAG_MAX_HOPS / 64]; /* bit per TTL below the destination's */
    bool dest_answered;
};

struct verdicts {
    /* per-round evidence over the last VERDICTS_ROUNDS rounds */
    struct verdicts_round ring[VERDICTS_ROUNDS];
    int ring_len, ring_next;
    uint32_t rounds_lost[DIAG_MAX_HOPS], rounds_lost_dest_ok[DIAG_MAX_HOPS]; /* by TTL */
    /* steadiness, by TTL */
    uint8_t shown[DIAG_MAX_HOPS], candidate[DIAG_MAX_HOPS], changes[DIAG_MAX_HOPS];
    uint16_t held[DIAG_MAX_HOPS];
    /* the result: in[i] and diag.hop[i] are hop TTL in[i].ttl */
    struct diag_input in[DIAG_MAX_HOPS];
    struct path_diag diag;
    uint64_t done; /* completed probes of every hop at the last evaluation */
};

void verdicts_reset(struct verdicts *v);
/* Notes a completed round's evidence. */
void verdicts_add_round(struct verdicts *v, const struct round *r);
/* Classifies counts[0..n) (TTL order; `end` says what the last one is), adds the per-round
 * evidence and holds changed verdicts back; the result is v->in, v->diag. */
void verdicts_evaluate(struct verdicts *v, const struct diag_input *counts, int n,
                       enum diag_end end);

#endif
