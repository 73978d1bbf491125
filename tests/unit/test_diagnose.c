/* test_diagnose.c - the loss classifier on vectors measured in a namespace lab (rate-limited
 * hops, link loss, policers, outages: the table below), plus the small-sample, silent-hop and
 * interval cases. */
#include "check.h"
#include "diagnose.h"

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

static void run_vector(const struct vector *v)
{
    struct diag_input in[8];
    static struct path_diag d;
    char ev[256];

    for (int i = 0; i < v->n; i++)
        in[i] = (struct diag_input){.ttl = i + 1, .n = v->probes, .lost = v->lost[i]};
    diagnose_path(in, v->n, true, &d);
    for (int i = 0; i < v->n; i++) {
        CHECK(d.hop[i].verdict == v->want[i]);
        if (d.hop[i].verdict != v->want[i])
            fprintf(stderr, "  %s: hop %d is %s, want %s\n", v->name, i + 1,
                    verdict_name(d.hop[i].verdict), verdict_name(v->want[i]));
        diagnose_evidence(in, &d, i, ev, sizeof(ev));
        CHECK(evidence_says(ev, i + 1, d.hop[i].verdict));
    }
    CHECK((v->onset_ttl == 0 && d.onset < 0) || (d.onset >= 0 && in[d.onset].ttl == v->onset_ttl));
    if (v->onset_ttl) {
        int prev = d.onset_prev >= 0 ? in[d.onset_prev].ttl : 0;
        CHECK(prev == v->onset_prev_ttl);
        if (prev != v->onset_prev_ttl || d.onset < 0 || in[d.onset].ttl != v->onset_ttl)
            fprintf(stderr, "  %s: onset (%d,%d], want (%d,%d]\n", v->name, prev,
                    d.onset >= 0 ? in[d.onset].ttl : 0, v->onset_prev_ttl, v->onset_ttl);
    }
}

static void small_samples(void)
{
    /* 1 lost of 5 is not "20% loss": unknown, and no onset. */
    struct diag_input in[3] = {{1, 5, 0}, {2, 5, 1}, {3, 5, 1}};
    static struct path_diag d;
    diagnose_path(in, 3, true, &d);
    CHECK(d.hop[0].verdict == UN && d.hop[1].verdict == UN && d.hop[2].verdict == UN);
    CHECK(d.onset < 0);
}

static void silent_and_intervals(void)
{
    struct diag_input in[4] = {{1, 300, 0}, {2, 300, 300}, {3, 300, 0}, {4, 300, 0}};
    static struct path_diag d;
    double lo, hi;

    diagnose_path(in, 4, true, &d);
    CHECK(d.hop[1].verdict == RO); /* a silent hop with a clean path after it */
    CHECK(d.hop[0].verdict == OK && d.hop[0].ci_hi < 0.023 && d.hop[0].ci_hi > 0.020);
    /* Wilson at 99 %: 0 of 300 -> upper 2.2 % (the brief's table). */
    diag_wilson(0, 300, DIAG_Z, &lo, &hi);
    CHECK(lo == 0.0 && hi > 0.0215 && hi < 0.0222);
    diag_wilson(50, 100, 1.96, &lo, &hi);
    CHECK(lo > 0.40 && lo < 0.41 && hi > 0.59 && hi < 0.60);
    diag_newcombe(30, 100, 10, 100, 1.96, &lo, &hi);
    CHECK(lo > 0.08 && lo < 0.10 && hi > 0.29 && hi < 0.31);
    /* No destination answer and a lossy last hop: nothing to compare with. */
    {
        struct diag_input t[3] = {{1, 200, 0}, {2, 200, 0}, {3, 200, 40}};
        diagnose_path(t, 3, false, &d);
        CHECK(d.hop[2].verdict == UN && d.hop[1].verdict == OK);
    }
    /* Two onsets: 5 % into hop 2 and a further 10 % into hop 4: the first is reported. */
    {
        struct diag_input t[5] = {
            {1, 2000, 0}, {2, 2000, 100}, {3, 2000, 98}, {4, 2000, 300}, {5, 2000, 302}};
        diagnose_path(t, 5, true, &d);
        CHECK(d.onset == 1 && d.hop[3].verdict == FW && d.hop[1].verdict == FW);
    }
}

/* Loss into the last link before the destination looks like the destination's own only when
 * the destination loses beyond both the path and the last hop; a claim is made at the path's
 * family-wise level, which grows with the hops and the doublings of the probe count. */
static void destination_claims(void)
{
    static struct path_diag d;
    struct diag_input last_link[8], own[8];

    for (int i = 0; i < 8; i++) {
        last_link[i] = (struct diag_input){i + 1, 100, i == 6 ? 3 : i == 7 ? 9 : 0};
        own[i] = (struct diag_input){i + 1, 100, i == 7 ? 20 : 0};
    }
    diagnose_path(last_link, 8, DIAG_END_TARGET, &d);
    CHECK(d.hop[7].verdict != DS && d.hop[6].verdict != OK);
    diagnose_path(own, 8, DIAG_END_TARGET, &d);
    CHECK(d.hop[7].verdict == DS && d.onset == 7);
    for (int i = 0; i < 7; i++)
        CHECK(d.hop[i].verdict == OK);
    CHECK(diag_z_for(1) > 3.08 && diag_z_for(1) < 3.10); /* 0.1% one-sided */
    CHECK(diag_z_for(40) > diag_z_for(8) && diag_z_for(8) > diag_z_for(1));
    CHECK(d.claim_z > diag_z_for(8)); /* 8 hops, and a second look at 40 probes */
}

int main(void)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        run_vector(&vectors[i]);
    small_samples();
    silent_and_intervals();
    destination_claims();
    return check_finish();
}
