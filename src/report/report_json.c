/*
 * report_json.c - the JSON report (see report.h): one object with the run, the hops of the
 * mode probed, the onset, every mode of a rotation and the events. RTTs in milliseconds, null
 * where a value does not exist yet.
 */
#include "report.h"
#include "baseline.h"
#include "names/isp.h"
#include "text/jsonw.h"
#include "version.h"

#include <string.h>

static void json_ms(struct jsonw *w, const char *key, double us, bool valid)
{
    jsonw_key(w, key);
    if (valid)
        jsonw_fixed(w, us / 1000.0, 3);
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
    struct name_info ni = report_names_of(run, a);

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

void report_json_mpls(struct jsonw *w, const struct probe_mpls *m, int n)
{
    jsonw_key(w, "mpls");
    jsonw_array(w);
    for (int i = 0; i < n && i < PROBE_MPLS_MAX; i++) {
        jsonw_object(w);
        jsonw_kuint(w, "label", m[i].label);
        jsonw_kuint(w, "tc", m[i].tc);
        jsonw_kuint(w, "s", m[i].s);
        jsonw_kuint(w, "ttl", m[i].ttl);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

/* A responder's label stack, outermost first ([] without one). */
static void json_mpls(struct jsonw *w, const struct hop_responder *r)
{
    report_json_mpls(w, r ? r->mpls : NULL, r ? r->nmpls : 0);
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
        json_ms(w, "avg_ms", p->rtt.mean_us, p->received > 0);
        jsonw_kint_or_null(w, "reply_ttl", p->reply_ttl, p->reply_ttl >= 0);
        jsonw_kint_or_null(w, "return_hops", hop_return_hops(p->reply_ttl),
                           hop_return_hops(p->reply_ttl) >= 0);
        jsonw_key(w, "is_target");
        jsonw_bool(w, p->is_dest);
        json_mpls(w, p);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

/* The way back from the main responder, and whether it is longer than the way there. */
static void json_return(struct jsonw *w, const struct hop_stats *s, const struct hop_responder *r)
{
    int back = r ? hop_return_hops(r->reply_ttl) : -1;
    jsonw_kint_or_null(w, "return_hops", back, back >= 0);
    jsonw_key(w, "asymmetric");
    jsonw_bool(w, hop_asymmetric(s));
}

static void json_hop(struct jsonw *w, const struct run_info *run, const struct target_view *v,
                     const struct hop_stats *s, uint64_t now, const struct isp *isp)
{
    const char *segment = segment_name(isp_segment(run->names, isp, s));
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
    jsonw_kstring(w, "segment", segment[0] ? segment : NULL);
    json_mpls(w, main);
    json_return(w, s, main);
    jsonw_kint_or_null(w, "mtu", v->has_pmtu ? pmtu_mtu_at(&v->pmtu, s->ttl) : 0, v->has_pmtu);
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
    jsonw_kstring(w, "waits",
                  vd && d->verdict == VERDICT_UNKNOWN ? diag_wait_name(d->waits) : NULL);
    jsonw_kint_or_null(w, "rounds_to_decide", vd ? (int)d->need : 0,
                       vd && d->verdict == VERDICT_UNKNOWN && d->need > 0);
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

/* The hops of another view (a mode of --modes, a flow of --flows), in brief: main responder,
 * counts, loss, mean RTT, verdict. */
static void json_brief_hops(struct jsonw *w, const struct target_view *v)
{
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
        jsonw_kuint(w, "lost", h->lost);
        jsonw_kfixed(w, "loss_pct", hop_loss_pct(h), 2);
        json_ms(w, "avg_ms", h->rtt.mean_us, h->rtt.n > 0);
        jsonw_kstring(w, "verdict", verdict_name(d ? d->verdict : VERDICT_UNKNOWN));
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
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
        json_brief_hops(w, v);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

void report_json_packets(struct jsonw *w, const struct run_info *run)
{
    jsonw_key(w, "packets");
    jsonw_object(w);
    jsonw_kuint(w, "malformed", run->counters.malformed);
    jsonw_kuint(w, "foreign", run->counters.foreign);
    jsonw_kuint(w, "unmatched", run->unmatched);
    jsonw_kuint(w, "send_errors", run->counters.send_errors);
    jsonw_kuint(w, "send_retries", run->counters.send_retries);
    jsonw_kuint(w, "rx_dropped", run->counters.rx_dropped);
    jsonw_kuint(w, "short_quotes", run->counters.short_quotes);
    jsonw_end_object(w);
}

static void json_counters(struct jsonw *w, const struct run_info *run)
{
    report_json_packets(w, run);
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

/* Loss that is not placed yet: the hops it starts between, as far as they are known. */
static void json_onset_range(struct jsonw *w, const struct target_view *v)
{
    const struct path_diag *d = &v->diag;
    int upto = d->first_loss >= 0 ? v->in[d->first_loss].ttl : diagnose_first_forwarding(v->in, d);

    jsonw_key(w, "onset_range");
    if (!upto) {
        jsonw_null(w);
        return;
    }
    jsonw_object(w);
    jsonw_kint(w, "after_hop", d->after >= 0 ? v->in[d->after].ttl : 0);
    jsonw_kint(w, "at_or_before_hop", upto);
    jsonw_end_object(w);
}

static void json_onset(struct jsonw *w, const struct target_view *v)
{
    const struct path_diag *d = &v->diag;

    jsonw_key(w, "onset");
    if (d->onset < 0 || d->n == 0) {
        jsonw_null(w);
        json_onset_range(w, v);
        return;
    }
    jsonw_object(w);
    jsonw_kint(w, "hop", v->in[d->onset].ttl);
    jsonw_kint(w, "after_hop", d->onset_prev >= 0 ? v->in[d->onset_prev].ttl : 0);
    jsonw_kfixed(w, "loss_pct", 100.0 * d->onset_loss, 2);
    jsonw_end_object(w);
    jsonw_key(w, "onset_range");
    jsonw_null(w);
}

/* The ISP (null until an AS is known) and STUN's answer (null when not asked). */
static void json_isp(struct jsonw *w, const struct run_info *run, const struct isp *isp)
{
    jsonw_key(w, "isp");
    if (isp->asn) {
        jsonw_object(w);
        jsonw_kint(w, "asn", isp->asn);
        jsonw_kstring(w, "as_name", isp->as_name[0] ? isp->as_name : NULL);
        jsonw_kstring(w, "from", isp->from_stun ? "stun" : "first-public-hop");
        json_addr(w, "addr", &isp->addr);
        jsonw_end_object(w);
    } else {
        jsonw_null(w);
    }
    jsonw_key(w, "stun");
    if (run->stun_server) {
        jsonw_object(w);
        jsonw_kstring(w, "server", run->stun_server);
        json_addr(w, "public_addr", run->public_addr.family ? &run->public_addr : NULL);
        jsonw_kstring(w, "error", run->stun_error[0] ? run->stun_error : NULL);
        jsonw_end_object(w);
    } else {
        jsonw_null(w);
    }
}

/* --pmtu: the search (null without it). */
static void json_pmtu(struct jsonw *w, const struct target_view *v)
{
    const struct pmtu_result *res = &v->pmtu;
    char text[200];

    jsonw_key(w, "pmtu");
    if (!v->has_pmtu) {
        jsonw_null(w);
        return;
    }
    jsonw_object(w);
    jsonw_kint_or_null(w, "path_mtu", res->path_mtu, res->path_mtu > 0);
    jsonw_kint(w, "first_mtu", res->first_mtu);
    jsonw_kuint(w, "sizing_rounds", res->rounds);
    jsonw_key(w, "drops");
    jsonw_array(w);
    for (int i = 0; i < res->ndrops; i++) {
        jsonw_object(w);
        jsonw_kint(w, "hop", res->drops[i].ttl);
        jsonw_kint(w, "mtu", res->drops[i].mtu);
        json_addr(w, "from", &res->drops[i].from);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    jsonw_key(w, "black_hole");
    if (res->hole_ttl) {
        jsonw_object(w);
        jsonw_kint(w, "hop", res->hole_ttl);
        jsonw_kint(w, "largest_passing", res->hole_good);
        jsonw_kint(w, "smallest_lost", res->hole_bad);
        jsonw_key(w, "found");
        jsonw_bool(w, res->hole_done);
        jsonw_end_object(w);
    } else {
        jsonw_null(w);
    }
    pmtu_describe(res, text, sizeof(text));
    jsonw_kstring(w, "text", text);
    jsonw_end_object(w);
}

/* --flows: each flow's hops (main responder, counts, loss, RTT, verdict) and onset; null
 * without flows. */
static void json_flows(struct jsonw *w, const struct run_info *run)
{
    jsonw_key(w, "flows");
    if (!run->nflows) {
        jsonw_null(w);
        return;
    }
    jsonw_array(w);
    for (int f = 0; f < run->nflows; f++) {
        const struct target_view *v = &run->flows[f];
        jsonw_object(w);
        jsonw_kint(w, "flow", v->flow);
        json_brief_hops(w, v);
        json_onset(w, v);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

void report_json(FILE *out, const struct run_info *run, const struct target_view *v)
{
    const struct hops_snapshot *snap = &v->snap;
    uint64_t now = run->now_us ? run->now_us : probe_now_us();
    struct jsonw w;
    struct isp isp;

    isp_find(run->names, &run->public_addr, snap, &isp);
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
    jsonw_kstring(&w, "write_failure", run->write_failure);
    jsonw_kuint(&w, "rounds", v->rounds);
    jsonw_kint_or_null(&w, "dest_ttl", snap->dest_ttl, snap->dest_ttl > 0 && !v->end_unreach);
    json_end(&w, v);
    json_pmtu(&w, v);
    json_isp(&w, run, &isp);
    json_counters(&w, run);
    jsonw_key(&w, "hops");
    jsonw_array(&w);
    for (int t = snap->first_ttl; t <= snap->nhops; t++)
        json_hop(&w, run, v, &snap->hops[t - 1], now, &isp);
    jsonw_end_array(&w);
    json_onset(&w, v);
    json_by_mode(&w, run);
    json_flows(&w, run);
    if (run->baseline) {
        jsonw_key(&w, "baseline");
        baseline_json(&w, run->baseline);
    }
    jsonw_key(&w, "events");
    jsonw_array(&w);
    for (int i = 0; i < run->nevents; i++)
        events_json(&w, &run->events[i]);
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    fputc('\n', out);
}
