/*
 * recording.c - reading recordings back (see recording.h). The file is read in chunks; a zstd
 * file (by its magic number) goes through a streaming decompressor; lines are cut at '\n'.
 */
#include "recording.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define CHUNK (1 << 16)
#define ZSTD_MAGIC_LE 0xFD2FB528u

struct recording {
    FILE *f;
    char name[256];
    ZSTD_DCtx *z;    /* NULL: plain */
    size_t z_expect; /* what the decoder still wants (0: between frames) */
    bool z_full;     /* its last output filled the buffer: it may hold more */
    bool eof;
    unsigned char in[CHUNK];
    ZSTD_inBuffer zin;
    char out[CHUNK]; /* decompressed (or plain) bytes not yet cut into lines */
    size_t out_len, out_pos;
    char *line; /* the line being assembled */
    size_t line_len, line_cap;
    long lineno;
    bool cut;         /* the data ended inside a line or a frame */
    bool seen_end;    /* an "end" line was read */
    char select[256]; /* the target replayed (several in one recording); empty: the first's */
    bool selected;    /* a header of that target was read */
    bool multi;       /* lines say whose they are: several targets */
};

struct recording *recording_open(const char *path, char *err, size_t err_len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return NULL;
    }
    return recording_from(f, path, err, err_len);
}

struct recording *recording_from(FILE *f, const char *name, char *err, size_t err_len)
{
    struct recording *r = calloc(1, sizeof(*r));
    unsigned char magic[4];
    size_t n;

    if (!r) {
        snprintf(err, err_len, "out of memory");
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->f = f;
    n = fread(magic, 1, sizeof(magic), r->f);
    if (n == 4 &&
        (magic[0] | magic[1] << 8 | magic[2] << 16 | (unsigned)magic[3] << 24) == ZSTD_MAGIC_LE) {
        if (!(r->z = ZSTD_createDCtx())) {
            snprintf(err, err_len, "out of memory");
            recording_close(r);
            return NULL;
        }
        memcpy(r->in, magic, n);
        r->zin = (ZSTD_inBuffer){r->in, n, 0};
    } else {
        memcpy(r->out, magic, n);
        r->out_len = n;
    }
    return r;
}

void recording_close(struct recording *r)
{
    if (!r)
        return;
    if (r->f && r->f != stdin)
        fclose(r->f);
    ZSTD_freeDCtx(r->z);
    free(r->line);
    free(r);
}

/* Refills r->out; false at the end of the data (or on an error, said in err). */
static bool refill(struct recording *r, char *err, size_t err_len)
{
    r->out_pos = r->out_len = 0;
    if (!r->z) {
        r->out_len = fread(r->out, 1, sizeof(r->out), r->f);
        return r->out_len > 0;
    }
    while (r->out_len == 0) {
        ZSTD_outBuffer o = {r->out, sizeof(r->out), 0};
        if (r->zin.pos == r->zin.size && !r->z_full) {
            r->zin = (ZSTD_inBuffer){r->in, fread(r->in, 1, sizeof(r->in), r->f), 0};
            if (r->zin.size == 0) {
                r->cut |= r->z_expect != 0; /* the frame never ended */
                return false;
            }
        }
        r->z_expect = ZSTD_decompressStream(r->z, &o, &r->zin);
        if (ZSTD_isError(r->z_expect)) {
            snprintf(err, err_len, "%s: after line %ld: corrupt zstd data (%s)", r->name, r->lineno,
                     ZSTD_getErrorName(r->z_expect));
            return false;
        }
        r->z_full = o.pos == o.size;
        r->out_len = o.pos;
    }
    return true;
}

/* The next raw line into r->line: 1, 0 at the end, -1 on an error. */
static int next_raw(struct recording *r, char *err, size_t err_len)
{
    r->line_len = 0;
    for (;;) {
        if (r->out_pos == r->out_len) {
            err[0] = '\0';
            if (r->eof || !refill(r, err, err_len)) {
                r->eof = true;
                if (err[0])
                    return -1;
                r->cut |= r->line_len > 0; /* a last line without its newline */
                return 0;
            }
        }
        char *nl = memchr(r->out + r->out_pos, '\n', r->out_len - r->out_pos);
        size_t take = (nl ? (size_t)(nl - r->out) : r->out_len) - r->out_pos;
        if (r->line_len + take + 1 > RECORDING_LINE_MAX) {
            snprintf(err, err_len, "%s:%ld: a line longer than %d bytes", r->name, r->lineno + 1,
                     RECORDING_LINE_MAX);
            return -1;
        }
        if (r->line_len + take + 1 > r->line_cap) {
            size_t cap = (r->line_len + take + 1) * 2;
            char *p = realloc(r->line, cap);
            if (!p) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            r->line = p;
            r->line_cap = cap;
        }
        memcpy(r->line + r->line_len, r->out + r->out_pos, take);
        r->line_len += take;
        r->line[r->line_len] = '\0';
        r->out_pos += take + (nl ? 1 : 0);
        if (nl) {
            r->lineno++;
            return 1;
        }
    }
}

static bool known_type(const char *t)
{
    static const char *const types[] = {"header", "round", "event", "summary", "end"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(t, types[i]) == 0)
            return true;
    return false;
}

/* One line as JSON with a known type; the first must be a header of our schema, and a later
 * header only where `later_headers` (several targets have several). */
static int parse_line(const char *text, size_t len, bool first, bool later_headers, json_t **line,
                      char *err, size_t err_len)
{
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    const char *type;

    if (!v) {
        snprintf(err, err_len, "not JSON (%s, column %d)", je.text, je.column);
        return -1;
    }
    type = json_is_object(v) ? json_string_value(json_object_get(v, "type")) : NULL;
    if (!type || !known_type(type)) {
        snprintf(err, err_len, "not a hopwatch recording line (no known \"type\")");
        json_decref(v);
        return -1;
    }
    if (!first && !later_headers && strcmp(type, "header") == 0) {
        snprintf(err, err_len, "a second header");
        json_decref(v);
        return -1;
    }
    /* the first line is a header, and every header is of our schema */
    if ((first || strcmp(type, "header") == 0) &&
        (strcmp(type, "header") != 0 ||
         json_integer_value(json_object_get(v, "schema")) != RECORDING_SCHEMA)) {
        snprintf(err, err_len,
                 "not a hopwatch recording of schema %d (the first line must be "
                 "its header)",
                 RECORDING_SCHEMA);
        json_decref(v);
        return -1;
    }
    *line = v;
    return 0;
}

int recording_parse_line(const char *text, size_t len, bool first, json_t **line, char *err,
                         size_t err_len)
{
    return parse_line(text, len, first, false, line, err, err_len);
}

/* Whose line this is: a header's target name, another line's "target" (several targets in one
 * recording), or NULL (a recording of one target). */
static const char *line_target(json_t *v)
{
    json_t *t = json_object_get(v, "target");

    return json_is_object(t) ? json_string_value(json_object_get(t, "name")) : json_string_value(t);
}

/* Is the line the selected target's? The first header read picks the target when none was
 * asked for; a second header of it is an error. */
static int select_line(struct recording *r, json_t *v, char *why, size_t why_len)
{
    const char *t = line_target(v);
    bool header = strcmp(json_string_value(json_object_get(v, "type")), "header") == 0;

    if (header && !r->select[0])
        snprintf(r->select, sizeof(r->select), "%s", t ? t : "");
    r->multi |= !header && t;
    if (t && strcmp(t, r->select) != 0)
        return 0;
    if (header && r->selected)
        return snprintf(why, why_len, "a second header"), -1;
    r->selected |= header;
    return r->selected ? 1 : 0;
}

int recording_next(struct recording *r, json_t **line, char *err, size_t err_len)
{
    char why[200];
    int n, mine = 0;

    while (!mine) {
        if (r->seen_end && r->multi) /* its end: a later target of that name is another */
            return 0;
        if ((n = next_raw(r, err, err_len)) <= 0) {
            if (n == 0 && r->lineno == 0)
                snprintf(err, err_len, "%s: empty, not a hopwatch recording", r->name);
            else if (n == 0 && !r->selected)
                snprintf(err, err_len, "%s: no target %s in it", r->name, r->select);
            return n < 0 || r->lineno == 0 || !r->selected ? -1 : 0;
        }
        /* headers past the first are checked by select_line: several targets have several */
        if (parse_line(r->line, r->line_len, r->lineno == 1, true, line, why, sizeof(why)) < 0) {
            snprintf(err, err_len, "%s:%ld: %s", r->name, r->lineno, why);
            return -1;
        }
        if ((mine = select_line(r, *line, why, sizeof(why))) < 0) {
            snprintf(err, err_len, "%s:%ld: %s", r->name, r->lineno, why);
            json_decref(*line);
            return -1;
        }
        if (!mine)
            json_decref(*line);
    }
    if (strcmp(json_string_value(json_object_get(*line, "type")), "end") == 0)
        r->seen_end = true;
    return 1;
}

bool recording_truncated(const struct recording *r)
{
    return r->cut || !r->seen_end;
}

void recording_select(struct recording *r, const char *target)
{
    snprintf(r->select, sizeof(r->select), "%s", target ? target : "");
}

const char *recording_target(const struct recording *r)
{
    return r->select;
}

long recording_line(const struct recording *r)
{
    return r->lineno;
}
