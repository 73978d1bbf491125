/*
 * pmtu.c - the path MTU search (see pmtu.h).
 */
#include "pmtu.h"

#include <stdio.h>
#include <string.h>

#define PMTU_CAP 65000

void pmtu_init(struct pmtu *pm, int first_mtu, int min_size, bool v6)
{
    memset(pm, 0, sizeof(*pm));
    if (first_mtu <= 0 || first_mtu > PMTU_CAP)
        first_mtu = first_mtu <= 0 ? 1500 : PMTU_CAP;
    pm->floor = v6 ? 1280 : 68; /* IPv6 links carry 1280 (RFC 8200); IPv4 68 (RFC 791) */
    if (first_mtu < pm->floor)
        first_mtu = pm->floor;
    pm->res.first_mtu = pm->res.size = first_mtu;
    pm->min_size = min_size > pm->floor ? min_size : pm->floor; /* known to pass */
    if (pm->min_size > first_mtu)
        pm->min_size = first_mtu;
}

bool pmtu_done(const struct pmtu *pm)
{
    return pm->res.path_mtu && (!pm->res.hole_ttl || pm->res.hole_done);
}

bool pmtu_due(const struct pmtu *pm)
{
    bool found = pmtu_done(pm);

    if (pm->normal_rounds == 0)
        return false; /* the first round finds the path */
    return pm->since >= (found ? PMTU_EVERY_FOUND : PMTU_EVERY_SEARCHING) - 1;
}

/* The furthest TTL of the round that got an answer (a router's, the target's); 0: none. */
static int furthest(const struct round *r, bool any_kind)
{
    int top = 0;

    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        if (p->outcome == ROUND_ANSWERED && (any_kind || p->kind != PROBE_REPLY_TOOBIG))
            top = ttl;
    }
    return top;
}

static int reach(const struct pmtu *pm)
{
    int top = 0;

    for (int i = 0; i < PMTU_REACH_ROUNDS; i++)
        if (pm->reach[i] > top)
            top = pm->reach[i];
    return top;
}

static bool known_drop(const struct pmtu_result *res, int ttl, int mtu)
{
    for (int i = 0; i < res->ndrops; i++)
        if (res->drops[i].ttl == ttl && res->drops[i].mtu == mtu)
            return true;
    return false;
}

/* A router said too big: the lowest TTL that met it, noted once per (TTL, MTU). A black-hole
 * search under way gives way: a router that says so is no black hole. */
static bool too_big(struct pmtu *pm, const struct round *r)
{
    struct pmtu_result *res = &pm->res;

    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        int mtu = p->mtu < pm->floor ? pm->floor : p->mtu;
        if (p->outcome != ROUND_ANSWERED || p->kind != PROBE_REPLY_TOOBIG || !p->mtu ||
            mtu >= r->size)
            continue; /* no usable MTU in it: a black hole's search handles the size */
        if (!known_drop(res, ttl, mtu) && res->ndrops < PMTU_MAX_DROPS)
            res->drops[res->ndrops++] = (struct pmtu_drop){.ttl = ttl, .mtu = mtu, .from = p->from};
        res->size = mtu < pm->min_size ? pm->min_size : mtu;
        res->path_mtu = 0;
        res->hole_ttl = res->hole_good = res->hole_bad = 0;
        res->hole_done = false;
        pm->strikes = 0;
        return true;
    }
    return false;
}

/* The next bisection step, or its end. */
static void bisect(struct pmtu_result *res)
{
    if (res->hole_bad - res->hole_good <= 1) {
        res->hole_done = true;
        res->size = res->path_mtu = res->hole_good;
    } else {
        res->size = (res->hole_good + res->hole_bad) / 2;
    }
}

void pmtu_sent(struct pmtu *pm)
{
    pm->since = 0;
    pm->outstanding++;
}

static void sizing_round(struct pmtu *pm, const struct round *r)
{
    struct pmtu_result *res = &pm->res;
    int top = furthest(r, false), want = reach(pm);

    res->rounds++;
    if (r->size != res->size || too_big(pm, r) || want == 0)
        return;        /* a round of an older size (sent before the last step) says nothing now */
    if (top >= want) { /* got as far as the normal probes: this size passes */
        pm->strikes = 0;
        if (res->hole_ttl && !res->hole_done) {
            res->hole_good = r->size;
            bisect(res);
        } else {
            res->path_mtu = r->size;
        }
        res->ran_out = res->ran_out && !(res->path_mtu && (!res->hole_ttl || res->hole_done));
        return;
    }
    if (++pm->strikes < PMTU_STRIKES)
        return; /* may be loss: the same size again */
    pm->strikes = 0;
    if (!res->hole_ttl || res->hole_done) { /* a new hole, or the one found got smaller */
        res->hole_ttl = top + 1;
        res->hole_good = pm->min_size;
        res->hole_done = false;
    }
    res->hole_bad = r->size;
    res->path_mtu = 0;
    bisect(res);
}

void pmtu_round(struct pmtu *pm, const struct round *r)
{
    if (r->sizing) {
        pm->outstanding -= pm->outstanding > 0;
        sizing_round(pm, r);
        return;
    }
    pm->reach[pm->normal_rounds % PMTU_REACH_ROUNDS] = furthest(r, true);
    pm->normal_rounds++;
    pm->since++;
}

int pmtu_mtu_at(const struct pmtu_result *res, int ttl)
{
    int mtu = res->first_mtu;

    if (!mtu)
        return 0;
    for (int i = 0; i < res->ndrops; i++)
        if (res->drops[i].ttl <= ttl && res->drops[i].mtu < mtu)
            mtu = res->drops[i].mtu;
    if (res->hole_done && ttl >= res->hole_ttl && res->hole_good < mtu)
        mtu = res->hole_good;
    return mtu;
}

void pmtu_describe(const struct pmtu_result *res, char *buf, size_t len)
{
    if (res->hole_done)
        snprintf(buf, len, "packets over %d bytes are lost from hop %d on, no too-big message",
                 res->hole_good, res->hole_ttl);
    else if (res->hole_ttl)
        snprintf(buf, len,
                 "large packets vanish from hop %d on, no too-big message: between %d "
                 "and %d bytes, searching",
                 res->hole_ttl, res->hole_good, res->hole_bad);
    else if (res->path_mtu && res->ndrops)
        snprintf(buf, len, "path MTU %d (%d from hop %d)", res->path_mtu,
                 res->drops[res->ndrops - 1].mtu, res->drops[res->ndrops - 1].ttl);
    else if (res->path_mtu)
        snprintf(buf, len, "path MTU %d", res->path_mtu);
    else if (res->ran_out)
        snprintf(buf, len,
                 "path MTU: not found (the report ended its search after %d sizing "
                 "rounds at %d)",
                 PMTU_FINISH_MAX, res->size);
    else
        snprintf(buf, len, "path MTU: searching (%d)", res->size);
}

void pmtu_short(const struct pmtu_result *res, char *buf, size_t len)
{
    if (res->path_mtu)
        snprintf(buf, len, "PMTU %d%s", res->path_mtu, res->hole_done ? " (black hole)" : "");
    else
        snprintf(buf, len, "PMTU ? (%d)", res->size);
}
