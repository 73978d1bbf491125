/*
 * eproc.c - mixture betting e-processes (see eproc.h).
 */
#include "eproc.h"

#include <math.h>
#include <string.h>

/* The bets, as fractions of the largest safe one. Near 1 pays when the evidence comes in
 * whole rounds (a burst that takes every later hop while this one answers); the small ones
 * pay for a rare, small excess (1% loss against a 0.25% threshold bets about 3/400 of its
 * range). */
static const double bet_share[EPROC_BETS] = {0.95, 0.6, 0.25, 0.06, 0.015};

void eproc_reset(struct eproc *e)
{
    memset(e, 0, sizeof(*e));
}

void eproc_add(struct eproc *e, double d, double floor)
{
    for (int i = 0; i < EPROC_BETS; i++) {
        double f = 1.0 + bet_share[i] / floor * d;
        e->logw[i] += log(f > 1e-300 ? f : 1e-300);
    }
    e->rounds++;
}

double eproc_log(const struct eproc *e)
{
    double most = e->logw[0], sum = 0.0;

    for (int i = 1; i < EPROC_BETS; i++)
        most = e->logw[i] > most ? e->logw[i] : most;
    for (int i = 0; i < EPROC_BETS; i++)
        sum += exp(e->logw[i] - most);
    return most + log(sum / EPROC_BETS);
}

long eproc_rounds_to(const struct eproc *e, double target)
{
    double best = -INFINITY, now = eproc_log(e);

    if (now >= target)
        return 0;
    for (int i = 0; i < EPROC_BETS; i++)
        best = e->logw[i] > best ? e->logw[i] : best;
    if (e->rounds == 0 || best <= 0.0)
        return -1;
    /* The best bet's growth per round so far, and the mixture's cost of not knowing it. */
    return (long)ceil((target - now) / (best / e->rounds));
}
