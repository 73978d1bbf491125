/*
 * metrics_render.c - the exposition a scrape gets (see metrics.h): every family with its HELP
 * and TYPE once, then its samples for every live target. The list of targets is copied under
 * the fleet's lock and read without it (sessions live as long as the fleet).
 */
#include "fleet/fleet.h"
#include "metrics_internal.h"
#include "share.h"
#include "version.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* One target as a scrape sees it. */
struct tsnap {
    struct session *s;
    struct prober_status st;
    int mode;
    struct target_view v;
};

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *out, const char *name, const char *v)
{
    fprintf(out, "%s=\"", name);
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', out);
        if (*v == '\n')
            fputs("\\n", out);
        else
            fputc(*v, out);
    }
    fputc('"', out);
}

/* The exposition being written is OpenMetrics 1.0 (as the scraper asked), not the text format
 * 0.0.4: a counter family is named without its _total, and the exposition ends in # EOF. Per
 * thread: each of the server's threads writes one exposition at a time. */
static _Thread_local bool om_now;

static void family(FILE *out, const char *name, const char *type, const char *help)
{
    int n = (int)strlen(name);

    if (om_now && strcmp(type, "counter") == 0 && n > 6 && strcmp(name + n - 6, "_total") == 0)
        n -= 6;
    fprintf(out, "# HELP %.*s %s\n# TYPE %.*s %s\n", n, name, help, n, name, type);
}

/* name{target="..",mode="..",ttl="N" */
static void hop_labels(FILE *out, const char *name, const struct tsnap *t, int mode, int ttl)
{
    fprintf(out, "%s{", name);
    label(out, "target", t->s->run.target_name);
    fputc(',', out);
    label(out, "mode", probe_mode_name((enum probe_mode)mode));
    fprintf(out, ",ttl=\"%d\"", ttl);
}

/* fn for each hop of each target's counters that has a probe, under the target's lock. */
typedef void hop_fn(FILE *out, const struct tsnap *t, int mode, int ttl,
                    const struct metrics_hop *h, int k);

static void each_hop(FILE *out, const struct tsnap *t, int n, hop_fn *fn, int k)
{
    for (int i = 0; i < n; i++) {
        struct metrics_counts *c = t[i].s->counts;
        if (!c)
            continue;
        pthread_mutex_lock(&c->lock);
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            for (int ttl = 1; ttl <= c->max_ttl; ttl++) {
                const struct metrics_hop *h = metrics_hop_at(c, m, ttl);
                if (h && h->sent)
                    fn(out, &t[i], m, ttl, h, k);
            }
        pthread_mutex_unlock(&c->lock);
    }
}

static const char *const counter_names[] = {
    "hopwatch_probes_sent_total", "hopwatch_probes_answered_total", "hopwatch_probes_lost_total"};

static void counter_sample(FILE *out, const struct tsnap *t, int mode, int ttl,
                           const struct metrics_hop *h, int k)
{
    hop_labels(out, counter_names[k], t, mode, ttl);
    fprintf(out, "} %" PRIu64 "\n", k == 0 ? h->sent : k == 1 ? h->answered : h->lost);
}

static void hop_counters(FILE *out, const struct tsnap *t, int n)
{
    static const char *const help[] = {
        "Probes sent to this hop whose fate is known (answered or lost).",
        "Probes to this hop that were answered.", "Probes to this hop that timed out."};

    for (int k = 0; k < 3; k++) {
        family(out, counter_names[k], "counter", help[k]);
        each_hop(out, t, n, counter_sample, k);
    }
}

/* The destination's probes (the TTL where the path ends in each mode), per target and mode. */
static void destination_counters(FILE *out, const struct tsnap *t, int n)
{
    for (int k = 0; k < 2; k++) {
        const char *name =
            k ? "hopwatch_target_probes_lost_total" : "hopwatch_target_probes_sent_total";
        family(out, name, "counter",
               k ? "Probes to the destination's TTL that timed out."
                 : "Probes to the destination's TTL whose fate is known.");
        for (int i = 0; i < n; i++) {
            struct metrics_counts *c = t[i].s->counts;
            if (!c)
                continue;
            pthread_mutex_lock(&c->lock);
            for (int m = 0; m < PROBE_MODE_COUNT; m++) {
                if (!c->dest_sent[m])
                    continue;
                fprintf(out, "%s{", name);
                label(out, "target", t[i].s->run.target_name);
                fputc(',', out);
                label(out, "mode", probe_mode_name((enum probe_mode)m));
                fprintf(out, "} %" PRIu64 "\n", k ? c->dest_lost[m] : c->dest_sent[m]);
            }
            pthread_mutex_unlock(&c->lock);
        }
    }
}

/* Probes this host could not send, by errno (no route, no address, a local firewall). */
static void send_error_counters(FILE *out, const struct tsnap *t, int n)
{
    family(out, "hopwatch_send_errors_total", "counter",
           "Probes this host could not send, by the error (no route, no address, a firewall).");
    for (int i = 0; i < n; i++) {
        struct metrics_counts *c = t[i].s->counts;
        uint64_t v[METRICS_SEND_ERRS];
        if (!c)
            continue;
        pthread_mutex_lock(&c->lock);
        memcpy(v, c->send_errors, sizeof(v));
        pthread_mutex_unlock(&c->lock);
        for (int k = 0; k < METRICS_SEND_ERRS; k++) {
            fputs("hopwatch_send_errors_total{", out);
            label(out, "target", t[i].s->run.target_name);
            fputc(',', out);
            label(out, "errno", metrics_send_errno_name(k));
            fprintf(out, "} %" PRIu64 "\n", v[k]);
        }
    }
}

static void other_sample(FILE *out, const struct tsnap *t, int mode, int ttl,
                         const struct metrics_hop *h, int k)
{
    (void)k;
    if (!h->other_replies)
        return;
    hop_labels(out, "hopwatch_responder_replies_total", t, mode, ttl);
    fprintf(out, ",responder=\"other\"} %" PRIu64 "\n", h->other_replies);
}

static void responder_counters(FILE *out, const struct tsnap *t, int n)
{
    char addr[64];

    family(out, "hopwatch_responder_replies_total", "counter",
           "Replies to probes of this hop from this address (\"other\": past the label cap).");
    for (int i = 0; i < n; i++) {
        struct metrics_counts *c = t[i].s->counts;
        if (!c)
            continue;
        pthread_mutex_lock(&c->lock);
        for (int r = 0; r < c->nresp; r++) {
            hop_labels(out, "hopwatch_responder_replies_total", &t[i], c->resp[r].mode,
                       c->resp[r].ttl);
            fputc(',', out);
            label(out, "responder", probe_addr_str(&c->resp[r].addr, addr, sizeof(addr)));
            fprintf(out, "} %" PRIu64 "\n", c->resp[r].replies);
        }
        pthread_mutex_unlock(&c->lock);
    }
    each_hop(out, t, n, other_sample, 0);
}

/* One hop's histogram: cumulative buckets, +Inf, sum and count. */
static void histogram(FILE *out, const struct tsnap *t, int mode, int ttl,
                      const struct metrics_hop *h, int k)
{
    uint64_t below = 0;

    (void)k;
    if (!h->answered)
        return;
    for (int b = 0; b < METRICS_RTT_BUCKETS; b++) {
        below += h->rtt_bucket[b];
        hop_labels(out, "hopwatch_hop_rtt_seconds_bucket", t, mode, ttl);
        fprintf(out, ",le=\"%g\"} %" PRIu64 "\n", metrics_rtt_le[b], below);
    }
    hop_labels(out, "hopwatch_hop_rtt_seconds_bucket", t, mode, ttl);
    fprintf(out, ",le=\"+Inf\"} %" PRIu64 "\n", h->answered);
    hop_labels(out, "hopwatch_hop_rtt_seconds_sum", t, mode, ttl);
    fprintf(out, "} %.6f\n", (double)h->rtt_sum_us / 1e6);
    hop_labels(out, "hopwatch_hop_rtt_seconds_count", t, mode, ttl);
    fprintf(out, "} %" PRIu64 "\n", h->answered);
}

/* Every answered probe's RTT, a histogram per hop: quantiles aggregate across targets. */
static void rtt_histograms(FILE *out, const struct tsnap *t, int n)
{
    family(out, "hopwatch_hop_rtt_seconds", "histogram",
           "Round-trip times of the answered probes to this hop.");
    each_hop(out, t, n, histogram, 0);
}

/* The newest RTT and the jitter of the mode each target probes now (the view the TUI shows):
 * what a histogram cannot say. */
static void rtt_gauges(FILE *out, const struct tsnap *t, int n)
{
    static const char *const name[] = {"hopwatch_hop_rtt_last_seconds",
                                       "hopwatch_hop_rtt_jitter_seconds"};
    static const char *const help[] = {
        "The newest round-trip time of this hop.",
        "The RFC 3550 interarrival jitter of this hop's round-trip times."};

    for (int k = 0; k < 2; k++) {
        family(out, name[k], "gauge", help[k]);
        for (int i = 0; i < n; i++) {
            const struct hops_snapshot *snap = &t[i].v.snap;
            for (int ttl = snap->first_ttl; t[i].mode >= 0 && ttl <= snap->nhops; ttl++) {
                const struct hop_stats *h = &snap->hops[ttl - 1];
                if (h->rtt.n == 0 || (k == 1 && h->njitter == 0))
                    continue;
                hop_labels(out, name[k], &t[i], t[i].mode, ttl);
                fprintf(out, "} %.6f\n", (k ? h->jitter_us : h->rtt.last_us) / 1e6);
            }
        }
    }
}

static void verdicts(FILE *out, const struct tsnap *t, int n)
{
    family(out, "hopwatch_hop_verdict", "gauge",
           "1 for the loss verdict published for this hop (the others are not exported).");
    for (int i = 0; i < n; i++) {
        const struct hops_snapshot *snap = &t[i].v.snap;
        for (int ttl = snap->first_ttl; t[i].mode >= 0 && ttl <= snap->nhops; ttl++) {
            const struct hop_diag *d = target_view_diag(&t[i].v, ttl);
            if (!d)
                continue;
            hop_labels(out, "hopwatch_hop_verdict", &t[i], t[i].mode, ttl);
            fputc(',', out);
            label(out, "verdict", verdict_name(d->verdict));
            fputs("} 1\n", out);
        }
    }
}

/* Per target: what it is, where loss starts, its bursts and path changes. */
static void per_target(FILE *out, const struct tsnap *t, int n)
{
    family(out, "hopwatch_target_info", "gauge", "The target, its address and the mode probing.");
    for (int i = 0; i < n; i++) {
        fputs("hopwatch_target_info{", out);
        label(out, "target", t[i].s->run.target_name);
        fputc(',', out);
        label(out, "addr", t[i].s->run.target_addr);
        fputc(',', out);
        label(out, "mode", t[i].mode >= 0 ? probe_mode_name((enum probe_mode)t[i].mode) : "none");
        fputs("} 1\n", out);
    }
    family(out, "hopwatch_target_onset_ttl", "gauge",
           "The TTL where loss persisting to the destination starts; 0 when there is none.");
    for (int i = 0; i < n; i++) {
        const struct target_view *v = &t[i].v;
        int onset = t[i].mode >= 0 ? diagnose_onset_ttl(v->in, &v->diag) : 0;
        fputs("hopwatch_target_onset_ttl{", out);
        label(out, "target", t[i].s->run.target_name);
        fprintf(out, "} %d\n", onset);
    }
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "hopwatch_path_changes_total" : "hopwatch_loss_bursts_total";
        family(out, name, "counter", k ? "Path changes seen." : "Loss bursts seen.");
        for (int i = 0; i < n; i++) {
            fprintf(out, "%s{", name);
            label(out, "target", t[i].s->run.target_name);
            fprintf(out, "} %" PRIu64 "\n",
                    events_total(target_events(t[i].s->target),
                                 k ? EVENT_PATH_CHANGE : EVENT_LOSS_BURST));
        }
    }
}

struct metrics {
    struct metrics_http *http;
    struct fleet *fleet;
    struct metrics_prober prober;
};

static void write_metrics(void *ctx, bool openmetrics, FILE *out)
{
    struct metrics *m = ctx;
    metrics_render(m->fleet, openmetrics, out);
}

/* /probe: the run watches host (from now on, or already), then its series alone. */
static unsigned probe_target(void *ctx, const char *host, const char *mode, bool openmetrics,
                             FILE *out)
{
    struct metrics *m = ctx;
    char err[300] = "";
    int status;

    if (!m->prober.watch) {
        fputs("this exporter serves no /probe\n", out);
        return MHD_HTTP_NOT_FOUND;
    }
    if ((status = m->prober.watch(m->prober.ctx, host, mode, err, sizeof(err))) != 0) {
        fprintf(out, "%s\n", err);
        return (unsigned)status;
    }
    metrics_render_target(m->fleet, host, openmetrics, out);
    return MHD_HTTP_OK;
}

struct metrics *metrics_start(const char *spec, const char *web_config, struct fleet *f,
                              const struct metrics_prober *prober, char *err, size_t err_len)
{
    struct metrics *m = calloc(1, sizeof(*m));
    struct metrics_site site = {write_metrics, probe_target, m};

    if (!m)
        return snprintf(err, err_len, "out of memory"), NULL;
    m->fleet = f;
    if (prober)
        m->prober = *prober;
    if (!(m->http = metrics_http_start(spec, web_config, &site, err, err_len))) {
        free(m);
        return NULL;
    }
    return m;
}

int metrics_reload(struct metrics *m, char *err, size_t err_len)
{
    return m ? metrics_http_reload(m->http, false, err, err_len) : 0;
}

void metrics_tick(struct metrics *m)
{
    if (m)
        metrics_http_tick(m->http);
}

void metrics_stop(struct metrics *m)
{
    if (!m)
        return;
    metrics_http_stop(m->http);
    free(m);
}

/* icmp-raw's shared sockets: what they read, and what no target owned (other programs',
 * replies long given up, spoofed ones) or found no room. */
static void shared_sockets(FILE *out, struct fleet *f)
{
    struct probe_share *sh[FLEET_SHARES];
    int n = fleet_shares(f, sh);

    family(out, "hopwatch_shared_socket_messages_total", "counter",
           "ICMP messages the shared raw sockets read, by what became of them.");
    for (int i = 0; i < n; i++) {
        struct probe_share_counters c = probe_share_counters(sh[i]);
        const char *fam = probe_share_family(sh[i]) == AF_INET6 ? "ipv6" : "ipv4";
        const uint64_t v[] = {c.read - c.malformed - c.foreign - c.overflow, c.malformed, c.foreign,
                              c.overflow};
        static const char *const fate[] = {"handed", "malformed", "foreign", "overflow"};
        for (int k = 0; k < 4; k++)
            fprintf(out,
                    "hopwatch_shared_socket_messages_total{family=\"%s\",fate=\"%s\"} %" PRIu64
                    "\n",
                    fam, fate[k], v[k]);
    }
}

/* The fleet thread's work: wake-ups and the target steps they made (fleet_work). */
static void fleet_family(FILE *out, struct fleet *f)
{
    uint64_t wakeups, steps;

    fleet_work(f, &wakeups, &steps);
    family(out, "hopwatch_fleet_wakeups_total", "counter",
           "Times the probing thread woke (for a timer, a reply, a key or a new target).");
    fprintf(out, "hopwatch_fleet_wakeups_total %" PRIu64 "\n", wakeups);
    family(out, "hopwatch_fleet_steps_total", "counter",
           "Target steps the probing thread made: one target's sends, reads and expiries.");
    fprintf(out, "hopwatch_fleet_steps_total %" PRIu64 "\n", steps);
}

/* The exposition of f's targets, or of `only` alone (/probe: no process-wide families). */
static void render(struct fleet *f, const char *only, bool om, FILE *out)
{
    struct tsnap *t;
    int n = 0, all;

    fleet_lock(f);
    all = fleet_count(f);
    t = calloc((size_t)all + 1, sizeof(*t));
    for (int i = 0; t && i < all; i++)
        if (!only || strcmp(fleet_get(f, i)->run.target_name, only) == 0)
            session_hold(t[n++].s = fleet_get(f, i)); /* a target removed meanwhile waits */
    fleet_unlock(f);
    if (!t)
        return;
    om_now = om;
    for (int i = 0; i < n; i++) {
        prober_status(t[i].s->prober, &t[i].st);
        t[i].mode = t[i].st.mode;
        if (t[i].mode < 0 || !t[i].s->counts ||
            target_view(t[i].s->target, t[i].mode, &t[i].st.path[t[i].mode], &t[i].v) < 0)
            t[i].mode = -1;
    }
    family(out, "hopwatch_build_info", "gauge", "The hopwatch version serving these metrics.");
    fprintf(out, "hopwatch_build_info{version=\"%s\"} 1\n", HOPWATCH_VERSION);
    if (!only) {
        family(out, "hopwatch_targets", "gauge", "Targets being watched.");
        fprintf(out, "hopwatch_targets %d\n", all);
        family(out, "hopwatch_targets_allocated", "gauge",
               "Targets whose memory is held: those watched, and removed ones a reader still "
               "uses.");
        fprintf(out, "hopwatch_targets_allocated %d\n", session_live_count());
    }
    hop_counters(out, t, n);
    responder_counters(out, t, n);
    send_error_counters(out, t, n);
    destination_counters(out, t, n);
    rtt_histograms(out, t, n);
    rtt_gauges(out, t, n);
    verdicts(out, t, n);
    per_target(out, t, n);
    if (!only) {
        shared_sockets(out, f);
        fleet_family(out, f);
    }
    if (om)
        fputs("# EOF\n", out);
    for (int i = 0; i < n; i++) {
        target_view_free(&t[i].v);
        session_drop(t[i].s);
    }
    free(t);
}

void metrics_render(struct fleet *f, bool openmetrics, FILE *out)
{
    render(f, NULL, openmetrics, out);
}

void metrics_render_target(struct fleet *f, const char *host, bool openmetrics, FILE *out)
{
    render(f, host, openmetrics, out);
}
