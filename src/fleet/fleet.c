/*
 * fleet.c - the targets of a run and the one thread that probes them (see fleet.h).
 *
 * A pass of the thread, under the list's lock: every live target's prober takes one step
 * (sends what is due, reads what poll found, expires probes) and says when it next needs to
 * run; the soonest of those is the poll timeout. Then, without the lock, one poll over every
 * prober's descriptors (each prober's own wake-up pipe among them, so a key aimed at one
 * target wakes the thread) and the fleet's own pipe (a target added, stop).
 *
 * Ticks: when something is due within FLEET_TICK_US of now, the thread is busy (short
 * intervals, many targets) and a wake-up per probe and per reply would cost more than the
 * probing. It then sleeps to the next tick (FLEET_TICK_US after its last wake-up) and polls
 * without waiting: the sends that fell due meanwhile go out together and every reply that came
 * is read in one go. Replies carry the kernel's receive time (SO_TIMESTAMPNS) and sends are
 * stamped as they go, so reading late moves no RTT; a key waits at most a tick. With nothing
 * due that soon (the default one-second interval) the thread sleeps in poll and wakes for each
 * reply as it comes. A pass that left replies waiting (a shared socket hands on at most what
 * one target can hold pending) does not sleep: the next one reads on.
 */
#include "fleet.h"
#include "share.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLEET_TICK_US 5000

struct fleet {
    pthread_mutex_t lock;
    struct session **all; /* every session ever added, in order */
    int nall, cap;
    struct session **live; /* the list: those probing */
    int nlive;
    uint64_t generation; /* bumped when the list changes: a poll's results are then stale */
    struct probe_share *share[FLEET_SHARES];
    int nshares;
    /* fleet thread */
    pthread_t thread;
    bool started;
    atomic_bool stop, done;
    int wake[2];
    struct pollfd *fds;
    size_t fds_cap;
    int *first; /* where each live prober's descriptors start in fds */
    size_t first_cap;
    uint64_t woke_us; /* the thread's last wake-up */
    bool backlog;     /* the last pass left replies waiting: the next one must not sleep */
};

struct fleet *fleet_new(void)
{
    struct fleet *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    if (pipe2(f->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        free(f);
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    atomic_init(&f->stop, false);
    atomic_init(&f->done, false);
    return f;
}

void fleet_free(struct fleet *f, void (*free_session)(struct session *s))
{
    if (!f)
        return;
    for (int i = 0; i < f->nall; i++)
        if (free_session)
            free_session(f->all[i]);
    close(f->wake[0]);
    close(f->wake[1]);
    pthread_mutex_destroy(&f->lock);
    free(f->all);
    free(f->live);
    free(f->fds);
    free(f->first);
    free(f);
}

static void wake(struct fleet *f)
{
    char c = 1;
    ssize_t r = write(f->wake[1], &c, 1);

    (void)r; /* a full pipe already wakes the thread */
}

int fleet_add(struct fleet *f, struct session *s)
{
    int r = 0;

    pthread_mutex_lock(&f->lock);
    if (f->nall == f->cap) {
        int cap = f->cap ? 2 * f->cap : 16;
        struct session **all = realloc(f->all, (size_t)cap * sizeof(*all));
        struct session **live = all ? realloc(f->live, (size_t)cap * sizeof(*live)) : NULL;
        if (all)
            f->all = all;
        if (live)
            f->live = live;
        if (!all || !live)
            r = -ENOMEM;
        else
            f->cap = cap;
    }
    if (r == 0) {
        f->all[f->nall++] = s;
        f->live[f->nlive++] = s;
        f->generation++;
        atomic_store(&f->done, false);
    }
    pthread_mutex_unlock(&f->lock);
    wake(f);
    return r;
}

void fleet_retire(struct fleet *f, struct session *s)
{
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->nlive; i++)
        if (f->live[i] == s) {
            memmove(&f->live[i], &f->live[i + 1], (size_t)(f->nlive - i - 1) * sizeof(*f->live));
            f->nlive--;
            f->generation++;
            break;
        }
    pthread_mutex_unlock(&f->lock);
    wake(f);
}

void fleet_lock(struct fleet *f)
{
    pthread_mutex_lock(&f->lock);
}

void fleet_unlock(struct fleet *f)
{
    pthread_mutex_unlock(&f->lock);
}

int fleet_count(struct fleet *f)
{
    return f->nlive;
}

struct session *fleet_get(struct fleet *f, int i)
{
    return i >= 0 && i < f->nlive ? f->live[i] : NULL;
}

int fleet_count_all(struct fleet *f)
{
    return f->nall;
}

struct session *fleet_get_all(struct fleet *f, int i)
{
    return i >= 0 && i < f->nall ? f->all[i] : NULL;
}

int fleet_find(struct fleet *f, const char *name)
{
    for (int i = 0; i < f->nlive; i++)
        if (strcmp(f->live[i]->run.target_name, name) == 0)
            return i;
    return -1;
}

/* Room for every live prober's descriptors. False when out of memory. */
static bool fit(struct fleet *f)
{
    size_t need = (size_t)f->nlive * PROBER_MAX_POLLFDS + 1 + FLEET_SHARES;

    if (need > f->fds_cap) {
        struct pollfd *fds = realloc(f->fds, need * sizeof(*fds));
        if (!fds)
            return false;
        f->fds = fds;
        f->fds_cap = need;
    }
    if ((size_t)f->nlive + 1 > f->first_cap) {
        int *first = realloc(f->first, ((size_t)f->nlive + 1) * sizeof(*first));
        if (!first)
            return false;
        f->first = first;
        f->first_cap = (size_t)f->nlive + 1;
    }
    return true;
}

/* One step of every live prober, then their poll set. Returns the soonest wake-up (0: every
 * target is done, or there is none) and the number of descriptors in *n. */
static uint64_t step_all(struct fleet *f, int *n)
{
    uint64_t until = 0;

    *n = 0;
    if (!fit(f))
        return probe_now_us() + 100000;
    f->fds[(*n)++] = (struct pollfd){.fd = f->wake[0], .events = POLLIN};
    for (int i = 0; i < f->nshares; i++)
        f->fds[(*n)++] = (struct pollfd){.fd = probe_share_fd(f->share[i]), .events = POLLIN};
    for (int i = 0; i < f->nlive; i++) {
        uint64_t u = prober_step(f->live[i]->prober);
        if (u && (!until || u < until))
            until = u;
        f->first[i] = *n;
        *n += prober_pollfds(f->live[i]->prober, f->fds + *n, PROBER_MAX_POLLFDS);
    }
    return until;
}

/* How long the next poll may wait for `until` (see Ticks above): 0 after sleeping to the next
 * tick when the thread is busy. */
static int wait_ms(struct fleet *f, uint64_t until)
{
    uint64_t now = probe_now_us(), tick = f->woke_us + FLEET_TICK_US;

    if (f->backlog) {
        f->backlog = false;
        return 0;
    }
    if (until > now + FLEET_TICK_US)
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
    char buf[64];

    while (!atomic_load(&f->stop)) {
        uint64_t until, gen;
        int n, live, ready;

        pthread_mutex_lock(&f->lock);
        until = step_all(f, &n);
        gen = f->generation;
        live = f->nlive;
        pthread_mutex_unlock(&f->lock);
        if (until == 0 && live > 0) { /* every target's rounds are done and answered */
            atomic_store(&f->done, true);
            break;
        }
        if (until == 0) /* no target (a reload took them all): wait for one */
            until = probe_now_us() + 1000000;
        ready = poll(f->fds, (nfds_t)n, wait_ms(f, until));
        f->woke_us = probe_now_us();
        if (ready <= 0)
            continue;
        if (f->fds[0].revents & POLLIN)
            while (read(f->wake[0], buf, sizeof(buf)) > 0)
                ;
        /* at most what one target can hold pending: the next pass's steps take them all */
        for (int i = 0; i < f->nshares; i++)
            if (f->fds[1 + i].revents &&
                probe_share_drain(f->share[i], PROBE_PENDING_MAX) == PROBE_PENDING_MAX)
                f->backlog = true;
        pthread_mutex_lock(&f->lock);
        for (int i = 0; gen == f->generation && i < f->nlive; i++)
            prober_polled(f->live[i]->prober, f->fds + f->first[i]);
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

void fleet_add_share(struct fleet *f, struct probe_share *sh)
{
    if (sh && f->nshares < FLEET_SHARES)
        f->share[f->nshares++] = sh;
}

int fleet_shares(struct fleet *f, struct probe_share **out)
{
    for (int i = 0; i < f->nshares; i++)
        out[i] = f->share[i];
    return f->nshares;
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
    wake(f);
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
