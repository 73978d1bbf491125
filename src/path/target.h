/*
 * target.h - one target and everything hopwatch learns about it: the hop table, the event
 * log, the burst and path-change detector, and the published diagnosis of each probe mode.
 * Each session (a target of the run) owns one; nothing in it is shared with another target.
 *
 * The prober feeds it through the round consumer target_consumer() gives (prober thread):
 * every probe into the hop table as it happens, every completed round into the history, the
 * diagnosis (once per round) and the event detector. Readers on other threads (the TUI,
 * the reports) take a target_view: the statistics and the diagnosis published with them, read
 * once.
 */
#ifndef HOPWATCH_TARGET_H
#define HOPWATCH_TARGET_H

#include "diagnose.h"
#include "events.h"
#include "history.h"
#include "hops.h"
#include "prober/pmtu.h"
#include "prober/round.h"

#include <stddef.h>

struct target_config {
    int first_ttl, max_ttl;
    int nflows;              /* --flows: statistics of each flow apart too (0 or 1: none) */
    bool no_history;         /* nothing will read the history (target_history): not kept */
    size_t history_budget;   /* ... else the bytes it may hold (0: HISTORY_BUDGET) */
    bool no_samples;         /* nothing will draw a timeline or take a median: hops_no_samples */
    const char *events_path; /* --log-events FILE, "-" for stdout, NULL for none */
};

/* One mode of a target, read once: what a redraw or a report shows. */
struct target_view {
    int mode;
    int flow;                  /* --flows: the flow's statistics; -1: every probe of the mode */
    uint32_t rounds;           /* rounds sent in this mode (the prober's count) */
    bool end_unreach;          /* the path ends at snap.dest_ttl with a router's unreachable */
    struct hops_snapshot snap; /* the statistics, TTLs snap.first_ttl..snap.nhops */
    /* The published diagnosis, from the last completed round of this mode: in[i] and
     * diag.hop[i] are hop snap.first_ttl + i, for i < diag.n. */
    struct diag_input in[DIAG_MAX_HOPS];
    struct path_diag diag;
    bool has_pmtu; /* --pmtu: the search of this mode, as of its last round */
    struct pmtu_result pmtu;
};

struct target;

/* NULL with err set on failure: errno ENOMEM, or another for the --log-events file. */
struct target *target_new(const struct target_config *cfg, char *err, size_t err_len);
void target_free(struct target *t);

/* What the prober is to call. */
struct round_consumer target_consumer(struct target *t);

struct hops *target_hops(struct target *t);
struct event_log *target_events(struct target *t);
/* Each hop's loss and RTT over the whole run (every mode, the whole not the flows). */
struct history *target_history(struct target *t);

/* Zeroes the statistics and the diagnosis of every mode and logs a reset event (`mode`: the
 * mode probing now). Any thread. */
void target_reset(struct target *t, int mode);

/* Back to nothing, events included, on the thread that feeds it (a replay going back). */
void target_clear(struct target *t);
/* Reads mode's statistics (up to the end of the path as the prober knows it) and its
 * published diagnosis into v. 0 or -ENOMEM. v->snap is reused across calls: free it with
 * target_view_free. */
int target_view(struct target *t, int mode, const struct round_path *path, struct target_view *v);
void target_view_free(struct target_view *v);
/* --flows: the same for one flow's lane (flow -1 or past the flows: the whole, as target_view). */
int target_flow_view(struct target *t, int mode, int flow, const struct round_path *path,
                     struct target_view *v);
/* --flows: hop ttl of one flow's lane in mode, and its published verdict (verdict
 * VERDICT_UNKNOWN when none covers it). False when the flow or the hop is not there. */
bool target_flow_hop(struct target *t, int mode, int flow, int ttl, struct hop_stats *out,
                     struct hop_diag *diag);
/* How many flows have lanes of their own (0 without --flows). */
int target_flows(const struct target *t);

/* After the prober stopped: if probes of mode completed after its last completed round (an
 * interrupted run), one more evaluation of its diagnosis on the final statistics and path. */
void target_finalize(struct target *t, int mode, const struct round_path *path);

/* The verdict published for one hop of a view, NULL when the diagnosis does not cover it. */
const struct hop_diag *target_view_diag(const struct target_view *v, int ttl);

#endif
