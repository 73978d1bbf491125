/*
 * prober_ctl.c - the prober's outside: creating it, opening probe modes (while privileged),
 * consumers, control requests from other threads, status (see prober.h).
 */
#include "prober_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Enough ring rounds for every round that can still have probes in flight. */
static uint32_t ring_rounds_needed(const struct prober_config *cfg)
{
    uint64_t shortest =
        cfg->interval_us < MIN_KEY_INTERVAL_US ? cfg->interval_us : MIN_KEY_INTERVAL_US;
    uint64_t n = cfg->timeout_us / (shortest ? shortest : 1) + 8;
    return n < 64 ? 64 : n > 16384 ? 16384 : (uint32_t)n;
}

struct prober *prober_new(const struct prober_config *cfg, const struct prober_env *env)
{
    struct prober *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->cfg = *cfg;
    if (env)
        p->env = *env;
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        p->socks[m].fd = -1;
        atomic_init(&p->rounds[m], 0);
        atomic_init(&p->dest_ttl[m], 0);
        atomic_init(&p->end_unreach[m], false);
    }
    atomic_init(&p->mode, -1);
    atomic_init(&p->requested_mode, -1);
    atomic_init(&p->interval_us, cfg->interval_us);
    p->wake[0] = p->wake[1] = -1;
    p->last_mode = -1;
    p->width = cfg->max_ttl - cfg->first_ttl + 1;
    p->nring_max = ring_rounds_needed(cfg);
    if (prober_grow_init(p) < 0 ||
        (!p->env.no_poll && pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0)) {
        prober_free(p);
        return NULL;
    }
    return p;
}

void prober_free(struct prober *p)
{
    if (!p)
        return;
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (p->opened[m])
            probe_close(&p->socks[m]);
    if (p->wake[0] >= 0) {
        close(p->wake[0]);
        close(p->wake[1]);
    }
    prober_grow_free(p);
    free(p);
}

void prober_close(struct prober *p)
{
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (p->opened[m]) {
            probe_close(&p->socks[m]);
            p->opened[m] = false;
        }
}

int prober_open_mode(struct prober *p, enum probe_mode mode)
{
    const struct probe_ops *ops;
    int r;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if (p->opened[mode])
        return 0;
    ops = p->env.ops[mode] ? p->env.ops[mode] : probe_ops_for(mode);
    r = probe_open(&p->socks[mode], ops, &p->cfg.probe, p->why_not[mode], sizeof(p->why_not[mode]));
    if (r == 0) {
        p->opened[mode] = true;
        p->socks[mode].owner = p;
        if (p->cfg.probe.pmtu)
            pmtu_init(&p->pmtu[mode], probe_route_mtu(&p->cfg.probe.target),
                      (int)p->cfg.probe.packet_bytes, p->cfg.probe.target.family == AF_INET6);
    }
    return r;
}

int prober_open_request(struct prober *p, enum probe_mode request)
{
    static const enum probe_mode order_auto[] = {PROBE_ICMP_RAW, PROBE_ICMP_DGRAM, PROBE_UDP};
    static const enum probe_mode order_icmp[] = {PROBE_ICMP_RAW, PROBE_ICMP_DGRAM};
    const enum probe_mode *order = &request;
    size_t n = 1;
    int r = -EINVAL;

    if (request == PROBE_AUTO) {
        order = order_auto;
        n = 3;
    } else if (request == PROBE_ICMP_ANY) {
        order = order_icmp;
        n = 2;
    }
    for (size_t i = 0; i < n; i++) {
        r = prober_open_mode(p, order[i]);
        if (r == 0) {
            atomic_store(&p->mode, order[i]);
            atomic_store(&p->requested_mode, order[i]);
            return order[i];
        }
    }
    return r;
}

void prober_open_others(struct prober *p)
{
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (!p->opened[m])
            (void)prober_open_mode(p, (enum probe_mode)m);
}

int prober_set_rotation(struct prober *p, const int *modes, int n)
{
    if (n < 2 || n > PROBE_MODE_COUNT)
        return -EINVAL;
    for (int i = 0; i < n; i++)
        if (modes[i] < 0 || modes[i] >= PROBE_MODE_COUNT || !p->opened[modes[i]])
            return -EINVAL;
    memcpy(p->rotation, modes, (size_t)n * sizeof(*modes));
    p->nrotation = n;
    atomic_store(&p->mode, modes[0]);
    atomic_store(&p->requested_mode, modes[0]);
    return 0;
}

int prober_add_consumer(struct prober *p, const struct round_consumer *c)
{
    if (p->nconsumers == PROBER_MAX_CONSUMERS)
        return -ENOSPC;
    p->consumers[p->nconsumers++] = *c;
    return 0;
}

static void wake(struct prober *p)
{
    char c = 1;
    ssize_t r;

    if (p->wake[1] < 0)
        return;
    r = write(p->wake[1], &c, 1);
    (void)r; /* a full pipe already wakes the thread */
}

int prober_request_mode(struct prober *p, enum probe_mode mode)
{
    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if (!p->opened[mode])
        return -ENOTSUP;
    atomic_store(&p->requested_mode, mode);
    wake(p);
    return 0;
}

void prober_pause(struct prober *p, bool paused)
{
    atomic_store(&p->paused, paused);
    wake(p);
}

void prober_set_interval(struct prober *p, uint64_t interval_us)
{
    atomic_store(&p->interval_us, interval_us);
    wake(p);
}

void prober_set_tag(struct prober *p, void *tag)
{
    p->tag = tag;
}

void *prober_tag(const struct prober *p)
{
    return p->tag;
}

void prober_set_phase(struct prober *p, uint64_t phase_us)
{
    p->phase_us = phase_us;
}

struct prober *prober_of_sock(const struct probe_sock *ps)
{
    return ps->owner;
}

void prober_status(const struct prober *p, struct prober_status *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = atomic_load(&p->mode);
    st->requested_mode = atomic_load(&p->requested_mode);
    st->paused = atomic_load(&p->paused);
    st->interval_us = atomic_load(&p->interval_us);
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        st->path[m] = (struct round_path){.rounds = atomic_load(&p->rounds[m]),
                                          .end_ttl = atomic_load(&p->dest_ttl[m]),
                                          .end_unreach = atomic_load(&p->end_unreach[m])};
        /* Opened, why_not and method are written only before the thread starts. */
        st->opened[m] = p->opened[m];
        memcpy(st->why_not[m], p->why_not[m], sizeof(st->why_not[m]));
        st->method[m] = p->opened[m] ? p->socks[m].method : NULL;
        st->first_mtu[m] = p->opened[m] && p->cfg.probe.pmtu ? p->pmtu[m].res.first_mtu : 0;
    }
    memcpy(st->rotation, p->rotation, sizeof(st->rotation));
    st->nrotation = p->nrotation;
    st->privileged = p->opened[PROBE_ICMP_RAW];
}

struct probe_counters prober_counters(const struct prober *p, uint64_t *unmatched)
{
    struct probe_counters sum = {0};

    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        const struct probe_counters *c = &p->socks[m].counters;
        if (!p->opened[m])
            continue;
        sum.malformed += c->malformed;
        sum.foreign += c->foreign;
        sum.send_errors += c->send_errors;
        sum.send_retries += c->send_retries;
        sum.rx_dropped += c->rx_dropped;
        sum.short_quotes += c->short_quotes;
    }
    if (unmatched)
        *unmatched = p->unmatched;
    return sum;
}
