/*
 * rx.c - receiving: recvmmsg() with its control messages decoded, the one read loop every
 * channel goes through, error-queue entries and quoted errors turned into replies.
 *
 * Kernel facts relied on (ip(7), socket(7), and the kernel's net/ipv4/ip_sockglue.c):
 *  - SO_TIMESTAMPNS stamps normal and error-queue reads with CLOCK_REALTIME; we convert it to
 *    CLOCK_MONOTONIC by the offset between the two clocks read right after recvmmsg(), so an
 *    RTT is monotonic send time to (kernel receive time mapped onto the monotonic clock).
 *  - An ICMP error whose RFC 4884 length field is 0 or under 128 gets no extension from the
 *    kernel: it is looked for where such routers put it (ee_ext_at_128).
 */
#include "rx.h"
#include "icmpext.h"

#include <errno.h>
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

/* The clocks read once after a read: a kernel timestamp (CLOCK_REALTIME) is mapped onto the
 * monotonic clock by their difference. */
struct rx_clocks {
    uint64_t mono, real;
};

static void decode_cmsgs(struct msghdr *msg, struct probe_rx *rx, const struct rx_clocks *now)
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
    rx->rx_us = now->mono;
    if (have_ts) {
        uint64_t k = (uint64_t)kts.tv_sec * 1000000u + (uint64_t)kts.tv_nsec / 1000u;
        uint64_t age = now->real > k ? now->real - k : 0;
        rx->rx_us = now->mono > age ? now->mono - age : now->mono;
    }
}

/* Adds what is new in the kernel's drop count for fd (each socket's count runs on its own). */
static void note_drops(struct probe_sock *ps, int fd, const struct probe_rx *rx)
{
    uint64_t *seen = &ps->drops_seen[fd == ps->fd_icmp];

    if (rx->dropped > 0 && (uint64_t)rx->dropped > *seen) {
        ps->counters.rx_dropped += (uint64_t)rx->dropped - *seen;
        *seen = (uint64_t)rx->dropped;
    }
}

int rx_recv_many(struct probe_sock *ps, int fd, int flags, struct rx_batch *b, int max)
{
    struct rx_clocks now;
    int n;

    if (max > RX_BATCH)
        max = RX_BATCH;
    for (int i = 0; i < max; i++) {
        struct msghdr *m = &b->msg[i].msg_hdr;
        b->iov[i] = (struct iovec){.iov_base = b->buf[i], .iov_len = sizeof(b->buf[i])};
        *m = (struct msghdr){.msg_name = &b->rx[i].name,
                             .msg_namelen = sizeof(b->rx[i].name),
                             .msg_iov = &b->iov[i],
                             .msg_iovlen = 1,
                             .msg_control = b->ctl[i].buf,
                             .msg_controllen = sizeof(b->ctl[i].buf)};
    }
    n = recvmmsg(fd, b->msg, (unsigned)max, flags | MSG_DONTWAIT, NULL);
    if (n < 0)
        return -errno;
    now.mono = ts_us(CLOCK_MONOTONIC);
    now.real = ts_us(CLOCK_REALTIME);
    for (int i = 0; i < n; i++) {
        struct probe_rx *rx = &b->rx[i];
        struct sockaddr_storage name = rx->name;
        memset(rx, 0, sizeof(*rx));
        rx->name = name;
        rx->ttl = -1;
        rx->dropped = -1;
        decode_cmsgs(&b->msg[i].msg_hdr, rx, &now);
        b->len[i] = b->msg[i].msg_len;
        note_drops(ps, fd, rx);
    }
    return n;
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

int rx_ee_reply(const struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
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
    if (rx_not_a_hop(v6, ee->ee_type, ee->ee_code))
        return -1; /* the caller counts it foreign */
    r->icmp_type = ee->ee_type;
    r->icmp_code = ee->ee_code;
    r->reply_ttl = (int16_t)rx->ttl;
    r->rx_us = rx->rx_us;
    r->kind = rx_error_kind(ps, v6, ee->ee_type, ee->ee_code, &r->from);
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

void rx_reply(struct probe_reply *r, const struct probe_addr *from, enum probe_kind kind, int seq,
              int ttl, uint64_t rx_us)
{
    memset(r, 0, sizeof(*r));
    r->from = *from;
    r->kind = kind;
    r->seq = (uint16_t)seq;
    r->reply_ttl = (int16_t)ttl;
    r->rx_us = rx_us;
}

int rx_quoted_reply(const struct probe_sock *ps, const struct probe_parsed *pp, uint8_t proto,
                    int seq, int ttl, uint64_t rx_us, struct probe_reply *r)
{
    if (!pp->is_error || !pp->has_quoted_l4 || pp->quoted_proto != proto || seq < 0 ||
        seq > 0xffff || !probe_addr_equal(&pp->quoted_dst, &ps->cfg.target) ||
        rx_not_a_hop(probe_is_v6(ps), pp->type, pp->code))
        return -1;
    rx_reply(r, &pp->from, rx_error_kind(ps, probe_is_v6(ps), pp->type, pp->code, &pp->from), seq,
             ttl, rx_us);
    r->icmp_type = pp->type;
    r->icmp_code = pp->code;
    if (r->kind == PROBE_REPLY_TOOBIG)
        r->mtu = (uint16_t)(pp->mtu > 0xffff ? 0xffff : pp->mtu);
    r->nmpls = pp->nmpls;
    memcpy(r->mpls, pp->mpls, sizeof(r->mpls));
    return 0;
}

bool rx_not_a_hop(bool v6, uint8_t type, uint8_t code)
{
    /* Time Exceeded, code 1: fragment reassembly time exceeded (RFC 792, RFC 4443). The host
     * that reassembles sends it, not a hop whose TTL ran out: it must not answer for a hop or
     * move the path's end. */
    return ((!v6 && type == 11) || (v6 && type == 3)) && code != 0;
}

enum probe_kind rx_error_kind(const struct probe_sock *ps, bool v6, uint8_t type, uint8_t code,
                              const struct probe_addr *from)
{
    if ((!v6 && type == 11) || (v6 && type == 3)) /* Time Exceeded */
        return PROBE_REPLY_TTL_EXCEEDED;
    if ((!v6 && type == 3 && code == 4) || (v6 && type == 2)) /* Frag Needed, Packet Too Big */
        return PROBE_REPLY_TOOBIG;
    return probe_addr_equal(from, &ps->cfg.target) ? PROBE_REPLY_DEST : PROBE_REPLY_UNREACH;
}

int rx_decode_none(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p, size_t len,
                   struct probe_reply *r)
{
    (void)ps, (void)rx, (void)p, (void)len, (void)r;
    return -1;
}

int rx_read(struct probe_sock *ps, int fd, int flags, rx_decoder decode, struct probe_reply *out,
            int max)
{
    static struct rx_batch b; /* prober thread only */
    int got = 0;

    while (got < max) {
        int want = max - got < RX_BATCH ? max - got : RX_BATCH;
        int n = rx_recv_many(ps, fd, flags, &b, want);
        for (int i = 0; i < n; i++)
            if (decode(ps, &b.rx[i], b.buf[i], b.len[i], &out[got]) == 0)
                got++;
        if (n < want) /* the queue is empty (or failed): no call only to hear EAGAIN */
            break;
    }
    return got;
}

int rx_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    int got = rx_take_pending(ps, out, max);

    for (int i = 0; i < ps->ops->nchannels && got < max; i++) {
        const struct probe_channel *c = &ps->ops->channels[i];
        got += rx_read(ps, c->icmp_fd ? ps->fd_icmp : ps->fd, c->errqueue ? MSG_ERRQUEUE : 0,
                       c->decode, out + got, max - got);
    }
    return got;
}

void rx_drain_errqueue(struct probe_sock *ps, int fd, rx_decoder decode)
{
    struct probe_reply overflow;

    ps->npending += rx_read(ps, fd, MSG_ERRQUEUE, decode, ps->pending + ps->npending,
                            PROBE_PENDING_MAX - ps->npending);
    /* Full: the prober fell behind. Still empty the queue (sk_err), counting what is lost. */
    while (rx_read(ps, fd, MSG_ERRQUEUE, decode, &overflow, 1) == 1)
        ps->counters.foreign++;
}

int rx_take_pending(struct probe_sock *ps, struct probe_reply *out, int max)
{
    int n = ps->npending < max ? ps->npending : max;

    memcpy(out, ps->pending, (size_t)n * sizeof(*out));
    memmove(ps->pending, ps->pending + n, (size_t)(ps->npending - n) * sizeof(*out));
    ps->npending -= n;
    return n;
}
