/*
 * metrics_internal.h - what the exporter's files share: a target's counters (metrics.c) and
 * the HTTP server (metrics_http.c), both used by metrics_render.c.
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

/* The errors a send may fail with that say this host cannot send (metrics.c's table), the
 * last slot every other one. */
#define METRICS_SEND_ERRS 6
extern const int metrics_send_errno[METRICS_SEND_ERRS - 1];
const char *metrics_send_errno_name(int slot);

struct metrics_counts {
    pthread_mutex_t lock;
    struct metrics_hop hop[PROBE_MODE_COUNT][METRICS_TTL_MAX + 1];
    uint64_t send_errors[METRICS_SEND_ERRS]; /* probes this host could not send, by errno */
    struct metrics_responder resp[METRICS_RESPONDERS_MAX];
    int nresp;
};

/* metrics_http.c: serves GET /metrics at "[ADDR:]PORT" with what write puts out (on the
 * server's thread). NULL with err set when the spec is bad or the port cannot be bound. */
struct metrics_http;
struct metrics_http *metrics_http_start(const char *spec, void (*write)(void *ctx, FILE *out),
                                        void *ctx, char *err, size_t err_len);
void metrics_http_stop(struct metrics_http *m);

#endif
