/*
 * tx.c - sending probes: a mode builds each one (ops->build), and what a step has due goes out
 * in one sendmmsg() with each probe's TTL in its own control message; the drain-and-retry
 * that defuses the IP_RECVERR trap; echo requests of a probe's size.
 *
 * Kernel facts relied on (ip(7), sendmmsg(2)):
 *  - with IP_RECVERR every queued ICMP error also sets sk_err, and the next send fails with it
 *    without sending: drain MSG_ERRQUEUE and send again;
 *  - sendmmsg() returns how many messages went out; an error stops it at the message that
 *    failed, reported as -1 only when that was the first.
 */
#include "tx.h"
#include "wire.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#define TX_BATCH 64
#define TX_POOL (256 * 1024)
#define TX_TRIES 4

/* One sendmmsg()'s messages; prober thread only. */
struct tx_batch {
    uint8_t pool[TX_POOL]; /* the packets, one after another */
    struct sockaddr_storage dst[TX_BATCH];
    struct iovec iov[TX_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl[TX_BATCH];
    struct mmsghdr msg[TX_BATCH];
    int ttl[TX_BATCH];
    int index[TX_BATCH]; /* the probe each message is */
};

static bool no_cmsg; /* the kernel refused a TTL control message (IPv4 before Linux 4.9) */

static bool is_pending_icmp_errno(int e)
{
    return e == EHOSTUNREACH || e == ENETUNREACH || e == ECONNREFUSED || e == EPROTO ||
           e == EACCES || e == EMSGSIZE || e == EHOSTDOWN || e == ENONET || e == ENOPROTOOPT;
}

/* The decoder of the error queue a failed send is drained with (none for raw sockets, whose
 * failed send clears sk_err itself). */
static rx_decoder errqueue_decoder(const struct probe_sock *ps)
{
    for (int i = 0; i < ps->ops->nchannels; i++)
        if (ps->ops->channels[i].errqueue && !ps->ops->channels[i].icmp_fd)
            return ps->ops->channels[i].decode;
    return rx_decode_none;
}

/* Message k of b: len bytes at pkt to b->dst[k] with this TTL / hop limit in a control message
 * (ip(7) IP_TTL, RFC 3542 IPV6_HOPLIMIT): no setsockopt() a probe. */
static void add_message(struct tx_batch *b, int k, uint8_t *pkt, size_t len, socklen_t dlen,
                        int ttl)
{
    struct msghdr *m = &b->msg[k].msg_hdr;
    bool v6 = b->dst[k].ss_family == AF_INET6;
    struct cmsghdr *c;

    b->iov[k] = (struct iovec){.iov_base = pkt, .iov_len = len};
    b->ttl[k] = ttl;
    memset(&b->ctl[k], 0, sizeof(b->ctl[k]));
    *m = (struct msghdr){.msg_name = &b->dst[k],
                         .msg_namelen = dlen,
                         .msg_iov = &b->iov[k],
                         .msg_iovlen = 1,
                         .msg_control = b->ctl[k].buf,
                         .msg_controllen = sizeof(b->ctl[k].buf)};
    c = CMSG_FIRSTHDR(m);
    c->cmsg_level = v6 ? SOL_IPV6 : SOL_IP;
    c->cmsg_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
}

/* Sends b's messages from `at`: how many went out, or -1 with errno. A kernel that refuses
 * the control message gets the socket option instead, a message a call, from then on. */
static int send_from(int fd, struct tx_batch *b, int at, int k)
{
    struct msghdr *m = &b->msg[at].msg_hdr;
    int r;

    if (!no_cmsg) {
        if ((r = sendmmsg(fd, b->msg + at, (unsigned)(k - at), 0)) >= 0 || errno != EINVAL)
            return r;
        no_cmsg = true;
    }
    m->msg_control = NULL;
    m->msg_controllen = 0;
    if (sockutil_set_ttl(fd, b->dst[at].ss_family, b->ttl[at]) < 0 || sendmsg(fd, m, 0) < 0)
        return -1;
    return 1;
}

/* Sends b's k messages; each probe's send time and result go to sent_us[] and err[]. */
static void flush(struct probe_sock *ps, struct tx_batch *b, int k, uint64_t *sent_us, int *err)
{
    int at = 0, failed = 0;

    while (at < k) {
        uint64_t t0 = probe_now_us(), t1;
        int r = send_from(ps->fd, b, at, k), e = errno; /* the send's, not a drain's after it */
        /* The j-th of r messages left about j/r of the call's time after it began: the kernel
         * sends them one after another, and one behind its siblings must not read their
         * sending as path delay (a veth lab forwards each one inside the call). */
        t1 = r > 1 ? probe_now_us() : t0;
        for (int j = 0; j < r; j++) {
            sent_us[b->index[at + j]] = t0 + (t1 - t0) * (uint64_t)j / (uint64_t)r;
            err[b->index[at + j]] = 0;
        }
        if (r > 0) {
            at += r, failed = 0;
            continue;
        }
        if (is_pending_icmp_errno(e) && ++failed < TX_TRIES) {
            /* The sk_err trap: a queued ICMP error failed this send without sending. Read the
             * queue (its replies wait in ps->pending) and send again. Read here only: poll's
             * POLLERR has the prober read it otherwise, so a step costs one system call. */
            rx_drain_errqueue(ps, ps->fd, errqueue_decoder(ps));
            ps->counters.send_retries++;
            continue;
        }
        err[b->index[at]] = -(e ? e : EIO);
        ps->counters.send_errors++;
        ps->src_suspect = true;
        at++, failed = 0;
    }
}

void tx_send_many(struct probe_sock *ps, const struct probe_tx *tx, int n, uint64_t *sent_us,
                  int *err)
{
    static struct tx_batch b; /* prober thread only */
    int i = 0;

    while (i < n) {
        size_t used = 0;
        int k = 0;
        for (; i < n && k < TX_BATCH && TX_POOL - used >= PROBE_BUILD_ROOM; i++) {
            unsigned dlen = 0;
            int len = ps->ops->build(ps, &tx[i], b.pool + used, &b.dst[k], &dlen);
            sent_us[i] = 0;
            if (len < 0) {
                err[i] = len;
                ps->counters.send_errors++;
                continue;
            }
            add_message(&b, k, b.pool + used, (size_t)len, dlen, tx[i].ttl);
            b.index[k++] = i;
            used += ((size_t)len + 7) & ~(size_t)7;
        }
        flush(ps, &b, k, sent_us, err);
    }
}

size_t tx_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min)
{
    size_t ip = probe_is_v6(ps) ? 40 : 20;
    size_t want = tx->size ? tx->size : ps->cfg.packet_bytes;
    size_t len = want > ip + min ? want - ip : min;

    return len > 65000 ? 65000 : len;
}

int tx_build_echo(const struct probe_sock *ps, const struct probe_tx *tx, uint16_t id, uint8_t *buf,
                  struct sockaddr_storage *dst, unsigned *dlen)
{
    size_t len = tx_payload_len(ps, tx, 12);

    *dlen = sockutil_sockaddr(&ps->cfg.target, 0, dst);
    wire_build_echo(buf, len, probe_is_v6(ps), id, tx->seq, tx->flow);
    return (int)len;
}
