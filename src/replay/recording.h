/*
 * recording.h - reading a recording (stream.h's NDJSON, plain or zstd) back, line by line,
 * as JSON values (jansson).
 *
 * Whatever the file holds, the reader never crashes and never trusts a length: a line that is
 * not JSON, not an object, longer than RECORDING_LINE_MAX or has no known "type" is an error
 * naming the file and the line; a file that is not a recording at all (no header first, or
 * another schema) is an error at line 1. A recording cut short (the process killed, the disk
 * full) reads up to its last whole line and then says so (recording_truncated).
 */
#ifndef HOPWATCH_RECORDING_H
#define HOPWATCH_RECORDING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RECORDING_LINE_MAX (1 << 20)
#define RECORDING_SCHEMA 1 /* what stream.h writes and this reads */

struct recording;

/* Opens path ("-": standard input); NULL with err set. */
struct recording *recording_open(const char *path, char *err, size_t err_len);
/* Reads an open stream (closed by recording_close unless it is stdin), called `name` in
 * errors. NULL with err set. */
struct recording *recording_from(FILE *f, const char *name, char *err, size_t err_len);
/* The next line: 1 and *line (the caller json_decref()s it), 0 at the end, or -1 with err set
 * ("FILE:LINE: why"). The first line must be a header of schema 1. */
int recording_next(struct recording *r, json_t **line, char *err, size_t err_len);
/* Several targets in one recording (hopwatch HOST... --record): recording_next returns only
 * the lines of `target`, or when none is selected (NULL) of the first header's target. Call
 * before the first recording_next. */
void recording_select(struct recording *r, const char *target);
/* The target whose lines are read (after the first header). */
const char *recording_target(const struct recording *r);
/* After the end: the file stopped inside a line or a compressed frame, or had no end line. */
bool recording_truncated(const struct recording *r);
/* The number of the line last read (from 1). */
long recording_line(const struct recording *r);
void recording_close(struct recording *r);

/* Parses one line (no newline) as the reader does, for the fuzz target: 0 and *line, or -1
 * with err set. `first`: it must be the header. */
int recording_parse_line(const char *text, size_t len, bool first, json_t **line, char *err,
                         size_t err_len);

#endif
