/*
 * diagnose.h - what a hop's loss means, from sequential tests that may be read after every
 * round.
 *
 * Loss seen at hop h is 1 - (1 - F_h) g_h r_h: forwarding loss up to h (F, inherited by every
 * later hop) times the hop's own reply generation (g) and the reply's way back (r). Only F
 * carries downstream, and it only grows along the path. Four questions are asked of every
 * hop, each a one-sided sequential test (eproc.h) fed one score per round by verdicts.c, so
 * that a round whose probes hop 3 answered while hops 4-8 lost counts as one piece of
 * evidence, not as separate rates:
 *   above  - does it lose more than the informative hops after it?  (reply-only)
 *   below  - does it lose less than the informative hops after it?  (loss starts after it)
 *   lossy  - is its loss above DIAG_TAU_LOSSY?
 *   clean  - is its loss below DIAG_TAU?  (the equivalence margin: "no loss that matters")
 * The two thresholds leave a band between them, so a hop with 1% loss comes to rest on "lossy"
 * instead of hovering at one line. A claim is made when its test's log e-value reaches
 * diag's claim level, log(usable hops / DIAG_CLAIM_ALPHA): the chance that noise alone ever
 * makes a given kind of claim anywhere on the path, at any round of the run, is at most
 * DIAG_CLAIM_ALPHA (Ville's inequality, Bonferroni over the hops). The destination has two
 * more: does it lose more than the path into it, and more than the last hop before it
 * (its own loss, or its last link's).
 *
 * The onset is the first informative hop whose own loss is claimed while the informative hop
 * before it is claimed clean (or is the source): "loss starts between hop 3 and hop 4" is
 * then exactly what the rows say. Where it cannot be placed yet, the hops say what they wait
 * for and the path says the range the onset lies in. The destination's own loss is a
 * separate question: the onset never waits for it.
 *
 * Pure: numbers in, verdicts out (tests/unit/test_diagnose.c, tests/stats).
 */
#ifndef HOPWATCH_DIAGNOSE_H
#define HOPWATCH_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIAG_MAX_HOPS 256
#define DIAG_Z 2.576           /* 99 % two-sided: the intervals shown */
#define DIAG_N_MIN 20          /* completed probes before a hop gets a verdict */
#define DIAG_TAU 0.01          /* clean: loss below this is no loss that matters */
#define DIAG_TAU_LOSSY 0.0025  /* lossy: loss above this is loss */
#define DIAG_CLAIM_ALPHA 0.001 /* per kind of claim, for the whole path and the whole run */
#define DIAG_HINT_LOG 2.302585 /* log 10: evidence enough to keep a hop out of a reference */

enum verdict {
    VERDICT_UNKNOWN,     /* too few samples, or waiting for evidence (diag.waits says which) */
    VERDICT_OK,          /* no loss beyond noise */
    VERDICT_REPLY_ONLY,  /* loses its own replies; later hops lose significantly less */
    VERDICT_FORWARDING,  /* loss that carries on to every later hop and the destination */
    VERDICT_DESTINATION, /* only the destination loses */
};

/* The sequential tests' log e-values for one hop (verdicts.c keeps them; 0 = no evidence). */
struct diag_tests {
    double above, below, lossy, clean;
    double lossy_from; /* the informative hops from this one on, pooled, lose above TAU_LOSSY */
    double above_last; /* destination: above the last informative hop before it alone */
    long below_need, clean_need, lossy_need, above_need; /* rounds more at this rate, -1 ? */
    /* What the last evaluation said of this hop. A claim, once made, stands while its test
     * still leans its way (log e-value >= 0): the first crossing is a valid stopping time, and
     * a test that hovers at the claim level must not make the verdict come and go. */
    bool was_onset;   /* the onset was placed here */
    bool was_waiting; /* it waited to tell whether loss starts before it */
    bool was_lossy, was_clean, was_reply, was_own;
    bool was_forwarding; /* it read forwarding: a suspicion of its own replies needs a claim */
    bool was_suspect;    /* it was suspected of losing its own replies: so while it leans so */
    bool was_visible;    /* its loss showed, unclaimed: it shows until its test leans clean */
};

struct diag_input {
    int ttl;
    uint64_t n; /* completed probes: answered + timed out (in flight excluded) */
    uint64_t lost;
    const struct diag_tests *t; /* its tests' evidence, for diagnose_path alone (NULL: none) */
};

/* What a hop whose verdict is unknown waits for. */
enum diag_wait {
    DIAG_WAIT_NONE,
    DIAG_WAIT_PROBES,  /* fewer than DIAG_N_MIN completed probes */
    DIAG_WAIT_SILENT,  /* it never answered */
    DIAG_WAIT_START,   /* loss after it: is it clean (the start is later) or lossy? */
    DIAG_WAIT_EXCESS,  /* it loses more than the hops after it: its own replies or not? */
    DIAG_WAIT_DEST,    /* the destination loses: its own or the last link's */
    DIAG_WAIT_COMPARE, /* loss, but no answering hop after it to compare with */
    DIAG_WAIT_LOSS,    /* it shows loss, not yet enough to claim */
    DIAG_WAIT_PLACE,   /* loss before it: waiting for the onset to be placed */
};

struct hop_diag {
    enum verdict verdict;
    enum verdict raw;        /* this evaluation's own verdict, before verdicts.c holds it steady */
    enum diag_wait waits;    /* for an unknown verdict */
    long need;               /* ... about this many more rounds at this rate, -1 not known */
    double loss;             /* lost / n */
    double ci_lo, ci_hi;     /* Wilson interval of the loss, 99 % */
    double down_loss;        /* loss of the informative hops after it, pooled; -1 none */
    bool usable;             /* enough samples and not silent */
    bool significant;        /* claimed lossy (above DIAG_TAU_LOSSY) */
    bool starts;             /* claimed lossy; or the hops from it on are, its own rounds lean
                              * lossy and it looks no cleaner than they do */
    bool own;                /* the destination: its own loss is claimed */
    bool clean;              /* claimed clean (below DIAG_TAU, or below the hops after it) */
    bool informative;        /* not even suspected of losing replies of its own */
    bool upstream_path_loss; /* reply-only, with real path loss before it too */
    /* Rounds in which this hop's probe was lost, and of those, rounds in which the
     * destination's probe - sent in the same round - was answered (verdicts.c). */
    uint32_t rounds_lost, rounds_lost_dest_ok;
};

struct path_diag {
    int n;
    struct hop_diag hop[DIAG_MAX_HOPS];
    int onset;         /* index of the hop where loss persisting to the destination starts, -1 */
    int onset_prev;    /* index of the informative hop before it, -1 for the source */
    double onset_loss; /* estimated forwarding loss there: the least loss from it on */
    /* Not placed yet: loss starts after hop `after` (index, -1 the source) and at or before
     * hop `first_loss` (index, -1 when no hop's loss is claimed). */
    int after, first_loss;
    double claim_log; /* the log e-value a claim about one of the hops needs */
    double dest_log;  /* ... a claim about the destination (there is one) */
};

/* Wilson score interval for x of n at z. */
void diag_wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi);

/* What the last hop given is: an answering hop like any other (the end of the path is not
 * known yet), the target, or a router that says the target is unreachable (its replies are
 * rate-limited errors: they say nothing of forwarding loss). */
enum diag_end { DIAG_END_OPEN, DIAG_END_TARGET, DIAG_END_UNREACH };

/* *dst = *src, hops 0..src->n only: a copy that touches no more of dst than the path has (a
 * path_diag has room for DIAG_MAX_HOPS). */
void diagnose_copy(struct path_diag *dst, const struct path_diag *src);

/* Classifies hops in[0..n) in TTL order; `end` says what in[n-1] is. */
void diagnose_path(const struct diag_input *in, int n, enum diag_end end, struct path_diag *out);

const char *verdict_name(enum verdict v);
/* What an unknown verdict waits for, in a word (JSON's "waits"); NULL for none. */
const char *diag_wait_name(enum diag_wait w);

/* Says in words why hop i got its verdict ("hop 4 lost 61% ... while hop 9 lost 0.3% ..."). */
void diagnose_evidence(const struct diag_input *in, const struct path_diag *d, int i, char *buf,
                       size_t len);

/* The path's reading in one line: "loss starts between hop 3 and hop 4 (~5.0%)", "loss starts
 * after hop 2, at or before hop 5", ... or "" when there is no loss that carries on. Returns
 * whether it is about loss. */
bool diagnose_summary(const struct diag_input *in, const struct path_diag *d, char *buf,
                      size_t len);

/* The onset's TTL, 0 when not placed; the one place every front end reads it from. */
int diagnose_onset_ttl(const struct diag_input *in, const struct path_diag *d);

/* The TTL of the first hop whose verdict is forwarding, or 0 (loss that carries on although
 * the onset cannot be placed yet). */
int diagnose_first_forwarding(const struct diag_input *in, const struct path_diag *d);

#endif
