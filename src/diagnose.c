/*
 * diagnose.c - the loss classifier (see diagnose.h). Pure: integer counts in, verdicts out.
 *
 * Three steps, over hops in TTL order:
 *  1. excess: hop h's loss against the loss the path carries downstream, pooled over the later
 *     usable hops that are not significantly above the least of them. Significantly more
 *     (Newcombe interval above 0 and at least TAU) means the hop drops its own replies; such a
 *     hop is not informative about the path.
 *  2. onset: walk the informative hops only, from the source (loss 0); the first whose loss is
 *     significant and significantly above the previous informative hop's starts the loss.
 *     (Localising with a reply-losing hop blames the wrong segment.)
 *  3. verdicts.
 */
#include "diagnose.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void diag_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi)
{
    double p, d, c, h, nn = (double)n;

    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    p = (double)x / nn;
    d = 1.0 + z * z / nn;
    c = (p + z * z / (2.0 * nn)) / d;
    h = z * sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / d;
    /* Exact at the ends: rounding must not make "none lost" look like some. */
    *lo = x == 0 ? 0.0 : c - h > 0.0 ? c - h : 0.0;
    *hi = x == n ? 1.0 : c + h < 1.0 ? c + h : 1.0;
}

void diag_newcombe(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double z, double *lo,
                   double *hi)
{
    double l1, u1, l2, u2;
    double p1 = n1 ? (double)x1 / (double)n1 : 0.0, p2 = n2 ? (double)x2 / (double)n2 : 0.0;

    diag_wilson(x1, n1, z, &l1, &u1);
    diag_wilson(x2, n2, z, &l2, &u2);
    *lo = (p1 - p2) - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
    *hi = (p1 - p2) + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
}

double diag_z_for(int tests)
{
    /* The upper-tail quantile for p = DIAG_CLAIM_ALPHA / tests (Abramowitz and Stegun
     * 26.2.23, error below 4.5e-4): `tests` one-sided comparisons share the error rate. */
    double p = DIAG_CLAIM_ALPHA / (tests > 1 ? tests : 1), t = sqrt(-2.0 * log(p));
    return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                   (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}

/* Is hop a's loss significantly above hop b's (b < 0: the source, loss 0)? At the 99% level,
 * or at the path's claim level: Newcombe's interval from each hop's Wilson bounds, which
 * diagnose_path computed once per hop and level. */
static bool above_at(const struct path_diag *d, int a, int b, bool claim)
{
    const struct hop_diag *ha = &d->hop[a], *hb = b >= 0 ? &d->hop[b] : NULL;
    double la = claim ? ha->claim_lo : ha->ci_lo, lo = la, pb = hb ? hb->loss : 0.0;

    if (hb) {
        double ub = claim ? hb->claim_hi : hb->ci_hi;
        lo = (ha->loss - pb) - sqrt((ha->loss - la) * (ha->loss - la) + (ub - pb) * (ub - pb));
    }
    return lo > 0.0 && ha->loss - pb >= DIAG_TAU;
}

/* Is hop h's loss significantly above the loss the path carries downstream? The reference
 * pools the later usable hops whose loss is not significantly above the least one (ref): under
 * pure forwarding loss they all estimate the same rate, and the minimum of several noisy
 * rates alone is biased low - it called a forwarding hop reply-only now and then. Later hops
 * that lose their own replies stay out of the pool. */
static bool above_downstream(const struct diag_input *in, const struct path_diag *d, int n, int h,
                             int ref)
{
    uint64_t x = 0, m = 0;
    double lo, hi;

    for (int j = h + 1; j < n; j++) {
        if (d->hop[j].usable && !above_at(d, j, ref, false)) {
            x += in[j].lost;
            m += in[j].n;
        }
    }
    diag_newcombe(in[h].lost, in[h].n, x, m, d->claim_z, &lo, &hi);
    return lo > 0.0 && d->hop[h].loss - (double)x / (double)m >= DIAG_TAU;
}

/* The pooled loss of the informative usable hops in [from, to): lost x of m. */
static void pool(const struct diag_input *in, const struct path_diag *d, int from, int to,
                 uint64_t *x, uint64_t *m)
{
    *x = *m = 0;
    for (int j = from; j < to; j++) {
        if (d->hop[j].informative && d->hop[j].usable) {
            *x += in[j].lost;
            *m += in[j].n;
        }
    }
}

/* Does hop h lose significantly less than lost x of m? */
static bool below(const struct diag_input *in, int h, uint64_t x, uint64_t m)
{
    double lo, hi;

    diag_newcombe(x, m, in[h].lost, in[h].n, DIAG_Z, &lo, &hi);
    return lo > 0.0;
}

/* Can hop h be called ok? Only when the hops after it show no loss at all (the intermediate
 * ones pooled, at the 99% level; the destination, which `dest` is when given, alone: its own
 * loss must not hide in the pool), or h loses significantly less than they do: a hop that
 * merely failed to reach significance while the path after it loses might be where the loss
 * starts. */
static bool clearly_before_loss(const struct diag_input *in, const struct path_diag *d, int to,
                                int dest, int h)
{
    uint64_t x, m;
    double lo, hi;

    pool(in, d, h + 1, to, &x, &m);
    diag_wilson(x, m, DIAG_Z, &lo, &hi);
    if (m && lo > 0.0)
        return below(in, h, x, m);
    if (dest > h && d->hop[dest].significant)
        return below(in, h, in[dest].lost, in[dest].n);
    return true;
}

/* Step 1: the downstream reference and the excess of every hop. */
static void find_excess(const struct diag_input *in, int n, struct path_diag *d)
{
    for (int h = 0; h < n; h++) {
        struct hop_diag *hd = &d->hop[h];
        hd->ref = -1;
        for (int j = h + 1; j < n; j++)
            if (d->hop[j].usable && (hd->ref < 0 || d->hop[j].loss < d->hop[hd->ref].loss))
                hd->ref = j;
        hd->informative = hd->usable && !(hd->ref >= 0 && above_downstream(in, d, n, h, hd->ref));
    }
}

/* Step 2: the first informative hop whose loss rises significantly over the one before.
 * Against the source (no loss) at the 99% level; against an earlier hop it is one of the
 * path's comparisons, at the family-wise level (a forwarding hop that happened to lose
 * little must not push the onset one hop on). */
static void find_onset(int n, struct path_diag *d)
{
    int prev = -1;

    d->onset = d->onset_prev = -1;
    for (int h = 0; h < n; h++) {
        if (!d->hop[h].informative)
            continue;
        if (d->onset < 0 && d->hop[h].significant && above_at(d, h, prev, prev >= 0)) {
            double least = d->hop[h].loss;
            d->onset = h;
            d->onset_prev = prev;
            for (int j = h + 1; j < n; j++)
                if (d->hop[j].usable && d->hop[j].loss < least)
                    least = d->hop[j].loss;
            d->onset_loss = least;
        }
        prev = h;
    }
}

/* The loss the path carries into the destination h: pooled over the informative hops from
 * the onset on, or when it is not placed, over those that lose as much as the most lossy of
 * them (hops clearly before any loss stay out, and one that lost little by chance does not
 * make the path look cleaner than it is). */
static void path_into(const struct diag_input *in, const struct path_diag *d, int h, uint64_t *x,
                      uint64_t *m)
{
    int most = -1;

    if (d->onset >= 0 && d->onset < h) {
        pool(in, d, d->onset, h, x, m);
        return;
    }
    *x = *m = 0;
    for (int j = 0; j < h; j++)
        if (d->hop[j].informative && d->hop[j].usable &&
            (most < 0 || d->hop[j].loss > d->hop[most].loss))
            most = j;
    for (int j = 0; most >= 0 && j < h; j++) {
        if (d->hop[j].informative && d->hop[j].usable && !above_at(d, most, j, false)) {
            *x += in[j].lost;
            *m += in[j].n;
        }
    }
}

/* Is the destination h's loss above lost x of m, at the path's claim level? */
static bool dest_above(const struct path_diag *d, int h, uint64_t x, uint64_t m)
{
    const struct hop_diag *hd = &d->hop[h];
    double p2 = m ? (double)x / (double)m : 0.0, l2, u2, lo;

    diag_wilson(x, m, d->claim_z, &l2, &u2);
    lo = (hd->loss - p2) -
         sqrt((hd->loss - hd->claim_lo) * (hd->loss - hd->claim_lo) + (u2 - p2) * (u2 - p2));
    return lo > 0.0 && hd->loss - p2 >= DIAG_TAU;
}

/* The destination, h = the last hop. Its loss against the loss the path carries into it:
 * beyond that, the loss is its own or the last link's (the two look alike) - a claim that
 * the loss is not forwarding, so at the path's claim level. Short of that, forwarding when
 * loss started before it, else not decided. */
static enum verdict classify_destination(const struct diag_input *in, const struct path_diag *d,
                                         int h)
{
    const struct hop_diag *hd = &d->hop[h];
    uint64_t x, m;
    double lo, hi;
    int last = -1;

    path_into(in, d, h, &x, &m);
    if (!hd->significant) {
        if (d->onset >= 0 && d->onset < h && hd->usable)
            return VERDICT_FORWARDING;
        diag_wilson(x, m, DIAG_Z, &lo, &hi); /* loss before it, not placed yet: may share it */
        return m && lo > 0.0 ? VERDICT_UNKNOWN : VERDICT_OK;
    }
    /* Above the pool, and above the last hop before it alone: forwarding loss only grows
     * along the path, so a pool of earlier hops may carry less of it than the last one. */
    for (int j = 0; j < h; j++)
        if (d->hop[j].informative && d->hop[j].usable)
            last = j;
    if (dest_above(d, h, x, m) && (last < 0 || dest_above(d, h, in[last].lost, in[last].n)))
        return VERDICT_DESTINATION;
    return d->onset >= 0 && d->onset < h ? VERDICT_FORWARDING : VERDICT_UNKNOWN;
}

static enum verdict classify(const struct diag_input *in, int n, enum diag_end end,
                             struct path_diag *d, int h)
{
    const struct hop_diag *hd = &d->hop[h];

    if (in[h].n < DIAG_N_MIN)
        return VERDICT_UNKNOWN;
    if (end == DIAG_END_UNREACH && h == n - 1)
        return hd->usable && !hd->significant ? VERDICT_OK : VERDICT_UNKNOWN;
    if (end == DIAG_END_TARGET && h == n - 1)
        return classify_destination(in, d, h);
    if (hd->ref >= 0 && (in[h].lost == in[h].n || !hd->informative)) {
        for (int j = 0; j < h; j++)
            if (d->hop[j].informative && d->hop[j].significant)
                d->hop[h].upstream_path_loss = true;
        return above_downstream(in, d, n, h, hd->ref) ? VERDICT_REPLY_ONLY : VERDICT_UNKNOWN;
    }
    if (hd->ref < 0 || !hd->usable)
        return hd->significant ? VERDICT_UNKNOWN : (hd->usable ? VERDICT_OK : VERDICT_UNKNOWN);
    /* Forwarding loss carries on: from the onset on, every hop that loses no replies of its
     * own inherits it, even when its own count alone is not significant yet. */
    if (hd->significant || (d->onset >= 0 && h > d->onset))
        return VERDICT_FORWARDING;
    if (end == DIAG_END_TARGET)
        return clearly_before_loss(in, d, n - 1, n - 1, h) ? VERDICT_OK : VERDICT_UNKNOWN;
    return clearly_before_loss(in, d, n, -1, h) ? VERDICT_OK : VERDICT_UNKNOWN;
}

void diagnose_path(const struct diag_input *in, int n, enum diag_end end, struct path_diag *out)
{
    int usable = 0, looks = 1;
    uint64_t most = 0;

    if (n > DIAG_MAX_HOPS)
        n = DIAG_MAX_HOPS;
    out->n = n;
    out->onset = out->onset_prev = -1;
    out->onset_loss = 0.0;
    memset(out->hop, 0, (size_t)n * sizeof(out->hop[0])); /* only the hops it covers */
    for (int h = 0; h < n; h++) {
        struct hop_diag *hd = &out->hop[h];
        hd->loss = in[h].n ? (double)in[h].lost / (double)in[h].n : 0.0;
        diag_wilson(in[h].lost, in[h].n, DIAG_Z, &hd->ci_lo, &hd->ci_hi);
        hd->usable = in[h].n >= DIAG_N_MIN && in[h].lost < in[h].n;
        hd->significant = hd->usable && hd->ci_lo >= DIAG_TAU;
    }
    for (int h = 0; h < n; h++) {
        usable += out->hop[h].usable;
        most = in[h].n > most ? in[h].n : most;
    }
    /* The path is judged again every round: its claims share the error rate over time too.
     * Figures that double are close to a fresh look, so each doubling of the probes since
     * DIAG_N_MIN counts as one more test (a union bound over dyadic epochs). */
    for (uint64_t k = DIAG_N_MIN; k * 2 <= most && looks < 40; k *= 2)
        looks++;
    out->claim_z = diag_z_for(usable * looks);
    for (int h = 0; h < n; h++)
        diag_wilson(in[h].lost, in[h].n, out->claim_z, &out->hop[h].claim_lo,
                    &out->hop[h].claim_hi);
    find_excess(in, n, out);
    if (end == DIAG_END_UNREACH && n > 0)
        out->hop[n - 1].informative = false; /* its losses are its error rate limit */
    find_onset(n, out);
    for (int h = 0; h < n; h++)
        out->hop[h].verdict = classify(in, n, end, out, h);
}

int diagnose_first_forwarding(const struct diag_input *in, const struct path_diag *d)
{
    for (int i = 0; i < d->n; i++)
        if (d->hop[i].verdict == VERDICT_FORWARDING)
            return in[i].ttl;
    return 0;
}

const char *verdict_name(enum verdict v)
{
    static const char *const names[] = {
        [VERDICT_UNKNOWN] = "unknown",         [VERDICT_OK] = "ok",
        [VERDICT_REPLY_ONLY] = "reply-only",   [VERDICT_FORWARDING] = "forwarding",
        [VERDICT_DESTINATION] = "destination",
    };
    return v <= VERDICT_DESTINATION ? names[v] : "?";
}

void diagnose_evidence(const struct diag_input *in, const struct path_diag *d, int i, char *buf,
                       size_t len)
{
    const struct hop_diag *h = &d->hop[i];
    double pct = 100.0 * h->loss;

    switch (h->verdict) {
    case VERDICT_UNKNOWN:
        if (in[i].n < DIAG_N_MIN)
            snprintf(buf, len, "hop %d: %llu of %llu probes lost; %d completed probes needed",
                     in[i].ttl, (unsigned long long)in[i].lost, (unsigned long long)in[i].n,
                     DIAG_N_MIN);
        else
            snprintf(buf, len,
                     "hop %d lost %.1f%% (99%% interval %.1f-%.1f%%); no answering hop "
                     "after it to compare with",
                     in[i].ttl, pct, 100 * h->ci_lo, 100 * h->ci_hi);
        break;
    case VERDICT_OK:
        snprintf(buf, len,
                 "hop %d lost %.1f%% of %llu (99%% interval up to %.1f%%): no loss "
                 "beyond noise",
                 in[i].ttl, pct, (unsigned long long)in[i].n, 100 * h->ci_hi);
        break;
    case VERDICT_REPLY_ONLY: {
        char rounds[128] = "";
        if (h->rounds_lost)
            snprintf(rounds, sizeof(rounds),
                     "; in %u of its %u recent lost rounds the destination answered",
                     h->rounds_lost_dest_ok, h->rounds_lost);
        snprintf(buf, len,
                 "hop %d lost %.1f%% of its replies while hop %d lost %.1f%% of the same "
                 "rounds: reply-only (it rate-limits or deprioritizes its own ICMP)%s%s",
                 in[i].ttl, pct, in[h->ref].ttl, 100 * d->hop[h->ref].loss, rounds,
                 h->upstream_path_loss ? "; real loss starts before it" : "");
        break;
    }
    case VERDICT_FORWARDING:
        snprintf(buf, len,
                 "hop %d lost %.1f%% (99%% interval %.1f-%.1f%%) and the loss carries on "
                 "to the destination; it starts at hop %d",
                 in[i].ttl, pct, 100 * h->ci_lo, 100 * h->ci_hi,
                 d->onset >= 0 ? in[d->onset].ttl : in[i].ttl);
        break;
    case VERDICT_DESTINATION:
        snprintf(buf, len,
                 "only the destination loses: %.1f%% (99%% interval %.1f-%.1f%%) while "
                 "the hops before it do not; its own ICMP policy or the last mile",
                 pct, 100 * h->ci_lo, 100 * h->ci_hi);
        break;
    }
}
