/*
 * report.c - text, JSON and CSV reports (see report.h).
 *
 * RTTs are kept in microseconds and printed in milliseconds. A hop that never answered prints
 * "???" (text), null (JSON) or an empty field (CSV). Extra responders of a hop (ECMP, route
 * changes) are listed under it, as mtr does.
 */
#include "report.h"
#include "columns.h"
#include "diagnose.h"
#include "version.h"

#include <inttypes.h>
#include <string.h>

static double ms(double us)
{
    return us / 1000.0;
}

static void iso_time(const struct timespec *ts, char *buf, size_t len)
{
    struct tm tm;
    char base[32];

    gmtime_r(&ts->tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%.20s.%03dZ", base, (int)(ts->tv_nsec / 1000000 % 1000));
}

/* The diagnosis of a snapshot, for every report. */
struct diag_all {
    struct diag_input in[DIAG_MAX_HOPS];
    struct path_diag d;
    struct col_ctx cx;
};

static void diagnose_all(const struct hops_snapshot *snap, struct diag_all *a,
                         struct resolver *names)
{
    diagnose_snapshot(snap, a->in, &a->d);
    a->cx = (struct col_ctx){
        .diag = &a->d, .first_ttl = snap->first_ttl, .now_us = probe_now_us(), .names = names};
}

static void text_events(FILE *out, const struct run_info *run)
{
    char t0[64], t1[64];

    if (!run->nevents)
        return;
    fprintf(out, "Events:\n");
    for (int i = 0; i < run->nevents; i++) {
        const struct event *e = &run->events[i];
        events_iso_time(&e->start, t0, sizeof(t0));
        if (e->ended && (e->end.tv_sec != e->start.tv_sec || e->end.tv_nsec != e->start.tv_nsec))
            events_iso_time(&e->end, t1, sizeof(t1));
        else
            snprintf(t1, sizeof(t1), "%s", e->ended ? "" : "ongoing");
        fprintf(out, "  %s %s%s%s  %s: %s\n", t0, t1[0] ? "- " : "", t1, t1[0] ? "" : "",
                event_kind_name(e->kind), e->text);
    }
}

static void text_diagnosis(FILE *out, const struct diag_all *a)
{
    char ev[320];

    if (a->d.onset >= 0) {
        int prev = a->d.onset_prev >= 0 ? a->in[a->d.onset_prev].ttl : 0;
        fprintf(out,
                "Onset: loss starts between hop %d and hop %d (about %.1f%% forwarding loss)\n",
                prev, a->in[a->d.onset].ttl, 100.0 * a->d.onset_loss);
    } else {
        int first = diagnose_first_forwarding(a->in, &a->d);
        if (first)
            fprintf(out,
                    "Onset: not placed yet; loss carries on to the destination from hop %d, "
                    "but too few probes to say where it starts\n",
                    first);
        else
            fprintf(out, "Onset: none (no loss that carries on to the destination)\n");
    }
    for (int i = 0; i < a->d.n; i++) {
        enum verdict v = a->d.hop[i].verdict;
        if (v == VERDICT_OK || (v == VERDICT_UNKNOWN && a->in[i].lost == 0))
            continue;
        diagnose_evidence(a->in, &a->d, i, ev, sizeof(ev));
        fprintf(out, "  %3d. %-11s %s\n", a->in[i].ttl, verdict_name(v), ev);
    }
}

static const char *addr_of(const struct hop_responder *r, char *buf, size_t len)
{
    return r ? probe_addr_str(&r->addr, buf, len) : "???";
}

/* What the resolver knows of a (zeroed when nothing). */
static struct name_info names_of(const struct run_info *run, const struct probe_addr *a)
{
    struct name_info ni;
    if (!a || !resolver_get(run->names, a, &ni))
        memset(&ni, 0, sizeof(ni));
    return ni;
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

static void json_names(FILE *out, const struct run_info *run, const struct probe_addr *a)
{
    struct name_info ni = names_of(run, a);

    fputs(",\"host\":", out);
    if (ni.host[0] && run->show_names)
        report_json_string(out, ni.host);
    else
        fputs("null", out);
    if (ni.asn)
        fprintf(out, ",\"asn\":%u", ni.asn);
    else
        fputs(",\"asn\":null", out);
    fputs(",\"as_name\":", out);
    if (ni.as_name[0])
        report_json_string(out, ni.as_name);
    else
        fputs("null", out);
    fputs(",\"cc\":", out);
    if (ni.cc[0])
        report_json_string(out, ni.cc);
    else
        fputs("null", out);
}

/* --modes: each hop's loss and verdict in every mode, side by side. */
static void text_by_mode(FILE *out, const struct run_info *run)
{
    static struct diag_all d[PROBE_MODE_COUNT];
    int nhops = 0;
    char addr[256];

    if (run->nby_mode < 2)
        return;
    fprintf(out,
            "Loss by mode (interleaved rounds; a hop that loses only ICMP deprioritizes "
            "ICMP):\n     %-32s",
            "");
    for (int m = 0; m < run->nby_mode; m++) {
        diagnose_all(&run->by_mode[m], &d[m], run->names);
        if (run->by_mode[m].nhops > nhops)
            nhops = run->by_mode[m].nhops;
        fprintf(out, " %18s", probe_mode_name((enum probe_mode)run->by_mode[m].mode));
    }
    fputc('\n', out);
    for (int t = run->by_mode[0].first_ttl; t <= nhops; t++) {
        const struct hop_responder *r = NULL;
        for (int m = 0; m < run->nby_mode && !r; m++)
            if (t <= run->by_mode[m].nhops)
                r = hop_main_responder(&run->by_mode[m].hops[t - 1]);
        fprintf(out, "%3d. %-32.32s", t, addr_of(r, addr, sizeof(addr)));
        for (int m = 0; m < run->nby_mode; m++) {
            const struct hops_snapshot *sn = &run->by_mode[m];
            if (t > sn->nhops) {
                fprintf(out, " %18s", "-");
                continue;
            }
            fprintf(out, " %6.1f%% %-11s", hop_loss_pct(&sn->hops[t - 1]),
                    verdict_name(d[m].d.hop[t - sn->first_ttl].verdict));
        }
        fputc('\n', out);
    }
}

static void json_by_mode(FILE *out, const struct run_info *run)
{
    static struct diag_all d;
    char addr[256];

    fputs(",\"modes\":[", out);
    for (int m = 0; m < run->nby_mode; m++) {
        const struct hops_snapshot *sn = &run->by_mode[m];
        diagnose_all(sn, &d, run->names);
        fprintf(out, "%s{\"mode\":\"%s\",\"rounds\":%u,\"hops\":[", m ? "," : "",
                probe_mode_name((enum probe_mode)sn->mode), sn->rounds);
        for (int t = sn->first_ttl; t <= sn->nhops; t++) {
            const struct hop_stats *h = &sn->hops[t - 1];
            const struct hop_responder *r = hop_main_responder(h);
            fprintf(out, "%s{\"ttl\":%d,\"addr\":", t > sn->first_ttl ? "," : "", t);
            if (r)
                report_json_string(out, probe_addr_str(&r->addr, addr, sizeof(addr)));
            else
                fputs("null", out);
            fprintf(out,
                    ",\"sent\":%" PRIu64 ",\"received\":%" PRIu64
                    ",\"loss_pct\":%.2f,\"verdict\":\"%s\"}",
                    h->sent, h->received, hop_loss_pct(h),
                    verdict_name(d.d.hop[t - sn->first_ttl].verdict));
        }
        fputs("]}", out);
    }
    fputc(']', out);
}

void report_text(FILE *out, const struct run_info *run, const struct hops_snapshot *snap)
{
    const char *order = run->order ? run->order : columns_default;
    char when[64], addr[256], cell[32];
    static struct diag_all a;

    diagnose_all(snap, &a, run->names);
    iso_time(&run->started, when, sizeof(when));
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

        fprintf(out, "%3d.|-- %-32.32s", t, host_of(run, main, addr, sizeof(addr)));
        for (const char *p = order; *p; p++) {
            const struct column *c = columns_find(*p);
            if (!c) {
                fputc(' ', out);
                continue;
            }
            c->fmt(s, &a.cx, cell, sizeof(cell));
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
    text_diagnosis(out, &a);
    text_by_mode(out, run);
    text_events(out, run);
}

void report_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_ms(FILE *out, const char *key, double us, bool valid)
{
    if (valid)
        fprintf(out, ",\"%s\":%.3f", key, ms(us));
    else
        fprintf(out, ",\"%s\":null", key);
}

static void json_window(FILE *out, const char *key, const struct hop_stats *s, uint64_t now_us,
                        int secs)
{
    uint64_t done, lost;
    hop_window(s, now_us, secs, &done, &lost);
    if (done)
        fprintf(out, "\"%s\":%.2f", key, 100.0 * (double)lost / (double)done);
    else
        fprintf(out, "\"%s\":null", key);
}

static void json_hop(FILE *out, const struct run_info *run, const struct hop_stats *s,
                     const struct diag_all *a)
{
    const struct hop_diag *d = &a->d.hop[s->ttl - a->cx.first_ttl];
    char evidence[400];
    const struct hop_responder *main = hop_main_responder(s);
    const struct rtt_stats *r = &s->rtt;
    char addr[256];

    fprintf(out, "{\"ttl\":%d,\"addr\":", s->ttl);
    if (main)
        report_json_string(out, probe_addr_str(&main->addr, addr, sizeof(addr)));
    else
        fputs("null", out);
    json_names(out, run, main ? &main->addr : NULL);
    fprintf(out,
            ",\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"lost\":%" PRIu64
            ",\"in_flight\":%" PRIu64 ",\"loss_pct\":%.2f",
            s->sent, s->received, s->lost, s->inflight, hop_loss_pct(s));
    json_ms(out, "last_ms", r->last_us, r->n > 0);
    json_ms(out, "avg_ms", r->mean_us, r->n > 0);
    json_ms(out, "best_ms", r->best_us, r->n > 0);
    json_ms(out, "worst_ms", r->worst_us, r->n > 0);
    json_ms(out, "stddev_ms", rtt_stddev_us(r), r->n > 1);
    json_ms(out, "jitter_ms", s->jitter_us, s->njitter > 0);
    json_ms(out, "jitter_mean_ms", s->javg_us, s->njitter > 0);
    json_ms(out, "jitter_max_ms", s->jmax_us, s->njitter > 0);
    fprintf(out,
            ",\"verdict\":\"%s\",\"loss_ci\":[%.2f,%.2f],\"evidence\":", verdict_name(d->verdict),
            100.0 * d->ci_lo, 100.0 * d->ci_hi);
    diagnose_evidence(a->in, &a->d, s->ttl - a->cx.first_ttl, evidence, sizeof(evidence));
    report_json_string(out, evidence);
    fprintf(out, ",\"rounds_lost\":%u,\"rounds_lost_dest_answered\":%u,\"loss_windows\":{",
            d->rounds_lost, d->rounds_lost_dest_ok);
    json_window(out, "10s", s, a->cx.now_us, 10);
    fputc(',', out);
    json_window(out, "60s", s, a->cx.now_us, 60);
    fputc(',', out);
    json_window(out, "600s", s, a->cx.now_us, 600);
    fputc('}', out);
    fputs(",\"responders\":[", out);
    for (int i = 0; i < s->nresponders; i++) {
        const struct hop_responder *p = &s->responders[i];
        fprintf(out, "%s{\"addr\":", i ? "," : "");
        report_json_string(out, probe_addr_str(&p->addr, addr, sizeof(addr)));
        json_names(out, run, &p->addr);
        fprintf(out, ",\"received\":%" PRIu64, p->received);
        json_ms(out, "avg_ms", p->rtt.mean_us, p->rtt.n > 0);
        if (p->reply_ttl >= 0)
            fprintf(out, ",\"reply_ttl\":%d", p->reply_ttl);
        else
            fputs(",\"reply_ttl\":null", out);
        fprintf(out, ",\"is_target\":%s}", p->is_dest ? "true" : "false");
    }
    fputs("]}", out);
}

void report_json(FILE *out, const struct run_info *run, const struct hops_snapshot *snap)
{
    char t0[64], t1[64];
    static struct diag_all a;

    diagnose_all(snap, &a, run->names);
    iso_time(&run->started, t0, sizeof(t0));
    iso_time(&run->ended, t1, sizeof(t1));
    fprintf(out, "{\"schema\":1,\"version\":\"%s\",\"target\":{\"name\":", HOPWATCH_VERSION);
    report_json_string(out, run->target_name);
    fputs(",\"addr\":", out);
    report_json_string(out, run->target_addr);
    fputs("},\"mode\":", out);
    report_json_string(out, run->mode_name);
    fputs(",\"mode_reason\":", out);
    report_json_string(out, run->mode_reason);
    fprintf(out,
            ",\"started_at\":\"%s\",\"ended_at\":\"%s\",\"end_reason\":\"%s\",\"rounds\":%u,"
            "\"dest_ttl\":",
            t0, t1, run->end_reason, snap->rounds);
    if (snap->dest_ttl)
        fprintf(out, "%d", snap->dest_ttl);
    else
        fputs("null", out);
    fprintf(out,
            ",\"packets\":{\"malformed\":%" PRIu64 ",\"foreign\":%" PRIu64 ",\"unmatched\":%" PRIu64
            ",\"send_errors\":%" PRIu64 ",\"send_retries\":%" PRIu64 ",\"rx_dropped\":%" PRIu64
            "},\"dns\":{\"queries\":%" PRIu64 ",\"answers\":%" PRIu64 ",\"failures\":%" PRIu64
            ",\"from_databases\":%" PRIu64 "},\"hops\":[",
            run->counters.malformed, run->counters.foreign, run->unmatched,
            run->counters.send_errors, run->counters.send_retries, run->counters.rx_dropped,
            run->dns.queries, run->dns.answers, run->dns.failures, run->dns.cached);
    for (int t = snap->first_ttl; t <= snap->nhops; t++) {
        if (t > snap->first_ttl)
            fputc(',', out);
        json_hop(out, run, &snap->hops[t - 1], &a);
    }
    fputs("],\"onset\":", out);
    if (a.d.onset >= 0)
        fprintf(out, "{\"hop\":%d,\"after_hop\":%d,\"loss_pct\":%.2f}", a.in[a.d.onset].ttl,
                a.d.onset_prev >= 0 ? a.in[a.d.onset_prev].ttl : 0, 100.0 * a.d.onset_loss);
    else
        fputs("null", out);
    json_by_mode(out, run);
    fputs(",\"events\":[", out);
    for (int i = 0; i < run->nevents; i++) {
        if (i)
            fputc(',', out);
        events_json(out, &run->events[i]);
    }
    fputs("]}\n", out);
}

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

void report_csv(FILE *out, const struct run_info *run, const struct hops_snapshot *snap)
{
    char t0[64], addr[256];

    iso_time(&run->started, t0, sizeof(t0));
    static struct diag_all a;

    diagnose_all(snap, &a, run->names);
    fputs("version,started_at,mode,target,target_addr,hop,addr,host,asn,loss_pct,sent,received,"
          "last_ms,avg_ms,best_ms,worst_ms,stddev_ms,jitter_ms,verdict\n",
          out);
    for (int t = snap->first_ttl; t <= snap->nhops; t++) {
        const struct hop_stats *s = &snap->hops[t - 1];
        const struct hop_responder *main = hop_main_responder(s);
        const struct rtt_stats *r = &s->rtt;
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
        fprintf(out, ",%s\n", verdict_name(a.d.hop[t - snap->first_ttl].verdict));
    }
}
