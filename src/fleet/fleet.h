/*
 * fleet.h - every target one hopwatch process watches, and the one thread that probes them.
 *
 * Each target is a struct session (session.h): its own target object (hop table, events,
 * diagnosis), its own prober with its rounds on its own schedule, its own run facts. The fleet
 * owns the list and the thread: the thread steps the targets whose time came or whose sockets
 * have replies (a timer heap and one epoll set), so N targets cost one thread, not N, and a
 * wake-up's work does not grow with N. With icmp-raw, every
 * target's probes go out and come back through one raw socket per family (probe/share.h),
 * sorted to its target by echo identifier, so a reply is read once, not once per target.
 *
 * Targets can come and go while the thread runs (SIGHUP rereads --targets, /probe). A target
 * taken out stops probing at once (fleet_retire); once its end is written, fleet_release
 * drops the fleet's reference, and the last reader holding it (session_hold: the UI's frame,
 * a metrics scrape) frees it.
 *
 * Threads: fleet_add / fleet_retire / fleet_stop from any thread; the list is read under
 * fleet_lock by the UI and the exporter; sessions' probers are stepped on the fleet thread.
 */
#ifndef HOPWATCH_FLEET_H
#define HOPWATCH_FLEET_H

#include "session.h"

#include <stdbool.h>
#include <stdint.h>

struct fleet;

/* NULL on allocation failure. */
struct fleet *fleet_new(void);
/* Drops every session still listed through free_session (after fleet_join). */
void fleet_free(struct fleet *f, void (*free_session)(struct session *s));

/* Appends s (its prober opened, its consumers added); it starts probing at the thread's
 * next pass. 0 or -ENOMEM. */
int fleet_add(struct fleet *f, struct session *s);
/* Stops probing s and takes it out of the list; it stays among fleet_get_all's. */
void fleet_retire(struct fleet *f, struct session *s);
/* After fleet_retire and its end: out of fleet_get_all's too, and the fleet's reference
 * dropped (freed now, or by the last reader's session_drop). */
void fleet_release(struct fleet *f, struct session *s);

/* The list, for readers: hold the lock while using fleet_get's sessions, or session_hold
 * them under it to use them after. */
void fleet_lock(struct fleet *f);
void fleet_unlock(struct fleet *f);
int fleet_count(struct fleet *f);
struct session *fleet_get(struct fleet *f, int i);
/* Sessions added and not released: the live ones, and retired ones not yet released (for
 * the end: flush, finalize, report). */
int fleet_count_all(struct fleet *f);
struct session *fleet_get_all(struct fleet *f, int i);
/* The list position of the target named `name` (as given), or -1. Under the lock. */
int fleet_find(struct fleet *f, const char *name);

/* Before fleet_start: a shared raw ICMP socket (probe/share.h) the thread reads and hands on
 * to its owners. At most FLEET_SHARES. */
#define FLEET_SHARES 2
struct probe_share;
void fleet_add_share(struct fleet *f, struct probe_share *sh);
/* The shared sockets (for their counters): how many, into out[FLEET_SHARES]. */
int fleet_shares(struct fleet *f, struct probe_share **out);

/* The thread's work so far: its wake-ups, and the prober steps they made (a step: one
 * target's sends, reads and expiries). Steps a wake-up follow what was due and what came, not
 * the number of targets. Any thread. */
void fleet_work(struct fleet *f, uint64_t *wakeups, uint64_t *steps);

int fleet_start(struct fleet *f);
void fleet_stop(struct fleet *f); /* async-signal-safe */
/* Waits for the thread: after fleet_stop, or when every target's rounds are done. */
void fleet_join(struct fleet *f);
/* True once every target has finished its rounds (-c with -r/-j/-C). */
bool fleet_done(struct fleet *f);

#endif
