/* test_hops.c - the hop table on fixed sample sequences: counts and the in-flight invariant,
 * loss that excludes probes in flight, Welford mean/stddev against a two-pass computation,
 * RFC 3550 and mtr jitter, responders (ECMP) and news of a new one, cancel, reset, what a
 * snapshot shows and the counts a diagnosis reads. */
#include "check.h"
#include "path/hops.h"
#include "testaddr.h"

#include <math.h>
#include <string.h>

static void counts_and_loss(void)
{
    struct hops *h = hops_new(1, 30);
    struct hops_snapshot snap = {0};
    struct probe_addr a = test_addr("198.18.0.2");

    for (int i = 0; i < 10; i++)
        hops_record_sent(h, PROBE_UDP, 1);
    for (int i = 0; i < 6; i++)
        hops_record_reply(h, PROBE_UDP, 1,
                          &(struct hop_reply){.from = a,
                                              .rtt_us = 1000,
                                              .sent_us = 0,
                                              .round = (uint32_t)i,
                                              .reply_ttl = 64,
                                              .is_dest = false,
                                              .unreach = 0},
                          NULL);
    hops_record_loss(h, PROBE_UDP, 1, 0, 6);
    hops_record_loss(h, PROBE_UDP, 1, 0, 7);
    CHECK(hops_snapshot(h, PROBE_UDP, 0, &snap) == 0);
    CHECK(snap.hops[0].sent == 10 && snap.hops[0].received == 6 && snap.hops[0].lost == 2);
    CHECK(snap.hops[0].inflight == 2);                   /* sent == received + lost + inflight */
    CHECK_NEAR(hop_loss_pct(&snap.hops[0]), 25.0, 1e-9); /* 2 of 8 completed, not 4 of 10 */
    /* Other modes are separate. */
    CHECK(hops_snapshot(h, PROBE_TCP, 0, &snap) == 0 && snap.hops[0].sent == 0);
    /* A reply without a probe in flight is ignored. */
    hops_record_cancel(h, PROBE_UDP, 1);
    hops_record_cancel(h, PROBE_UDP, 1);
    hops_record_cancel(h, PROBE_UDP, 1);
    hops_record_reply(h, PROBE_UDP, 1,
                      &(struct hop_reply){.from = a,
                                          .rtt_us = 1000,
                                          .sent_us = 0,
                                          .round = 9,
                                          .reply_ttl = 64,
                                          .is_dest = false,
                                          .unreach = 0},
                      NULL);
    CHECK(hops_snapshot(h, PROBE_UDP, 0, &snap) == 0);
    CHECK(snap.hops[0].sent == 8 && snap.hops[0].inflight == 0 && snap.hops[0].received == 6);
    hops_snapshot_free(&snap);
    hops_free(h);
}

static void rtt_statistics(void)
{
    const uint32_t rtts[] = {10000, 12000, 9000, 15000, 11000, 30000, 10500};
    const size_t n = sizeof(rtts) / sizeof(rtts[0]);
    struct hops *h = hops_new(1, 5);
    struct hops_snapshot snap = {0};
    struct probe_addr a = test_addr("2001:db8::2");
    double mean = 0, var = 0, j3550 = 0, javg = 0;
    uint32_t jmax = 0;

    for (size_t i = 0; i < n; i++) {
        hops_record_sent(h, PROBE_ICMP_RAW, 2);
        hops_record_reply(h, PROBE_ICMP_RAW, 2,
                          &(struct hop_reply){.from = a,
                                              .rtt_us = rtts[i],
                                              .sent_us = i * 1000,
                                              .round = (uint32_t)i,
                                              .reply_ttl = 63,
                                              .is_dest = false,
                                              .unreach = 0},
                          NULL);
        mean += rtts[i];
    }
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += (rtts[i] - mean) * (rtts[i] - mean);
    var /= (double)(n - 1);
    for (size_t i = 1; i < n; i++) {
        double d = fabs((double)rtts[i] - (double)rtts[i - 1]);
        j3550 += (d - j3550) / 16.0;
        javg += d;
        if (d > jmax)
            jmax = (uint32_t)d;
    }
    javg /= (double)(n - 1);
    CHECK(hops_snapshot(h, PROBE_ICMP_RAW, 0, &snap) == 0);
    {
        const struct hop_stats *s = &snap.hops[1];
        CHECK_NEAR(s->rtt.mean_us, mean, 1e-6);
        CHECK_NEAR(rtt_stddev_us(&s->rtt), sqrt(var), 1e-6);
        CHECK(s->rtt.best_us == 9000 && s->rtt.worst_us == 30000 && s->rtt.last_us == 10500);
        CHECK_NEAR(s->jitter_us, j3550, 1e-6);
        CHECK_NEAR(s->javg_us, javg, 1e-6);
        CHECK(s->jmax_us == jmax && s->jttr_us == 19500);
        CHECK(s->nsamples == (int)n &&
              fabs(hop_sample_rtt_us(&s->ring[(s->ring_head + HOPS_RING - 1) % HOPS_RING]) -
                   10500) < 10500 * 0.0004);
    }
    hops_snapshot_free(&snap);
    hops_free(h);
}

static void responders_and_path(void)
{
    struct hops *h = hops_new(1, 30);
    struct hops_snapshot snap = {0};
    struct probe_addr a = test_addr("198.18.1.2"), b = test_addr("198.18.9.2"),
                      d = test_addr("198.18.3.2");

    struct probe_addr first = {0};
    bool news[3];

    for (int i = 0; i < 3; i++) {
        hops_record_sent(h, PROBE_UDP, 2);
        news[i] = hops_record_reply(h, PROBE_UDP, 2,
                                    &(struct hop_reply){.from = *(i == 1 ? &b : &a),
                                                        .rtt_us = 500,
                                                        .sent_us = 0,
                                                        .round = (uint32_t)i,
                                                        .reply_ttl = 63,
                                                        .is_dest = false,
                                                        .unreach = 0},
                                    &first);
    }
    /* The first responder is discovery; a second one is news, once, naming the first. */
    CHECK(!news[0] && news[1] && !news[2] && probe_addr_equal(&first, &a));
    CHECK(hops_snapshot(h, PROBE_UDP, 0, &snap) == 0);
    CHECK(snap.hops[1].nresponders == 2);
    CHECK(probe_addr_equal(&hop_main_responder(&snap.hops[1])->addr, &a));
    CHECK(snap.nhops == 2 && snap.dest_ttl == 0); /* up to the last hop that answered */
    hops_record_sent(h, PROBE_UDP, 4);
    hops_record_reply(h, PROBE_UDP, 4,
                      &(struct hop_reply){.from = d,
                                          .rtt_us = 900,
                                          .sent_us = 0,
                                          .round = 3,
                                          .reply_ttl = 61,
                                          .is_dest = true,
                                          .unreach = 0},
                      NULL);
    hops_record_sent(h, PROBE_UDP, 3);
    hops_record_reply(h, PROBE_UDP, 3,
                      &(struct hop_reply){.from = b,
                                          .rtt_us = 700,
                                          .sent_us = 0,
                                          .round = 3,
                                          .reply_ttl = 62,
                                          .is_dest = false,
                                          .unreach = PROBE_UNREACH_ADMIN},
                      NULL);
    CHECK(hops_snapshot(h, PROBE_UDP, 4, &snap) == 0 && snap.nhops == 4 && snap.dest_ttl == 4);
    CHECK(snap.hops[3].responders[0].is_dest && snap.hops[3].responders[0].reply_ttl == 61);
    CHECK(snap.hops[2].unreach == 1 && snap.hops[2].unreach_code == PROBE_UNREACH_ADMIN &&
          snap.hops[3].unreach == 0);
    { /* the resolver's view: each responder's address once per hop, a count of the added */
        struct probe_addr got[8];
        CHECK(hops_responders_added(h) == 4); /* a, b at hop 2; d at 4; b again at 3 */
        CHECK(hops_responders(h, got, 8) == 4 && probe_addr_equal(&got[0], &a) &&
              probe_addr_equal(&got[1], &b) && probe_addr_equal(&got[2], &b) &&
              probe_addr_equal(&got[3], &d));
        CHECK(hops_responders(h, got, 2) == 2); /* no more than asked */
    }
    /* Reset zeroes statistics but keeps probes in flight consistent. */
    hops_record_sent(h, PROBE_UDP, 1);
    hops_reset(h);
    CHECK(hops_snapshot(h, PROBE_UDP, 4, &snap) == 0);
    CHECK(snap.hops[0].sent == 1 && snap.hops[0].inflight == 1 && snap.hops[1].received == 0);
    hops_record_loss(h, PROBE_UDP, 1, 0, 0);
    CHECK(hops_snapshot(h, PROBE_UDP, 0, &snap) == 0 && snap.hops[0].lost == 1);
    {
        struct diag_input c[8];
        struct hop_stats one;
        CHECK(hops_counts(h, PROBE_UDP, 4, c, 8) == 4);
        CHECK(c[0].ttl == 1 && c[0].n == 1 && c[0].lost == 1 && c[3].ttl == 4 && c[3].n == 0);
        CHECK(hops_get(h, PROBE_UDP, 1, &one) && one.lost == 1 &&
              !hops_get(h, PROBE_UDP, 31, &one));
    }
    hops_snapshot_free(&snap);
    hops_free(h);
    CHECK(hops_new(1, 0) == NULL && hops_new(5, 4) == NULL && hops_new(1, 256) == NULL);
}

/* tracepath's guess of the hops back: the initial TTL is the next of 64, 128, 255. */
static void return_hops(void)
{
    CHECK(hop_return_hops(64) == 1 && hop_return_hops(63) == 2 && hop_return_hops(1) == 64);
    CHECK(hop_return_hops(65) == 64 && hop_return_hops(128) == 1 && hop_return_hops(129) == 127);
    CHECK(hop_return_hops(255) == 1 && hop_return_hops(0) == -1 && hop_return_hops(-1) == -1);
    CHECK(hop_return_hops(256) == -1);
}

int main(void)
{
    return_hops();
    counts_and_loss();
    rtt_statistics();
    responders_and_path();
    return check_finish();
}
