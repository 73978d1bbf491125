/*
 * sockutil.h - socket plumbing shared by the probe modes (internal to probe/).
 *
 * recvmsg() with its control messages decoded (kernel timestamp, reply TTL, extended error and
 * offender), the drain-and-retry send that defuses the IP_RECVERR sk_err trap, and turning an
 * error-queue entry into a normalized reply.
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

struct probe_rx {
    struct sockaddr_storage name; /* msg_name: the sender, or the original destination */
    bool has_ee;
    struct sock_extended_err ee;
    struct sockaddr_storage offender;
    int ttl;         /* from IP_TTL / IPV6_HOPLIMIT, -1 if absent */
    int64_t dropped; /* SO_RXQ_OVFL: the socket's drop count so far, -1 if absent */
    uint64_t rx_us;  /* CLOCK_MONOTONIC us, from SO_TIMESTAMPNS, or now if absent */
};

/* recvmsg(fd, flags | MSG_DONTWAIT). Returns the payload length or -errno (-EAGAIN: empty).
 * Notes the kernel's drop count for fd in ps->counters.rx_dropped. */
ssize_t sockutil_recv(struct probe_sock *ps, int fd, int flags, uint8_t *buf, size_t cap,
                      struct probe_rx *rx);

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

/* Turns one packet read from a channel into a reply for one of our probes: 0 and *r filled,
 * or -1 (the decoder counts it as malformed or foreign). */
typedef int (*sockutil_decode)(struct probe_sock *ps, const struct probe_rx *rx,
                               const uint8_t *payload, size_t len, struct probe_reply *r);

/* One source of replies: a socket (the main one, or the ICMP one of raw TCP), its normal
 * queue or its error queue, and how its packets are decoded. */
struct probe_channel {
    bool icmp_fd;  /* ps->fd_icmp rather than ps->fd */
    bool errqueue; /* MSG_ERRQUEUE */
    sockutil_decode decode;
};

/* The one receive loop: reads fd (flags: 0 or MSG_ERRQUEUE) until it is empty or max replies
 * were decoded into out. Returns how many. */
int sockutil_read(struct probe_sock *ps, int fd, int flags, sockutil_decode decode,
                  struct probe_reply *out, int max);
/* A mode's drain: replies queued while sending, then every channel in order. */
int sockutil_drain(struct probe_sock *ps, struct probe_reply *out, int max);
/* Reads every queued error on fd into ps->pending (a send must not find sk_err set). */
void sockutil_drain_errqueue(struct probe_sock *ps, int fd, sockutil_decode decode);

/* Sends one probe with this TTL (in a control message: one system call), and when a queued
 * ICMP error makes the send fail (the sk_err trap), drains the error queue with decode and
 * sends again: the probe is really sent or an error is returned. 0 or -errno. */
int sockutil_send(struct probe_sock *ps, int fd, const void *buf, size_t len, int ttl,
                  const struct sockaddr_storage *dst, socklen_t dst_len, sockutil_decode decode,
                  uint64_t *sent_us);

/* An ICMP error quoting one of our probes: the quote carries protocol proto to the target,
 * and `seq` is the mode's reading of the quoted identity (-1: not ours). Fills r from the
 * parsed packet (reply TTL ttl, received at rx_us). 0, or -1 when it is not ours. */
int sockutil_quoted_reply(const struct probe_sock *ps, const struct probe_parsed *pp, uint8_t proto,
                          int seq, int ttl, uint64_t rx_us, struct probe_reply *r);

/* Fills r for a reply of the given kind from `from`. */
void sockutil_reply(struct probe_reply *r, const struct probe_addr *from, enum probe_kind kind,
                    int seq, int ttl, uint64_t rx_us);

/* Fills r from an ICMP extended error: responder, type/code, kind. -1 if not an ICMP error. */
int sockutil_ee_reply(const struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                      size_t len, struct probe_reply *r);

/* Is this ICMP error no hop's answer (Time Exceeded in fragment reassembly)? Such errors are
 * counted foreign and dropped. */
bool sockutil_not_a_hop(bool v6, uint8_t type, uint8_t code);
/* What an ICMP error from `from` means: Time Exceeded, too big for a router's next link, the
 * target itself answering (a destination reply), or a hop saying it cannot reach the target. */
enum probe_kind sockutil_error_kind(const struct probe_sock *ps, bool v6, uint8_t type,
                                    uint8_t code, const struct probe_addr *from);

/* For sockets without an error queue (raw): a failed send has cleared sk_err itself, so
 * sockutil_send just retries. Always -1. */
int sockutil_decode_none(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                         size_t len, struct probe_reply *r);

/* The pollfds and close of modes with one socket in ps->fd. */
int sockutil_pollfds_main(struct probe_sock *ps, struct pollfd *fds, int max);
void sockutil_close_main(struct probe_sock *ps);

/* Pops pending replies into out; returns how many. */
int sockutil_take_pending(struct probe_sock *ps, struct probe_reply *out, int max);

/* The IP payload bytes of a probe: tx->size (or the configured size) less the IP header,
 * at least min. */
size_t sockutil_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min);

/* Sends one ICMP(v6) echo request of tx's size with its TTL and seq, and this id (raw and
 * ping sockets). 0 or -errno. */
int sockutil_send_echo(struct probe_sock *ps, const struct probe_tx *tx, uint16_t id,
                       sockutil_decode decode, uint64_t *sent_us);

/* Builds an echo request for seq into buf (len >= 8), keeping the checksum constant across
 * sequence numbers (Paris): a payload word compensates seq, and the next one names the flow
 * (len >= 12), so each flow has a constant checksum of its own. */
void sockutil_build_echo(uint8_t *buf, size_t len, bool v6, uint16_t id, uint16_t seq,
                         uint8_t flow);

#endif
