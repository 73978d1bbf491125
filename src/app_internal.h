/*
 * app_internal.h - what app.c and app_probe.c share, from app_session.c: opening a session for
 * a host, wiring it to the run's shared parts, retiring it. Main thread, or the exporter's for
 * /probe, under app->adding.
 */
#ifndef HOPWATCH_APP_INTERNAL_H
#define HOPWATCH_APP_INTERNAL_H

#include "app.h"

/* A session for host with options o, opened. NULL with *status set (2: unresolvable). */
struct session *app_open_with(struct app *a, const struct options *o, const char *host, bool others,
                              int *status);
/* Names, consumers, the stream, --baseline, --on-event. 0 or an exit status. */
int app_wire(struct app *a, struct session *s);
/* Stops probing s and ends its stream; it stays allocated until the end. */
void app_retire(struct app *a, struct session *s);
/* The target's stream ends: its last summary and end line, with its packet counters. */
void app_end_stream(struct session *s);

/* app_probe.c: the exporter's /probe (metrics.h's metrics_prober), and the targets it added
 * that no scrape asked for within --probe-idle, retired (main thread's tick). */
int app_probe_watch(void *ctx, const char *host, const char *mode, char *err, size_t err_len);
void app_probe_expire(struct app *a);

#endif
