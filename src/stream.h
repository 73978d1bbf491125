/*
 * stream.h - the flight recorder's writer: a run as NDJSON, one JSON object a line, schema 1
 * (man/hopwatch-ndjson.schema.json; hopwatch(1), NDJSON):
 *
 *   {"type":"header", ...}   once: version, target, modes, options, start time, host
 *   {"type":"round", ...}    every completed round, in send order: each TTL's outcome
 *   {"type":"event", ...}    every event when it starts and again when it ends
 *   {"type":"summary", ...}  each hop of the mode every STREAM_SUMMARY_S seconds, and at the end
 *   {"type":"end", ...}      once: end time and reason, packet counters
 *
 * --ndjson FILE|- writes it plain; --record FILE writes the same, zstd-compressed when FILE
 * ends in ".zst". Every line is flushed (compressed ones too: a zstd flush, not the frame's
 * end), so `tail -f | jq` sees each as it happens and a recording killed mid-run is readable
 * up to its last whole line.
 *
 * Threads: rounds come on the prober thread, events on whichever thread adds them; one mutex
 * keeps lines whole.
 */
#ifndef HOPWATCH_STREAM_H
#define HOPWATCH_STREAM_H

#include "recording.h"
#include "round.h"
#include "session.h"

#include <stddef.h>

#define STREAM_SCHEMA RECORDING_SCHEMA
#define STREAM_SUMMARY_S 10

struct stream;

/* Opens the outputs (either path may be NULL; "-" is standard output). NULL with err set when
 * one cannot be opened, or when neither is given. */
struct stream *stream_open(const char *ndjson_path, const char *record_path, char *err,
                           size_t err_len);
/* The header line; the run's facts (target, mode and why, start) must be known. */
void stream_header(struct stream *st, const struct session *s);
/* The round consumer (prober thread): round lines and the periodic summaries of s->target. */
struct round_consumer stream_consumer(struct stream *st, struct session *s);
/* An events_sink: one event line. */
void stream_event(void *ctx, const struct event *ev, bool start);
/* The last summary and the end line; then closes the outputs (a zstd frame is ended). */
void stream_close(struct stream *st, struct session *s);

#endif
