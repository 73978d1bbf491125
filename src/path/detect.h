/*
 * detect.h - turns completed rounds into events: loss bursts (with their onset), path changes,
 * mode changes, and spells in which this host could not send (no route, no address, a local
 * firewall: the probes' sends failed, so nothing was measured and nothing is counted lost). Runs in
 * the prober thread (a round consumer, through target.c); writes to the event log.
 *
 * A path change is a change after the path is found (stable), that stays: a responder new at a hop
 * (the hop table says so) that then answers DETECT_STABLE_ROUNDS rounds in a row there, or a new
 * end of the path that holds DETECT_STABLE_ROUNDS rounds. Finding the path in the first rounds is
 * not one.
 *
 * A round sends every TTL back to back, so a time-correlated outage knocks out every TTL past
 * the fault in the same round: the round's "cut" is the first informative TTL from which every
 * informative TTL up to the destination was lost. A burst is a run of rounds with a cut, at
 * least DETECT_BURST_MIN long and long enough to be unlikely under the destination's ordinary
 * loss rate; it ends after DETECT_CLEAN_MIN rounds in which the destination answered. Its onset
 * is the most frequent cut. Hops the diagnosis calls reply-only are not informative.
 */
#ifndef HOPWATCH_DETECT_H
#define HOPWATCH_DETECT_H

#include "events.h"
#include "probe.h"
#include "prober/round.h"

#include <stdbool.h>
#include <stdint.h>

#define DETECT_MAX_TTL 256
#define DETECT_BURST_MIN 3
#define DETECT_CLEAN_MIN 2
#define DETECT_STABLE_ROUNDS 3

/* A change that has not held long enough yet. */
struct detect_pending {
    struct probe_addr was, is; /* a hop's first responder, and its new one (none: nothing) */
    uint32_t since;            /* the round in which the new one first answered */
    uint8_t flow;              /* --flows: only rounds of this flow confirm it */
    uint8_t held;              /* rounds since then it answered in a row */
};

struct detector {
    struct event_log *log;
    bool uninformative[DETECT_MAX_TTL]; /* set from the latest diagnosis of the round's mode */
    /* loss bursts */
    int cut_run, clean_run;
    struct timespec run_start, first_clean;
    int hist[DETECT_MAX_TTL];
    bool in_burst;
    uint32_t burst_id;
    struct event burst;
    uint64_t dest_rounds, dest_lost; /* rounds outside bursts, for the ordinary loss rate */
    /* this host could not send: from the first round a send failed to the first that sent
     * again */
    bool in_send_failure;
    uint32_t send_failure_id;
    struct event send_failure;
    /* path changes, per mode: DETECT_MAX_TTL of them, made with the mode's first new
     * responder (most targets never have one) */
    struct detect_pending *hop[PROBE_MODE_COUNT];
    int dest[PROBE_MODE_COUNT]; /* the stable end of the path (0: not yet) */
    bool dest_unreach[PROBE_MODE_COUNT];
    int dest_candidate[PROBE_MODE_COUNT], dest_held[PROBE_MODE_COUNT];
};

void detect_init(struct detector *w, struct event_log *log);
/* Frees what detect_init's detector allocated since; detect_init may follow (a reset). */
void detect_free(struct detector *w);
/* A round whose probes are all answered, lost or cancelled, in send order. */
void detect_round(struct detector *w, const struct round *r);
/* The cut of a round (see above), or 0. */
int detect_cut(const struct detector *w, const struct round *r);
/* A hop of `mode` answered from `is` in round `round` (of flow `flow`), new there; it first
 * answered from `was`. A path change if `is` goes on answering there for DETECT_STABLE_ROUNDS
 * rounds of that flow. */
void detect_new_responder(struct detector *w, int mode, int flow, int ttl, uint32_t round,
                          const struct probe_addr *was, const struct probe_addr *is);

#endif
