/* test_segment.c - hop segments: every range's first and last address against its neighbours
 * outside, the AS rule (ISP, transit, unknown), the destination, IPv6, and the documentation
 * ranges counted as public (the lab's stand-ins for the internet). */
#include "check.h"
#include "names/segment.h"
#include "testaddr.h"

#include <string.h>

#define ISP 64500u
#define OTHER 64501u

/* The segment of a non-destination hop in AS OTHER (TRANSIT if public), ISP AS ISP. */
static enum segment seg(const char *s)
{
    struct probe_addr a = test_addr(s);
    return segment_of(&a, OTHER, ISP, false);
}

static bool public(const char *s)
{
    struct probe_addr a = test_addr(s);
    return segment_is_public(&a);
}

/* Each row: an address and its segment as a transit hop would have it. */
struct row {
    const char *addr;
    enum segment want;
};

static const struct row v4_rows[] = {
    {"0.0.0.0", SEGMENT_UNKNOWN},        {"0.255.255.255", SEGMENT_UNKNOWN},
    {"1.0.0.0", SEGMENT_TRANSIT},        {"9.255.255.255", SEGMENT_TRANSIT},
    {"10.0.0.0", SEGMENT_LAN},           {"10.255.255.255", SEGMENT_LAN},
    {"11.0.0.0", SEGMENT_TRANSIT},       {"100.63.255.255", SEGMENT_TRANSIT},
    {"100.64.0.0", SEGMENT_CGNAT},       {"100.127.255.255", SEGMENT_CGNAT},
    {"100.128.0.0", SEGMENT_TRANSIT},    {"126.255.255.255", SEGMENT_TRANSIT},
    {"127.0.0.0", SEGMENT_LAN},          {"127.255.255.255", SEGMENT_LAN},
    {"128.0.0.0", SEGMENT_TRANSIT},      {"169.253.255.255", SEGMENT_TRANSIT},
    {"169.254.0.0", SEGMENT_LAN},        {"169.254.255.255", SEGMENT_LAN},
    {"169.255.0.0", SEGMENT_TRANSIT},    {"172.15.255.255", SEGMENT_TRANSIT},
    {"172.16.0.0", SEGMENT_LAN},         {"172.31.255.255", SEGMENT_LAN},
    {"172.32.0.0", SEGMENT_TRANSIT},     {"191.255.255.255", SEGMENT_TRANSIT},
    {"192.0.0.0", SEGMENT_UNKNOWN},      {"192.0.0.255", SEGMENT_UNKNOWN},
    {"192.0.1.0", SEGMENT_TRANSIT},      {"192.0.2.0", SEGMENT_TRANSIT}, /* documentation */
    {"192.0.2.255", SEGMENT_TRANSIT},    {"192.167.255.255", SEGMENT_TRANSIT},
    {"192.168.0.0", SEGMENT_LAN},        {"192.168.255.255", SEGMENT_LAN},
    {"192.169.0.0", SEGMENT_TRANSIT},    {"198.18.0.0", SEGMENT_TRANSIT}, /* benchmarking */
    {"198.19.255.255", SEGMENT_TRANSIT}, {"198.51.100.1", SEGMENT_TRANSIT},
    {"203.0.113.1", SEGMENT_TRANSIT},    {"223.255.255.255", SEGMENT_TRANSIT},
    {"224.0.0.0", SEGMENT_UNKNOWN},      {"239.255.255.255", SEGMENT_UNKNOWN},
    {"240.0.0.0", SEGMENT_UNKNOWN},      {"255.255.255.255", SEGMENT_UNKNOWN},
};

static const struct row v6_rows[] = {
    {"::", SEGMENT_UNKNOWN},
    {"::1", SEGMENT_LAN},
    {"::2", SEGMENT_TRANSIT},
    {"2001:db8::1", SEGMENT_TRANSIT}, /* documentation: the lab's "internet" */
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_TRANSIT},
    {"2a00:1450::1", SEGMENT_TRANSIT},
    {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_TRANSIT},
    {"fc00::", SEGMENT_LAN},
    {"fd12:3456::1", SEGMENT_LAN},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_LAN},
    {"fe00::", SEGMENT_TRANSIT},
    {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_TRANSIT},
    {"fe80::", SEGMENT_LAN},
    {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_LAN},
    {"fec0::", SEGMENT_TRANSIT},
    {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SEGMENT_TRANSIT},
    {"ff00::", SEGMENT_UNKNOWN},
    {"ff02::1", SEGMENT_UNKNOWN},
    {"::ffff:10.1.2.3", SEGMENT_LAN}, /* IPv4-mapped: judged as IPv4 */
    {"::ffff:100.64.0.1", SEGMENT_CGNAT},
    {"::ffff:198.18.0.1", SEGMENT_TRANSIT},
};

static void check_rows(const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        enum segment got = seg(rows[i].addr);
        CHECK(got == rows[i].want);
        if (got != rows[i].want)
            fprintf(stderr, "  %s: got \"%s\", want \"%s\"\n", rows[i].addr, segment_name(got),
                    segment_name(rows[i].want));
        /* Public exactly where the AS rule applies. */
        CHECK(public(rows[i].addr) == (rows[i].want == SEGMENT_TRANSIT));
    }
}

static void test_as_rule(void)
{
    struct probe_addr pub = test_addr("198.51.100.7"), lan = test_addr("192.168.1.1"),
                      cg = test_addr("100.64.1.1"), v6 = test_addr("2001:db8:1::2"), none = {0};

    CHECK(segment_of(&pub, ISP, ISP, false) == SEGMENT_ISP);
    CHECK(segment_of(&v6, ISP, ISP, false) == SEGMENT_ISP);
    CHECK(segment_of(&pub, OTHER, ISP, false) == SEGMENT_TRANSIT);
    CHECK(segment_of(&v6, OTHER, ISP, false) == SEGMENT_TRANSIT);
    CHECK(segment_of(&pub, 0, ISP, false) == SEGMENT_UNKNOWN);   /* hop without an AS */
    CHECK(segment_of(&pub, OTHER, 0, false) == SEGMENT_UNKNOWN); /* ISP's AS not known */
    CHECK(segment_of(&pub, 0, 0, false) == SEGMENT_UNKNOWN);     /* 0 == 0 is not the ISP */
    CHECK(segment_of(&lan, ISP, ISP, false) == SEGMENT_LAN);     /* ranges before the AS */
    CHECK(segment_of(&cg, ISP, ISP, false) == SEGMENT_CGNAT);
    CHECK(segment_of(&none, ISP, ISP, false) == SEGMENT_UNKNOWN); /* no reply, no address */
    CHECK(segment_of(NULL, ISP, ISP, false) == SEGMENT_UNKNOWN);
    /* The destination is the destination, public or private, with or without an AS. */
    CHECK(segment_of(&pub, ISP, ISP, true) == SEGMENT_DEST);
    CHECK(segment_of(&pub, 0, 0, true) == SEGMENT_DEST);
    CHECK(segment_of(&lan, 0, 0, true) == SEGMENT_DEST);
    CHECK(segment_of(&v6, OTHER, ISP, true) == SEGMENT_DEST);
    CHECK(segment_of(&none, 0, 0, true) == SEGMENT_UNKNOWN);
    CHECK(!segment_is_public(&none) && !segment_is_public(NULL));
}

static void test_names(void)
{
    CHECK(strcmp(segment_name(SEGMENT_UNKNOWN), "") == 0);
    CHECK(strcmp(segment_name(SEGMENT_LAN), "lan") == 0);
    CHECK(strcmp(segment_name(SEGMENT_CGNAT), "cgnat") == 0);
    CHECK(strcmp(segment_name(SEGMENT_ISP), "isp") == 0);
    CHECK(strcmp(segment_name(SEGMENT_TRANSIT), "transit") == 0);
    CHECK(strcmp(segment_name(SEGMENT_DEST), "dest") == 0);
    CHECK(strcmp(segment_name((enum segment)99), "") == 0);
}

int main(void)
{
    check_rows(v4_rows, sizeof(v4_rows) / sizeof(v4_rows[0]));
    check_rows(v6_rows, sizeof(v6_rows) / sizeof(v6_rows[0]));
    test_as_rule();
    test_names();
    return check_finish();
}
