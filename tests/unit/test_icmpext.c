/* test_icmpext.c - the RFC 4884 extension / RFC 4950 MPLS parser on ICMP and ICMPv6 errors
 * built byte by byte here: compliant ones (length field set), the non-compliant 128-byte
 * layout, broken structures (checksum, version, object lengths), other objects, stacks deeper
 * than PROBE_MPLS_MAX, every truncation, and the human-readable format. */
#include "check.h"
#include "icmpext.h"

#include <stdio.h>
#include "parse.h"

#include <errno.h>
#include <string.h>

#define QUOTE_BYTES 128

static const struct probe_mpls two[2] = {
    {.label = 16001, .tc = 0, .s = 0, .ttl = 1},
    {.label = 24000, .tc = 5, .s = 1, .ttl = 254},
};

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Recomputes the extension checksum over len bytes (RFC 4884 section 7). */
static void ext_checksum(uint8_t *ext, size_t len)
{
    wr16(ext + 2, 0);
    wr16(ext + 2, wire_checksum(ext, len));
}

/* One MPLS Label Stack object with n entries at p; returns its length. */
static size_t mpls_object(uint8_t *p, const struct probe_mpls *m, int n)
{
    size_t olen = 4 + 4 * (size_t)n;
    wr16(p, (uint16_t)olen);
    p[2] = 1; /* class-num: MPLS Label Stack */
    p[3] = 1; /* c-type: incoming MPLS label stack */
    for (int i = 0; i < n; i++) {
        uint32_t e =
            (m[i].label << 12) | ((uint32_t)m[i].tc << 9) | ((uint32_t)m[i].s << 8) | m[i].ttl;
        p[4 + 4 * i] = (uint8_t)(e >> 24);
        p[5 + 4 * i] = (uint8_t)(e >> 16);
        p[6 + 4 * i] = (uint8_t)(e >> 8);
        p[7 + 4 * i] = (uint8_t)e;
    }
    return olen;
}

/* An extension structure (version 2, checksummed) holding one MPLS object; returns its size. */
static size_t ext_mpls(uint8_t *ext, const struct probe_mpls *m, int n)
{
    size_t len;
    memset(ext, 0, 4);
    ext[0] = 0x20;
    len = 4 + mpls_object(ext + 4, m, n);
    ext_checksum(ext, len);
    return len;
}

/* The quoted probe, zero-padded to 128 bytes: an IPv4 or IPv6 header and a UDP header. */
static void quote(uint8_t *q, bool v6)
{
    memset(q, 0, QUOTE_BYTES);
    if (v6) {
        q[0] = 0x60;
        wr16(q + 4, 8);
        q[6] = 17; /* next header: UDP */
        q[7] = 1;  /* hop limit */
        q[23] = 1; /* source 2001:db8:0::1 (enough for a parser that does not look) */
        q[24] = 0x20, q[25] = 0x01, q[26] = 0x0d, q[27] = 0xb8, q[29] = 2, q[39] = 2;
        wr16(q + 40, 40000);
        wr16(q + 42, 33434);
        wr16(q + 44, 8);
    } else {
        q[0] = 0x45;
        wr16(q + 2, 28);
        q[8] = 1;  /* TTL */
        q[9] = 17; /* UDP */
        q[12] = 198, q[13] = 18, q[14] = 0, q[15] = 1;
        q[16] = 198, q[17] = 18, q[18] = 2, q[19] = 2;
        wr16(q + 20, 40000);
        wr16(q + 22, 33434);
        wr16(q + 24, 8);
    }
}

/* An error message: ICMP header (type, code, RFC 4884 length field in its family's units
 * from orig_words), 128 quoted bytes, then ext (ext_len bytes). Returns the message size. */
static size_t message(uint8_t *msg, bool v6, uint8_t type, uint8_t code, uint8_t orig_words,
                      const uint8_t *ext, size_t ext_len)
{
    memset(msg, 0, 8);
    msg[0] = type;
    msg[1] = code;
    msg[v6 ? 4 : 5] = orig_words;
    if (!v6 && type == 12)
        msg[4] = 9; /* Parameter Problem pointer: must not be read as the length */
    quote(msg + 8, v6);
    memcpy(msg + 8 + QUOTE_BYTES, ext, ext_len);
    return 8 + QUOTE_BYTES + ext_len;
}

static bool same(const struct probe_mpls *a, const struct probe_mpls *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i].label != b[i].label || a[i].tc != b[i].tc || a[i].s != b[i].s ||
            a[i].ttl != b[i].ttl)
            return false;
    return true;
}

static void compliant_time_exceeded(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = ext_mpls(ext, two, 2), n;

    n = message(msg, false, 11, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    n = message(msg, true, 3, 0, QUOTE_BYTES / 8, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    /* the structure on its own, and with a zero ("not computed") checksum */
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    wr16(ext + 2, 0);
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 2);
    n = message(msg, false, 11, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2);
}

static void other_types(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = ext_mpls(ext, two, 2), n;

    n = message(msg, false, 3, 3, QUOTE_BYTES / 4, ext, el); /* port unreachable */
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    n = message(msg, false, 3, 4, QUOTE_BYTES / 4, ext, el); /* frag needed: MTU in 6..7 */
    wr16(msg + 6, 1400);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2);
    n = message(msg, true, 1, 4, QUOTE_BYTES / 8, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    n = message(msg, false, 12, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2);
    /* no extension defined for these: echo reply, v6 Packet Too Big and Parameter Problem */
    n = message(msg, false, 0, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 0);
    n = message(msg, true, 2, 0, QUOTE_BYTES / 8, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 0);
    n = message(msg, true, 4, 0, QUOTE_BYTES / 8, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 0);
    /* a v4 type number read as v6 (11 is not an ICMPv6 error) */
    n = message(msg, true, 11, 0, QUOTE_BYTES / 8, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 0);
}

/* RFC 4884 section 5.5: length field 0, the structure right after 128 bytes. */
static void heuristic_128(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = ext_mpls(ext, two, 2), n;

    n = message(msg, false, 11, 0, 0, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    n = message(msg, true, 3, 0, 0, ext, el);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    /* exactly 128 bytes of body: nothing to try */
    CHECK(icmpext_from_icmp(msg, 8 + QUOTE_BYTES, true, got, PROBE_MPLS_MAX) == 0);
    /* a bad checksum there: quoted data, not an error */
    msg[8 + QUOTE_BYTES + 2] ^= 0x40;
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 0);
    /* a zero checksum is not enough evidence without the length field */
    wr16(msg + 8 + QUOTE_BYTES + 2, 0);
    CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == 0);
    /* a long quote that is not an extension at all */
    memset(msg + 8 + QUOTE_BYTES, 0xa5, 40);
    CHECK(icmpext_from_icmp(msg, 8 + QUOTE_BYTES + 40, false, got, PROBE_MPLS_MAX) == 0);
}

static void bad_header(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = ext_mpls(ext, two, 2), n;

    ext[3] ^= 0x01; /* bad checksum */
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == -EINVAL);
    n = message(msg, false, 11, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == -EINVAL);
    for (int v = 0; v < 16; v++) {
        if (v == 2)
            continue;
        ext[0] = (uint8_t)(v << 4);
        ext_checksum(ext, el);
        CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == -EINVAL);
    }
    ext[0] = 0x2f; /* reserved bits are ignored */
    ext_checksum(ext, el);
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 2);
    for (size_t i = 0; i < 4; i++) /* shorter than the header */
        CHECK(icmpext_parse(ext, i, got, PROBE_MPLS_MAX) == -EINVAL);
    /* a header alone is a valid, empty structure */
    ext_checksum(ext, 4);
    CHECK(icmpext_parse(ext, 4, got, PROBE_MPLS_MAX) == 0);
}

/* Object lengths: 0, 3, not a multiple of 4, past the end, trailing bytes after the last. */
static void bad_objects(void)
{
    static const uint16_t lens[] = {0, 3, 5, 6, 7, 13, 16, 0xffff};
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el, n;

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        el = ext_mpls(ext, two, 2); /* object of 12 bytes in a structure of 16 */
        wr16(ext + 4, lens[i]);
        ext_checksum(ext, el);
        CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == -EINVAL);
        n = message(msg, true, 3, 0, QUOTE_BYTES / 8, ext, el);
        CHECK(icmpext_from_icmp(msg, n, true, got, PROBE_MPLS_MAX) == -EINVAL);
    }
    /* 1 to 3 bytes after the last object: an object header past the end */
    for (size_t extra = 1; extra < 4; extra++) {
        el = ext_mpls(ext, two, 2);
        memset(ext + el, 0, extra);
        ext_checksum(ext, el + extra);
        CHECK(icmpext_parse(ext, el + extra, got, PROBE_MPLS_MAX) == -EINVAL);
    }
    /* a 6-byte object that ends exactly at the end: only its length is wrong */
    el = ext_mpls(ext, two, 1);
    wr16(ext + 4, 6);
    ext_checksum(ext, 10);
    CHECK(icmpext_parse(ext, 10, got, PROBE_MPLS_MAX) == -EINVAL);
    /* a second, empty object of length 4 after it is fine */
    el = ext_mpls(ext, two, 2);
    wr16(ext + el, 4), ext[el + 2] = 3, ext[el + 3] = 1;
    ext_checksum(ext, el + 4);
    CHECK(icmpext_parse(ext, el + 4, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
}

/* RFC 5837 interface information (class 2) and an MPLS class with another c-type are skipped;
 * an MPLS object after them is still read. */
static void other_objects(void)
{
    uint8_t ext[64];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = 4;

    memset(ext, 0, sizeof(ext));
    ext[0] = 0x20;
    wr16(ext + el, 12), ext[el + 2] = 2, ext[el + 3] = 0x0c; /* ifindex + address, say */
    ext[el + 4] = 0xde, ext[el + 11] = 0xad;
    el += 12;
    ext_checksum(ext, el);
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 0);
    wr16(ext + el, 8), ext[el + 2] = 1, ext[el + 3] = 2; /* class 1, c-type 2: not a stack */
    ext[el + 4] = 0xff, ext[el + 7] = 0xff;
    el += 8;
    ext_checksum(ext, el);
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 0);
    el += mpls_object(ext + el, two + 1, 1);
    ext_checksum(ext, el);
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == 1 && same(got, two + 1, 1));
}

static void deep_stack(void)
{
    struct probe_mpls six[6], got[PROBE_MPLS_MAX + 1];
    uint8_t ext[64], msg[512];
    size_t el, n;

    for (int i = 0; i < 6; i++)
        six[i] = (struct probe_mpls){
            .label = (uint32_t)(0xfffff - i), .tc = 7, .s = i == 5, .ttl = (uint8_t)(250 + i)};
    el = ext_mpls(ext, six, 6);
    memset(got, 0xee, sizeof(got));
    CHECK(icmpext_parse(ext, el, got, PROBE_MPLS_MAX) == PROBE_MPLS_MAX);
    CHECK(same(got, six, PROBE_MPLS_MAX) && got[PROBE_MPLS_MAX].ttl == 0xee);
    n = message(msg, false, 11, 0, QUOTE_BYTES / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == PROBE_MPLS_MAX);
    CHECK(icmpext_parse(ext, el, got, 2) == 2 && same(got, six, 2));
    /* max 0: validated, nothing written */
    CHECK(icmpext_parse(ext, el, NULL, 0) == 0);
    CHECK(icmpext_from_icmp(msg, n, false, NULL, 0) == 0);
    ext[el - 1] ^= 1;
    CHECK(icmpext_parse(ext, el, NULL, 0) == -EINVAL);
}

/* The RFC 4884 length field itself: below 128 bytes, past the end, not 128. */
static void length_field(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];
    size_t el = ext_mpls(ext, two, 2), n;

    n = message(msg, false, 11, 0, 7, ext, el); /* 28 bytes said, padded to 128: found there */
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
    /* a structure right after those 28 bytes: well formed, but behind a short datagram, and
     * nothing at 128: not believed */
    memcpy(msg + 8 + 28, ext, el);
    CHECK(icmpext_from_icmp(msg, 8 + 28 + el, false, got, PROBE_MPLS_MAX) == 0);
    CHECK(icmpext_parse(msg + 8 + 28, el, got, PROBE_MPLS_MAX) == 2);
    n = message(msg, false, 11, 0, QUOTE_BYTES / 4, ext, 0); /* set, nothing after */
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 0);
    n = message(msg, false, 11, 0, 255, ext, el); /* past the end */
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == 0);
    /* 136 bytes of datagram: the extension is 8 bytes later than the length field says */
    n = message(msg, false, 11, 0, (QUOTE_BYTES + 8) / 4, ext, el);
    CHECK(icmpext_from_icmp(msg, n, false, got, PROBE_MPLS_MAX) == -EINVAL);
    /* the same structure after a 136-byte datagram, as the field says */
    memset(msg + 8 + QUOTE_BYTES, 0, 8);
    memcpy(msg + 16 + QUOTE_BYTES, ext, el);
    CHECK(icmpext_from_icmp(msg, n + 8, false, got, PROBE_MPLS_MAX) == 2 && same(got, two, 2));
}

/* Every prefix of a compliant message: 0 until the structure starts, -EINVAL while it is cut
 * short, the stack when whole. ASan watches the reads. */
static void truncations(void)
{
    uint8_t ext[64], msg[512];
    struct probe_mpls got[PROBE_MPLS_MAX];

    for (int v6 = 0; v6 < 2; v6++) {
        for (int heur = 0; heur < 2; heur++) {
            uint8_t words = heur ? 0 : (uint8_t)(QUOTE_BYTES / (v6 ? 8 : 4));
            size_t el = ext_mpls(ext, two, 2);
            size_t n = message(msg, v6, v6 ? 3 : 11, 0, words, ext, el);
            for (size_t i = 0; i <= n; i++) {
                int r = icmpext_from_icmp(msg, i, v6, got, PROBE_MPLS_MAX);
                if (i <= 8 + QUOTE_BYTES || (heur && i < n))
                    CHECK(r == 0);
                else if (i < n)
                    CHECK(r == -EINVAL);
                else
                    CHECK(r == 2 && same(got, two, 2));
            }
            for (size_t i = 0; i < el; i++)
                CHECK(icmpext_parse(ext, i, got, PROBE_MPLS_MAX) == -EINVAL);
        }
    }
}

static void format(void)
{
    const char *want = "L=16001 TC=0 S=0 TTL=1, L=24000 TC=5 S=1 TTL=254";
    char buf[128];
    size_t wl = strlen(want);

    CHECK(icmpext_format(two, 2, buf, sizeof(buf)) == wl && strcmp(buf, want) == 0);
    CHECK(icmpext_format(two, 1, buf, sizeof(buf)) == 22 &&
          strcmp(buf, "L=16001 TC=0 S=0 TTL=1") == 0);
    CHECK(icmpext_format(two, 0, buf, sizeof(buf)) == 0 && buf[0] == '\0');
    buf[0] = 'x';
    CHECK(icmpext_format(two, 2, buf, 0) == 0 && buf[0] == 'x');
    for (size_t len = 1; len <= wl + 2; len++) {
        size_t r;
        memset(buf, 'z', sizeof(buf));
        r = icmpext_format(two, 2, buf, len);
        CHECK(r < len && strlen(buf) == r && strncmp(buf, want, r) == 0);
        CHECK(r == (len - 1 < wl ? len - 1 : wl) && buf[len] == 'z');
    }
    {
        struct probe_mpls big = {.label = 0xfffff, .tc = 7, .s = 1, .ttl = 255};
        CHECK(icmpext_format(&big, 1, buf, sizeof(buf)) > 0 &&
              strcmp(buf, "L=1048575 TC=7 S=1 TTL=255") == 0);
    }
}

/* ICMP errors as routers in the wild send them, captured by other projects (the corpus files
 * name their source; mkicmpextcorpus.py says where each comes from): the RFC 4884 length
 * field left at 0 (tcpdump's mpls-traceroute.pcap) and set below 128 with the datagram padded
 * to 128 (trippy: 17 words of IPv4, issue 804; 10 of IPv6). */
static void captures(const char *corpus)
{
    static const struct {
        const char *name;
        int n;
        struct probe_mpls want[2];
    } cases[] = {
        {"v4-te-capture-tcpdump-mpls-traceroute", 1, {{100704, 0, 1, 1}}},
        {"v4-te-capture-trippy-issue804-len17", 1, {{416240, 0, 1, 1}}},
        {"v6-te-capture-trippy-len10", 2, {{27121, 4, 0, 1}, {2, 4, 1, 255}}},
    };
    uint8_t buf[2048];
    char path[4096];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct probe_mpls got[PROBE_MPLS_MAX];
        FILE *f;
        size_t n;
        int r;
        snprintf(path, sizeof(path), "%s/icmpext/%s", corpus, cases[i].name);
        f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f)
            continue;
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        r = icmpext_from_icmp(buf + 1, n - 1, buf[0] & 1, got, PROBE_MPLS_MAX);
        CHECK(r == cases[i].n && same(got, cases[i].want, cases[i].n));
        if (r != cases[i].n)
            fprintf(stderr, "  %s: %d entries\n", cases[i].name, r);
    }
}

int main(int argc, char **argv)
{
    compliant_time_exceeded();
    other_types();
    heuristic_128();
    bad_header();
    bad_objects();
    other_objects();
    deep_stack();
    length_field();
    truncations();
    format();
    captures(argc > 1 ? argv[1] : "corpus");
    return check_finish();
}
