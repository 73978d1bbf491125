/* test_history.c - each hop's history in time buckets: counts and mean RTT at each zoom, a
 * loss settled after later probes, 10-second buckets that age out after 10-20 minutes, a day
 * of 30 hops within the 256 KiB budget (and a longer path still within it, its oldest hours
 * given up), a thousand targets' share of the run's 64 MiB holding a 30-hop path's last hours,
 * clear. */
#include "check.h"
#include "path/history.h"

#include <math.h>
#include <stdlib.h>

#define T0 1796000400 /* a whole hour (UTC) */

static void counts_and_rtt(void)
{
    struct history *h = history_new(30, HISTORY_BUDGET);
    struct history_point p[12];

    /* 30 minutes at one probe a second to hop 2: every 10th lost, RTT 10 ms then 20 ms. */
    for (int s = 0; s < 1800; s++)
        history_add(h, 2, T0 + s, s % 10 == 9 ? -1 : (s < 900 ? 10000 : 20000));
    CHECK(history_read(h, 2, HISTORY_1M, T0 + 30, 3, p) == 3);
    CHECK(p[0].start == T0 && p[1].start == T0 + 60 && p[0].held);
    CHECK(p[0].done == 60 && p[0].lost == 6);
    CHECK(fabs(p[0].rtt_us - 10000) < 10000 * 0.002);
    CHECK(history_read(h, 2, HISTORY_10M, T0, 3, p) == 3);
    CHECK(p[0].done == 600 && p[0].lost == 60 && p[1].done == 600);
    CHECK(fabs(p[1].rtt_us - 15000) < 15000 * 0.002); /* half at 10, half at 20 */
    CHECK(p[2].done == 600 && fabs(p[2].rtt_us - 20000) < 20000 * 0.002);
    CHECK(history_read(h, 2, HISTORY_10S, T0 + 1790, 1, p) == 1);
    CHECK(p[0].start == T0 + 1790 && p[0].done == 10 && p[0].lost == 1);
    /* Nothing sent: held blocks, empty buckets; another hop holds nothing. */
    CHECK(history_read(h, 3, HISTORY_1M, T0, 1, p) == 1 && !p[0].held && p[0].done == 0);
    CHECK(history_read(h, 2, HISTORY_1M, T0 + 1800, 1, p) == 1 && p[0].done == 0);
    CHECK(p[0].rtt_us < 0);
    CHECK(history_read(h, 31, HISTORY_1M, T0, 1, p) == 0);
    CHECK(history_max_ttl(h) == 2);
    time_t first, last;
    CHECK(history_span(h, &first, &last) && first == T0 && last == T0 + 1799);
    /* A loss judged late lands in its own bucket. */
    history_add(h, 2, T0 + 5, -1);
    CHECK(history_read(h, 2, HISTORY_1M, T0, 1, p) == 1 && p[0].lost == 7 && p[0].done == 61);
    history_free(h);
}

static void fine_ages_out(void)
{
    struct history *h = history_new(30, HISTORY_BUDGET);
    struct history_point p[1];

    for (int s = 0; s < 3600; s += 5)
        history_add(h, 1, T0 + s, 1000);
    /* The 10-second buckets reach back 10 to 20 minutes; the minutes all the way. */
    time_t fine = history_kept_from(h, HISTORY_10S);
    CHECK(fine >= T0 + 3600 - 20 * 60 && fine <= T0 + 3600 - 10 * 60);
    CHECK(history_kept_from(h, HISTORY_1M) == T0);
    CHECK(history_read(h, 1, HISTORY_10S, T0, 1, p) == 1 && !p[0].held);
    CHECK(history_read(h, 1, HISTORY_10S, T0 + 3590, 1, p) == 1 && p[0].held && p[0].done == 2);
    CHECK(history_read(h, 1, HISTORY_1M, T0, 1, p) == 1 && p[0].held && p[0].done == 12);
    history_clear(h);
    CHECK(history_max_ttl(h) == 0 && history_read(h, 1, HISTORY_1M, T0, 1, p) && !p[0].held);
    history_free(h);
}

/* A day and an hour of one probe a minute into every hop of a path of `hops`. */
static void fill_day(struct history *h, int hops)
{
    for (int m = 0; m < 25 * 60; m++)
        for (int ttl = 1; ttl <= hops; ttl++)
            history_add(h, ttl, T0 + m * 60, m % 7 ? 5000 : -1);
}

static void budget(void)
{
    struct history *h = history_new(64, HISTORY_BUDGET);
    struct history_point p[1];

    fill_day(h, 30);
    printf("30 hops, 25 hours: %zu bytes (budget %d)\n", history_bytes(h), HISTORY_BUDGET);
    CHECK(history_bytes(h) <= HISTORY_BUDGET);
    /* The last 24 hours are all there, for every hop; the first hour gave way. */
    CHECK(history_kept_from(h, HISTORY_1M) == T0 + 3600);
    for (int ttl = 1; ttl <= 30; ttl++) {
        CHECK(history_read(h, ttl, HISTORY_1M, T0 + 3600, 1, p) == 1 && p[0].held);
        CHECK(p[0].done == 1);
    }
    CHECK(history_dropped(h) == 0);
    history_free(h);

    /* 60 hops cannot all have a day: still within the budget, each keeping its latest hours. */
    h = history_new(64, HISTORY_BUDGET);
    fill_day(h, 60);
    printf("60 hops, 25 hours: %zu bytes\n", history_bytes(h));
    CHECK(history_bytes(h) <= HISTORY_BUDGET);
    for (int ttl = 1; ttl <= 60; ttl++)
        CHECK(history_read(h, ttl, HISTORY_1M, T0 + 25 * 3600 - 60, 1, p) == 1 && p[0].held);
    history_free(h);
}

/* A run of many targets shares HISTORY_FLEET: a thousand keep 64 KiB each, which holds the last
 * hours of a 30-hop path, not its day. */
static void fleet_budget(void)
{
    size_t each = history_budget(1000);
    struct history *h = history_new(64, each);
    struct history_point p[1];

    CHECK(history_budget(0) == HISTORY_BUDGET && history_budget(256) == HISTORY_BUDGET);
    CHECK(each == HISTORY_FLEET / 1000 && history_budget(100000) == HISTORY_BUDGET_MIN);
    fill_day(h, 30);
    printf("30 hops, 25 hours, a thousand targets' budget: %zu bytes (budget %zu), minutes from "
           "hour %ld\n",
           history_bytes(h), each, (long)(history_kept_from(h, HISTORY_1M) - T0) / 3600);
    CHECK(history_bytes(h) <= each);
    CHECK(history_kept_from(h, HISTORY_1M) > T0 + 12 * 3600); /* the older hours gave way */
    for (int ttl = 1; ttl <= 30; ttl++)                       /* every hop keeps its last hours */
        CHECK(history_read(h, ttl, HISTORY_1M, T0 + 25 * 3600 - 60, 1, p) == 1 && p[0].held &&
              p[0].done == 1);
    history_free(h);
}

int main(void)
{
    counts_and_rtt();
    fine_ages_out();
    budget();
    fleet_budget();
    return check_finish();
}
