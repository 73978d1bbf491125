/*
 * replay.h - a recording played back through a target, as the prober fed it live.
 *
 * The recording's rounds carry the order in which the statistics saw each probe settle
 * (answered, lost, cancelled) and when each round completed, so the player hands the target's
 * consumer exactly the calls the live run made, in the same order: each probe sent, then
 * settled; each round once complete and every earlier round handed on. The hop table, the
 * diagnosis with its hysteresis, the events and (--pmtu) the path MTU search come out the same,
 * and so does the report. Names are not recorded: a replay shows addresses.
 */
#ifndef HOPWATCH_REPLAY_H
#define HOPWATCH_REPLAY_H

#include "prober/prober.h"
#include "report/report.h"
#include "path/target.h"

#include <stddef.h>
#include <time.h>

struct replay;

/* What the header says the run was. */
struct replay_setup {
    char target_name[256], target_addr[64];
    char mode_reason[384];
    char command[1024]; /* the command line of the recorded run, "" when not recorded */
    char host[256];
    char columns[32]; /* the text report's columns (-o) of the live run */
    int modes[PROBE_MODE_COUNT], nmodes;
    struct target_config target;
    struct timespec started;
};

/* Reads the whole recording; NULL with err set ("FILE:LINE: why"). A recording cut short is
 * read to its last whole line: replay_truncated says so. */
/* With several targets recorded, `target` picks one (NULL: the first). */
struct replay *replay_load(const char *path, const char *target, char *err, size_t err_len);
/* The same from an open recording (recording.h), which it closes; `path` names it in errors. */
struct recording;
struct replay *replay_read(struct recording *rec, const char *path, char *err, size_t err_len);
const struct replay_setup *replay_setup(const struct replay *rp);
bool replay_truncated(const struct replay *rp);
/* Plays every round into the consumer (the target's); t (may be NULL) gets the resets the live
 * run had by key, between the rounds they came between. */
void replay_feed(struct replay *rp, const struct round_consumer *c, struct target *t);
/* The status the prober had at the end: mode, rotation, rounds and path end per mode. */
void replay_status(const struct replay *rp, struct prober_status *st);

/* Playing a part at a time (the live view): a cursor at the start of the recording. */
struct replay_cursor;
struct replay_cursor *replay_cursor_new(struct replay *rp, const struct round_consumer *c,
                                        struct target *t);
/* Plays everything that happened up to until_us (the recording's monotonic clock); returns
 * when the next thing happened, UINT64_MAX at the end. */
uint64_t replay_cursor_play(struct replay_cursor *cur, uint64_t until_us);
bool replay_cursor_done(const struct replay_cursor *cur);
/* The status as of the rounds handed on so far. */
void replay_cursor_status(const struct replay_cursor *cur, struct prober_status *st);
/* The recorded clock (CLOCK_REALTIME of the run) at at_us. */
void replay_cursor_wall(const struct replay_cursor *cur, uint64_t at_us, struct timespec *wall);
void replay_cursor_free(struct replay_cursor *cur);
/* The first send and the last settle, on the recording's monotonic clock. */
void replay_span(const struct replay *rp, uint64_t *first_us, uint64_t *last_us);
/* The recording's clock at the first round sent at or after wall_s (seconds since the epoch). */
uint64_t replay_time_at_wall(const struct replay *rp, time_t wall_s);
/* When the recorded events were logged (started), on that clock; how many. */
int replay_event_times(const struct replay *rp, uint64_t *out, int max);
/* The end line's facts, into run (end time and reason, packet counters); the recording's
 * start time too. A recording without an end ends at its last round. */
void replay_run_info(const struct replay *rp, struct run_info *run);
void replay_free(struct replay *rp);

#endif
