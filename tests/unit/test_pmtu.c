/* test_pmtu.c - the path MTU search fed hand-made rounds: a too-big message lowers the size
 * and the next sizing round that gets as far as the normal rounds settles the path MTU; two
 * too-big routers give two drops; a black hole (sizing probes vanish, no too-big) is bisected
 * to the exact largest size that passes; one vanished sizing round alone (loss) starts
 * nothing; stale rounds of an older size are ignored; sizing rounds come every other round
 * while searching and every tenth once found. */
#include "check.h"
#include "prober/pmtu.h"

#include <string.h>

#define HOPS 6

static struct round_probe probes[HOPS];
static struct round rnd;

/* A round of TTLs 1..HOPS where every TTL below `vanish` answers (the last one as the target);
 * TTLs at or above `toobig_ttl` answer too big with mtu (0: none). */
static const struct round *make(bool sizing, int size, int vanish, int toobig_ttl, int mtu)
{
    memset(probes, 0, sizeof(probes));
    rnd = (struct round){.sizing = sizing,
                         .size = (uint16_t)size,
                         .first_ttl = 1,
                         .last_ttl = HOPS,
                         .dest_ttl = HOPS,
                         .probe = probes};
    for (int ttl = 1; ttl <= HOPS; ttl++) {
        struct round_probe *p = &probes[ttl - 1];
        p->outcome = ttl >= vanish ? ROUND_LOST : ROUND_ANSWERED;
        p->kind = ttl == HOPS ? PROBE_REPLY_DEST : PROBE_REPLY_TTL_EXCEEDED;
        p->from.family = 2;
        p->from.bytes[3] = (uint8_t)ttl;
        if (toobig_ttl && ttl >= toobig_ttl && ttl < vanish) {
            p->kind = PROBE_REPLY_TOOBIG;
            p->mtu = (uint16_t)mtu;
            p->from.bytes[3] = (uint8_t)(toobig_ttl - 1);
        }
    }
    return &rnd;
}

static void normal(struct pmtu *pm)
{
    pmtu_round(pm, make(false, 0, HOPS + 1, 0, 0));
}

/* The path: links of 1500 except mtu_link from hop `at` on; too-big from the router before
 * when `tells`, else silence. One sizing round at the search's size. */
static void sizing(struct pmtu *pm, int at, int mtu_link, bool tells)
{
    int size = pm->res.size;

    pmtu_sent(pm);
    if (size <= mtu_link)
        pmtu_round(pm, make(true, size, HOPS + 1, 0, 0));
    else if (tells)
        pmtu_round(pm, make(true, size, HOPS + 1, at, mtu_link));
    else
        pmtu_round(pm, make(true, size, at, 0, 0));
}

/* Alternates normal and due sizing rounds, at most n of each. */
static void run(struct pmtu *pm, int n, int at, int mtu_link, bool tells)
{
    for (int i = 0; i < n; i++) {
        normal(pm);
        if (pmtu_due(pm))
            sizing(pm, at, mtu_link, tells);
    }
}

static void too_big_found(void)
{
    struct pmtu pm;
    char text[200];

    pmtu_init(&pm, 1500, 64, false);
    CHECK(!pmtu_due(&pm)); /* the first round finds the path */
    normal(&pm);
    CHECK(pmtu_due(&pm));
    sizing(&pm, 3, 1400, true);
    CHECK(pm.res.ndrops == 1 && pm.res.drops[0].ttl == 3 && pm.res.drops[0].mtu == 1400);
    CHECK(pm.res.size == 1400 && pm.res.path_mtu == 0);
    run(&pm, 4, 3, 1400, true);
    CHECK(pm.res.path_mtu == 1400 && pm.res.ndrops == 1 && !pm.res.hole_ttl);
    CHECK(pmtu_mtu_at(&pm.res, 2) == 1500 && pmtu_mtu_at(&pm.res, 3) == 1400);
    pmtu_describe(&pm.res, text, sizeof(text));
    CHECK(strcmp(text, "path MTU 1400 (1400 from hop 3)") == 0);
    /* Found: a sizing round every tenth round. */
    int due = 0;
    for (int i = 0; i < 30; i++) {
        normal(&pm);
        if (pmtu_due(&pm)) {
            due++;
            sizing(&pm, 3, 1400, true);
        }
    }
    CHECK(due == 3);
}

static void two_drops(void)
{
    struct pmtu pm;

    pmtu_init(&pm, 9000, 64, false);
    run(&pm, 3, 2, 1500, true);
    CHECK(pm.res.path_mtu == 1500);
    /* A second, smaller link further on. */
    normal(&pm);
    pmtu_sent(&pm);
    pmtu_round(&pm, make(true, 1500, HOPS + 1, 5, 1280));
    run(&pm, 3, 5, 1280, true);
    CHECK(pm.res.ndrops == 2 && pm.res.path_mtu == 1280);
    CHECK(pmtu_mtu_at(&pm.res, 1) == 9000 && pmtu_mtu_at(&pm.res, 3) == 1500);
    CHECK(pmtu_mtu_at(&pm.res, 5) == 1280);
}

static void black_hole(void)
{
    struct pmtu pm;
    char text[200];

    pmtu_init(&pm, 1500, 64, false);
    normal(&pm);
    sizing(&pm, 4, 1400, false); /* one vanished round: may be loss */
    CHECK(pm.res.hole_ttl == 0 && pm.res.size == 1500);
    sizing(&pm, 4, 1400, false); /* twice: still maybe loss */
    CHECK(pm.res.hole_ttl == 0);
    run(&pm, 80, 4, 1400, false);
    CHECK(pm.res.hole_ttl == 4 && pm.res.hole_done);
    CHECK(pm.res.hole_good == 1400 && pm.res.path_mtu == 1400);
    CHECK(pmtu_mtu_at(&pm.res, 3) == 1500 && pmtu_mtu_at(&pm.res, 4) == 1400);
    pmtu_describe(&pm.res, text, sizeof(text));
    CHECK(strcmp(text, "packets over 1400 bytes are lost from hop 4 on, no too-big message") == 0);
}

/* A too-big message while a black hole is searched: the router is no black hole; the search
 * ends and the MTU it names is found. A found hole that gets smaller is searched again. */
static void hole_then_too_big(void)
{
    struct pmtu pm;

    pmtu_init(&pm, 1500, 64, false);
    run(&pm, 6, 4, 1400, false); /* a black hole search under way */
    CHECK(pm.res.hole_ttl == 4 && !pm.res.hole_done);
    run(&pm, 20, 4, 1400, true); /* the router now says too big */
    CHECK(pm.res.hole_ttl == 0 && pm.res.path_mtu == 1400 && pm.res.ndrops == 1);
    pmtu_init(&pm, 1500, 64, false);
    run(&pm, 80, 4, 1400, false);
    CHECK(pm.res.hole_done && pm.res.hole_good == 1400);
    run(&pm, 200, 4, 1300, false);
    CHECK(pm.res.hole_done && pm.res.hole_good == 1300 && pm.res.path_mtu == 1300);
}

/* IPv6: no MTU below 1280, whatever a router says; a search never goes below it either. */
static void v6_floor(void)
{
    struct pmtu pm;

    pmtu_init(&pm, 1500, 64, true);
    run(&pm, 20, 3, 1000, true);
    CHECK(pm.res.path_mtu == 1280 && pm.res.drops[0].mtu == 1280);
    CHECK(pmtu_mtu_at(&pm.res, 3) == 1280);
}

static void stale_and_bogus(void)
{
    struct pmtu pm;

    pmtu_init(&pm, 1500, 64, false);
    normal(&pm);
    sizing(&pm, 3, 1400, true);
    /* A sizing round of the old size that passes (sent before the drop was known). */
    pmtu_round(&pm, make(true, 1500, HOPS + 1, 0, 0));
    CHECK(pm.res.path_mtu == 0);
    /* A too-big that names no smaller MTU is not a drop. */
    pmtu_round(&pm, make(true, 1400, HOPS + 1, 2, 1400));
    CHECK(pm.res.ndrops == 1);
    /* An older round's too-big, sent before the size changed, adds nothing. */
    pmtu_round(&pm, make(true, 1500, HOPS + 1, 3, 1400));
    CHECK(pm.res.ndrops == 1 && pm.res.size == 1400);
    /* No MTU at all from the start: 1500 assumed; above 65000 capped. */
    pmtu_init(&pm, -19, 64, false);
    CHECK(pm.res.first_mtu == 1500);
    pmtu_init(&pm, 65536, 64, false);
    CHECK(pm.res.first_mtu == 65000);
}

int main(void)
{
    too_big_found();
    two_drops();
    black_hole();
    stale_and_bogus();
    hole_then_too_big();
    v6_floor();
    return check_finish();
}
