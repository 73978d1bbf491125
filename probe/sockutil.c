/*
 * sockutil.c - recvmsg/cmsg decoding, drain-and-retry sends, error-queue replies.
 *
 * Kernel facts relied on (ip(7), socket(7), and the kernel's net/ipv4/ip_sockglue.c):
 *  - SO_TIMESTAMPNS stamps normal and error-queue reads with CLOCK_REALTIME; we convert it to
 *    CLOCK_MONOTONIC by the offset between the two clocks read right after recvmsg(), so an
 *    RTT is monotonic send time to (kernel receive time mapped onto the monotonic clock).
 *  - With IP_RECVERR every queued ICMP error also sets sk_err, and the next sendto() fails
 *    with it without sending: drain MSG_ERRQUEUE and retry.
 */
#include "sockutil.h"
#include "icmpext.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <time.h>

static uint64_t ts_us(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t probe_now_us(void)
{
    return ts_us(CLOCK_MONOTONIC);
}

static void decode_cmsgs(struct msghdr *msg, struct probe_rx *rx)
{
    struct cmsghdr *c;
    bool have_ts = false;
    struct timespec kts = {0};

    for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS &&
            c->cmsg_len >= CMSG_LEN(sizeof(kts))) {
            memcpy(&kts, CMSG_DATA(c), sizeof(kts));
            have_ts = true;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
                   c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
            uint32_t d;
            memcpy(&d, CMSG_DATA(c), sizeof(d));
            rx->dropped = d;
        } else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) ||
                   (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
            int v;
            if (c->cmsg_len >= CMSG_LEN(sizeof(v))) {
                memcpy(&v, CMSG_DATA(c), sizeof(v));
                rx->ttl = v;
            }
        } else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
                   (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
            size_t have = c->cmsg_len - CMSG_LEN(0);
            if (have >= sizeof(rx->ee)) {
                size_t off_len = have - sizeof(rx->ee);
                memcpy(&rx->ee, CMSG_DATA(c), sizeof(rx->ee));
                if (off_len > sizeof(rx->offender))
                    off_len = sizeof(rx->offender);
                memcpy(&rx->offender, CMSG_DATA(c) + sizeof(rx->ee), off_len);
                rx->has_ee = true;
            }
        }
    }
    if (have_ts) {
        uint64_t mono = ts_us(CLOCK_MONOTONIC);
        uint64_t real = ts_us(CLOCK_REALTIME);
        uint64_t k = (uint64_t)kts.tv_sec * 1000000u + (uint64_t)kts.tv_nsec / 1000u;
        uint64_t age = real > k ? real - k : 0;
        rx->rx_us = mono > age ? mono - age : mono;
    }
}

ssize_t sockutil_recv(struct probe_sock *ps, int fd, int flags, uint8_t *buf, size_t cap,
                      struct probe_rx *rx)
{
    union {
        char buf[512];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    struct msghdr msg = {0};
    ssize_t n;

    memset(rx, 0, sizeof(*rx));
    rx->ttl = -1;
    rx->dropped = -1;
    msg.msg_name = &rx->name;
    msg.msg_namelen = sizeof(rx->name);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    n = recvmsg(fd, &msg, flags | MSG_DONTWAIT);
    if (n < 0)
        return -errno;
    rx->rx_us = probe_now_us();
    decode_cmsgs(&msg, rx);
    if (rx->dropped > 0) { /* each socket's count runs on its own: add what is new */
        uint64_t *seen = &ps->drops_seen[fd == ps->fd_icmp];
        if ((uint64_t)rx->dropped > *seen) {
            ps->counters.rx_dropped += (uint64_t)rx->dropped - *seen;
            *seen = (uint64_t)rx->dropped;
        }
    }
    return n;
}

int sockutil_setup(int fd, int family, bool recverr)
{
    int on = 1, rcvbuf = 4 << 20;

    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
        return -errno;
    /* Room for bursts of replies at short intervals (a forced size while privileged, else as
     * much as net.core.rmem_max allows); drops that still happen are counted (SO_RXQ_OVFL). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    (void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
    if (family == AF_INET) {
        if (setsockopt(fd, SOL_IP, IP_RECVTTL, &on, sizeof(on)) < 0)
            return -errno;
        if (recverr && setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)) < 0)
            return -errno;
        /* RFC 4884 extensions (MPLS labels) on the error queue: Linux 5.9 on; best effort. */
        if (recverr)
            (void)setsockopt(fd, SOL_IP, IP_RECVERR_RFC4884, &on, sizeof(on));
    } else {
        int off = 0;
        if (setsockopt(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0)
            return -errno;
        if (recverr && setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)) < 0)
            return -errno;
        if (recverr)
            (void)setsockopt(fd, SOL_IPV6, IPV6_RECVERR_RFC4884, &on, sizeof(on));
        /* Kernel UDP sockets hash a flow label per 5-tuple; keep the flow constant. */
        (void)setsockopt(fd, SOL_IPV6, IPV6_AUTOFLOWLABEL, &off, sizeof(off));
    }
    return 0;
}

/* <linux/icmp.h> clashes with glibc's headers; ICMP_FILTER is option 1 of SOL_RAW, a bitmask
 * of the ICMP types to block. */
#define ICMP_FILTER_OPT 1

int sockutil_icmp_filter(int fd, bool v6)
{
    if (!v6) {
        uint32_t blocked = ~((1u << 0) | (1u << 3) | (1u << 11) | (1u << 12));
        return setsockopt(fd, SOL_RAW, ICMP_FILTER_OPT, &blocked, sizeof(blocked)) < 0 ? -errno : 0;
    } else {
        struct icmp6_filter f;
        ICMP6_FILTER_SETBLOCKALL(&f);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
        ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
        ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
        ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
        ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
        return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ? -errno : 0;
    }
}

int sockutil_set_ttl(int fd, int family, int ttl)
{
    int r = family == AF_INET ? setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof(ttl))
                              : setsockopt(fd, SOL_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
    return r < 0 ? -errno : 0;
}

/* The kernel says no extension when the router left RFC 4884's length field at 0 or below
 * 128 (it reports only compliant ones), so look where RFC 4884 section 5.5 says such routers
 * put it: after 128 bytes of original datagram, which the error queue hands over less the
 * headers the kernel stripped - the IP header, and for UDP the UDP header too (a ping or TCP
 * socket's quote starts at its ICMP or TCP header). Believed only with a verifying checksum. */
static uint8_t ee_ext_at_128(const uint8_t *p, size_t len, bool v6, struct probe_mpls *m)
{
    size_t ip = v6 ? 40 : 20;

    for (size_t l4 = 0; l4 <= 8; l4 += 8) {
        int n = icmpext_at_128(p, len, ip + l4, m, PROBE_MPLS_MAX);
        if (n > 0)
            return (uint8_t)n;
    }
    return 0;
}

int sockutil_ee_reply(const struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                      size_t len, struct probe_reply *r)
{
    const struct sock_extended_err *ee = &rx->ee;
    bool v6;

    if (!rx->has_ee)
        return -1;
    if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
        return -1;
    v6 = ee->ee_origin == SO_EE_ORIGIN_ICMP6;
    memset(r, 0, sizeof(*r));
    sockutil_from_sockaddr(&rx->offender, &r->from);
    if (!r->from.family)
        return -1;
    if (sockutil_not_a_hop(v6, ee->ee_type, ee->ee_code))
        return -1; /* the caller counts it foreign */
    r->icmp_type = ee->ee_type;
    r->icmp_code = ee->ee_code;
    r->reply_ttl = (int16_t)rx->ttl;
    r->rx_us = rx->rx_us;
    r->kind = sockutil_error_kind(ps, v6, ee->ee_type, ee->ee_code, &r->from);
    if (r->kind == PROBE_REPLY_TOOBIG)
        r->mtu = (uint16_t)(ee->ee_info > 0xffff ? 0xffff : ee->ee_info);
    /* IP_RECVERR_RFC4884: the kernel checked the extension and says where it starts. */
    if (ee->ee_rfc4884.len && !(ee->ee_rfc4884.flags & SO_EE_RFC4884_FLAG_INVALID) &&
        ee->ee_rfc4884.len < len) {
        int n = icmpext_parse(p + ee->ee_rfc4884.len, len - ee->ee_rfc4884.len, r->mpls,
                              PROBE_MPLS_MAX);
        r->nmpls = (uint8_t)(n > 0 ? n : 0);
    } else if (!ee->ee_rfc4884.len) {
        r->nmpls = ee_ext_at_128(p, len, v6, r->mpls);
    }
    return 0;
}

void sockutil_reply(struct probe_reply *r, const struct probe_addr *from, enum probe_kind kind,
                    int seq, int ttl, uint64_t rx_us)
{
    memset(r, 0, sizeof(*r));
    r->from = *from;
    r->kind = kind;
    r->seq = (uint16_t)seq;
    r->reply_ttl = (int16_t)ttl;
    r->rx_us = rx_us;
}

int sockutil_quoted_reply(const struct probe_sock *ps, const struct probe_parsed *pp, uint8_t proto,
                          int seq, int ttl, uint64_t rx_us, struct probe_reply *r)
{
    if (!pp->is_error || !pp->has_quoted_l4 || pp->quoted_proto != proto || seq < 0 ||
        seq > 0xffff || !probe_addr_equal(&pp->quoted_dst, &ps->cfg.target) ||
        sockutil_not_a_hop(probe_is_v6(ps), pp->type, pp->code))
        return -1;
    sockutil_reply(r, &pp->from,
                   sockutil_error_kind(ps, probe_is_v6(ps), pp->type, pp->code, &pp->from), seq,
                   ttl, rx_us);
    r->icmp_type = pp->type;
    r->icmp_code = pp->code;
    if (r->kind == PROBE_REPLY_TOOBIG)
        r->mtu = (uint16_t)(pp->mtu > 0xffff ? 0xffff : pp->mtu);
    r->nmpls = pp->nmpls;
    memcpy(r->mpls, pp->mpls, sizeof(r->mpls));
    return 0;
}

bool sockutil_not_a_hop(bool v6, uint8_t type, uint8_t code)
{
    /* Time Exceeded, code 1: fragment reassembly time exceeded (RFC 792, RFC 4443). The host
     * that reassembles sends it, not a hop whose TTL ran out: it must not answer for a hop or
     * move the path's end. */
    return ((!v6 && type == 11) || (v6 && type == 3)) && code != 0;
}

enum probe_kind sockutil_error_kind(const struct probe_sock *ps, bool v6, uint8_t type,
                                    uint8_t code, const struct probe_addr *from)
{
    if ((!v6 && type == 11) || (v6 && type == 3)) /* Time Exceeded */
        return PROBE_REPLY_TTL_EXCEEDED;
    if ((!v6 && type == 3 && code == 4) || (v6 && type == 2)) /* Frag Needed, Packet Too Big */
        return PROBE_REPLY_TOOBIG;
    return probe_addr_equal(from, &ps->cfg.target) ? PROBE_REPLY_DEST : PROBE_REPLY_UNREACH;
}

int sockutil_decode_none(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                         size_t len, struct probe_reply *r)
{
    (void)ps, (void)rx, (void)p, (void)len, (void)r;
    return -1;
}

int sockutil_pollfds_main(struct probe_sock *ps, struct pollfd *fds, int max)
{
    if (max < 1)
        return 0;
    fds[0].fd = ps->fd;
    fds[0].events = POLLIN | POLLERR;
    return 1;
}

void sockutil_close_main(struct probe_sock *ps)
{
    if (ps->fd >= 0)
        close(ps->fd);
    ps->fd = -1;
}

int sockutil_read(struct probe_sock *ps, int fd, int flags, sockutil_decode decode,
                  struct probe_reply *out, int max)
{
    static uint8_t buf[4096]; /* prober thread only */
    struct probe_rx rx;
    ssize_t n;
    int got = 0;

    while (got < max && (n = sockutil_recv(ps, fd, flags, buf, sizeof(buf), &rx)) >= 0)
        if (decode(ps, &rx, buf, (size_t)n, &out[got]) == 0)
            got++;
    return got;
}

int sockutil_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    int got = sockutil_take_pending(ps, out, max);

    for (int i = 0; i < ps->ops->nchannels && got < max; i++) {
        const struct probe_channel *c = &ps->ops->channels[i];
        got += sockutil_read(ps, c->icmp_fd ? ps->fd_icmp : ps->fd, c->errqueue ? MSG_ERRQUEUE : 0,
                             c->decode, out + got, max - got);
    }
    return got;
}

void sockutil_drain_errqueue(struct probe_sock *ps, int fd, sockutil_decode decode)
{
    struct probe_reply overflow;

    ps->npending += sockutil_read(ps, fd, MSG_ERRQUEUE, decode, ps->pending + ps->npending,
                                  PROBE_PENDING_MAX - ps->npending);
    /* Full: the prober fell behind. Still empty the queue (sk_err), counting what is lost. */
    while (sockutil_read(ps, fd, MSG_ERRQUEUE, decode, &overflow, 1) == 1)
        ps->counters.foreign++;
}

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

int sockutil_send(struct probe_sock *ps, int fd, const void *buf, size_t len, int ttl,
                  const struct sockaddr_storage *dst, socklen_t dst_len, sockutil_decode decode,
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
        sockutil_drain_errqueue(ps, fd, decode);
        ps->counters.send_retries++;
    }
    ps->counters.send_errors++;
    return -err;
}

int sockutil_take_pending(struct probe_sock *ps, struct probe_reply *out, int max)
{
    int n = ps->npending < max ? ps->npending : max;

    memcpy(out, ps->pending, (size_t)n * sizeof(*out));
    memmove(ps->pending, ps->pending + n, (size_t)(ps->npending - n) * sizeof(*out));
    ps->npending -= n;
    return n;
}

void sockutil_build_echo(uint8_t *buf, size_t len, bool v6, uint16_t id, uint16_t seq, uint8_t flow)
{
    uint16_t comp = (uint16_t)~seq; /* seq + comp = 0xffff, no carry: the sum is constant */
    uint16_t sum;

    memset(buf, 0, len);
    buf[0] = v6 ? 128 : 8;
    buf[4] = (uint8_t)(id >> 8);
    buf[5] = (uint8_t)id;
    buf[6] = (uint8_t)(seq >> 8);
    buf[7] = (uint8_t)seq;
    if (len >= 10) {
        buf[8] = (uint8_t)(comp >> 8);
        buf[9] = (uint8_t)comp;
    }
    /* Zeros after the identity: the checksum stays the same at any size (--pmtu's sizing
     * probes follow the normal ones through a balancer that hashes it). */
    if (len >= 12) { /* the flow: another constant checksum */
        buf[10] = 'f';
        buf[11] = flow;
    }
    if (!v6) {
        sum = parse_inet_checksum(buf, len);
        buf[2] = (uint8_t)(sum >> 8);
        buf[3] = (uint8_t)sum;
    }
}

size_t sockutil_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min)
{
    size_t ip = probe_is_v6(ps) ? 40 : 20;
    size_t want = tx->size ? tx->size : ps->cfg.packet_bytes;
    size_t len = want > ip + min ? want - ip : min;

    return len > 65000 ? 65000 : len;
}

int sockutil_send_echo(struct probe_sock *ps, const struct probe_tx *tx, uint16_t id,
                       sockutil_decode decode, uint64_t *sent_us)
{
    static uint8_t buf[65536]; /* prober thread only */
    struct sockaddr_storage dst;
    socklen_t dlen = sockutil_sockaddr(&ps->cfg.target, 0, &dst);
    bool v6 = probe_is_v6(ps);
    size_t len = sockutil_payload_len(ps, tx, 12);

    sockutil_build_echo(buf, len, v6, id, tx->seq, tx->flow);
    return sockutil_send(ps, ps->fd, buf, len, tx->ttl, &dst, dlen, decode, sent_us);
}
