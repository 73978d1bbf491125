/*
 * app_session.c - one target's session in the run (see app_internal.h): opened for its host,
 * wired to the run's shared parts (names, exporter counters, stream, baseline, --on-event),
 * retired. Used at start (app.c), on SIGHUP (app.c) and by /probe (app_probe.c).
 */
#include "app_internal.h"
#include "record/hook.h"
#include "record/stream.h"

#include <stdio.h>
#include <time.h>

/* A session for host with options o, opened (privileged or not: a mode that needs privilege may
 * then fall back, as the automatic choice does). NULL with *status set. */
struct session *app_open_with(struct app *a, const struct options *o, const char *host, bool others,
                              int *status)
{
    struct session *s = session_new(o, host, a->local_host);

    if (s) {
        s->share[0] = a->share[0];
        s->share[1] = a->share[1];
        s->history_budget = a->history_budget;
    }
    *status = s ? session_open(s, others) : 4;
    if (*status != 0) {
        session_free(s);
        return NULL;
    }
    return s;
}

/* --ndjson / --record: the target's header, then every round and event it has. */
static int start_stream(struct app *a, struct session *s)
{
    struct stream_source src = {
        .opt = &s->opt, .run = &s->run, .target = s->target, .prober = s->prober};
    struct round_consumer c;

    if (!a->stream)
        return 0;

    if (!(s->stream = stream_attach(a->stream, &src)))
        return 4;
    c = stream_consumer(s->stream);
    prober_add_consumer(s->prober, &c);
    events_add_sink(target_events(s->target), stream_event, s->stream);
    return 0;
}

/* The target's stream ends: its last summary and end line, with its packet counters. */
void app_end_stream(struct session *s)
{
    if (!s->stream)
        return;
    session_counters(s);
    stream_end(s->stream);
    s->stream = NULL;
}

/* Everything a session hears besides its prober: the run's shared parts, its consumers. */
int app_wire(struct app *a, struct session *s)
{
    struct round_consumer c = target_consumer(s->target);
    int status;

    s->db = a->db;
    s->names = s->run.names = a->names;
    s->run.show_names = !a->opt.no_dns && a->names;
    s->run.stun_server = a->opt.stun;
    s->run.public_addr = a->public_addr;
    snprintf(s->run.stun_error, sizeof(s->run.stun_error), "%s", a->stun_error);
    clock_gettime(CLOCK_REALTIME, &s->run.started);
    if ((status = session_load_baseline(s)) != 0)
        return status;
    if (a->hooks &&
        !hooks_attach(a->hooks, s->run.target_name, s->run.target_addr, target_events(s->target)))
        return fprintf(stderr, "hopwatch: out of memory\n"), 4;
    prober_add_consumer(s->prober, &c);
    if (a->opt.metrics) {
        if (!(s->counts = metrics_counts_new(s->opt.max_ttl)))
            return 4;
        s->counts_free = metrics_counts_free;
        c = metrics_consumer(s->counts);
        prober_add_consumer(s->prober, &c);
    }
    return start_stream(a, s);
}

/* A target taken out (SIGHUP, /probe): it stops probing, its sockets close, its stream ends (a
 * target of that name added later is another), the resolver and --on-event let go of it;
 * then the fleet drops it, and the last reader still holding it frees it. */
void app_retire(struct app *a, struct session *s)
{
    fleet_retire(a->fleet, s); /* the fleet thread steps it no more */
    prober_close(s->prober);
    prober_flush(s->prober); /* its rounds in flight reach its stream now, not after it ended */
    session_finalize(s);
    clock_gettime(CLOCK_REALTIME, &s->run.ended);
    s->run.now_us = probe_now_us();
    s->run.end_reason = "removed";
    app_end_stream(s);
    resolver_unwatch(a->names, target_hops(s->target));
    hooks_detach(a->hooks, target_events(s->target));
    fleet_release(a->fleet, s);
}
