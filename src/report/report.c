/*
 * report.c - the text and CSV reports (see report.h; JSON is report_json.c).
 *
 * RTTs are kept in microseconds and printed in milliseconds. A hop that never answered prints
 * "???" (text), null (JSON) or an empty field (CSV). Extra responders of a hop (ECMP, route
 * changes) are listed under it, as mtr does. Verdicts and the onset are the target's
 * published diagnosis, the same the TUI and the event log show.
 */
#include "report.h"
#include "baseline.h"
#include "columns.h"
#include "names/isp.h"
#include "text/jsonw.h"
#include "version.h"

#include <inttypes.h>
#include <string.h>

static double ms(double us)
{
    return us / 1000.0;
}

struct name_info report_names_of(const struct run_info *run, const struct probe_addr *a)
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

    if (diagnose_summary(v->in, d, ev, sizeof(ev)))
        fprintf(out, "Onset: %s\n", ev);
    else
        fprintf(out, "Onset: none (no loss that carries on to the destination)\n");
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
    struct name_info ni = report_names_of(run, r ? &r->addr : NULL);
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

/* The ISP, and what STUN said when asked. */
static void text_isp(FILE *out, const struct run_info *run, const struct isp *isp)
{
    char name[200], addr[64];

    isp_name(isp, name, sizeof(name));
    if (name[0])
        fprintf(out, "ISP: %s (%s %s)\n", name,
                isp->from_stun ? "the AS of this host's public address"
                               : "the AS of first public hop",
                probe_addr_str(&isp->addr, addr, sizeof(addr)));
    if (run->stun_server && run->public_addr.family)
        fprintf(out, "STUN: %s says this host is %s\n", run->stun_server,
                probe_addr_str(&run->public_addr, addr, sizeof(addr)));
    else if (run->stun_server)
        fprintf(out, "STUN: %s\n", run->stun_error);
}

/* --pmtu: the search's result in words. */
static void text_pmtu(FILE *out, const struct target_view *v)
{
    char text[200];

    if (!v->has_pmtu)
        return;
    pmtu_describe(&v->pmtu, text, sizeof(text));
    fprintf(out, "Path MTU: %s\n", text);
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

/* One hop's line, its MPLS labels and its other responders, as mtr's report has them. */
static void text_hop(FILE *out, const struct run_info *run, const struct target_view *v,
                     const struct isp *isp, const char *order, const struct hop_stats *s,
                     uint64_t now)
{
    const struct hop_responder *main = hop_main_responder(s);
    struct name_info ni = report_names_of(run, main ? &main->addr : NULL);
    struct col_row row = {.h = s,
                          .diag = target_view_diag(v, s->ttl),
                          .names = &ni,
                          .now_us = now,
                          .pmtu = v->has_pmtu ? &v->pmtu : NULL,
                          .segment = isp_segment(run->names, isp, s)};
    char addr[256], cell[32];

    fprintf(out, "%3d.|-- %-32.32s", s->ttl, marked_host(run, s, addr, sizeof(addr)));
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
        const struct hop_responder *r = &s->responders[i];
        if (r != main)
            fprintf(out, "    |  `-- %-32.32s %" PRIu64 " replies\n",
                    host_of(run, r, addr, sizeof(addr)), r->received);
        if (r->nmpls) {
            probe_mpls_str(r->mpls, r->nmpls, addr, sizeof(addr));
            fprintf(out, "    |      [MPLS: %s]\n", addr);
        }
    }
}

void report_text(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hops_snapshot *snap = &v->snap;
    const char *order = run->order ? run->order : columns_default;
    char when[64];
    uint64_t now = run->now_us ? run->now_us : probe_now_us();
    struct isp isp;

    isp_find(run->names, &run->public_addr, snap, &isp);
    jsonw_iso_time(&run->started, when, sizeof(when));
    fprintf(out, "Start: %s\n", when);
    if (run->write_failure)
        fprintf(out, "Write failed: %s\n", run->write_failure);
    fprintf(out, "Target: %s (%s)  Mode: %s%s%s%s\n", run->target_name, run->target_addr,
            run->mode_name, run->mode_reason[0] ? " (" : "", run->mode_reason,
            run->mode_reason[0] ? ")" : "");
    text_isp(out, run, &isp);
    fprintf(out, "HOST: %-32.32s", run->local_host);
    for (const char *p = order; *p; p++) {
        const struct column *c = columns_find(*p);
        if (c)
            fprintf(out, "%*s", c->width, c->title);
        else
            fputc(' ', out);
    }
    fputc('\n', out);
    for (int t = snap->first_ttl; t <= snap->nhops; t++)
        text_hop(out, run, v, &isp, order, &snap->hops[t - 1], now);
    text_end(out, run, v);
    text_pmtu(out, v);
    text_diagnosis(out, v);
    text_by_mode(out, run);
    if (run->baseline)
        baseline_text(out, run->baseline);
    text_events(out, run);
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
    if (run->part == 0)
        fputs("version,started_at,mode,target,target_addr,hop,addr,host,asn,loss_pct,sent,received,"
              "last_ms,avg_ms,best_ms,worst_ms,stddev_ms,jitter_ms,verdict,unreachable,mpls\n",
              out);
    for (int t = snap->first_ttl; t <= snap->nhops; t++) {
        const struct hop_stats *s = &snap->hops[t - 1];
        const struct hop_responder *main = hop_main_responder(s);
        const struct rtt_stats *r = &s->rtt;
        const struct hop_diag *d = target_view_diag(v, t);
        struct name_info ni = report_names_of(run, main ? &main->addr : NULL);

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
        fprintf(out, ",%s,%s,", verdict_name(d ? d->verdict : VERDICT_UNKNOWN),
                s->unreach ? probe_unreach_name(s->unreach_code) : "");
        if (main && main->nmpls)
            probe_mpls_str(main->mpls, main->nmpls, addr, sizeof(addr));
        csv_field(out, main && main->nmpls ? addr : "");
        fputc('\n', out);
    }
}
