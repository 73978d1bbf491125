/* test_rx.c - the receive path of every mode on the seed packets of the fuzz target
 * (tests/fuzz/corpus/rx, written by mkrxcorpus.py from packets captured in the lab): a seed
 * named *-match decodes to a sane reply of the right kind, *-foreign is refused and counted
 * (a Time Exceeded in fragment reassembly, code 1, among them: no hop's answer, in the raw
 * modes and on the error queue). */
#include "check.h"
#include "rxharness.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

int main(int argc, char **argv)
{
    static uint8_t buf[65536];
    char path[4096];
    struct dirent *e;
    int matched = 0, refused = 0;
    DIR *d;

    snprintf(path, sizeof(path), "%s/rx", argc > 1 ? argv[1] : "corpus");
    d = opendir(path);
    CHECK(d != NULL);
    while (d && (e = readdir(d))) {
        struct probe_reply r;
        FILE *f;
        size_t n;
        int got;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/rx/%s", argc > 1 ? argv[1] : "corpus", e->d_name);
        if (!(f = fopen(path, "rb")))
            continue;
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        got = rx_decode(buf, n, &r);
        if (ends_with(e->d_name, "-match")) {
            CHECK(got == 0 && rx_reply_sane(&r));
            if (got != 0)
                fprintf(stderr, "  %s: not matched\n", e->d_name);
            /* An error from the target itself (port unreachable) is the destination. */
            if (got == 0 && strstr(e->d_name, "portunreach"))
                CHECK(r.kind == PROBE_REPLY_DEST && r.seq == 9);
            if (got == 0 && strstr(e->d_name, "type11"))
                CHECK(r.kind == PROBE_REPLY_TTL_EXCEEDED);
            /* The error queue's MPLS stack when the router left RFC 4884's length at 0. */
            if (strstr(e->d_name, "mpls100704"))
                CHECK(got == 0 && r.nmpls == 1 && r.mpls[0].label == 100704 && r.mpls[0].s == 1);
            matched += got == 0;
        } else if (ends_with(e->d_name, "-foreign")) {
            CHECK(got == -1);
            refused += got == -1;
        }
    }
    if (d)
        closedir(d);
    CHECK(matched >= 14 && refused >= 8);
    printf("%d seeds matched, %d refused\n", matched, refused);
    return check_finish();
}
