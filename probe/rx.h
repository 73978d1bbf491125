/*
 * rx.h - receiving (internal to probe/): recvmmsg() with its control messages decoded (kernel
 * timestamp, reply TTL, extended error and offender), the one read loop over a mode's
 * channels, and turning an error-queue entry or a quoted error into a normalized reply.
 */
#ifndef HOPWATCH_RX_H
#define HOPWATCH_RX_H

#include "sockutil.h"

struct probe_rx {
    struct sockaddr_storage name; /* msg_name: the sender, or the original destination */
    bool has_ee;
    struct sock_extended_err ee;
    struct sockaddr_storage offender;
    int ttl;         /* from IP_TTL / IPV6_HOPLIMIT, -1 if absent */
    int64_t dropped; /* SO_RXQ_OVFL: the socket's drop count so far, -1 if absent */
    uint64_t rx_us;  /* CLOCK_MONOTONIC us, from SO_TIMESTAMPNS, or now if absent */
};

/* Up to RX_BATCH messages read in one recvmmsg(), each with its control messages decoded. A
 * message longer than RX_BUF is cut (the headers a decoder needs come first). */
#define RX_BATCH 32
#define RX_BUF 4096
struct rx_batch {
    struct probe_rx rx[RX_BATCH];
    size_t len[RX_BATCH];
    uint8_t buf[RX_BATCH][RX_BUF];
    union {
        char buf[512];
        struct cmsghdr align;
    } ctl[RX_BATCH];
    struct iovec iov[RX_BATCH];
    struct mmsghdr msg[RX_BATCH];
};

/* recvmmsg(fd, up to max messages, flags | MSG_DONTWAIT) into b. Returns how many were read
 * (fewer than max: the queue was empty) or -errno (-EAGAIN: empty). Notes the kernel's drop
 * count for fd in ps->counters.rx_dropped. */
int rx_recv_many(struct probe_sock *ps, int fd, int flags, struct rx_batch *b, int max);

/* Turns one packet read from a channel into a reply for one of our probes: 0 and *r filled,
 * or -1 (the decoder counts it as malformed or foreign). */
typedef int (*rx_decoder)(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *payload,
                          size_t len, struct probe_reply *r);

/* One source of replies: a socket (the main one, or the ICMP one of raw TCP), its normal
 * queue or its error queue, and how its packets are decoded. */
struct probe_channel {
    bool icmp_fd;  /* ps->fd_icmp rather than ps->fd */
    bool errqueue; /* MSG_ERRQUEUE */
    rx_decoder decode;
};

/* The one receive loop: reads fd (flags: 0 or MSG_ERRQUEUE) until it is empty or max replies
 * were decoded into out. Returns how many. */
int rx_read(struct probe_sock *ps, int fd, int flags, rx_decoder decode, struct probe_reply *out,
            int max);
/* A mode's drain: replies queued while sending, then every channel in order. */
int rx_drain(struct probe_sock *ps, struct probe_reply *out, int max);
/* Reads every queued error on fd into ps->pending (a send must not find sk_err set). */
void rx_drain_errqueue(struct probe_sock *ps, int fd, rx_decoder decode);

/* An ICMP error quoting one of our probes: the quote carries protocol proto to the target,
 * and `seq` is the mode's reading of the quoted identity (-1: not ours). Fills r from the
 * parsed packet (reply TTL ttl, received at rx_us). 0, or -1 when it is not ours. */
int rx_quoted_reply(const struct probe_sock *ps, const struct probe_parsed *pp, uint8_t proto,
                    int seq, int ttl, uint64_t rx_us, struct probe_reply *r);

/* Fills r for a reply of the given kind from `from`. */
void rx_reply(struct probe_reply *r, const struct probe_addr *from, enum probe_kind kind, int seq,
              int ttl, uint64_t rx_us);

/* Fills r from an ICMP extended error: responder, type/code, kind. -1 if not an ICMP error. */
int rx_ee_reply(const struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p,
                size_t len, struct probe_reply *r);

/* Is this ICMP error no hop's answer (Time Exceeded in fragment reassembly)? Such errors are
 * counted foreign and dropped. */
bool rx_not_a_hop(bool v6, uint8_t type, uint8_t code);
/* What an ICMP error from `from` means: Time Exceeded, too big for a router's next link, the
 * target itself answering (a destination reply), or a hop saying it cannot reach the target. */
enum probe_kind rx_error_kind(const struct probe_sock *ps, bool v6, uint8_t type, uint8_t code,
                              const struct probe_addr *from);

/* For sockets without an error queue (raw): a failed send has cleared sk_err itself, so
 * tx_send just retries. Always -1. */
int rx_decode_none(struct probe_sock *ps, const struct probe_rx *rx, const uint8_t *p, size_t len,
                   struct probe_reply *r);

/* Pops pending replies into out; returns how many. */
int rx_take_pending(struct probe_sock *ps, struct probe_reply *out, int max);

#endif
