/* fuzz_recording.c - libFuzzer target: a whole recording file (plain or zstd) read and played
 * back through a target, as `hopwatch --replay FILE -j` does: whatever the bytes, an error
 * naming a line or a replay, never a crash, a leak or a sanitizer report. */
#include "replay/recording.h"
#include "replay/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[400];
    char *copy = malloc(size + 1); /* fmemopen wants a writable buffer of at least a byte */
    FILE *f;
    struct recording *rec;
    struct replay *rp;
    struct target *t;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    f = fmemopen(copy, size ? size : 1, "rb");
    if (!f) {
        free(copy);
        return 0;
    }
    if (size == 0)
        fgetc(f); /* an empty file: read past the one byte */
    else
        setvbuf(f, NULL, _IONBF, 0);
    if (!(rec = recording_from(f, "fuzz", err, sizeof(err)))) {
        free(copy);
        return 0;
    }
    rp = replay_read(rec, "fuzz", err, sizeof(err));
    free(copy);
    if (!rp) {
        if (strncmp(err, "fuzz", 4) != 0 && strcmp(err, "out of memory") != 0)
            __builtin_trap(); /* every error names the file */
        return 0;
    }
    if ((t = target_new(&replay_setup(rp)->target, err, sizeof(err)))) {
        struct round_consumer c = target_consumer(t);
        struct prober_status st;
        replay_feed(rp, &c, t);
        replay_status(rp, &st);
        for (int m = 0; m < PROBE_MODE_COUNT; m++)
            if (st.path[m].rounds)
                target_finalize(t, m, &st.path[m]);
        target_free(t);
    }
    replay_free(rp);
    return 0;
}
