/*
 * metrics.h - the Prometheus exporter: --metrics [ADDR:]PORT serves / (a landing page),
 * /metrics (the text exposition format, version 0.0.4), /-/healthy, /-/ready and POST
 * /-/reload with libmicrohttpd's own thread, behind --web.config.file's TLS and basic auth.
 *
 * Counters are the exporter's own, counted from every completed round of every target (prober
 * thread): they never go back, not on a keyboard reset nor on SIGHUP, so rate() in Prometheus
 * is what the TUI shows. Gauges (RTT, verdicts, the onset) are read from each target's view at
 * scrape time. Responder addresses become labels only for the first METRICS_RESPONDERS_MAX
 * (mode, TTL, address) series of a target; replies from any other are counted as "other", so a
 * path that flaps through many addresses cannot blow up a Prometheus server.
 *
 * Series (labels: target, mode, ttl; the man page lists them all):
 *   hopwatch_probes_sent_total / _answered_total / _lost_total    counters per hop
 *   hopwatch_responder_replies_total{responder}                   counter per hop and responder
 *   hopwatch_hop_rtt_seconds                                      histogram per hop
 *   hopwatch_hop_rtt_{last,jitter}_seconds                        gauges
 *   hopwatch_hop_verdict{verdict}                                 1 for the verdict published
 *   hopwatch_target_onset_ttl{target,mode}                        where loss starts, 0 none
 *   hopwatch_loss_bursts_total / hopwatch_path_changes_total      counters per target
 *   hopwatch_target_info{target,addr,mode}, hopwatch_targets, hopwatch_build_info
 */
#ifndef HOPWATCH_METRICS_H
#define HOPWATCH_METRICS_H

#include "prober/round.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define METRICS_RESPONDERS_MAX 64 /* labelled responder series per target */
#define METRICS_TTL_MAX 255

struct fleet;
struct session;
struct metrics;
struct metrics_counts;

/* Parses "[ADDR:]PORT" ("9100", "0.0.0.0:9100", "[::1]:9100") and starts serving, with the
 * web config's TLS and basic auth (web_config: --web.config.file, NULL none). NULL with err set
 * when the spec or the config is bad ("FILE:LINE: why") or the port cannot be bound. */
struct metrics_prober;
struct metrics *metrics_start(const char *spec, const char *web_config, struct fleet *f,
                              const struct metrics_prober *prober, char *err, size_t err_len);

/* /probe?target=HOST[&mode=MODE] (the multi-target pattern): what the exporter asks of the run,
 * on the exporter's thread. watch returns 0 when HOST is watched (from this scrape on, or
 * already), else an HTTP status (400 a host that does not resolve or a bad mode, 503 past the
 * cap) with the reason in err. NULL watch: no /probe. */
struct metrics_prober {
    int (*watch)(void *ctx, const char *host, const char *mode, char *err, size_t err_len);
    void *ctx;
};
/* SIGHUP: rereads the web config (main thread). 0, or -1 with err set and the old one kept. */
int metrics_reload(struct metrics *m, char *err, size_t err_len);
/* The main thread's tick: a TLS change asked for by POST /-/reload takes effect. */
void metrics_tick(struct metrics *m);
void metrics_stop(struct metrics *m);

/* A target's counters (owned by the session, freed with metrics_counts_free) and the round
 * consumer that feeds them: add it before the session's prober runs. */
struct metrics_counts *metrics_counts_new(int max_ttl);
void metrics_counts_free(struct metrics_counts *c);
struct round_consumer metrics_consumer(struct metrics_counts *c);

/* The exposition of every live target of f, as served (tests and benchmarks call it too); of
 * one target alone, as /probe serves it. openmetrics: OpenMetrics 1.0 (counter families without
 * _total, # EOF last) instead of the text format 0.0.4, as the scraper's Accept asks. */
void metrics_render(struct fleet *f, bool openmetrics, FILE *out);
void metrics_render_target(struct fleet *f, const char *host, bool openmetrics, FILE *out);

#endif
