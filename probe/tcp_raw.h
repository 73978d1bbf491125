/*
 * tcp_raw.h - the privileged raw-SYN method behind the "tcp" mode (internal to probe/).
 */
#ifndef HOPWATCH_TCP_RAW_H
#define HOPWATCH_TCP_RAW_H

#include "probe.h"

/* 0, or -errno (-EPERM without CAP_NET_RAW: the caller then uses connect()). On failure the
 * caller closes with tcp_raw_close. */
int tcp_raw_open(struct probe_sock *ps);
int tcp_raw_send(struct probe_sock *ps, int ttl, uint16_t seq, uint64_t *sent_us);
int tcp_raw_drain(struct probe_sock *ps, struct probe_reply *out, int max);
int tcp_raw_pollfds(struct probe_sock *ps, struct pollfd *fds, int max);
void tcp_raw_close(struct probe_sock *ps);

#endif
