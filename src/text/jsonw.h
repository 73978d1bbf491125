/*
 * jsonw.h - a small streaming JSON writer: the one place that escapes strings, formats times
 * and places commas, for the reports (report.c), the event log (events.c) and every later
 * JSON output. Values are written in order; the writer remembers, per nesting level, whether
 * a separator is due. No allocation; the caller owns the FILE. Any thread, one writer each.
 */
#ifndef HOPWATCH_JSONW_H
#define HOPWATCH_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define JSONW_MAX_DEPTH 16

struct jsonw {
    FILE *out;
    int depth;
    bool any[JSONW_MAX_DEPTH]; /* a value was written at this level: the next one needs a comma */
    bool keyed;                /* a key was just written: its value follows without a comma */
};

void jsonw_init(struct jsonw *w, FILE *out);

void jsonw_object(struct jsonw *w); /* { */
void jsonw_array(struct jsonw *w);  /* [ */
void jsonw_end_object(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
/* The name of the next value, inside an object. */
void jsonw_key(struct jsonw *w, const char *key);

/* Values. A NULL string is null; control bytes, quotes and backslashes are escaped. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_null(struct jsonw *w);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_uint(struct jsonw *w, uint64_t v);
/* A number with this many decimals. */
void jsonw_fixed(struct jsonw *w, double v, int decimals);
/* A CLOCK_REALTIME time as an ISO 8601 UTC string with milliseconds. */
void jsonw_time(struct jsonw *w, const struct timespec *ts);

/* key + value in one call. */
void jsonw_kstring(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long v);
void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v);
void jsonw_kfixed(struct jsonw *w, const char *key, double v, int decimals);
/* An integer, or null when !valid. */
void jsonw_kint_or_null(struct jsonw *w, const char *key, long long v, bool valid);

/* "2026-11-29T00:41:57.123Z": ISO 8601 UTC with milliseconds, for text outputs too. */
void jsonw_iso_time(const struct timespec *ts, char *buf, size_t len);

#endif
