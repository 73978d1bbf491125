/*
 * verdicts.c - the diagnosis of one mode kept over time (see verdicts.h).
 */
#include "verdicts.h"

#include <string.h>

void verdicts_reset(struct verdicts *v)
{
    memset(v, 0, sizeof(*v));
}

/* Adds (sign 1) or removes (sign -1) a remembered round from the per-TTL counters. */
static void count_round(struct verdicts *v, const struct verdicts_round *vr, int sign)
{
    for (int w = 0; w < DIAG_MAX_HOPS / 64; w++) {
        for (uint64_t b = vr->lost[w]; b; b &= b - 1) {
            int ttl = w * 64 + __builtin_ctzll(b);
            v->rounds_lost[ttl] += (uint32_t)sign;
            v->rounds_lost_dest_ok[ttl] += vr->dest_answered ? (uint32_t)sign : 0;
        }
    }
}

void verdicts_add_round(struct verdicts *v, const struct round *r)
{
    struct verdicts_round vr;

    if (r->dest_ttl <= 0 || r->dest_ttl >= DIAG_MAX_HOPS || r->end_unreach)
        return; /* no destination (yet): nothing to hold a hop's loss against */
    memset(&vr, 0, sizeof(vr));
    vr.dest_answered = round_answered(r, r->dest_ttl);
    for (int ttl = r->first_ttl; ttl < r->dest_ttl; ttl++)
        if (round_lost(r, ttl))
            vr.lost[ttl / 64] |= 1ull << (ttl % 64);
    if (v->ring_len == VERDICTS_ROUNDS)
        count_round(v, &v->ring[v->ring_next], -1);
    else
        v->ring_len++;
    v->ring[v->ring_next] = vr;
    v->ring_next = (v->ring_next + 1) % VERDICTS_ROUNDS;
    count_round(v, &vr, 1);
}

/* Claims that a hop's loss is not forwarding loss: they must persist to be made or undone. */
static bool claim(uint8_t v)
{
    return v == VERDICT_REPLY_ONLY || v == VERDICT_DESTINATION;
}

/* Evaluations in a row a new verdict r needs before it is shown for ttl: a hop's first
 * verdict and changes among unknown, ok and forwarding need one (each agrees with the
 * interval shown), a claim being made or given up VERDICTS_HOLD; and each change the hop's
 * verdict already made doubles it. */
static unsigned needed(const struct verdicts *v, int ttl, uint8_t r)
{
    unsigned base = claim(r) || claim(v->shown[ttl]) ? VERDICTS_HOLD : 1;
    unsigned c = v->changes[ttl] < 8 ? v->changes[ttl] : 8;

    return base << c;
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
        if (v->shown[ttl] != VERDICT_UNKNOWN || v->changes[ttl])
            v->changes[ttl]++; /* a hop's first verdict is no change */
        v->shown[ttl] = r;
        v->held[ttl] = 0;
    }
    return (enum verdict)v->shown[ttl];
}

void verdicts_evaluate(struct verdicts *v, const struct diag_input *counts, int n,
                       enum diag_end end)
{
    if (n > DIAG_MAX_HOPS)
        n = DIAG_MAX_HOPS;
    v->done = 0;
    for (int i = 0; i < n; i++) {
        v->in[i] = counts[i];
        v->done += counts[i].n;
    }
    diagnose_path(v->in, n, end, &v->diag);
    for (int i = 0; i < n; i++) {
        int ttl = v->in[i].ttl;
        struct hop_diag *hd = &v->diag.hop[i];
        if (ttl < 0 || ttl >= DIAG_MAX_HOPS)
            continue;
        if (end == DIAG_END_OPEN || i < n - 1) {
            hd->rounds_lost = v->rounds_lost[ttl];
            hd->rounds_lost_dest_ok = v->rounds_lost_dest_ok[ttl];
        }
        hd->verdict = steady(v, ttl, hd->verdict);
    }
}
