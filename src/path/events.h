/*
 * events.h - the event log: loss bursts, path changes, mode changes, resets, spells in which
 * this host could not send, changes of the diagnosis and outputs that stopped, with wall-clock
 * times. Written by the prober thread (bursts, path and mode changes) and the UI (resets);
 * read by the UI and the reports through copies. One mutex of its own.
 *
 * With --log-events FILE every event is appended to FILE as one JSON line and flushed when it
 * starts and again when it ends, so nothing is lost if the process dies.
 */
#ifndef HOPWATCH_EVENTS_H
#define HOPWATCH_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define EVENTS_MAX 512
#define EVENT_MAX_HOPS 32

enum event_kind {
    EVENT_LOSS_BURST,
    EVENT_PATH_CHANGE,
    EVENT_MODE_CHANGE,
    EVENT_RESET,
    EVENT_SEND_FAILURE,   /* this host could not send (no route, no address, a local firewall) */
    EVENT_VERDICT_CHANGE, /* the diagnosis changed: where loss that carries on starts */
    EVENT_WRITE_FAILURE,  /* a recording, stream or event file stopped (a full disk, a pipe) */
};
#define EVENT_KINDS (EVENT_WRITE_FAILURE + 1)
#define EVENTS_SINKS 4

struct event {
    uint32_t id;
    enum event_kind kind;
    struct timespec start; /* CLOCK_REALTIME */
    struct timespec end;   /* valid when ended */
    bool ended;
    int onset; /* TTL where a loss burst starts, 0 none */
    int nhops;
    uint8_t hops[EVENT_MAX_HOPS]; /* TTLs affected */
    int mode;                     /* probe mode it was seen in */
    char text[160];               /* a one-line summary */
};

struct event_log;

/* path may be NULL (no file). NULL on failure, with err set. */
struct event_log *events_new(const char *path, char *err, size_t err_len);
void events_free(struct event_log *log);

/* Records ev (its id is assigned and returned; 0 when there was no memory for a first event). */
uint32_t events_add(struct event_log *log, const struct event *ev);
/* Ends event id at `end`, with its final hops and onset. */
void events_end(struct event_log *log, uint32_t id, const struct event *final_state);
/* Copies the newest max events (or fewer), oldest first; returns how many. */
int events_copy(struct event_log *log, struct event *out, int max);
/* How many events the log holds (at most EVENTS_MAX). */
int events_count(struct event_log *log);

/* Events of `kind` added since the log was made: a counter that never goes back (not even
 * with events_clear), for the metrics. */
uint64_t events_total(struct event_log *log, enum event_kind kind);

const char *event_kind_name(enum event_kind k);

/* Forgets every event; ids start again from 1 (a replay going back to its start). */
void events_clear(struct event_log *log);

/* Told of every event when it is added (start: an event may be added already ended) and again
 * when it ends, under the log's lock, on the thread that added or ended it. */
typedef void (*events_sink)(void *ctx, const struct event *ev, bool start);
/* At most EVENTS_SINKS (false: no room). */
bool events_add_sink(struct event_log *log, events_sink sink, void *ctx);
void events_remove_sink(struct event_log *log, events_sink sink, void *ctx);
/* The --log-events file's first failed write (a full disk, a closed pipe): its errno and, in
 * buf, "--log-events stopped: No space left on device at 06:42:10 (FILE)"; 0 and "" while
 * none. The file is written no more after it. */
int events_failure(struct event_log *log, char *buf, size_t len);

struct jsonw;
/* One event as a JSON object, the next value of w. */
void events_json(struct jsonw *w, const struct event *ev);

#endif
