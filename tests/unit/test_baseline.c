/* test_baseline.c - the comparison with a good day: Fisher's exact test against values
 * computed apart, a rise at one hop that carries to the destination named
 * there and nowhere else, a rise the destination does not share called ICMP only, RTT and
 * responder changes, a path that differs, and the words the reports print. The test values
 * were computed exactly from the definition (Python's integer binomials, summing every table
 * no likelier than the one seen). */
#include "check.h"
#include "report/baseline.h"
#include "testaddr.h"

#include <math.h>
#include <string.h>

/* A run of `n` hops 1..n, each with `done` probes and lost[i] of them lost. */
static void run_of(struct baseline_run *r, int n, uint64_t done, const uint64_t *lost, double rtt)
{
    char a[32];

    memset(r, 0, sizeof(*r));
    r->nhops = n;
    r->dest_ttl = n;
    for (int i = 0; i < n; i++) {
        struct baseline_hop *h = &r->hop[i];
        h->ttl = i + 1;
        h->done = done;
        h->lost = lost ? lost[i] : 0;
        h->best_us = rtt * (i + 1);
        h->median_us = rtt * (i + 1) * 1.2;
        snprintf(a, sizeof(a), "198.18.%d.2", i);
        h->resp[h->nresp++] = test_addr(a);
    }
}

static void fisher(void)
{
    CHECK_NEAR(baseline_fisher(0, 600, 30, 600) / 1.28444e-9, 1, 1e-3);
    CHECK_NEAR(baseline_fisher(3, 100, 1, 100), 0.621202, 1e-5);
    CHECK_NEAR(baseline_fisher(10, 100, 2, 100), 0.033040, 1e-5);
    CHECK(baseline_fisher(0, 100, 0, 100) == 1);
    CHECK(baseline_fisher(0, 0, 5, 100) == 1);
}

static void rise_named_where_it_starts(void)
{
    static struct baseline_run base, now;
    static struct baseline_cmp c;
    const uint64_t lost[5] = {0, 0, 30, 26, 33}; /* 5% into hop 3 of 600 */
    char line[512];

    run_of(&base, 5, 600, NULL, 1000);
    run_of(&now, 5, 600, lost, 1000);
    baseline_compare(&base, &now, "good.zst", &c);
    CHECK(c.rise_ttl == 3 && !c.path_differs && !c.mode_differs);
    CHECK(c.row[0].change == BASELINE_SAME && c.row[1].change == BASELINE_SAME);
    CHECK(c.row[2].change == BASELINE_ROSE && !c.row[2].carried && !c.row[2].icmp_only);
    CHECK(c.row[3].carried && c.row[4].carried);
    baseline_headline(&c, line, sizeof(line));
    CHECK(strstr(line, "loss rose from hop 3 on") != NULL);
    baseline_hop_line(&c.row[2], line, sizeof(line));
    CHECK(strstr(line, "rose here") && strstr(line, "p < 0.001"));
    baseline_hop_line(&c.row[0], line, sizeof(line));
    CHECK(strstr(line, "same") && strstr(line, "best +0.0 ms"));
}

static void icmp_only_and_rtt(void)
{
    static struct baseline_run base, now;
    static struct baseline_cmp c;
    const uint64_t lost[4] = {0, 60, 0, 0}; /* hop 2 answers less; nothing after it loses */
    char line[512];

    run_of(&base, 4, 600, NULL, 1000);
    run_of(&now, 4, 600, lost, 1000);
    now.hop[3].best_us += 5000; /* the destination 5 ms further */
    now.hop[3].median_us += 8000;
    baseline_compare(&base, &now, "good.zst", &c);
    CHECK(c.rise_ttl == 0 && c.row[1].change == BASELINE_ROSE && c.row[1].icmp_only);
    CHECK(!c.row[2].carried && !c.row[3].carried);
    CHECK_NEAR(c.row[3].d_best_us, 5000, 1e-6);
    CHECK_NEAR(c.row[3].d_median_us, 8000, 1e-6);
    baseline_headline(&c, line, sizeof(line));
    CHECK(strstr(line, "no rise in loss reaches the destination") != NULL);
    /* A hop that lost less now: fell. */
    now.hop[1].lost = 0;
    base.hop[1].lost = 60;
    baseline_compare(&base, &now, "good.zst", &c);
    CHECK(c.row[1].change == BASELINE_FELL && c.rise_ttl == 0);
}

static void path_and_responders(void)
{
    static struct baseline_run base, now;
    static struct baseline_cmp c;
    char line[512];

    run_of(&base, 4, 100, NULL, 1000);
    run_of(&now, 5, 100, NULL, 1000); /* one hop longer, and hop 2 is another router */
    now.hop[1].resp[0] = test_addr("203.0.113.7");
    baseline_compare(&base, &now, "good.zst", &c);
    CHECK(c.path_differs && c.nrows == 5);
    CHECK(c.row[1].main_changed && c.row[1].nnew == 1 && c.row[1].nmissing == 1);
    CHECK(c.row[4].change == BASELINE_NO_DATA);
    baseline_hop_line(&c.row[1], line, sizeof(line));
    CHECK(strstr(line, "new 203.0.113.7") && strstr(line, "gone 198.18.1.2"));
    baseline_headline(&c, line, sizeof(line));
    CHECK(strstr(line, "the path differs") != NULL);
}

int main(void)
{
    fisher();
    rise_named_where_it_starts();
    icmp_only_and_rtt();
    path_and_responders();
    return check_finish();
}
