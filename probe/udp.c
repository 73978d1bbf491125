/*
 * udp.c - unprivileged UDP probes with IP_RECVERR / IPV6_RECVERR.
 *
 * One unconnected socket; a probe's identity is its destination port (base + seq), which the
 * kernel hands back as msg_name of the error-queue entry. The payload is not used for matching:
 * a router that quotes only 8 bytes of UDP header leaves an empty payload on the error queue.
 * Port Unreachable from the target marks the destination; so does a UDP answer from it.
 * (The destination port varies per probe: like classic traceroute, not Paris.)
 */
#include "sockutil.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

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
    return 0;
}

static uint16_t base_port(const struct probe_sock *ps)
{
    return ps->cfg.port ? ps->cfg.port : PROBE_UDP_BASE_PORT;
}

/* seq from the original destination port, or -1. */
static int seq_of(const struct probe_sock *ps, const struct sockaddr_storage *name)
{
    struct probe_addr dst;
    uint16_t port = sockutil_from_sockaddr(name, &dst);
    int seq = (int)port - base_port(ps);

    if (!probe_addr_equal(&dst, &ps->cfg.target) || seq < 0 || seq >= PROBE_SEQ_SPACE)
        return -1;
    return seq;
}

static int udp_decode_err(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                          size_t len, struct probe_reply *r)
{
    int seq = seq_of(ps, &rx->name);

    (void)p, (void)len;
    if (seq < 0 || sockutil_ee_reply(ps, rx, r) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    r->seq = (uint16_t)seq;
    return 0;
}

static int udp_send(struct probe_sock *ps, int ttl, uint16_t seq, uint64_t *sent_us)
{
    uint8_t buf[65536];
    struct sockaddr_storage dst;
    socklen_t dlen = sockutil_sockaddr(&ps->cfg.target, (uint16_t)(base_port(ps) + seq), &dst);
    size_t hdr = (ps->cfg.target.family == AF_INET6 ? 40 : 20) + 8;
    size_t len = ps->cfg.packet_bytes > hdr ? ps->cfg.packet_bytes - hdr : 0;
    int r;

    if (len > sizeof(buf))
        len = sizeof(buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)('h' + (i % 8));
    if ((r = sockutil_set_ttl(ps->fd, ps->cfg.target.family, ttl)) < 0)
        return r;
    return sockutil_send(ps, ps->fd, buf, len, &dst, dlen, udp_decode_err, sent_us);
}

/* A UDP answer: the target has that port open. msg_name is the sender, whose source port is
 * our destination port. */
static int udp_decode_answer(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                             size_t len, struct probe_reply *r)
{
    int seq = seq_of(ps, &rx->name);
    struct probe_addr from;

    (void)p, (void)len;
    if (seq < 0) {
        ps->counters.foreign++;
        return -1;
    }
    sockutil_from_sockaddr(&rx->name, &from);
    sockutil_reply(r, &from, PROBE_REPLY_DEST, seq, rx->ttl, rx->rx_us);
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
    .send = udp_send,
    .channels = udp_channels,
    .nchannels = 2,
    .drain = sockutil_drain,
    .pollfds = sockutil_pollfds_main,
    .forget = NULL,
    .close = sockutil_close_main,
};
