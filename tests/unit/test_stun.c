/* test_stun.c - the STUN Binding client's pure parts: the request bytes, the response parser
 * (RFC 5769 sample responses, coturn's answers, crafted XOR-MAPPED / MAPPED-ADDRESS answers, and
 * every way a datagram can be malformed or not ours), error responses, the server argument split,
 * and stun_query's argument checks (which send nothing; the exchange itself is checked against
 * coturn in the lab, tests/lab/stunlab.py). */
#include "check.h"
#include "names/stun.h"
#include "testaddr.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t txid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

/* RFC 5769 2.2 and 2.3: SOFTWARE "test vector" (11 bytes, padded with a space),
 * XOR-MAPPED-ADDRESS 192.0.2.1 / 2001:db8:1234:5678:11:2233:4455:6677 port 32853,
 * MESSAGE-INTEGRITY, FINGERPRINT. */
static const uint8_t rfc_txid[12] = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                     0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
static const uint8_t rfc_v4[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};
static const uint8_t rfc_v6[] = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
    0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
    0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

/* What coturn 4.6.1 answered in the lab (tests/lab/stunlab.py) to transaction a0..ab from
 * 198.18.0.1 / 2001:db8::1: XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, RESPONSE-ORIGIN, SOFTWARE. */
static const uint8_t coturn_txid[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                        0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
static const uint8_t coturn_v4[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xee, 0x0d, 0xe7, 0x00, 0xa4, 0x43,
    0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0xcf, 0x1f, 0xc6, 0x12, 0x00, 0x01, 0x80, 0x2b, 0x00, 0x08,
    0x00, 0x01, 0x0d, 0x96, 0xc6, 0x12, 0x02, 0x02, 0x80, 0x22, 0x00, 0x14, 0x43, 0x6f, 0x74, 0x75,
    0x72, 0x6e, 0x2d, 0x34, 0x2e, 0x36, 0x2e, 0x31, 0x20, 0x27, 0x47, 0x6f, 0x72, 0x73, 0x74, 0x27};
static const uint8_t coturn_v6[] = {
    0x01, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
    0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0x9e, 0xac, 0x01, 0x13,
    0xa9, 0xfa, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xaa, 0x00,
    0x01, 0x00, 0x14, 0x00, 0x02, 0xbf, 0xbe, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x2b, 0x00, 0x14, 0x00, 0x02, 0x0d,
    0x96, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x02, 0x80, 0x22, 0x00, 0x14, 0x43, 0x6f, 0x74, 0x75, 0x72, 0x6e, 0x2d, 0x34, 0x2e,
    0x36, 0x2e, 0x31, 0x20, 0x27, 0x47, 0x6f, 0x72, 0x73, 0x74, 0x27};

/* A message under construction: header, then attributes appended with zero padding. */
struct msg {
    uint8_t b[512];
    size_t len;
};

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void msg_start(struct msg *m, unsigned type, const uint8_t id[12])
{
    memset(m, 0, sizeof(*m));
    put16(m->b, type);
    m->b[4] = 0x21, m->b[5] = 0x12, m->b[6] = 0xa4, m->b[7] = 0x42;
    memcpy(m->b + 8, id, 12);
    m->len = 20;
}

static void msg_attr(struct msg *m, unsigned type, const uint8_t *v, size_t vlen)
{
    put16(m->b + m->len, type);
    put16(m->b + m->len + 2, (unsigned)vlen);
    memcpy(m->b + m->len + 4, v, vlen);
    m->len += 4 + ((vlen + 3) & ~(size_t)3);
    put16(m->b + 2, (unsigned)(m->len - 20));
}

/* An address attribute's value for a, XORed the RFC 5389 way when xored (written independently
 * of the parser: cookie then transaction id, port with the cookie's top half). */
static size_t addr_value(uint8_t *v, const char *addr, unsigned port, bool xored)
{
    static const uint8_t cookie[4] = {0x21, 0x12, 0xa4, 0x42};
    struct probe_addr a = test_addr(addr);
    size_t n = a.family == AF_INET ? 4 : 16;

    v[0] = 0;
    v[1] = a.family == AF_INET ? 1 : 2;
    put16(v + 2, xored ? port ^ 0x2112 : port);
    for (size_t i = 0; i < n; i++)
        v[4 + i] = (uint8_t)(a.bytes[i] ^ (!xored ? 0 : i < 4 ? cookie[i] : txid[i - 4]));
    return 4 + n;
}

static bool parses_to(const struct msg *m, const char *want)
{
    struct probe_addr got, w = test_addr(want);
    return stun_parse_response(m->b, m->len, txid, &got) == 0 && probe_addr_equal(&got, &w);
}

static bool rejected(const struct msg *m)
{
    struct probe_addr got = {0};
    return stun_parse_response(m->b, m->len, txid, &got) == -EINVAL && got.family == 0;
}

static void test_request(void)
{
    uint8_t buf[32];
    static const uint8_t want[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
                                     3,    4,    5,    6,    7,    8,    9,    10,   11, 12};

    memset(buf, 0xee, sizeof(buf));
    CHECK(stun_build_request(buf, sizeof(buf), txid) == 20);
    CHECK(memcmp(buf, want, 20) == 0);
    CHECK(buf[20] == 0xee); /* nothing written past the request */
    CHECK(stun_build_request(buf, 20, txid) == 20);
    CHECK(stun_build_request(buf, 19, txid) == 0);
    CHECK(stun_build_request(buf, 0, txid) == 0);
}

static void test_rfc5769(void)
{
    struct probe_addr got, w4 = test_addr("192.0.2.1"),
                           w6 = test_addr("2001:db8:1234:5678:11:2233:4455:6677");

    CHECK(stun_parse_response(rfc_v4, sizeof(rfc_v4), rfc_txid, &got) == 0 &&
          probe_addr_equal(&got, &w4));
    CHECK(stun_parse_response(rfc_v6, sizeof(rfc_v6), rfc_txid, &got) == 0 &&
          probe_addr_equal(&got, &w6));
    CHECK(stun_parse_response(rfc_v4, sizeof(rfc_v4), txid, &got) == -EINVAL); /* other txid */
    /* Truncated at every length: the header's length no longer fits. */
    for (size_t i = 0; i < sizeof(rfc_v4); i++)
        CHECK(stun_parse_response(rfc_v4, i, rfc_txid, &got) == -EINVAL);
    for (size_t i = 0; i < sizeof(rfc_v6); i++)
        CHECK(stun_parse_response(rfc_v6, i, rfc_txid, &got) == -EINVAL);
}

static void test_coturn(void)
{
    struct probe_addr got, w4 = test_addr("198.18.0.1"), w6 = test_addr("2001:db8::1");

    CHECK(stun_parse_response(coturn_v4, sizeof(coturn_v4), coturn_txid, &got) == 0 &&
          probe_addr_equal(&got, &w4));
    CHECK(stun_parse_response(coturn_v6, sizeof(coturn_v6), coturn_txid, &got) == 0 &&
          probe_addr_equal(&got, &w6));
    for (size_t i = 0; i < sizeof(coturn_v6); i++)
        CHECK(stun_parse_response(coturn_v6, i, coturn_txid, &got) == -EINVAL);
}

static void test_addresses(void)
{
    struct msg m;
    uint8_t v[32], soft[5] = {'c', 'o', 't', 'u', 'r'};
    size_t n;

    msg_start(&m, 0x0101, txid); /* XOR-MAPPED v4 */
    msg_attr(&m, 0x0020, v, addr_value(v, "198.18.0.1", 54321, true));
    CHECK(parses_to(&m, "198.18.0.1"));
    for (size_t i = 0; i < m.len; i++) { /* truncated at every length */
        struct probe_addr got;
        CHECK(stun_parse_response(m.b, i, txid, &got) == -EINVAL);
    }
    m.len += 7; /* bytes past the message's own length are not read */
    CHECK(parses_to(&m, "198.18.0.1"));

    msg_start(&m, 0x0101, txid); /* XOR-MAPPED v6: the XOR takes in the transaction id */
    msg_attr(&m, 0x0020, v, addr_value(v, "2001:db8::1", 3478, true));
    CHECK(parses_to(&m, "2001:db8::1"));

    msg_start(&m, 0x0101, txid); /* MAPPED-ADDRESS only (RFC 3489-style servers), v4 and v6 */
    msg_attr(&m, 0x0001, v, addr_value(v, "203.0.113.9", 1, false));
    CHECK(parses_to(&m, "203.0.113.9"));
    msg_start(&m, 0x0101, txid);
    msg_attr(&m, 0x0001, v, addr_value(v, "2001:db8:5::9", 1, false));
    CHECK(parses_to(&m, "2001:db8:5::9"));

    msg_start(&m, 0x0101, txid); /* both: XOR-MAPPED wins wherever it is */
    msg_attr(&m, 0x0001, v, addr_value(v, "10.0.0.1", 1, false));
    msg_attr(&m, 0x0020, v, addr_value(v, "198.51.100.7", 2, true));
    CHECK(parses_to(&m, "198.51.100.7"));

    msg_start(&m, 0x0101, txid); /* the first XOR-MAPPED counts, a later one is ignored */
    msg_attr(&m, 0x0020, v, addr_value(v, "198.51.100.7", 2, true));
    msg_attr(&m, 0x0020, v, addr_value(v, "198.51.100.8", 2, true));
    CHECK(parses_to(&m, "198.51.100.7"));

    msg_start(&m, 0x0101, txid); /* odd-length attributes before it: 4-byte padding honoured */
    msg_attr(&m, 0x8022, soft, 5);
    msg_attr(&m, 0x8023, soft, 1);
    msg_attr(&m, 0x0020, v, addr_value(v, "192.0.2.33", 9, true));
    msg_attr(&m, 0x8028, soft, 4);
    CHECK(parses_to(&m, "192.0.2.33"));

    msg_start(&m, 0x0101, txid); /* an unknown family */
    n = addr_value(v, "192.0.2.33", 9, true);
    v[1] = 3;
    msg_attr(&m, 0x0020, v, n);
    CHECK(rejected(&m));
    msg_start(&m, 0x0101, txid); /* a v6 family in a v4-sized value */
    n = addr_value(v, "192.0.2.33", 9, true);
    v[1] = 2;
    msg_attr(&m, 0x0020, v, n);
    CHECK(rejected(&m));
    msg_start(&m, 0x0101, txid); /* a value too short for any address */
    msg_attr(&m, 0x0001, v, 3);
    CHECK(rejected(&m));
}

static void test_not_answers(void)
{
    struct msg m, ok;
    uint8_t v[32], other[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13};
    static const uint8_t err[8] = {0, 0, 4, 0, 'B', 'a', 'd', ' '}; /* ERROR-CODE 400 */

    msg_start(&ok, 0x0101, txid);
    msg_attr(&ok, 0x0020, v, addr_value(v, "198.18.0.1", 54321, true));
    CHECK(parses_to(&ok, "198.18.0.1"));

    m = ok; /* wrong cookie */
    m.b[7] ^= 1;
    CHECK(rejected(&m));
    m = ok; /* first two bits not zero (not STUN: e.g. ChannelData, RTP) */
    m.b[0] |= 0x40;
    CHECK(rejected(&m));
    m = ok;
    m.b[0] |= 0x80;
    CHECK(rejected(&m));
    msg_start(&m, 0x0101, other); /* another transaction */
    msg_attr(&m, 0x0020, v, addr_value(v, "198.18.0.1", 54321, true));
    CHECK(rejected(&m));
    msg_start(&m, 0x0111, txid); /* an error response, even one carrying an address */
    msg_attr(&m, 0x0009, err, sizeof(err));
    msg_attr(&m, 0x0020, v, addr_value(v, "198.18.0.1", 54321, true));
    CHECK(rejected(&m));
    m = ok; /* a request (our own, reflected) and an indication */
    put16(m.b, 0x0001);
    CHECK(rejected(&m));
    put16(m.b, 0x0011);
    CHECK(rejected(&m));
    msg_start(&m, 0x0101, txid); /* a success without any address */
    msg_attr(&m, 0x8022, err, 4);
    CHECK(rejected(&m));
    msg_start(&m, 0x0101, txid);
    CHECK(rejected(&m));
}

static void test_malformed(void)
{
    struct msg ok, m;
    uint8_t v[32];

    msg_start(&ok, 0x0101, txid);
    msg_attr(&ok, 0x0020, v, addr_value(v, "198.18.0.1", 54321, true));

    m = ok; /* message length not a multiple of 4 */
    put16(m.b + 2, (unsigned)(m.len - 20 - 1));
    CHECK(rejected(&m));
    m = ok; /* message length past the datagram */
    put16(m.b + 2, (unsigned)(m.len - 20 + 4));
    CHECK(rejected(&m));
    m = ok;
    put16(m.b + 2, 0xfffc);
    CHECK(rejected(&m));
    m = ok; /* attribute length overrunning the message */
    put16(m.b + 22, 100);
    CHECK(rejected(&m));
    m = ok;
    put16(m.b + 22, 0xffff);
    CHECK(rejected(&m));
    m = ok; /* attribute length 9: its padding (to 12) runs past the message */
    put16(m.b + 22, 9);
    CHECK(rejected(&m));
    m = ok; /* a last attribute header whose value is missing */
    m.len += 4;
    put16(m.b + 2, (unsigned)(m.len - 20));
    m.b[m.len - 4] = 0x80, m.b[m.len - 3] = 0x22;
    m.b[m.len - 2] = 0, m.b[m.len - 1] = 4;
    CHECK(rejected(&m));
    m = ok; /* the message ends inside the address attribute */
    put16(m.b + 2, 8);
    CHECK(rejected(&m));
}

static void test_error_response(void)
{
    struct msg m;
    char reason[32];
    int code = 0;
    uint8_t v[32], other[12] = {12};
    static const uint8_t e400[15] = {0,   0,   4,   0,   'B', 'a', 'd', ' ',
                                     'R', 'e', 'q', 'u', 'e', 's', 't'};
    static const uint8_t e420[7] = {0, 0, 4, 20, 'x', 0x1b, 'y'};

    msg_start(&m, 0x0111, txid);
    msg_attr(&m, 0x8022, e400, 3); /* an odd attribute first */
    msg_attr(&m, 0x0009, e400, sizeof(e400));
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == 0 && code == 400 &&
          strcmp(reason, "Bad Request") == 0);
    CHECK(stun_parse_error(m.b, m.len, txid, &code, NULL, 0) == 0 && code == 400);
    CHECK(stun_parse_error(m.b, m.len, other, &code, reason, sizeof(reason)) == -EINVAL);
    for (size_t i = 0; i < m.len; i++)
        CHECK(stun_parse_error(m.b, i, txid, &code, reason, sizeof(reason)) == -EINVAL);
    msg_start(&m, 0x0111, txid); /* the reason phrase comes out escaped */
    msg_attr(&m, 0x0009, e420, sizeof(e420));
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == 0 && code == 420 &&
          strcmp(reason, "x\\ey") == 0);
    msg_start(&m, 0x0111, txid); /* class 7, number 100: not an error code */
    v[0] = 0, v[1] = 0, v[2] = 7, v[3] = 0;
    msg_attr(&m, 0x0009, v, 4);
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == -EINVAL);
    msg_start(&m, 0x0111, txid);
    v[2] = 4, v[3] = 100;
    msg_attr(&m, 0x0009, v, 4);
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == -EINVAL);
    msg_start(&m, 0x0111, txid); /* no ERROR-CODE */
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == -EINVAL);
    msg_start(&m, 0x0101, txid); /* a success is not an error */
    msg_attr(&m, 0x0009, e400, sizeof(e400));
    msg_attr(&m, 0x0020, v, addr_value(v, "198.18.0.1", 1, true));
    CHECK(stun_parse_error(m.b, m.len, txid, &code, reason, sizeof(reason)) == -EINVAL);
    CHECK(stun_parse_error(rfc_v4, sizeof(rfc_v4), rfc_txid, &code, NULL, 0) == -EINVAL);
}

static void test_server_arg(void)
{
    char host[64];
    uint16_t port = 0;

    CHECK(stun_parse_server("stun.example.org", host, sizeof(host), &port) == 0 &&
          strcmp(host, "stun.example.org") == 0 && port == 3478);
    CHECK(stun_parse_server("stun.example.org:19302", host, sizeof(host), &port) == 0 &&
          strcmp(host, "stun.example.org") == 0 && port == 19302);
    CHECK(stun_parse_server("1.2.3.4:3478", host, sizeof(host), &port) == 0 &&
          strcmp(host, "1.2.3.4") == 0 && port == 3478);
    CHECK(stun_parse_server("1.2.3.4:65535", host, sizeof(host), &port) == 0 && port == 65535);
    CHECK(stun_parse_server("1.2.3.4:1", host, sizeof(host), &port) == 0 && port == 1);
    CHECK(stun_parse_server("[2001:db8::1]:3479", host, sizeof(host), &port) == 0 &&
          strcmp(host, "2001:db8::1") == 0 && port == 3479);
    CHECK(stun_parse_server("[2001:db8::1]", host, sizeof(host), &port) == 0 &&
          strcmp(host, "2001:db8::1") == 0 && port == 3478);
    CHECK(stun_parse_server("2001:db8::1", host, sizeof(host), &port) == 0 &&
          strcmp(host, "2001:db8::1") == 0 && port == 3478);
    CHECK(stun_parse_server("::1", host, sizeof(host), &port) == 0 && strcmp(host, "::1") == 0);

    port = 7;
    CHECK(stun_parse_server("", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server(":3478", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[]:3478", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:0", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:65536", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:99999999999999999999", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:-1", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:+1", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host:12x", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("host: 1", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[2001:db8::1]:0", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[2001:db8::1]:", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[2001:db8::1]x", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[2001:db8::1", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("[stun.example.org]:1", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("a:b:c", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("a b", host, sizeof(host), &port) == -EINVAL);
    CHECK(stun_parse_server("stun.example.org", host, 16, &port) == -EINVAL); /* too long */
    CHECK(stun_parse_server("stun.example.or", host, 16, &port) == 0);
    CHECK(port == 3478);
}

static void test_query_args(void)
{
    struct probe_addr none = {0}, server = test_addr("198.51.100.7"), got;
    char why[128] = "";

    /* Rejected before any socket is opened: nothing is sent. */
    CHECK(stun_query(&none, 3478, 1000, &got, why, sizeof(why)) == -EINVAL && why[0]);
    why[0] = '\0';
    CHECK(stun_query(&server, 3478, 0, &got, why, sizeof(why)) == -EINVAL && why[0]);
    CHECK(stun_query(&server, 3478, -5, &got, NULL, 0) == -EINVAL);
}

int main(void)
{
    test_request();
    test_rfc5769();
    test_coturn();
    test_addresses();
    test_not_answers();
    test_malformed();
    test_error_response();
    test_server_arg();
    test_query_args();
    return check_finish();
}
