/*
 * events.c - the event log (see events.h): a ring of the newest EVENTS_MAX events.
 */
#include "events.h"
#include "probe.h"
#include "report.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct event_log {
    pthread_mutex_t lock;
    struct event ring[EVENTS_MAX];
    int head, count;
    uint32_t next_id;
    FILE *file;
};

struct event_log *events_new(const char *path, char *err, size_t err_len)
{
    struct event_log *log = calloc(1, sizeof(*log));

    if (!log)
        return snprintf(err, err_len, "out of memory"), NULL;
    pthread_mutex_init(&log->lock, NULL);
    log->next_id = 1;
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
    free(log);
}

const char *event_kind_name(enum event_kind k)
{
    static const char *const names[] = {[EVENT_LOSS_BURST] = "loss-burst",
                                        [EVENT_PATH_CHANGE] = "path-change",
                                        [EVENT_MODE_CHANGE] = "mode-change",
                                        [EVENT_RESET] = "reset"};
    return k <= EVENT_RESET ? names[k] : "?";
}

void events_iso_time(const struct timespec *ts, char *buf, size_t len)
{
    struct tm tm;
    char base[32];

    gmtime_r(&ts->tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%.20s.%03dZ", base, (int)(ts->tv_nsec / 1000000 % 1000));
}

void events_json(FILE *out, const struct event *ev)
{
    char t[64];

    events_iso_time(&ev->start, t, sizeof(t));
    fprintf(out, "{\"id\":%u,\"kind\":\"%s\",\"start\":\"%s\",\"end\":", ev->id,
            event_kind_name(ev->kind), t);
    if (ev->ended) {
        events_iso_time(&ev->end, t, sizeof(t));
        fprintf(out, "\"%s\"", t);
    } else {
        fputs("null", out);
    }
    fputs(",\"onset\":", out);
    if (ev->onset)
        fprintf(out, "%d", ev->onset);
    else
        fputs("null", out);
    fputs(",\"hops\":[", out);
    for (int i = 0; i < ev->nhops; i++)
        fprintf(out, "%s%d", i ? "," : "", ev->hops[i]);
    fprintf(out, "],\"mode\":\"%s\",\"text\":", probe_mode_name((enum probe_mode)ev->mode));
    report_json_string(out, ev->text);
    fputc('}', out);
}

/* Appends ev to the file, one line, flushed; call with the lock held. */
static void write_line(struct event_log *log, const struct event *ev)
{
    if (!log->file)
        return;
    events_json(log->file, ev);
    fputc('\n', log->file);
    fflush(log->file);
}

uint32_t events_add(struct event_log *log, const struct event *ev)
{
    struct event *slot;
    uint32_t id;

    pthread_mutex_lock(&log->lock);
    slot = &log->ring[(log->head + log->count) % EVENTS_MAX];
    if (log->count == EVENTS_MAX)
        log->head = (log->head + 1) % EVENTS_MAX;
    else
        log->count++;
    *slot = *ev;
    id = slot->id = log->next_id++;
    write_line(log, slot);
    pthread_mutex_unlock(&log->lock);
    return id;
}

void events_end(struct event_log *log, uint32_t id, const struct event *final_state)
{
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < log->count; i++) {
        struct event *e = &log->ring[(log->head + i) % EVENTS_MAX];
        if (e->id != id)
            continue;
        *e = *final_state;
        e->id = id;
        e->ended = true;
        write_line(log, e);
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
        out[i] = log->ring[(log->head + log->count - n + i) % EVENTS_MAX];
    pthread_mutex_unlock(&log->lock);
    return n;
}
