/*
 * stream.h - the flight recorder's writer: a run as NDJSON, one JSON object a line, schema 1
 * (man/hopwatch-ndjson.schema.json; hopwatch(1), NDJSON):
 *
 *   {"type":"header", ...}   once per target: version, target, modes, options, start, host
 *   {"type":"round", ...}    every completed round, in send order: each TTL's outcome
 *   {"type":"event", ...}    every event when it starts and again when it ends
 *   {"type":"summary", ...}  each hop of the mode every STREAM_SUMMARY_S seconds, and at the end
 *   {"type":"end", ...}      once per target: end time and reason, packet counters
 *
 * With several targets in one run their lines interleave, each (but the headers) with
 * "target": NAME; a replay takes one target (--replay-target, else the first).
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

#include "replay/recording.h"
#include "prober/round.h"
#include "cli/options.h"
#include "path/target.h"
#include "prober/prober.h"
#include "report/report.h"

#include <stddef.h>

#define STREAM_SCHEMA RECORDING_SCHEMA
#define STREAM_SUMMARY_S 10

struct stream_out; /* the outputs, shared by every target */
struct stream;     /* one target's part */

/* Opens the outputs (either path may be NULL; "-" is standard output). `multi`: several
 * targets share them, so every line but the headers carries "target": NAME (a header's target
 * object names it). NULL with err set when one cannot be opened, or when neither is given. */
struct stream_out *stream_open(const char *ndjson_path, const char *record_path, bool multi,
                               char *err, size_t err_len);
/* What a target's stream reads, all owned by its session: the options, the run's facts, the path
 * and the prober. They outlive the stream. */
struct stream_source {
    const struct options *opt;
    struct run_info *run;
    struct target *target;
    struct prober *prober;
};

/* A target joins: its header line (its facts - target, mode and why, start - must be known).
 * NULL when out of memory. */
struct stream *stream_attach(struct stream_out *o, const struct stream_source *s);
/* The round consumer (prober thread): round lines and the periodic summaries of s->target. */
struct round_consumer stream_consumer(struct stream *st);
/* An events_sink (ctx: the target's struct stream): one event line. */
void stream_event(void *ctx, const struct event *ev, bool start);
/* The target's last summary and its end line (its run's end and packet counters filled in
 * first); frees st. */
void stream_end(struct stream *st);
/* Closes the outputs (a zstd frame is ended), after every target's stream_end. Returns the
 * errno of the first write that failed on any output (0: none), `why` saying it in words. */
int stream_close(struct stream_out *o, char *why, size_t len);
/* A write to an output failed (a full disk, EIO, EFBIG, a closed pipe): that output is written
 * no more, and this says the first such failure ("recording stopped: No space left on device
 * at 06:42:10 (run.zst)") and returns its errno; 0 and "" while none. Any thread. */
int stream_failure(struct stream_out *o, char *buf, size_t len);
/* The reader of --ndjson - went away (EPIPE on standard output). */
bool stream_reader_gone(struct stream_out *o);
/* The outputs a target's stream writes to (NULL for none). */
struct stream_out *stream_outputs(const struct stream *st);

#endif
