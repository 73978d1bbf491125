/*
 * player.h - a recording played back in the live view (hopwatch --replay FILE): a thread in
 * the prober's place feeds the target at the recording's own pace, times a speed (x1 to
 * x1000), paused and resumed, and jumps to the next or previous recorded event, the start, the
 * end, or (--seek) a recorded clock time. The screen reads the status from it.
 */
#ifndef HOPWATCH_PLAYER_H
#define HOPWATCH_PLAYER_H

#include "prober/prober.h"
#include "replay.h"
#include "path/target.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PLAYER_SPEED_MIN 1.0
#define PLAYER_SPEED_MAX 1000.0

struct player;

/* Plays rp into t from the start (or from the recorded time `seek`, HH:MM[:SS]; NULL: the
 * start), at x1, not paused. NULL on failure. */
struct player *player_start(struct replay *rp, struct target *t, const char *seek);
void player_stop(struct player *pl);

/* The prober status the recording had at the point played to. */
void player_status(struct player *pl, struct prober_status *st);

struct player_clock {
    struct timespec wall;    /* the recorded clock at the point played to */
    uint64_t at_us, span_us; /* how far into the recording, and its length */
    double speed;
    bool paused, done;
    bool cut; /* the recording was cut short (no end line) */
};
void player_clock(struct player *pl, struct player_clock *out);

void player_pause(struct player *pl, bool paused);
/* Multiplies the speed by factor, within x1..x1000; returns the new speed. */
double player_speed(struct player *pl, double factor);
/* Jumps to the next (dir 1) or previous (-1) recorded event; its index, or -1: none. */
int player_jump_event(struct player *pl, int dir);
/* Jumps to a recorded time of day, HH:MM[:SS] (the next day when it comes before the start);
 * -1 when it is not one. */
int player_jump_time(struct player *pl, const char *hhmmss);
/* Jumps to the start or the end. */
void player_jump_edge(struct player *pl, bool end);

#endif
