/*
 * tcp_raw.c - the privileged TCP method: SYNs built by hand on a raw socket (Paris TCP).
 *
 * Source and destination ports stay fixed for the whole trace, so every TTL follows one flow
 * (--flows N: N source ports, each held by a bound socket, one per flow);
 * the probe's identity is the TCP sequence number, seq_base + seq * 65536, which sits in the
 * first 8 bytes of the TCP header and so survives an RFC 792 minimal quote. The target answers
 * with SYN-ACK or RST whose ack is our sequence number + 1 (a RST to a SYN carrying --pmtu's
 * data also acks the data: the low 16 bits, free, tell them apart); routers' Time Exceeded arrive
 * on a raw ICMP socket, quoting the SYN. A bound TCP socket holds the source port so no local
 * connection can take it; our kernel answers a SYN-ACK with a RST, as for any unknown flow.
 */
#include "rx.h"
#include "tx.h"
#include "tcp_raw.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* The local address the kernel would use towards the target. */
static int source_addr(struct probe_sock *ps)
{
    struct sockaddr_storage dst, src;
    socklen_t dlen = sockutil_sockaddr(&ps->cfg.target, ps->cfg.port, &dst), slen = sizeof(src);
    int fd = socket(ps->cfg.target.family, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&dst, dlen) < 0 ||
        getsockname(fd, (struct sockaddr *)&src, &slen) < 0)
        r = -errno;
    else
        sockutil_from_sockaddr(&src, &ps->src);
    close(fd);
    return r;
}

/* Binds a TCP socket to port `port` (0: an ephemeral one) of the source address: flow f's
 * fixed source port. */
static int hold_port(struct probe_sock *ps, int f, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = sockutil_sockaddr(&ps->src, port, &ss);
    int fd = socket(ps->cfg.target.family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int r = -errno;
        close(fd);
        return r;
    }
    ps->fd_reserve[f] = fd;
    ps->sport[f] = sockutil_from_sockaddr(&ss, &ps->src);
    return 0;
}

static int reserve_port(struct probe_sock *ps, int f)
{
    return hold_port(ps, f, 0);
}

/* The source address moves when this host changes networks (a laptop's new address): the
 * SYN's checksum covers it (IPv4), and the ports are held on it. Ask the kernel again once a
 * second, and at once after a send failed (the route or the address went away); when it moved,
 * hold the same ports on the new one (or new ports, when those are taken). */
static void follow_source(struct probe_sock *ps, uint64_t now_us)
{
    struct probe_addr was = ps->src;

    if (!ps->src_suspect && now_us - ps->src_checked_us < 1000000)
        return;
    ps->src_suspect = false;
    ps->src_checked_us = now_us;
    if (source_addr(ps) < 0 || probe_addr_equal(&was, &ps->src))
        return;
    for (int f = 0; f < PROBE_FLOWS_MAX && ps->sport[f]; f++) {
        uint16_t port = ps->sport[f];
        close(ps->fd_reserve[f]);
        ps->fd_reserve[f] = -1;
        if (hold_port(ps, f, port) < 0)
            reserve_port(ps, f);
    }
}

/* The flow of a source port of ours, or -1. */
static int flow_of(const struct probe_sock *ps, uint16_t port)
{
    for (int f = 0; f < PROBE_FLOWS_MAX && ps->sport[f]; f++)
        if (ps->sport[f] == port)
            return f;
    return -1;
}

int tcp_raw_open(struct probe_sock *ps)
{
    bool v6 = probe_is_v6(ps);
    int family = ps->cfg.target.family, r;

    ps->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
    if (ps->fd < 0)
        return -errno;
    ps->fd_icmp =
        socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (ps->fd_icmp < 0)
        return -errno;
    if ((r = sockutil_icmp_filter(ps->fd_icmp, v6)) < 0 ||
        (r = sockutil_setup(ps->fd, family, false)) < 0 ||
        (r = sockutil_setup(ps->fd_icmp, family, false)) < 0 || (r = source_addr(ps)) < 0)
        return r;
    for (int f = 0; f < (ps->cfg.nflows > 1 ? ps->cfg.nflows : 1); f++)
        if ((r = reserve_port(ps, f)) < 0)
            return r;
    if (v6) {
        int offset = 16; /* the kernel fills in the TCP checksum, pseudo-header included */
        if (setsockopt(ps->fd, IPPROTO_IPV6, IPV6_CHECKSUM, &offset, sizeof(offset)) < 0)
            return -errno;
    }
    ps->seq_base = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid() << 16;
    return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* SYN with an MSS option (a bare SYN is dropped by some middleboxes), and data bytes after
 * the header when a size is asked for (--pmtu: a SYN may carry data, RFC 793). */
static size_t build_syn(const struct probe_sock *ps, const struct probe_tx *tx, uint8_t *seg,
                        size_t len)
{
    uint16_t seq = tx->seq;

    memset(seg, 0, len);
    for (size_t i = 24; i < len; i++)
        seg[i] = (uint8_t)('h' + (i % 8));
    put16(seg, ps->sport[tx->flow < PROBE_FLOWS_MAX && ps->sport[tx->flow] ? tx->flow : 0]);
    put16(seg + 2, ps->cfg.port);
    put32(seg + 4, ps->seq_base + ((uint32_t)seq << 16));
    seg[12] = 6 << 4; /* 24-byte header */
    seg[13] = TCP_SYN;
    put16(seg + 14, 64240);
    seg[20] = 2, seg[21] = 4; /* MSS */
    put16(seg + 22, 1460);
    if (!probe_is_v6(ps)) /* IPv4 raw sockets leave the checksum to us */
        put16(seg + 16,
              wire_ip4_l4_checksum(ps->src.bytes, ps->cfg.target.bytes, IPPROTO_TCP, seg, len));
    return len;
}

static int tcp_raw_build(struct probe_sock *ps, const struct probe_tx *tx, uint8_t *seg,
                         struct sockaddr_storage *dst, unsigned *dlen)
{
    size_t len;

    follow_source(ps, probe_now_us());
    len = build_syn(ps, tx, seg, tx->size ? tx_payload_len(ps, tx, 24) : 24);
    if (len > 24 && ps->syn_data[0] != len - 24) {
        ps->syn_data[1] = ps->syn_data[0];
        ps->syn_data[0] = (uint16_t)(len - 24);
    }
    *dlen = sockutil_sockaddr(&ps->cfg.target, 0, dst);
    return (int)len;
}

/* seq from a 32-bit TCP sequence number of ours (seq_base + seq * 65536), plus `data` bytes;
 * or -1. */
static int seq_of(const struct probe_sock *ps, uint32_t tcp_seq, uint32_t data)
{
    uint32_t d = tcp_seq - ps->seq_base;
    return (d & 0xffff) == data ? (int)(d >> 16) : -1;
}

/* Parses one packet of a raw socket (tcp: the TCP one, else the ICMP one); -1 malformed. */
static int parse_packet(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *buf,
                        size_t len, bool tcp, struct probe_parsed *pp, int *ttl)
{
    bool v6 = probe_is_v6(ps);
    int r;

    memset(pp, 0, sizeof(*pp));
    if (v6)
        sockutil_from_sockaddr(&rx->name, &pp->from);
    if (tcp)
        r = v6 ? parse_tcp(buf, len, pp) : parse_ip4_tcp(buf, len, pp);
    else
        r = v6 ? parse_icmp6(buf, len, pp) : parse_ip4_icmp(buf, len, pp);
    if (r < 0)
        ps->counters.malformed++;
    *ttl = v6 ? rx->ttl : pp->ttl;
    return r;
}

/* seq from the ack of the target's answer: our sequence number + 1 (a SYN-ACK, or a RST to
 * a bare SYN), + the data length for a RST to a SYN with data (--pmtu's sized probes). */
static int seq_of_ack(const struct probe_sock *ps, const struct probe_parsed *pp)
{
    int seq = seq_of(ps, pp->tcp_ack - 1, 0);

    for (int i = 0; i < 2 && seq < 0 && (pp->tcp_flags & TCP_RST); i++)
        if (ps->syn_data[i])
            seq = seq_of(ps, pp->tcp_ack - 1, ps->syn_data[i]);
    return seq;
}

/* The target's SYN-ACK or RST: its ack is our sequence number + 1 (+ data). */
static int decode_tcp(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *buf,
                      size_t len, struct probe_reply *r)
{
    struct probe_parsed pp;
    int ttl, seq;

    if (parse_packet(ps, rx, buf, len, true, &pp, &ttl) < 0)
        return -1;
    if (!probe_addr_equal(&pp.from, &ps->cfg.target) || pp.tcp_sport != ps->cfg.port ||
        flow_of(ps, pp.tcp_dport) < 0 || !(pp.tcp_flags & (TCP_RST | TCP_SYN)) ||
        !(pp.tcp_flags & TCP_ACK) || (seq = seq_of_ack(ps, &pp)) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    rx_reply(r, &pp.from, PROBE_REPLY_DEST, seq, ttl, rx->rx_us);
    return 0;
}

/* An ICMP error quoting one of our SYNs: our ports, our sequence number. */
static int decode_icmp(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *buf,
                       size_t len, struct probe_reply *r)
{
    struct probe_parsed pp;
    int ttl, seq;

    if (parse_packet(ps, rx, buf, len, false, &pp, &ttl) < 0)
        return -1;
    seq = flow_of(ps, pp.quoted_sport) >= 0 && pp.quoted_dport == ps->cfg.port
              ? seq_of(ps, pp.quoted_tcp_seq, 0)
              : -1;
    if (rx_quoted_reply(ps, &pp, IPPROTO_TCP, seq, ttl, rx->rx_us, r) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    return 0;
}

static int tcp_raw_pollfds(struct probe_sock *ps, struct pollfd *fds, int max)
{
    if (max < 2)
        return 0;
    fds[0] = (struct pollfd){.fd = ps->fd, .events = POLLIN};
    fds[1] = (struct pollfd){.fd = ps->fd_icmp, .events = POLLIN};
    return 2;
}

void tcp_raw_close(struct probe_sock *ps)
{
    int *fds[2 + PROBE_FLOWS_MAX] = {&ps->fd, &ps->fd_icmp};
    for (int f = 0; f < PROBE_FLOWS_MAX; f++)
        fds[2 + f] = &ps->fd_reserve[f];
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

static const struct probe_channel raw_channels[] = {
    {.icmp_fd = true, .decode = decode_icmp},
    {.decode = decode_tcp},
};

const struct probe_ops probe_tcp_raw_ops = {
    .mode = PROBE_TCP,
    .name = "tcp",
    .open = tcp_raw_open,
    .build = tcp_raw_build,
    .channels = raw_channels,
    .nchannels = 2,
    .drain = rx_drain,
    .pollfds = tcp_raw_pollfds,
    .forget = NULL,
    .close = tcp_raw_close,
};
