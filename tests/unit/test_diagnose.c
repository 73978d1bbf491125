/* test_diagnose.c - the loss classifier on vectors measured in a namespace lab (rate-limited
 * hops, link loss, policers, outages: the table below), played round by round through the
 * sequential tests as hopwatch plays them (verdicts.c); the small-sample, silent-hop and
 * interval cases; the destination's own claim; an outage that one hop never sees while the
 * hops after it lose it together; and the tests' error rate under the null. */
#include "check.h"
#include "path/diagnose.h"
#include "path/eproc.h"
#include "path/verdicts.h"

#include <math.h>
#include <string.h>

#define OK VERDICT_OK
#define RO VERDICT_REPLY_ONLY
#define FW VERDICT_FORWARDING
#define DS VERDICT_DESTINATION
#define UN VERDICT_UNKNOWN

struct vector {
    const char *name;
    int n;
    uint64_t probes;
    uint64_t lost[8];
    enum verdict want[8];
    int onset_ttl; /* 0: none */
    int onset_prev_ttl;
};

static const struct vector vectors[] = {
    {"S1 rate-limited hop 2", 5, 200, {0, 184, 0, 0, 0}, {OK, RO, OK, OK, OK}, 0, 0},
    {"S2 link loss into 2", 5, 200, {0, 25, 21, 17, 18}, {OK, FW, FW, FW, FW}, 2, 1},
    {"S3 rl 2 + loss into 4", 5, 200, {0, 185, 0, 23, 14}, {OK, RO, OK, FW, FW}, 4, 3},
    {"S4 loss into 3, policed 4", 5, 200, {0, 0, 18, 145, 14}, {OK, OK, FW, RO, FW}, 3, 2},
    {"S5 udp dest ratelimit", 5, 200, {0, 0, 0, 0, 185}, {OK, OK, OK, OK, DS}, 5, 4},
    {"P1 rl 2 + outages into 3", 5, 400, {0, 375, 26, 29, 30}, {OK, RO, FW, FW, FW}, 3, 1},
    {"P2 90% into 2", 5, 400, {0, 360, 363, 370, 354}, {OK, FW, FW, FW, FW}, 2, 1},
};

/* Plays `probes` rounds over hops 1..n into v, hop i losing lost[i] of them spread evenly
 * (each hop at its own phase: different packets, so different rounds) or, with `together`,
 * in the same rounds as every other hop that loses as many (an outage). */
static void play(struct verdicts *v, int n, uint64_t probes, const uint64_t *lost,
                 enum diag_end end, bool together)
{
    struct round_probe probe[8];
    struct diag_input counts[8];
    struct round r = {
        .first_ttl = 1, .last_ttl = n, .dest_ttl = end == DIAG_END_TARGET ? n : 0, .probe = probe};

    verdicts_reset(v);
    for (int i = 0; i < n; i++)
        counts[i] = (struct diag_input){.ttl = i + 1};
    for (uint64_t k = 0; k < probes; k++) {
        memset(probe, 0, sizeof(probe));
        r.number = (uint32_t)k;
        for (int i = 0; i < n; i++) {
            uint64_t at = together ? k : (k + (uint64_t)i * 7919u) % probes;
            bool l = (at + 1) * lost[i] / probes > at * lost[i] / probes;
            probe[i].outcome = l ? ROUND_LOST : ROUND_ANSWERED;
            counts[i].n++;
            counts[i].lost += l;
        }
        verdicts_add_round(v, &r);
        verdicts_evaluate(v, counts, n, end);
    }
}

/* The evidence line names the hop and says what its verdict means. */
static bool evidence_says(const char *ev, int ttl, enum verdict v)
{
    static const char *const words[] = {[VERDICT_UNKNOWN] = "",
                                        [VERDICT_OK] = "no loss beyond noise",
                                        [VERDICT_REPLY_ONLY] = "reply-only",
                                        [VERDICT_FORWARDING] = "carries on",
                                        [VERDICT_DESTINATION] = "only the destination loses"};
    char hop[32];

    snprintf(hop, sizeof(hop), "hop %d", ttl);
    return strstr(ev, words[v]) && (v == VERDICT_DESTINATION || strstr(ev, hop));
}

static void run_vector(const struct vector *vec)
{
    static struct verdicts v;
    const struct path_diag *d = &v.diag;
    char ev[320];
    int prev;

    play(&v, vec->n, vec->probes, vec->lost, DIAG_END_TARGET, vec->lost[1] == 375);
    for (int i = 0; i < vec->n; i++) {
        CHECK(d->hop[i].verdict == vec->want[i]);
        if (d->hop[i].verdict != vec->want[i])
            fprintf(stderr, "  %s: hop %d is %s, want %s\n", vec->name, i + 1,
                    verdict_name(d->hop[i].verdict), verdict_name(vec->want[i]));
        diagnose_evidence(v.in, d, i, ev, sizeof(ev));
        CHECK(evidence_says(ev, i + 1, d->hop[i].verdict));
    }
    CHECK(diagnose_onset_ttl(v.in, d) == vec->onset_ttl);
    prev = d->onset_prev >= 0 ? v.in[d->onset_prev].ttl : 0;
    CHECK(!vec->onset_ttl || prev == vec->onset_prev_ttl);
    if (diagnose_onset_ttl(v.in, d) != vec->onset_ttl ||
        (vec->onset_ttl && prev != vec->onset_prev_ttl))
        fprintf(stderr, "  %s: onset (%d,%d], want (%d,%d]\n", vec->name, prev,
                diagnose_onset_ttl(v.in, d), vec->onset_prev_ttl, vec->onset_ttl);
}

static void small_samples(void)
{
    /* 1 lost of 5 is not "20% loss": unknown, waiting for probes, and no onset. */
    static struct verdicts v;
    const uint64_t lost[3] = {0, 1, 1};
    char ev[320];

    play(&v, 3, 5, lost, DIAG_END_TARGET, false);
    for (int i = 0; i < 3; i++)
        CHECK(v.diag.hop[i].verdict == UN && v.diag.hop[i].waits == DIAG_WAIT_PROBES);
    CHECK(v.diag.onset < 0);
    diagnose_evidence(v.in, &v.diag, 1, ev, sizeof(ev));
    CHECK(strstr(ev, "1 of 5 probes lost; 20 completed probes needed") != NULL);
}

static void silent_and_intervals(void)
{
    static struct verdicts v;
    const uint64_t silent[4] = {0, 300, 0, 0}, open[3] = {0, 0, 40};
    double lo, hi;

    play(&v, 4, 300, silent, DIAG_END_TARGET, false);
    CHECK(v.diag.hop[1].verdict == RO); /* a silent hop with a clean path after it */
    CHECK(v.diag.hop[0].verdict == OK && v.diag.hop[0].ci_hi < 0.023 &&
          v.diag.hop[0].ci_hi > 0.020);
    /* Wilson at 99 %: 0 of 300 -> upper 2.2 % (the brief's table). */
    diag_wilson(0, 300, DIAG_Z, &lo, &hi);
    CHECK(lo == 0.0 && hi > 0.0215 && hi < 0.0222);
    diag_wilson(50, 100, 1.96, &lo, &hi);
    CHECK(lo > 0.40 && lo < 0.41 && hi > 0.59 && hi < 0.60);
    /* No destination answer and a lossy last hop: nothing to compare with. */
    play(&v, 3, 200, open, DIAG_END_OPEN, false);
    CHECK(v.diag.hop[2].verdict == UN && v.diag.hop[2].waits == DIAG_WAIT_COMPARE);
    CHECK(v.diag.hop[1].verdict == UN || v.diag.hop[1].verdict == OK);
    /* Two onsets: 5 % into hop 2 and a further 10 % into hop 4: the first is reported. */
    {
        const uint64_t two[5] = {0, 100, 98, 300, 302};
        play(&v, 5, 2000, two, DIAG_END_TARGET, false);
        CHECK(diagnose_onset_ttl(v.in, &v.diag) == 2 && v.diag.hop[3].verdict == FW &&
              v.diag.hop[1].verdict == FW);
    }
}

/* Loss into the last link before the destination looks like the destination's own only when
 * the destination loses beyond both the path and the last hop; the claim is the path's one
 * destination claim, at DIAG_CLAIM_ALPHA; per-hop claims share it over the usable hops. */
static void destination_claims(void)
{
    static struct verdicts v;
    uint64_t last_link[8] = {0}, own[8] = {0};

    last_link[6] = 3;
    last_link[7] = 9;
    own[7] = 20;
    play(&v, 8, 100, last_link, DIAG_END_TARGET, false);
    CHECK(v.diag.hop[7].verdict != DS && v.diag.hop[6].verdict != OK);
    play(&v, 8, 100, own, DIAG_END_TARGET, false);
    CHECK(v.diag.hop[7].verdict == DS && v.diag.onset == 7);
    for (int i = 0; i < 7; i++)
        CHECK(v.diag.hop[i].verdict == OK);
    CHECK_NEAR(v.diag.claim_log, log(8 / DIAG_CLAIM_ALPHA), 1e-9);
    CHECK_NEAR(v.diag.dest_log, log(1 / DIAG_CLAIM_ALPHA), 1e-9);
}

/* An outage that hop 3 never sees while hops 4-6 lose the same rounds together is a whole
 * point of evidence in each of those rounds: 20 one-round outages in 260 rounds place the
 * onset between hop 3 and hop 4 (log2(8000) is 13 such rounds, and a mixture of two bets
 * costs one more); after 120 rounds hop 3 still says what it waits for, and for how long. */
static void outages_count_per_round(void)
{
    static struct verdicts v;
    const uint64_t lost[6] = {0, 0, 0, 20, 20, 20}, early[6] = {0, 0, 0, 9, 9, 9};

    play(&v, 6, 260, lost, DIAG_END_TARGET, true);
    CHECK(diagnose_onset_ttl(v.in, &v.diag) == 4 && v.diag.onset_prev == 2);
    CHECK(v.diag.hop[2].verdict == OK && v.diag.hop[2].clean);
    CHECK(v.diag.hop[3].verdict == FW && v.diag.hop[5].verdict == FW);
    play(&v, 6, 120, early, DIAG_END_TARGET, true);
    CHECK(v.diag.hop[2].verdict == UN && v.diag.hop[2].waits == DIAG_WAIT_START);
    CHECK(v.diag.hop[2].need > 0 && v.diag.hop[2].need < 400);
}

/* Under the null (two hops with the same 5% loss, independent), a test's e-value reaches the
 * claim level in far fewer than alpha of the runs, however often it is looked at. */
static void null_rarely_claims(void)
{
    uint64_t x = 88172645463325252ull;
    int crossed = 0, runs = 2000;

    for (int run = 0; run < runs; run++) {
        struct eproc e;
        eproc_reset(&e);
        for (int k = 0; k < 1000; k++) {
            double a, b;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a = (x >> 11) * 0x1.0p-53 < 0.05;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b = (x >> 11) * 0x1.0p-53 < 0.05;
            eproc_add_paired(&e, a - b);
            if (eproc_log(&e) >= log(1 / 0.01)) {
                crossed++;
                break;
            }
        }
    }
    CHECK(crossed <= runs / 100); /* Ville: at most 1% at level 0.01 */
    {
        struct eproc e;
        eproc_reset(&e);
        for (int k = 0; k < 30; k++)
            eproc_add_paired(&e, 1.0);
        CHECK(eproc_log(&e) > 30 * log(1.95) - log(2) - 1e-9); /* a whole point a round */
        CHECK(eproc_rounds_to(&e, 1e9) > 0 && eproc_rounds_to(&e, 1.0) == 0);
    }
}

int main(void)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        run_vector(&vectors[i]);
    small_samples();
    silent_and_intervals();
    destination_claims();
    outages_count_per_round();
    null_rarely_claims();
    return check_finish();
}
