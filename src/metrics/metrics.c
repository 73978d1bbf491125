/*
 * metrics.c - the exporter's counters (see metrics.h): fed whole rounds on the prober thread,
 * read by scrapes (metrics_render.c) under each target's own mutex.
 */
#include "metrics_internal.h"

#include <errno.h>

#include <stdlib.h>

const double metrics_rtt_le[METRICS_RTT_BUCKETS] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                    0.1,    0.2,   0.5,   1,     2,    4};

struct metrics_counts *metrics_counts_new(int max_ttl)
{
    struct metrics_counts *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->max_ttl = max_ttl < METRICS_TTL_MAX ? max_ttl : METRICS_TTL_MAX;
    return c;
}

void metrics_counts_free(struct metrics_counts *c)
{
    if (!c)
        return;
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        free(c->hop[m]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* One answered probe's RTT into its hop's histogram. */
static void histogram_add(struct metrics_hop *h, uint32_t rtt_us)
{
    int i = 0;

    while (i < METRICS_RTT_BUCKETS - 1 && rtt_us > metrics_rtt_le[i] * 1e6)
        i++;
    if (rtt_us <= metrics_rtt_le[i] * 1e6)
        h->rtt_bucket[i]++; /* above the last bound: +Inf alone (the count) */
    h->rtt_sum_us += rtt_us;
}

/* The responder series of (mode, ttl, addr), or NULL past the cap. Lock held. */
static struct metrics_responder *responder(struct metrics_counts *c, int mode, int ttl,
                                           const struct probe_addr *a)
{
    for (int i = 0; i < c->nresp; i++) {
        struct metrics_responder *r = &c->resp[i];
        if (r->mode == mode && r->ttl == ttl && probe_addr_equal(&r->addr, a))
            return r;
    }
    if (c->nresp == METRICS_RESPONDERS_MAX)
        return NULL;
    c->resp[c->nresp] =
        (struct metrics_responder){.mode = (uint8_t)mode, .ttl = (uint8_t)ttl, .addr = *a};
    return &c->resp[c->nresp++];
}

/* A completed round: what the hop table counts (sizing rounds and cancelled probes are not). */
const int metrics_send_errno[METRICS_SEND_ERRS - 1] = {ENETUNREACH, EHOSTUNREACH, ENETDOWN, EPERM,
                                                       EADDRNOTAVAIL};

const char *metrics_send_errno_name(int slot)
{
    static const char *const names[METRICS_SEND_ERRS] = {"ENETUNREACH", "EHOSTUNREACH",  "ENETDOWN",
                                                         "EPERM",       "EADDRNOTAVAIL", "other"};
    return slot >= 0 && slot < METRICS_SEND_ERRS ? names[slot] : "other";
}

/* The send_errors slot of errno err. */
static int send_slot(int err)
{
    int i = 0;

    while (i < METRICS_SEND_ERRS - 1 && metrics_send_errno[i] != err)
        i++;
    return i;
}

static void on_round(void *ctx, const struct round *r)
{
    struct metrics_counts *c = ctx;

    if (r->sizing || r->mode < 0 || r->mode >= PROBE_MODE_COUNT)
        return;
    pthread_mutex_lock(&c->lock);
    if (!c->hop[r->mode] &&
        !(c->hop[r->mode] = calloc((size_t)c->max_ttl + 1, sizeof(*c->hop[r->mode])))) {
        pthread_mutex_unlock(&c->lock);
        return; /* out of memory: this round is not counted */
    }
    for (int ttl = r->first_ttl; ttl <= r->last_ttl && ttl <= c->max_ttl; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        struct metrics_hop *h = &c->hop[r->mode][ttl];
        if (p->outcome == ROUND_ANSWERED) {
            struct metrics_responder *resp = responder(c, r->mode, ttl, &p->from);
            h->sent++;
            h->answered++;
            histogram_add(h, p->rtt_us);
            if (resp)
                resp->replies++;
            else
                h->other_replies++;
        } else if (p->outcome == ROUND_LOST) {
            h->sent++;
            h->lost++;
        } else if (p->outcome == ROUND_UNSENT && p->send_err) {
            c->send_errors[send_slot(p->send_err)]++;
        }
        if (ttl == r->dest_ttl && !r->end_unreach &&
            (p->outcome == ROUND_ANSWERED || p->outcome == ROUND_LOST)) {
            c->dest_sent[r->mode]++; /* the destination's, for alerts on the target as a whole */
            c->dest_lost[r->mode] += p->outcome == ROUND_LOST;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

struct round_consumer metrics_consumer(struct metrics_counts *c)
{
    return (struct round_consumer){.ctx = c, .on_round = on_round};
}
