/*
 * metrics_internal.h - what the exporter's files share: a target's counters (metrics.c) and
 * the HTTP server (metrics_http.c), both used by metrics_render.c.
 */
#ifndef HOPWATCH_METRICS_INTERNAL_H
#define HOPWATCH_METRICS_INTERNAL_H

#include "metrics.h"
#include "webconfig.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>

#include <pthread.h>
#include <stdint.h>

/* The RTT histogram's upper bounds (seconds): 0.5 ms to 4 s, about two a decade. */
#define METRICS_RTT_BUCKETS 13
extern const double metrics_rtt_le[METRICS_RTT_BUCKETS];

struct metrics_hop {
    uint64_t sent, answered, lost;
    uint64_t other_replies;                   /* from responders past the cap */
    uint64_t rtt_bucket[METRICS_RTT_BUCKETS]; /* answered with an RTT up to le[i], above le[i-1] */
    uint64_t rtt_sum_us;
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
    int max_ttl;
    struct metrics_hop *hop[PROBE_MODE_COUNT]; /* [max_ttl + 1] each, made when first probed */
    uint64_t dest_sent[PROBE_MODE_COUNT], dest_lost[PROBE_MODE_COUNT]; /* the destination's */
    uint64_t send_errors[METRICS_SEND_ERRS]; /* probes this host could not send, by errno */
    struct metrics_responder resp[METRICS_RESPONDERS_MAX];
    int nresp;
};

/* Hop ttl of mode, NULL when the mode has not probed it. Lock held. */
static inline const struct metrics_hop *metrics_hop_at(const struct metrics_counts *c, int mode,
                                                       int ttl)
{
    return c->hop[mode] && ttl <= c->max_ttl ? &c->hop[mode][ttl] : NULL;
}

/* metrics_http.c: serves the routes at "[ADDR:]PORT" on libmicrohttpd's thread, with the web
 * config's TLS and basic auth (config_path NULL: none). NULL with err set when the spec or the
 * config is bad or the port cannot be bound. */
struct metrics_site {
    void (*write)(void *ctx, bool openmetrics, FILE *out); /* the exposition */
    /* /probe?target=HOST: the exposition of HOST alone, watching it first if it is new (see
     * metrics.h's metrics_probe); an HTTP status, the body written to out. */
    unsigned (*probe)(void *ctx, const char *host, const char *mode, bool openmetrics, FILE *out);
    void *ctx;
};
struct metrics_http;
struct metrics_http *metrics_http_start(const char *spec, const char *config_path,
                                        const struct metrics_site *site, char *err, size_t err_len);
/* Rereads the web config: 0, or -1 with err set and the old config kept. TLS changes start the
 * server again: at once, or at the next metrics_http_tick when called on the server's thread. */
int metrics_http_reload(struct metrics_http *m, bool on_server_thread, char *err, size_t err_len);
void metrics_http_tick(struct metrics_http *m);
void metrics_http_stop(struct metrics_http *m);

/* metrics_routes.c: the endpoints, a row each. fn writes the body, sets the content type (a
 * default is set) and returns the status; what a route may use comes in a route_call. */
struct route_call {
    struct MHD_Connection *conn;
    const struct metrics_site *site;
    int (*reload)(void *server, char *err, size_t err_len); /* POST /-/reload */
    void *server;
};
struct metrics_route {
    const char *path;
    const char *method; /* "GET" (HEAD too) or "POST" */
    unsigned (*fn)(const struct route_call *c, FILE *out, const char **type);
    const char *what; /* for the landing page */
};
/* The route of url and method; NULL when none, with *allow set to the methods the path takes
 * when the path is known ("GET", "POST"). */
const struct metrics_route *metrics_route_find(const char *url, const char *method,
                                               const char **allow);

#endif
