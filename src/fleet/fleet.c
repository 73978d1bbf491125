/*
 * fleet.c - the targets of a run and the one thread that probes them (see fleet.h).
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
 * Rounds are spread: the k-th target added starts its rounds frac(k * 0.618...) of an
 * interval late (k = 0 at once). Targets started together would otherwise send every round
 * together, and a router's ICMP budget (Linux: 1,000 messages/s, bursts of 50) drops the
 * replies of a thousand targets' bursts: false loss at every hop. The golden-ratio sequence
 * keeps any number of targets, added at any time, evenly spread.
 *
 * Ticks: when something is due within FLEET_TICK_US of now, the thread is busy (short
 * intervals, many targets) and a wake-up per probe and per reply would cost more than the
 * probing. It then sleeps to the next tick (FLEET_TICK_US after its last wake-up) and polls
 * without waiting: the sends that fell due meanwhile go out together and every reply that came
 * is read in one go. Replies carry the kernel's receive time (SO_TIMESTAMPNS) and sends are
 * stamped as they go, so reading late moves no RTT; a key waits at most a tick. With nothing
 * due that soon (the default one-second interval) the thread sleeps in epoll_wait and wakes
 * for each reply as it comes. A pass whose shared-socket drain stopped at its cap does not
 * sleep: the next one reads on.
 */
#include "fleet.h"
#include "due.h"
#include "share.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define FLEET_TICK_US 5000
#define EV_WAKE UINT64_MAX        /* epoll data of the fleet's own pipe */
#define EV_SHARE (UINT64_MAX - 8) /* ... of shared socket i: EV_SHARE + i */

/* A live target, as the thread sees it. */
struct fleet_ent {
    struct session *s;
    uint32_t id;         /* its index in fleet.ent, named by its epoll events (id << 16 | fd) */
    struct due_item due; /* when its prober next needs a step; out of the heap when finished */
    bool queued;         /* to be stepped this pass */
    bool finished;       /* its prober said every round is done and answered */
    struct pollfd *fds;  /* its descriptors as registered, revents filled from epoll */
    int nfds, cap;
};

struct fleet {
    pthread_mutex_t lock;
    struct session **all; /* every session ever added, in order */
    int nall, cap;
    struct session **live; /* the list: those probing */
    int nlive;
    struct fleet_ent **ent; /* by id, NULL once retired; ids are never reused */
    uint32_t nent, ent_cap;
    struct fleet_ent **todo; /* queued for this pass */
    int ntodo, todo_cap;
    struct due_heap heap;
    int nfinished;
    uint32_t added; /* targets added so far: the next one's phase */
    struct probe_share *share[FLEET_SHARES];
    int nshares;
    /* fleet thread */
    pthread_t thread;
    bool started;
    atomic_bool stop, done;
    atomic_uint_fast64_t wakeups, steps;
    int wake[2], epfd;
    struct epoll_event events[256];
    struct pollfd scratch[PROBER_MAX_POLLFDS];
    uint64_t woke_us; /* the thread's last wake-up */
    bool backlog;     /* the last pass left replies waiting: the next one must not sleep */
};

struct fleet *fleet_new(void)
{
    struct fleet *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (f->epfd < 0 || pipe2(f->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        if (f->epfd >= 0)
            close(f->epfd);
        free(f);
        return NULL;
    }
    epoll_ctl(f->epfd, EPOLL_CTL_ADD, f->wake[0],
              &(struct epoll_event){.events = EPOLLIN, .data.u64 = EV_WAKE});
    pthread_mutex_init(&f->lock, NULL);
    atomic_init(&f->stop, false);
    atomic_init(&f->done, false);
    atomic_init(&f->wakeups, 0);
    atomic_init(&f->steps, 0);
    return f;
}

static void ent_free(struct fleet_ent *e)
{
    if (e) {
        free(e->fds);
        free(e);
    }
}

void fleet_free(struct fleet *f, void (*free_session)(struct session *s))
{
    if (!f)
        return;
    for (int i = 0; i < f->nall; i++)
        if (free_session)
            free_session(f->all[i]);
    for (uint32_t i = 0; i < f->nent; i++)
        ent_free(f->ent[i]);
    close(f->wake[0]);
    close(f->wake[1]);
    close(f->epfd);
    pthread_mutex_destroy(&f->lock);
    due_free(&f->heap);
    free(f->all);
    free(f->live);
    free(f->ent);
    free(f->todo);
    free(f);
}

static void wake(struct fleet *f)
{
    char c = 1;
    ssize_t r = write(f->wake[1], &c, 1);

    (void)r; /* a full pipe already wakes the thread */
}

/* Queues e for this pass's steps (the lock held). false: no memory (it waits for its timer). */
static bool queue(struct fleet *f, struct fleet_ent *e)
{
    if (e->queued)
        return true;
    if (f->ntodo == f->todo_cap) {
        int cap = f->todo_cap ? 2 * f->todo_cap : 64;
        struct fleet_ent **todo = realloc(f->todo, (size_t)cap * sizeof(*todo));
        if (!todo)
            return false;
        f->todo = todo;
        f->todo_cap = cap;
    }
    f->todo[f->ntodo++] = e;
    e->queued = true;
    return true;
}

/* Room for one more session in the lists and one more entry (the lock held). */
static int room(struct fleet *f)
{
    if (f->nall == f->cap) {
        int cap = f->cap ? 2 * f->cap : 16;
        struct session **all = realloc(f->all, (size_t)cap * sizeof(*all));
        struct session **live = all ? realloc(f->live, (size_t)cap * sizeof(*live)) : NULL;
        if (all)
            f->all = all;
        if (live)
            f->live = live;
        if (!all || !live)
            return -ENOMEM;
        f->cap = cap;
    }
    if (f->nent == f->ent_cap) {
        uint32_t cap = f->ent_cap ? 2 * f->ent_cap : 16;
        struct fleet_ent **ent = realloc(f->ent, (size_t)cap * sizeof(*ent));
        if (!ent)
            return -ENOMEM;
        f->ent = ent;
        f->ent_cap = cap;
    }
    return 0;
}

/* The k-th target's first round: frac(k * golden ratio) of an interval late. */
static uint64_t phase_us(struct prober *p, uint32_t k)
{
    struct prober_status st;
    double x = (double)k * 0.6180339887498949;

    prober_status(p, &st);
    return (uint64_t)((x - floor(x)) * (double)st.interval_us);
}

int fleet_add(struct fleet *f, struct session *s)
{
    struct fleet_ent *e = calloc(1, sizeof(*e));
    int r;

    if (!e)
        return -ENOMEM;
    due_item_init(&e->due);
    e->s = s;
    prober_set_phase(s->prober, phase_us(s->prober, f->added));
    pthread_mutex_lock(&f->lock);
    if ((r = room(f)) == 0 && queue(f, e)) {
        e->id = f->nent++;
        f->ent[e->id] = e;
        f->added++;
        prober_set_tag(s->prober, e);
        f->all[f->nall++] = s;
        f->live[f->nlive++] = s;
        atomic_store(&f->done, false);
    } else {
        r = -ENOMEM;
    }
    pthread_mutex_unlock(&f->lock);
    if (r < 0)
        free(e);
    else
        wake(f);
    return r;
}

/* Takes e's descriptors out of the epoll set (the lock held). */
static void unregister(struct fleet *f, struct fleet_ent *e)
{
    for (int i = 0; i < e->nfds; i++)
        epoll_ctl(f->epfd, EPOLL_CTL_DEL, e->fds[i].fd, NULL);
    e->nfds = 0;
}

void fleet_retire(struct fleet *f, struct session *s)
{
    struct fleet_ent *e;

    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->nlive; i++)
        if (f->live[i] == s) {
            memmove(&f->live[i], &f->live[i + 1], (size_t)(f->nlive - i - 1) * sizeof(*f->live));
            f->nlive--;
            break;
        }
    if ((e = prober_tag(s->prober))) {
        unregister(f, e); /* before the caller closes them */
        due_remove(&f->heap, &e->due);
        for (int i = 0; i < f->ntodo; i++)
            if (f->todo[i] == e)
                f->todo[i] = f->todo[--f->ntodo];
        f->nfinished -= e->finished;
        f->ent[e->id] = NULL;
        prober_set_tag(s->prober, NULL);
        ent_free(e);
    }
    pthread_mutex_unlock(&f->lock);
    wake(f);
}

void fleet_release(struct fleet *f, struct session *s)
{
    bool found = false;

    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->nall && !found; i++)
        if ((found = f->all[i] == s))
            memmove(&f->all[i], &f->all[i + 1], (size_t)(f->nall - i - 1) * sizeof(*f->all));
    f->nall -= found;
    pthread_mutex_unlock(&f->lock);
    if (found)
        session_drop(s);
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
    unregister(f, e);
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
        queue(f, e); /* no memory for the heap: step it again next pass */
}

/* A pass: the targets whose time came join those epoll named, and each takes a step. Returns
 * the soonest time any target needs a step (0: none). The lock held. */
static uint64_t step_due(struct fleet *f)
{
    uint64_t now = probe_now_us();
    struct due_item *it;
    int n;

    while ((it = due_first(&f->heap)) && it->at <= now) {
        struct fleet_ent *e = (struct fleet_ent *)((char *)it - offsetof(struct fleet_ent, due));
        if (!queue(f, e))
            break;
        due_remove(&f->heap, it);
    }
    n = f->ntodo; /* a step that re-queues itself (no memory) waits for the next pass */
    for (int i = 0; i < n; i++)
        f->todo[i]->queued = false;
    for (int i = 0; i < n; i++)
        step(f, f->todo[i]);
    if (n) { /* (an empty list may have no array) */
        memmove(f->todo, f->todo + n, (size_t)(f->ntodo - n) * sizeof(*f->todo));
        f->ntodo -= n;
    }
    it = due_first(&f->heap);
    return f->ntodo ? now : it ? it->at : 0;
}

/* A shared socket handed replies to ps: its prober's target takes a step. */
static void handed(void *ctx, struct probe_sock *ps)
{
    struct prober *p = prober_of_sock(ps);
    struct fleet_ent *e = p ? prober_tag(p) : NULL;

    if (e)
        queue(ctx, e);
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
        /* at most what one target can hold pending: the next pass reads on */
        if (probe_share_drain(f->share[d - EV_SHARE], PROBE_PENDING_MAX, handed, f) ==
            PROBE_PENDING_MAX)
            f->backlog = true;
    } else {
        uint32_t id = (uint32_t)(d >> 16), i = (uint32_t)(d & 0xffff);
        struct fleet_ent *e = id < f->nent ? f->ent[id] : NULL;
        if (e && (int)i < e->nfds) {
            e->fds[i].revents = (short)ev->events;
            queue(f, e);
        }
    }
}

/* How long the next epoll_wait may wait for `until` (see Ticks above): 0 after sleeping to
 * the next tick when the thread is busy. */
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

void fleet_add_share(struct fleet *f, struct probe_share *sh)
{
    if (!sh || f->nshares >= FLEET_SHARES)
        return;
    epoll_ctl(
        f->epfd, EPOLL_CTL_ADD, probe_share_fd(sh),
        &(struct epoll_event){.events = EPOLLIN, .data.u64 = EV_SHARE + (uint64_t)f->nshares});
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
