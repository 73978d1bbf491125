/* test_target.c - a target fed rounds the way the prober feeds it: the live hop table, one
 * published diagnosis per completed round held steady (a reply-only claim shows once it came
 * out VERDICTS_HOLD evaluations in a row), per-round evidence, no event for discovering the
 * path, events for a new responder and a new target TTL, reset, and the last evaluation of an
 * interrupted run. */
#include "check.h"
#include "roundplay.h"
#include "path/target.h"
#include "testaddr.h"
#include "path/verdicts.h"
#include "path/detect.h"

#include <string.h>

static struct probe_addr from[4];
static const uint32_t rtt[4] = {1000, 2000, 3000, 4000};

static struct target *new_target(struct round_consumer *c)
{
    struct target_config cfg = {.first_ttl = 1, .max_ttl = 30};
    char err[128];
    struct target *t = target_new(&cfg, err, sizeof(err));

    CHECK(t != NULL);
    *c = target_consumer(t);
    return t;
}

static enum verdict shown(struct target *t, int ttl, uint32_t rounds)
{
    static struct target_view v;
    const struct hop_diag *d;
    enum verdict out;

    CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){rounds, 4, false}, &v) == 0);
    d = target_view_diag(&v, ttl);
    out = d ? d->verdict : VERDICT_UNKNOWN;
    target_view_free(&v);
    return out;
}

/* Hop 2 starts losing every reply after a clean start: the published verdict makes the
 * reply-only claim only once the classifier's own verdict came out reply-only
 * VERDICTS_HOLD rounds in a row, shows only verdicts the classifier gave, and ends there. */
static void steady_verdicts(void)
{
    struct round_consumer c;
    struct target *t = new_target(&c);
    uint64_t lost = 0;
    uint32_t r = 0;
    int raw_since = -1, run = 0;
    bool given[VERDICT_DESTINATION + 1] = {false};

    for (; r < 40; r++)
        play_round(&c, PROBE_ICMP_RAW, r, 4, "aaaa", from, rtt);
    CHECK(shown(t, 2, r) == VERDICT_OK && shown(t, 4, r) == VERDICT_OK);
    given[VERDICT_OK] = true;
    for (; r < 80; r++) {
        static struct target_view tv;
        enum verdict raw, now;
        play_round(&c, PROBE_ICMP_RAW, r, 4, "axaa", from, rtt);
        lost++;
        CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){r + 1, 4, false}, &tv) == 0);
        raw = target_view_diag(&tv, 2)->raw;
        target_view_free(&tv);
        given[raw] = true;
        run = raw == VERDICT_REPLY_ONLY ? run + 1 : 0;
        if (raw_since < 0 && raw == VERDICT_REPLY_ONLY)
            raw_since = (int)r;
        now = shown(t, 2, r + 1);
        CHECK(given[now]);
        if (now == VERDICT_REPLY_ONLY)
            CHECK(raw_since >= 0 && (int)r >= raw_since + VERDICTS_HOLD - 1);
    }
    CHECK(run > 10 && shown(t, 2, r) == VERDICT_REPLY_ONLY);
    CHECK(raw_since > 40 && raw_since < 60);
    {
        static struct target_view v;
        CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){r, 4, false}, &v) == 0);
        /* Per-round evidence: in every lost round the destination answered. */
        CHECK(v.diag.hop[1].rounds_lost == 40 && v.diag.hop[1].rounds_lost_dest_ok == 40);
        CHECK(v.snap.hops[1].lost == 40 && v.rounds == r);
        target_view_free(&v);
    }
    target_free(t);
}

static void events_and_reset(void)
{
    struct round_consumer c;
    struct target *t = new_target(&c);
    struct event ev[8];
    struct probe_addr moved[4];
    static struct target_view v;
    int n;

    /* Discovering the path makes no event. */
    for (uint32_t r = 0; r < 5; r++)
        play_round(&c, PROBE_ICMP_RAW, r, 4, "aaaa", from, rtt);
    CHECK(events_copy(target_events(t), ev, 8) == 0);
    /* Hop 2 answers from a new address: one path change, however often it answers. */
    memcpy(moved, from, sizeof(moved));
    moved[1] = test_addr("198.18.1.99");
    for (uint32_t r = 5; r < 8; r++)
        play_round(&c, PROBE_ICMP_RAW, r, 4, "aaaa", moved, rtt);
    /* The target now answers at TTL 3: a change once it held DETECT_STABLE_ROUNDS rounds. */
    for (uint32_t r = 8; r < 8 + DETECT_STABLE_ROUNDS; r++) {
        CHECK(events_copy(target_events(t), ev, 8) == 1);
        play_round(&c, PROBE_ICMP_RAW, r, 3, "aaa", moved, rtt);
    }
    n = events_copy(target_events(t), ev, 8);
    CHECK(n == 2 && ev[0].kind == EVENT_PATH_CHANGE && ev[0].hops[0] == 2 &&
          strstr(ev[0].text, "198.18.1.99") && strstr(ev[0].text, "198.18.1.2"));
    CHECK(ev[1].kind == EVENT_PATH_CHANGE && strstr(ev[1].text, "TTL 3 (was 4)"));
    /* Reset: statistics and diagnosis gone at once, an event says so. */
    target_reset(t, PROBE_ICMP_RAW);
    CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){9, 3, false}, &v) == 0);
    CHECK(v.snap.hops[0].sent == 0 && v.diag.n == 0);
    n = events_copy(target_events(t), ev, 8);
    CHECK(n == 3 && ev[2].kind == EVENT_RESET && events_count(target_events(t)) == 3);
    /* An interrupted run: probes completed after the last complete round still count. */
    for (uint32_t r = 11; r < 42; r++)
        play_round(&c, PROBE_ICMP_RAW, r, 3, "aaa", moved, rtt);
    {
        struct round_probe p[3] = {{.outcome = ROUND_PENDING}};
        struct round half = {.number = 40,
                             .mode = PROBE_ICMP_RAW,
                             .first_ttl = 1,
                             .last_ttl = 1,
                             .dest_ttl = 3,
                             .probe = p};
        c.on_probe(c.ctx, &half, 1);
        p[0].outcome = ROUND_LOST;
        c.on_probe(c.ctx, &half, 1);
    }
    CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){41, 3, false}, &v) == 0 &&
          v.in[0].n == 31);
    target_finalize(t, PROBE_ICMP_RAW, &(struct round_path){41, 3, false});
    CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){41, 3, false}, &v) == 0 &&
          v.in[0].n == 32 && v.in[0].lost == 1);
    target_view_free(&v);
    target_free(t);
}

int main(void)
{
    for (int i = 0; i < 4; i++) {
        char a[32];
        snprintf(a, sizeof(a), "198.18.%d.2", i);
        from[i] = test_addr(a);
    }
    steady_verdicts();
    events_and_reset();
    return check_finish();
}
