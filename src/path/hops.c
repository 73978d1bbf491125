/*
 * hops.c - the hop statistics table (see hops.h). Written by the prober thread, read through
 * snapshots by everyone else. One mutex. A mode's hops are allocated when its first probe is
 * sent (outside the lock), so a target probing in one mode holds one mode's table; a mode
 * never probed reads as zeros.
 */
#include "hops.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct mode_table {
    struct hop_stats *hops;     /* max_ttl entries; NULL until the mode's first probe */
    struct hop_sample *samples; /* max_ttl * HOPS_RING, the hops' rings (NULL: none kept) */
};

struct hops {
    pthread_mutex_t lock;
    int first_ttl, max_ttl;
    bool samples; /* keep each hop's last HOPS_RING samples */
    struct mode_table modes[PROBE_MODE_COUNT];
    uint32_t responders_added; /* ever (hops_responders): a reset does not take it back */
};

static void hop_init(struct hop_stats *s, int ttl, struct hop_sample *ring)
{
    memset(s, 0, sizeof(*s));
    s->ttl = ttl;
    s->ring = ring;
}

struct hops *hops_new(int first_ttl, int max_ttl)
{
    struct hops *h;

    if (max_ttl < 1 || max_ttl > HOPS_MAX_TTL || first_ttl < 1 || first_ttl > max_ttl)
        return NULL;
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    pthread_mutex_init(&h->lock, NULL);
    h->first_ttl = first_ttl;
    h->max_ttl = max_ttl;
    h->samples = true;
    return h;
}

void hops_no_samples(struct hops *h)
{
    h->samples = false;
}

/* Mode's table, made on its first probe: allocated outside the lock, put in under it. */
static void mode_alloc(struct hops *h, int mode)
{
    struct hop_stats *p;
    struct hop_sample *smp = NULL;
    bool have;

    pthread_mutex_lock(&h->lock);
    have = h->modes[mode].hops != NULL;
    pthread_mutex_unlock(&h->lock);
    if (have || !(p = calloc((size_t)h->max_ttl, sizeof(*p))))
        return;
    if (h->samples && !(smp = calloc((size_t)h->max_ttl * HOPS_RING, sizeof(*smp)))) {
        free(p);
        return;
    }
    for (int t = 0; t < h->max_ttl; t++)
        hop_init(&p[t], t + 1, smp ? smp + (size_t)t * HOPS_RING : NULL);
    pthread_mutex_lock(&h->lock);
    if (!h->modes[mode].hops) {
        h->modes[mode].hops = p;
        h->modes[mode].samples = smp;
        p = NULL;
        smp = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    free(p);
    free(smp);
}

void hops_free(struct hops *h)
{
    if (!h)
        return;
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        free(h->modes[m].hops);
        free(h->modes[m].samples);
    }
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* The hop for (mode, ttl) or NULL; call with the lock held. */
static struct hop_stats *hop_at(struct hops *h, int mode, int ttl)
{
    if (mode < 0 || mode >= PROBE_MODE_COUNT || ttl < 1 || ttl > h->max_ttl || !h->modes[mode].hops)
        return NULL;
    return &h->modes[mode].hops[ttl - 1];
}

static void rtt_add(struct rtt_stats *r, uint32_t rtt_us)
{
    double delta;

    r->n++;
    r->last_us = rtt_us;
    if (r->n == 1 || rtt_us < r->best_us)
        r->best_us = rtt_us;
    if (rtt_us > r->worst_us)
        r->worst_us = rtt_us;
    delta = rtt_us - r->mean_us;
    r->mean_us += delta / (double)r->n;
    r->m2_us += delta * (rtt_us - r->mean_us);
}

static void jitter_add(struct hop_stats *s, uint32_t rtt_us)
{
    if (s->have_prev) {
        uint32_t d = rtt_us > s->prev_rtt_us ? rtt_us - s->prev_rtt_us : s->prev_rtt_us - rtt_us;
        s->jitter_us += ((double)d - s->jitter_us) / 16.0;
        s->jttr_us = d;
        if (d > s->jmax_us)
            s->jmax_us = d;
        s->njitter++;
        s->javg_us += ((double)d - s->javg_us) / (double)s->njitter;
    }
    s->have_prev = true;
    s->prev_rtt_us = rtt_us;
}

#define RTT_STEPS 2048.0 /* codes an octave */

static uint16_t rtt_code(int32_t rtt_us)
{
    double c = rtt_us < 0 ? 0 : 1 + round(log2(1.0 + rtt_us) * RTT_STEPS);
    return (uint16_t)(c > UINT16_MAX ? UINT16_MAX : c);
}

double hop_sample_rtt_us(const struct hop_sample *smp)
{
    return smp->rtt ? exp2((smp->rtt - 1) / RTT_STEPS) - 1 : -1;
}

uint32_t hop_sample_age(const struct hop_sample *smp, uint32_t newest)
{
    return (uint16_t)((uint16_t)newest - smp->round);
}

static void bucket_add(struct loss_bucket *b, uint32_t at, bool lost)
{
    if (b->at != at || !b->done)
        *b = (struct loss_bucket){.at = at};
    if (b->done < UINT16_MAX) {
        b->done++;
        b->lost += lost;
    }
}

static void ring_add(struct hop_stats *s, uint64_t sent_us, uint32_t round, int32_t rtt_us)
{
    uint32_t sec = (uint32_t)(sent_us / 1000000u);

    bucket_add(&s->secs[sec % HOPS_SECS], sec, rtt_us < 0);
    bucket_add(&s->tens[sec / 10 % HOPS_TENS], sec / 10, rtt_us < 0);
    if (!s->ring)
        return; /* no samples kept */
    s->ring[s->ring_head] = (struct hop_sample){.round = (uint16_t)round, .rtt = rtt_code(rtt_us)};
    s->ring_head = (s->ring_head + 1) % HOPS_RING;
    if (s->nsamples < HOPS_RING)
        s->nsamples++;
}

/* A reply of r's (r->received counted already). */
static void responder_rtt(struct hop_responder *r, uint32_t rtt_us)
{
    if (r->received == 1 || rtt_us < r->rtt.best_us)
        r->rtt.best_us = rtt_us;
    if (rtt_us > r->rtt.worst_us)
        r->rtt.worst_us = rtt_us;
    r->rtt.mean_us += (rtt_us - r->rtt.mean_us) / (double)r->received;
}

/* The responder entry for `from`, added if new; NULL when the hop has no room. */
static struct hop_responder *responder_for(struct hop_stats *s, const struct probe_addr *from)
{
    for (int i = 0; i < s->nresponders; i++)
        if (probe_addr_equal(&s->responders[i].addr, from))
            return &s->responders[i];
    if (s->nresponders == HOPS_MAX_RESPONDERS)
        return NULL;
    s->responders[s->nresponders].addr = *from;
    s->responders[s->nresponders].reply_ttl = -1;
    return &s->responders[s->nresponders++];
}

void hops_record_sent(struct hops *h, int mode, int ttl)
{
    struct hop_stats *s;

    if (mode >= 0 && mode < PROBE_MODE_COUNT)
        mode_alloc(h, mode);
    pthread_mutex_lock(&h->lock);
    if ((s = hop_at(h, mode, ttl))) {
        s->sent++;
        s->inflight++;
    }
    pthread_mutex_unlock(&h->lock);
}

bool hops_record_reply(struct hops *h, int mode, int ttl, const struct hop_reply *rep,
                       struct probe_addr *first)
{
    struct hop_stats *s;
    struct hop_responder *r;
    bool news = false;
    uint32_t rtt_us = rep->rtt_us;
    int unreach = rep->unreach;

    pthread_mutex_lock(&h->lock);
    if ((s = hop_at(h, mode, ttl)) && s->inflight > 0) {
        s->inflight--;
        s->received++;
        if (unreach) {
            s->unreach++;
            s->unreach_code = (uint8_t)unreach;
        }
        rtt_add(&s->rtt, rtt_us);
        jitter_add(s, rtt_us);
        ring_add(s, rep->sent_us, rep->round, (int32_t)(rtt_us > INT32_MAX ? INT32_MAX : rtt_us));
        int known = s->nresponders;
        if ((r = responder_for(s, &rep->from))) {
            h->responders_added += s->nresponders > known;
            r->received++;
            responder_rtt(r, rtt_us);
            r->reply_ttl = (int16_t)rep->reply_ttl;
            r->is_dest = rep->is_dest;
            r->nmpls = rep->nmpls > PROBE_MPLS_MAX ? PROBE_MPLS_MAX : rep->nmpls;
            memcpy(r->mpls, rep->mpls, sizeof(r->mpls));
        } else {
            s->other_responders++;
        }
        news = known > 0 && s->nresponders > known;
        if (news && first)
            *first = s->responders[0].addr;
    }
    pthread_mutex_unlock(&h->lock);
    return news;
}

void hops_record_loss(struct hops *h, int mode, int ttl, uint64_t sent_us, uint32_t round)
{
    struct hop_stats *s;

    pthread_mutex_lock(&h->lock);
    if ((s = hop_at(h, mode, ttl)) && s->inflight > 0) {
        s->inflight--;
        s->lost++;
        ring_add(s, sent_us, round, -1);
    }
    pthread_mutex_unlock(&h->lock);
}

void hops_record_cancel(struct hops *h, int mode, int ttl)
{
    struct hop_stats *s;

    pthread_mutex_lock(&h->lock);
    if ((s = hop_at(h, mode, ttl)) && s->inflight > 0) {
        s->inflight--;
        s->sent--;
    }
    pthread_mutex_unlock(&h->lock);
}

void hops_reset(struct hops *h)
{
    pthread_mutex_lock(&h->lock);
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        for (int t = 0; h->modes[m].hops && t < h->max_ttl; t++) {
            struct hop_stats *s = &h->modes[m].hops[t];
            uint64_t inflight = s->inflight;
            hop_init(s, t + 1, s->ring);
            s->sent = s->inflight = inflight;
        }
    }
    pthread_mutex_unlock(&h->lock);
}

/* The highest TTL worth showing: the destination's, else the last hop that answered. */
static int shown_hops(const struct hops *h, const struct mode_table *mt, int dest_ttl)
{
    if (dest_ttl > 0 && dest_ttl <= h->max_ttl)
        return dest_ttl < h->first_ttl ? h->first_ttl : dest_ttl;
    if (!mt->hops)
        return h->first_ttl;
    for (int t = h->max_ttl; t >= h->first_ttl; t--)
        if (mt->hops[t - 1].received)
            return t;
    for (int t = h->max_ttl; t >= h->first_ttl; t--)
        if (mt->hops[t - 1].sent)
            return t;
    return h->first_ttl;
}

int hops_snapshot(struct hops *h, int mode, int dest_ttl, struct hops_snapshot *snap)
{
    const struct mode_table *mt;
    bool have;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if (snap->cap < h->max_ttl) {
        struct hop_stats *p = realloc(snap->hops, (size_t)h->max_ttl * sizeof(*p));
        if (!p)
            return -ENOMEM;
        snap->hops = p;
        snap->cap = h->max_ttl;
    }
    if (h->samples && snap->samples_cap < h->max_ttl) { /* (fixed before the first probe) */
        struct hop_sample *smp =
            realloc(snap->samples, (size_t)h->max_ttl * HOPS_RING * sizeof(*smp));
        if (!smp)
            return -ENOMEM;
        snap->samples = smp;
        snap->samples_cap = h->max_ttl;
    }
    pthread_mutex_lock(&h->lock);
    mt = &h->modes[mode];
    snap->mode = mode;
    snap->first_ttl = h->first_ttl;
    snap->dest_ttl = dest_ttl;
    snap->nhops = shown_hops(h, mt, dest_ttl);
    have = mt->hops != NULL;
    if (have)
        memcpy(snap->hops, mt->hops, (size_t)snap->nhops * sizeof(*snap->hops));
    if (have && mt->samples)
        memcpy(snap->samples, mt->samples,
               (size_t)snap->nhops * HOPS_RING * sizeof(*snap->samples));
    pthread_mutex_unlock(&h->lock);
    for (int t = 0; t < snap->nhops; t++) {
        if (!have) /* never probed: zeros */
            hop_init(&snap->hops[t], t + 1, NULL);
        /* the copy's own */
        snap->hops[t].ring = have && mt->samples ? snap->samples + (size_t)t * HOPS_RING : NULL;
    }
    return 0;
}

uint32_t hops_responders_added(struct hops *h)
{
    uint32_t n;

    pthread_mutex_lock(&h->lock);
    n = h->responders_added;
    pthread_mutex_unlock(&h->lock);
    return n;
}

int hops_responders(struct hops *h, struct probe_addr *out, int max)
{
    int n = 0;

    pthread_mutex_lock(&h->lock);
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        for (int t = 0; h->modes[m].hops && t < h->max_ttl; t++)
            for (int i = 0; i < h->modes[m].hops[t].nresponders && n < max; i++)
                out[n++] = h->modes[m].hops[t].responders[i].addr;
    pthread_mutex_unlock(&h->lock);
    return n;
}

int hops_counts(struct hops *h, int mode, int dest_ttl, struct diag_input *out, int max)
{
    int n = 0, last;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return 0;
    pthread_mutex_lock(&h->lock);
    last = shown_hops(h, &h->modes[mode], dest_ttl);
    for (int t = h->first_ttl; t <= last && n < max; t++, n++) {
        const struct hop_stats *s = h->modes[mode].hops ? &h->modes[mode].hops[t - 1] : NULL;
        out[n] = (struct diag_input){
            .ttl = t, .n = s ? s->received + s->lost : 0, .lost = s ? s->lost : 0};
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

bool hops_get(struct hops *h, int mode, int ttl, struct hop_stats *out)
{
    const struct hop_stats *s;

    bool in = mode >= 0 && mode < PROBE_MODE_COUNT && ttl >= 1 && ttl <= h->max_ttl;

    pthread_mutex_lock(&h->lock);
    if ((s = hop_at(h, mode, ttl))) {
        *out = *s;
        out->ring = NULL; /* the table's: not to be read outside the lock */
        out->nsamples = 0;
    }
    pthread_mutex_unlock(&h->lock);
    if (!s && in)
        hop_init(out, ttl, NULL); /* a mode never probed: zeros */
    return in;
}

void hops_snapshot_free(struct hops_snapshot *snap)
{
    free(snap->hops);
    free(snap->samples);
    snap->samples = NULL;
    snap->samples_cap = 0;
    snap->hops = NULL;
    snap->cap = 0;
}

double hop_loss_pct(const struct hop_stats *s)
{
    uint64_t done = s->received + s->lost;
    return done ? 100.0 * (double)s->lost / (double)done : 0.0;
}

double rtt_stddev_us(const struct rtt_stats *r)
{
    return r->n > 1 ? sqrt(r->m2_us / (double)(r->n - 1)) : 0.0;
}

void hop_window(const struct hop_stats *s, uint64_t now_us, int secs, uint64_t *done,
                uint64_t *lost)
{
    uint32_t now = (uint32_t)(now_us / 1000000u), span = (uint32_t)secs;
    const struct loss_bucket *b = s->secs;
    int n = HOPS_SECS;

    *done = *lost = 0;
    if (secs > HOPS_WINDOW_SECS)
        span = secs = HOPS_WINDOW_SECS;
    if (secs > HOPS_SECS) { /* the current ten seconds and the secs / 10 before them */
        b = s->tens;
        n = HOPS_TENS;
        now /= 10;
        span = (uint32_t)secs / 10 + 1;
    }
    for (int i = 0; i < n; i++)
        if (b[i].done && now - b[i].at < span) {
            *done += b[i].done;
            *lost += b[i].lost;
        }
}

const struct hop_responder *hop_main_responder(const struct hop_stats *s)
{
    const struct hop_responder *best = NULL;
    for (int i = 0; i < s->nresponders; i++)
        if (!best || s->responders[i].received > best->received)
            best = &s->responders[i];
    return best;
}

int hop_return_hops(int reply_ttl)
{
    static const int initial[] = {64, 128, 255};

    if (reply_ttl <= 0 || reply_ttl > 255)
        return -1;
    for (size_t i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
        if (reply_ttl <= initial[i])
            return initial[i] - reply_ttl + 1;
    return -1;
}

bool hop_asymmetric(const struct hop_stats *s)
{
    const struct hop_responder *r = hop_main_responder(s);
    int back = r ? hop_return_hops(r->reply_ttl) : -1;
    return back > s->ttl;
}
