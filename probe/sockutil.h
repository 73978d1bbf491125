/*
 * sockutil.h - socket plumbing shared by the probe modes (internal to probe/).
 *
 * Setting up probe sockets (sockutil.c), and the address helpers every mode uses. Receiving
 * is rx.h's, sending tx.h's.
 */
#ifndef HOPWATCH_SOCKUTIL_H
#define HOPWATCH_SOCKUTIL_H

#include "parse.h"
#include "probe.h"

#include <time.h>

#ifndef IP_RECVERR_RFC4884
#define IP_RECVERR_RFC4884 26
#endif
#ifndef IPV6_RECVERR_RFC4884
#define IPV6_RECVERR_RFC4884 31
#endif
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

/* Sets the options every probe socket wants: timestamps, reply TTL, RECVERR. 0 or -errno. */
int sockutil_setup(int fd, int family, bool recverr);

/* Lets a raw ICMP(v6) socket wake only for echo replies and errors. 0 or -errno. */
int sockutil_icmp_filter(int fd, bool v6);

/* Sets the TTL / hop limit of the next packets. 0 or -errno. */
int sockutil_set_ttl(int fd, int family, int ttl);

static inline bool probe_is_v6(const struct probe_sock *ps)
{
    return ps->cfg.target.family == AF_INET6;
}

static inline socklen_t sockutil_sockaddr(const struct probe_addr *addr, uint16_t port,
                                          struct sockaddr_storage *ss)
{
    return (socklen_t)probe_addr_to_sockaddr(addr, port, ss);
}

static inline uint16_t sockutil_from_sockaddr(const struct sockaddr_storage *ss,
                                              struct probe_addr *addr)
{
    return probe_addr_from_sockaddr((const struct sockaddr *)ss, addr);
}

/* The pollfds and close of modes with one socket in ps->fd. */
int sockutil_pollfds_main(struct probe_sock *ps, struct pollfd *fds, int max);
void sockutil_close_main(struct probe_sock *ps);

#endif
