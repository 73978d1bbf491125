/*
 * prober.c - the prober (see prober.h).
 *
 * The first round of a mode sends TTL first..last back to back, so the whole path is known
 * about one round-trip after start; later rounds spread their probes evenly over a window
 * (prober.h), so that no probe waits behind its siblings in a queue. The next round starts
 * `interval` after this one did. `last` is max_ttl until the path's end answers, then that
 * TTL; probes already sent past it are cancelled, not counted. A probe is lost only when its
 * timeout expires. All probes share one timeout, so deadlines follow send order and a FIFO finds
 * the expired ones.
 *
 * Each round has a place in a ring (send order) that notes what became of its probes; a
 * ring round with nothing pending is complete, and complete ones leave the ring in send order:
 * a round whose probes were all answered completes before an older one whose probes time
 * out, but consumers see them in the order they were sent.
 *
 * Threads: the prober thread runs prober_step; the control atomics and the status fields
 * below them are the only state other threads touch.
 */
#include "prober_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest a step says to wait with nothing due: every change from outside (a key, a
 * reply, a target added) wakes the thread itself, so this is only a safety net. */
#define IDLE_WAKE_US 3600000000ULL
/* The most probes sent in one system call (sendmmsg). */
#define SEND_BATCH 64

static uint64_t now_us(const struct prober *p)
{
    return p->env.now_us ? p->env.now_us() : probe_now_us();
}

static void wall_now(const struct prober *p, struct timespec *ts)
{
    if (p->env.wall)
        p->env.wall(ts);
    else
        clock_gettime(CLOCK_REALTIME, ts);
}

/* ---- rounds and their consumers --------------------------------------------------------- */

static struct ring_round *rec_at(struct prober *p, uint32_t ring_at)
{
    return &p->ring[ring_at % p->nring];
}

static void tell_probe(struct prober *p, const struct round *r, int ttl)
{
    for (int i = 0; i < p->nconsumers; i++)
        if (p->consumers[i].on_probe)
            p->consumers[i].on_probe(p->consumers[i].ctx, r, ttl);
}

/* Hands complete rounds on, oldest first, stopping at the first one still pending. */
static void hand_on(struct prober *p)
{
    while (p->report_ring != p->next_ring) {
        struct ring_round *ring_at = rec_at(p, p->report_ring);
        if (ring_at->pending > 0)
            break;
        for (int i = 0; i < p->nconsumers; i++)
            if (p->consumers[i].on_round)
                p->consumers[i].on_round(p->consumers[i].ctx, &ring_at->r);
        p->report_ring++;
    }
}

/* One pending probe (or the hold taken while sending) of ring round `ring_at` is settled. */
static void release(struct prober *p, uint32_t ring_at)
{
    struct ring_round *rr = rec_at(p, ring_at);

    if (--rr->pending == 0) {
        rr->r.completed = p->settles;
        rr->r.dest_ttl = atomic_load(&p->dest_ttl[rr->r.mode]);
        rr->r.end_unreach = atomic_load(&p->end_unreach[rr->r.mode]);
        if (p->cfg.probe.pmtu) {
            pmtu_round(&p->pmtu[rr->r.mode], &rr->r);
            rr->r.pmtu = &p->pmtu[rr->r.mode].res;
        }
        hand_on(p);
    }
}

/* The slot of sequence number seq: numbers run over 16 bits, slots over p->space. */
static struct inflight *slot(struct prober *p, uint16_t seq)
{
    return &p->slots[seq & (p->space - 1)];
}

/* Settles the probe in flight as seq with outcome o (LOST or CANCELLED), or as answered by rep. */
static void settle(struct prober *p, uint16_t seq, enum round_outcome o,
                   const struct probe_reply *rep)
{
    struct inflight *f = slot(p, seq);
    struct ring_round *rr = rec_at(p, f->ring_at);
    struct round_probe *rp = &rr->r.probe[f->ttl - rr->r.first_ttl];

    f->active = false;
    p->ninflight--;
    rp->outcome = (uint8_t)o;
    rp->settled = ++p->settles;
    if (rep) {
        rp->kind = (uint8_t)rep->kind;
        rp->icmp_type = rep->icmp_type;
        rp->icmp_code = rep->icmp_code;
        rp->reply_ttl = rep->reply_ttl;
        rp->mtu = rep->mtu;
        rp->from = rep->from;
        rp->nmpls = rep->nmpls;
        memcpy(rp->mpls, rep->mpls, sizeof(rp->mpls));
        rp->rtt_us = (uint32_t)(rep->rx_us > rp->sent_us ? rep->rx_us - rp->sent_us : 0);
    }
    tell_probe(p, &rr->r, f->ttl);
    if (o != ROUND_ANSWERED && p->socks[f->mode].ops && p->socks[f->mode].ops->forget)
        p->socks[f->mode].ops->forget(&p->socks[f->mode], seq);
    release(p, f->ring_at);
}

/* Is the FIFO entry still its probe, in flight? */
static bool live(const struct prober *p, const struct fifo_entry *e)
{
    const struct inflight *f = &p->slots[e->seq & (p->space - 1)];

    return f->active && f->seq == e->seq && f->sent_us == e->sent_us;
}

/* Drops the oldest FIFO entry, judging its probe lost if it is still in flight. */
static void pop_oldest(struct prober *p)
{
    const struct fifo_entry *e = &p->fifo[p->fifo_head];

    if (live(p, e))
        settle(p, e->seq, ROUND_LOST, NULL);
    p->fifo_head = (p->fifo_head + 1) & (p->space - 1);
    p->fifo_len--;
}

static void expire(struct prober *p, uint64_t now)
{
    while (p->fifo_len > 0) {
        const struct fifo_entry *e = &p->fifo[p->fifo_head];
        if (live(p, e) && now < e->sent_us + p->cfg.timeout_us)
            break;
        pop_oldest(p);
    }
}

/* The next sequence number. Numbers are taken in order and the FIFO holds probes in send
 * order. A full FIFO, or a slot still held by a live probe, first makes both grow; at
 * PROBE_SEQ_SPACE a full FIFO gives up its head, the oldest, and a held slot is taken back:
 * that probe is judged lost now.
 * Numbers run over all 16 bits while slots repeat every PROBE_SEQ_SPACE, and a reply must
 * carry the whole number: a stale or replayed reply can stand for a live probe only when it is
 * exactly a multiple of 65,536 probes old, not 4,096. `taken`: numbers already taken for
 * probes not yet in the FIFO (a batch being sent), whose room is kept. */
static uint16_t take_seq(struct prober *p, int taken)
{
    uint16_t seq = p->next_seq++;

    if (p->fifo_len + taken >= p->space || slot(p, seq)->active)
        prober_grow_slots(p);
    if (p->fifo_len + taken >= p->space)
        pop_oldest(p);
    if (slot(p, seq)->active)
        settle(p, slot(p, seq)->seq, ROUND_LOST, NULL);
    return seq;
}

/* A fresh ring round for a round of `mode`. When the ring is full and cannot grow, its oldest
 * round's probes are judged lost now, which completes it. */
static struct ring_round *new_ring_round(struct prober *p, int mode, uint32_t *index)
{
    struct ring_round *rr;

    if (p->next_ring - p->report_ring >= p->nring && !prober_grow_ring(p))
        for (int s = 0; s < p->space; s++)
            if (p->slots[s].active && p->slots[s].ring_at == p->report_ring)
                settle(p, p->slots[s].seq, ROUND_LOST, NULL);
    *index = p->next_ring++;
    rr = rec_at(p, *index);
    rr->pending = 1; /* held while sending */
    rr->r = (struct round){.number = atomic_load(&p->rounds[mode]),
                           .mode = mode,
                           .prev_mode = p->last_mode,
                           .first_ttl = p->cfg.first_ttl,
                           .last_ttl = p->cfg.first_ttl - 1,
                           .probe = &p->probes[(size_t)(*index % p->nring) * (size_t)p->width]};
    memset(rr->r.probe, 0, (size_t)p->width * sizeof(*rr->r.probe));
    wall_now(p, &rr->r.wall);
    return rr;
}

/* Notes probe tx of the round as sent at sent_us, or as not sent (err < 0). */
static void sent(struct prober *p, struct ring_round *rr, uint32_t index, const struct probe_tx *tx,
                 uint64_t sent_us, int err)
{
    struct round_probe *rp = &rr->r.probe[tx->ttl - rr->r.first_ttl];

    if (err < 0) {
        rp->send_err = (int16_t)(-err < INT16_MAX ? -err : EIO); /* counted by the mode */
        return; /* the probe stays ROUND_UNSENT: no loss of the path's, the host's own */
    }
    *slot(p, tx->seq) = (struct inflight){.active = true,
                                          .mode = (int8_t)rr->r.mode,
                                          .ttl = (uint8_t)tx->ttl,
                                          .seq = tx->seq,
                                          .ring_at = index,
                                          .sent_us = sent_us};
    rp->outcome = ROUND_PENDING;
    rp->sent_us = sent_us;
    rr->pending++;
    p->ninflight++;
    p->fifo[(p->fifo_head + p->fifo_len) & (p->space - 1)] =
        (struct fifo_entry){.seq = tx->seq, .sent_us = sent_us};
    p->fifo_len++;
    tell_probe(p, &rr->r, tx->ttl);
}

/* Sends the round's probes for TTLs first..first+n-1 at once (one sendmmsg()). */
static void send_ttls(struct prober *p, struct ring_round *rr, uint32_t index, int first, int n)
{
    struct probe_tx tx[SEND_BATCH] = {{0}};
    uint64_t sent_us[SEND_BATCH];
    int err[SEND_BATCH];

    if (first + n - 1 > rr->r.last_ttl) /* the path's end went back to unknown while spread */
        rr->r.last_ttl = first + n - 1;
    for (int i = 0; i < n; i++)
        tx[i] = (struct probe_tx){
            .ttl = first + i, .seq = take_seq(p, i), .size = rr->r.size, .flow = rr->r.flow};
    probe_send(&p->socks[rr->r.mode], tx, n, sent_us, err);
    for (int i = 0; i < n; i++)
        sent(p, rr, index, &tx[i], sent_us[i], err[i]);
}

/* The TTL a round of `mode` goes up to now: the path's end, or max_ttl until it is known. */
static int last_ttl(const struct prober *p, int mode)
{
    int dest = atomic_load(&p->dest_ttl[mode]);
    return dest ? dest : p->cfg.max_ttl;
}

/* When the spread round's probe for ttl is due. */
static uint64_t spread_due(const struct prober *p, const struct ring_round *rr, int ttl)
{
    return p->spread_start + (uint64_t)(ttl - rr->r.first_ttl) * p->spread_step_us;
}

/* Sends the spread round's probes that are due at `now` or within PROBER_BATCH_US (all of them
 * when `all`) in one system call; the round's hold is released after its last probe. */
static void spread(struct prober *p, uint64_t now, bool all)
{
    struct ring_round *rr = rec_at(p, p->spread_ring);

    while (p->spreading) {
        int last = last_ttl(p, rr->r.mode), n = 0;
        if (p->spread_ttl > last) {
            rr->r.last_ttl = p->spread_ttl - 1; /* the end may have come closer meanwhile */
            p->spreading = false;
            release(p, p->spread_ring);
            return;
        }
        while (n < SEND_BATCH && p->spread_ttl + n <= last &&
               (all || spread_due(p, rr, p->spread_ttl + n) < now + PROBER_BATCH_US))
            n++;
        if (n == 0)
            return;
        send_ttls(p, rr, p->spread_ring, p->spread_ttl, n);
        p->spread_ttl += n;
    }
}

/* A report's last round sent (-c) while its --pmtu search has no answer yet: the search may
 * go on, one sizing round an interval (each bounded by --timeout), PMTU_FINISH_MAX at most. */
static bool finishing_pmtu(const struct prober *p, int mode)
{
    return p->cfg.rounds && p->cfg.probe.pmtu && atomic_load(&p->rounds[mode]) >= p->cfg.rounds &&
           !pmtu_done(&p->pmtu[mode]) && p->pmtu_extra[mode] < PMTU_FINISH_MAX;
}

static void send_round(struct prober *p, int mode, bool switched, uint64_t now)
{
    int last = last_ttl(p, mode), n = last - p->cfg.first_ttl + 1;
    uint64_t window = atomic_load(&p->interval_us) / 2;
    uint32_t index;
    struct ring_round *rr = new_ring_round(p, mode, &index);

    rr->r.switched = switched;
    rr->r.last_ttl = last;
    if (p->cfg.probe.pmtu && !switched && (pmtu_due(&p->pmtu[mode]) || finishing_pmtu(p, mode))) {
        rr->r.sizing = true; /* its number stays the next normal round's */
        rr->r.size = (uint16_t)p->pmtu[mode].res.size;
        if (finishing_pmtu(p, mode) && ++p->pmtu_extra[mode] == PMTU_FINISH_MAX)
            p->pmtu[mode].res.ran_out = true; /* unless this last one finds it */
        pmtu_sent(&p->pmtu[mode]);
    } else {
        /* --flows: the rounds take the flows in turn, each round one flow at every TTL */
        if (p->cfg.probe.nflows > 1)
            rr->r.flow = (uint8_t)(rr->r.number % (uint32_t)p->cfg.probe.nflows);
        atomic_fetch_add(&p->rounds[mode], 1);
    }
    p->last_mode = mode;
    if (window > PROBER_SPREAD_MAX_US)
        window = PROBER_SPREAD_MAX_US;
    p->spreading = true;
    p->spread_ring = index;
    p->spread_ttl = p->cfg.first_ttl;
    p->spread_start = now;
    p->spread_step_us = rr->r.number == 0 || n <= 1 ? 0 : window / (uint64_t)n;
    spread(p, now, false);
}

/* The path ends at ttl for this mode (0: unknown again), at the target or at a router that
 * says unreachable (as traceroute, nothing past it is probed): forget probes sent beyond. */
static void set_end(struct prober *p, int mode, int ttl, bool unreach)
{
    atomic_store(&p->end_unreach[mode], unreach);
    atomic_store(&p->dest_ttl[mode], ttl);
    if (ttl == 0)
        return;
    for (int s = 0; s < p->space; s++)
        if (p->slots[s].active && p->slots[s].mode == mode && p->slots[s].ttl > ttl)
            settle(p, p->slots[s].seq, ROUND_CANCELLED, NULL);
}

static void handle_reply(struct prober *p, int mode, const struct probe_reply *r)
{
    struct inflight *f = slot(p, r->seq);
    bool ends = r->kind == PROBE_REPLY_DEST || r->kind == PROBE_REPLY_UNREACH;
    int dest = atomic_load(&p->dest_ttl[mode]), ttl;

    if (!f->active || f->mode != mode || f->seq != r->seq) {
        p->unmatched++;
        return;
    }
    ttl = f->ttl;
    if (ends && dest && ttl > dest) {
        settle(p, r->seq, ROUND_CANCELLED, NULL);
        return;
    }
    /* A new, nearer end is known before this answer settles: when it is the last of its round,
     * the round is handed on ending at the lowest TTL the target answered, whatever order the
     * answers came in. */
    if (ends && (!dest || ttl < dest))
        set_end(p, mode, ttl, r->kind == PROBE_REPLY_UNREACH);
    settle(p, r->seq, ROUND_ANSWERED, r);
    if (r->kind == PROBE_REPLY_TTL_EXCEEDED && dest && ttl >= dest)
        set_end(p, mode, 0, false); /* the path got longer: rediscover it next round */
}

/* Reads the modes poll found readable (every mode when there is no poll: tests), and those
 * holding replies a send read off the error queue. A wake-up for a timer costs no reads. */
static void drain_all(struct prober *p)
{
    struct probe_reply replies[64];

    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        int n;
        if (!p->opened[m] || !(p->ready[m] || p->env.no_poll || p->socks[m].npending))
            continue;
        p->ready[m] = false;
        while ((n = p->socks[m].ops->drain(&p->socks[m], replies, 64)) > 0) {
            for (int i = 0; i < n; i++)
                handle_reply(p, m, &replies[i]);
            if (n < 64)
                break;
        }
    }
}

/* Finishing a report's --pmtu search and its last step not answered yet. */
static bool waiting_step(const struct prober *p)
{
    int mode = atomic_load(&p->mode);

    return mode >= 0 && finishing_pmtu(p, mode) && p->pmtu[mode].outstanding;
}

static bool rounds_left(const struct prober *p, int mode)
{
    return p->cfg.rounds == 0 || atomic_load(&p->rounds[mode]) < p->cfg.rounds ||
           finishing_pmtu(p, mode);
}

/* The mode of the next round, or -1 when no mode has rounds left. A mode change asked for
 * from another thread (or the next mode of a rotation) takes effect here, at a round edge. */
static int next_mode(struct prober *p, bool *switched)
{
    int mode = atomic_load(&p->mode), want = atomic_load(&p->requested_mode);

    *switched = false;
    if (p->nrotation > 1) {
        for (int i = 0; i < p->nrotation; i++) {
            int m = p->rotation[(p->rotation_next + (uint32_t)i) % (uint32_t)p->nrotation];
            if (rounds_left(p, m)) {
                p->rotation_next = (p->rotation_next + (uint32_t)i + 1) % (uint32_t)p->nrotation;
                atomic_store(&p->mode, m);
                return m;
            }
        }
        return -1;
    }
    if (want != mode && want >= 0 && p->opened[want]) {
        *switched = p->last_mode >= 0;
        atomic_store(&p->mode, mode = want);
    }
    return mode >= 0 && rounds_left(p, mode) ? mode : -1;
}

static bool any_rounds_left(const struct prober *p)
{
    if (p->nrotation > 1) {
        for (int i = 0; i < p->nrotation; i++)
            if (rounds_left(p, p->rotation[i]))
                return true;
        return false;
    }
    return atomic_load(&p->mode) >= 0 && rounds_left(p, atomic_load(&p->mode));
}

uint64_t prober_step(struct prober *p)
{
    uint64_t now = now_us(p), interval = atomic_load(&p->interval_us), until;
    bool paused = atomic_load(&p->paused), switched;
    int mode;

    /* Read each time: the interval may change while we wait. */
    uint64_t next_round;

    if (!p->first_at)
        p->first_at = now + p->phase_us;
    next_round = p->any_round ? p->last_start + interval : p->first_at;

    /* Replies first: reading an error queue clears the socket's pending error, which would
     * otherwise fail the next send (the sk_err trap) and cost a retry. */
    drain_all(p);
    if (p->spreading)
        spread(p, now, now >= next_round); /* a shorter interval: finish it first */
    if (!paused && now >= next_round && !waiting_step(p) && (mode = next_mode(p, &switched)) >= 0) {
        send_round(p, mode, switched, now);
        /* Keep the cadence unless we fell a whole interval behind. */
        p->last_start = p->any_round && now - next_round < interval ? next_round : now;
        p->any_round = true;
        next_round = p->last_start + interval;
    }
    drain_all(p); /* what a send read off an error queue (and every mode, without poll) */
    expire(p, now_us(p));
    if (!any_rounds_left(p) && p->ninflight == 0 && !p->spreading)
        return 0;
    until = now + IDLE_WAKE_US;
    if (!paused && any_rounds_left(p) && next_round < until && !waiting_step(p))
        until = next_round; /* (a step's answer wakes us by its reply or its timeout) */
    if (p->spreading) {
        uint64_t d = spread_due(p, rec_at(p, p->spread_ring), p->spread_ttl);
        if (d < until)
            until = d;
    }
    if (p->fifo_len > 0) {
        uint64_t d = p->fifo[p->fifo_head].sent_us + p->cfg.timeout_us;
        if (d < until)
            until = d;
    }
    return until;
}

int prober_pollfds(struct prober *p, struct pollfd *fds, int max)
{
    int n = 0;

    if (max < 1)
        return 0;
    fds[n].fd = p->wake[0];
    fds[n++].events = POLLIN;
    for (int m = 0; m < PROBE_MODE_COUNT; m++) {
        p->first_fd[m] = n;
        if (p->opened[m])
            n += p->socks[m].ops->pollfds(&p->socks[m], fds + n, max - n);
    }
    p->first_fd[PROBE_MODE_COUNT] = n;
    return n;
}

void prober_polled(struct prober *p, const struct pollfd *fds)
{
    char buf[64];

    if (fds[0].revents & POLLIN)
        while (read(p->wake[0], buf, sizeof(buf)) > 0)
            ;
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        for (int i = p->first_fd[m]; i < p->first_fd[m + 1] && !p->ready[m]; i++)
            p->ready[m] = fds[i].revents != 0;
}

void prober_flush(struct prober *p)
{
    for (; p->report_ring != p->next_ring; p->report_ring++) {
        struct ring_round *ring_at = rec_at(p, p->report_ring);
        if (ring_at->pending > 0) { /* complete ones held behind it keep what they had */
            ring_at->r.partial = true;
            ring_at->r.completed = p->settles;
            ring_at->r.dest_ttl = atomic_load(&p->dest_ttl[ring_at->r.mode]);
            ring_at->r.end_unreach = atomic_load(&p->end_unreach[ring_at->r.mode]);
        }
        for (int i = 0; i < p->nconsumers; i++)
            if (p->consumers[i].on_round)
                p->consumers[i].on_round(p->consumers[i].ctx, &ring_at->r);
    }
}
