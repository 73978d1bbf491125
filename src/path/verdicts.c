/*
 * verdicts.c - the diagnosis of one mode kept over time (see verdicts.h).
 */
#include "verdicts.h"

#include <math.h>
#include <string.h>

void verdicts_reset(struct verdicts *v)
{
    memset(v, 0, sizeof(*v));
}

static uint64_t bit(int ttl)
{
    return ttl >= 1 && ttl <= VERDICTS_TTLS ? 1ull << (ttl - 1) : 0;
}

/* The bits of TTLs above ttl. */
static uint64_t above_ttl(int ttl)
{
    return ttl >= VERDICTS_TTLS ? 0 : ttl <= 0 ? ~0ull : ~0ull << ttl;
}

/* The share of the hops in mask that lost this round's probe. */
static double share_lost(uint64_t mask, uint64_t lost)
{
    return (double)__builtin_popcountll(mask & lost) / (double)__builtin_popcountll(mask);
}

/* The per-TTL counters behind the reply-only evidence sentence. */
static void count_lost_rounds(struct verdicts *v, const struct round *r)
{
    bool dest_ok;

    if (r->dest_ttl <= 0 || r->dest_ttl >= DIAG_MAX_HOPS || r->end_unreach)
        return;
    dest_ok = round_answered(r, r->dest_ttl);
    for (int ttl = r->first_ttl; ttl < r->dest_ttl; ttl++) {
        if (round_lost(r, ttl)) {
            v->rounds_lost[ttl]++;
            v->rounds_lost_dest_ok[ttl] += dest_ok;
        }
    }
}

/* The destination's tests: against the path into it and against the last hop before it. */
static void dest_round(struct verdicts *v, int dest, uint64_t seen, uint64_t lost)
{
    uint64_t into = v->pool & seen & above_ttl(v->into_from - 1) & ~above_ttl(dest - 1);
    double x = (lost & bit(dest)) ? 1.0 : 0.0;

    if (dest != v->dest_ttl) {
        eproc_reset(&v->dest_above);
        eproc_reset(&v->dest_above_last);
        v->dest_ttl = dest;
    }
    if (!(seen & bit(dest)))
        return;
    if (into)
        eproc_add_paired(&v->dest_above, x - share_lost(into, lost));
    if (v->last_ttl > 0 && (seen & bit(v->last_ttl)))
        eproc_add_paired(&v->dest_above_last, x - ((lost & bit(v->last_ttl)) ? 1.0 : 0.0));
}

void verdicts_add_round(struct verdicts *v, const struct round *r)
{
    int dest = r->dest_ttl > 0 && !r->end_unreach ? r->dest_ttl : 0;
    uint64_t seen = 0, lost = 0;

    count_lost_rounds(v, r);
    for (int ttl = r->first_ttl; ttl <= r->last_ttl && ttl <= VERDICTS_TTLS; ttl++) {
        if (round_answered(r, ttl))
            seen |= bit(ttl);
        else if (round_lost(r, ttl))
            seen |= bit(ttl), lost |= bit(ttl);
    }
    for (int ttl = r->first_ttl; ttl <= r->last_ttl && ttl <= VERDICTS_TTLS; ttl++) {
        struct verdicts_tests *t = &v->hop[ttl];
        uint64_t after = v->pool & seen & above_ttl(ttl);
        double x = (lost & bit(ttl)) ? 1.0 : 0.0, y;
        if (!(seen & bit(ttl)))
            continue;
        eproc_add(&t->lossy, x - DIAG_TAU_LOSSY, DIAG_TAU_LOSSY);
        eproc_add(&t->clean, DIAG_TAU - x, 1.0 - DIAG_TAU);
        eproc_add(&t->from, share_lost(after | bit(ttl), lost) - DIAG_TAU_LOSSY, DIAG_TAU_LOSSY);
        if (ttl == dest)
            continue;
        if (!v->pool && (seen & above_ttl(ttl))) /* no references yet: every later hop */
            eproc_add_paired(&t->above, x - share_lost(seen & above_ttl(ttl), lost));
        if (!after)
            continue;
        y = share_lost(after, lost);
        eproc_add_paired(&t->below, y - x);
        eproc_add_paired(&t->above, x - y);
    }
    if (dest > 0 && dest <= VERDICTS_TTLS)
        dest_round(v, dest, seen, lost);
}

/* What the last evaluation said of a hop, kept as bits (struct diag_tests says each). */
enum {
    WAS_WAITING = 1,
    WAS_LOSSY = 2,
    WAS_CLEAN = 4,
    WAS_REPLY = 8,
    WAS_OWN = 16,
    WAS_FORWARDING = 32,
    WAS_SUSPECT = 64,
    WAS_VISIBLE = 128,
};

/* The tests' evidence for hop TTL ttl (covered by tests) into t, at claim level `claim`. */
static void read_tests(const struct verdicts *v, int ttl, bool dest, double claim,
                       struct diag_tests *t)
{
    const struct verdicts_tests *h = &v->hop[ttl];
    const struct eproc *above = dest ? &v->dest_above : &h->above;
    uint8_t was = v->was[ttl];

    *t = (struct diag_tests){
        .above = eproc_log(above),
        .below = eproc_log(&h->below),
        .lossy = eproc_log(&h->lossy),
        .clean = eproc_log(&h->clean),
        .lossy_from = eproc_log(&h->from),
        .above_last = dest ? eproc_log(&v->dest_above_last) : 0.0,
        .below_need = eproc_rounds_to(&h->below, claim),
        .clean_need = eproc_rounds_to(&h->clean, claim),
        .lossy_need = eproc_rounds_to(&h->lossy, claim),
        .above_need = eproc_rounds_to(above, claim),
        .was_onset = ttl == v->onset_ttl,
        .was_waiting = was & WAS_WAITING,
        .was_lossy = was & WAS_LOSSY,
        .was_clean = was & WAS_CLEAN,
        .was_reply = was & WAS_REPLY,
        .was_own = dest && (was & WAS_OWN),
        .was_forwarding = was & WAS_FORWARDING,
        .was_suspect = was & WAS_SUSPECT,
        .was_visible = was & WAS_VISIBLE,
    };
}

/* What this evaluation said of a hop, for the next one's hysteresis. */
static uint8_t was_of(const struct hop_diag *hd)
{
    bool unknown = hd->raw == VERDICT_UNKNOWN;

    return (uint8_t)((unknown && (hd->waits == DIAG_WAIT_START || hd->waits == DIAG_WAIT_PLACE)
                          ? WAS_WAITING
                          : 0) |
                     (hd->significant ? WAS_LOSSY : 0) | (hd->clean ? WAS_CLEAN : 0) |
                     (hd->raw == VERDICT_REPLY_ONLY ? WAS_REPLY : 0) | (hd->own ? WAS_OWN : 0) |
                     (hd->raw == VERDICT_FORWARDING ? WAS_FORWARDING : 0) |
                     (hd->usable && !hd->informative ? WAS_SUSPECT : 0) |
                     (unknown && (hd->waits == DIAG_WAIT_LOSS || hd->waits == DIAG_WAIT_DEST)
                          ? WAS_VISIBLE
                          : 0));
}

/* A hop whose reference lost or gained a member starts its comparisons with it afresh: what
 * it won against a reference that held a hop losing its own replies (before that hop was
 * found out) is no evidence against the reference as it is now. */
static void restart_changed(struct verdicts *v, uint64_t old)
{
    for (int ttl = 1; ttl <= VERDICTS_TTLS && old; ttl++) {
        uint64_t was = old & above_ttl(ttl), now = v->pool & above_ttl(ttl);
        if (was && was != now) {
            eproc_reset(&v->hop[ttl].below);
            eproc_reset(&v->hop[ttl].from);
        }
    }
}

/* The references for the next round, from this evaluation. */
static void next_references(struct verdicts *v, int n, enum diag_end end)
{
    const struct path_diag *d = &v->diag;
    int dest = end == DIAG_END_TARGET ? n - 1 : -1;
    uint64_t old = v->pool;

    v->pool = 0;
    v->last_ttl = 0;
    v->into_from = 1;
    for (int i = 0; i < n; i++) {
        if (!d->hop[i].usable || !d->hop[i].informative || (end == DIAG_END_UNREACH && i == n - 1))
            continue;
        if (i == dest && !d->hop[i].own) /* a destination with loss of its own says nothing
                                          * of the path's */
            v->pool |= bit(v->in[i].ttl);
        if (i != dest)
            v->pool |= bit(v->in[i].ttl);
    }
    v->onset_ttl = diagnose_onset_ttl(v->in, d);
    /* The destination's own loss is held against the hop right before it (past any that lose
     * their own replies): none when that hop cannot be judged yet, never an earlier one,
     * which may lie before the loss starts. */
    v->last_ttl = 0;
    for (int i = dest - 1; i >= 0; i--) {
        if (d->hop[i].usable && !d->hop[i].informative)
            continue;
        v->last_ttl = d->hop[i].usable ? v->in[i].ttl : 0;
        break;
    }
    if (d->onset >= 0 && d->onset != dest)
        v->into_from = v->in[d->onset].ttl;
    else if (d->after >= 0)
        v->into_from = v->in[d->after].ttl + 1;
    else if (n > 0)
        v->into_from = v->in[0].ttl;
    restart_changed(v, old);
}

/* Claims that a hop's loss is not forwarding loss: they must persist to be made or undone. */
static bool claim(uint8_t v)
{
    return v == VERDICT_REPLY_ONLY || v == VERDICT_DESTINATION;
}

/* Evaluations in a row a new verdict r needs before it is shown for ttl: a claim that a
 * hop's loss is not forwarding, made or given up, VERDICTS_HOLD; the others at once: each
 * rests on a claim its test made at the claim level, or on the onset, which holds where it
 * was (diagnose.h), so the rows agree with the header in every frame. */
static unsigned needed(const struct verdicts *v, int ttl, uint8_t r)
{
    return claim(r) || claim(v->shown[ttl]) ? VERDICTS_HOLD : 1;
}

/* The verdict shown for ttl after this evaluation's raw one. */
static enum verdict steady(struct verdicts *v, int ttl, enum verdict raw)
{
    uint8_t r = (uint8_t)raw;

    if (r == v->shown[ttl]) {
        v->held[ttl] = 0;
        return raw;
    }
    if (r != v->candidate[ttl] || v->held[ttl] == 0) {
        v->candidate[ttl] = r;
        v->held[ttl] = 0;
    }
    if (++v->held[ttl] >= needed(v, ttl, r)) {
        v->shown[ttl] = r;
        v->held[ttl] = 0;
    }
    return (enum verdict)v->shown[ttl];
}

void verdicts_evaluate(struct verdicts *v, const struct diag_input *counts, int n,
                       enum diag_end end)
{
    struct diag_tests tests[DIAG_MAX_HOPS]; /* this call's: diagnose_path reads them */
    int usable = 0;
    double claim_log;

    if (n > DIAG_MAX_HOPS)
        n = DIAG_MAX_HOPS;
    v->done = 0;
    for (int i = 0; i < n; i++)
        usable += counts[i].n >= DIAG_N_MIN && counts[i].lost < counts[i].n;
    claim_log = log((usable > 1 ? usable : 1) / DIAG_CLAIM_ALPHA);
    for (int i = 0; i < n; i++) {
        v->in[i] = counts[i];
        v->in[i].t = NULL;
        v->done += counts[i].n;
        if (counts[i].ttl >= 1 && counts[i].ttl <= VERDICTS_TTLS) {
            read_tests(v, counts[i].ttl, end == DIAG_END_TARGET && i == n - 1, claim_log,
                       &tests[i]);
            v->in[i].t = &tests[i];
        }
    }
    diagnose_path(v->in, n, end, &v->diag);
    next_references(v, n, end);
    for (int i = 0; i < n; i++)
        v->in[i].t = NULL; /* the tests were this call's: v->in is published */
    for (int i = 0; i < n; i++) {
        int ttl = v->in[i].ttl;
        struct hop_diag *hd = &v->diag.hop[i];
        if (ttl < 0 || ttl >= DIAG_MAX_HOPS)
            continue;
        if (end == DIAG_END_OPEN || i < n - 1) {
            hd->rounds_lost = v->rounds_lost[ttl];
            hd->rounds_lost_dest_ok = v->rounds_lost_dest_ok[ttl];
        }
        if (ttl <= VERDICTS_TTLS)
            v->was[ttl] = was_of(hd);
        hd->verdict = steady(v, ttl, hd->verdict);
    }
}
