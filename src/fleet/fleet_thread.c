/*
 * fleet_thread.c - the one thread that probes every target of a run (see fleet.h).
 *
 * The thread does work only for the targets that need it. Each live target has an entry: its
 * place in a timer heap (due.h: when its prober next needs a step) and its descriptors,
 * registered with one epoll set whose events name the entry. A pass, under the list's lock,
 * steps the targets whose time came and those whose descriptors epoll reported (a shared
 * socket's drain names the targets it handed replies to): each sends what is due, reads what
 * came, expires probes and says when it next needs to run, which moves it in the heap. Then,
 * without the lock, one epoll_wait until the heap's soonest. A wake-up's work therefore
 * follows what is due and what came, not the number of targets: fleet_work counts both.
 *
 * Ticks: when something is due within FLEET_TICK_US of now, the thread is busy (short
 * intervals, many targets) and a wake-up per probe and per reply would cost more than the
 * probing. It then sleeps to the next tick (FLEET_TICK_US after its last wake-up) and polls
 * without waiting: the sends that fell due meanwhile go out together (a prober sends with
 * what is due what falls due within PROBER_BATCH_US, one tick, in one sendmmsg()) and every
 * reply that came is read in one go. With something due within FLEET_HOLD_US (a few ticks:
 * the next round at -i 0.01) it sleeps to that time, and the replies that came meanwhile are
 * read then, before the sends: one wake-up a round. Replies carry the kernel's receive time
 * (SO_TIMESTAMPNS) and sends are stamped as they go, so reading late moves no RTT; a key
 * waits at most FLEET_HOLD_US. With nothing due that soon (the default one-second interval)
 * the thread sleeps in epoll_wait and wakes for each reply as it comes. A pass whose
 * shared-socket drain stopped at its cap does not sleep: the next one reads on.
 */
#include "fleet_internal.h"
#include "share.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHARE_BATCHES 64 /* PROBE_PENDING_MAX replies each */

/* Registers e's descriptors anew when its prober's set changed (a mode's sockets opened or
 * closed; tcp's connecting sockets come and go). The lock held. */
static void sync_fds(struct fleet *f, struct fleet_ent *e)
{
    int n = prober_pollfds(e->s->prober, f->scratch, PROBER_MAX_POLLFDS);
    bool same = n == e->nfds;

    for (int i = 0; same && i < n; i++)
        same = e->fds[i].fd == f->scratch[i].fd && e->fds[i].events == f->scratch[i].events;
    if (same)
        return;
    fleet_unregister(f, e);
    if (n > e->cap) {
        struct pollfd *fds = realloc(e->fds, (size_t)n * sizeof(*fds));
        if (!fds)
            return; /* it goes on by its timer alone */
        e->fds = fds;
        e->cap = n;
    }
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = {.events = (uint32_t)f->scratch[i].events,
                                 .data.u64 = (uint64_t)e->id << 16 | (uint64_t)i};
        e->fds[i] = (struct pollfd){.fd = f->scratch[i].fd, .events = f->scratch[i].events};
        epoll_ctl(f->epfd, EPOLL_CTL_ADD, e->fds[i].fd, &ev);
    }
    e->nfds = n;
}

/* One step of e's prober: what epoll found first, then what is due; then its next time. */
static void step(struct fleet *f, struct fleet_ent *e)
{
    uint64_t until;

    if (e->nfds)
        prober_polled(e->s->prober, e->fds);
    for (int i = 0; i < e->nfds; i++)
        e->fds[i].revents = 0;
    until = prober_step(e->s->prober);
    atomic_fetch_add_explicit(&f->steps, 1, memory_order_relaxed);
    sync_fds(f, e);
    if (until == 0) {
        due_remove(&f->heap, &e->due);
        f->nfinished += !e->finished;
        e->finished = true;
        return;
    }
    f->nfinished -= e->finished;
    e->finished = false;
    if (!due_set(&f->heap, &e->due, until))
        fleet_queue(f, e); /* no memory for the heap: step it again next pass */
}

/* Steps every queued target once (the lock held). */
static void run_queued(struct fleet *f)
{
    int n = f->ntodo; /* a step that re-queues itself (no memory) waits for the next pass */

    for (int i = 0; i < n; i++)
        f->todo[i]->queued = false;
    for (int i = 0; i < n; i++)
        step(f, f->todo[i]);
    if (n) { /* (an empty list may have no array) */
        memmove(f->todo, f->todo + n, (size_t)(f->ntodo - n) * sizeof(*f->todo));
        f->ntodo -= n;
    }
}

/* A pass: the targets whose time came join those epoll named, and each takes a step. Returns
 * the soonest time any target needs a step (0: none). The lock held. */
static uint64_t step_due(struct fleet *f)
{
    uint64_t now = probe_now_us();
    struct due_item *it;

    while ((it = due_first(&f->heap)) && it->at <= now) {
        struct fleet_ent *e = (struct fleet_ent *)((char *)it - offsetof(struct fleet_ent, due));
        if (!fleet_queue(f, e))
            break;
        due_remove(&f->heap, it);
    }
    run_queued(f);
    it = due_first(&f->heap);
    return f->ntodo ? now : it ? it->at : 0;
}

/* A shared socket handed replies to ps: its prober's target takes a step. */
static void handed(void *ctx, struct probe_sock *ps)
{
    struct prober *p = prober_of_sock(ps);
    struct fleet_ent *e = p ? prober_tag(p) : NULL;

    if (e)
        fleet_queue(ctx, e);
}

/* Reads a shared socket: at most what one target can hold pending at a time, then the targets
 * it handed replies to take their step, and on, up to SHARE_BATCHES times; past that the next
 * pass reads on. Replies are read as fast as they come, however many targets send: a pass
 * that read only one batch fell behind a thousand targets' sends until every reply was read
 * after its probe's timeout. */
static void drain_share(struct fleet *f, struct probe_share *sh)
{
    for (int i = 0; i < SHARE_BATCHES; i++) {
        int got = probe_share_drain(sh, PROBE_PENDING_MAX, handed, f);
        run_queued(f);
        if (got < PROBE_PENDING_MAX)
            return;
    }
    f->backlog = true;
}

/* What epoll_wait found (the lock held): the wake-up pipe, a shared socket, or a target's. */
static void dispatch(struct fleet *f, const struct epoll_event *ev)
{
    char buf[64];
    uint64_t d = ev->data.u64;

    if (d == EV_WAKE) {
        while (read(f->wake[0], buf, sizeof(buf)) > 0)
            ;
    } else if (d >= EV_SHARE && d < EV_SHARE + FLEET_SHARES) {
        drain_share(f, f->share[d - EV_SHARE]);
    } else {
        uint32_t id = (uint32_t)(d >> 16), i = (uint32_t)(d & 0xffff);
        struct fleet_ent *e = id < f->nent ? f->ent[id] : NULL;
        if (e && (int)i < e->nfds) {
            e->fds[i].revents = (short)ev->events;
            fleet_queue(f, e);
        }
    }
}

/* How long the next epoll_wait may wait for `until` (see Ticks above): 0 after sleeping to
 * the next tick when the thread is busy, or to `until` when a send is due within
 * FLEET_HOLD_US. */
static int wait_ms(struct fleet *f, uint64_t until)
{
    uint64_t now = probe_now_us(), tick = f->woke_us + FLEET_TICK_US;

    if (f->backlog) {
        f->backlog = false;
        return 0;
    }
    if (until > now + FLEET_HOLD_US)
        return (int)((until - now + 999) / 1000);
    if (until < tick)
        until = tick;
    if (until > now) {
        struct timespec ts = {.tv_sec = (time_t)(until / 1000000),
                              .tv_nsec = (long)(until % 1000000) * 1000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
            ;
    }
    return 0;
}

static void *fleet_main(void *arg)
{
    struct fleet *f = arg;

    while (!atomic_load(&f->stop)) {
        uint64_t until;
        bool done;
        int n;

        pthread_mutex_lock(&f->lock);
        until = step_due(f);
        done = f->nlive > 0 && f->nfinished == f->nlive;
        pthread_mutex_unlock(&f->lock);
        if (done) { /* every target's rounds are done and answered */
            atomic_store(&f->done, true);
            break;
        }
        if (until == 0) /* no target (a reload took them all): wait for one */
            until = probe_now_us() + 1000000;
        n = epoll_wait(f->epfd, f->events, (int)(sizeof(f->events) / sizeof(f->events[0])),
                       wait_ms(f, until));
        f->woke_us = probe_now_us();
        atomic_fetch_add_explicit(&f->wakeups, 1, memory_order_relaxed);
        if (n <= 0)
            continue;
        if (n == (int)(sizeof(f->events) / sizeof(f->events[0])))
            f->backlog = true; /* more may be ready than one call returns */
        pthread_mutex_lock(&f->lock);
        for (int i = 0; i < n; i++)
            dispatch(f, &f->events[i]);
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

void fleet_work(struct fleet *f, uint64_t *wakeups, uint64_t *steps)
{
    *wakeups = atomic_load(&f->wakeups);
    *steps = atomic_load(&f->steps);
}

int fleet_start(struct fleet *f)
{
    sigset_t all, old;
    int r;

    sigfillset(&all); /* signals belong to the main thread */
    pthread_sigmask(SIG_BLOCK, &all, &old);
    r = pthread_create(&f->thread, NULL, fleet_main, f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0)
        return -r;
    f->started = true;
    return 0;
}

void fleet_stop(struct fleet *f)
{
    atomic_store(&f->stop, true);
    fleet_wake(f);
}

void fleet_join(struct fleet *f)
{
    if (f->started)
        pthread_join(f->thread, NULL);
    f->started = false;
}

bool fleet_done(struct fleet *f)
{
    return atomic_load(&f->done);
}
