/*
 * icmp_raw.c - SOCK_RAW ICMP / ICMPv6 echo probes (needs root or CAP_NET_RAW).
 *
 * The echo id is ours (random per process) and the seq is the prober's sequence number; a
 * payload word keeps the checksum constant so every TTL follows one flow (Paris). Time Exceeded
 * and Destination Unreachable are matched through the quoted echo header (id, seq) and the
 * quoted destination; Echo Reply directly. An ICMP filter wakes us only for those types.
 */
#include "parse.h"
#include "sockutil.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool is_v6(const struct probe_sock *ps)
{
    return ps->cfg.target.family == AF_INET6;
}

static int raw_open(struct probe_sock *ps)
{
    bool v6 = is_v6(ps);
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    int r;

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

static int raw_send(struct probe_sock *ps, int ttl, uint16_t seq, uint64_t *sent_us)
{
    return sockutil_send_echo(ps, ttl, seq, ps->echo_ident, sockutil_decode_none, sent_us);
}

/* Decides whether a parsed packet answers one of our probes; fills r. */
static int raw_match(struct probe_sock *ps, const struct probe_parsed *pp, int ttl, uint64_t rx_us,
                     struct probe_reply *r)
{
    bool v6 = is_v6(ps);

    memset(r, 0, sizeof(*r));
    r->from = pp->from;
    r->icmp_type = pp->type;
    r->icmp_code = pp->code;
    r->reply_ttl = (int16_t)ttl;
    r->rx_us = rx_us;
    if (pp->is_echo_reply) {
        if (pp->echo_id != ps->echo_ident || pp->echo_seq >= PROBE_SEQ_SPACE ||
            !probe_addr_equal(&pp->from, &ps->cfg.target))
            return -1;
        r->seq = pp->echo_seq;
        r->kind = PROBE_REPLY_DEST;
        return 0;
    }
    if (!pp->is_error || !pp->has_quoted_l4 ||
        pp->quoted_proto != (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) || pp->echo_id != ps->echo_ident ||
        pp->echo_seq >= PROBE_SEQ_SPACE || !probe_addr_equal(&pp->quoted_dst, &ps->cfg.target))
        return -1;
    r->seq = pp->echo_seq;
    r->kind = sockutil_error_kind(ps, v6, pp->type, &pp->from);
    return 0;
}

static int raw_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    uint8_t buf[4096];
    struct probe_rx rx;
    ssize_t n;
    int got = sockutil_take_pending(ps, out, max);

    while (got < max && (n = sockutil_recv(ps, ps->fd, 0, buf, sizeof(buf), &rx)) >= 0) {
        struct probe_parsed pp;
        int r, ttl;

        memset(&pp, 0, sizeof(pp));
        if (is_v6(ps)) {
            sockutil_from_sockaddr(&rx.name, &pp.from);
            r = parse_icmp6(buf, (size_t)n, &pp);
            ttl = rx.ttl;
        } else {
            r = parse_ip4_icmp(buf, (size_t)n, &pp);
            ttl = pp.ttl;
        }
        if (r < 0) {
            ps->counters.malformed++;
            continue;
        }
        if (raw_match(ps, &pp, ttl, rx.rx_us, &out[got]) < 0) {
            ps->counters.foreign++;
            continue;
        }
        got++;
    }
    return got;
}

const struct probe_ops probe_icmp_raw_ops = {
    .mode = PROBE_ICMP_RAW,
    .name = "icmp-raw",
    .open = raw_open,
    .send = raw_send,
    .drain = raw_drain,
    .pollfds = sockutil_pollfds_main,
    .forget = NULL,
    .close = sockutil_close_main,
};
