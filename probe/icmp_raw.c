/*
 * icmp_raw.c - SOCK_RAW ICMP / ICMPv6 echo probes (needs root or CAP_NET_RAW).
 *
 * The echo id is ours (random per process) and the seq is the prober's sequence number; a
 * payload word keeps the checksum constant so every TTL follows one flow (Paris). Time Exceeded
 * and Destination Unreachable are matched through the quoted echo header (id, seq) and the
 * quoted destination; Echo Reply directly. An ICMP filter wakes us only for those types.
 */
#include "share.h"
#include "rx.h"
#include "tx.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int raw_open(struct probe_sock *ps)
{
    bool v6 = probe_is_v6(ps);
    int fd, r;

    if (ps->cfg.share)
        return probe_share_join(ps->cfg.share, ps);
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);

    if (fd < 0)
        return -errno;
    if ((r = sockutil_icmp_filter(fd, v6)) < 0 ||
        (r = sockutil_setup(fd, v6 ? AF_INET6 : AF_INET, false))) {
        close(fd);
        return r;
    }
    ps->fd = fd;
    ps->echo_ident = (uint16_t)(getpid() ^ (unsigned)time(NULL) ^ (unsigned)(uintptr_t)ps);
    return 0;
}

static int raw_build(struct probe_sock *ps, const struct probe_tx *tx, uint8_t *buf,
                     struct sockaddr_storage *dst, unsigned *dlen)
{
    return tx_build_echo(ps, tx, ps->echo_ident, buf, dst, dlen);
}

/* Our probe's seq in an echo header, or -1. */
static int echo_seq(const struct probe_sock *ps, const struct probe_parsed *pp)
{
    return pp->echo_id == ps->echo_ident ? pp->echo_seq : -1;
}

/* One packet of the raw socket: an echo reply from the target, or an error quoting an echo. */
static int raw_decode(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *buf,
                      size_t len, struct probe_reply *r)
{
    bool v6 = probe_is_v6(ps);
    struct probe_parsed pp;
    int ok, seq;

    memset(&pp, 0, sizeof(pp));
    if (v6)
        sockutil_from_sockaddr(&rx->name, &pp.from);
    if ((v6 ? parse_icmp6(buf, len, &pp) : parse_ip4_icmp(buf, len, &pp)) < 0) {
        ps->counters.malformed++;
        return -1;
    }
    seq = echo_seq(ps, &pp);
    if (pp.is_echo_reply) {
        ok = seq >= 0 && probe_addr_equal(&pp.from, &ps->cfg.target);
        if (ok) {
            rx_reply(r, &pp.from, PROBE_REPLY_DEST, seq, v6 ? rx->ttl : pp.ttl, rx->rx_us);
            r->icmp_type = pp.type;
            r->icmp_code = pp.code;
        }
    } else {
        ok = rx_quoted_reply(ps, &pp, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, seq,
                             v6 ? rx->ttl : pp.ttl, rx->rx_us, r) == 0;
    }
    if (!ok)
        ps->counters.foreign++;
    return ok ? 0 : -1;
}

static const struct probe_channel raw_channels[] = {{.decode = raw_decode}};

/* Joined to a share, the share reads the socket and fills the pending replies. */
static int raw_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    return ps->share ? rx_take_pending(ps, out, max) : rx_drain(ps, out, max);
}

static int raw_pollfds(struct probe_sock *ps, struct pollfd *fds, int max)
{
    return ps->share ? 0 : sockutil_pollfds_main(ps, fds, max);
}

static void raw_close(struct probe_sock *ps)
{
    if (ps->share)
        probe_share_leave(ps->share, ps);
    else
        sockutil_close_main(ps);
}

const struct probe_ops probe_icmp_raw_ops = {
    .mode = PROBE_ICMP_RAW,
    .name = "icmp-raw",
    .open = raw_open,
    .build = raw_build,
    .channels = raw_channels,
    .nchannels = 1,
    .drain = raw_drain,
    .pollfds = raw_pollfds,
    .forget = NULL,
    .close = raw_close,
};
