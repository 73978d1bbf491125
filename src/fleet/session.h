/*
 * session.h - one target's run: its options and host, its target (hop tables, diagnosis,
 * events), the prober that probes it or the replay that plays it, its stream and exporter
 * counters, and the run facts its reports print. A run of hopwatch has one session a target,
 * held by the fleet (fleet.h); app.c makes and ends them, the front ends (ui/, the reports)
 * read them.
 */
#ifndef HOPWATCH_SESSION_H
#define HOPWATCH_SESSION_H

#include "names/asndb.h"
#include "names/resolver.h"
#include "cli/options.h"
#include "prober/prober.h"
#include "replay/player.h"
#include "replay/replay.h"
#include "report/report.h"
#include "path/target.h"

#include <stdatomic.h>

struct metrics_counts;
struct baseline_run;
struct baseline_cmp;

struct session {
    struct options opt; /* the run's options; opt.target is this session's host */
    char *host;         /* the target as given (owned); run.target_name points at it */
    struct target *target;
    struct prober *prober;
    struct run_info run;
    struct asndb *db;
    struct resolver *names;        /* NULL when no lookups at all */
    struct stream *stream;         /* --ndjson / --record, NULL without */
    struct replay *replay;         /* --replay: the recording played instead of a prober */
    struct player *player;         /* --replay in the live view: playing it at its pace */
    struct metrics_counts *counts; /* --metrics: this target's counters (owned) */
    void (*counts_free)(struct metrics_counts *c); /* frees them (the exporter's) */
    bool by_probe;                 /* watched because /probe asked: ends when not scraped */
    atomic_llong last_scrape;      /* ... the CLOCK_MONOTONIC second of its last scrape */
    struct baseline_run *baseline; /* --baseline: the good day's summary (owned) */
    struct baseline_cmp *cmp;      /* ... and the last comparison with it (owned; main thread) */
    struct probe_share *share[2];  /* icmp-raw's shared sockets, IPv4 and IPv6 (may be NULL) */
    size_t history_budget;         /* the bytes of history it may hold (0: HISTORY_BUDGET) */
    struct probe_counters share_counters; /* the only target: its shared socket's (malformed,
                                           * foreign: owned by no one; rx_dropped) */
    atomic_int refs; /* holders: the fleet while it lists it, and each reader using it */
};

/* The run's packet counters into s->run (the prober's, and the shared socket's foreign). */
void session_counters(struct session *s);

/* A session for host with the run's options (NULL: out of memory). Not yet opened. */
struct session *session_new(const struct options *o, const char *host, const char *local_host);
/* Frees what session_new and session_open made (not the shared names and databases). For a
 * session no one else has seen; once in the fleet, its holders drop it instead. */
void session_free(struct session *s);
/* A reader that uses a session outside the fleet's lock (a scrape, the live view's frame)
 * holds it, taken under the lock, and drops it when done; the last drop frees it, so a target
 * taken out is freed when its last reader lets go. session_new's reference is the fleet's. */
void session_hold(struct session *s);
void session_drop(struct session *s);
/* Sessions allocated and not yet freed, in the whole process (for the exporter). */
int session_live_count(void);

/* Resolves the host, makes the target and the prober, and opens the probe modes the options
 * ask for (call while privileged); `others`: also the modes a key may switch to. 0, or an exit
 * status with the reason printed: 2 unresolvable, 3 no mode could open, 4 out of memory. */
int session_open(struct session *s, bool others);
/* After the prober stopped: the diagnosis of every mode that probed is final. */
void session_finalize(struct session *s);

/* What is probing: the prober's status, or a replay's as of the point played to. */
void session_status(struct session *s, struct prober_status *st);

/* The first write this target's outputs failed (--record, --ndjson, --log-events: a full
 * disk, a closed pipe): its errno and the message ("recording stopped: No space left on
 * device at 06:42:10 (run.zst)"); 0 and "" while none. Any thread. */
int session_write_failure(struct session *s, char *buf, size_t len);

/* --baseline: reads the recording's summary for this target (after privileges are dropped:
 * a recording may come from anyone). 0, or an exit status with the reason printed. */
int session_load_baseline(struct session *s);
/* --baseline: this view compared with it (main thread); NULL without a baseline. */
const struct baseline_cmp *session_compare(struct session *s, const struct target_view *v);

/* Writes the chosen output (text / JSON / CSV) of the current mode to out. */
int session_print_report(struct session *s, enum output_format fmt, FILE *out);
/* The same for n targets, one after another: text reports apart by a blank line, one CSV
 * header, JSON as {"schema":1,"version":..,"targets":[the single-target objects]}. */
int session_print_reports(struct session **s, int n, enum output_format fmt, FILE *out);
/* --html: the HTML report of n targets (an overview first when several). 0, or -1 with errno
 * when a write failed. */
int session_write_html(struct session **s, int n, FILE *out);
/* The same into the file at path: 0, or 5 with the reason printed (it could not be written). */
int session_html_file(struct session **s, int n, const char *path);

#endif
