/*
 * fleet_internal.h - the fleet's state, shared by its two files: fleet.c (the list: adding,
 * retiring, releasing, reading; any thread) and fleet_thread.c (the thread's passes). Nothing
 * outside src/fleet/fleet*.c includes it.
 */
#ifndef HOPWATCH_FLEET_INTERNAL_H
#define HOPWATCH_FLEET_INTERNAL_H

#include "due.h"
#include "fleet.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>

#define FLEET_TICK_US PROBER_BATCH_US     /* a busy thread's wake-ups (fleet_thread.c) */
#define FLEET_HOLD_US (4 * FLEET_TICK_US) /* with a send due this soon, replies wait for it */
#define EV_WAKE UINT64_MAX                /* epoll data of the fleet's own pipe */
#define EV_SHARE (UINT64_MAX - 8)         /* ... of shared socket i: EV_SHARE + i */

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
    struct session **all; /* every session added and not released, in order */
    int nall, cap;
    struct session **live; /* the list: those probing */
    int nlive;
    struct fleet_ent **ent; /* by id, NULL once retired; ids are never reused */
    uint32_t nent, ent_cap;
    struct fleet_ent **todo; /* queued for this pass */
    int ntodo, todo_cap;
    struct due_heap heap;
    int nfinished;
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

/* fleet.c: the wake-up pipe written; e queued for the next pass (the lock held; false: no
 * memory, it waits for its timer); e's descriptors out of the epoll set (the lock held). */
void fleet_wake(struct fleet *f);
bool fleet_queue(struct fleet *f, struct fleet_ent *e);
void fleet_unregister(struct fleet *f, struct fleet_ent *e);

#endif
