/*
 * tx.h - sending a probe (internal to probe/): one system call with the TTL in a control
 * message, retried once the error queue is drained when a queued ICMP error made it fail.
 */
#ifndef HOPWATCH_TX_H
#define HOPWATCH_TX_H

#include "rx.h"

/* Sends one probe with this TTL (in a control message: one system call), and when a queued
 * ICMP error makes the send fail (the sk_err trap), drains the error queue with decode and
 * sends again: the probe is really sent or an error is returned. 0 or -errno. */
int tx_send(struct probe_sock *ps, int fd, const void *buf, size_t len, int ttl,
            const struct sockaddr_storage *dst, socklen_t dst_len, rx_decoder decode,
            uint64_t *sent_us);

/* The IP payload bytes of a probe: tx->size (or the configured size) less the IP header,
 * at least min. */
size_t tx_payload_len(const struct probe_sock *ps, const struct probe_tx *tx, size_t min);

/* Sends one ICMP(v6) echo request of tx's size with its TTL and seq, and this id (raw and
 * ping sockets). 0 or -errno. */
int tx_send_echo(struct probe_sock *ps, const struct probe_tx *tx, uint16_t id, rx_decoder decode,
                 uint64_t *sent_us);

#endif
