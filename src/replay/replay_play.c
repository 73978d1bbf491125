/*
 * replay_play.c - playing a loaded recording (see replay.h): the settle order walked from 1 up,
 * rounds handed on once complete and in turn, the path MTU search run again; all at once for a
 * report, or up to a time for the live view (a cursor).
 */
#include "prober/pmtu.h"
#include "replay_internal.h"

#include <stdlib.h>
#include <string.h>

/* Where and when each settle happened: the round and the TTL, by settle number. */
struct settle_at {
    uint32_t round; /* index + 1; 0: none */
    uint16_t ttl;
    uint64_t t_us; /* the recording's monotonic clock (never before the previous settle) */
};

/* --pmtu: the search the prober ran, run again at each round's completion. */
struct replay_pmtu {
    struct pmtu pm[PROBE_MODE_COUNT];
    bool on;
};

struct replay_cursor {
    struct replay *rp;
    struct round_consumer c;
    struct target *target; /* for the recorded resets; may be NULL */
    int resets;            /* resets done */
    struct replay_pmtu pmtu;
    struct settle_at *at;
    uint32_t max, seq;    /* settle numbers: the highest, and how many were played */
    struct round **order; /* the rounds by completion */
    size_t completed, handed;
    struct prober_status status; /* the rounds handed on so far, noted as they go */
};

static void tell_probe(const struct round_consumer *c, const struct round *r, int ttl)
{
    if (c->on_probe)
        c->on_probe(c->ctx, r, ttl);
}

/* A probe as the consumer saw it live: sent (pending), then its outcome. */
static void play_probe(const struct round_consumer *c, struct round *r, int ttl, bool settle)
{
    struct round_probe *p = &r->probe[ttl - r->first_ttl];
    uint8_t outcome = p->outcome;

    p->outcome = ROUND_PENDING;
    tell_probe(c, r, ttl);
    p->outcome = outcome;
    if (settle)
        tell_probe(c, r, ttl);
}

static void pmtu_start(const struct replay *rp, struct replay_pmtu *rpm)
{
    rpm->on = rp->pmtu_on;
    for (int m = 0; m < PROBE_MODE_COUNT && rpm->on; m++) {
        int first = rp->first_mtu[m]; /* the route's MTU, as the header says */
        for (size_t i = 0; i < rp->nrounds && !first; i++)
            if (rp->rounds[i].mode == m && rp->rounds[i].sizing)
                first = rp->rounds[i].size; /* an older header: the first sizing round's */
        pmtu_init(&rpm->pm[m], first, rp->packet_bytes, strchr(rp->setup.target_addr, ':'));
    }
}

/* When a probe settled: answered at its reply, lost at its timeout, cancelled when sent. */
static uint64_t settle_time(const struct replay *rp, const struct round_probe *p)
{
    return p->sent_us + (p->outcome == ROUND_ANSWERED ? p->rtt_us
                         : p->outcome == ROUND_LOST   ? rp->timeout_us
                                                      : 0);
}

static struct settle_at *settle_index(const struct replay *rp, uint32_t *max)
{
    struct settle_at *at;

    *max = 0;
    for (size_t i = 0; i < rp->nrounds; i++)
        for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++)
            if (rp->rounds[i].probe[t - rp->rounds[i].first_ttl].settled > *max)
                *max = rp->rounds[i].probe[t - rp->rounds[i].first_ttl].settled;
    if (!(at = calloc((size_t)*max + 1, sizeof(*at))))
        return NULL;
    for (size_t i = 0; i < rp->nrounds; i++)
        for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++) {
            const struct round_probe *p = &rp->rounds[i].probe[t - rp->rounds[i].first_ttl];
            if (p->settled && !at[p->settled].round)
                at[p->settled] = (struct settle_at){
                    .round = (uint32_t)i + 1, .ttl = (uint16_t)t, .t_us = settle_time(rp, p)};
        }
    for (uint32_t k = 1; k <= *max; k++) /* a gap (a cut recording) keeps the time going */
        if (at[k].t_us < at[k - 1].t_us)
            at[k].t_us = at[k - 1].t_us;
    return at;
}

/* The rounds in the order they completed (the prober ran its search then). */
static int by_completion(const void *a, const void *b)
{
    const struct round *x = *(struct round *const *)a, *y = *(struct round *const *)b;
    return x->completed != y->completed ? (x->completed < y->completed ? -1 : 1) : x < y ? -1 : 1;
}

/* A round handed on, into the status: its mode probes now, its path's rounds and end. */
static void note_round(struct prober_status *st, const struct round *r)
{
    st->mode = r->mode;
    if (!r->sizing && r->number + 1 > st->path[r->mode].rounds)
        st->path[r->mode].rounds = r->number + 1;
    st->path[r->mode].end_ttl = r->dest_ttl;
    st->path[r->mode].end_unreach = r->end_unreach;
}

static void status_start(const struct replay *rp, struct prober_status *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = rp->setup.modes[0];
}

/* The rest of the status, from the recording's header, once the rounds are noted. */
static void status_finish(const struct replay *rp, struct prober_status *st)
{
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        st->opened[m] = st->path[m].rounds > 0 || m == st->mode;
    if (rp->setup.nmodes > 1) {
        memcpy(st->rotation, rp->setup.modes, sizeof(st->rotation));
        st->nrotation = rp->setup.nmodes;
    }
    st->interval_us = rp->interval_us;
}

/* A reset by key the live run had before the round about to be handed on. */
static void reset_here(struct replay_cursor *cur, int mode)
{
    while (cur->resets < cur->rp->nresets && cur->rp->reset_after[cur->resets] <= cur->handed) {
        if (cur->target)
            target_reset(cur->target, mode);
        cur->resets++;
    }
}

/* After settle `seq`: the search steps of the rounds that completed with it, then the rounds
 * now in turn to be handed on (complete, every earlier one handed on). */
static void complete(struct replay_cursor *cur, uint32_t seq)
{
    struct replay *rp = cur->rp;

    for (; cur->completed < rp->nrounds && cur->order[cur->completed]->completed <= seq;
         cur->completed++) {
        struct round *r = cur->order[cur->completed];
        if (cur->pmtu.on && !r->partial)
            pmtu_round(&cur->pmtu.pm[r->mode], r);
    }
    for (; cur->handed < rp->nrounds && rp->rounds[cur->handed].completed <= seq; cur->handed++) {
        struct round *r = &rp->rounds[cur->handed];
        reset_here(cur, r->mode);
        r->pmtu = cur->pmtu.on && !r->partial ? &cur->pmtu.pm[r->mode].res : NULL;
        note_round(&cur->status, r);
        if (cur->c.on_round)
            cur->c.on_round(cur->c.ctx, r);
    }
}

struct replay_cursor *replay_cursor_new(struct replay *rp, const struct round_consumer *c,
                                        struct target *t)
{
    struct replay_cursor *cur = calloc(1, sizeof(*cur));

    if (!cur)
        return NULL;
    *cur = (struct replay_cursor){.rp = rp, .c = *c, .target = t};
    cur->at = settle_index(rp, &cur->max);
    cur->order = calloc(rp->nrounds + 1, sizeof(*cur->order));
    if (!cur->at || !cur->order) {
        replay_cursor_free(cur);
        return NULL;
    }
    for (size_t i = 0; i < rp->nrounds; i++)
        cur->order[i] = &rp->rounds[i];
    status_start(rp, &cur->status);
    qsort(cur->order, rp->nrounds, sizeof(*cur->order), by_completion);
    pmtu_start(rp, &cur->pmtu);
    complete(cur, 0);
    return cur;
}

void replay_cursor_free(struct replay_cursor *cur)
{
    if (!cur)
        return;
    free(cur->at);
    free(cur->order);
    free(cur);
}

uint64_t replay_cursor_play(struct replay_cursor *cur, uint64_t until_us)
{
    while (cur->seq < cur->max && cur->at[cur->seq + 1].t_us <= until_us) {
        const struct settle_at *a = &cur->at[++cur->seq];
        if (a->round)
            play_probe(&cur->c, &cur->rp->rounds[a->round - 1], a->ttl, true);
        complete(cur, cur->seq);
    }
    return cur->seq < cur->max ? cur->at[cur->seq + 1].t_us : UINT64_MAX;
}

bool replay_cursor_done(const struct replay_cursor *cur)
{
    return cur->seq >= cur->max;
}

void replay_cursor_status(const struct replay_cursor *cur, struct prober_status *st)
{
    *st = cur->status;
    status_finish(cur->rp, st);
}

void replay_cursor_wall(const struct replay_cursor *cur, uint64_t at_us, struct timespec *wall)
{
    const struct replay *rp = cur->rp;
    const struct round *r = cur->handed ? &rp->rounds[cur->handed - 1] : NULL;
    uint64_t start = r ? replay_round_start(r) : 0;
    uint64_t since = start && at_us > start ? at_us - start : 0;

    *wall = r ? r->wall : rp->setup.started;
    wall->tv_sec += (time_t)(since / 1000000u);
    wall->tv_nsec += (long)(since % 1000000u) * 1000;
    if (wall->tv_nsec >= 1000000000L) {
        wall->tv_sec++;
        wall->tv_nsec -= 1000000000L;
    }
}

void replay_span(const struct replay *rp, uint64_t *first_us, uint64_t *last_us)
{
    *first_us = UINT64_MAX;
    *last_us = 0;
    for (size_t i = 0; i < rp->nrounds; i++)
        for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++) {
            const struct round_probe *p = &rp->rounds[i].probe[t - rp->rounds[i].first_ttl];
            if (p->outcome == ROUND_UNSENT)
                continue;
            if (p->sent_us < *first_us)
                *first_us = p->sent_us;
            if (settle_time(rp, p) > *last_us)
                *last_us = settle_time(rp, p);
        }
    if (*first_us == UINT64_MAX)
        *first_us = 0;
}

int replay_event_times(const struct replay *rp, uint64_t *out, int max)
{
    int n = 0;

    uint32_t maxseq;
    struct settle_at *at = settle_index(rp, &maxseq);

    for (int e = 0; at && rp->nrounds && e < rp->nevents && n < max; e++) {
        /* The event line comes just before the line of the round whose hand-on logged it (the
         * target hears a round before the stream does): handed on once it and every round
         * before it were complete. */
        size_t last = rp->event_after[e] < rp->nrounds ? rp->event_after[e] : rp->nrounds - 1;
        uint32_t seq = 0;
        for (size_t i = 0; i <= last; i++)
            if (rp->rounds[i].completed > seq)
                seq = rp->rounds[i].completed;
        out[n++] = at[seq <= maxseq ? seq : maxseq].t_us;
    }
    free(at);
    return n;
}

uint64_t replay_time_at_wall(const struct replay *rp, time_t wall_s)
{
    uint64_t last = 0;

    for (size_t i = 0; i < rp->nrounds; i++) {
        uint64_t start = replay_round_start(&rp->rounds[i]);
        if (start)
            last = start;
        if (rp->rounds[i].wall.tv_sec >= wall_s && start)
            return start;
    }
    return last;
}

void replay_feed(struct replay *rp, const struct round_consumer *c, struct target *target)
{
    struct replay_cursor *cur = replay_cursor_new(rp, c, target);

    if (!cur)
        return;
    replay_cursor_play(cur, UINT64_MAX);
    /* Probes still in flight when the run stopped were sent, never settled. */
    for (size_t i = 0; i < rp->nrounds; i++)
        for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++)
            if (rp->rounds[i].probe[t - rp->rounds[i].first_ttl].outcome == ROUND_PENDING)
                play_probe(c, &rp->rounds[i], t, false);
    replay_cursor_free(cur);
}

void replay_status(const struct replay *rp, struct prober_status *st)
{
    status_start(rp, st);
    for (size_t i = 0; i < rp->nrounds; i++)
        note_round(st, &rp->rounds[i]);
    status_finish(rp, st);
}
