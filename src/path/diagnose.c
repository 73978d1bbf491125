/*
 * diagnose.c - the loss classifier (see diagnose.h). Pure: counts and the sequential tests'
 * e-values in, verdicts out.
 *
 * Four steps, over hops in TTL order:
 *  1. claims per hop: reply-only (above the hops after it at the claim level), suspected of
 *     it (half way there: such a hop stays out of every reference and cannot be the onset),
 *     lossy, clean, where loss may start, the destination's own loss;
 *  2. the onset: the first informative hop where loss may start whose informative
 *     predecessor is claimed clean (or is the source), or a destination with loss of its
 *     own. Forwarding loss only grows along the path, so a clean hop vouches for every hop
 *     before it;
 *  3. when it is not placed: the range it lies in (after the last clean hop, at or before the
 *     first lossy one);
 *  4. verdicts, and what an unknown one waits for.
 */
#include "diagnose.h"

#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#define MAX(a, b) ((a) > (b) ? (a) : (b))

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

/* Hop h's tests (none: no evidence either way). */
static const struct diag_tests *tests_of(const struct diag_input *in, int h)
{
    static const struct diag_tests none = {
        .below_need = -1, .clean_need = -1, .lossy_need = -1, .above_need = -1};

    return in[h].t ? in[h].t : &none;
}

/* The hops after i that a hop can be held against: usable and informative. */
static bool reference(const struct path_diag *d, int j)
{
    return d->hop[j].usable && d->hop[j].informative;
}

/* Step 1. The destination (dest >= 0) and an unreachable end (unreach >= 0) are judged
 * against nothing after them; an unreachable end's losses are its error rate limit. */
static void claims(const struct diag_input *in, int n, int dest, int unreach, bool open,
                   struct path_diag *d)
{
    double claim = d->claim_log;

    for (int h = n - 1; h >= 0; h--) {
        struct hop_diag *hd = &d->hop[h];
        const struct diag_tests *t = tests_of(in, h);
        uint64_t x = 0, m = 0;
        for (int j = h + 1; j < n; j++) {
            if (reference(d, j) && j != unreach) {
                x += in[j].lost;
                m += in[j].n;
            }
        }
        hd->down_loss = m ? (double)x / (double)m : -1.0;
        hd->significant = hd->usable && t->lossy >= (t->was_lossy ? 0.0 : claim);
        /* Suspected of losing its own replies: half way to a claim, and an excess that
         * matters (a forwarding hop's test drifts up now and then on noise alone). */
        hd->informative = hd->usable && h != unreach &&
                          !(h != dest && m &&
                            t->above >= (t->was_suspect      ? 0.0
                                         : t->was_forwarding ? claim
                                                             : claim / 2) &&
                            hd->loss - hd->down_loss >= DIAG_TAU);
        hd->clean = hd->usable && (t->clean >= (t->was_clean ? 0.0 : claim) ||
                                   (m && h != dest && t->below >= (t->was_clean ? 0.0 : claim)));
        /* It may be where loss starts: its own loss claimed; or the hops from it on lose,
         * its own rounds lean lossy (a clean hop's test falls below 0 within its first
         * round) and it looks no cleaner than they do. Where the onset was, it stays until
         * the hop is claimed clean or the loss from it on fades, so the onset does not come
         * and go with each probe. */
        hd->starts = hd->significant ||
                     (hd->usable && t->lossy_from >= (t->was_onset ? -DIAG_HINT_LOG : claim) &&
                      (t->was_onset || t->lossy >= 0.0) &&
                      MAX(t->below, t->clean) < (t->was_onset ? claim : DIAG_HINT_LOG));
        if (open && h == n - 1)
            hd->starts = false; /* nothing after it tells its loss from its replies' */
        /* One destination: its claim is not shared with the other hops. */
        hd->own = h == dest && hd->significant && t->above >= (t->was_own ? 0.0 : d->dest_log) &&
                  t->above_last >= (t->was_own ? 0.0 : d->dest_log);
    }
}

/* Step 2. */
static void find_onset(const struct diag_input *in, int n, struct path_diag *d)
{
    int prev = -1;

    d->onset = d->onset_prev = -1;
    for (int h = 0; h < n; h++) {
        if (!d->hop[h].informative)
            continue;
        /* A destination whose own loss is claimed is above the last hop before it: the
         * loss starts there whatever that hop's own count can prove yet. */
        if ((d->hop[h].starts && (prev < 0 || d->hop[prev].clean)) || d->hop[h].own) {
            double least = d->hop[h].loss;
            d->onset = h;
            d->onset_prev = prev;
            for (int j = h + 1; j < n; j++)
                if (reference(d, j) && d->hop[j].loss < least)
                    least = d->hop[j].loss;
            d->onset_loss = least;
            return;
        }
        prev = h;
    }
    (void)in;
}

/* Step 3: the range, from the claims alone. */
static void find_range(int n, struct path_diag *d)
{
    d->after = d->first_loss = -1;
    for (int h = 0; h < n; h++) {
        if (!d->hop[h].informative)
            continue;
        if (d->hop[h].significant) {
            d->first_loss = h;
            return;
        }
        if (d->hop[h].clean)
            d->after = h;
    }
}

/* A hop with nothing said of it yet: what it waits for, and for about how long. */
static enum verdict wait_for(struct hop_diag *hd, enum diag_wait w, long need)
{
    hd->waits = w;
    hd->need = need;
    return VERDICT_UNKNOWN;
}

/* Does hop h show loss that is not claimed yet (its 99% interval above the lossy threshold,
 * or its test leaning lossy; once shown, until it leans clearly clean)? An ok beside it
 * would understate it. */
static bool visible(const struct diag_input *in, const struct path_diag *d, int h)
{
    return d->hop[h].ci_lo > DIAG_TAU_LOSSY ||
           tests_of(in, h)->lossy > (tests_of(in, h)->was_visible ? -DIAG_HINT_LOG : 0.0);
}

/* Loss on the path, suspected at the hint level (kept while that hop's test leans lossy, so
 * hop h does not come and go with each probe): after h (1), it may start at h; before h
 * (-1), it may reach h; 0 none. A hop before h counts by its own loss alone: its pool from it
 * on holds h too. */
static int suspected(const struct diag_input *in, const struct path_diag *d, int h)
{
    double level = tests_of(in, h)->was_waiting ? 0.0 : DIAG_HINT_LOG;

    for (int j = 0; j < d->n; j++) {
        double lean = j > h ? MAX(tests_of(in, j)->lossy, tests_of(in, j)->lossy_from)
                            : tests_of(in, j)->lossy;
        if (j != h && reference(d, j) && (d->hop[j].significant || lean >= level))
            return j > h ? 1 : -1;
    }
    return 0;
}

/* An intermediate hop. */
static enum verdict classify_hop(const struct diag_input *in, struct path_diag *d, int h,
                                 bool has_down)
{
    struct hop_diag *hd = &d->hop[h];
    const struct diag_tests *t = tests_of(in, h);

    if (has_down && t->above >= (t->was_reply ? 0.0 : d->claim_log)) {
        for (int j = 0; j < h; j++)
            if (d->hop[j].informative && d->hop[j].significant)
                hd->upstream_path_loss = true;
        return VERDICT_REPLY_ONLY;
    }
    if (!hd->informative)
        return wait_for(hd, DIAG_WAIT_EXCESS, t->above_need);
    if (d->onset >= 0)
        return h < d->onset ? VERDICT_OK : VERDICT_FORWARDING;
    if (hd->significant)
        return has_down ? VERDICT_FORWARDING : wait_for(hd, DIAG_WAIT_COMPARE, -1);
    if (hd->clean)
        return VERDICT_OK;
    switch (suspected(in, d, h)) {
    case 1:
        return wait_for(hd, DIAG_WAIT_START, t->below_need >= 0 ? t->below_need : t->clean_need);
    case -1:
        return wait_for(hd, DIAG_WAIT_PLACE, -1);
    }
    if (visible(in, d, h))
        return wait_for(hd, DIAG_WAIT_LOSS, t->lossy_need);
    return VERDICT_OK;
}

/* The destination h: its own loss (beyond the path's into it and the last hop's) is a claim
 * of its own; short of it, it shares the path's loss when that starts before it. */
static enum verdict classify_destination(const struct diag_input *in, struct path_diag *d, int h)
{
    struct hop_diag *hd = &d->hop[h];
    const struct diag_tests *t = tests_of(in, h);

    if (hd->own)
        return VERDICT_DESTINATION;
    if (d->onset >= 0 && d->onset < h)
        return VERDICT_FORWARDING;
    if (d->first_loss >= 0 && d->first_loss < h)
        return VERDICT_FORWARDING; /* loss reaches it, start not placed yet */
    if (hd->significant || d->onset == h || visible(in, d, h))
        return wait_for(hd, DIAG_WAIT_DEST,
                        t->above_need > t->lossy_need ? t->above_need : t->lossy_need);
    if (suspected(in, d, h))
        return wait_for(hd, DIAG_WAIT_PLACE, -1);
    return VERDICT_OK;
}

static enum verdict classify(const struct diag_input *in, int n, enum diag_end end,
                             struct path_diag *d, int h)
{
    struct hop_diag *hd = &d->hop[h];
    bool has_down = false;

    if (in[h].n < DIAG_N_MIN)
        return wait_for(hd, DIAG_WAIT_PROBES, (long)(DIAG_N_MIN - in[h].n));
    if (end != DIAG_END_OPEN && h == n - 1 && !hd->usable)
        return wait_for(hd, DIAG_WAIT_SILENT, -1);
    if (end == DIAG_END_UNREACH && h == n - 1)
        return hd->significant ? VERDICT_UNKNOWN : VERDICT_OK;
    if (end == DIAG_END_TARGET && h == n - 1)
        return classify_destination(in, d, h);
    for (int j = h + 1; j < n; j++)
        has_down |= reference(d, j) && !(end == DIAG_END_UNREACH && j == n - 1);
    if (!hd->usable) /* silent: a router that sends no ICMP at all, if the path after it answers */
        return has_down &&
                       tests_of(in, h)->above >= (tests_of(in, h)->was_reply ? 0.0 : d->claim_log)
                   ? VERDICT_REPLY_ONLY
                   : wait_for(hd, DIAG_WAIT_SILENT, -1);
    return classify_hop(in, d, h, has_down);
}

void diagnose_copy(struct path_diag *dst, const struct path_diag *src)
{
    int n = src->n < 0 ? 0 : src->n > DIAG_MAX_HOPS ? DIAG_MAX_HOPS : src->n;
    size_t head = offsetof(struct path_diag, hop), tail = head + sizeof(src->hop);

    memcpy(dst, src, head); /* every field before the hops, and after them */
    memcpy(dst->hop, src->hop, (size_t)n * sizeof(src->hop[0]));
    memcpy((char *)dst + tail, (const char *)src + tail, sizeof(*src) - tail);
}

void diagnose_path(const struct diag_input *in, int n, enum diag_end end, struct path_diag *out)
{
    int usable = 0;

    if (n > DIAG_MAX_HOPS)
        n = DIAG_MAX_HOPS;
    out->n = n;
    out->onset = out->onset_prev = out->after = out->first_loss = -1;
    out->onset_loss = 0.0;
    memset(out->hop, 0, (size_t)n * sizeof(out->hop[0])); /* only the hops it covers */
    for (int h = 0; h < n; h++) {
        struct hop_diag *hd = &out->hop[h];
        hd->loss = in[h].n ? (double)in[h].lost / (double)in[h].n : 0.0;
        diag_wilson(in[h].lost, in[h].n, DIAG_Z, &hd->ci_lo, &hd->ci_hi);
        hd->usable = in[h].n >= DIAG_N_MIN && in[h].lost < in[h].n;
        hd->need = -1;
        usable += hd->usable;
    }
    out->claim_log = log((usable > 1 ? usable : 1) / DIAG_CLAIM_ALPHA);
    out->dest_log = log(1 / DIAG_CLAIM_ALPHA);
    claims(in, n, end == DIAG_END_TARGET ? n - 1 : -1, end == DIAG_END_UNREACH ? n - 1 : -1,
           end == DIAG_END_OPEN, out);
    find_onset(in, n, out);
    find_range(n, out);
    for (int h = 0; h < n; h++)
        out->hop[h].verdict = out->hop[h].raw = classify(in, n, end, out, h);
}

int diagnose_onset_ttl(const struct diag_input *in, const struct path_diag *d)
{
    return d->onset >= 0 && d->onset < d->n ? in[d->onset].ttl : 0;
}

int diagnose_first_forwarding(const struct diag_input *in, const struct path_diag *d)
{
    for (int i = 0; i < d->n; i++)
        if (d->hop[i].verdict == VERDICT_FORWARDING)
            return in[i].ttl;
    return 0;
}

bool diagnose_summary(const struct diag_input *in, const struct path_diag *d, char *buf, size_t len)
{
    int first = diagnose_first_forwarding(in, d);

    if (d->onset >= 0) {
        snprintf(buf, len, "loss starts between hop %d and hop %d (~%.1f%%)",
                 d->onset_prev >= 0 ? in[d->onset_prev].ttl : 0, in[d->onset].ttl,
                 100.0 * d->onset_loss);
        return true;
    }
    if (d->first_loss >= 0 || first > 0) {
        int upto = d->first_loss >= 0 ? in[d->first_loss].ttl : first;
        if (d->after >= 0)
            snprintf(buf, len, "loss starts after hop %d, at or before hop %d; not placed yet",
                     in[d->after].ttl, upto);
        else
            snprintf(buf, len, "loss starts at or before hop %d; not placed yet", upto);
        return true;
    }
    snprintf(buf, len, "no loss that carries on to the destination");
    return false;
}

const char *diag_wait_name(enum diag_wait w)
{
    static const char *const names[] = {
        [DIAG_WAIT_NONE] = NULL,         [DIAG_WAIT_PROBES] = "probes",
        [DIAG_WAIT_SILENT] = "answers",  [DIAG_WAIT_START] = "start",
        [DIAG_WAIT_EXCESS] = "excess",   [DIAG_WAIT_DEST] = "destination",
        [DIAG_WAIT_COMPARE] = "compare", [DIAG_WAIT_LOSS] = "loss",
        [DIAG_WAIT_PLACE] = "place",
    };
    return w <= DIAG_WAIT_PLACE ? names[w] : NULL;
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

/* What an unknown verdict waits for, in words. */
static void evidence_wait(const struct diag_input *in, const struct path_diag *d, int i, char *buf,
                          size_t len)
{
    const struct hop_diag *h = &d->hop[i];
    char more[64] = "";
    int ttl = in[i].ttl;

    if (h->need > 0)
        snprintf(more, sizeof(more), "; about %ld more rounds at this rate", h->need);
    switch (h->waits) {
    case DIAG_WAIT_PROBES:
        snprintf(buf, len, "hop %d: %llu of %llu probes lost; %d completed probes needed", ttl,
                 (unsigned long long)in[i].lost, (unsigned long long)in[i].n, DIAG_N_MIN);
        break;
    case DIAG_WAIT_SILENT:
        snprintf(buf, len, "hop %d has not answered: nothing to judge", ttl);
        break;
    case DIAG_WAIT_START:
        snprintf(buf, len,
                 "hop %d lost %.1f%% of %llu while loss shows after it: waiting to tell whether "
                 "the loss starts before it%s",
                 ttl, 100 * h->loss, (unsigned long long)in[i].n, more);
        break;
    case DIAG_WAIT_EXCESS:
        snprintf(buf, len,
                 "hop %d lost %.1f%% while the hops after it lost %.1f%%: waiting to tell "
                 "whether it loses its own replies%s",
                 ttl, 100 * h->loss, 100 * h->down_loss, more);
        break;
    case DIAG_WAIT_PLACE:
        snprintf(buf, len,
                 "hop %d lost %.1f%% of %llu while loss shows before it: waiting to place where "
                 "the loss starts",
                 ttl, 100 * h->loss, (unsigned long long)in[i].n);
        break;
    case DIAG_WAIT_LOSS:
        snprintf(buf, len, "hop %d lost %.1f%% of %llu: loss, not yet enough to claim%s", ttl,
                 100 * h->loss, (unsigned long long)in[i].n, more);
        break;
    case DIAG_WAIT_DEST:
        snprintf(buf, len,
                 "the destination lost %.1f%% (99%% interval %.1f-%.1f%%): waiting to tell its "
                 "own loss from the path's%s",
                 100 * h->loss, 100 * h->ci_lo, 100 * h->ci_hi, more);
        break;
    default:
        snprintf(buf, len,
                 "hop %d lost %.1f%% (99%% interval %.1f-%.1f%%); no answering hop after it to "
                 "compare with",
                 ttl, 100 * h->loss, 100 * h->ci_lo, 100 * h->ci_hi);
        break;
    }
}

void diagnose_evidence(const struct diag_input *in, const struct path_diag *d, int i, char *buf,
                       size_t len)
{
    const struct hop_diag *h = &d->hop[i];
    double pct = 100.0 * h->loss;
    int ttl = in[i].ttl;

    switch (h->verdict) {
    case VERDICT_UNKNOWN:
        evidence_wait(in, d, i, buf, len);
        break;
    case VERDICT_OK:
        snprintf(buf, len, "hop %d lost %.1f%% of %llu (99%% interval up to %.1f%%): %s", ttl, pct,
                 (unsigned long long)in[i].n, 100 * h->ci_hi,
                 h->clean ? "no loss beyond noise, and none that matters (shown)"
                          : "no loss beyond noise");
        break;
    case VERDICT_REPLY_ONLY: {
        char rounds[128] = "";
        if (h->rounds_lost)
            snprintf(rounds, sizeof(rounds),
                     "; in %u of its %u lost rounds the destination answered",
                     h->rounds_lost_dest_ok, h->rounds_lost);
        snprintf(buf, len,
                 "hop %d lost %.1f%% of its replies while the hops after it lost %.1f%% of the "
                 "same rounds: reply-only (it rate-limits or deprioritizes its own ICMP)%s%s",
                 ttl, pct, 100 * h->down_loss, rounds,
                 h->upstream_path_loss ? "; real loss starts before it" : "");
        break;
    }
    case VERDICT_FORWARDING:
        snprintf(buf, len,
                 "hop %d lost %.1f%% (99%% interval %.1f-%.1f%%) and the loss carries on to the "
                 "destination; it starts %s hop %d",
                 ttl, pct, 100 * h->ci_lo, 100 * h->ci_hi, d->onset >= 0 ? "at" : "at or before",
                 d->onset >= 0        ? in[d->onset].ttl
                 : d->first_loss >= 0 ? in[d->first_loss].ttl
                                      : ttl);
        break;
    case VERDICT_DESTINATION:
        snprintf(buf, len,
                 "only the destination loses: %.1f%% (99%% interval %.1f-%.1f%%) while the hops "
                 "before it do not; its own ICMP policy or the last mile",
                 pct, 100 * h->ci_lo, 100 * h->ci_hi);
        break;
    }
}
