/*
 * target.c - one target (see target.h).
 *
 * Statistics and their diagnosis live in lanes: one for every probe of the target, and with
 * --flows one per flow (each round is one flow's), so a load balancer's branches are judged
 * apart. A responder new to a hop of a lane is news for the watch: with flows, only a flow's
 * own lane can say so (the branches of the whole are no path change).
 *
 * Threads: the consumer calls (on_probe, on_round) run on the prober thread and own each
 * lane's `work` and the watch; `pub` is what they publish, under `lock`, for readers on any
 * thread. A reset from another thread zeroes the hop tables and `pub` at once and asks the
 * prober thread to zero its working state at its next round.
 */
#include "target.h"
#include "prober/pmtu.h"
#include "verdicts.h"
#include "detect.h"
#include "history.h"

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

/* One mode's diagnosis in a lane: made with the mode's first round (prober thread). */
struct lane_mode {
    struct verdicts work; /* prober thread */
    struct published pub; /* under the target's lock */
};

/* One set of statistics and its diagnosis, per mode (NULL: the mode has had no round). */
struct lane {
    struct hops *hops;
    struct lane_mode *mode[PROBE_MODE_COUNT];
};

static const struct published no_diagnosis; /* what a mode without a round publishes */

struct target {
    struct lane all;
    struct lane *flow; /* nflows of them with --flows, else NULL */
    int nflows;
    struct event_log *events;
    struct history *history; /* its own lock */
    /* prober thread */
    struct detector detect;
    struct diag_input *counts; /* ncounts: a hop table's TTLs */
    int ncounts;
    int said[PROBE_MODE_COUNT]; /* the reading last logged: onset TTL, -TTL unplaced, 0 none */
    atomic_bool reset_asked;
    bool no_history;      /* no reader: the history stays empty */
    pthread_mutex_t lock; /* any thread: every lane's pub */
};

static struct lane *lane_of(struct target *t, int flow)
{
    return flow >= 0 && flow < t->nflows ? &t->flow[flow] : &t->all;
}

static bool lanes_new(struct target *t, const struct target_config *cfg)
{
    if (!(t->all.hops = hops_new(cfg->first_ttl, cfg->max_ttl)))
        return false;
    if (cfg->no_samples)
        hops_no_samples(t->all.hops);
    if (cfg->nflows <= 1)
        return true;
    if (!(t->flow = calloc((size_t)cfg->nflows, sizeof(*t->flow))))
        return false;
    t->nflows = cfg->nflows;
    for (int f = 0; f < t->nflows; f++)
        if (!(t->flow[f].hops = hops_new(cfg->first_ttl, cfg->max_ttl)))
            return false;
        else if (cfg->no_samples)
            hops_no_samples(t->flow[f].hops);
    return true;
}

static void lane_free(struct lane *l)
{
    hops_free(l->hops);
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        free(l->mode[m]);
}

static void lanes_free(struct target *t)
{
    lane_free(&t->all);
    for (int f = 0; f < t->nflows; f++)
        lane_free(&t->flow[f]);
    free(t->flow);
}

/* Mode's diagnosis in lane l, made on first use (prober thread); NULL when out of memory. */
static struct lane_mode *lane_mode(struct target *t, struct lane *l, int mode)
{
    struct lane_mode *lm;

    if (l->mode[mode])
        return l->mode[mode];
    if (!(lm = calloc(1, sizeof(*lm))))
        return NULL;
    pthread_mutex_lock(&t->lock); /* readers look at the pointer under the lock */
    l->mode[mode] = lm;
    pthread_mutex_unlock(&t->lock);
    return lm;
}

/* What mode publishes in lane l (the target's lock held). */
static const struct published *published_of(const struct lane *l, int mode)
{
    return l->mode[mode] ? &l->mode[mode]->pub : &no_diagnosis;
}

struct target *target_new(const struct target_config *cfg, char *err, size_t err_len)
{
    struct target *t = calloc(1, sizeof(*t));

    if (t) {
        t->ncounts = cfg->max_ttl < DIAG_MAX_HOPS ? cfg->max_ttl : DIAG_MAX_HOPS;
        t->counts = calloc((size_t)t->ncounts, sizeof(*t->counts));
    }
    if (!t || !t->counts || !lanes_new(t, cfg) ||
        !(t->history = history_new(cfg->max_ttl,
                                   cfg->history_budget ? cfg->history_budget : HISTORY_BUDGET))) {
        snprintf(err, err_len, "out of memory");
        if (t)
            lanes_free(t);
        if (t)
            history_free(t->history);
        if (t)
            free(t->counts);
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    if (!(t->events = events_new(cfg->events_path, err, err_len))) {
        int e = errno == ENOMEM ? EIO : errno; /* a file that cannot open is not memory */
        lanes_free(t);
        history_free(t->history);
        free(t->counts);
        free(t);
        errno = e;
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    atomic_init(&t->reset_asked, false);
    t->no_history = cfg->no_history;
    detect_init(&t->detect, t->events);
    return t;
}

void target_free(struct target *t)
{
    if (!t)
        return;
    lanes_free(t);
    detect_free(&t->detect);
    history_free(t->history);
    free(t->counts);
    events_free(t->events);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

struct hops *target_hops(struct target *t)
{
    return t->all.hops;
}

int target_flows(const struct target *t)
{
    return t->nflows;
}

struct event_log *target_events(struct target *t)
{
    return t->events;
}

struct history *target_history(struct target *t)
{
    return t->history;
}

/* A probe into one lane's hop table; true when its responder is new at the hop. */
static bool lane_probe(struct lane *l, const struct round *r, int ttl, struct probe_addr *first)
{
    const struct round_probe *p = round_probe_at(r, ttl);
    struct hop_reply rep;

    switch (p->outcome) {
    case ROUND_PENDING:
        hops_record_sent(l->hops, r->mode, ttl);
        return false;
    case ROUND_ANSWERED:
        rep = (struct hop_reply){
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
        return hops_record_reply(l->hops, r->mode, ttl, &rep, first);
    case ROUND_LOST:
        hops_record_loss(l->hops, r->mode, ttl, p->sent_us, r->number);
        return false;
    case ROUND_CANCELLED:
        hops_record_cancel(l->hops, r->mode, ttl);
        return false;
    default:
        return false;
    }
}

/* A probe as it happens: the live statistics (of the whole, and of its flow); a responder new
 * at its hop is a path change for the watch to confirm over the next rounds. */
static void on_probe(void *ctx, const struct round *r, int ttl)
{
    struct target *t = ctx;
    struct probe_addr first;
    bool news;

    if (r->sizing)
        return; /* --pmtu's sizing probes are not statistics */
    news = lane_probe(&t->all, r, ttl, &first);
    if (t->nflows)
        news = lane_probe(lane_of(t, r->flow), r, ttl, &first);
    if (news)
        detect_new_responder(&t->detect, r->mode, r->flow, ttl, r->number, &first,
                             &round_probe_at(r, ttl)->from);
}

/* One evaluation of mode's diagnosis on a lane's hop table as it is now, published. A path
 * that ends at an unreachable router has no destination to judge. */
static void evaluate(struct target *t, struct lane *l, int mode, int dest_ttl, bool end_unreach)
{
    struct lane_mode *lm = lane_mode(t, l, mode);
    struct verdicts *v = lm ? &lm->work : NULL;
    int n;

    if (!v)
        return; /* out of memory: no diagnosis for this mode */
    n = hops_counts(l->hops, mode, dest_ttl, t->counts, t->ncounts);
    verdicts_evaluate(v, t->counts, n,
                      dest_ttl <= 0 || n == 0 || t->counts[n - 1].ttl != dest_ttl ? DIAG_END_OPEN
                      : end_unreach                                               ? DIAG_END_UNREACH
                                    : DIAG_END_TARGET);
    pthread_mutex_lock(&t->lock);
    memcpy(lm->pub.in, v->in, (size_t)v->diag.n * sizeof(v->in[0]));
    diagnose_copy(&lm->pub.diag, &v->diag);
    pthread_mutex_unlock(&t->lock);
}

/* A round's evidence and one evaluation of a lane. */
static void lane_round(struct target *t, struct lane *l, const struct round *r)
{
    struct lane_mode *lm = lane_mode(t, l, r->mode);

    if (!lm)
        return;
    verdicts_add_round(&lm->work, r);
    evaluate(t, l, r->mode, r->dest_ttl, r->end_unreach);
}

/* The path's reading: where loss that carries on starts (onset TTL), from where at least when
 * not placed yet (-TTL of the first forwarding hop), or 0: none. */
static int reading(const struct verdicts *v)
{
    int onset = diagnose_onset_ttl(v->in, &v->diag),
        fwd = diagnose_first_forwarding(v->in, &v->diag);
    return onset > 0 ? onset : fwd > 0 ? -fwd : 0;
}

static int reading_text(int r, char *buf, size_t len)
{
    return r > 0   ? snprintf(buf, len, "loss that carries on starts at hop %d", r)
           : r < 0 ? snprintf(buf, len, "loss that carries on, at or before hop %d", -r)
                   : snprintf(buf, len, "no loss that carries on");
}

/* A new reading of mode's path is an event (the verdicts hold steady, so it is news). */
static void verdict_news(struct target *t, const struct round *r)
{
    int now = t->all.mode[r->mode] ? reading(&t->all.mode[r->mode]->work) : 0, n;
    struct event e = {.kind = EVENT_VERDICT_CHANGE, .ended = true, .mode = r->mode};

    if (now == t->said[r->mode])
        return;
    n = reading_text(now, e.text, sizeof(e.text));
    snprintf(e.text + n, sizeof(e.text) - (size_t)n, " (was: ");
    n = (int)strlen(e.text);
    n += reading_text(t->said[r->mode], e.text + n, sizeof(e.text) - (size_t)n);
    snprintf(e.text + n, sizeof(e.text) - (size_t)n, ")");
    e.onset = now > 0 ? now : 0;
    e.start = e.end = r->wall;
    t->said[r->mode] = now;
    events_add(t->events, &e);
}

/* A completed round, in send order: the diagnosis once, then the events it informs. */
static void on_round(void *ctx, const struct round *r)
{
    struct target *t = ctx;
    struct lane_mode *lm = lane_mode(t, &t->all, r->mode);
    const struct verdicts *v;

    if (!lm)
        return; /* out of memory: this round is not diagnosed */
    v = &lm->work;
    if (r->pmtu) {
        pthread_mutex_lock(&t->lock);
        lm->pub.pmtu = *r->pmtu;
        lm->pub.has_pmtu = true;
        pthread_mutex_unlock(&t->lock);
    }
    if (r->sizing)
        return;
    if (!t->no_history)
        history_add_round(t->history, r); /* a round's probes under one lock */
    if (r->partial)
        return;
    if (atomic_exchange(&t->reset_asked, false)) {
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            for (int f = -1; f < t->nflows; f++)
                if (lane_of(t, f)->mode[m])
                    verdicts_reset(&lane_of(t, f)->mode[m]->work);
        memset(t->said, 0, sizeof(t->said));
    }
    lane_round(t, &t->all, r);
    verdict_news(t, r);
    if (t->nflows)
        lane_round(t, lane_of(t, r->flow), r);
    memset(t->detect.uninformative, 0, sizeof(t->detect.uninformative));
    for (int i = 0; i < v->diag.n; i++)
        if (v->in[i].ttl < DETECT_MAX_TTL)
            t->detect.uninformative[v->in[i].ttl] = v->diag.hop[i].verdict == VERDICT_REPLY_ONLY;
    detect_round(&t->detect, r);
}

void target_clear(struct target *t)
{
    for (int f = -1; f < t->nflows; f++) {
        struct lane *l = lane_of(t, f);
        hops_reset(l->hops);
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            if (l->mode[m])
                verdicts_reset(&l->mode[m]->work);
    }
    pthread_mutex_lock(&t->lock);
    for (int f = -1; f < t->nflows; f++)
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            if (lane_of(t, f)->mode[m])
                memset(&lane_of(t, f)->mode[m]->pub, 0, sizeof(struct published));
    pthread_mutex_unlock(&t->lock);
    atomic_store(&t->reset_asked, false);
    memset(t->said, 0, sizeof(t->said));
    events_clear(t->events);
    history_clear(t->history);
    detect_free(&t->detect);
    detect_init(&t->detect, t->events);
}

struct round_consumer target_consumer(struct target *t)
{
    return (struct round_consumer){.ctx = t, .on_probe = on_probe, .on_round = on_round};
}

void target_reset(struct target *t, int mode)
{
    struct event e = {.kind = EVENT_RESET, .ended = true, .mode = mode};

    for (int f = -1; f < t->nflows; f++)
        hops_reset(lane_of(t, f)->hops);
    pthread_mutex_lock(&t->lock);
    for (int f = -1; f < t->nflows; f++) {
        struct lane *l = lane_of(t, f);
        for (int m = 0; m < PROBE_MODE_COUNT; m++) { /* the path MTU is no statistic: it stays */
            struct published *pub = l->mode[m] ? &l->mode[m]->pub : NULL;
            if (pub)
                *pub = (struct published){.has_pmtu = pub->has_pmtu, .pmtu = pub->pmtu};
        }
    }
    pthread_mutex_unlock(&t->lock);
    atomic_store(&t->reset_asked, true);
    clock_gettime(CLOCK_REALTIME, &e.start);
    e.end = e.start;
    snprintf(e.text, sizeof(e.text), "statistics of every mode reset from the keyboard");
    events_add(t->events, &e);
}

int target_flow_view(struct target *t, int mode, int flow, const struct round_path *path,
                     struct target_view *v)
{
    struct lane *l = lane_of(t, flow);
    int r;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if ((r = hops_snapshot(l->hops, mode, path->end_ttl, &v->snap)) < 0)
        return r;
    v->mode = mode;
    v->flow = l == &t->all ? -1 : flow;
    v->rounds = path->rounds;
    v->end_unreach = path->end_unreach && path->end_ttl > 0;
    pthread_mutex_lock(&t->lock);
    const struct published *pub = published_of(l, mode), *all = published_of(&t->all, mode);
    memcpy(v->in, pub->in, (size_t)pub->diag.n * sizeof(v->in[0]));
    diagnose_copy(&v->diag, &pub->diag);
    v->has_pmtu = all->has_pmtu;
    v->pmtu = all->pmtu;
    pthread_mutex_unlock(&t->lock);
    return 0;
}

bool target_flow_hop(struct target *t, int mode, int flow, int ttl, struct hop_stats *out,
                     struct hop_diag *diag)
{
    const struct published *pub;

    if (flow < 0 || flow >= t->nflows || mode < 0 || mode >= PROBE_MODE_COUNT ||
        !hops_get(t->flow[flow].hops, mode, ttl, out))
        return false;
    *diag = (struct hop_diag){.verdict = VERDICT_UNKNOWN};
    pthread_mutex_lock(&t->lock);
    pub = published_of(&t->flow[flow], mode);
    for (int i = 0; i < pub->diag.n; i++)
        if (pub->in[i].ttl == ttl)
            *diag = pub->diag.hop[i];
    pthread_mutex_unlock(&t->lock);
    return true;
}

int target_view(struct target *t, int mode, const struct round_path *path, struct target_view *v)
{
    return target_flow_view(t, mode, -1, path, v);
}

void target_view_free(struct target_view *v)
{
    hops_snapshot_free(&v->snap);
}

void target_finalize(struct target *t, int mode, const struct round_path *path)
{
    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return;
    for (int f = -1; f < t->nflows; f++) {
        struct lane *l = lane_of(t, f);
        uint64_t done = 0;
        int n = hops_counts(l->hops, mode, path->end_ttl, t->counts, t->ncounts);
        for (int i = 0; i < n; i++)
            done += t->counts[i].n;
        if (done != (l->mode[mode] ? l->mode[mode]->work.done : 0))
            evaluate(t, l, mode, path->end_ttl, path->end_unreach);
    }
}

const struct hop_diag *target_view_diag(const struct target_view *v, int ttl)
{
    int i = ttl - v->snap.first_ttl;
    return i >= 0 && i < v->diag.n ? &v->diag.hop[i] : NULL;
}
