/*
 * tx.h - sending probes (internal to probe/): what a step has due in one sendmmsg(), each
 * probe's TTL in a control message, retried once the error queue is drained when a queued
 * ICMP error made a send fail.
 */
#ifndef HOPWATCH_TX_H
#define HOPWATCH_TX_H

#include "rx.h"

/* Sends n probes of a mode that builds its own (ops->build), as few system calls as the socket
 * allows: sendmmsg() for up to 64 at once, each with its TTL in a control message. When a
 * queued ICMP error makes a send fail (the sk_err trap), drains the error queue into
 * ps->pending and sends again. sent_us[i] gets probe i's send time, err[i] 0 or -errno. */
void tx_send_many(struct probe_sock *ps, const struct probe_tx *tx, int n, uint64_t *sent_us,
                  int *err);

/* The IP payload bytes of a probe: tx->size (or the configured size) less the IP header,
 * at least min. */
size_t tx_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min);

/* Builds into buf one ICMP(v6) echo request of tx's size, seq and flow with this id (raw and
 * ping sockets), and its destination; returns its length. */
int tx_build_echo(const struct probe_sock *ps, const struct probe_tx *tx, uint16_t id, uint8_t *buf,
                  struct sockaddr_storage *dst, unsigned *dlen);

#endif
