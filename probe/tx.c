/*
 * tx.c - sending a probe: one sendmsg() with the TTL in a control message, and the
 * drain-and-retry that defuses the IP_RECVERR trap; echo requests of a probe's size.
 *
 * Kernel fact relied on (ip(7)): with IP_RECVERR every queued ICMP error also sets sk_err, and
 * the next sendto() fails with it without sending: drain MSG_ERRQUEUE and retry.
 */
#include "tx.h"
#include "wire.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

static bool is_pending_icmp_errno(int e)
{
    return e == EHOSTUNREACH || e == ENETUNREACH || e == ECONNREFUSED || e == EPROTO ||
           e == EACCES || e == EMSGSIZE || e == EHOSTDOWN || e == ENONET || e == ENOPROTOOPT;
}

/* One sendmsg() with the TTL / hop limit in a control message (ip(7) IP_TTL, RFC 3542
 * IPV6_HOPLIMIT): no setsockopt() a probe. A kernel that refuses the control message (before
 * Linux 4.9 for IPv4) gets the socket option instead, from then on. */
static ssize_t send_ttl(int fd, const void *buf, size_t len, const struct sockaddr_storage *dst,
                        socklen_t dst_len, int ttl)
{
    static bool no_cmsg; /* prober thread only */
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = (void *)(uintptr_t)buf,
                        .iov_len = len}; /* sendmsg reads them */
    struct msghdr msg = {.msg_name = (void *)(uintptr_t)dst,
                         .msg_namelen = dst_len,
                         .msg_iov = &iov,
                         .msg_iovlen = 1};
    bool v6 = dst->ss_family == AF_INET6;
    struct cmsghdr *c;
    ssize_t n;

    if (!no_cmsg) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = v6 ? SOL_IPV6 : SOL_IP;
        c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
        if ((n = sendmsg(fd, &msg, 0)) >= 0 || errno != EINVAL)
            return n;
        no_cmsg = true;
        msg.msg_control = NULL;
        msg.msg_controllen = 0;
    }
    if (sockutil_set_ttl(fd, v6 ? AF_INET6 : AF_INET, ttl) < 0)
        return -1;
    return sendmsg(fd, &msg, 0);
}

int tx_send(struct probe_sock *ps, int fd, const void *buf, size_t len, int ttl,
            const struct sockaddr_storage *dst, socklen_t dst_len, rx_decoder decode,
            uint64_t *sent_us)
{
    int err = EIO;

    for (int attempt = 0; attempt < 4; attempt++) {
        *sent_us = probe_now_us();
        if (send_ttl(fd, buf, len, dst, dst_len, ttl) >= 0)
            return 0;
        err = errno; /* the send's, not the error queue read's after it */
        if (!decode || !is_pending_icmp_errno(err))
            break;
        /* The sk_err trap: a queued ICMP error failed this send without sending. Read the
         * queue (its replies wait in ps->pending) and send again. Read here only: poll's
         * POLLERR has the prober read it otherwise, so a probe costs one system call. */
        rx_drain_errqueue(ps, fd, decode);
        ps->counters.send_retries++;
    }
    ps->counters.send_errors++;
    return -err;
}

size_t tx_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min)
{
    size_t ip = probe_is_v6(ps) ? 40 : 20;
    size_t want = tx->size ? tx->size : ps->cfg.packet_bytes;
    size_t len = want > ip + min ? want - ip : min;

    return len > 65000 ? 65000 : len;
}

int tx_send_echo(struct probe_sock *ps, const struct probe_tx *tx, uint16_t id, rx_decoder decode,
                 uint64_t *sent_us)
{
    static uint8_t buf[65536]; /* prober thread only */
    struct sockaddr_storage dst;
    socklen_t dlen = sockutil_sockaddr(&ps->cfg.target, 0, &dst);
    bool v6 = probe_is_v6(ps);
    size_t len = tx_payload_len(ps, tx, 12);

    wire_build_echo(buf, len, v6, id, tx->seq, tx->flow);
    return tx_send(ps, ps->fd, buf, len, tx->ttl, &dst, dlen, decode, sent_us);
}
