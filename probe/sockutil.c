/*
 * sockutil.c - setting up probe sockets: the options every one wants (kernel timestamps, the
 * reply TTL, RECVERR with RFC 4884), the raw ICMP filter, the TTL, and the pollfds and close
 * of modes with one socket. Receiving is rx.c's, sending tx.c's.
 */
#include "sockutil.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

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
