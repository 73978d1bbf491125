/*
 * hostile.c - the hostile lab's packet source: spoofed, malformed and replayed ICMP and TCP
 * aimed at a hopwatch client, IPv4 and IPv6 (a lab tool, not part of hopwatch).
 *
 *   hostile --informed IFACE --client A4,A6 --spoof S4,S6[,S4,S6...] --rate PPS --out FILE
 *   hostile --blind --client A4,A6 --target T4,T6 --spoof ... --rate PPS --out FILE
 *
 * --informed runs on a router of the path. It watches IFACE (AF_PACKET) for the client's
 * probes (ICMP echo requests, UDP datagrams, TCP SYNs) and for the real replies going back to
 * it, and sends, in turn, errors and replies no correct prober may believe: quoting probes never
 * sent, near-miss echo identifiers, source ports and sequence numbers (the same slot 4096 or
 * 32768 numbers away), quotes cut short or padded long, an inner header whose length lies, a bad
 * ICMP checksum on a perfect error for a live probe, RFC 4884 extensions whose lengths lie, echo
 * replies for another process, unreachables for probes never sent, the target's SYN-ACK for a
 * live SYN with a bad TCP checksum, SYN-ACKs acknowledging SYNs never sent, RSTs for SYNs never
 * sent, and real replies sent again: at once (duplicates) and 3 to 20 seconds later (long timed
 * out). Its own packets leave with TTL / hop limit 77, which marks them so it does not replay
 * itself.
 * --blind runs off the path: it knows nothing of the probes and floods the client with errors
 * quoting random identities, foreign echo replies and runts.
 *
 * Until SIGTERM/SIGINT; then it writes to FILE what it sent, per family and class, as JSON, with
 * how many a raw ICMP socket on the client can see ("raw_visible": types such a socket's filter
 * lets through, a bad sum included: IPv4's hands it over, ICMPv6's counts it as a drop), how
 * many the kernel hands the probing UDP socket ("udp_socket": errors quoting its ports in full)
 * and how many TCP segments reach the client ("tcp_visible": a raw TCP socket sees them all;
 * IPv6's, with IPV6_CHECKSUM, counts a bad sum as a drop).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MARK_TTL 77
#define NCLASS 17
#define NKIND 3 /* probe kinds: echo request, UDP, TCP SYN */
#define QUOTE_MAX 1400
enum cls {
    C_NEVER_SENT,
    C_NEAR_ID,
    C_NEAR_SEQ_4096,
    C_NEAR_SEQ_32768,
    C_TRUNCATED,
    C_OVERSIZED,
    C_LYING_IHL,
    C_BAD_CHECKSUM,
    C_LYING_EXT,
    C_OTHER_ECHO,
    C_UNREACH_NEVER,
    C_DUPLICATE,
    C_STALE,
    C_TCP_BAD_SUM,
    C_TCP_NEAR_ACK,
    C_TCP_RST_NEVER,
    C_BLIND
};
static const char *cls_name[NCLASS] = {
    "never_sent",         "near_id",   "near_seq_4096", "near_seq_32768", "truncated",
    "oversized",          "lying_ihl", "bad_checksum",  "lying_ext",      "other_echo",
    "unreach_never_sent", "duplicate", "stale",         "tcp_bad_sum",    "tcp_near_ack",
    "tcp_rst_never_sent", "blind"};

struct fam {
    int v6, fd;
    uint8_t client[16], target[16];
    uint8_t spoof[8][16];
    int nspoof;
    /* the newest probe seen of each kind: [0] echo request, [1] UDP, [2] TCP SYN */
    uint8_t probe[NKIND][128];
    size_t probe_len[NKIND];
    /* real replies to the client: the newest for duplicates, and one every 20 ms kept longer
     * (up to 20 s) for replays of replies long timed out */
    uint8_t reply[2][512][600];
    size_t reply_len[2][512];
    double reply_at[2][512], archived_at;
    unsigned nreply[2], next[2], next_class;
    unsigned long sent[NCLASS], raw_visible, udp_socket, tcp_visible;
};

static volatile sig_atomic_t stop;
static void on_signal(int s)
{
    (void)s;
    stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sends a proto (ICMP, ICMPv6 or TCP) message from src to the client, IP header built here
 * (TTL 77), with its checksum (then spoiled when bad). */
static void send_l4(struct fam *f, const uint8_t *src, uint8_t proto, uint8_t *l4, size_t len,
                    bool bad)
{
    uint8_t pkt[1600];
    size_t ip = f->v6 ? 40 : 20, al = f->v6 ? 16 : 4, at = proto == 6 ? 16 : 2;
    uint8_t ph[4] = {0, 0, 0, proto};
    uint32_t s = 0;
    struct sockaddr_storage ss;
    socklen_t sl;

    if (len + ip > sizeof(pkt) || len < at + 2)
        return;
    memset(pkt, 0, ip);
    l4[at] = l4[at + 1] = 0;
    if (f->v6 || proto == 6) { /* the pseudo-header: all but IPv4's ICMP have one */
        s = sum16(f->client, al, sum16(src, al, 0)) + (uint32_t)len;
        s = sum16(ph, 4, s);
    }
    put16(l4 + at, fold(sum16(l4, len, s)));
    if (bad)
        l4[at] ^= 0x12;
    memset(&ss, 0, sizeof(ss));
    if (f->v6) {
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)len);
        pkt[6] = proto;
        pkt[7] = MARK_TTL;
        memcpy(pkt + 8, src, 16);
        memcpy(pkt + 24, f->client, 16);
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, f->client, 16);
        sl = sizeof(*a);
    } else {
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)(len + ip));
        pkt[8] = MARK_TTL;
        pkt[9] = proto;
        memcpy(pkt + 12, src, 4);
        memcpy(pkt + 16, f->client, 4);
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, f->client, 4);
        sl = sizeof(*a);
    }
    memcpy(pkt + ip, l4, len);
    (void)sendto(f->fd, pkt, len + ip, 0, (struct sockaddr *)&ss, sl);
}

static void send_icmp(struct fam *f, const uint8_t *src, uint8_t *icmp, size_t len, bool bad)
{
    send_l4(f, src, f->v6 ? 58 : 1, icmp, len, bad);
}

/* The identity fields of a probe (IP header first): an echo's id and seq; for UDP the source
 * port and the payload's seq (with the word that keeps its sum); for TCP the source port and
 * the sequence number's top 16 bits (hopwatch's seq there: base + seq << 16). */
static size_t l4_off(const struct fam *f, const uint8_t *p)
{
    return f->v6 ? 40 : (size_t)(p[0] & 0x0f) * 4;
}

static void set_seq(const struct fam *f, int kind, uint8_t *p, size_t len, uint16_t seq)
{
    size_t o = l4_off(f, p);
    if (kind == 0 && o + 8 <= len) {
        put16(p + o + 6, seq);
    } else if (kind == 1 && o + 14 <= len) {
        put16(p + o + 10, seq);
        put16(p + o + 12, (uint16_t)~seq);
    } else if (kind == 2 && o + 8 <= len) {
        put16(p + o + 4, seq);
    }
}

static uint16_t get_seq(const struct fam *f, int kind, const uint8_t *p, size_t len)
{
    size_t o = l4_off(f, p);
    if (kind == 0 && o + 8 <= len)
        return get16(p + o + 6);
    if (kind == 2 && o + 8 <= len)
        return get16(p + o + 4);
    return o + 14 <= len ? get16(p + o + 10) : 0;
}

/* An error message (type/code) quoting q (qlen bytes); its checksum is send_icmp()'s. */
static size_t error_msg(uint8_t *m, int type, int code, const uint8_t *q, size_t qlen)
{
    memset(m, 0, 8);
    m[0] = (uint8_t)type;
    m[1] = (uint8_t)code;
    memcpy(m + 8, q, qlen);
    return 8 + qlen;
}

/* Does this captured reply (IP header first) carry an error quoting a UDP datagram? */
static bool quotes_udp(const struct fam *f, const uint8_t *p, size_t len)
{
    size_t ip = f->v6 ? 40 : (size_t)(p[0] & 0x0f) * 4, q = ip + 8;
    int type = len > ip ? p[ip] : -1;
    bool error = f->v6 ? type >= 1 && type <= 4 : type == 3 || type == 11;

    if (!error || len < q + 20)
        return false;
    return f->v6 ? p[q + 6] == 17 : p[q + 9] == 17;
}

static int te_type(const struct fam *f)
{
    return f->v6 ? 3 : 11;
}

static const uint8_t *spoof(struct fam *f)
{
    return f->spoof[(unsigned)rand() % (unsigned)f->nspoof];
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* The target's answer to the TCP SYN p (IP header first, l4 at o) in class c: a SYN-ACK for
 * it with a spoiled sum, a SYN-ACK for the SYN 4096 numbers on, an RST for one never sent. */
static bool tcp_answer(struct fam *f, enum cls c, const uint8_t *p, size_t len, size_t o)
{
    uint8_t t[20] = {0};
    uint32_t seq = (uint32_t)get16(p + o + 4) << 16 | get16(p + o + 6);

    if (o + 20 > len)
        return false;
    seq += c == C_TCP_NEAR_ACK ? 4096u << 16 : c == C_TCP_RST_NEVER ? 20000u << 16 : 0;
    memcpy(t, p + o + 2, 2); /* from the port it went to */
    memcpy(t + 2, p + o, 2);
    put32(t + 4, (uint32_t)rand());
    put32(t + 8, seq + 1);
    t[12] = 5 << 4;
    t[13] = c == C_TCP_RST_NEVER ? 0x14 : 0x12;
    put16(t + 14, 65535);
    send_l4(f, f->target, 6, t, sizeof(t), c == C_TCP_BAD_SUM);
    f->tcp_visible++;
    return true;
}

/* One informed packet of class c; false when what it needs was not seen yet. */
static bool informed(struct fam *f, enum cls c, double now)
{
    uint8_t q[QUOTE_MAX], m[1600];
    int kind = rand() % NKIND;
    size_t len, o;
    bool broken = false, bad = false; /* broken: the kernel finds no socket by it */

    for (int i = 0; i < NKIND && !f->probe_len[kind]; i++)
        kind = (kind + 1) % NKIND;
    if (!f->probe_len[kind] && c != C_DUPLICATE && c != C_STALE)
        return false;
    len = f->probe_len[kind];
    memcpy(q, f->probe[kind], len);
    o = l4_off(f, q);
    switch (c) {
    case C_NEVER_SENT:
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) + 20000));
        break;
    case C_NEAR_ID: /* the echo identifier, or the UDP or TCP source port, one bit off */
        q[kind == 0 ? o + 5 : o + 1] ^= 1;
        break;
    case C_NEAR_SEQ_4096:
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) + 4096));
        break;
    case C_NEAR_SEQ_32768:
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) ^ 0x8000));
        break;
    case C_TRUNCATED:
        len = o + 4; /* the identity cut off */
        broken = true;
        break;
    case C_OVERSIZED:
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) + 20000));
        memset(q + len, 0xa5, 1000);
        len += 1000;
        break;
    case C_LYING_IHL:
        if (f->v6)
            q[6] = 0; /* a hop-by-hop header that is not there */
        else
            q[0] = 0x4f; /* 60 bytes of header claimed */
        broken = true;
        break;
    case C_BAD_CHECKSUM:
        bad = true;
        broken = true;
        break;
    case C_LYING_EXT: {
        size_t at = 128;
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) + 20000));
        memset(q + len, 0, at - len);
        q[at] = 0x20; /* version 2 */
        put16(q + at + 4, (uint16_t)(rand() % 3 == 0 ? 0xfff0 : rand() % 3 == 1 ? 0 : 3));
        q[at + 6] = 1; /* MPLS */
        q[at + 7] = 1;
        len = at + 12;
        break;
    }
    case C_OTHER_ECHO:
        if (kind != 0)
            return false;
        memset(m, 0, 8);
        m[0] = f->v6 ? 129 : 0;
        put16(m + 4, (uint16_t)(get16(q + o + 4) ^ 0x5555));
        put16(m + 6, get_seq(f, 0, q, len));
        memcpy(m + 8, q + o + 8, len - o - 8);
        send_icmp(f, f->target, m, len - o, false);
        f->raw_visible++;
        return true;
    case C_UNREACH_NEVER:
        set_seq(f, kind, q, len, (uint16_t)(get_seq(f, kind, q, len) + 30000));
        len = error_msg(m, f->v6 ? 1 : 3, f->v6 ? 4 : 3, q, len);
        send_icmp(f, f->target, m, len, false);
        f->raw_visible++;
        f->udp_socket += kind == 1;
        return true;
    case C_TCP_BAD_SUM:
    case C_TCP_NEAR_ACK:
    case C_TCP_RST_NEVER:
        return kind == 2 && tcp_answer(f, c, q, len, o);
    case C_DUPLICATE:
    case C_STALE: {
        int r = c == C_STALE;
        for (unsigned i = 0; i < 512 && f->nreply[r]; i++) {
            unsigned k = (f->next[r] + i) % 512;
            double age = now - f->reply_at[r][k];
            size_t n = f->reply_len[r][k], ip;
            if (!n || (r ? age < 3 || age > 20 : age > 0.05))
                continue;
            f->next[r] = k + 1;
            memcpy(m, f->reply[r][k], n);
            ip = f->v6 ? 40 : (size_t)(m[0] & 0x0f) * 4;
            /* from the real reply's own source, its ICMP message or TCP segment as it was */
            if (m[f->v6 ? 6 : 9] == 6) {
                send_l4(f, f->v6 ? m + 8 : m + 12, 6, m + ip, n - ip, false);
                f->tcp_visible++;
            } else {
                send_icmp(f, f->v6 ? m + 8 : m + 12, m + ip, n - ip, false);
                f->raw_visible++;
                f->udp_socket += quotes_udp(f, m, n);
            }
            f->reply_len[r][k] = 0; /* once each */
            return true;
        }
        return false;
    }
    default:
        return false;
    }
    len = error_msg(m, te_type(f), 0, q, len);
    if (c == C_LYING_EXT)
        m[f->v6 ? 4 : 5] = (uint8_t)(f->v6 ? 16 : 32); /* RFC 4884: 128 bytes of quote */
    send_icmp(f, spoof(f), m, len, bad);
    /* The raw socket sees a bad sum too: IPv4's hands it over, ICMPv6's drops it at recvmsg()
     * and counts it in the socket's drops (SO_RXQ_OVFL, hopwatch's rx_dropped). */
    f->raw_visible++;
    /* The kernel hands the probing UDP socket an error that quotes its own ports in full, with
     * a good sum and a true inner header: the never-sent and near-miss numbers, whatever the
     * payload says. */
    f->udp_socket += kind == 1 && !broken && c != C_NEAR_ID;
    return true;
}

/* One blind packet: random identities, foreign echo replies, runts. */
static void blind(struct fam *f)
{
    uint8_t q[128], m[256];
    size_t ip = f->v6 ? 40 : 20, len;
    int what = rand() % 4;

    memset(q, 0, sizeof(q));
    if (f->v6) {
        q[0] = 0x60;
        q[6] = 58;
        q[7] = 1;
        memcpy(q + 8, f->client, 16);
        memcpy(q + 24, f->target, 16);
    } else {
        q[0] = 0x45;
        q[8] = 1;
        q[9] = 1;
        memcpy(q + 12, f->client, 4);
        memcpy(q + 16, f->target, 4);
    }
    q[ip] = f->v6 ? 128 : 8;
    put16(q + ip + 4, (uint16_t)rand());
    put16(q + ip + 6, (uint16_t)rand());
    if (what == 0) { /* an echo reply for someone else */
        memcpy(m, q + ip, 64);
        m[0] = f->v6 ? 129 : 0;
        send_icmp(f, f->target, m, 64, false);
    } else if (what == 1) { /* a runt: an ICMP header and nothing */
        memset(m, 0, 8);
        m[0] = (uint8_t)te_type(f);
        send_icmp(f, spoof(f), m, 4 + (size_t)(rand() % 4), false);
        /* a raw IPv4 socket's filter drops what has no 8-byte header; ICMPv6's needs 4 */
        f->raw_visible += f->v6;
        f->sent[C_BLIND]++;
        return;
    } else { /* an error quoting a random echo or garbage */
        if (what == 3)
            for (size_t i = ip; i < sizeof(q); i++)
                q[i] = (uint8_t)rand();
        len = error_msg(m, what == 2 ? te_type(f) : (f->v6 ? 1 : 3), 0, q, ip + 8 + 56);
        send_icmp(f, spoof(f), m, len, false);
    }
    f->sent[C_BLIND]++;
    f->raw_visible++;
}

/* What the router sees go by: the client's probes, and the real replies to the client. */
static void sniff(int fd, struct fam *fams, double now)
{
    uint8_t b[2048];
    ssize_t n;

    while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0) {
        struct fam *f = (b[0] >> 4) == 6 ? &fams[1] : (b[0] >> 4) == 4 ? &fams[0] : NULL;
        size_t ip, al;
        const uint8_t *src, *dst;
        int proto, ttl;
        if (!f || (size_t)n < (f->v6 ? 48u : 28u))
            continue;
        al = f->v6 ? 16 : 4;
        ip = f->v6 ? 40 : (size_t)(b[0] & 0x0f) * 4;
        src = b + (f->v6 ? 8 : 12);
        dst = b + (f->v6 ? 24 : 16);
        proto = b[f->v6 ? 6 : 9];
        ttl = b[f->v6 ? 7 : 8];
        if (memcmp(src, f->client, al) == 0) {
            int kind = proto == 17                                                   ? 1
                       : proto == 6 && (size_t)n >= ip + 20 && b[ip + 13] == 0x02    ? 2
                       : (proto == 1 || proto == 58) && (b[ip] == 8 || b[ip] == 128) ? 0
                                                                                     : -1;
            if (kind >= 0) {
                size_t keep = (size_t)n < 128 ? (size_t)n : 128;
                memcpy(f->probe[kind], b, keep);
                f->probe_len[kind] = keep;
            }
        } else if (memcmp(dst, f->client, al) == 0 && (proto == 1 || proto == 58 || proto == 6) &&
                   ttl != MARK_TTL && ttl != MARK_TTL - 1 && (size_t)n <= 600) {
            for (int r = 0; r < 2; r++) {
                unsigned k;
                if (r && now - f->archived_at < 0.02)
                    break;
                k = f->nreply[r]++ % 512;
                memcpy(f->reply[r][k], b, (size_t)n);
                f->reply_len[r][k] = (size_t)n;
                f->reply_at[r][k] = now;
                if (r)
                    f->archived_at = now;
            }
        }
    }
}

static int addr_pair(const char *s, uint8_t (*out)[16], int max)
{
    char buf[512], *save = NULL;
    int n = 0;

    snprintf(buf, sizeof(buf), "%s", s);
    for (char *t = strtok_r(buf, ",", &save); t && n < 2 * max; t = strtok_r(NULL, ",", &save), n++)
        if (inet_pton(n % 2 ? AF_INET6 : AF_INET, t, out[n / 2 * 2 + n % 2]) != 1)
            return -1;
    return n / 2;
}

static void write_report(const char *path, struct fam *fams)
{
    FILE *o = fopen(path, "w");
    if (!o)
        return;
    fprintf(o, "{");
    for (int v = 0; v < 2; v++) {
        unsigned long total = 0;
        fprintf(o, "%s\"%s\": {", v ? ", " : "", v ? "v6" : "v4");
        for (int c = 0; c < NCLASS; c++) {
            fprintf(o, "\"%s\": %lu, ", cls_name[c], fams[v].sent[c]);
            total += fams[v].sent[c];
        }
        fprintf(o,
                "\"total\": %lu, \"raw_visible\": %lu, \"udp_socket\": %lu, "
                "\"tcp_visible\": %lu}",
                total, fams[v].raw_visible, fams[v].udp_socket, fams[v].tcp_visible);
    }
    fprintf(o, "}\n");
    fclose(o);
}

int main(int argc, char **argv)
{
    static struct fam fams[2];
    const char *iface = NULL, *out = "/dev/stdout";
    bool blind_mode = false;
    double rate = 1000, next;
    int sfd = -1, c = 0, only = -1;
    uint8_t pairs[16][16];

    for (int v = 0; v < 2; v++)
        fams[v].v6 = v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--blind")) {
            blind_mode = true;
            continue;
        }
        i++;
        if (!strcmp(a, "--informed"))
            iface = val;
        else if (!strcmp(a, "--rate"))
            rate = atof(val);
        else if (!strcmp(a, "--out"))
            out = val;
        else if (!strcmp(a, "--only")) /* one class (its number), to look at it alone */
            only = atoi(val);
        else if (!strcmp(a, "--client") || !strcmp(a, "--target") || !strcmp(a, "--spoof")) {
            int n = addr_pair(val, pairs, 8);
            if (n < 1) {
                fprintf(stderr, "hostile: %s: want A4,A6[,A4,A6...]\n", a);
                return 2;
            }
            for (int v = 0; v < 2; v++)
                for (int k = 0; k < n; k++) {
                    uint8_t *dst = !strcmp(a, "--client")   ? fams[v].client
                                   : !strcmp(a, "--target") ? fams[v].target
                                                            : fams[v].spoof[k];
                    memcpy(dst, pairs[2 * k + v], 16);
                    if (!strcmp(a, "--spoof"))
                        fams[v].nspoof = n;
                }
        } else {
            fprintf(stderr, "hostile: unknown option %s\n", a);
            return 2;
        }
    }
    if (!iface && !blind_mode) {
        fprintf(stderr, "hostile: --informed IFACE or --blind\n");
        return 2;
    }
    for (int v = 0; v < 2; v++) {
        fams[v].fd = socket(v ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
        if (fams[v].fd < 0 || !fams[v].nspoof) {
            perror("hostile: raw socket (or no --spoof)");
            return 1;
        }
        int big = 4 << 20;
        setsockopt(fams[v].fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    }
    if (iface) {
        struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
        ll.sll_ifindex = (int)if_nametoindex(iface);
        sfd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
        if (sfd < 0 || !ll.sll_ifindex || bind(sfd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
            perror("hostile: packet socket");
            return 1;
        }
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    srand((unsigned)getpid());
    next = now_s();
    while (!stop) {
        double now = now_s();
        if (sfd >= 0) {
            struct pollfd p = {.fd = sfd, .events = POLLIN};
            int ms = next > now ? (int)((next - now) * 1000) : 0;
            (void)poll(&p, 1, ms > 5 ? 5 : ms);
            sniff(sfd, fams, now_s());
        } else if (next > now) {
            struct timespec ts = {0, (long)((next - now) * 1e9)};
            nanosleep(&ts, NULL);
        }
        now = now_s();
        /* Catch up to the rate (at most a burst of 256 a turn, then the sniffer is read). */
        for (int burst = 0; next <= now && burst < 256; burst++, next += 1.0 / rate) {
            struct fam *f = &fams[c % 2];
            if (blind_mode) {
                blind(f);
                c++;
                continue;
            }
            /* each family takes the classes in turn, skipping those it cannot send yet */
            for (int tries = 0; tries < NCLASS - 1; tries++) {
                enum cls k =
                    only >= 0 ? (enum cls)only : (enum cls)(f->next_class++ % (NCLASS - 1));
                if (informed(f, k, now)) {
                    f->sent[k]++;
                    break;
                }
            }
            c++;
        }
        if (next < now - 1) /* far behind: do not try to make up a whole second */
            next = now;
    }
    write_report(out, fams);
    return 0;
}
