/*
 * replay_internal.h - a loaded recording, shared by its two halves: replay.c (reading it) and
 * replay_play.c (playing it). Nothing else includes it.
 */
#ifndef HOPWATCH_REPLAY_INTERNAL_H
#define HOPWATCH_REPLAY_INTERNAL_H

#include "replay.h"

#define REPLAY_EVENTS_MAX 4096
#define REPLAY_SLOTS_MAX (32u << 20) /* probes a replay holds (about 2.5 GB) */

/* The first send of a round (a probe that could not be sent has no time). */
static inline uint64_t replay_round_start(const struct round *r)
{
    uint64_t t = 0;
    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++) {
        const struct round_probe *p = &r->probe[ttl - r->first_ttl];
        if (p->outcome != ROUND_UNSENT && (!t || p->sent_us < t))
            t = p->sent_us;
    }
    return t;
}

struct replay {
    struct replay_setup setup;
    struct round *rounds; /* file order: the order the prober handed them on */
    size_t nrounds, cap;
    bool truncated, have_end;
    struct timespec ended;
    char end_reason[32];
    struct probe_counters counters;
    uint64_t unmatched, now_us;
    bool pmtu_on;
    int packet_bytes;
    uint64_t timeout_us, interval_us;
    size_t event_after[REPLAY_EVENTS_MAX]; /* how many rounds were handed on when each
                                            * recorded event was logged */
    size_t reset_after[REPLAY_EVENTS_MAX]; /* ... when the statistics were reset by key */
    int nresets;
    int first_mtu[PROBE_MODE_COUNT]; /* --pmtu: where each mode's search started */
    size_t slots;                    /* probe slots held, against REPLAY_SLOTS_MAX */
    int nevents;
};

#endif
