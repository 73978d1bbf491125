/*
 * baseline.c - a run compared with a good day (see baseline.h): the summaries, the per-hop
 * changes and their tests, and where a rise in loss starts. What it says is baseline_say.c's.
 */
#include "baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median RTT of the answered probes among the hop's last HOPS_RING, -1 none. */
static double ring_median(const struct hop_stats *s)
{
    double v[HOPS_RING];
    int n = 0;

    for (int i = 0; s->ring && i < s->nsamples && i < HOPS_RING; i++)
        if (s->ring[i].rtt)
            v[n++] = hop_sample_rtt_us(&s->ring[i]);
    if (!n)
        return -1;
    qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void baseline_summary(const struct target_view *v, struct baseline_run *out)
{
    const struct hops_snapshot *sn = &v->snap;

    memset(out, 0, sizeof(*out));
    out->mode = v->mode;
    out->dest_ttl = sn->dest_ttl;
    for (int t = sn->first_ttl; t <= sn->nhops && out->nhops < BASELINE_MAX_HOPS; t++) {
        const struct hop_stats *s = &sn->hops[t - 1];
        const struct hop_responder *main = hop_main_responder(s);
        struct baseline_hop *h = &out->hop[out->nhops++];
        h->ttl = t;
        h->done = s->received + s->lost;
        h->lost = s->lost;
        h->best_us = s->rtt.n ? (double)s->rtt.best_us : -1.0;
        h->median_us = ring_median(s);
        if (main)
            h->resp[h->nresp++] = main->addr;
        for (int i = 0; i < s->nresponders && h->nresp < HOPS_MAX_RESPONDERS; i++)
            if (&s->responders[i] != main)
                h->resp[h->nresp++] = s->responders[i].addr;
    }
}

static double lchoose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

double baseline_fisher(uint64_t a, uint64_t n0, uint64_t b, uint64_t n1)
{
    double k = (double)(a + b), n = (double)(n0 + n1), base, p = 0, observed;
    uint64_t lo = a + b > n1 ? a + b - n1 : 0, hi = a + b < n0 ? a + b : n0;

    if (!n0 || !n1)
        return 1;
    base = lchoose(n, k);
    observed = lchoose((double)n0, (double)a) + lchoose((double)n1, k - (double)a) - base;
    for (uint64_t x = lo; x <= hi; x++) {
        double lp = lchoose((double)n0, (double)x) + lchoose((double)n1, k - (double)x) - base;
        if (lp <= observed + 1e-7)
            p += exp(lp);
    }
    return p > 1 ? 1 : p;
}

static const struct baseline_hop *hop_at(const struct baseline_run *r, int ttl)
{
    for (int i = 0; i < r->nhops; i++)
        if (r->hop[i].ttl == ttl)
            return &r->hop[i];
    return NULL;
}

static bool has_addr(const struct baseline_hop *h, const struct probe_addr *a)
{
    for (int i = 0; h && i < h->nresp; i++)
        if (probe_addr_equal(&h->resp[i], a))
            return true;
    return false;
}

static void responders(const struct baseline_hop *b, const struct baseline_hop *n,
                       struct baseline_row *row)
{
    for (int i = 0; n && i < n->nresp; i++)
        if (b && !has_addr(b, &n->resp[i]))
            row->added[row->nnew++] = n->resp[i];
    for (int i = 0; b && i < b->nresp; i++)
        if (n && n->nresp && !has_addr(n, &b->resp[i]))
            row->missing[row->nmissing++] = b->resp[i];
    row->main_changed =
        b && n && b->nresp && n->nresp && !probe_addr_equal(&b->resp[0], &n->resp[0]);
}

static double delta(double now, double base)
{
    return now >= 0 && base >= 0 ? now - base : NAN;
}

static void compare_hop(const struct baseline_hop *b, const struct baseline_hop *n,
                        struct baseline_row *row)
{
    row->n0 = b ? b->done : 0;
    row->n1 = n ? n->done : 0;
    row->loss0 = row->n0 ? 100.0 * (double)b->lost / (double)row->n0 : 0;
    row->loss1 = row->n1 ? 100.0 * (double)n->lost / (double)row->n1 : 0;
    row->d_best_us = row->d_median_us = NAN;
    if (!row->n0 || !row->n1) {
        row->change = BASELINE_NO_DATA;
        row->p = 1;
    } else {
        row->p = baseline_fisher(b->lost, b->done, n->lost, n->done);
        row->change = row->p >= BASELINE_ALPHA  ? BASELINE_SAME
                      : row->loss1 > row->loss0 ? BASELINE_ROSE
                                                : BASELINE_FELL;
        row->d_best_us = delta(n->best_us, b->best_us);
        row->d_median_us = delta(n->median_us, b->median_us);
    }
    responders(b, n, row);
}

/* The loss at row j now is clearly below row k's: the rise at k does not carry past j. */
static bool stops_at(const struct baseline_cmp *c, const struct baseline_run *now, int k, int j)
{
    const struct baseline_hop *hk = hop_at(now, c->row[k].ttl), *hj = hop_at(now, c->row[j].ttl);

    if (!hk || !hj || !hj->done || c->row[j].change == BASELINE_ROSE)
        return false;
    return c->row[j].loss1 < c->row[k].loss1 &&
           baseline_fisher(hk->lost, hk->done, hj->lost, hj->done) < BASELINE_ALPHA;
}

/* Fisher's exact test, one-sided: the chance of b or more lost now of n1 given the margins
 * (a rise). */
static double fisher_rise(uint64_t a, uint64_t n0, uint64_t b, uint64_t n1)
{
    double k = (double)(a + b), n = (double)(n0 + n1), base, p = 0;
    uint64_t lo = a + b > n1 ? a + b - n1 : 0;

    if (!n0 || !n1)
        return 1;
    base = lchoose(n, k);
    for (uint64_t x = lo; x <= a; x++) /* x lost then: b or more now */
        p += exp(lchoose((double)n0, (double)x) + lchoose((double)n1, k - (double)x) - base);
    return p > 1 ? 1 : p;
}

/* The rise at row k carries to the last row: no later hop is clearly below it now, and the
 * last itself rose (confirmed at the looser BASELINE_CONFIRM, the claim being k's). */
static bool carries(const struct baseline_cmp *c, const struct baseline_run *base,
                    const struct baseline_run *now, int k, int last)
{
    const struct baseline_hop *b = hop_at(base, c->row[last].ttl),
                              *n = hop_at(now, c->row[last].ttl);

    for (int j = k + 1; j <= last; j++)
        if (stops_at(c, now, k, j))
            return false;
    return k == last ||
           (b && n && fisher_rise(b->lost, b->done, n->lost, n->done) < BASELINE_CONFIRM);
}

/* Where a rise that reaches the destination starts: the first hop that rose whose loss every
 * later hop keeps, up to the last hop with data (the destination), which rose too. */
static void place_rise(struct baseline_cmp *c, const struct baseline_run *base,
                       const struct baseline_run *now)
{
    int last = -1, start = -1;

    for (int i = 0; i < c->nrows; i++)
        if (c->row[i].change != BASELINE_NO_DATA)
            last = i;
    for (int k = 0; k <= last && start < 0; k++)
        if (c->row[k].change == BASELINE_ROSE && carries(c, base, now, k, last))
            start = k;
    c->rise_ttl = start >= 0 ? c->row[start].ttl : 0;
    for (int i = 0; i < c->nrows; i++) {
        c->row[i].carried = start >= 0 && i > start && c->row[i].change != BASELINE_NO_DATA &&
                            c->row[i].loss1 > c->row[i].loss0;
        c->row[i].icmp_only = c->row[i].change == BASELINE_ROSE && (start < 0 || i < start);
    }
}

void baseline_compare(const struct baseline_run *base, const struct baseline_run *now,
                      const char *path, struct baseline_cmp *out)
{
    int first = BASELINE_MAX_HOPS + 1, last = 0;

    memset(out, 0, sizeof(*out));
    snprintf(out->path, sizeof(out->path), "%s", path ? path : "");
    out->started = base->started;
    out->ended = base->ended;
    out->mode0 = base->mode;
    out->mode1 = now->mode;
    out->mode_differs = base->mode != now->mode;
    out->dest_ttl0 = base->dest_ttl;
    out->dest_ttl1 = now->dest_ttl;
    for (const struct baseline_run *r = base;; r = now) {
        if (r->nhops && r->hop[0].ttl < first)
            first = r->hop[0].ttl;
        if (r->nhops && r->hop[r->nhops - 1].ttl > last)
            last = r->hop[r->nhops - 1].ttl;
        if (r == now)
            break;
    }
    for (int t = first; t <= last && out->nrows < BASELINE_MAX_HOPS; t++) {
        struct baseline_row *row = &out->row[out->nrows++];
        row->ttl = t;
        compare_hop(hop_at(base, t), hop_at(now, t), row);
        out->path_differs |= row->main_changed;
    }
    out->path_differs |= base->dest_ttl && now->dest_ttl && base->dest_ttl != now->dest_ttl;
    place_rise(out, base, now);
}

const struct baseline_row *baseline_row_of(const struct baseline_cmp *c, int ttl)
{
    for (int i = 0; c && i < c->nrows; i++)
        if (c->row[i].ttl == ttl)
            return &c->row[i];
    return NULL;
}
