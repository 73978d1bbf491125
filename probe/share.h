/*
 * share.h - one raw ICMP socket per family shared by every target's icmp-raw probes.
 *
 * A raw ICMP socket hears every ICMP message the host receives; with a socket per target,
 * each reply would be copied to and read by every target. Shared, each message is read once
 * and handed to the target whose echo identifier it carries (an echo reply's own, an error's
 * quoted one): the share gives each joining icmp-raw probe socket an identifier of its own,
 * sends go out through the shared socket, and probe_share_drain decodes every message with
 * its owner's decoder into the owner's pending replies, which its prober drains as usual.
 * Opening needs privilege once; targets that join later (SIGHUP) need none.
 *
 * Thread: drain, join and leave may come from different threads (a target added while the
 * prober thread runs): a mutex guards the identifier table. Sends are the prober thread's.
 */
#ifndef HOPWATCH_PROBE_SHARE_H
#define HOPWATCH_PROBE_SHARE_H

#include "probe.h"

#include <stddef.h>
#include <stdint.h>

/* The raw socket of family (AF_INET / AF_INET6). NULL with why set (errno in *err). */
struct probe_share *probe_share_open(int family, char *why, size_t why_len);
void probe_share_free(struct probe_share *sh);
int probe_share_fd(const struct probe_share *sh);
int probe_share_family(const struct probe_share *sh);

/* Reads up to max messages, handing each to its owner; handed(ctx, ps) is told of each socket
 * given a reply (may be NULL), so the thread steps that socket's prober. Returns how many were
 * read. */
int probe_share_drain(struct probe_share *sh, int max,
                      void (*handed)(void *ctx, struct probe_sock *ps), void *ctx);

struct probe_share_counters {
    uint64_t read;      /* messages read */
    uint64_t malformed; /* not parseable */
    uint64_t foreign;   /* owned by no joined socket (another program's, another mode's) */
    uint64_t overflow;  /* owner's pending replies full: dropped */
    uint64_t rx_dropped;
};
struct probe_share_counters probe_share_counters(struct probe_share *sh);

/* icmp_raw.c: joins ps (its fd becomes the shared one, its echo identifier unique among the
 * joined), and leaves at close. 0 or -errno. */
int probe_share_join(struct probe_share *sh, struct probe_sock *ps);
void probe_share_leave(struct probe_share *sh, struct probe_sock *ps);

#endif
