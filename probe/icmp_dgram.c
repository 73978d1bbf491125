/*
 * icmp_dgram.c - unprivileged ICMP datagram ("ping") socket probes.
 *
 * Allowed when the caller's group is inside net.ipv4.ping_group_range (which also gates IPv6;
 * "1 0" - nobody - in every new network namespace). The kernel owns the echo id (the socket's
 * port) and routes Echo Replies to this socket only; we own seq and the payload, and keep the
 * checksum constant with a payload word. Time Exceeded and Unreachable arrive on the error
 * queue (IP_RECVERR / IPV6_RECVERR): the offender from SO_EE_OFFENDER, the payload the echo
 * header we sent, so the seq survives even an 8-byte quote.
 */
#include "rx.h"
#include "tx.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static int dgram_open(struct probe_sock *ps)
{
    bool v6 = probe_is_v6(ps);
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    int r;

    if (fd < 0)
        return -errno;
    if ((r = sockutil_setup(fd, v6 ? AF_INET6 : AF_INET, true)) < 0) {
        close(fd);
        return r;
    }
    ps->fd = fd;
    return 0;
}

/* An error-queue entry: the echo request we sent, and who could not forward it. */
static int dgram_decode_err(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                            size_t len, struct probe_reply *r)
{
    struct probe_parsed pp;
    struct probe_addr dst;

    memset(&pp, 0, sizeof(pp));
    sockutil_from_sockaddr(&rx->name, &dst);
    if (parse_echo(p, len, probe_is_v6(ps), &pp) < 0 || pp.is_echo_reply) {
        ps->counters.malformed++;
        return -1;
    }
    if (!probe_addr_equal(&dst, &ps->cfg.target) || rx_ee_reply(ps, rx, p, len, r) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    r->seq = pp.echo_seq;
    return 0;
}

/* A normal read: an echo reply from the target. */
static int dgram_decode_echo(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                             size_t len, struct probe_reply *r)
{
    struct probe_parsed pp;
    struct probe_addr from;

    memset(&pp, 0, sizeof(pp));
    if (parse_echo(p, len, probe_is_v6(ps), &pp) < 0 || !pp.is_echo_reply) {
        ps->counters.malformed++;
        return -1;
    }
    sockutil_from_sockaddr(&rx->name, &from);
    if (!probe_addr_equal(&from, &ps->cfg.target)) {
        ps->counters.foreign++;
        return -1;
    }
    rx_reply(r, &from, PROBE_REPLY_DEST, pp.echo_seq, rx->ttl, rx->rx_us);
    r->icmp_type = pp.type;
    return 0;
}

static int dgram_build(struct probe_sock *ps, const struct probe_tx *tx, uint8_t *buf,
                       struct sockaddr_storage *dst, unsigned *dlen)
{
    return tx_build_echo(ps, tx, 0, buf, dst, dlen); /* the kernel sets the id */
}

static const struct probe_channel dgram_channels[] = {
    {.errqueue = true, .decode = dgram_decode_err},
    {.decode = dgram_decode_echo},
};

const struct probe_ops probe_icmp_dgram_ops = {
    .mode = PROBE_ICMP_DGRAM,
    .name = "icmp-dgram",
    .open = dgram_open,
    .build = dgram_build,
    .channels = dgram_channels,
    .nchannels = 2,
    .drain = rx_drain,
    .pollfds = sockutil_pollfds_main,
    .forget = NULL,
    .close = sockutil_close_main,
};
