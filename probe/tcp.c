/*
 * tcp.c - TCP SYN probes through non-blocking connect(), with or without privilege.
 *
 * With CAP_NET_RAW the mode uses raw SYNs instead (tcp_raw.c: fixed ports, one flow): open
 * puts that variant's operations in ps->ops.
 *
 * Without it, each probe is its own socket: IP_TTL (hop limit) set, IP_RECVERR on, connect()
 * started. When the SYN expires, the ICMP Time Exceeded lands on that socket's error queue with the
 * offender; when it reaches the target, connect() completes (SYN-ACK: we close at once) or
 * fails with ECONNREFUSED (RST). The socket itself is the probe's identity, so the flow (the
 * ephemeral source port) changes per probe. Sockets of probes the prober gave up on are closed.
 */
#include "rx.h"
#include "tx.h"
#include "tcp_raw.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tcp_open(struct probe_sock *ps)
{
    int fd;

    if (tcp_raw_open(ps) == 0) {
        ps->ops = &probe_tcp_raw_ops;
        ps->method = "raw SYN, fixed ports";
        return 0;
    }
    tcp_raw_close(ps);
    fd = socket(ps->cfg.target.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    close(fd);
    ps->tcp = calloc(PROBE_SEQ_SPACE, sizeof(*ps->tcp));
    if (!ps->tcp)
        return -ENOMEM;
    for (int i = 0; i < PROBE_SEQ_SPACE; i++)
        ps->tcp[i].fd = -1;
    ps->fd = -1;
    ps->method = "connect(), a new source port per probe";
    return 0;
}

static void slot_close(struct tcp_slot *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static void queue_reply(struct probe_sock *ps, const struct probe_reply *r)
{
    if (ps->npending < PROBE_PENDING_MAX)
        ps->pending[ps->npending++] = *r;
}

/* A reply from the target itself (SYN-ACK or RST). */
static void dest_reply(struct probe_sock *ps, uint16_t seq, struct probe_reply *r)
{
    memset(r, 0, sizeof(*r));
    r->from = ps->cfg.target;
    r->kind = PROBE_REPLY_DEST;
    r->seq = seq;
    r->reply_ttl = -1;
    r->rx_us = probe_now_us();
}

static int tcp_send(struct probe_sock *ps, const struct probe_tx *tx, uint64_t *sent_us)
{
    int ttl = tx->ttl;
    uint16_t seq = tx->seq;
    struct tcp_slot *s = &ps->tcp[seq % PROBE_SEQ_SPACE];
    struct sockaddr_storage dst;
    socklen_t dlen = sockutil_sockaddr(&ps->cfg.target, ps->cfg.port, &dst);
    int family = ps->cfg.target.family;
    int fd, r;

    slot_close(s);
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        ps->counters.send_errors++;
        return -errno;
    }
    if ((r = sockutil_setup(fd, family, true)) < 0 || (r = sockutil_set_ttl(fd, family, ttl)) < 0) {
        close(fd);
        ps->counters.send_errors++;
        return r;
    }
    *sent_us = probe_now_us();
    if (connect(fd, (struct sockaddr *)&dst, dlen) == 0 || errno == ECONNREFUSED) {
        struct probe_reply rep;
        dest_reply(ps, seq, &rep);
        queue_reply(ps, &rep);
        close(fd);
        return 0;
    }
    if (errno != EINPROGRESS) {
        r = -errno;
        close(fd);
        ps->counters.send_errors++;
        return r;
    }
    s->fd = fd;
    s->seq = seq;
    return 0;
}

static int tcp_decode_err(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                          size_t len, struct probe_reply *r)
{
    if (rx_ee_reply(ps, rx, p, len, r) < 0) {
        ps->counters.foreign++;
        return -1;
    }
    return 0;
}

/* Looks at one in-flight socket; queues a reply and frees the slot when it has an outcome. */
static void tcp_check(struct probe_sock *ps, struct tcp_slot *s)
{
    struct probe_reply r;
    int err = 0;
    socklen_t elen = sizeof(err);

    if (rx_read(ps, s->fd, MSG_ERRQUEUE, tcp_decode_err, &r, 1) == 1) {
        r.seq = s->seq; /* the socket is the probe's identity */
        queue_reply(ps, &r);
        slot_close(s);
        return;
    }
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
        return;
    if (err == ECONNREFUSED || err == ECONNRESET) {
        dest_reply(ps, s->seq, &r);
        queue_reply(ps, &r);
        slot_close(s);
    } else if (err == 0) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        if (getpeername(s->fd, (struct sockaddr *)&peer, &plen) == 0) {
            dest_reply(ps, s->seq, &r);
            queue_reply(ps, &r);
            slot_close(s);
        }
    }
}

static int tcp_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    for (int i = 0; i < PROBE_SEQ_SPACE && ps->npending < PROBE_PENDING_MAX; i++)
        if (ps->tcp[i].fd >= 0)
            tcp_check(ps, &ps->tcp[i]);
    return rx_take_pending(ps, out, max);
}

static int tcp_pollfds(struct probe_sock *ps, struct pollfd *fds, int max)
{
    int n = 0;

    for (int i = 0; i < PROBE_SEQ_SPACE && n < max; i++) {
        if (ps->tcp[i].fd < 0)
            continue;
        fds[n].fd = ps->tcp[i].fd;
        fds[n].events = POLLOUT | POLLERR;
        n++;
    }
    return n;
}

static void tcp_forget(struct probe_sock *ps, uint16_t seq)
{
    struct tcp_slot *s;

    if (!ps->tcp)
        return;
    s = &ps->tcp[seq % PROBE_SEQ_SPACE];
    if (s->fd >= 0 && s->seq == seq)
        slot_close(s);
}

static void tcp_close(struct probe_sock *ps)
{
    tcp_raw_close(ps); /* what a failed raw open left */
    if (ps->tcp) {
        for (int i = 0; i < PROBE_SEQ_SPACE; i++)
            slot_close(&ps->tcp[i]);
        free(ps->tcp);
        ps->tcp = NULL;
    }
}

/* Read on each probe's own socket (tcp_check), not through rx_drain. */
static const struct probe_channel tcp_channels[] = {{.errqueue = true, .decode = tcp_decode_err}};

const struct probe_ops probe_tcp_ops = {
    .mode = PROBE_TCP,
    .name = "tcp",
    .open = tcp_open,
    .send = tcp_send,
    .fixed_size = true, /* a SYN through connect() carries no payload */
    .channels = tcp_channels,
    .nchannels = 1,
    .drain = tcp_drain,
    .pollfds = tcp_pollfds,
    .forget = tcp_forget,
    .close = tcp_close,
};
