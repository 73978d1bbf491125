/*
 * events.c - the event log (see events.h): a ring of the newest EVENTS_MAX events, grown as
 * events come (most targets have a handful; room for all 512 took 127 KB a target).
 */
#include "events.h"
#include "text/jsonw.h"
#include "probe.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct event_log {
    pthread_mutex_t lock;
    struct event *ring; /* cap of them: doubles up to EVENTS_MAX while head is 0 */
    int cap, head, count;
    uint32_t next_id;
    uint64_t total[EVENT_KINDS]; /* added of each kind since the start, never cleared */
    FILE *file;
    char path[256]; /* the file's, for the message */
    int err;        /* errno of the first write that failed (the file is written no more) */
    time_t failed_at;
    struct { /* also told of every event as it starts and ends (the stream, --on-event) */
        events_sink fn;
        void *ctx;
    } sink[EVENTS_SINKS];
};

struct event_log *events_new(const char *path, char *err, size_t err_len)
{
    struct event_log *log = calloc(1, sizeof(*log));

    if (!log)
        return snprintf(err, err_len, "out of memory"), NULL;
    pthread_mutex_init(&log->lock, NULL);
    log->next_id = 1;
    if (path)
        snprintf(log->path, sizeof(log->path), "%s",
                 strcmp(path, "-") == 0 ? "standard output" : path);
    if (path && strcmp(path, "-") == 0)
        log->file = stdout; /* a JSON-lines stream for pipelines */
    else if (path && !(log->file = fopen(path, "a"))) {
        snprintf(err, err_len, "cannot open --log-events file '%s': %s", path, strerror(errno));
        events_free(log);
        return NULL;
    }
    return log;
}

void events_free(struct event_log *log)
{
    if (!log)
        return;
    if (log->file && log->file != stdout)
        fclose(log->file);
    pthread_mutex_destroy(&log->lock);
    free(log->ring);
    free(log);
}

const char *event_kind_name(enum event_kind k)
{
    static const char *const names[] = {
        [EVENT_LOSS_BURST] = "loss-burst",      [EVENT_PATH_CHANGE] = "path-change",
        [EVENT_MODE_CHANGE] = "mode-change",    [EVENT_RESET] = "reset",
        [EVENT_SEND_FAILURE] = "send-failure",  [EVENT_VERDICT_CHANGE] = "verdict-change",
        [EVENT_WRITE_FAILURE] = "write-failure"};
    return (unsigned)k < EVENT_KINDS ? names[k] : "?";
}

void events_json(struct jsonw *w, const struct event *ev)
{
    jsonw_object(w);
    jsonw_kuint(w, "id", ev->id);
    jsonw_kstring(w, "kind", event_kind_name(ev->kind));
    jsonw_key(w, "start");
    jsonw_time(w, &ev->start);
    jsonw_key(w, "end");
    if (ev->ended)
        jsonw_time(w, &ev->end);
    else
        jsonw_null(w);
    jsonw_kint_or_null(w, "onset", ev->onset, ev->onset != 0);
    jsonw_key(w, "hops");
    jsonw_array(w);
    for (int i = 0; i < ev->nhops; i++)
        jsonw_int(w, ev->hops[i]);
    jsonw_end_array(w);
    jsonw_kstring(w, "mode", probe_mode_name((enum probe_mode)ev->mode));
    jsonw_kstring(w, "text", ev->text);
    jsonw_end_object(w);
}

void events_clear(struct event_log *log)
{
    pthread_mutex_lock(&log->lock);
    log->head = log->count = 0;
    log->next_id = 1;
    pthread_mutex_unlock(&log->lock);
}

bool events_add_sink(struct event_log *log, events_sink sink, void *ctx)
{
    bool room = false;

    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < EVENTS_SINKS && !room; i++)
        if ((room = !log->sink[i].fn))
            log->sink[i].fn = sink, log->sink[i].ctx = ctx;
    pthread_mutex_unlock(&log->lock);
    return room;
}

void events_remove_sink(struct event_log *log, events_sink sink, void *ctx)
{
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < EVENTS_SINKS; i++)
        if (log->sink[i].fn == sink && log->sink[i].ctx == ctx)
            log->sink[i].fn = NULL;
    pthread_mutex_unlock(&log->lock);
}

/* Appends ev to the file, one line, flushed, and tells the sink; call with the lock held. */
static void write_line(struct event_log *log, const struct event *ev, bool start)
{
    struct jsonw w;

    for (int i = 0; i < EVENTS_SINKS; i++)
        if (log->sink[i].fn)
            log->sink[i].fn(log->sink[i].ctx, ev, start);
    if (!log->file || log->err)
        return;
    errno = 0;
    jsonw_init(&w, log->file);
    events_json(&w, ev);
    if (fputc('\n', log->file) == EOF || fflush(log->file) != 0 || ferror(log->file)) {
        log->err = errno ? errno : EIO;
        log->failed_at = time(NULL);
    }
}

int events_failure(struct event_log *log, char *buf, size_t len)
{
    int err;

    if (len)
        buf[0] = '\0';
    pthread_mutex_lock(&log->lock);
    if ((err = log->err)) {
        struct tm tm;
        char at[16];
        localtime_r(&log->failed_at, &tm);
        strftime(at, sizeof(at), "%H:%M:%S", &tm);
        snprintf(buf, len, "--log-events stopped: %s at %s (%s)", strerror(err), at, log->path);
    }
    pthread_mutex_unlock(&log->lock);
    return err;
}

/* Doubles the ring while the oldest event is still at its start (the lock held). */
static bool grow(struct event_log *log)
{
    int cap = log->cap ? 2 * log->cap : 8;
    struct event *ring;

    if (log->cap >= EVENTS_MAX || log->head != 0)
        return false;
    if (cap > EVENTS_MAX)
        cap = EVENTS_MAX;
    if (!(ring = realloc(log->ring, (size_t)cap * sizeof(*ring))))
        return false;
    log->ring = ring;
    log->cap = cap;
    return true;
}

uint32_t events_add(struct event_log *log, const struct event *ev)
{
    struct event *slot;
    uint32_t id;

    pthread_mutex_lock(&log->lock);
    if (log->count == log->cap && !grow(log) && log->cap == 0) {
        pthread_mutex_unlock(&log->lock);
        return 0;
    }
    slot = &log->ring[(log->head + log->count) % log->cap];
    if (log->count == log->cap)
        log->head = (log->head + 1) % log->cap;
    else
        log->count++;
    *slot = *ev;
    id = slot->id = log->next_id++;
    if ((unsigned)ev->kind < EVENT_KINDS)
        log->total[ev->kind]++;
    write_line(log, slot, true);
    pthread_mutex_unlock(&log->lock);
    return id;
}

void events_end(struct event_log *log, uint32_t id, const struct event *final_state)
{
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < log->count; i++) {
        struct event *e = &log->ring[(log->head + i) % log->cap];
        if (e->id != id)
            continue;
        *e = *final_state;
        e->id = id;
        e->ended = true;
        write_line(log, e, false);
        break;
    }
    pthread_mutex_unlock(&log->lock);
}

int events_copy(struct event_log *log, struct event *out, int max)
{
    int n;

    pthread_mutex_lock(&log->lock);
    n = log->count < max ? log->count : max;
    for (int i = 0; i < n; i++)
        out[i] = log->ring[(log->head + log->count - n + i) % log->cap];
    pthread_mutex_unlock(&log->lock);
    return n;
}

uint64_t events_total(struct event_log *log, enum event_kind kind)
{
    uint64_t n;

    pthread_mutex_lock(&log->lock);
    n = (unsigned)kind < EVENT_KINDS ? log->total[kind] : 0;
    pthread_mutex_unlock(&log->lock);
    return n;
}

int events_count(struct event_log *log)
{
    int n;

    pthread_mutex_lock(&log->lock);
    n = log->count;
    pthread_mutex_unlock(&log->lock);
    return n;
}
