/* test_rx.c - the receive path of every mode on the seed packets of the fuzz target
 * (tests/fuzz/corpus/rx, written by mkrxcorpus.py from packets captured in the lab): a seed
 * named *-match decodes to a sane reply of the kind, sequence number and responder the table
 * below gives for it (every match seed must be in it), *-foreign is refused and counted (a Time
 * Exceeded in fragment reassembly, code 1, among them: no hop's answer, in the raw modes and on
 * the error queue). The lab's routers are 198.18.0.2 / 2001:db8::2 (hop 1), its target
 * 198.18.2.2 / 2001:db8:2::2. */
#include "check.h"
#include "rxharness.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define TE PROBE_REPLY_TTL_EXCEEDED
#define DEST PROBE_REPLY_DEST
#define TOOBIG PROBE_REPLY_TOOBIG

/* What each match seed is: the reply's kind, the probe's sequence number and the responder. */
static const struct {
    const char *seed;
    enum probe_kind kind;
    int seq;
    const char *from;
} expected[] = {
    {"dgram-err-icmp6-type129-24-match", TE, 2, "2001:db8::2"},
    {"dgram-err-ip4_icmp-type0-64-match", TE, 2, "198.18.0.2"},
    {"dgram-err-mpls100704-zerolength-match", TE, 2, "198.18.0.2"},
    {"dgram-icmp6-type129-24-match", DEST, 2, "2001:db8:2::2"},
    {"dgram-ip4_icmp-type0-64-match", DEST, 2, "198.18.2.2"},
    {"raw4-ip4_icmp-type0-64-match", DEST, 2, "198.18.2.2"},
    {"raw4-ip4_icmp-type11-92-match", TE, 0, "198.18.0.2"},
    {"raw6-icmp6-type129-24-match", DEST, 2, "2001:db8:2::2"},
    {"raw6-icmp6-type3-72-match", TE, 0, "2001:db8::2"},
    {"raw6-ptb-fuzzfound-match", TOOBIG, 0, "2001:db8::2"},
    {"tcp-connect-te-match", TE, 0, "198.18.0.2"},
    {"tcpraw-tcp-flags14-40-match", DEST, 5, "198.18.2.2"}, /* RST+ACK from the target */
    {"tcpraw-tcp6-flags14-20-match", DEST, 5, "2001:db8:2::2"},
    {"tcpraw4-ip4_icmp-type11-72-match", TE, 0, "198.18.0.2"},
    {"udp-err-mpls100704-zerolength-match", TE, 7, "198.18.0.2"},
    {"udp-err-portunreach-match", DEST, 9, "198.18.2.2"}, /* the target's port unreachable */
    {"udp-err-te-match", TE, 7, "198.18.0.2"},
};

/* The seed's reply is the one the table gives; false (and said) when not, or not listed. */
static bool as_expected(const char *seed, const struct probe_reply *r)
{
    char from[64];

    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (strcmp(expected[i].seed, seed) != 0)
            continue;
        probe_addr_str(&r->from, from, sizeof(from));
        if (r->kind == expected[i].kind && r->seq == expected[i].seq &&
            strcmp(from, expected[i].from) == 0)
            return true;
        fprintf(stderr, "  %s: kind %d seq %d from %s, not kind %d seq %d from %s\n", seed,
                (int)r->kind, r->seq, from, (int)expected[i].kind, expected[i].seq,
                expected[i].from);
        return false;
    }
    fprintf(stderr, "  %s: a match seed the table does not list\n", seed);
    return false;
}

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
            if (got == 0)
                CHECK(as_expected(e->d_name, &r));
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
    CHECK(matched == (int)(sizeof(expected) / sizeof(expected[0])) && refused >= 8);
    printf("%d seeds matched, %d refused\n", matched, refused);
    return check_finish();
}
