/*
 * round.h - what leaves the prober: one round (every TTL of one mode, sent together) and what
 * became of each of its probes, handed to consumers the caller registers.
 *
 * A consumer sees each probe as it happens (on_probe: sent, then answered, lost or cancelled;
 * the live statistics) and each round once, complete, in the order rounds were sent
 * (on_round: nothing pending any more; bursts, the diagnosis, and later streams and
 * recorders). Both run on the prober thread; the round is the prober's and valid only during
 * the call.
 */
#ifndef HOPWATCH_ROUND_H
#define HOPWATCH_ROUND_H

#include "probe.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum round_outcome {
    ROUND_UNSENT,    /* not sent (past the destination, or the send failed) */
    ROUND_PENDING,   /* sent, no answer yet */
    ROUND_ANSWERED,  /* a reply matched it */
    ROUND_LOST,      /* its timeout expired */
    ROUND_CANCELLED, /* sent past the destination's TTL: not judged */
};

struct round_probe {
    uint8_t outcome;   /* enum round_outcome */
    uint8_t kind;      /* enum probe_kind of the reply, when answered */
    uint8_t icmp_type; /* of the reply, as received */
    uint8_t icmp_code;
    int16_t reply_ttl; /* TTL of the reply as received, -1 unknown */
    uint16_t mtu;      /* a too-big reply's next-link MTU */
    uint32_t rtt_us;   /* answered: send to kernel receive time */
    uint64_t sent_us;  /* the prober's monotonic clock */
    struct probe_addr from;
    uint32_t settled; /* the prober's count of settled probes when this one settled (from 1;
                       * 0: not settled): the order answers, losses and cancels happened in */
    uint8_t nmpls;    /* MPLS label stack entries the reply carried (RFC 4950) */
    int16_t send_err; /* ROUND_UNSENT because this host could not send it: the errno */
    struct probe_mpls mpls[PROBE_MPLS_MAX];
};

struct pmtu_result;

struct round {
    uint32_t number;      /* per mode, from 0 */
    int mode;             /* enum probe_mode */
    int prev_mode;        /* the mode of the round sent before this one; -1 for the first */
    bool switched;        /* a mode switch asked for from outside took effect with this round */
    struct timespec wall; /* CLOCK_REALTIME when it was sent */
    int first_ttl;        /* probe[i] is TTL first_ttl + i */
    int last_ttl;         /* the highest TTL it sent */
    int dest_ttl;         /* where the path ends in this mode as the prober knows it; 0: not yet */
    bool end_unreach;     /* ... and it ends at a router that says unreachable, not the target */
    bool sizing;          /* --pmtu: a sizing round, not statistics (pmtu.h); number is the
                           * next normal round's */
    uint16_t size;        /* bytes per probe (the whole IP packet); 0: the configured size */
    uint8_t flow;         /* --flows: the flow every probe of the round belongs to */
    const struct pmtu_result *pmtu; /* --pmtu: the mode's search after this round; else NULL */
    uint32_t completed; /* the settled-probe count when the round completed (see settled) */
    bool partial;       /* handed on incomplete when the prober stopped (prober_flush): its
                         * probes still pending never settled; not for the diagnosis */
    struct round_probe *probe;
};

/* The probe of TTL ttl, or NULL when the round did not cover it. */
static inline const struct round_probe *round_probe_at(const struct round *r, int ttl)
{
    return ttl >= r->first_ttl && ttl <= r->last_ttl ? &r->probe[ttl - r->first_ttl] : NULL;
}

/* Did the probe of this TTL come back / time out? */
static inline bool round_answered(const struct round *r, int ttl)
{
    const struct round_probe *p = round_probe_at(r, ttl);
    return p && p->outcome == ROUND_ANSWERED;
}

static inline bool round_lost(const struct round *r, int ttl)
{
    const struct round_probe *p = round_probe_at(r, ttl);
    return p && p->outcome == ROUND_LOST;
}

/* What the prober knows of one mode's path, for readers: rounds sent and where it ends. */
struct round_path {
    uint32_t rounds;
    int end_ttl;      /* the target's TTL, or the unreachable router's; 0: not known yet */
    bool end_unreach; /* the path ends at a router that says unreachable */
};

struct round_consumer {
    void *ctx;
    /* r->probe[ttl - r->first_ttl] changed: sent (ROUND_PENDING), answered, lost, cancelled. */
    void (*on_probe)(void *ctx, const struct round *r, int ttl);
    /* r is complete; rounds arrive in the order they were sent. */
    void (*on_round)(void *ctx, const struct round *r);
};

#endif
