/*
 * history.c - each hop's loss and RTT over time (see history.h).
 *
 * A hop has two tiers of buckets, 10 seconds and 1 minute. A tier is a few blocks of 60
 * buckets each, a block for one clock-aligned span (10 minutes, an hour), found by its tag (the
 * span's number since the epoch) and allocated when a probe first falls in it. When a tier has
 * all its blocks, or the target's budget is spent, the block with the oldest span is reused; a
 * probe older than every block a full tier holds is dropped and counted.
 *
 * A bucket is 5 bytes: 13 bits of completed probes (at most 6,000 a minute at -i 0.01), 13 of
 * lost ones and 14 of the mean RTT, log-coded (0.14% steps from 1 us to over an hour).
 */
#include "history.h"
#include "prober/round.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_CELLS 60
#define CELL_BYTES 5
#define COUNT_MAX 8191  /* 13 bits */
#define RTT_STEPS 500.0 /* codes an octave */
#define RTT_CODE_MAX 16383

struct block {
    int32_t tag; /* the span: time / (secs * BLOCK_CELLS) */
    uint8_t cell[BLOCK_CELLS * CELL_BYTES];
};

struct tier {
    int secs;       /* a bucket */
    int blocks;     /* at most */
    int first_slot; /* in hop.slot */
};

enum { FINE, MINUTE, TIERS };
static const struct tier tiers[TIERS] = {
    [FINE] = {10, HISTORY_FINE_MINUTES / 10 + 1, 0},
    [MINUTE] = {60, HISTORY_MINUTES / 60, HISTORY_FINE_MINUTES / 10 + 1},
};
#define SLOTS (HISTORY_FINE_MINUTES / 10 + 1 + HISTORY_MINUTES / 60)

struct hop {
    struct block *slot[SLOTS];
};

struct history {
    pthread_mutex_t lock;
    int max_ttl;
    struct hop **hop; /* hop[ttl - 1], allocated when first written */
    size_t bytes, budget;
    uint64_t dropped;
    bool any;
    time_t first, last;
};

struct cell {
    uint32_t done, lost, rtt; /* rtt: the code, 0 none */
};

static struct cell cell_get(const struct block *b, int i)
{
    const uint8_t *p = b->cell + i * CELL_BYTES;
    uint64_t v = 0;

    for (int k = 0; k < CELL_BYTES; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return (struct cell){(uint32_t)(v & COUNT_MAX), (uint32_t)(v >> 13 & COUNT_MAX),
                         (uint32_t)(v >> 26 & RTT_CODE_MAX)};
}

static void cell_put(struct block *b, int i, struct cell c)
{
    uint8_t *p = b->cell + i * CELL_BYTES;
    uint64_t v = c.done | (uint64_t)c.lost << 13 | (uint64_t)c.rtt << 26;

    for (int k = 0; k < CELL_BYTES; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t rtt_code(double us)
{
    double c = 1 + round(log2(1 + (us < 0 ? 0 : us)) * RTT_STEPS);
    return c > RTT_CODE_MAX ? RTT_CODE_MAX : (uint32_t)c;
}

static double rtt_decode(uint32_t code)
{
    return code ? exp2((code - 1) / RTT_STEPS) - 1 : -1;
}

size_t history_budget(int targets)
{
    size_t b = HISTORY_FLEET / (size_t)(targets > 1 ? targets : 1);

    return b > HISTORY_BUDGET ? HISTORY_BUDGET : b < HISTORY_BUDGET_MIN ? HISTORY_BUDGET_MIN : b;
}

struct history *history_new(int max_ttl, size_t budget)
{
    struct history *h = calloc(1, sizeof(*h));

    if (!h || !(h->hop = calloc((size_t)max_ttl, sizeof(*h->hop)))) {
        free(h);
        return NULL;
    }
    h->max_ttl = max_ttl;
    h->budget = budget;
    h->bytes = sizeof(*h) + (size_t)max_ttl * sizeof(*h->hop);
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

static void forget(struct history *h)
{
    for (int t = 0; t < h->max_ttl; t++) {
        if (!h->hop[t])
            continue;
        for (int s = 0; s < SLOTS; s++)
            free(h->hop[t]->slot[s]);
        free(h->hop[t]);
        h->hop[t] = NULL;
    }
    h->bytes = sizeof(*h) + (size_t)h->max_ttl * sizeof(*h->hop);
    h->any = false;
    h->dropped = 0;
}

void history_free(struct history *h)
{
    if (!h)
        return;
    forget(h);
    pthread_mutex_destroy(&h->lock);
    free(h->hop);
    free(h);
}

void history_clear(struct history *h)
{
    pthread_mutex_lock(&h->lock);
    forget(h);
    pthread_mutex_unlock(&h->lock);
}

static int32_t span_of(const struct tier *tr, time_t t)
{
    return (int32_t)(t / ((time_t)tr->secs * BLOCK_CELLS));
}

/* The block of hop for span tag, NULL when none holds it. */
static struct block *block_find(const struct hop *hop, const struct tier *tr, int32_t tag)
{
    for (int s = tr->first_slot; s < tr->first_slot + tr->blocks; s++)
        if (hop->slot[s] && hop->slot[s]->tag == tag)
            return hop->slot[s];
    return NULL;
}

/* A block for span tag: a new one while the tier and the budget allow, else the oldest reused
 * when it is older; NULL when every block holds a later span. The caller sets its tag. */
static struct block *block_take(struct history *h, struct hop *hop, const struct tier *tr,
                                int32_t tag)
{
    int oldest = -1;

    for (int s = tr->first_slot; s < tr->first_slot + tr->blocks; s++) {
        if (!hop->slot[s]) {
            if (h->bytes + sizeof(struct block) > h->budget ||
                !(hop->slot[s] = malloc(sizeof(struct block))))
                continue;
            h->bytes += sizeof(struct block);
            return hop->slot[s];
        }
        if (oldest < 0 || hop->slot[s]->tag < hop->slot[oldest]->tag)
            oldest = s;
    }
    return oldest < 0 || hop->slot[oldest]->tag > tag ? NULL : hop->slot[oldest];
}

/* A probe into its bucket of one tier; false when no block could take it. */
static bool tier_add(struct history *h, struct hop *hop, const struct tier *tr, time_t t,
                     int32_t rtt_us)
{
    int32_t tag = span_of(tr, t);
    struct block *b = block_find(hop, tr, tag);
    int i = (int)(t / tr->secs % BLOCK_CELLS);
    struct cell c;

    if (!b) {
        if (!(b = block_take(h, hop, tr, tag)))
            return false;
        memset(b->cell, 0, sizeof(b->cell));
        b->tag = tag;
    }
    c = cell_get(b, i);
    if (c.done >= COUNT_MAX)
        return false;
    c.done++;
    if (rtt_us < 0) {
        c.lost++;
    } else {
        double mean = c.rtt ? rtt_decode(c.rtt) : 0;
        mean += (rtt_us - mean) / (double)(c.done - c.lost);
        c.rtt = rtt_code(mean);
    }
    cell_put(b, i, c);
    return true;
}

/* One probe, the lock held. */
static void add_locked(struct history *h, int ttl, time_t wall_s, int32_t rtt_us)
{
    struct hop **hop;

    if (ttl < 1 || ttl > h->max_ttl || wall_s < 0)
        return;
    hop = &h->hop[ttl - 1];
    if (!*hop && h->bytes + sizeof(**hop) <= h->budget && (*hop = calloc(1, sizeof(**hop))))
        h->bytes += sizeof(**hop);
    if (!*hop) {
        h->dropped++;
    } else {
        tier_add(h, *hop, &tiers[FINE], wall_s, rtt_us); /* recent only: may age out */
        if (!tier_add(h, *hop, &tiers[MINUTE], wall_s, rtt_us))
            h->dropped++;
        if (!h->any || wall_s < h->first)
            h->first = wall_s;
        if (!h->any || wall_s > h->last)
            h->last = wall_s;
        h->any = true;
    }
}

void history_add(struct history *h, int ttl, time_t wall_s, int32_t rtt_us)
{
    pthread_mutex_lock(&h->lock);
    add_locked(h, ttl, wall_s, rtt_us);
    pthread_mutex_unlock(&h->lock);
}

void history_add_round(struct history *h, const struct round *r)
{
    pthread_mutex_lock(&h->lock);
    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        if (p->outcome == ROUND_ANSWERED)
            add_locked(h, ttl, r->wall.tv_sec, (int32_t)p->rtt_us);
        else if (p->outcome == ROUND_LOST)
            add_locked(h, ttl, r->wall.tv_sec, -1);
    }
    pthread_mutex_unlock(&h->lock);
}

bool history_span(struct history *h, time_t *first, time_t *last)
{
    pthread_mutex_lock(&h->lock);
    bool any = h->any;
    *first = h->first;
    *last = h->last;
    pthread_mutex_unlock(&h->lock);
    return any;
}

int history_max_ttl(struct history *h)
{
    int max = 0;

    pthread_mutex_lock(&h->lock);
    for (int t = h->max_ttl; t > 0 && !max; t--)
        if (h->hop[t - 1])
            max = t;
    pthread_mutex_unlock(&h->lock);
    return max;
}

static const struct tier *tier_of(enum history_zoom z)
{
    return &tiers[z == HISTORY_10S ? FINE : MINUTE];
}

time_t history_kept_from(struct history *h, enum history_zoom z)
{
    const struct tier *tr = tier_of(z);
    int32_t oldest = INT32_MAX;

    pthread_mutex_lock(&h->lock);
    for (int t = 0; t < h->max_ttl; t++)
        for (int s = tr->first_slot; h->hop[t] && s < tr->first_slot + tr->blocks; s++)
            if (h->hop[t]->slot[s] && h->hop[t]->slot[s]->tag < oldest)
                oldest = h->hop[t]->slot[s]->tag;
    time_t from = oldest == INT32_MAX ? h->last : (time_t)oldest * tr->secs * BLOCK_CELLS;
    if (h->any && from < h->first)
        from = h->first;
    pthread_mutex_unlock(&h->lock);
    return history_bucket(z, from);
}

/* Adds the bucket of one tier holding t into p. */
static void point_add(const struct hop *hop, const struct tier *tr, time_t t,
                      struct history_point *p, double *rtt_sum)
{
    const struct block *b = hop ? block_find(hop, tr, span_of(tr, t)) : NULL;
    struct cell c;

    if (!b)
        return;
    c = cell_get(b, (int)(t / tr->secs % BLOCK_CELLS));
    p->held = true;
    p->done += c.done;
    p->lost += c.lost;
    if (c.rtt)
        *rtt_sum += rtt_decode(c.rtt) * (c.done - c.lost);
}

int history_read(struct history *h, int ttl, enum history_zoom z, time_t from, int n,
                 struct history_point *out)
{
    const struct tier *tr = tier_of(z);
    int secs = history_zoom_secs(z);

    if (ttl < 1 || ttl > h->max_ttl || n <= 0)
        return 0;
    from = history_bucket(z, from);
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < n; i++) {
        struct history_point *p = &out[i];
        double rtt_sum = 0;
        *p = (struct history_point){.start = from + (time_t)i * secs, .rtt_us = -1};
        for (int k = 0; k < secs / tr->secs; k++)
            point_add(h->hop[ttl - 1], tr, p->start + (time_t)k * tr->secs, p, &rtt_sum);
        if (p->done > p->lost)
            p->rtt_us = rtt_sum / (p->done - p->lost);
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

size_t history_bytes(struct history *h)
{
    pthread_mutex_lock(&h->lock);
    size_t b = h->bytes;
    pthread_mutex_unlock(&h->lock);
    return b;
}

uint64_t history_dropped(struct history *h)
{
    pthread_mutex_lock(&h->lock);
    uint64_t d = h->dropped;
    pthread_mutex_unlock(&h->lock);
    return d;
}

int history_zoom_secs(enum history_zoom z)
{
    static const int secs[HISTORY_ZOOMS] = {10, 60, 600};
    return secs[z];
}

const char *history_zoom_name(enum history_zoom z)
{
    static const char *const names[HISTORY_ZOOMS] = {"10 s", "1 min", "10 min"};
    return names[z];
}

time_t history_bucket(enum history_zoom z, time_t t)
{
    time_t secs = history_zoom_secs(z);
    return t - ((t % secs) + secs) % secs;
}
