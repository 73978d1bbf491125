/* test_parse.c - the packet parsers on packets captured in the lab (tests/fuzz/corpus, written
 * by tests/fuzz/capture.py from a 2-router lab whose target is 198.18.2.2 / 2001:db8:2::2),
 * on every truncation of them, and on crafted variants (IP options, IPv6 extension headers). */
#include "check.h"
#include "parse.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f)
        return 0;
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static bool addr_is(const struct probe_addr *a, const char *s)
{
    struct probe_addr want;
    return probe_addr_parse(s, &want) == 0 && probe_addr_equal(a, &want);
}

typedef int (*parser)(const uint8_t *, size_t, struct probe_parsed *);

static int parse_echo4(const uint8_t *p, size_t n, struct probe_parsed *o)
{
    return parse_echo(p, n, false, o);
}

/* Every prefix of a valid packet parses or fails cleanly (ASan watches the reads). */
static void truncations(parser fn, const uint8_t *p, size_t n)
{
    struct probe_parsed pp;
    for (size_t i = 0; i < n; i++)
        (void)fn(p, i, &pp);
    CHECK(fn(p, 0, &pp) < 0);
}

static void check_ip4(const uint8_t *p, size_t n)
{
    struct probe_parsed pp;
    CHECK(parse_ip4_icmp(p, n, &pp) == 0);
    if (pp.type == 0) {
        CHECK(pp.is_echo_reply && addr_is(&pp.from, "198.18.2.2"));
    } else {
        CHECK(pp.is_error && pp.has_quoted_ip && pp.has_quoted_l4);
        CHECK(addr_is(&pp.quoted_dst, "198.18.2.2"));
        CHECK(pp.type == 11 || pp.type == 3);
        CHECK(pp.ttl > 0 && pp.ttl <= 64);
    }
    truncations(parse_ip4_icmp, p, n);
    /* A captured packet has its whole length and a good ICMP checksum; one flipped bit
     * anywhere in the ICMP message (a spoofed or damaged error) and it is refused. */
    for (size_t i = (size_t)(p[0] & 0x0f) * 4; i < n; i += 7) {
        uint8_t bad[4096];
        memcpy(bad, p, n);
        bad[i] ^= 0x10;
        CHECK(parse_ip4_icmp(bad, n, &pp) < 0);
    }
}

static void check_icmp6(const uint8_t *p, size_t n)
{
    struct probe_parsed pp;
    int r = parse_icmp6(p, n, &pp);
    if (p[0] >= 133 && p[0] <= 137) { /* neighbour discovery seen on the wire: not ours */
        CHECK(r < 0);
        return;
    }
    CHECK(r == 0);
    if (p[0] == 129)
        CHECK(pp.is_echo_reply);
    else
        CHECK(pp.is_error && addr_is(&pp.quoted_dst, "2001:db8:2::2") && pp.has_quoted_l4);
    truncations(parse_icmp6, p, n);
}

static void check_echo(const uint8_t *p, size_t n)
{
    struct probe_parsed pp;
    bool v6 = p[0] >= 128;
    CHECK(parse_echo(p, n, v6, &pp) == 0 && pp.is_echo_reply);
    CHECK(parse_echo(p, n, !v6, &pp) < 0);
    for (size_t i = 0; i < n; i++)
        (void)parse_echo(p, i, v6, &pp);
}

/* RST+ACK from the lab target's closed port 80, to a SYN of ours. */
static void check_tcp(const uint8_t *p, size_t n)
{
    struct probe_parsed pp;
    bool v4 = n >= 20 && (p[0] >> 4) == 4 && p[9] == 6;
    int r = v4 ? parse_ip4_tcp(p, n, &pp) : parse_tcp(p, n, &pp);
    CHECK(r == 0 && pp.is_tcp && pp.tcp_sport == 80 && pp.tcp_flags == 0x14);
    if (v4)
        CHECK(addr_is(&pp.from, "198.18.2.2") && pp.ttl > 0);
    for (size_t i = 0; i < n; i++)
        (void)(v4 ? parse_ip4_tcp(p, i, &pp) : parse_tcp(p, i, &pp));
    CHECK(parse_tcp(p, 19, &pp) < 0);
    if (v4) {
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        uint8_t bad[4096];
        /* a flipped bit in the segment or an address spoils the sum: refused */
        for (size_t i = 12; i < n; i += i < ihl ? 1 : 5) {
            memcpy(bad, p, n);
            bad[i] ^= 0x04;
            CHECK(parse_ip4_tcp(bad, n, &pp) < 0);
        }
        /* only the pseudo-header's sum, as checksum offload over a veth leaves it: taken */
        memcpy(bad, p, n);
        bad[ihl + 16] = bad[ihl + 17] = 0;
        CHECK(parse_ip4_tcp(bad, n, &pp) < 0);
        uint16_t ps = wire_ip4_pseudo_sum(p + 12, p + 16, 6, n - ihl);
        bad[ihl + 16] = (uint8_t)(ps >> 8);
        bad[ihl + 17] = (uint8_t)ps;
        CHECK(parse_ip4_tcp(bad, n, &pp) == 0 && pp.tcp_flags == 0x14);
    }
}

static void corpus(const char *dir, const char *kind, void (*fn)(const uint8_t *, size_t),
                   int *count)
{
    char path[4096];
    DIR *d;
    struct dirent *e;
    static uint8_t buf[65536];

    snprintf(path, sizeof(path), "%s/%s", dir, kind);
    d = opendir(path);
    CHECK(d != NULL);
    if (!d)
        return;
    while ((e = readdir(d))) {
        size_t n;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s/%s", dir, kind, e->d_name);
        n = read_file(path, buf, sizeof(buf));
        if (n) {
            fn(buf, n);
            (*count)++;
        }
    }
    closedir(d);
}

/* Builds IPv4 Time Exceeded quoting an echo request, with IP options in both headers. */
static void crafted_ip4_options(void)
{
    uint8_t p[28 + 8 + 24 + 8] = {0};
    struct probe_parsed pp;

    p[0] = 0x47; /* IHL 7: 8 bytes of options */
    p[8] = 61;
    p[9] = 1;
    memcpy(p + 12, (uint8_t[]){198, 18, 1, 2}, 4);
    p[28] = 11;   /* time exceeded */
    p[36] = 0x46; /* quoted IHL 6 */
    p[36 + 9] = 1;
    memcpy(p + 36 + 16, (uint8_t[]){198, 18, 2, 2}, 4);
    p[36 + 24] = 8;                               /* quoted echo request */
    p[36 + 24 + 4] = 0x12, p[36 + 24 + 5] = 0x34; /* id */
    p[36 + 24 + 6] = 0x00, p[36 + 24 + 7] = 0x2a; /* seq 42 */
    CHECK(parse_ip4_icmp(p, sizeof(p), &pp) == 0);
    CHECK(pp.ttl == 61 && addr_is(&pp.from, "198.18.1.2"));
    CHECK(pp.is_error && pp.quoted_proto == 1 && pp.echo_id == 0x1234 && pp.echo_seq == 42);
    CHECK(addr_is(&pp.quoted_dst, "198.18.2.2"));
    /* An 8-byte quote is enough; 7 is not an L4 identity. */
    CHECK(parse_ip4_icmp(p, sizeof(p) - 1, &pp) == 0 && !pp.has_quoted_l4);
    p[0] = 0x44; /* IHL 4 < 5: invalid */
    CHECK(parse_ip4_icmp(p, sizeof(p), &pp) < 0);
}

/* ICMPv6 Time Exceeded quoting UDP behind a hop-by-hop and a fragment header. */
static void crafted_icmp6_ext(void)
{
    uint8_t m[8 + 40 + 8 + 8 + 8] = {0};
    struct probe_parsed pp;
    uint8_t *ip = m + 8;

    m[0] = 3;
    ip[0] = 0x60;
    ip[6] = 0; /* hop-by-hop */
    inet_pton(AF_INET6, "2001:db8:2::2", ip + 24);
    ip[40] = 44;                  /* next: fragment */
    ip[41] = 0;                   /* 8 bytes */
    ip[48] = 17;                  /* fragment header, next: UDP */
    ip[56] = 0x82, ip[57] = 0x9a; /* sport */
    ip[58] = 0x82, ip[59] = 0xa0; /* dport 33440 */
    CHECK(parse_icmp6(m, sizeof(m), &pp) == 0);
    CHECK(pp.is_error && pp.quoted_proto == 17 && pp.quoted_dport == 33440);
    CHECK(addr_is(&pp.quoted_dst, "2001:db8:2::2"));
    ip[41] = 200; /* an extension header longer than the packet: no L4, but no crash */
    CHECK(parse_icmp6(m, sizeof(m), &pp) == 0 && !pp.has_quoted_l4);
}

static void checksum(void)
{
    /* RFC 1071 example bytes. */
    const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(wire_checksum(b, sizeof(b)) == (uint16_t)~0xddf2);
}

int main(int argc, char **argv)
{
    int n4 = 0, n6 = 0, ne = 0, nt = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: test_parse CORPUS_DIR\n");
        return 2;
    }
    corpus(argv[1], "ip4_icmp", check_ip4, &n4);
    corpus(argv[1], "icmp6", check_icmp6, &n6);
    corpus(argv[1], "echo", check_echo, &ne);
    corpus(argv[1], "tcp", check_tcp, &nt);
    CHECK(n4 >= 3 && n6 >= 3 && ne >= 2 && nt >= 2);
    {
        struct probe_parsed pp;
        uint8_t echo[16] = {8, 0, 0, 0, 0xab, 0xcd, 0x01, 0x02};
        CHECK(parse_echo4(echo, sizeof(echo), &pp) == 0 && !pp.is_echo_reply &&
              pp.echo_seq == 0x0102);
        echo[0] = 13; /* timestamp: not an echo */
        CHECK(parse_echo4(echo, sizeof(echo), &pp) < 0);
    }
    crafted_ip4_options();
    crafted_icmp6_ext();
    checksum();
    printf("parsed %d IPv4 and %d IPv6 captured packets\n", n4, n6);
    return check_finish();
}
