/*
 * jsonw.c - the streaming JSON writer (see jsonw.h).
 */
#include "jsonw.h"

void jsonw_init(struct jsonw *w, FILE *out)
{
    *w = (struct jsonw){.out = out};
}

/* Writes the separator a new value or key needs at this level, and marks the level used. */
static void separate(struct jsonw *w)
{
    if (w->keyed) {
        w->keyed = false;
        return;
    }
    if (w->any[w->depth])
        fputc(',', w->out);
    w->any[w->depth] = true;
}

static void open_level(struct jsonw *w, char c)
{
    separate(w);
    fputc(c, w->out);
    if (w->depth + 1 < JSONW_MAX_DEPTH)
        w->depth++;
    w->any[w->depth] = false;
}

static void close_level(struct jsonw *w, char c)
{
    if (w->depth > 0)
        w->depth--;
    fputc(c, w->out);
}

void jsonw_object(struct jsonw *w)
{
    open_level(w, '{');
}

void jsonw_array(struct jsonw *w)
{
    open_level(w, '[');
}

void jsonw_end_object(struct jsonw *w)
{
    close_level(w, '}');
}

void jsonw_end_array(struct jsonw *w)
{
    close_level(w, ']');
}

static void raw_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void jsonw_key(struct jsonw *w, const char *key)
{
    separate(w);
    raw_string(w->out, key);
    fputc(':', w->out);
    w->keyed = true;
}

void jsonw_string(struct jsonw *w, const char *s)
{
    separate(w);
    if (s)
        raw_string(w->out, s);
    else
        fputs("null", w->out);
}

void jsonw_null(struct jsonw *w)
{
    separate(w);
    fputs("null", w->out);
}

void jsonw_bool(struct jsonw *w, bool v)
{
    separate(w);
    fputs(v ? "true" : "false", w->out);
}

void jsonw_int(struct jsonw *w, long long v)
{
    separate(w);
    fprintf(w->out, "%lld", v);
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
    separate(w);
    fprintf(w->out, "%llu", (unsigned long long)v);
}

void jsonw_fixed(struct jsonw *w, double v, int decimals)
{
    separate(w);
    fprintf(w->out, "%.*f", decimals, v);
}

void jsonw_iso_time(const struct timespec *ts, char *buf, size_t len)
{
    struct tm tm;
    char base[32];

    gmtime_r(&ts->tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%.20s.%03dZ", base, (int)(ts->tv_nsec / 1000000 % 1000));
}

void jsonw_time(struct jsonw *w, const struct timespec *ts)
{
    char buf[64];

    jsonw_iso_time(ts, buf, sizeof(buf));
    jsonw_string(w, buf);
}

void jsonw_kstring(struct jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_string(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, long long v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}

void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v)
{
    jsonw_key(w, key);
    jsonw_uint(w, v);
}

void jsonw_kfixed(struct jsonw *w, const char *key, double v, int decimals)
{
    jsonw_key(w, key);
    jsonw_fixed(w, v, decimals);
}

void jsonw_kint_or_null(struct jsonw *w, const char *key, long long v, bool valid)
{
    jsonw_key(w, key);
    if (valid)
        jsonw_int(w, v);
    else
        jsonw_null(w);
}
