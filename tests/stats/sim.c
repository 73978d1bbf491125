/* sim.c - the synthetic paths and the judge (see sim.h). */
#include "sim.h"
#include "path/verdicts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xoshiro256** seeded by splitmix64: fast, and the same numbers on every machine. */
struct rng {
    uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static double uniform(struct rng *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return (double)(res >> 11) * 0x1.0p-53;
}

/* Linux's inet_peer_xrlim_allow: tokens are time, one ICMP costs 1/rate seconds, the bucket
 * holds `burst` of them and starts full. */
struct bucket {
    double tokens, last;
};

static bool bucket_allow(struct bucket *b, double now, double per_s, int burst)
{
    double cost = 1.0 / per_s;

    b->tokens += now - b->last;
    b->last = now;
    if (b->tokens > burst * cost)
        b->tokens = burst * cost;
    if (b->tokens < cost)
        return false;
    b->tokens -= cost;
    return true;
}

/* The share of replies a limiter lets through at one probe per interval, in the long run. */
static double limiter_pass(const struct scenario *sc)
{
    double pass = sc->limit_per_s * sc->interval_s;
    pass = pass > 1.0 ? 1.0 : pass;
    return sc->limit_one_of_two ? 0.5 + 0.5 * pass : pass;
}

/* The long-run share of rounds in a burst: a renewal of good runs (mean 1/start rounds,
 * less one when a timer's burst ends into a round that may start the next) and bursts. */
static double burst_share(const struct scenario *sc)
{
    double good = sc->burst_fixed ? 1.0 / sc->burst_start - 1.0 : 1.0 / sc->burst_start;

    return sc->burst_hop ? sc->burst_rounds / (sc->burst_rounds + good) : 0.0;
}

void sim_truth(const struct scenario *sc, enum verdict *want, double *loss, int *onset)
{
    double fwd = 0.0, outage = sc->outage_every ? (double)sc->outage_len / sc->outage_every : 0;
    double bad = burst_share(sc);

    *onset = 0;
    for (int h = 1; h <= sc->hops; h++) {
        double reach, reply = 1.0;
        fwd = 1.0 - (1.0 - fwd) * (1.0 - sc->link_loss[h]);
        reach = (1.0 - fwd) * (sc->outage_hop && h >= sc->outage_hop ? 1.0 - outage : 1.0) *
                (sc->burst_hop && h >= sc->burst_hop ? 1.0 - bad : 1.0);
        if (sc->return_loss)
            reach *= 1.0 - fwd;
        if (h == sc->limit_hop || h == sc->limit_hop2)
            reply = limiter_pass(sc);
        if (h == sc->hops)
            reply = 1.0 - sc->dest_loss;
        loss[h] = 1.0 - reach * reply;
        if (!*onset && (reach < 1.0 || (h == sc->hops && reply < 1.0)))
            *onset = h; /* destination-only loss starts at the destination */
        if (h == sc->hops)
            want[h] = reply < 1.0   ? VERDICT_DESTINATION
                      : reach < 1.0 ? VERDICT_FORWARDING
                                    : VERDICT_OK;
        else
            want[h] = reply < 1.0   ? VERDICT_REPLY_ONLY
                      : reach < 1.0 ? VERDICT_FORWARDING
                                    : VERDICT_OK;
    }
}

/* One round: which TTLs came back. */
static void play(const struct scenario *sc, struct rng *g, int round, struct bucket *b, int *bad,
                 struct round *r)
{
    double now = round * sc->interval_s;
    bool out = sc->outage_every && round % sc->outage_every < sc->outage_len;

    /* *bad: rounds of the burst left, this one included (0: none) */
    if (sc->burst_hop && sc->burst_fixed)
        *bad = *bad > 1 ? *bad - 1 : uniform(g) < sc->burst_start ? (int)sc->burst_rounds : 0;
    else if (sc->burst_hop)
        *bad = *bad ? uniform(g) >= 1.0 / sc->burst_rounds : uniform(g) < sc->burst_start;
    for (int h = 1; h <= sc->hops; h++) {
        bool ok = !(out && h >= sc->outage_hop) && !(*bad && h >= sc->burst_hop);
        for (int k = 1; k <= h && ok; k++)
            ok = uniform(g) >= sc->link_loss[k];
        if (ok && (h == sc->limit_hop || h == sc->limit_hop2)) {
            int which = sc->limit_one_of_two ? uniform(g) < 0.5 : 1;
            ok = !which || bucket_allow(&b[h], now, sc->limit_per_s, sc->limit_burst);
        }
        if (ok && h == sc->hops)
            ok = uniform(g) >= sc->dest_loss;
        for (int k = h; k >= 1 && ok && sc->return_loss; k--)
            ok = uniform(g) >= sc->link_loss[k];
        r->probe[h - 1].outcome = ok ? ROUND_ANSWERED : ROUND_LOST;
    }
}

/* Is verdict v, with interval [lo, hi], an honest reading of a hop whose truth is want? */
static bool honest(enum verdict v, enum verdict want, double lo, double hi, double loss)
{
    if (v == want || v == VERDICT_UNKNOWN)
        return true;
    /* A loss too small to see at this count may read ok if its interval holds the truth. */
    return v == VERDICT_OK && lo <= loss && loss <= hi;
}

/* What the judge holds a run to. */
struct truth {
    enum verdict want[SIM_MAX_HOPS + 1];
    double loss[SIM_MAX_HOPS + 1]; /* in the long run */
    double seen[SIM_MAX_HOPS + 1]; /* in this run's bursts, as often as they came */
    double bad;                    /* the long-run share of rounds in a burst */
    int onset;
};

static void truth_of(const struct scenario *sc, struct truth *t)
{
    sim_truth(sc, t->want, t->loss, &t->onset);
    memcpy(t->seen, t->loss, sizeof(t->seen));
    t->bad = burst_share(sc);
}

/* Is the diagnosis v every hop's true verdict with the onset placed where it is? */
static bool decided(const struct scenario *sc, const struct verdicts *v, const struct truth *t)
{
    for (int h = 1; h <= sc->hops; h++)
        if (v->diag.hop[h - 1].verdict != t->want[h])
            return false;
    return (v->diag.onset >= 0 ? v->in[v->diag.onset].ttl : 0) == t->onset;
}

/* Plays `rounds` rounds into v; after round `warmup`, counts each hop's verdict changes into
 * flips (NULL: no counting); with t, returns the probes after which the run was decided and
 * stayed so (0: not decided at the end). */
static int play_all(const struct scenario *sc, int rounds, uint64_t seed, struct verdicts *v,
                    int warmup, int *flips, struct truth *t)
{
    struct round_probe probe[SIM_MAX_HOPS];
    struct diag_input counts[SIM_MAX_HOPS];
    struct bucket b[SIM_MAX_HOPS + 1] = {{0}};
    enum verdict last[SIM_MAX_HOPS] = {0};
    struct round r = {.first_ttl = 1, .last_ttl = sc->hops, .dest_ttl = sc->hops, .probe = probe};
    struct rng g;
    int bad = 0, since = 0, bad_rounds = 0;

    rng_seed(&g, seed);
    verdicts_reset(v);
    for (int h = 1; h <= sc->hops; h++) {
        counts[h - 1] = (struct diag_input){.ttl = h};
        b[h] = (struct bucket){.tokens =
                                   sc->limit_burst / (sc->limit_per_s > 0 ? sc->limit_per_s : 1)};
    }
    for (int i = 0; i < rounds; i++) {
        r.number = (uint32_t)i;
        play(sc, &g, i, b, &bad, &r);
        bad_rounds += bad > 0;
        for (int h = 0; h < sc->hops; h++) {
            counts[h].n++;
            counts[h].lost += probe[h].outcome == ROUND_LOST;
        }
        verdicts_add_round(v, &r);
        verdicts_evaluate(v, counts, sc->hops, DIAG_END_TARGET);
        for (int h = 0; flips && h < sc->hops; h++) {
            if (i > warmup && v->diag.hop[h].verdict != last[h]) {
                flips[h]++;
                if (getenv("SIM_DEBUG"))
                    printf("      round %d hop %d %s -> %s (waits %d) onset %d lossy %.1f sig %d "
                           "claim %.1f usable %d inf %d\n",
                           i, h + 1, verdict_name(last[h]), verdict_name(v->diag.hop[h].verdict),
                           v->diag.hop[h].waits, diagnose_onset_ttl(v->in, &v->diag),
                           eproc_log(&v->hop[h + 1].lossy), v->diag.hop[h].significant,
                           v->diag.claim_log, v->diag.hop[h].usable, v->diag.hop[h].informative);
                if (getenv("SIM_DEBUG") && h == 2)
                    for (int q = 1; q < 4; q++)
                        printf("        hop %d below %.2f clean %.2f from %.2f lossy %.2f sig %d "
                               "clean %d starts %d inf %d\n",
                               q + 1, eproc_log(&v->hop[q + 1].below),
                               eproc_log(&v->hop[q + 1].clean), eproc_log(&v->hop[q + 1].from),
                               eproc_log(&v->hop[q + 1].lossy), v->diag.hop[q].significant,
                               v->diag.hop[q].clean, v->diag.hop[q].starts,
                               v->diag.hop[q].informative);
            }
            last[h] = v->diag.hop[h].verdict;
        }
        if (t && !decided(sc, v, t))
            since = i + 2; /* decided, if at all, from the next round's end on */
    }
    if (t && sc->burst_hop) /* the judge holds an ok to the bursts this run met */
        for (int h = sc->burst_hop; h <= sc->hops; h++)
            t->seen[h] =
                1.0 - (1.0 - t->loss[h]) / (1.0 - t->bad) * (1.0 - (double)bad_rounds / rounds);
    return since > rounds ? 0 : since;
}

int sim_flips(const struct scenario *sc, int rounds, int warmup, uint64_t seed)
{
    static _Thread_local struct verdicts v;
    int flips[SIM_MAX_HOPS] = {0}, most = 0;

    play_all(sc, rounds, seed, &v, warmup, flips, NULL);
    for (int h = 0; h < sc->hops; h++)
        most = flips[h] > most ? flips[h] : most;
    return most;
}

void sim_run(const struct scenario *sc, int rounds, uint64_t seed, struct sim_result *out)
{
    static _Thread_local struct verdicts v;
    struct truth t;
    int at;

    truth_of(sc, &t);
    at = play_all(sc, rounds, seed, &v, 0, NULL, &t);
    memset(out, 0, sizeof(*out));
    out->right = out->decided = true;
    for (int h = 1; h <= sc->hops; h++) {
        const struct hop_diag *d = &v.diag.hop[h - 1];
        bool ok = honest(d->verdict, t.want[h], d->ci_lo, d->ci_hi, t.seen[h]);
        out->hop_wrong[h] = !ok;
        out->got[h] = d->verdict;
        out->right &= ok;
        out->decided &= d->verdict == t.want[h];
    }
    {
        int placed = v.diag.onset >= 0 ? v.in[v.diag.onset].ttl : 0;
        int after = v.diag.onset_prev >= 0 ? v.in[v.diag.onset_prev].ttl : 0;
        out->onset = placed;
        out->onset_prev = after;
        /* "loss starts between hop `after` and hop `placed`" */
        out->right &= placed == 0 || (after < t.onset && t.onset <= placed);
        out->decided &= placed == t.onset;
    }
    out->decided &= out->right;
    out->decided_at = out->decided ? at : 0;
    if (getenv("SIM_DEBUG") && !out->decided)
        printf("      pool %llx into_from %d last %d\n", (unsigned long long)v.pool, v.into_from,
               v.last_ttl);
    if (getenv("SIM_DEBUG") && !out->decided)
        for (int h = 0; h < sc->hops; h++)
            printf("      hop %d %llu/%llu above %.1f below %.1f lossy %.1f clean %.1f from %.1f "
                   "last %.1f claim %.1f\n",
                   h + 1, (unsigned long long)v.in[h].lost, (unsigned long long)v.in[h].n,
                   eproc_log(&v.hop[h + 1].above), eproc_log(&v.hop[h + 1].below),
                   eproc_log(&v.hop[h + 1].lossy), eproc_log(&v.hop[h + 1].clean),
                   eproc_log(&v.hop[h + 1].from), eproc_log(&v.dest_above_last), v.diag.claim_log);
}

/* Kullback-Leibler divergence of Bernoulli(p) from Bernoulli(q), in nats. */
static double kl(double p, double q)
{
    double a = p > 0 ? p * log(p / q) : 0.0, b = p < 1 ? (1 - p) * log((1 - p) / (1 - q)) : 0.0;
    return a + b;
}

/* Probes for one claim of information `info` nats a round at log level `level`. */
static double probes_for(double level, double info)
{
    return info > 0 ? level / info : 0.0;
}

double sim_bound(const struct scenario *sc)
{
    struct truth t;
    double level = log(sc->hops / DIAG_CLAIM_ALPHA), most = DIAG_N_MIN, n;
    int k;

    sim_truth(sc, t.want, t.loss, &t.onset);
    k = t.onset;
    if (k > 1 && t.want[k] != VERDICT_DESTINATION) {
        int prev = k - 1; /* the onset's predecessor, past a reply-only one */
        while (prev > 1 && t.want[prev] == VERDICT_REPLY_ONLY)
            prev--;
        if ((n = probes_for(level, kl(t.loss[prev], t.loss[k]))) > most)
            most = n;
    }
    if (k > 0 && (n = probes_for(level, (sc->hops - k + 1) * kl(t.loss[k], DIAG_TAU_LOSSY))) > most)
        most = n;
    for (int h = 1; h < sc->hops; h++) {
        double down = t.loss[sc->hops];
        if (t.want[h] == VERDICT_REPLY_ONLY && (n = probes_for(level, kl(t.loss[h], down))) > most)
            most = n;
    }
    if (t.want[sc->hops] == VERDICT_DESTINATION &&
        (n = probes_for(log(1 / DIAG_CLAIM_ALPHA), kl(t.loss[sc->hops - 1], t.loss[sc->hops]))) >
            most)
        most = n;
    return most;
}
