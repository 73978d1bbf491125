/* test_recording.c - reading recordings back: a zstd recording cut where a killed run leaves
 * it (after a flush, the frame never ended) reads every whole line, long ones too (the
 * decoder's held-back output is not dropped at the end of the file); plain files the same;
 * errors name the file and the line (not JSON, no header first, a foreign schema, an unknown
 * type, a second header, an empty file); a file without its end line says it was cut. */
#include "check.h"
#include "replay/recording.h"
#include "record/zfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "{\"type\":\"header\",\"schema\":1}"

/* Writes n summary lines of about `width` bytes after a header; the bytes on disk after the
 * last flush are copied to `cut` (what a SIGKILL leaves), then the file is closed properly. */
static void write_file(const char *path, const char *cut, bool zstd, int n, size_t width)
{
    FILE *f = zfile_create(path, zstd), *in, *out;
    char *pad = malloc(width + 1), buf[1 << 16];
    size_t got;

    CHECK(f && pad);
    memset(pad, 'x', width);
    pad[width] = '\0';
    fprintf(f, HEADER "\n");
    fflush(f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "{\"type\":\"summary\",\"i\":%d,\"pad\":\"%s\"}\n", i, pad);
        fflush(f);
    }
    in = fopen(path, "rb");
    out = fopen(cut, "wb");
    CHECK(in && out);
    while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, got, out);
    fclose(in);
    fclose(out);
    fclose(f);
    free(pad);
}

/* Reads path through; returns the lines read, -1 on an error (err kept). */
static int read_all(const char *path, char *err, size_t len, bool *cut)
{
    struct recording *r = recording_open(path, err, len);
    json_t *j;
    int n = 0, got;

    if (!r)
        return -1;
    while ((got = recording_next(r, &j, err, len)) > 0) {
        json_decref(j);
        n++;
    }
    *cut = recording_truncated(r);
    recording_close(r);
    return got < 0 ? -1 : n;
}

static void cut_recordings(void)
{
    static const struct {
        bool zstd;
        int n;
        size_t width;
    } cases[] = {{true, 20, 7000}, {true, 37, 20000}, {true, 50, 20000}, {false, 30, 5000}};
    char err[300];
    bool cut;

    /* Output lengths across the decoder's 64 KiB buffer: one of them ends the input with the
     * buffer full and more held back. */
    for (int n = 1; n <= 64; n++) {
        write_file("/tmp/hw-test-rec.ndjson", "/tmp/hw-test-rec-cut", true, n, 4093);
        CHECK(read_all("/tmp/hw-test-rec-cut", err, sizeof(err), &cut) == n + 1);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file("/tmp/hw-test-rec.ndjson", "/tmp/hw-test-rec-cut", cases[i].zstd, cases[i].n,
                   cases[i].width);
        CHECK(read_all("/tmp/hw-test-rec.ndjson", err, sizeof(err), &cut) == cases[i].n + 1);
        CHECK(cut); /* no end line */
        CHECK(read_all("/tmp/hw-test-rec-cut", err, sizeof(err), &cut) == cases[i].n + 1);
        CHECK(cut);
    }
    remove("/tmp/hw-test-rec.ndjson");
    remove("/tmp/hw-test-rec-cut");
}

static int errors_of(const char *text, char *err, size_t len)
{
    FILE *f = fopen("/tmp/hw-test-bad.ndjson", "w");
    bool cut;
    int n;

    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
    n = read_all("/tmp/hw-test-bad.ndjson", err, len, &cut);
    remove("/tmp/hw-test-bad.ndjson");
    return n;
}

static void errors_name_the_line(void)
{
    char err[300];
    bool cut;

    CHECK(errors_of(HEADER "\n{\"type\":\"end\"}\nnot json\n", err, sizeof(err)) < 0);
    CHECK(strstr(err, "hw-test-bad.ndjson:3: not JSON"));
    CHECK(errors_of("{\"type\":\"round\"}\n", err, sizeof(err)) < 0);
    CHECK(strstr(err, ":1: not a hopwatch recording of schema 1"));
    CHECK(errors_of("{\"type\":\"header\",\"schema\":2}\n", err, sizeof(err)) < 0);
    CHECK(strstr(err, ":1: not a hopwatch recording of schema 1"));
    CHECK(errors_of(HEADER "\n{\"type\":\"gossip\"}\n", err, sizeof(err)) < 0);
    CHECK(strstr(err, ":2: not a hopwatch recording line"));
    CHECK(errors_of(HEADER "\n" HEADER "\n", err, sizeof(err)) < 0);
    CHECK(strstr(err, ":2: a second header"));
    CHECK(errors_of("[1, 2]\n", err, sizeof(err)) < 0 && strstr(err, ":1: not a hopwatch"));
    CHECK(errors_of("", err, sizeof(err)) < 0 && strstr(err, "empty"));
    /* complete: an end line and a newline at the end */
    CHECK(errors_of(HEADER "\n{\"type\":\"end\"}\n", err, sizeof(err)) == 2);
    {
        FILE *f = fopen("/tmp/hw-test-ok.ndjson", "w");
        CHECK(f != NULL);
        fputs(HEADER "\n{\"type\":\"end\"}\n", f);
        fclose(f);
        CHECK(read_all("/tmp/hw-test-ok.ndjson", err, sizeof(err), &cut) == 2 && !cut);
        f = fopen("/tmp/hw-test-ok.ndjson", "w");
        fputs(HEADER "\n{\"type\":\"end\"}", f); /* the last line cut before its newline */
        fclose(f);
        CHECK(read_all("/tmp/hw-test-ok.ndjson", err, sizeof(err), &cut) == 1 && cut);
        remove("/tmp/hw-test-ok.ndjson");
    }
}

int main(void)
{
    cut_recordings();
    errors_name_the_line();
    return check_finish();
}
