/*
 * watch.h - turns completed rounds into events: loss bursts (with their onset), changes of
 * the target's TTL, mode changes; and a new responder at a hop into a path change. Runs in
 * the prober thread (a round consumer, through target.c); writes to the event log.
 *
 * A round sends every TTL back to back, so a time-correlated outage knocks out every TTL past
 * the fault in the same round: the round's "cut" is the first informative TTL from which every
 * informative TTL up to the destination was lost. A burst is a run of rounds with a cut, at
 * least WATCH_BURST_MIN long and long enough to be unlikely under the destination's ordinary
 * loss rate; it ends after WATCH_CLEAN_MIN rounds in which the destination answered. Its onset
 * is the most frequent cut. Hops the diagnosis calls reply-only are not informative.
 */
#ifndef HOPWATCH_WATCH_H
#define HOPWATCH_WATCH_H

#include "events.h"
#include "probe.h"
#include "round.h"

#include <stdbool.h>
#include <stdint.h>

#define WATCH_MAX_TTL 256
#define WATCH_BURST_MIN 3
#define WATCH_CLEAN_MIN 2

struct watch {
    struct event_log *log;
    bool uninformative[WATCH_MAX_TTL]; /* set from the latest diagnosis of the round's mode */
    /* loss bursts */
    int cut_run, clean_run;
    struct timespec run_start, first_clean;
    int hist[WATCH_MAX_TTL];
    bool in_burst;
    uint32_t burst_id;
    struct event burst;
    uint64_t dest_rounds, dest_lost; /* rounds outside bursts, for the ordinary loss rate */
    int last_dest[PROBE_MODE_COUNT]; /* the target's TTL per mode, as of the last round */
};

void watch_init(struct watch *w, struct event_log *log);
/* A round whose probes are all answered, lost or cancelled, in send order. */
void watch_round(struct watch *w, const struct round *r);
/* The cut of a round (see above), or 0. */
int watch_cut(const struct watch *w, const struct round *r);
/* A hop of `mode` answered from `is`, new there; it first answered from `was`. */
void watch_new_responder(struct watch *w, int mode, int ttl, const struct probe_addr *was,
                         const struct probe_addr *is, const struct timespec *now);

#endif
