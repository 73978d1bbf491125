/*
 * history.h - what each hop of a target did over the whole run, in time buckets: loss and the
 * mean RTT every 10 seconds and every minute, for the history screen and the HTML report.
 *
 * Keyed by TTL, whatever the probe mode (mode changes are events on the time axis). Buckets are
 * clock-aligned wall time (a round's send time), so a live run and its replay fill the same
 * buckets. The budget is fixed: a hop keeps its minutes for HISTORY_MINUTES (24 hours) and its
 * 10-second buckets for the last 10 to 20 minutes, 5 bytes a bucket, held in blocks allocated
 * as time passes; a whole target holds at most its budget, HISTORY_BUDGET for a run of up to
 * 256 targets, less for more (history_budget). Past it (a path longer than about 34 hops for a
 * day, at the full budget) a hop reuses its own oldest block. Written by the prober thread,
 * read by any: one mutex of its own.
 */
#ifndef HOPWATCH_HISTORY_H
#define HOPWATCH_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HISTORY_BUDGET (256 * 1024)      /* bytes a target at most, everything included */
#define HISTORY_FLEET (64 * 1024 * 1024) /* ... shared by a run's targets (history_budget) */
#define HISTORY_BUDGET_MIN (32 * 1024)   /* ... but never less than this a target */
#define HISTORY_MINUTES (24 * 60)        /* minutes a hop keeps */
#define HISTORY_FINE_MINUTES 10          /* 10-second buckets: at least this many minutes back */

enum history_zoom { HISTORY_10S, HISTORY_1M, HISTORY_10M };
#define HISTORY_ZOOMS 3

/* One bucket of one hop, as read. */
struct history_point {
    time_t start;        /* the bucket's first second (CLOCK_REALTIME) */
    uint32_t done, lost; /* probes sent in it that completed, and of them lost */
    double rtt_us;       /* mean RTT of the answered ones; < 0: none answered */
    bool held;           /* false: the history no longer (or never) held this bucket */
};

struct history;

/* Hops 1..max_ttl, holding at most `budget` bytes in all. NULL on allocation failure. */
struct history *history_new(int max_ttl, size_t budget);
/* The budget of each of a run's `targets`: HISTORY_FLEET shared, between HISTORY_BUDGET_MIN
 * and HISTORY_BUDGET (a thousand targets: 64 KiB each, a day of 7 hops or 5 hours of 30). */
size_t history_budget(int targets);
void history_free(struct history *h);
/* Forgets everything (a replay going back to its start). */
void history_clear(struct history *h);

/* One completed probe of hop ttl, sent at wall_s: rtt_us, or < 0 when it was lost. */
void history_add(struct history *h, int ttl, time_t wall_s, int32_t rtt_us);
/* Every answered or lost probe of a round (sent at its wall time), under one lock. */
struct round;
void history_add_round(struct history *h, const struct round *r);

/* The first and last second any probe was sent in (false: none yet). */
bool history_span(struct history *h, time_t *first, time_t *last);
/* The highest TTL with any bucket, 0 when none. */
int history_max_ttl(struct history *h);
/* The first second still held at this zoom for hop ttl (the run's start unless a bucket aged
 * out or the budget took it). */
time_t history_kept_from(struct history *h, enum history_zoom z);
/* n buckets of hop ttl at zoom z from the one holding `from`; returns n (0 for a TTL out of
 * range). A 10-minute bucket adds up ten minutes. */
int history_read(struct history *h, int ttl, enum history_zoom z, time_t from, int n,
                 struct history_point *out);
/* The bytes held, everything included; probes dropped because no bucket could take them. */
size_t history_bytes(struct history *h);
uint64_t history_dropped(struct history *h);

/* Seconds a bucket covers at zoom z, and its name ("10 s", "1 min", "10 min"). */
int history_zoom_secs(enum history_zoom z);
const char *history_zoom_name(enum history_zoom z);
/* The start of the bucket holding t at zoom z. */
time_t history_bucket(enum history_zoom z, time_t t);

#endif
