/*
 * metrics_internal.h - what the exporter's two files share: a target's counters.
 */
#ifndef HOPWATCH_METRICS_INTERNAL_H
#define HOPWATCH_METRICS_INTERNAL_H

#include "metrics.h"

#include <pthread.h>
#include <stdint.h>

struct metrics_hop {
    uint64_t sent, answered, lost;
    uint64_t other_replies; /* from responders past the cap */
};

struct metrics_responder {
    uint8_t mode, ttl;
    struct probe_addr addr;
    uint64_t replies;
};

struct metrics_counts {
    pthread_mutex_t lock;
    struct metrics_hop hop[PROBE_MODE_COUNT][METRICS_TTL_MAX + 1];
    struct metrics_responder resp[METRICS_RESPONDERS_MAX];
    int nresp;
};

#endif
