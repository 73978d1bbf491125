/*
 * app.c - one live run over every target (see app.h).
 */
#include "app.h"
#include "app_internal.h"
#include "record/hook.h"
#include "names/resolve.h"
#include "share.h"
#include "record/stream.h"
#include "names/stun.h"
#include "cli/targetlist.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Target i of list l, with its own interval when its line gives one. */
static struct session *open_one(struct app *a, const struct targetlist *l, int i, bool others,
                                int *status)
{
    struct options o = a->opt;

    if (l->interval_s[i] > 0)
        o.interval_s = l->interval_s[i];
    return app_open_with(a, &o, l->host[i], others, status);
}

/* icmp-raw's shared sockets, when a mode asked for may be icmp-raw (privileged: best effort;
 * without them each target tries a socket of its own, and says why not). */
static void open_shares(struct app *a)
{
    bool raw =
        a->opt.mode == PROBE_AUTO || a->opt.mode == PROBE_ICMP_ANY || a->opt.mode == PROBE_ICMP_RAW;
    char why[128];

    for (int i = 0; i < a->opt.nmodes; i++)
        raw |= a->opt.modes[i] == PROBE_ICMP_RAW || a->opt.modes[i] == PROBE_ICMP_ANY ||
               a->opt.modes[i] == PROBE_AUTO;
    for (int v6 = 0; raw && v6 < 2; v6++) {
        if (a->opt.family && a->opt.family != (v6 ? AF_INET6 : AF_INET))
            continue;
        a->share[v6] = probe_share_open(v6 ? AF_INET6 : AF_INET, why, sizeof(why));
        fleet_add_share(a->fleet, a->share[v6]);
    }
}

int app_open(struct app *a)
{
    struct targetlist l;
    char err[300];
    int status = 0;

    pthread_mutex_init(&a->adding, NULL);
    if (!(a->fleet = fleet_new()))
        return fprintf(stderr, "hopwatch: out of memory\n"), 4;
    if (targetlist_read(a->opt.targets, a->opt.ntargets, a->opt.targets_file, OPTIONS_TARGETS_MAX,
                        &l, err, sizeof(err)) < 0)
        return fprintf(stderr, "hopwatch: %s\n", err), 1;
    open_shares(a);
    a->history_budget = history_budget(l.n); /* a thousand targets: 64 KiB each */
    if (l.n > 1 && a->opt.events_path) {
        fprintf(stderr, "hopwatch: --log-events takes one target (--ndjson has every target's "
                        "events)\n");
        targetlist_free(&l);
        return 1;
    }
    for (int i = 0; i < l.n && status == 0; i++) {
        /* the live view: every mode a key may switch to, opened now (a few targets only:
         * each raw tcp socket hears every TCP packet of the host) */
        bool others = l.n <= APP_OTHERS_MAX && a->opt.output == OUTPUT_TUI && !a->opt.headless;
        struct session *s = open_one(a, &l, i, others, &status);
        if (s && fleet_add(a->fleet, s) < 0) {
            session_free(s);
            status = 4;
        }
    }
    targetlist_free(&l);
    return status;
}

/* --stun: this host's public address, before the names are started (they look its AS up).
 * A failure is said and the run goes on: the ISP is then the first public hop's AS. */
static void ask_stun(struct app *a, const struct session *first)
{
    char host[256], err[256];
    uint16_t port;
    struct probe_addr server, target;

    probe_addr_parse(first->run.target_addr, &target);
    if (stun_parse_server(a->opt.stun, host, sizeof(host), &port) < 0)
        snprintf(a->stun_error, sizeof(a->stun_error), "--stun %s: not HOST[:PORT]", a->opt.stun);
    else if (resolve_target(host, target.family, 3000, &server, err, sizeof(err)) < 0)
        snprintf(a->stun_error, sizeof(a->stun_error), "--stun: %s", err);
    else if (stun_query(&server, port, 2000, &a->public_addr, err, sizeof(err)) < 0)
        snprintf(a->stun_error, sizeof(a->stun_error), "--stun: %s", err);
    if (a->stun_error[0])
        fprintf(stderr, "hopwatch: %s; the ISP will be the first public hop's AS\n", a->stun_error);
}

/* Names and AS numbers: local databases, then DNS on the resolver thread. */
static int start_names(struct app *a)
{
    struct names_config cfg = {.ptr = !a->opt.no_dns,
                               .asn_dns = a->opt.aslookup,
                               .dns_server = a->opt.dns_server,
                               .timeout_ms = 1000};
    char warn[768], err[256];

    a->db = asndb_open(a->opt.asn_db, a->opt.geo_db, true, warn, sizeof(warn));
    for (char *line = warn, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        fprintf(stderr, "hopwatch: %.*s\n", (int)(next - line), line);
        next += *next == '\n';
    }
    cfg.db = a->db;
    cfg.also = a->public_addr;
    if (!cfg.ptr && !cfg.asn_dns && !asndb_has_asn(a->db))
        return 0;
    if (!(a->names = resolver_start(&cfg, NULL, err, sizeof(err))))
        return fprintf(stderr, "hopwatch: %s\n", err), 1;
    return 0;
}

/* --on-event: the runner; its failures go to standard error, which the live view without
 * --log cannot show. */
static int start_hooks(struct app *a)
{
    char err[200];
    bool quiet = a->opt.output == OUTPUT_TUI && !a->opt.headless && !a->opt.log_path;

    if (!a->opt.on_event)
        return 0;
    if (!(a->hooks = hooks_start(a->opt.on_event, a->opt.on_event_timeout_s, quiet ? NULL : stderr,
                                 err, sizeof(err))))
        return fprintf(stderr, "hopwatch: %s\n", err), 4;
    return 0;
}

/* --on-event at the end: what is queued runs (within one timeout); failures are said. */
static void stop_hooks(struct app *a)
{
    struct hooks_counts c;

    if (!a->hooks)
        return;
    hooks_stop(a->hooks);
    hooks_counts(a->hooks, &c);
    if (c.failed || c.timed_out || c.dropped)
        fprintf(stderr,
                "hopwatch: --on-event ran %llu times: %llu failed, %llu timed out; %llu events "
                "not run (one at a time a target, %d waiting at most)\n",
                (unsigned long long)c.started, (unsigned long long)c.failed,
                (unsigned long long)c.timed_out, (unsigned long long)c.dropped, HOOK_QUEUE);
}

/* A write that failed for the first time is an event of every target (--on-event hears it). */
void app_check_writes(struct app *a)
{
    struct event e = {.kind = EVENT_WRITE_FAILURE, .ended = true};

    if (!a->fleet || a->write_err || !app_write_failure(a))
        return;
    clock_gettime(CLOCK_REALTIME, &e.start);
    e.end = e.start;
    snprintf(e.text, sizeof(e.text), "%.159s", a->write_failure);
    for (int i = 0; i < fleet_count_all(a->fleet); i++) {
        static struct prober_status st; /* large: not on the stack */
        struct session *s = fleet_get_all(a->fleet, i);
        session_status(s, &st);
        e.mode = st.mode; /* the mode probing when it stopped */
        events_add(target_events(s->target), &e);
    }
}

int app_start(struct app *a)
{
    char err[300];
    int status;

    if (a->opt.stun)
        ask_stun(a, fleet_get_all(a->fleet, 0));
    if ((status = start_names(a)) != 0)
        return status;
    if ((status = start_hooks(a)) != 0)
        return status;
    if ((a->opt.ndjson_path || a->opt.record_path) &&
        !(a->stream =
              stream_open(a->opt.ndjson_path, a->opt.record_path,
                          fleet_count_all(a->fleet) > 1 || a->opt.targets_file, err, sizeof(err))))
        return fprintf(stderr, "hopwatch: %s\n", err), 1;
    for (int i = 0; i < fleet_count_all(a->fleet); i++) {
        struct session *s = fleet_get_all(a->fleet, i);
        if ((status = app_wire(a, s)) != 0)
            return status;
        resolver_watch(a->names, target_hops(s->target));
    }
    if (a->opt.metrics && !(a->metrics = metrics_start(a->opt.metrics, a->opt.web_config, a->fleet,
                                                       &(struct metrics_prober){app_probe_watch, a},
                                                       err, sizeof(err))))
        return fprintf(stderr, "hopwatch: %s\n", err), 1;
    if (fleet_start(a->fleet) < 0)
        return fprintf(stderr, "hopwatch: cannot start the prober thread\n"), 4;
    return 0;
}

/* SIGHUP: the web config again; a bad one keeps the old. */
static void reload_web_config(struct app *a)
{
    char err[400];

    if (a->opt.web_config && metrics_reload(a->metrics, err, sizeof(err)) < 0)
        fprintf(stderr, "hopwatch: SIGHUP: %s; the web config stays as it was\n", err);
}

void app_tick(struct app *a)
{
    metrics_tick(a->metrics);
    app_probe_expire(a);
}

void app_reload(struct app *a)
{
    struct targetlist l;
    char err[300];
    int added = 0, removed = 0, status;

    reload_web_config(a);
    if (!a->opt.targets_file)
        return;
    if (targetlist_read(a->opt.targets, a->opt.ntargets, a->opt.targets_file, OPTIONS_TARGETS_MAX,
                        &l, err, sizeof(err)) < 0) {
        fprintf(stderr, "hopwatch: SIGHUP: %s; the targets stay as they were\n", err);
        return;
    }
    pthread_mutex_lock(&a->adding);          /* /probe adds targets too */
    a->history_budget = history_budget(l.n); /* the new ones' (those that stay keep theirs) */
    fleet_lock(a->fleet);
    for (int i = fleet_count(a->fleet) - 1; i >= 0; i--) {
        struct session *s = fleet_get(a->fleet, i);
        if (!s->by_probe && !targetlist_has(&l, s->run.target_name)) {
            fleet_unlock(a->fleet);
            app_retire(a, s);
            fleet_lock(a->fleet);
            removed++;
        }
    }
    fleet_unlock(a->fleet);
    if (removed)
        malloc_trim(0); /* what they held goes back to the system, not only to the heap */
    for (int i = 0; i < l.n; i++) {
        struct session *s;
        fleet_lock(a->fleet);
        status = fleet_find(a->fleet, l.host[i]);
        fleet_unlock(a->fleet);
        if (status >= 0)
            continue;
        if (!(s = open_one(a, &l, i, false, &status)) || app_wire(a, s) != 0 ||
            fleet_add(a->fleet, s) < 0) {
            fprintf(stderr, "hopwatch: SIGHUP: %s not added\n", l.host[i]);
            if (s)
                app_end_stream(s);
            session_free(s);
            continue;
        }
        resolver_watch(a->names, target_hops(s->target)); /* in the fleet: it lives to the end */
        added++;
    }
    pthread_mutex_unlock(&a->adding);
    fprintf(stderr, "hopwatch: SIGHUP: reread %s: %d target%s added, %d removed, %d watched\n",
            a->opt.targets_file, added, added == 1 ? "" : "s", removed, fleet_count(a->fleet));
    targetlist_free(&l);
}

/* The only target: what its family's shared socket read and no one owned is its, as with a
 * socket of its own. */
static void share_counters_into(struct app *a, struct session *s)
{
    struct probe_addr t;
    struct probe_share *sh;
    struct probe_share_counters c;

    probe_addr_parse(s->run.target_addr, &t);
    if (!(sh = a->share[t.family == AF_INET6]))
        return;
    c = probe_share_counters(sh);
    s->share_counters.malformed = c.malformed;
    s->share_counters.foreign = c.foreign;
    s->share_counters.rx_dropped = c.rx_dropped;
}

/* Every target's end says a write failed, and which. */
static void mark_write_failure(struct app *a)
{
    for (int i = 0; i < fleet_count_all(a->fleet); i++) {
        struct session *s = fleet_get_all(a->fleet, i);
        s->run.end_reason = "write failed";
        s->run.write_failure = a->write_failure;
    }
}

int app_write_failure(struct app *a)
{
    for (int i = 0; !a->write_err && a->fleet && i < fleet_count_all(a->fleet); i++)
        a->write_err = session_write_failure(fleet_get_all(a->fleet, i), a->write_failure,
                                             sizeof(a->write_failure));
    if (!a->write_err)
        a->write_err = stream_failure(a->stream, a->write_failure, sizeof(a->write_failure));
    return a->write_err;
}

bool app_reader_gone(struct app *a)
{
    return stream_reader_gone(a->stream);
}

void app_stop(struct app *a, int sig)
{
    const char *why = sig == SIGINT    ? "interrupted"
                      : sig == SIGTERM ? "terminated"
                      : sig            ? "hangup"
                                       : "completed";
    struct timespec ended;
    uint64_t now;

    fleet_stop(a->fleet);
    fleet_join(a->fleet);
    clock_gettime(CLOCK_REALTIME, &ended);
    now = probe_now_us();
    for (int i = 0; i < fleet_count_all(a->fleet); i++) {
        struct session *s = fleet_get_all(a->fleet, i);
        prober_flush(s->prober);
        session_finalize(s);
        s->run.ended = ended;
        s->run.now_us = now;
        s->run.end_reason = why;
    }
    app_check_writes(a);
    if (app_write_failure(a)) /* the outputs that still work say why the others stopped */
        mark_write_failure(a);
    if (a->opt.output != OUTPUT_TUI && !sig)
        resolver_wait(a->names, 3500); /* at most the DNS timeouts: 1 s, then 2 s */
    for (int i = 0; i < fleet_count_all(a->fleet); i++) {
        struct session *s = fleet_get_all(a->fleet, i);
        if (fleet_count_all(a->fleet) == 1) /* else the shared socket's are no one's */
            share_counters_into(a, s);
        app_end_stream(s);
    }
    if (!a->write_err) { /* the last lines, a zstd frame's end, may not fit either */
        a->write_err = stream_close(a->stream, a->write_failure, sizeof(a->write_failure));
        if (a->write_err)
            mark_write_failure(a);
    } else {
        stream_close(a->stream, NULL, 0);
    }
    a->stream = NULL;
    stop_hooks(a);
}

/* Does the stream or the event log write to standard output? Then a report goes to standard
 * error, so a pipe (hopwatch -r --ndjson - host | jq) reads NDJSON alone. */
static bool stdout_taken(const struct options *o)
{
    return (o->ndjson_path && strcmp(o->ndjson_path, "-") == 0) ||
           (o->events_path && strcmp(o->events_path, "-") == 0);
}

/* The targets being watched now, in their order (NULL: none, or out of memory). */
static struct session **targets_now(struct app *a, int *n)
{
    struct session **v;

    fleet_lock(a->fleet);
    *n = fleet_count(a->fleet);
    v = calloc((size_t)*n + 1, sizeof(*v));
    for (int i = 0; v && i < *n; i++)
        v[i] = fleet_get(a->fleet, i);
    fleet_unlock(a->fleet);
    return v;
}

void app_report(struct app *a, enum output_format fmt)
{
    int n;
    struct session **v = targets_now(a, &n);

    if (v && n)
        session_print_reports(v, n, fmt, stdout_taken(&a->opt) ? stderr : stdout);
    free(v);
}

int app_html(struct app *a)
{
    int n, r = 0;
    struct session **v;

    if (!a->opt.html_path)
        return 0;
    if ((v = targets_now(a, &n)) && n)
        r = session_html_file(v, n, a->opt.html_path);
    free(v);
    return r;
}

void app_free(struct app *a)
{
    struct fleet *f = a->fleet;

    for (int i = 0; a->stream && f && i < fleet_count_all(f); i++) {
        struct session *s = fleet_get_all(f, i);
        clock_gettime(CLOCK_REALTIME, &s->run.ended);
        s->run.end_reason = "failed";
        app_end_stream(s); /* a start that failed half way: the recording still ends */
    }
    stream_close(a->stream, NULL, 0);
    a->stream = NULL;
    metrics_stop(a->metrics);
    a->metrics = NULL;
    hooks_free(a->hooks); /* before the event logs it listens to go */
    a->hooks = NULL;
    resolver_stop(a->names); /* before the hop tables it reads go */
    a->names = NULL;
    a->fleet = NULL; /* first: a signal handler may look at it */
    fleet_free(f, session_drop);
    for (int v6 = 0; v6 < 2; v6++) {
        probe_share_free(a->share[v6]);
        a->share[v6] = NULL;
    }
    asndb_close(a->db);
    a->db = NULL;
}
