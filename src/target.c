/*
 * target.c - one target (see target.h).
 *
 * Threads: the consumer calls (on_probe, on_round) run on the prober thread and own `work`
 * and `watch`; `pub` is what they publish, under `lock`, for readers on any thread. A reset
 * from another thread zeroes the hop table and `pub` at once and asks the prober thread to
 * zero its working state at its next round.
 */
#include "target.h"
#include "pmtu.h"
#include "verdicts.h"
#include "watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct published {
    struct diag_input in[DIAG_MAX_HOPS]; /* diag.n of them */
    struct path_diag diag;
    bool has_pmtu;
    struct pmtu_result pmtu;
};

struct target {
    struct hops *hops;
    struct event_log *events;
    /* prober thread */
    struct watch watch;
    struct verdicts work[PROBE_MODE_COUNT];
    struct diag_input counts[DIAG_MAX_HOPS];
    atomic_bool reset_asked;
    /* any thread, under lock */
    pthread_mutex_t lock;
    struct published pub[PROBE_MODE_COUNT];
};

struct target *target_new(const struct target_config *cfg, char *err, size_t err_len)
{
    struct target *t = calloc(1, sizeof(*t));

    if (!t || !(t->hops = hops_new(cfg->first_ttl, cfg->max_ttl))) {
        snprintf(err, err_len, "out of memory");
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    if (!(t->events = events_new(cfg->events_path, err, err_len))) {
        int e = errno == ENOMEM ? EIO : errno; /* a file that cannot open is not memory */
        hops_free(t->hops);
        free(t);
        errno = e;
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    atomic_init(&t->reset_asked, false);
    watch_init(&t->watch, t->events);
    return t;
}

void target_free(struct target *t)
{
    if (!t)
        return;
    hops_free(t->hops);
    events_free(t->events);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

struct hops *target_hops(struct target *t)
{
    return t->hops;
}

struct event_log *target_events(struct target *t)
{
    return t->events;
}

/* A probe as it happens: the live statistics; a responder new at its hop is a path change
 * for the watch to confirm over the next rounds. */
static void on_probe(void *ctx, const struct round *r, int ttl)
{
    struct target *t = ctx;
    const struct round_probe *p = round_probe_at(r, ttl);
    struct probe_addr first;

    if (r->sizing)
        return; /* --pmtu's sizing probes are not statistics */
    switch (p->outcome) {
    case ROUND_PENDING:
        hops_record_sent(t->hops, r->mode, ttl);
        break;
    case ROUND_ANSWERED: {
        struct hop_reply rep = {
            .from = p->from,
            .rtt_us = p->rtt_us,
            .sent_us = p->sent_us,
            .round = r->number,
            .reply_ttl = p->reply_ttl,
            .is_dest = p->kind == PROBE_REPLY_DEST,
            .unreach = p->kind == PROBE_REPLY_UNREACH
                           ? (int)probe_unreach_of(p->from.family, p->icmp_type, p->icmp_code)
                           : PROBE_UNREACH_NONE,
            .nmpls = p->nmpls};
        memcpy(rep.mpls, p->mpls, sizeof(rep.mpls));
        if (hops_record_reply(t->hops, r->mode, ttl, &rep, &first))
            watch_new_responder(&t->watch, r->mode, ttl, r->number, &first, &p->from);
        break;
    }
    case ROUND_LOST:
        hops_record_loss(t->hops, r->mode, ttl, p->sent_us, r->number);
        break;
    case ROUND_CANCELLED:
        hops_record_cancel(t->hops, r->mode, ttl);
        break;
    default:
        break;
    }
}

/* One evaluation of mode's diagnosis on the hop table as it is now, published. A path that
 * ends at an unreachable router has no destination to judge. */
static void evaluate(struct target *t, int mode, int dest_ttl, bool end_unreach)
{
    struct verdicts *v = &t->work[mode];
    int n = hops_counts(t->hops, mode, dest_ttl, t->counts, DIAG_MAX_HOPS);
    enum diag_end end = dest_ttl <= 0 || n == 0 || t->counts[n - 1].ttl != dest_ttl ? DIAG_END_OPEN
                        : end_unreach ? DIAG_END_UNREACH
                                      : DIAG_END_TARGET;

    verdicts_evaluate(v, t->counts, n, end);
    pthread_mutex_lock(&t->lock);
    memcpy(t->pub[mode].in, v->in, (size_t)v->diag.n * sizeof(v->in[0]));
    t->pub[mode].diag = v->diag;
    pthread_mutex_unlock(&t->lock);
}

/* A completed round, in send order: the diagnosis once, then the events it informs. */
static void on_round(void *ctx, const struct round *r)
{
    struct target *t = ctx;
    const struct verdicts *v = &t->work[r->mode];

    if (r->pmtu) {
        pthread_mutex_lock(&t->lock);
        t->pub[r->mode].pmtu = *r->pmtu;
        t->pub[r->mode].has_pmtu = true;
        pthread_mutex_unlock(&t->lock);
    }
    if (r->sizing)
        return;
    if (atomic_exchange(&t->reset_asked, false))
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            verdicts_reset(&t->work[m]);
    verdicts_add_round(&t->work[r->mode], r);
    evaluate(t, r->mode, r->dest_ttl, r->end_unreach);
    memset(t->watch.uninformative, 0, sizeof(t->watch.uninformative));
    for (int i = 0; i < v->diag.n; i++)
        if (v->in[i].ttl < WATCH_MAX_TTL)
            t->watch.uninformative[v->in[i].ttl] = v->diag.hop[i].verdict == VERDICT_REPLY_ONLY;
    watch_round(&t->watch, r);
}

struct round_consumer target_consumer(struct target *t)
{
    return (struct round_consumer){.ctx = t, .on_probe = on_probe, .on_round = on_round};
}

void target_reset(struct target *t, int mode)
{
    struct event e = {.kind = EVENT_RESET, .ended = true, .mode = mode};

    hops_reset(t->hops);
    pthread_mutex_lock(&t->lock);
    for (int m = 0; m < PROBE_MODE_COUNT; m++) { /* the path MTU is no statistic: it stays */
        struct published keep = {.has_pmtu = t->pub[m].has_pmtu, .pmtu = t->pub[m].pmtu};
        t->pub[m] = keep;
    }
    pthread_mutex_unlock(&t->lock);
    atomic_store(&t->reset_asked, true);
    clock_gettime(CLOCK_REALTIME, &e.start);
    e.end = e.start;
    snprintf(e.text, sizeof(e.text), "statistics of every mode reset from the keyboard");
    events_add(t->events, &e);
}

int target_view(struct target *t, int mode, const struct round_path *path, struct target_view *v)
{
    int r;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if ((r = hops_snapshot(t->hops, mode, path->end_ttl, &v->snap)) < 0)
        return r;
    v->mode = mode;
    v->rounds = path->rounds;
    v->end_unreach = path->end_unreach && path->end_ttl > 0;
    pthread_mutex_lock(&t->lock);
    memcpy(v->in, t->pub[mode].in, (size_t)t->pub[mode].diag.n * sizeof(v->in[0]));
    v->diag = t->pub[mode].diag;
    v->has_pmtu = t->pub[mode].has_pmtu;
    v->pmtu = t->pub[mode].pmtu;
    pthread_mutex_unlock(&t->lock);
    return 0;
}

void target_view_free(struct target_view *v)
{
    hops_snapshot_free(&v->snap);
}

void target_settle(struct target *t, int mode, const struct round_path *path)
{
    uint64_t done = 0;
    int n;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return;
    n = hops_counts(t->hops, mode, path->end_ttl, t->counts, DIAG_MAX_HOPS);
    for (int i = 0; i < n; i++)
        done += t->counts[i].n;
    if (done != t->work[mode].done)
        evaluate(t, mode, path->end_ttl, path->end_unreach);
}

const struct hop_diag *target_view_diag(const struct target_view *v, int ttl)
{
    int i = ttl - v->snap.first_ttl;
    return i >= 0 && i < v->diag.n ? &v->diag.hop[i] : NULL;
}
