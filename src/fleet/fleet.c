/*
 * fleet.c - the targets of a run (see fleet.h): the list and each live target's entry, added,
 * retired and released from any thread under the list's lock. The thread that probes them is
 * fleet_thread.c's.
 *
 * Rounds are spread: the k-th target added starts its rounds frac(k * 0.618...) of an
 * interval late (k = 0 at once). Targets started together would otherwise send every round
 * together, and a router's ICMP budget (Linux: 1,000 messages/s, bursts of 50) drops the
 * replies of a thousand targets' bursts: false loss at every hop. The golden-ratio sequence
 * keeps any number of targets, added at any time, evenly spread.
 */
#include "fleet_internal.h"
#include "share.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void fleet_wake(struct fleet *f)
{
    char c = 1;
    ssize_t r = write(f->wake[1], &c, 1);

    (void)r; /* a full pipe already wakes the thread */
}

bool fleet_queue(struct fleet *f, struct fleet_ent *e)
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
    pthread_mutex_lock(&f->lock);
    if ((r = room(f)) == 0 && fleet_queue(f, e)) {
        e->id = f->nent++; /* the number of targets added before it */
        f->ent[e->id] = e;
        prober_set_phase(s->prober, phase_us(s->prober, e->id)); /* before its first step */
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
        fleet_wake(f);
    return r;
}

void fleet_unregister(struct fleet *f, struct fleet_ent *e)
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
        fleet_unregister(f, e); /* before the caller closes them */
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
    fleet_wake(f);
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
