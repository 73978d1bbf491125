/*
 * tcp_raw.h - the privileged raw-SYN method behind the "tcp" mode (internal to probe/).
 */
#ifndef HOPWATCH_TCP_RAW_H
#define HOPWATCH_TCP_RAW_H

#include "probe.h"

/* The raw-SYN variant of the tcp mode; tcp.c's open puts it in ps->ops when it can. */
extern const struct probe_ops probe_tcp_raw_ops;

/* 0, or -errno (-EPERM without CAP_NET_RAW: the caller then uses connect()). On failure the
 * caller closes with tcp_raw_close. */
int tcp_raw_open(struct probe_sock *ps);
void tcp_raw_close(struct probe_sock *ps);

#endif
