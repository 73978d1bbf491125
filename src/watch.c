/*
 * watch.c - loss bursts, path changes and mode changes as events (see watch.h).
 */
#include "watch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void watch_init(struct watch *w, struct event_log *log)
{
    memset(w, 0, sizeof(*w));
    w->log = log;
}

int watch_cut(const struct watch *w, const struct round *r)
{
    int last = r->dest_ttl, cut;

    if (last <= 0 || last >= WATCH_MAX_TTL || !round_lost(r, last))
        return 0;
    cut = last;
    for (int k = last - 1; k > 0; k--) {
        if (w->uninformative[k] || (!round_lost(r, k) && !round_answered(r, k)))
            continue;
        if (!round_lost(r, k))
            break;
        cut = k;
    }
    return cut;
}

/* Rounds in a row needed before a run of lost destination rounds counts as a burst: the
 * destination's ordinary loss rate p must make such a run unlikely (p^k < 1e-3). */
static int burst_min(const struct watch *w)
{
    double p = w->dest_rounds >= 20 ? (double)w->dest_lost / (double)w->dest_rounds : 0.0;
    int k = p > 0.0 ? (int)ceil(log(1e-3) / log(p)) : WATCH_BURST_MIN;
    return k < WATCH_BURST_MIN ? WATCH_BURST_MIN : k > 20 ? 20 : k;
}

static int most_frequent_cut(const struct watch *w)
{
    int best = 0;
    for (int k = 1; k < WATCH_MAX_TTL; k++)
        if (w->hist[k] > w->hist[best])
            best = k;
    return best;
}

static void fill_burst(struct watch *w, int dest_ttl)
{
    struct event *e = &w->burst;

    e->onset = most_frequent_cut(w);
    e->nhops = 0;
    for (int k = e->onset; k > 0 && k <= dest_ttl && e->nhops < EVENT_MAX_HOPS; k++)
        e->hops[e->nhops++] = (uint8_t)k;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void start_burst(struct watch *w, const struct round *r)
{
    struct event *e = &w->burst;

    memset(e, 0, sizeof(*e));
    e->kind = EVENT_LOSS_BURST;
    e->start = w->run_start;
    e->mode = r->mode;
    fill_burst(w, r->dest_ttl);
    snprintf(e->text, sizeof(e->text), "loss burst from hop %d on, ongoing", e->onset);
    w->burst_id = events_add(w->log, e);
    w->in_burst = true;
    w->clean_run = 0;
}

static void end_burst(struct watch *w, int dest_ttl)
{
    struct event *e = &w->burst;
    int prev;

    fill_burst(w, dest_ttl);
    e->end = w->first_clean;
    e->ended = true;
    /* The segment starts at the informative hop before the onset. */
    for (prev = e->onset - 1; prev > 0 && w->uninformative[prev]; prev--)
        ;
    snprintf(e->text, sizeof(e->text),
             "loss burst: hops %d-%d lost everything for %.1f s; it starts between hop %d and "
             "hop %d",
             e->onset, dest_ttl, seconds(&e->start, &e->end), prev, e->onset);
    events_end(w->log, w->burst_id, e);
    w->in_burst = false;
    w->cut_run = 0;
    memset(w->hist, 0, sizeof(w->hist));
}

/* Loss bursts: runs of rounds with a cut. */
static void bursts(struct watch *w, const struct round *r)
{
    int cut = watch_cut(w, r);

    if (r->dest_ttl <= 0 || (!cut && !round_answered(r, r->dest_ttl)))
        return; /* no path yet, or the destination was not probed */
    if (cut) {
        if (!w->in_burst && w->cut_run == 0) {
            w->run_start = r->wall;
            memset(w->hist, 0, sizeof(w->hist));
        }
        w->cut_run++;
        w->clean_run = 0;
        w->hist[cut]++;
        if (!w->in_burst && w->cut_run >= burst_min(w))
            start_burst(w, r);
        return;
    }
    if (!w->in_burst) {
        /* A run too short for a burst is ordinary loss. */
        w->dest_rounds += (uint64_t)w->cut_run + 1;
        w->dest_lost += (uint64_t)w->cut_run;
        w->cut_run = 0;
        return;
    }
    if (w->clean_run++ == 0)
        w->first_clean = r->wall;
    if (w->clean_run >= WATCH_CLEAN_MIN)
        end_burst(w, r->dest_ttl);
}

void watch_new_responder(struct watch *w, int mode, int ttl, const struct probe_addr *was,
                         const struct probe_addr *is, const struct timespec *now)
{
    struct event e;
    char was_s[64], is_s[64];

    if (mode < 0 || mode >= PROBE_MODE_COUNT || ttl <= 0 || ttl >= WATCH_MAX_TTL)
        return;
    memset(&e, 0, sizeof(e));
    e.kind = EVENT_PATH_CHANGE;
    e.start = e.end = *now;
    e.ended = true;
    e.mode = mode;
    e.nhops = 1;
    e.hops[0] = (uint8_t)ttl;
    snprintf(e.text, sizeof(e.text), "hop %d: new responder %s (first seen: %s)", ttl,
             probe_addr_str(is, is_s, sizeof(is_s)), probe_addr_str(was, was_s, sizeof(was_s)));
    events_add(w->log, &e);
}

/* The target answers at a new TTL in this mode. */
static void dest_change(struct watch *w, int mode, int dest_ttl, const struct timespec *now)
{
    struct event e;
    int old;

    if (mode < 0 || mode >= PROBE_MODE_COUNT || dest_ttl <= 0)
        return;
    old = w->last_dest[mode];
    w->last_dest[mode] = dest_ttl;
    if (!old || old == dest_ttl)
        return;
    memset(&e, 0, sizeof(e));
    e.kind = EVENT_PATH_CHANGE;
    e.start = e.end = *now;
    e.ended = true;
    e.mode = mode;
    for (int k = old < dest_ttl ? old : dest_ttl;
         k <= (old > dest_ttl ? old : dest_ttl) && e.nhops < EVENT_MAX_HOPS; k++)
        e.hops[e.nhops++] = (uint8_t)k;
    snprintf(e.text, sizeof(e.text), "the target now answers at TTL %d (was %d)", dest_ttl, old);
    events_add(w->log, &e);
}

/* Rounds of `to` follow rounds of `from`: a switch asked for from outside. */
static void mode_change(struct watch *w, int from, int to, const struct timespec *now)
{
    struct event e;

    if (w->in_burst) { /* a burst cannot span two probe modes' rounds */
        w->first_clean = *now;
        end_burst(w, w->last_dest[from]);
    }
    w->cut_run = w->clean_run = 0;
    memset(&e, 0, sizeof(e));
    e.kind = EVENT_MODE_CHANGE;
    e.start = e.end = *now;
    e.ended = true;
    e.mode = to;
    snprintf(e.text, sizeof(e.text), "probe mode %s -> %s", probe_mode_name((enum probe_mode)from),
             probe_mode_name((enum probe_mode)to));
    events_add(w->log, &e);
}

void watch_round(struct watch *w, const struct round *r)
{
    if (r->switched && r->prev_mode >= 0 && r->prev_mode < PROBE_MODE_COUNT)
        mode_change(w, r->prev_mode, r->mode, &r->wall);
    if (r->mode >= 0 && r->mode < PROBE_MODE_COUNT)
        dest_change(w, r->mode, r->dest_ttl, &r->wall);
    bursts(w, r);
}
