/*
 * eproc.c - mixture betting e-processes (see eproc.h).
 */
#include "eproc.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The bets, as fractions of the largest safe one. Near 1 pays when the evidence comes in
 * whole rounds (a burst that takes every later hop while this one answers); the small ones
 * pay for a rare, small excess (1% loss against a 0.25% threshold bets best at about 3/400 of
 * its range). */
static const double threshold_share[EPROC_BETS] = {0.9, 0.5, 0.2, 0.06, 0.02, 0.007};
static const double paired_share[] = {0.95, 0.6};
#define PAIRED_BETS (int)(sizeof(paired_share) / sizeof(paired_share[0]))

void eproc_reset(struct eproc *e)
{
    memset(e, 0, sizeof(*e));
}

/* Most rounds score the same few values (nothing lost: every clean round of a hop scores
 * alike), so each thread remembers the log factors of the scores it met last. */
struct factor_memo {
    double d, floor;
    const double *share;
    double f[EPROC_BETS];
};
static _Thread_local struct factor_memo memo[64];

static const double *factors(double d, double floor, const double *share, int bets)
{
    uint64_t key;
    struct factor_memo *m;

    memcpy(&key, &d, sizeof(key));
    key ^= key >> 29 ^ (uint64_t)(uintptr_t)share >> 4 ^ (uint64_t)(floor * 1e6);
    m = &memo[(key ^ key >> 17) % 64];
    if (m->share != share || m->d != d || m->floor != floor) {
        for (int i = 0; i < bets; i++) {
            double f = 1.0 + share[i] / floor * d;
            m->f[i] = log(f > 1e-300 ? f : 1e-300);
        }
        m->d = d;
        m->floor = floor;
        m->share = share;
    }
    return m->f;
}

static void add(struct eproc *e, double d, double floor, const double *share, int bets)
{
    const double *f = factors(d, floor, share, bets);
    double most, sum = 0.0;

    e->bets = (uint8_t)bets;
    most = e->logw[0] += f[0];
    for (int i = 1; i < bets; i++) {
        e->logw[i] += f[i];
        most = e->logw[i] > most ? e->logw[i] : most;
    }
    for (int i = 0; i < bets; i++)
        if (e->logw[i] - most > -36.0) /* below that it adds less than 1e-15 */
            sum += exp(e->logw[i] - most);
    e->log = most + log(sum / bets);
    e->rounds++;
}

void eproc_add(struct eproc *e, double d, double floor)
{
    add(e, d, floor, threshold_share, EPROC_BETS);
}

void eproc_add_paired(struct eproc *e, double d)
{
    add(e, d, 1.0, paired_share, PAIRED_BETS);
}

double eproc_log(const struct eproc *e)
{
    return e->log;
}

long eproc_rounds_to(const struct eproc *e, double target)
{
    double best = -INFINITY, now = eproc_log(e);

    if (now >= target)
        return 0;
    for (int i = 0; i < e->bets; i++)
        best = e->logw[i] > best ? e->logw[i] : best;
    if (e->rounds == 0 || best <= 0.0)
        return -1;
    /* The best bet's growth per round so far, and the mixture's cost of not knowing it. */
    return (long)ceil((target - now) / (best / e->rounds));
}
