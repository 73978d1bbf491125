/*
 * eproc.c - mixture betting e-processes (see eproc.h).
 */
#include "eproc.h"

#include <math.h>
#include <string.h>

/* The bets, as fractions of the largest safe one. Near 1 pays when the evidence comes in
 * whole rounds (a burst that takes every later hop while this one answers); the small ones
 * pay for a rare, small excess (1% loss against a 0.25% threshold bets best at about 3/400 of
 * its range). */
static const double threshold_share[EPROC_BETS] = {0.9, 0.5, 0.2, 0.06, 0.02, 0.007};
static const double paired_share[] = {0.9, 0.6, 0.3};
#define PAIRED_BETS (int)(sizeof(paired_share) / sizeof(paired_share[0]))

void eproc_reset(struct eproc *e)
{
    memset(e, 0, sizeof(*e));
}

static void add(struct eproc *e, double d, double floor, const double *share, int bets)
{
    e->bets = (uint8_t)bets;
    for (int i = 0; i < bets; i++) {
        double f = 1.0 + share[i] / floor * d;
        e->logw[i] += log(f > 1e-300 ? f : 1e-300);
    }
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
    double most = e->logw[0], sum = 0.0;

    if (e->bets == 0)
        return 0.0;
    for (int i = 1; i < e->bets; i++)
        most = e->logw[i] > most ? e->logw[i] : most;
    for (int i = 0; i < e->bets; i++)
        sum += exp(e->logw[i] - most);
    return most + log(sum / e->bets);
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
