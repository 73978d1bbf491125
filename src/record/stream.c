/*
 * stream.c - the flight recorder's writer (see stream.h). Each line is built once in memory
 * (one JSON writer over a memstream) and then written whole to every output and flushed.
 */
#include "stream.h"
#include "text/jsonw.h"
#include "version.h"
#include "zfile.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STREAM_OUTS 2

struct stream_out {
    pthread_mutex_t lock;
    FILE *out[STREAM_OUTS]; /* --ndjson, --record */
    int nout;
    /* Per output: what it is and its path, for the message; the errno of its first failed
     * write (0: none) and when. An output that failed is written no more. */
    const char *what[STREAM_OUTS];
    char path[STREAM_OUTS][256];
    int err[STREAM_OUTS];
    time_t failed_at[STREAM_OUTS];
    bool multi; /* several targets: every line says whose it is */
    FILE *mem;  /* the line being built */
    char *buf;
    size_t len;
    struct jsonw w;
};

/* One target's part of the stream. */
struct stream {
    struct stream_out *o;
    struct stream_source s; /* the session's parts it reads */
    /* prober thread */
    struct timespec last_summary;
    bool started;            /* the first round came: summaries count from it */
    struct target_view view; /* for summaries */
};

static int add_out(struct stream_out *st, const char *path, bool record)
{
    FILE *f =
        strcmp(path, "-") == 0 ? stdout : zfile_create(path, record && zfile_wants_zstd(path));

    if (!f)
        return -errno;
    st->what[st->nout] = record ? "--record" : "--ndjson";
    snprintf(st->path[st->nout], sizeof(st->path[0]), "%s",
             strcmp(path, "-") == 0 ? "standard output" : path);
    st->out[st->nout++] = f;
    return 0;
}

/* Output i's write failed (errno says why): it is written no more. With the lock held. */
static void failed(struct stream_out *st, int i)
{
    if (st->err[i])
        return;
    st->err[i] = errno ? errno : EIO;
    st->failed_at[i] = time(NULL);
}

struct stream_out *stream_open(const char *ndjson_path, const char *record_path, bool multi,
                               char *err, size_t err_len)
{
    struct stream_out *st = calloc(1, sizeof(*st));
    const char *bad = NULL;
    int r = 0;

    if (!st || !(st->mem = open_memstream(&st->buf, &st->len))) {
        snprintf(err, err_len, "out of memory");
        free(st);
        return NULL;
    }
    if (ndjson_path && (r = add_out(st, ndjson_path, false)) < 0)
        bad = ndjson_path;
    else if (record_path && (r = add_out(st, record_path, true)) < 0)
        bad = record_path;
    if (bad || st->nout == 0) {
        snprintf(err, err_len, "%s: %s", bad ? bad : "stream", bad ? strerror(-r) : "no output");
        for (int i = 0; i < st->nout; i++)
            if (st->out[i] != stdout)
                fclose(st->out[i]);
        fclose(st->mem);
        free(st->buf);
        free(st);
        return NULL;
    }
    pthread_mutex_init(&st->lock, NULL);
    st->multi = multi;
    return st;
}

/* Starts a line of `type` (with the lock held): {"type":..., and with several targets (but
 * for the header, whose target is an object) "target":NAME. */
static struct jsonw *begin(struct stream *t, const char *type)
{
    struct stream_out *st = t->o;

    fseeko(st->mem, 0, SEEK_SET);
    jsonw_init(&st->w, st->mem);
    jsonw_object(&st->w);
    jsonw_kstring(&st->w, "type", type);
    if (st->multi && strcmp(type, "header") != 0)
        jsonw_kstring(&st->w, "target", t->s.run->target_name);
    return &st->w;
}

/* Ends the line and writes it to every output, flushed. */
static void finish(struct stream *t)
{
    struct stream_out *st = t->o;

    jsonw_end_object(&st->w);
    fputc('\n', st->mem);
    fflush(st->mem);
    for (int i = 0; i < st->nout; i++) {
        if (st->err[i])
            continue;
        errno = 0;
        if (fwrite(st->buf, 1, st->len, st->out[i]) != st->len || fflush(st->out[i]) != 0)
            failed(st, i);
    }
}

int stream_failure(struct stream_out *st, char *buf, size_t len)
{
    int err = 0;

    if (len)
        buf[0] = '\0';
    if (!st)
        return 0;
    pthread_mutex_lock(&st->lock);
    for (int i = 0; i < st->nout && !err; i++) {
        struct tm tm;
        char at[16];
        if (!(err = st->err[i]))
            continue;
        localtime_r(&st->failed_at[i], &tm);
        strftime(at, sizeof(at), "%H:%M:%S", &tm);
        snprintf(buf, len, "%s stopped: %s at %s (%s)",
                 strcmp(st->what[i], "--record") == 0 ? "recording" : "--ndjson", strerror(err), at,
                 st->path[i]);
    }
    pthread_mutex_unlock(&st->lock);
    return err;
}

bool stream_reader_gone(struct stream_out *st)
{
    bool gone = false;

    if (!st)
        return false;
    pthread_mutex_lock(&st->lock);
    for (int i = 0; i < st->nout; i++)
        gone |= st->out[i] == stdout && st->err[i] == EPIPE;
    pthread_mutex_unlock(&st->lock);
    return gone;
}

struct stream_out *stream_outputs(const struct stream *t)
{
    return t ? t->o : NULL;
}

static void options_object(struct jsonw *w, const struct options *o)
{
    jsonw_key(w, "options");
    jsonw_object(w);
    jsonw_kfixed(w, "interval_s", o->interval_s, 3);
    jsonw_kfixed(w, "timeout_s", o->timeout_s, 3);
    jsonw_kint(w, "first_ttl", o->first_ttl);
    jsonw_kint(w, "max_ttl", o->max_ttl);
    jsonw_kuint(w, "packet_bytes", o->packet_bytes);
    jsonw_kint_or_null(w, "port", o->port, o->port > 0);
    jsonw_kint_or_null(w, "cycles", o->cycles, o->output != OUTPUT_TUI);
    jsonw_key(w, "pmtu");
    jsonw_bool(w, o->pmtu);
    jsonw_kint(w, "flows", o->nflows);
    jsonw_key(w, "names");
    jsonw_bool(w, !o->no_dns);
    jsonw_kstring(w, "columns", o->order);
    jsonw_end_object(w);
}

/* The target's header line. */
static void header(struct stream *st, const struct stream_source *s)
{
    struct prober_status ps;
    struct jsonw *w;

    prober_status(s->prober, &ps);
    pthread_mutex_lock(&st->o->lock);
    w = begin(st, "header");
    jsonw_kint(w, "schema", STREAM_SCHEMA);
    jsonw_kstring(w, "version", HOPWATCH_VERSION);
    jsonw_key(w, "target");
    jsonw_object(w);
    jsonw_kstring(w, "name", s->run->target_name);
    jsonw_kstring(w, "addr", s->run->target_addr);
    jsonw_end_object(w);
    jsonw_key(w, "modes");
    jsonw_array(w);
    for (int i = 0; i < (ps.nrotation > 1 ? ps.nrotation : 1); i++)
        jsonw_string(w, probe_mode_name(ps.nrotation > 1 ? ps.rotation[i] : ps.mode));
    jsonw_end_array(w);
    jsonw_kstring(w, "mode_reason", s->run->mode_reason);
    options_object(w, s->opt);
    if (s->opt->pmtu) { /* where each mode's path MTU search started: the route's MTU */
        jsonw_key(w, "first_mtu");
        jsonw_object(w);
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            if (ps.first_mtu[m])
                jsonw_kint(w, probe_mode_name((enum probe_mode)m), ps.first_mtu[m]);
        jsonw_end_object(w);
    }
    jsonw_kstring(w, "host", s->run->local_host);
    if (s->run->command_line)
        jsonw_kstring(w, "command", s->run->command_line);
    jsonw_key(w, "started_at");
    jsonw_time(w, &s->run->started);
    finish(st);
    pthread_mutex_unlock(&st->o->lock);
}

static const char *outcome_name(int o)
{
    static const char *const names[] = {"unsent", "pending", "answered", "lost", "cancelled"};
    return o >= 0 && o <= ROUND_CANCELLED ? names[o] : "unsent";
}

static const char *kind_name(int k)
{
    static const char *const names[] = {"ttl-exceeded", "dest", "unreach", "too-big"};
    return k >= 0 && k <= PROBE_REPLY_TOOBIG ? names[k] : "dest";
}

/* One TTL of a round: its outcome and, answered, who answered how. */
static void probe_object(struct stream *st, const struct round_probe *p, int ttl)
{
    struct jsonw *w = &st->o->w;
    char addr[64];

    jsonw_object(w);
    jsonw_kint(w, "ttl", ttl);
    jsonw_kstring(w, "outcome", outcome_name(p->outcome));
    if (p->outcome != ROUND_UNSENT)
        jsonw_kuint(w, "sent_us", p->sent_us);
    if (p->settled)
        jsonw_kuint(w, "settled", p->settled);
    if (p->outcome == ROUND_ANSWERED) {
        jsonw_kstring(w, "from", probe_addr_str(&p->from, addr, sizeof(addr)));
        jsonw_kuint(w, "rtt_us", p->rtt_us);
        jsonw_kint_or_null(w, "reply_ttl", p->reply_ttl, p->reply_ttl >= 0);
        jsonw_kstring(w, "kind", kind_name(p->kind));
        jsonw_kint(w, "icmp_type", p->icmp_type);
        jsonw_kint(w, "icmp_code", p->icmp_code);
        if (p->kind == PROBE_REPLY_UNREACH)
            jsonw_kstring(
                w, "unreach",
                probe_unreach_name(probe_unreach_of(p->from.family, p->icmp_type, p->icmp_code)));
        if (p->mtu)
            jsonw_kint(w, "mtu", p->mtu);
        if (p->nmpls)
            report_json_mpls(w, p->mpls, p->nmpls);
    }
    jsonw_end_object(w);
}

static void round_line(struct stream *st, const struct round *r)
{
    struct jsonw *w = begin(st, "round");

    jsonw_kstring(w, "mode", probe_mode_name((enum probe_mode)r->mode));
    jsonw_kuint(w, "number", r->number);
    jsonw_kint(w, "flow", r->flow);
    jsonw_key(w, "sizing");
    jsonw_bool(w, r->sizing);
    if (r->sizing)
        jsonw_kint(w, "size", r->size);
    jsonw_key(w, "switched");
    jsonw_bool(w, r->switched);
    jsonw_key(w, "at");
    jsonw_time(w, &r->wall);
    /* the same to the nanosecond: events made again from it must say the same durations */
    jsonw_kint(w, "wall_ns", (long long)r->wall.tv_sec * 1000000000LL + r->wall.tv_nsec);
    jsonw_kint_or_null(w, "dest_ttl", r->dest_ttl, r->dest_ttl > 0);
    jsonw_key(w, "end_unreach");
    jsonw_bool(w, r->end_unreach);
    jsonw_kuint(w, "completed", r->completed);
    if (r->partial) {
        jsonw_key(w, "partial");
        jsonw_bool(w, true);
    }
    jsonw_key(w, "probes");
    jsonw_array(w);
    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++)
        probe_object(st, round_probe_at(r, ttl), ttl);
    jsonw_end_array(w);
    finish(st);
}

/* Each hop of the mode as the target has it now: counts, loss, mean RTT, verdict. */
static void summary_line(struct stream *st, int mode, const struct round_path *path,
                         const struct timespec *at)
{
    struct jsonw *w;

    if (target_view(st->s.target, mode, path, &st->view) < 0)
        return;
    w = begin(st, "summary");
    jsonw_kstring(w, "mode", probe_mode_name((enum probe_mode)mode));
    jsonw_key(w, "at");
    jsonw_time(w, at);
    jsonw_kuint(w, "rounds", path->rounds);
    jsonw_key(w, "hops");
    jsonw_array(w);
    for (int t = st->view.snap.first_ttl; t <= st->view.snap.nhops; t++) {
        const struct hop_stats *h = &st->view.snap.hops[t - 1];
        const struct hop_responder *r = hop_main_responder(h);
        const struct hop_diag *d = target_view_diag(&st->view, t);
        char addr[64];
        jsonw_object(w);
        jsonw_kint(w, "ttl", t);
        jsonw_kstring(w, "addr", r ? probe_addr_str(&r->addr, addr, sizeof(addr)) : NULL);
        jsonw_kuint(w, "sent", h->sent);
        jsonw_kuint(w, "received", h->received);
        jsonw_kuint(w, "lost", h->lost);
        jsonw_kfixed(w, "loss_pct", hop_loss_pct(h), 2);
        jsonw_kstring(w, "verdict", verdict_name(d ? d->verdict : VERDICT_UNKNOWN));
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    finish(st);
}

static void on_round(void *ctx, const struct round *r)
{
    struct stream *st = ctx;
    struct round_path path = {
        .rounds = r->number + 1, .end_ttl = r->dest_ttl, .end_unreach = r->end_unreach};

    pthread_mutex_lock(&st->o->lock);
    if (!st->started) {
        st->started = true;
        st->last_summary = r->wall;
    }
    round_line(st, r);
    if (!r->sizing && !r->partial && r->wall.tv_sec - st->last_summary.tv_sec >= STREAM_SUMMARY_S) {
        summary_line(st, r->mode, &path, &r->wall);
        st->last_summary = r->wall;
    }
    pthread_mutex_unlock(&st->o->lock);
}

struct stream *stream_attach(struct stream_out *o, const struct stream_source *s)
{
    struct stream *st = calloc(1, sizeof(*st));

    if (!st)
        return NULL;
    st->o = o;
    st->s = *s;
    header(st, s);
    return st;
}

struct round_consumer stream_consumer(struct stream *st)
{
    return (struct round_consumer){.ctx = st, .on_round = on_round};
}

void stream_event(void *ctx, const struct event *ev, bool start)
{
    struct stream *st = ctx;
    struct jsonw *w;

    pthread_mutex_lock(&st->o->lock);
    w = begin(st, "event");
    jsonw_kstring(w, "phase", start ? "start" : "end");
    jsonw_key(w, "event");
    events_json(w, ev);
    finish(st);
    pthread_mutex_unlock(&st->o->lock);
}

static void end_line(struct stream *st, const struct stream_source *s)
{
    struct jsonw *w = begin(st, "end");

    jsonw_key(w, "ended_at");
    jsonw_time(w, &s->run->ended);
    jsonw_kstring(w, "end_reason", s->run->end_reason);
    if (s->run->write_failure)
        jsonw_kstring(w, "write_failure", s->run->write_failure);
    jsonw_kuint(w, "now_us", s->run->now_us);
    report_json_packets(w, s->run);
    finish(st);
}

void stream_end(struct stream *st)
{
    const struct stream_source *s;
    struct prober_status ps;

    if (!st)
        return;
    s = &st->s;
    events_remove_sink(target_events(s->target), stream_event, st);
    prober_status(s->prober, &ps);
    pthread_mutex_lock(&st->o->lock);
    if (ps.mode >= 0 && ps.path[ps.mode].rounds)
        summary_line(st, ps.mode, &ps.path[ps.mode], &s->run->ended);
    end_line(st, s);
    pthread_mutex_unlock(&st->o->lock);
    target_view_free(&st->view);
    free(st);
}

int stream_close(struct stream_out *st, char *why, size_t len)
{
    int err;

    if (!st)
        return 0;
    for (int i = 0; i < st->nout; i++) {
        errno = 0;
        if (st->out[i] != stdout ? fclose(st->out[i]) != 0 : fflush(stdout) != 0)
            failed(st, i); /* a zstd frame's end, or a buffer, that did not fit */
    }
    err = stream_failure(st, why, len);
    fclose(st->mem);
    free(st->buf);
    pthread_mutex_destroy(&st->lock);
    free(st);
    return err;
}
