/*
 * prober.c - the prober thread (see prober.h).
 *
 * A round sends TTL first..last back to back, so the whole path is known about one round-trip
 * after start, then the next round starts `interval` after this one did. `last` is max_ttl
 * until the target answers, then the TTL at which it answered; probes already sent past it are
 * cancelled, not counted. A probe is lost only when its timeout expires. All probes share one
 * timeout, so deadlines follow send order and a FIFO finds the expired ones.
 */
#include "prober.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define MAX_POLLFDS 1100
#define IDLE_WAKE_US 100000

int prober_init(struct prober *p, const struct prober_config *cfg, struct hops *hops)
{
    memset(p, 0, sizeof(*p));
    p->cfg = *cfg;
    p->hops = hops;
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        p->socks[m].fd = -1;
    atomic_init(&p->mode, -1);
    atomic_init(&p->requested_mode, -1);
    p->wake[0] = p->wake[1] = -1;
    atomic_init(&p->interval_us, cfg->interval_us);
    if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

int prober_open_mode(struct prober *p, enum probe_mode mode)
{
    int r;

    if (mode < 0 || mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    if (p->opened[mode])
        return 0;
    r = probe_open(&p->socks[mode], mode, &p->cfg.probe, p->why_not[mode],
                   sizeof(p->why_not[mode]));
    if (r == 0)
        p->opened[mode] = true;
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

static void wake(struct prober *p)
{
    char c = 1;
    ssize_t r = write(p->wake[1], &c, 1);
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

void prober_stop(struct prober *p)
{
    atomic_store(&p->stop, true);
    wake(p);
}

enum outcome { ANSWERED, LOST, CANCELLED };

/* Notes what became of one probe of a round; a round with nothing pending is complete. */
static void rec_resolve(struct prober *p, const struct inflight *f, enum outcome o)
{
    struct round_rec *rec = &p->recs[f->rec];

    if (rec->pending <= 0 || rec->round != f->round || rec->r.mode != f->mode)
        return;
    if (o != CANCELLED)
        watch_round_mark(&rec->r, f->ttl, o == LOST);
    if (--rec->pending > 0)
        return;
    rec->complete = true;
    rec->r.dest_ttl = p->dest_ttl[f->mode];
    /* A round whose probes were all answered completes before an older one whose probes
     * time out: hand rounds over in the order they were sent. */
    while (p->report_rec != p->next_rec) {
        struct round_rec *next = &p->recs[p->report_rec % PROBER_ROUND_RECS];
        if (!next->complete)
            break;
        if (p->events)
            watch_round(&p->watch, &next->r);
        p->report_rec++;
    }
}

/* Tells the burst detector which hops lose only their own replies (not informative). */
static void refresh_diagnosis(struct prober *p, int mode)
{
    int n;

    if (hops_snapshot(p->hops, mode, &p->snap) < 0)
        return;
    n = diagnose_snapshot(&p->snap, p->diag_in, &p->diag);
    memset(p->watch.uninformative, 0, sizeof(p->watch.uninformative));
    for (int i = 0; i < n; i++)
        if (p->diag_in[i].ttl < WATCH_MAX_TTL)
            p->watch.uninformative[p->diag_in[i].ttl] =
                p->diag.hop[i].verdict == VERDICT_REPLY_ONLY;
}

/* Gives up on a probe: loss if judged, cancel if it went past the destination. */
static void retire(struct prober *p, uint16_t seq, bool lost)
{
    struct inflight *f = &p->slots[seq];

    if (!f->active)
        return;
    f->active = false;
    p->ninflight--;
    rec_resolve(p, f, lost ? LOST : CANCELLED);
    if (lost)
        hops_record_loss(p->hops, f->mode, f->ttl, f->sent_us, f->round);
    else
        hops_record_cancel(p->hops, f->mode, f->ttl);
    if (p->socks[f->mode].ops && p->socks[f->mode].ops->forget)
        p->socks[f->mode].ops->forget(&p->socks[f->mode], seq);
}

static void expire(struct prober *p, uint64_t now)
{
    while (p->fifo_len > 0) {
        uint16_t seq = p->fifo[p->fifo_head];
        struct inflight *f = &p->slots[seq];
        if (f->active && now < f->sent_us + p->cfg.timeout_us)
            break;
        retire(p, seq, true);
        p->fifo_head = (p->fifo_head + 1) % PROBE_SEQ_SPACE;
        p->fifo_len--;
    }
}

/* The next free sequence number; a wrap onto a live probe retires it as lost. */
static uint16_t take_seq(struct prober *p)
{
    uint16_t seq = p->next_seq;
    p->next_seq = (uint16_t)((p->next_seq + 1) % PROBE_SEQ_SPACE);
    if (p->slots[seq].active)
        retire(p, seq, true);
    return seq;
}

static void send_round(struct prober *p, int mode)
{
    struct probe_sock *ps = &p->socks[mode];
    int last = p->dest_ttl[mode] ? p->dest_ttl[mode] : p->cfg.max_ttl;
    uint32_t round = p->rounds[mode]++;
    uint16_t ri = (uint16_t)(p->next_rec++ % PROBER_ROUND_RECS);
    struct round_rec *rec = &p->recs[ri];

    if (p->events && round % 10 == 0)
        refresh_diagnosis(p, mode);
    if (p->next_rec - 1 - p->report_rec >= PROBER_ROUND_RECS)
        p->report_rec = p->next_rec - PROBER_ROUND_RECS; /* give up the oldest record */
    memset(rec, 0, sizeof(*rec));
    rec->round = round;
    rec->r.mode = mode;
    clock_gettime(CLOCK_REALTIME, &rec->r.wall);
    rec->pending = 1; /* held while sending */

    for (int ttl = p->cfg.first_ttl; ttl <= last; ttl++) {
        uint16_t seq = take_seq(p);
        uint64_t sent_us;
        int r;

        if (p->fifo_len == PROBE_SEQ_SPACE)
            expire(p, UINT64_MAX); /* cannot happen while seq space > probes in flight */
        r = ps->ops->send(ps, ttl, seq, &sent_us);
        if (r < 0) {
            p->last_send_errno = -r;
            continue;
        }
        p->slots[seq] = (struct inflight){.active = true,
                                          .mode = (int8_t)mode,
                                          .ttl = (uint8_t)ttl,
                                          .rec = ri,
                                          .round = round,
                                          .sent_us = sent_us};
        rec->pending++;
        p->ninflight++;
        p->fifo[(p->fifo_head + p->fifo_len) % PROBE_SEQ_SPACE] = seq;
        p->fifo_len++;
        hops_record_sent(p->hops, mode, ttl);
    }
    hops_set_rounds(p->hops, mode, p->rounds[mode]);
    rec_resolve(p, &(struct inflight){.mode = (int8_t)mode, .rec = ri, .round = round},
                CANCELLED); /* releases the hold */
}

/* The path ends at ttl for this mode: forget probes sent beyond it. */
static void set_end(struct prober *p, int mode, int ttl)
{
    p->dest_ttl[mode] = ttl;
    hops_set_dest_ttl(p->hops, mode, ttl);
    if (p->events && ttl > 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        watch_dest(&p->watch, mode, ttl, &now);
    }
    for (int s = 0; s < PROBE_SEQ_SPACE; s++)
        if (p->slots[s].active && p->slots[s].mode == mode && p->slots[s].ttl > ttl)
            retire(p, (uint16_t)s, false);
}

static void handle_reply(struct prober *p, int mode, const struct probe_reply *r)
{
    struct inflight *f = &p->slots[r->seq % PROBE_SEQ_SPACE];
    bool ends = r->kind != PROBE_REPLY_TTL_EXCEEDED;
    int ttl;

    if (!f->active || f->mode != mode) {
        p->unmatched++;
        return;
    }
    ttl = f->ttl;
    if (ends && p->dest_ttl[mode] && ttl > p->dest_ttl[mode]) {
        retire(p, r->seq, false);
        return;
    }
    f->active = false;
    p->ninflight--;
    rec_resolve(p, f, ANSWERED);
    if (p->events) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        watch_reply(&p->watch, mode, ttl, &r->from, &now);
    }
    hops_record_reply(p->hops, mode, ttl, &r->from,
                      (uint32_t)(r->rx_us > f->sent_us ? r->rx_us - f->sent_us : 0), f->sent_us,
                      f->round, r->reply_ttl, r->kind == PROBE_REPLY_DEST,
                      r->kind == PROBE_REPLY_UNREACH);
    if (ends && (!p->dest_ttl[mode] || ttl < p->dest_ttl[mode]))
        set_end(p, mode, ttl);
    else if (!ends && p->dest_ttl[mode] && ttl >= p->dest_ttl[mode])
        set_end(p, mode, 0); /* the path got longer: rediscover it next round */
}

static void drain_all(struct prober *p)
{
    struct probe_reply replies[64];

    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        int n;
        if (!p->opened[m])
            continue;
        while ((n = p->socks[m].ops->drain(&p->socks[m], replies, 64)) > 0) {
            for (int i = 0; i < n; i++)
                handle_reply(p, m, &replies[i]);
            if (n < 64)
                break;
        }
    }
}

static void wait_events(struct prober *p, uint64_t until)
{
    static struct pollfd fds[MAX_POLLFDS]; /* prober thread only */
    int n = 0, timeout_ms;
    uint64_t now = probe_now_us();
    char buf[64];

    fds[n].fd = p->wake[0];
    fds[n++].events = POLLIN;
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (p->opened[m])
            n += p->socks[m].ops->pollfds(&p->socks[m], fds + n, MAX_POLLFDS - n);
    timeout_ms = until > now ? (int)((until - now + 999) / 1000) : 0;
    if (poll(fds, (nfds_t)n, timeout_ms) > 0 && (fds[0].revents & POLLIN))
        while (read(p->wake[0], buf, sizeof(buf)) > 0)
            ;
}

static bool rounds_left(const struct prober *p, int mode)
{
    return p->cfg.rounds == 0 || p->rounds[mode] < p->cfg.rounds;
}

/* The mode of the next round, or -1 when no mode has rounds left. A mode change asked for
 * from another thread (or the next mode of a rotation) takes effect here, at a round edge. */
static int next_mode(struct prober *p)
{
    int mode = atomic_load(&p->mode), want;

    if (p->cfg.nrotation > 1) {
        for (int i = 0; i < p->cfg.nrotation; i++) {
            int m = p->cfg.rotation[(p->rotation_next + (uint32_t)i) % (uint32_t)p->cfg.nrotation];
            if (rounds_left(p, m)) {
                p->rotation_next =
                    (p->rotation_next + (uint32_t)i + 1) % (uint32_t)p->cfg.nrotation;
                atomic_store(&p->mode, m);
                return m;
            }
        }
        return -1;
    }
    want = atomic_load(&p->requested_mode);
    if (want != mode && want >= 0 && p->opened[want]) {
        if (p->events) {
            struct timespec wall;
            clock_gettime(CLOCK_REALTIME, &wall);
            watch_mode(&p->watch, mode, want, &wall);
        }
        atomic_store(&p->mode, mode = want);
    }
    return rounds_left(p, mode) ? mode : -1;
}

static bool any_rounds_left(const struct prober *p)
{
    if (p->cfg.nrotation > 1) {
        for (int i = 0; i < p->cfg.nrotation; i++)
            if (rounds_left(p, p->cfg.rotation[i]))
                return true;
        return false;
    }
    return rounds_left(p, atomic_load(&p->mode));
}

static void *prober_main(void *arg)
{
    struct prober *p = arg;
    uint64_t last_start = 0;
    bool any = false;

    while (!atomic_load(&p->stop)) {
        uint64_t now = probe_now_us(), until;
        /* Read each time: the interval may change while we wait. */
        uint64_t next_round = any ? last_start + atomic_load(&p->interval_us) : now;
        bool paused = atomic_load(&p->paused);
        int mode;

        if (!paused && now >= next_round && (mode = next_mode(p)) >= 0) {
            send_round(p, mode);
            /* Keep the cadence unless we fell a whole interval behind. */
            last_start = any && now - next_round < atomic_load(&p->interval_us) ? next_round : now;
            any = true;
            next_round = now + atomic_load(&p->interval_us);
        }
        drain_all(p);
        expire(p, probe_now_us());
        if (!any_rounds_left(p) && p->ninflight == 0)
            break;
        until = now + IDLE_WAKE_US;
        if (!paused && any_rounds_left(p) && next_round < until)
            until = next_round;
        if (p->fifo_len > 0) {
            uint64_t d = p->slots[p->fifo[p->fifo_head]].sent_us + p->cfg.timeout_us;
            if (d < until)
                until = d;
        }
        wait_events(p, until);
    }
    return NULL;
}

int prober_start(struct prober *p)
{
    sigset_t all, old;
    int r;

    if (p->events)
        watch_init(&p->watch, p->events);
    /* Signals belong to the main thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    r = pthread_create(&p->thread, NULL, prober_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0)
        return -r;
    p->started = true;
    return 0;
}

void prober_join(struct prober *p)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = false;
}

void prober_close(struct prober *p)
{
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (p->opened[m])
            probe_close(&p->socks[m]);
    memset(p->opened, 0, sizeof(p->opened));
    hops_snapshot_free(&p->snap);
    if (p->wake[0] >= 0) {
        close(p->wake[0]);
        close(p->wake[1]);
        p->wake[0] = p->wake[1] = -1;
    }
}

struct probe_counters prober_counters(const struct prober *p)
{
    struct probe_counters sum = {0};
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        if (!p->opened[m])
            continue;
        sum.malformed += p->socks[m].counters.malformed;
        sum.foreign += p->socks[m].counters.foreign;
        sum.send_errors += p->socks[m].counters.send_errors;
        sum.send_retries += p->socks[m].counters.send_retries;
        sum.rx_dropped += p->socks[m].counters.rx_dropped;
    }
    return sum;
}
