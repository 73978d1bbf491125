/* rxharness.h - the whole receive path of every probe mode, fed from bytes: a header says
 * which mode and channel read the packet and what the kernel said about it (sender, extended
 * error, offender, TTL) and the mode's own identity (echo id, TCP sequence base and port);
 * the rest is the packet. Shared by the fuzz target (fuzz_rx.c) and its unit test (test_rx.c).
 *
 * Header (RX_HEADER bytes): mode, channel, flags (1 v6, 2 has_ee, 4 sender is the target,
 * 8 offender is the target), ee_origin, ee_type, ee_code, echo id (2, big-endian), TCP
 * sequence base (4), TCP source port (2), sender port (2), reply TTL, a 16-byte address (the
 * sender or the offender when not the target). */
#ifndef HOPWATCH_RXHARNESS_H
#define HOPWATCH_RXHARNESS_H

#include "rx.h"
#include "tx.h"
#include "tcp_raw.h"

#include <stdlib.h>
#include <string.h>

#define RX_HEADER 33

static const struct probe_ops *const rx_modes[] = {
    &probe_icmp_raw_ops, &probe_icmp_dgram_ops, &probe_udp_ops, &probe_tcp_raw_ops, &probe_tcp_ops,
};
#define RX_NMODES (sizeof(rx_modes) / sizeof(rx_modes[0]))

static inline uint32_t rx_be(const uint8_t *p, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Decodes one input; 0 with *r filled when it came out as a reply to one of our probes, -1
 * when the decoder refused it, -2 when the input is too short to say. */
static inline int rx_decode(const uint8_t *d, size_t size, struct probe_reply *r)
{
    struct probe_sock ps;
    struct probe_rx rx;
    const struct probe_ops *ops;
    bool v6;
    struct probe_addr other = {0};
    int got;

    if (size < RX_HEADER)
        return -2;
    ops = rx_modes[d[0] % RX_NMODES];
    if (!ops->nchannels)
        return -2;
    v6 = d[2] & 1;
    memset(&ps, 0, sizeof(ps));
    ps.ops = ops;
    ps.fd = ps.fd_icmp = -1;
    for (int f = 0; f < PROBE_FLOWS_MAX; f++)
        ps.fd_reserve[f] = -1;
    probe_addr_parse(v6 ? "2001:db8:2::2" : "198.18.2.2", &ps.cfg.target);
    ps.cfg.port = ops == &probe_udp_ops ? PROBE_UDP_BASE_PORT : 80;
    ps.echo_ident = (uint16_t)rx_be(d + 6, 2);
    ps.seq_base = rx_be(d + 8, 4);
    ps.sport[0] = (uint16_t)rx_be(d + 12, 2);
    other.family = v6 ? AF_INET6 : AF_INET;
    memcpy(other.bytes, d + 17, 16);
    memset(&rx, 0, sizeof(rx));
    sockutil_sockaddr(d[2] & 4 ? &ps.cfg.target : &other, (uint16_t)rx_be(d + 14, 2), &rx.name);
    rx.has_ee = d[2] & 2;
    rx.ee.ee_origin = d[3];
    rx.ee.ee_type = d[4];
    rx.ee.ee_code = d[5];
    sockutil_sockaddr(d[2] & 8 ? &ps.cfg.target : &other, 0, &rx.offender);
    rx.ttl = d[16];
    rx.rx_us = 1000;
    got = ops->channels[d[1] % ops->nchannels].decode(&ps, &rx, d + RX_HEADER, size - RX_HEADER, r);
    ops->close(&ps); /* what decoding made (udp's classic-port table) */
    return got;
}

/* What every reply must be, whatever the input. */
static inline bool rx_reply_sane(const struct probe_reply *r)
{
    /* r->seq: any 16-bit number (every mode carries all 16 bits; the prober matches them) */
    return (r->from.family == AF_INET || r->from.family == AF_INET6) &&
           r->kind <= PROBE_REPLY_TOOBIG && r->nmpls <= PROBE_MPLS_MAX &&
           (r->mtu == 0 || r->kind == PROBE_REPLY_TOOBIG);
}

#endif
