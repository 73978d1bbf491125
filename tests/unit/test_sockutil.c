/* test_sockutil.c - echo requests keep one checksum across sequence numbers (Paris), and the
 * checksum is valid; address helpers round-trip; unreachable codes read as traceroute's marks. */
#include "check.h"
#include "parse.h"
#include "rx.h"
#include "tx.h"

#include <string.h>

int main(void)
{
    uint8_t buf[44];
    uint16_t first = 0;
    struct probe_addr a, b;
    struct sockaddr_storage ss;
    char s[64];

    for (uint16_t seq = 0; seq < PROBE_SEQ_SPACE; seq += 97) {
        uint16_t sum;
        wire_build_echo(buf, sizeof(buf), false, 0xbeef, seq, 0);
        sum = (uint16_t)(buf[2] << 8 | buf[3]);
        if (seq == 0)
            first = sum;
        CHECK(sum == first);
        CHECK(wire_checksum(buf, sizeof(buf)) == 0); /* valid: sums to 0xffff */
        CHECK(buf[0] == 8 && buf[6] == (seq >> 8) && buf[7] == (seq & 0xff));
    }
    wire_build_echo(buf, sizeof(buf), true, 1, 2, 0);
    CHECK(buf[0] == 128 && buf[2] == 0 && buf[3] == 0); /* the kernel sums ICMPv6 */

    CHECK(probe_addr_parse("2001:db8:3::2", &a) == 0 && a.family == AF_INET6);
    sockutil_sockaddr(&a, 33500, &ss);
    CHECK(sockutil_from_sockaddr(&ss, &b) == 33500 && probe_addr_equal(&a, &b));
    CHECK(strcmp(probe_addr_str(&b, s, sizeof(s)), "2001:db8:3::2") == 0);
    CHECK(probe_addr_parse("198.18.300.1", &a) < 0);
    CHECK(probe_addr_parse("198.18.3.1", &a) == 0 && !probe_addr_equal(&a, &b));

    /* Unreachable codes, ICMP (RFC 792, RFC 1812) and ICMPv6 (RFC 4443), as traceroute marks
     * them; anything else is no unreachable at all. */
    CHECK(probe_unreach_of(AF_INET, 3, 0) == PROBE_UNREACH_NET);
    CHECK(probe_unreach_of(AF_INET, 3, 1) == PROBE_UNREACH_HOST);
    CHECK(probe_unreach_of(AF_INET, 3, 2) == PROBE_UNREACH_PROTOCOL);
    CHECK(probe_unreach_of(AF_INET, 3, 4) == PROBE_UNREACH_FRAG);
    CHECK(probe_unreach_of(AF_INET, 3, 13) == PROBE_UNREACH_ADMIN);
    CHECK(probe_unreach_of(AF_INET, 3, 200) == PROBE_UNREACH_OTHER);
    CHECK(probe_unreach_of(AF_INET, 11, 0) == PROBE_UNREACH_NONE);
    CHECK(probe_unreach_of(AF_INET6, 1, 0) == PROBE_UNREACH_NET);
    CHECK(probe_unreach_of(AF_INET6, 1, 1) == PROBE_UNREACH_ADMIN);
    CHECK(probe_unreach_of(AF_INET6, 1, 3) == PROBE_UNREACH_HOST);
    CHECK(probe_unreach_of(AF_INET6, 3, 0) == PROBE_UNREACH_NONE);
    CHECK(strcmp(probe_unreach_mark(PROBE_UNREACH_NET), "!N") == 0 &&
          strcmp(probe_unreach_mark(PROBE_UNREACH_ADMIN), "!X") == 0 &&
          strcmp(probe_unreach_name(PROBE_UNREACH_HOST), "host") == 0);
    return check_finish();
}
