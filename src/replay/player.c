/*
 * player.c - a recording played in the live view (see player.h): a thread that moves the
 * recording's clock on at the chosen speed and plays what happened up to it into the target,
 * as the prober thread would have. Going back (to an earlier event) clears the target and
 * plays from the start up to there at once.
 */
#include "player.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PLAYER_TICK_US 20000
#define PLAYER_EVENTS 4096

struct player {
    struct replay *rp;
    struct target *target;
    struct replay_cursor *cur;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock; /* everything below, and the cursor */
    uint64_t first_us, last_us;
    uint64_t at_us; /* the recording's clock now */
    double speed;
    bool paused;
    int64_t seek_to; /* -1: none; else a recording time to jump to */
    uint64_t events[PLAYER_EVENTS];
    int nevents;
};

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Back to the start: a clean target and a fresh cursor (lock held). */
static int rewind_to_start(struct player *pl)
{
    struct round_consumer c = target_consumer(pl->target);

    replay_cursor_free(pl->cur);
    target_clear(pl->target);
    pl->cur = replay_cursor_new(pl->rp, &c, pl->target);
    pl->at_us = pl->first_us;
    return pl->cur ? 0 : -ENOMEM;
}

static void *player_main(void *arg)
{
    struct player *pl = arg;
    uint64_t last = mono_us();

    while (!atomic_load(&pl->stop)) {
        uint64_t now = mono_us();
        pthread_mutex_lock(&pl->lock);
        if (pl->seek_to >= 0) {
            if ((uint64_t)pl->seek_to < pl->at_us)
                rewind_to_start(pl);
            pl->at_us = (uint64_t)pl->seek_to;
            pl->seek_to = -1;
        } else if (!pl->paused && pl->at_us < pl->last_us) {
            pl->at_us += (uint64_t)((double)(now - last) * pl->speed);
            if (pl->at_us > pl->last_us)
                pl->at_us = pl->last_us;
        }
        if (pl->cur)
            replay_cursor_play(pl->cur, pl->at_us);
        pthread_mutex_unlock(&pl->lock);
        last = now;
        struct timespec tick = {0, PLAYER_TICK_US * 1000L};
        nanosleep(&tick, NULL);
    }
    return NULL;
}

/* HH:MM[:SS] as a recorded time: that local time of day on the recording's first day, or the
 * next day when it comes before the start (an overnight recording). 0: not a time. */
static time_t time_of_day(const char *arg, const struct timespec *started)
{
    struct tm tm;
    int h = 0, m = 0, sec = 0;
    time_t t;

    if (!arg || sscanf(arg, "%d:%d:%d", &h, &m, &sec) < 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
        sec < 0 || sec > 59)
        return 0;
    localtime_r(&started->tv_sec, &tm);
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    t = mktime(&tm);
    return t < started->tv_sec ? t + 24 * 3600 : t;
}

int player_jump_time(struct player *pl, const char *hhmmss)
{
    time_t at = time_of_day(hhmmss, &replay_setup(pl->rp)->started);

    if (!at)
        return -1;
    pthread_mutex_lock(&pl->lock);
    pl->seek_to = (int64_t)replay_time_at_wall(pl->rp, at);
    pthread_mutex_unlock(&pl->lock);
    return 0;
}

struct player *player_start(struct replay *rp, struct target *t, const char *seek)
{
    struct player *pl = calloc(1, sizeof(*pl));

    if (!pl)
        return NULL;
    pl->rp = rp;
    pl->target = t;
    pl->speed = 1.0;
    pl->seek_to = -1;
    replay_span(rp, &pl->first_us, &pl->last_us);
    pl->nevents = replay_event_times(rp, pl->events, PLAYER_EVENTS);
    pthread_mutex_init(&pl->lock, NULL);
    atomic_init(&pl->stop, false);
    if (rewind_to_start(pl) < 0) {
        player_stop(pl);
        return NULL;
    }
    if (seek) /* --seek: the first round sent at or after that recorded time */
        player_jump_time(pl, seek);
    if (pthread_create(&pl->thread, NULL, player_main, pl) != 0) {
        replay_cursor_free(pl->cur);
        pthread_mutex_destroy(&pl->lock);
        free(pl);
        return NULL;
    }
    return pl;
}

void player_stop(struct player *pl)
{
    if (!pl)
        return;
    atomic_store(&pl->stop, true);
    if (pl->thread)
        pthread_join(pl->thread, NULL);
    replay_cursor_free(pl->cur);
    pthread_mutex_destroy(&pl->lock);
    free(pl);
}

void player_status(struct player *pl, struct prober_status *st)
{
    pthread_mutex_lock(&pl->lock);
    if (pl->cur)
        replay_cursor_status(pl->cur, st);
    else
        memset(st, 0, sizeof(*st));
    st->paused = pl->paused;
    pthread_mutex_unlock(&pl->lock);
}

void player_clock(struct player *pl, struct player_clock *out)
{
    pthread_mutex_lock(&pl->lock);
    out->speed = pl->speed;
    out->paused = pl->paused;
    out->done = pl->at_us >= pl->last_us;
    out->cut = replay_truncated(pl->rp);
    out->at_us = pl->at_us > pl->first_us ? pl->at_us - pl->first_us : 0;
    out->span_us = pl->last_us - pl->first_us;
    if (pl->cur)
        replay_cursor_wall(pl->cur, pl->at_us, &out->wall);
    pthread_mutex_unlock(&pl->lock);
}

void player_pause(struct player *pl, bool paused)
{
    pthread_mutex_lock(&pl->lock);
    pl->paused = paused;
    pthread_mutex_unlock(&pl->lock);
}

double player_speed(struct player *pl, double factor)
{
    double s;

    pthread_mutex_lock(&pl->lock);
    pl->speed *= factor;
    if (pl->speed < PLAYER_SPEED_MIN)
        pl->speed = PLAYER_SPEED_MIN;
    if (pl->speed > PLAYER_SPEED_MAX)
        pl->speed = PLAYER_SPEED_MAX;
    s = pl->speed;
    pthread_mutex_unlock(&pl->lock);
    return s;
}

int player_jump_event(struct player *pl, int dir)
{
    int found = -1;

    pthread_mutex_lock(&pl->lock);
    for (int i = 0; i < pl->nevents; i++) {
        /* next: the first event after now (plus a tick, so repeated presses move on);
         * previous: the last one before now, less a second, so it goes further back */
        if (dir > 0 && pl->events[i] > pl->at_us + PLAYER_TICK_US) {
            found = i;
            break;
        }
        if (dir < 0 && pl->events[i] + 1000000u < pl->at_us)
            found = i;
    }
    if (found >= 0)
        pl->seek_to = (int64_t)pl->events[found];
    pthread_mutex_unlock(&pl->lock);
    return found;
}

void player_jump_edge(struct player *pl, bool end)
{
    pthread_mutex_lock(&pl->lock);
    pl->seek_to = (int64_t)(end ? pl->last_us : pl->first_us);
    pthread_mutex_unlock(&pl->lock);
}
