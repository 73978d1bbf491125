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

#include "hostile.h"

static const char *cls_name[NCLASS] = {
    "never_sent",         "near_id",   "near_seq_4096", "near_seq_32768", "truncated",
    "oversized",          "lying_ihl", "bad_checksum",  "lying_ext",      "other_echo",
    "unreach_never_sent", "duplicate", "stale",         "tcp_bad_sum",    "tcp_near_ack",
    "tcp_rst_never_sent", "blind"};

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

static const uint8_t *spoof(struct fam *f)
{
    return f->spoof[(unsigned)rand() % (unsigned)f->nspoof];
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
