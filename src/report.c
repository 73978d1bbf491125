/*
 * report.c - text, JSON and CSV reports (see report.h).
 *
 * RTTs are kept in microseconds and printed in milliseconds. A hop that never answered prints
 * "???" (text), null (JSON) or an empty field (CSV). Extra responders of a hop (ECMP, route
 * changes) are listed under it, as mtr does. Verdicts and the onset are the target's
 * published diagnosis, the same the TUI and the event log show.
 */
#include "report.h"
#include "columns.h"
#include "jsonw.h"
#include "version.h"

#include <inttypes.h>
#include <string.h>

static double ms(double us)
{
    return us / 1000.0;
}

/* What the resolver knows of a (zeroed when nothing). */
static struct name_info names_of(const struct run_info *run, const struct probe_addr *a)
{
    struct name_info ni;
    if (!a || !resolver_get(run->names, a, &ni))
        memset(&ni, 0, sizeof(ni));
    return ni;
}

/* ---- text ---------------------------------------------------------------------------- */

static void text_events(FILE *out, const struct run_info *run)
{
    char t0[64], t1[64];

    if (!run->nevents)
        return;
    fprintf(out, "Events:\n");
    for (int i = 0; i < run->nevents; i++) {
        const struct event *e = &run->events[i];
        jsonw_iso_time(&e->start, t0, sizeof(t0));
        if (e->ended && (e->end.tv_sec != e->start.tv_sec || e->end.tv_nsec != e->start.tv_nsec))
            jsonw_iso_time(&e->end, t1, sizeof(t1));
        else
            snprintf(t1, sizeof(t1), "%s", e->ended ? "" : "ongoing");
        fprintf(out, "  %s %s%s  %s: %s\n", t0, t1[0] ? "- " : "", t1, event_kind_name(e->kind),
                e->text);
    }
}

static void text_diagnosis(FILE *out, const struct target_view *v)
{
    const struct path_diag *d = &v->diag;
    char ev[320];

    if (d->onset >= 0) {
        int prev = d->onset_prev >= 0 ? v->in[d->onset_prev].ttl : 0;
        fprintf(out,
                "Onset: loss starts between hop %d and hop %d (about %.1f%% forwarding loss)\n",
                prev, v->in[d->onset].ttl, 100.0 * d->onset_loss);
    } else {
        int first = diagnose_first_forwarding(v->in, d);
        if (first)
            fprintf(out,
                    "Onset: not placed yet; loss carries on to the destination from hop %d, "
                    "but too few probes to say where it starts\n",
                    first);
        else
            fprintf(out, "Onset: none (no loss that carries on to the destination)\n");
    }
    for (int i = 0; i < d->n; i++) {
        enum verdict vd = d->hop[i].verdict;
        if (vd == VERDICT_OK || (vd == VERDICT_UNKNOWN && v->in[i].lost == 0))
            continue;
        diagnose_evidence(v->in, d, i, ev, sizeof(ev));
        fprintf(out, "  %3d. %-11s %s\n", v->in[i].ttl, verdict_name(vd), ev);
    }
}

static const char *addr_of(const struct hop_responder *r, char *buf, size_t len)
{
    return r ? probe_addr_str(&r->addr, buf, len) : "???";
}

/* The text report's host: the name when there is one (and names are on), else the address. */
static const char *host_of(const struct run_info *run, const struct hop_responder *r, char *buf,
                           size_t len)
{
    struct name_info ni = names_of(run, r ? &r->addr : NULL);
    if (r && run->show_names && ni.host[0]) {
        snprintf(buf, len, "%s", ni.host);
        return buf;
    }
    return addr_of(r, buf, len);
}

/* A hop's main responder with traceroute's mark when it said unreachable ("... !N"). */
static const char *marked_host(const struct run_info *run, const struct hop_stats *s, char *buf,
                               size_t len)
{
    const struct hop_responder *main = hop_main_responder(s);
    char name[256];
    const char *host = host_of(run, main, name, sizeof(name));

    if (s->unreach && main && !main->is_dest)
        snprintf(buf, len, "%.200s %s", host, probe_unreach_mark(s->unreach_code));
    else
        snprintf(buf, len, "%s", host);
    return buf;
}

/* "End: hop 3, 198.18.2.2, says host unreachable (!H): nothing past it is probed". */
static void text_end(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hop_stats *s;
    char host[256];

    if (!v->end_unreach || v->snap.dest_ttl < v->snap.first_ttl)
        return;
    s = &v->snap.hops[v->snap.dest_ttl - 1];
    fprintf(out, "End: hop %d, %s, says %s unreachable (%s): nothing past it is probed\n", s->ttl,
            host_of(run, hop_main_responder(s), host, sizeof(host)),
            probe_unreach_name(s->unreach_code), probe_unreach_mark(s->unreach_code));
}

/* --modes: each hop's loss and verdict in every mode, side by side. */
static void text_by_mode(FILE *out, const struct run_info *run)
{
    int nhops = 0;
    char addr[256];

    if (run->nby_mode < 2)
        return;
    fprintf(out,
            "Loss by mode (interleaved rounds; a hop that loses only ICMP deprioritizes "
            "ICMP):\n     %-32s",
            "");
    for (int m = 0; m < run->nby_mode; m++) {
        if (run->by_mode[m].snap.nhops > nhops)
            nhops = run->by_mode[m].snap.nhops;
        fprintf(out, " %18s", probe_mode_name((enum probe_mode)run->by_mode[m].mode));
    }
    fputc('\n', out);
    for (int t = run->by_mode[0].snap.first_ttl; t <= nhops; t++) {
        const struct hop_responder *r = NULL;
        for (int m = 0; m < run->nby_mode && !r; m++)
            if (t <= run->by_mode[m].snap.nhops)
                r = hop_main_responder(&run->by_mode[m].snap.hops[t - 1]);
        fprintf(out, "%3d. %-32.32s", t, addr_of(r, addr, sizeof(addr)));
        for (int m = 0; m < run->nby_mode; m++) {
            const struct target_view *v = &run->by_mode[m];
            const struct hop_diag *d = target_view_diag(v, t);
            if (t > v->snap.nhops) {
                fprintf(out, " %18s", "-");
                continue;
            }
            fprintf(out, " %6.1f%% %-11s", hop_loss_pct(&v->snap.hops[t - 1]),
                    d ? verdict_name(d->verdict) : "-");
        }
        fputc('\n', out);
    }
}

void report_text(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hops_snapshot *snap = &v->snap;
    const char *order = run->order ? run->order : columns_default;
    char when[64], addr[256], cell[32];
    uint64_t now = probe_now_us();

    jsonw_iso_time(&run->started, when, sizeof(when));
    fprintf(out, "Start: %s\n", when);
    fprintf(out, "Target: %s (%s)  Mode: %s%s%s%s\n", run->target_name, run->target_addr,
            run->mode_name, run->mode_reason[0] ? " (" : "", run->mode_reason,
            run->mode_reason[0] ? ")" : "");
    fprintf(out, "HOST: %-32.32s", run->local_host);
    for (const char *p = order; *p; p++) {
        const struct column *c = columns_find(*p);
        if (c)
            fprintf(out, "%*s", c->width, c->title);
        else
            fputc(' ', out);
    }
    fputc('\n', out);
    for (int t = snap->first_ttl; t <= snap->nhops; t++) {
        const struct hop_stats *s = &snap->hops[t - 1];
        const struct hop_responder *main = hop_main_responder(s);
        struct name_info ni = names_of(run, main ? &main->addr : NULL);
        struct col_row row = {.h = s, .diag = target_view_diag(v, t), .names = &ni, .now_us = now};

        fprintf(out, "%3d.|-- %-32.32s", t, marked_host(run, s, addr, sizeof(addr)));
        for (const char *p = order; *p; p++) {
            const struct column *c = columns_find(*p);
            if (!c) {
                fputc(' ', out);
                continue;
            }
            c->fmt(&row, cell, sizeof(cell));
            fprintf(out, "%*s", c->width, cell);
        }
        fputc('\n', out);
        for (int i = 0; i < s->nresponders; i++) {
            if (&s->responders[i] == main)
                continue;
            fprintf(out, "    |  `-- %-32.32s %" PRIu64 " replies\n",
                    host_of(run, &s->responders[i], addr, sizeof(addr)), s->responders[i].received);
        }
    }
    text_end(out, run, v);
    text_diagnosis(out, v);
    text_by_mode(out, run);
    text_events(out, run);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_ms(struct jsonw *w, const char *key, double us, bool valid)
{
    jsonw_key(w, key);
    if (valid)
        jsonw_fixed(w, ms(us), 3);
    else
        jsonw_null(w);
}

static void json_addr(struct jsonw *w, const char *key, const struct probe_addr *a)
{
    char buf[64];
    jsonw_kstring(w, key, a ? probe_addr_str(a, buf, sizeof(buf)) : NULL);
}

static void json_names(struct jsonw *w, const struct run_info *run, const struct probe_addr *a)
{
    struct name_info ni = names_of(run, a);

    jsonw_kstring(w, "host", ni.host[0] && run->show_names ? ni.host : NULL);
    jsonw_kint_or_null(w, "asn", ni.asn, ni.asn != 0);
    jsonw_kstring(w, "as_name", ni.as_name[0] ? ni.as_name : NULL);
    jsonw_kstring(w, "cc", ni.cc[0] ? ni.cc : NULL);
}

static void json_window(struct jsonw *w, const char *key, const struct hop_stats *s,
                        uint64_t now_us, int secs)
{
    uint64_t done, lost;

    hop_window(s, now_us, secs, &done, &lost);
    jsonw_key(w, key);
    if (done)
        jsonw_fixed(w, 100.0 * (double)lost / (double)done, 2);
    else
        jsonw_null(w);
}

static void json_responders(struct jsonw *w, const struct run_info *run, const struct hop_stats *s)
{
    jsonw_key(w, "responders");
    jsonw_array(w);
    for (int i = 0; i < s->nresponders; i++) {
        const struct hop_responder *p = &s->responders[i];
        jsonw_object(w);
        json_addr(w, "addr", &p->addr);
        json_names(w, run, &p->addr);
        jsonw_kuint(w, "received", p->received);
        json_ms(w, "avg_ms", p->rtt.mean_us, p->rtt.n > 0);
        jsonw_kint_or_null(w, "reply_ttl", p->reply_ttl, p->reply_ttl >= 0);
        jsonw_key(w, "is_target");
        jsonw_bool(w, p->is_dest);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void json_hop(struct jsonw *w, const struct run_info *run, const struct target_view *v,
                     const struct hop_stats *s, uint64_t now)
{
    static const struct hop_diag none = {.verdict = VERDICT_UNKNOWN};
    const struct hop_diag *vd = target_view_diag(v, s->ttl);
    const struct hop_diag *d = vd ? vd : &none;
    const struct hop_responder *main = hop_main_responder(s);
    const struct rtt_stats *r = &s->rtt;
    char evidence[400] = "";

    jsonw_object(w);
    jsonw_kint(w, "ttl", s->ttl);
    json_addr(w, "addr", main ? &main->addr : NULL);
    json_names(w, run, main ? &main->addr : NULL);
    jsonw_kuint(w, "sent", s->sent);
    jsonw_kuint(w, "received", s->received);
    jsonw_kuint(w, "lost", s->lost);
    jsonw_kuint(w, "in_flight", s->inflight);
    jsonw_kfixed(w, "loss_pct", hop_loss_pct(s), 2);
    json_ms(w, "last_ms", r->last_us, r->n > 0);
    json_ms(w, "avg_ms", r->mean_us, r->n > 0);
    json_ms(w, "best_ms", r->best_us, r->n > 0);
    json_ms(w, "worst_ms", r->worst_us, r->n > 0);
    json_ms(w, "stddev_ms", rtt_stddev_us(r), r->n > 1);
    json_ms(w, "jitter_ms", s->jitter_us, s->njitter > 0);
    json_ms(w, "jitter_mean_ms", s->javg_us, s->njitter > 0);
    json_ms(w, "jitter_max_ms", s->jmax_us, s->njitter > 0);
    jsonw_kstring(w, "verdict", verdict_name(d->verdict));
    jsonw_key(w, "loss_ci");
    jsonw_array(w);
    jsonw_fixed(w, 100.0 * d->ci_lo, 2);
    jsonw_fixed(w, 100.0 * (vd ? d->ci_hi : 1.0), 2);
    jsonw_end_array(w);
    if (vd)
        diagnose_evidence(v->in, &v->diag, s->ttl - v->snap.first_ttl, evidence, sizeof(evidence));
    jsonw_kstring(w, "evidence", evidence);
    jsonw_kuint(w, "rounds_lost", d->rounds_lost);
    jsonw_kuint(w, "rounds_lost_dest_answered", d->rounds_lost_dest_ok);
    jsonw_key(w, "loss_windows");
    jsonw_object(w);
    json_window(w, "10s", s, now, 10);
    json_window(w, "60s", s, now, 60);
    json_window(w, "600s", s, now, 600);
    jsonw_end_object(w);
    jsonw_key(w, "unreachable");
    if (s->unreach) {
        jsonw_object(w);
        jsonw_kstring(w, "code", probe_unreach_name(s->unreach_code));
        jsonw_kuint(w, "count", s->unreach);
        jsonw_end_object(w);
    } else {
        jsonw_null(w);
    }
    json_responders(w, run, s);
    jsonw_end_object(w);
}

static void json_by_mode(struct jsonw *w, const struct run_info *run)
{
    jsonw_key(w, "modes");
    jsonw_array(w);
    for (int m = 0; m < run->nby_mode; m++) {
        const struct target_view *v = &run->by_mode[m];
        jsonw_object(w);
        jsonw_kstring(w, "mode", probe_mode_name((enum probe_mode)v->mode));
        jsonw_kuint(w, "rounds", v->rounds);
        jsonw_key(w, "hops");
        jsonw_array(w);
        for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++) {
            const struct hop_stats *h = &v->snap.hops[t - 1];
            const struct hop_responder *r = hop_main_responder(h);
            const struct hop_diag *d = target_view_diag(v, t);
            jsonw_object(w);
            jsonw_kint(w, "ttl", t);
            json_addr(w, "addr", r ? &r->addr : NULL);
            jsonw_kuint(w, "sent", h->sent);
            jsonw_kuint(w, "received", h->received);
            jsonw_kfixed(w, "loss_pct", hop_loss_pct(h), 2);
            jsonw_kstring(w, "verdict", verdict_name(d ? d->verdict : VERDICT_UNKNOWN));
            jsonw_end_object(w);
        }
        jsonw_end_array(w);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void json_counters(struct jsonw *w, const struct run_info *run)
{
    jsonw_key(w, "packets");
    jsonw_object(w);
    jsonw_kuint(w, "malformed", run->counters.malformed);
    jsonw_kuint(w, "foreign", run->counters.foreign);
    jsonw_kuint(w, "unmatched", run->unmatched);
    jsonw_kuint(w, "send_errors", run->counters.send_errors);
    jsonw_kuint(w, "send_retries", run->counters.send_retries);
    jsonw_kuint(w, "rx_dropped", run->counters.rx_dropped);
    jsonw_end_object(w);
    jsonw_key(w, "dns");
    jsonw_object(w);
    jsonw_kuint(w, "queries", run->dns.queries);
    jsonw_kuint(w, "answers", run->dns.answers);
    jsonw_kuint(w, "failures", run->dns.failures);
    jsonw_kuint(w, "from_databases", run->dns.cached);
    jsonw_end_object(w);
}

/* Where the path ends when a router says unreachable: {"ttl", "addr", "code"}, else null. */
static void json_end(struct jsonw *w, const struct target_view *v)
{
    const struct hop_stats *s;
    const struct hop_responder *r;

    jsonw_key(w, "unreachable");
    if (!v->end_unreach || v->snap.dest_ttl < v->snap.first_ttl) {
        jsonw_null(w);
        return;
    }
    s = &v->snap.hops[v->snap.dest_ttl - 1];
    r = hop_main_responder(s);
    jsonw_object(w);
    jsonw_kint(w, "ttl", s->ttl);
    json_addr(w, "addr", r ? &r->addr : NULL);
    jsonw_kstring(w, "code", probe_unreach_name(s->unreach_code));
    jsonw_end_object(w);
}

static void json_onset(struct jsonw *w, const struct target_view *v)
{
    const struct path_diag *d = &v->diag;

    jsonw_key(w, "onset");
    if (d->onset < 0 || d->n == 0) {
        jsonw_null(w);
        return;
    }
    jsonw_object(w);
    jsonw_kint(w, "hop", v->in[d->onset].ttl);
    jsonw_kint(w, "after_hop", d->onset_prev >= 0 ? v->in[d->onset_prev].ttl : 0);
    jsonw_kfixed(w, "loss_pct", 100.0 * d->onset_loss, 2);
    jsonw_end_object(w);
}

void report_json(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hops_snapshot *snap = &v->snap;
    uint64_t now = probe_now_us();
    struct jsonw w;

    jsonw_init(&w, out);
    jsonw_object(&w);
    jsonw_kint(&w, "schema", 1);
    jsonw_kstring(&w, "version", HOPWATCH_VERSION);
    jsonw_key(&w, "target");
    jsonw_object(&w);
    jsonw_kstring(&w, "name", run->target_name);
    jsonw_kstring(&w, "addr", run->target_addr);
    jsonw_end_object(&w);
    jsonw_kstring(&w, "mode", run->mode_name);
    jsonw_kstring(&w, "mode_reason", run->mode_reason);
    jsonw_key(&w, "started_at");
    jsonw_time(&w, &run->started);
    jsonw_key(&w, "ended_at");
    jsonw_time(&w, &run->ended);
    jsonw_kstring(&w, "end_reason", run->end_reason);
    jsonw_kuint(&w, "rounds", v->rounds);
    jsonw_kint_or_null(&w, "dest_ttl", snap->dest_ttl, snap->dest_ttl > 0 && !v->end_unreach);
    json_end(&w, v);
    json_counters(&w, run);
    jsonw_key(&w, "hops");
    jsonw_array(&w);
    for (int t = snap->first_ttl; t <= snap->nhops; t++)
        json_hop(&w, run, v, &snap->hops[t - 1], now);
    jsonw_end_array(&w);
    json_onset(&w, v);
    json_by_mode(&w, run);
    jsonw_key(&w, "events");
    jsonw_array(&w);
    for (int i = 0; i < run->nevents; i++)
        events_json(&w, &run->events[i]);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    fputc('\n', out);
}

/* ---- CSV ----------------------------------------------------------------------------- */

/* RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
static void csv_field(FILE *out, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', out);
        fputc(*v, out);
    }
    fputc('"', out);
}

static void csv_ms(FILE *out, double us, bool valid)
{
    if (valid)
        fprintf(out, ",%.3f", ms(us));
    else
        fputs(",", out);
}

void report_csv(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hops_snapshot *snap = &v->snap;
    char t0[64], addr[256];

    jsonw_iso_time(&run->started, t0, sizeof(t0));
    fputs("version,started_at,mode,target,target_addr,hop,addr,host,asn,loss_pct,sent,received,"
          "last_ms,avg_ms,best_ms,worst_ms,stddev_ms,jitter_ms,verdict,unreachable\n",
          out);
    for (int t = snap->first_ttl; t <= snap->nhops; t++) {
        const struct hop_stats *s = &snap->hops[t - 1];
        const struct hop_responder *main = hop_main_responder(s);
        const struct rtt_stats *r = &s->rtt;
        const struct hop_diag *d = target_view_diag(v, t);
        struct name_info ni = names_of(run, main ? &main->addr : NULL);

        fprintf(out, "%s,%s,%s,", HOPWATCH_VERSION, t0, run->mode_name);
        csv_field(out, run->target_name);
        fprintf(out, ",%s,%d,%s,", run->target_addr, t,
                main ? probe_addr_str(&main->addr, addr, sizeof(addr)) : "");
        csv_field(out, run->show_names ? ni.host : "");
        if (ni.asn)
            fprintf(out, ",%u", ni.asn);
        else
            fputc(',', out);
        fprintf(out, ",%.2f,%" PRIu64 ",%" PRIu64, hop_loss_pct(s), s->sent, s->received);
        csv_ms(out, r->last_us, r->n > 0);
        csv_ms(out, r->mean_us, r->n > 0);
        csv_ms(out, r->best_us, r->n > 0);
        csv_ms(out, r->worst_us, r->n > 0);
        csv_ms(out, rtt_stddev_us(r), r->n > 1);
        csv_ms(out, s->jitter_us, s->njitter > 0);
        fprintf(out, ",%s,%s\n", verdict_name(d ? d->verdict : VERDICT_UNKNOWN),
                s->unreach ? probe_unreach_name(s->unreach_code) : "");
    }
}
