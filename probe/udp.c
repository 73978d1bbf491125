/*
 * udp.c - unprivileged UDP probes with IP_RECVERR / IPV6_RECVERR.
 *
 * One unconnected socket with one source port, and one destination port (the base port): every
 * probe of every TTL belongs to one flow, so a per-flow load balancer keeps them on one path
 * (Paris). --flows N: flow f uses destination port base + f. A probe's identity is in its payload:
 * "HW", the sequence number, and a word that keeps the payload's sum (and so the UDP checksum) the
 * same for every probe. The error queue hands back the quoted payload with msg_name = the original
 * destination.
 *
 * A router that quotes only 8 bytes of UDP (RFC 792's minimum; RFC 1812 asks for more) leaves
 * an empty payload: no probe can be told from another through it. The first such error
 * switches the socket to classic ports (destination port = base + seq % 4096, traceroute's way),
 * where the kernel's msg_name alone names the probe; it is counted in `short_quotes`. Port
 * Unreachable from the target marks the destination; so does a UDP answer from it (matched by port
 * in classic mode; with fixed ports, by the payload it echoes, if it does).
 */
#include "rx.h"
#include "tx.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Classic ports' bookkeeping, made when a router first quotes too little (8.7 KB a socket). */
struct udp_classic {
    uint64_t sent[PROBE_SEQ_SPACE / 64]; /* the ports a probe went to since */
    uint16_t seq[PROBE_SEQ_SPACE];       /* ... and that probe's seq */
};

static int udp_open(struct probe_sock *ps)
{
    int family = ps->cfg.target.family;
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
    int r;

    if (fd < 0)
        return -errno;
    if ((r = sockutil_setup(fd, family, true)) < 0) {
        close(fd);
        return r;
    }
    ps->fd = fd;
    ps->udp_classic = false;
    ps->method = "fixed ports (one flow), the probe told by its payload";
    return 0;
}

static void udp_close(struct probe_sock *ps)
{
    free(ps->classic);
    ps->classic = NULL;
    sockutil_close_main(ps);
}

static uint16_t base_port(const struct probe_sock *ps)
{
    return ps->cfg.port ? ps->cfg.port : PROBE_UDP_BASE_PORT;
}

#define UDP_ID_BYTES 6 /* 'H' 'W' seq comp */

/* The probe's identity in its first payload bytes; the rest is a recognizable pattern. */
static void build_payload(uint8_t *buf, size_t len, uint16_t seq)
{
    uint16_t comp = (uint16_t)~seq; /* seq + comp = 0xffff: the sum is constant */

    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)('h' + (i % 8));
    buf[0] = 'H';
    buf[1] = 'W';
    buf[2] = (uint8_t)(seq >> 8);
    buf[3] = (uint8_t)seq;
    buf[4] = (uint8_t)(comp >> 8);
    buf[5] = (uint8_t)comp;
}

/* seq from a quoted or echoed payload, -1 when it is not one of ours, -2 when it is too
 * short to say (a quote cut before the identity). */
static int payload_seq(const uint8_t *p, size_t len)
{
    int seq;

    if (len < UDP_ID_BYTES)
        return -2;
    if (p[0] != 'H' || p[1] != 'W')
        return -1;
    seq = p[2] << 8 | p[3];
    return (seq + (p[4] << 8 | p[5])) == 0xffff ? seq : -1;
}

/* The seq of the probe last sent to classic port base + slot, or -1: only those errors may be
 * told by port (not an earlier fixed-port probe's). */
static int classic_seq(const struct probe_sock *ps, int slot)
{
    const struct udp_classic *c = ps->classic;

    return c && c->sent[slot / 64] >> (slot % 64) & 1 ? c->seq[slot] : -1;
}

static void note_sent(struct probe_sock *ps, uint16_t seq)
{
    int slot = seq % PROBE_SEQ_SPACE;
    uint64_t bit = (uint64_t)1 << (slot % 64);
    struct udp_classic *c = ps->classic;

    if (!c) /* fixed ports so far: nothing to note */
        return;
    c->seq[slot] = seq;
    if (ps->udp_classic)
        c->sent[slot / 64] |= bit;
    else
        c->sent[slot / 64] &= ~bit;
}

/* seq from the original destination and, with fixed ports, the payload; or -1. An empty
 * quote (quoted: from the error queue) switches to classic ports. */
static int seq_of(struct probe_sock *ps, const struct sockaddr_storage *name, const uint8_t *p,
                  size_t len, bool quoted)
{
    struct probe_addr dst;
    /* the destination port less the base, modulo 2^16 as ports wrap */
    int port = (uint16_t)(sockutil_from_sockaddr(name, &dst) - base_port(ps));
    int seq = payload_seq(p, len);

    if (!probe_addr_equal(&dst, &ps->cfg.target))
        return -1;
    if (seq == -2 && quoted && !ps->udp_classic) {
        ps->counters.short_quotes++;
        /* this probe is lost to us; the next ones are told by port (out of memory: not) */
        ps->udp_classic = ps->classic || (ps->classic = calloc(1, sizeof(*ps->classic)));
        return -1;
    }
    if (seq >= 0 && port >= 0 && port < PROBE_FLOWS_MAX)
        return seq; /* fixed ports (base + flow): the payload says */
    if (ps->udp_classic && port < PROBE_SEQ_SPACE)
        return classic_seq(ps, port); /* a probe sent to classic ports */
    return -1;
}

static int udp_decode_err(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                          size_t len, struct probe_reply *r)
{
    int seq = seq_of(ps, &rx->name, p, len, true);

    if (seq < 0 || rx_ee_reply(ps, rx, p, len, r) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    r->seq = (uint16_t)seq;
    return 0;
}

static int udp_build(struct probe_sock *ps, const struct probe_tx *tx, uint8_t *buf,
                     struct sockaddr_storage *dst, unsigned *dlen)
{
    uint16_t port =
        (uint16_t)(base_port(ps) + (ps->udp_classic ? tx->seq % PROBE_SEQ_SPACE : tx->flow));
    size_t len = tx_payload_len(ps, tx, 8 + UDP_ID_BYTES) - 8; /* less the UDP header */

    *dlen = sockutil_sockaddr(&ps->cfg.target, port, dst);
    build_payload(buf, len, tx->seq);
    note_sent(ps, tx->seq);
    return (int)len;
}

/* A UDP answer: the target has that port open. msg_name is the sender, whose source port is
 * our destination port; an echo service hands our payload back. */
static int udp_decode_answer(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                             size_t len, struct probe_reply *r)
{
    int seq = seq_of(ps, &rx->name, p, len, false);
    struct probe_addr from;

    if (seq < 0) {
        ps->counters.foreign++;
        return -1;
    }
    sockutil_from_sockaddr(&rx->name, &from);
    rx_reply(r, &from, PROBE_REPLY_DEST, seq, rx->ttl, rx->rx_us);
    return 0;
}

static const struct probe_channel udp_channels[] = {
    {.errqueue = true, .decode = udp_decode_err},
    {.decode = udp_decode_answer},
};

const struct probe_ops probe_udp_ops = {
    .mode = PROBE_UDP,
    .name = "udp",
    .open = udp_open,
    .build = udp_build,
    .channels = udp_channels,
    .nchannels = 2,
    .drain = rx_drain,
    .pollfds = sockutil_pollfds_main,
    .forget = NULL,
    .close = udp_close,
};
