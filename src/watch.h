/*
 * watch.h - turns completed rounds and replies into events: loss bursts (with their onset),
 * path changes, mode changes. Runs in the prober thread; writes to the event log.
 *
 * A round sends every TTL back to back, so a time-correlated outage knocks out every TTL past
 * the fault in the same round: the round's "cut" is the first informative TTL from which every
 * informative TTL up to the destination was lost. A burst is a run of rounds with a cut, at
 * least WATCH_BURST_MIN long and long enough to be unlikely under the destination's ordinary
 * loss rate; it ends after WATCH_CLEAN_MIN rounds in which the destination answered. Its onset
 * is the most frequent cut. Hops the classifier calls reply-only are not informative.
 */
#ifndef HOPWATCH_WATCH_H
#define HOPWATCH_WATCH_H

#include "events.h"
#include "probe.h"

#include <stdbool.h>
#include <stdint.h>

#define WATCH_MAX_TTL 256
#define WATCH_BURST_MIN 3
#define WATCH_CLEAN_MIN 2
#define WATCH_KNOWN 4

struct watch_round {
    int mode;
    struct timespec wall; /* when the round was sent (CLOCK_REALTIME) */
    int dest_ttl;         /* 0: the target has not answered yet */
    uint64_t answered[WATCH_MAX_TTL / 64], lost[WATCH_MAX_TTL / 64]; /* bit per TTL */
};

struct watch {
    struct event_log *log;
    bool uninformative[WATCH_MAX_TTL]; /* set from the latest diagnosis */
    /* loss bursts */
    int cut_run, clean_run;
    struct timespec run_start, first_clean;
    int hist[WATCH_MAX_TTL];
    bool in_burst;
    uint32_t burst_id;
    struct event burst;
    uint64_t dest_rounds, dest_lost; /* rounds outside bursts, for the ordinary loss rate */
    /* path changes */
    struct probe_addr known[PROBE_MODE_COUNT][WATCH_MAX_TTL][WATCH_KNOWN];
    uint8_t nknown[PROBE_MODE_COUNT][WATCH_MAX_TTL];
    int last_dest[PROBE_MODE_COUNT];
};

void watch_init(struct watch *w, struct event_log *log);
/* A round whose probes are all answered, lost or cancelled. */
void watch_round(struct watch *w, const struct watch_round *r);
/* The cut of a round (see above), or 0. */
int watch_cut(const struct watch *w, const struct watch_round *r);
void watch_reply(struct watch *w, int mode, int ttl, const struct probe_addr *from,
                 const struct timespec *now);
void watch_dest(struct watch *w, int mode, int dest_ttl, const struct timespec *now);
void watch_mode(struct watch *w, int from, int to, const struct timespec *now);

static inline void watch_round_mark(struct watch_round *r, int ttl, bool lost)
{
    if (ttl > 0 && ttl < WATCH_MAX_TTL)
        (lost ? r->lost : r->answered)[ttl / 64] |= 1ull << (ttl % 64);
}

#endif
