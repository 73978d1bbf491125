/*
 * detect.c - loss bursts, path changes and mode changes as events (see detect.h).
 */
#include "detect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void detect_init(struct detector *w, struct event_log *log)
{
    memset(w, 0, sizeof(*w));
    w->log = log;
}

void detect_free(struct detector *w)
{
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        free(w->hop[m]);
        w->hop[m] = NULL;
    }
}

int detect_cut(const struct detector *w, const struct round *r)
{
    /* A path that ends at an unreachable router is judged up to the hop before it: the
     * router's own answers are rate-limited errors. */
    int last = r->end_unreach ? r->dest_ttl - 1 : r->dest_ttl, cut;

    if (last <= 0 || last >= DETECT_MAX_TTL || !round_lost(r, last))
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
static int burst_min(const struct detector *w)
{
    double p = w->dest_rounds >= 20 ? (double)w->dest_lost / (double)w->dest_rounds : 0.0;
    int k = p > 0.0 ? (int)ceil(log(1e-3) / log(p)) : DETECT_BURST_MIN;
    return k < DETECT_BURST_MIN ? DETECT_BURST_MIN : k > 20 ? 20 : k;
}

static int most_frequent_cut(const struct detector *w)
{
    int best = 0;
    for (int k = 1; k < DETECT_MAX_TTL; k++)
        if (w->hist[k] > w->hist[best])
            best = k;
    return best;
}

static void fill_burst(struct detector *w, int dest_ttl)
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

static void start_burst(struct detector *w, const struct round *r)
{
    struct event *e = &w->burst;

    memset(e, 0, sizeof(*e));
    e->kind = EVENT_LOSS_BURST;
    e->start = w->run_start;
    e->mode = r->mode;
    fill_burst(w, r->end_unreach ? r->dest_ttl - 1 : r->dest_ttl);
    snprintf(e->text, sizeof(e->text), "loss burst from hop %d on, ongoing", e->onset);
    w->burst_id = events_add(w->log, e);
    w->in_burst = true;
    w->clean_run = 0;
}

static void end_burst(struct detector *w, int dest_ttl)
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
static void bursts(struct detector *w, const struct round *r)
{
    int cut = detect_cut(w, r);

    int last = r->end_unreach ? r->dest_ttl - 1 : r->dest_ttl;

    if (last <= 0 || (!cut && !round_answered(r, last)))
        return; /* no path yet, or its last hop was not probed */
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
    if (w->clean_run >= DETECT_CLEAN_MIN)
        end_burst(w, last);
}

void detect_new_responder(struct detector *w, int mode, int flow, int ttl, uint32_t round,
                          const struct probe_addr *was, const struct probe_addr *is)
{
    if (mode < 0 || mode >= PROBE_MODE_COUNT || ttl <= 0 || ttl >= DETECT_MAX_TTL)
        return;
    if (!w->hop[mode] && !(w->hop[mode] = calloc(DETECT_MAX_TTL, sizeof(*w->hop[mode]))))
        return; /* out of memory: this change goes unconfirmed */
    w->hop[mode][ttl] =
        (struct detect_pending){.was = *was, .is = *is, .since = round, .flow = (uint8_t)flow};
}

static void path_event(struct detector *w, const struct round *r, int lo, int hi, const char *text)
{
    struct event e;

    memset(&e, 0, sizeof(e));
    e.kind = EVENT_PATH_CHANGE;
    e.start = e.end = r->wall;
    e.ended = true;
    e.mode = r->mode;
    for (int k = lo; k <= hi && e.nhops < EVENT_MAX_HOPS; k++)
        e.hops[e.nhops++] = (uint8_t)k;
    snprintf(e.text, sizeof(e.text), "%s", text);
    events_add(w->log, &e);
}

/* New responders that go on answering where they appeared. */
static void responders(struct detector *w, const struct round *r)
{
    for (int ttl = r->first_ttl; w->hop[r->mode] && ttl <= r->last_ttl && ttl < DETECT_MAX_TTL;
         ttl++) {
        struct detect_pending *p = &w->hop[r->mode][ttl];
        const struct round_probe *rp = round_probe_at(r, ttl);
        char text[160], was[64], is[64];
        if (!p->is.family || rp->outcome != ROUND_ANSWERED || r->number < p->since ||
            r->flow != p->flow)
            continue; /* rounds sent before it appeared (or of other flows) say nothing of it */
        if (!probe_addr_equal(&rp->from, &p->is)) {
            memset(p, 0, sizeof(*p)); /* it did not stay: load balancing, or a blip */
            continue;
        }
        if (++p->held < DETECT_STABLE_ROUNDS)
            continue;
        snprintf(text, sizeof(text), "hop %d: new responder %s (first seen: %s)", ttl,
                 probe_addr_str(&p->is, is, sizeof(is)), probe_addr_str(&p->was, was, sizeof(was)));
        path_event(w, r, ttl, ttl, text);
        memset(p, 0, sizeof(*p));
    }
}

/* A new end of the path that holds: the target answers at another TTL, or a router at some
 * TTL says unreachable. */
static void path_end(struct detector *w, const struct round *r)
{
    int m = r->mode, old = w->dest[m], now = r->dest_ttl;
    char text[160], addr[64];
    const struct round_probe *rp;

    if (now <= 0)
        return;
    if (!old || (now == old && r->end_unreach == w->dest_unreach[m])) {
        w->dest[m] = now; /* discovery, or unchanged */
        w->dest_unreach[m] = r->end_unreach;
        w->dest_held[m] = 0;
        return;
    }
    if (now != w->dest_candidate[m])
        w->dest_held[m] = 0;
    w->dest_candidate[m] = now;
    if (++w->dest_held[m] < DETECT_STABLE_ROUNDS)
        return;
    rp = round_probe_at(r, now);
    if (r->end_unreach && rp && rp->outcome == ROUND_ANSWERED)
        snprintf(
            text, sizeof(text), "the path now ends at TTL %d: %s says %s unreachable (was %d)", now,
            probe_addr_str(&rp->from, addr, sizeof(addr)),
            probe_unreach_name(probe_unreach_of(rp->from.family, rp->icmp_type, rp->icmp_code)),
            old);
    else
        snprintf(text, sizeof(text), "the target now answers at TTL %d (was %d)", now, old);
    path_event(w, r, old < now ? old : now, old > now ? old : now, text);
    w->dest[m] = now;
    w->dest_unreach[m] = r->end_unreach;
    w->dest_held[m] = 0;
}

/* Rounds of `to` follow rounds of `from`: a switch asked for from outside. */
static void mode_change(struct detector *w, int from, int to, const struct timespec *now)
{
    struct event e;

    if (w->in_burst) { /* a burst cannot span two probe modes' rounds */
        w->first_clean = *now;
        end_burst(w, w->dest[from]);
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

/* The errno of the round's first send that failed, 0 when none did; *sent: some went out. */
static int send_errors(const struct round *r, bool *sent)
{
    int err = 0;

    *sent = false;
    for (int ttl = r->first_ttl; ttl <= r->last_ttl; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        *sent |= p->outcome != ROUND_UNSENT;
        if (!err && p->outcome == ROUND_UNSENT && p->send_err)
            err = p->send_err;
    }
    return err;
}

/* Spells in which this host could not send: an event while it lasts, ended (with how long)
 * by the first round that sends every probe again. */
static void send_failures(struct detector *w, const struct round *r)
{
    bool sent;
    int err = send_errors(r, &sent);
    struct event *e = &w->send_failure;

    if (err && !w->in_send_failure) {
        memset(e, 0, sizeof(*e));
        e->kind = EVENT_SEND_FAILURE;
        e->start = r->wall;
        e->mode = r->mode;
        snprintf(e->text, sizeof(e->text), "this host could not send: %s", strerror(err));
        w->send_failure_id = events_add(w->log, e);
        w->in_send_failure = true;
    } else if (!err && sent && w->in_send_failure) {
        double s = (double)(r->wall.tv_sec - e->start.tv_sec) +
                   (double)(r->wall.tv_nsec - e->start.tv_nsec) / 1e9;
        e->end = r->wall;
        e->ended = true;
        snprintf(e->text + strlen(e->text), sizeof(e->text) - strlen(e->text), ", for %.1f s", s);
        events_end(w->log, w->send_failure_id, e);
        w->in_send_failure = false;
    }
}

void detect_round(struct detector *w, const struct round *r)
{
    send_failures(w, r);
    if (r->switched && r->prev_mode >= 0 && r->prev_mode < PROBE_MODE_COUNT)
        mode_change(w, r->prev_mode, r->mode, &r->wall);
    if (r->mode < 0 || r->mode >= PROBE_MODE_COUNT)
        return;
    path_end(w, r);
    responders(w, r);
    bursts(w, r);
}
