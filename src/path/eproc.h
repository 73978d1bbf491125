/*
 * eproc.h - sequential tests that may be looked at after every round: e-processes that bet
 * against a null hypothesis on a bounded per-round score.
 *
 * A test claims "the mean of D is above 0" where D is a score the caller computes from one
 * round (for example "the share of the later hops that lost this round's probe, minus 1 if
 * this hop lost its own": positive on average when this hop loses less than the path after
 * it). Under the null (mean of D at most 0, whatever happened before) the wealth
 * prod(1 + lambda D) is a nonnegative supermartingale, so by Ville's inequality the chance
 * that it EVER reaches 1/alpha is at most alpha: the test can be read after every round and
 * the claim made the first time it crosses, with no penalty for looking often (Waudby-Smith
 * and Ramdas 2023, "Estimating means of bounded random variables by betting"). The wealth is
 * an equal mixture over a few fixed bets lambda, so it needs no tuning and does not depend on
 * the order of the rounds. The round structure comes in through D: a round in which hops 4-8
 * all lost while hop 3 answered scores a full point for "hop 3 loses less than the path
 * after it" in one go.
 *
 * Pure; the caller owns the state (verdicts.c, one per probe mode and hop).
 */
#ifndef HOPWATCH_EPROC_H
#define HOPWATCH_EPROC_H

#include <stdint.h>

#define EPROC_BETS 6

/* The range of a score: D is never below -floor (floor > 0); the bets are fractions of
 * 1/floor, the most that keeps every factor 1 + lambda D above 0. */
struct eproc {
    double logw[EPROC_BETS]; /* log wealth of each bet */
    double log;              /* the mixture's log wealth, kept with every score */
    uint32_t rounds;         /* scores taken */
    uint8_t bets;            /* how many of logw are in use: set by the first score */
};

void eproc_reset(struct eproc *e);
/* Takes one round's score d, which the caller promises is >= -floor: a test of a rate
 * against a threshold, whose best bet may be a small share of its range. */
void eproc_add(struct eproc *e, double d, double floor);
/* Takes one round's score d in [-1, 1]: a comparison of two hops (or pools) in the same
 * round. Its evidence comes a whole event at a time, so it bets boldly on fewer bets (a
 * smaller mixture costs less: log 2 instead of log 6). */
void eproc_add_paired(struct eproc *e, double d);
/* log of the mixture's wealth: the claim holds at level alpha once it is >= log(1/alpha). */
double eproc_log(const struct eproc *e);
/* About how many more rounds like the ones so far the wealth needs to reach `target` (a log);
 * 0 when it is there, -1 when the rounds so far do not point that way. */
long eproc_rounds_to(const struct eproc *e, double target);

#endif
