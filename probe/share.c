/*
 * share.c - the raw ICMP socket every target's icmp-raw probes share (see share.h).
 */
#include "share.h"
#include "rx.h"
#include "tx.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDENTS 65536

struct probe_share {
    int family;
    struct probe_sock self; /* the socket itself, and its receive counters */
    pthread_mutex_t lock;
    struct probe_sock **owner; /* [echo identifier] */
    uint16_t next_ident;
    int joined;
    struct probe_share_counters c;
};

struct probe_share *probe_share_open(int family, char *why, size_t why_len)
{
    struct probe_share *sh = calloc(1, sizeof(*sh));
    bool v6 = family == AF_INET6;
    int fd, r;

    if (!sh || !(sh->owner = calloc(IDENTS, sizeof(*sh->owner)))) {
        free(sh);
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    fd =
        socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (fd < 0 || (r = sockutil_icmp_filter(fd, v6)) < 0 ||
        (r = sockutil_setup(fd, family, false))) {
        r = fd < 0 ? -errno : r;
        snprintf(why, why_len, "%s", strerror(-r));
        if (fd >= 0)
            close(fd);
        free(sh->owner);
        free(sh);
        errno = -r;
        return NULL;
    }
    sh->family = family;
    sh->self.fd = fd;
    sh->self.fd_icmp = -1;
    sh->self.cfg.target.family = (uint8_t)family;
    sh->next_ident = (uint16_t)(getpid() ^ (unsigned)time(NULL));
    pthread_mutex_init(&sh->lock, NULL);
    return sh;
}

void probe_share_free(struct probe_share *sh)
{
    if (!sh)
        return;
    close(sh->self.fd);
    pthread_mutex_destroy(&sh->lock);
    free(sh->owner);
    free(sh);
}

int probe_share_fd(const struct probe_share *sh)
{
    return sh->self.fd;
}

int probe_share_family(const struct probe_share *sh)
{
    return sh->family;
}

int probe_share_join(struct probe_share *sh, struct probe_sock *ps)
{
    int r = -EADDRINUSE;

    pthread_mutex_lock(&sh->lock);
    for (int tries = 0; tries < IDENTS; tries++, sh->next_ident++)
        if (!sh->owner[sh->next_ident]) {
            ps->echo_ident = sh->next_ident++;
            sh->owner[ps->echo_ident] = ps;
            sh->joined++;
            r = 0;
            break;
        }
    pthread_mutex_unlock(&sh->lock);
    if (r == 0) {
        ps->fd = sh->self.fd;
        ps->share = sh;
    }
    return r;
}

void probe_share_leave(struct probe_share *sh, struct probe_sock *ps)
{
    pthread_mutex_lock(&sh->lock);
    if (sh->owner[ps->echo_ident] == ps) {
        sh->owner[ps->echo_ident] = NULL;
        sh->joined--;
    }
    pthread_mutex_unlock(&sh->lock);
    ps->fd = -1;
    ps->share = NULL;
}

/* The echo identifier a message carries: an echo reply's, or the echo request an error
 * quotes. -1 for anything else, -2 for what does not parse. */
static int ident_of(const struct probe_share *sh, const uint8_t *buf, size_t len)
{
    struct probe_parsed pp;
    bool v6 = sh->family == AF_INET6;

    memset(&pp, 0, sizeof(pp));
    if ((v6 ? parse_icmp6(buf, len, &pp) : parse_ip4_icmp(buf, len, &pp)) < 0)
        return -2;
    if (pp.is_echo_reply)
        return pp.echo_id;
    if (pp.is_error && pp.has_quoted_l4 && pp.quoted_proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
        return pp.echo_id;
    return -1;
}

/* One message to its owner's pending replies (lock held); returns the owner, or NULL. */
static struct probe_sock *hand_over(struct probe_share *sh, const struct probe_rx *rx,
                                    const uint8_t *buf, size_t len)
{
    int id = ident_of(sh, buf, len);
    struct probe_sock *ps = id >= 0 ? sh->owner[id] : NULL;

    if (!ps) {
        if (id == -2)
            sh->c.malformed++;
        else
            sh->c.foreign++;
        return NULL;
    }
    if (ps->npending == PROBE_PENDING_MAX) {
        sh->c.overflow++;
        return NULL;
    }
    if (ps->ops->channels[0].decode(ps, rx, buf, len, &ps->pending[ps->npending]) != 0)
        return NULL;
    ps->npending++;
    return ps;
}

int probe_share_drain(struct probe_share *sh, int max,
                      void (*handed)(void *ctx, struct probe_sock *ps), void *ctx)
{
    static struct rx_batch b; /* prober thread only */
    int got = 0, n;

    pthread_mutex_lock(&sh->lock);
    do {
        int want = max - got < RX_BATCH ? max - got : RX_BATCH;
        n = want > 0 ? rx_recv_many(&sh->self, sh->self.fd, 0, &b, want) : 0;
        for (int i = 0; i < n; i++) {
            struct probe_sock *ps = hand_over(sh, &b.rx[i], b.buf[i], b.len[i]);
            if (ps && handed)
                handed(ctx, ps);
        }
        got += n > 0 ? n : 0;
        sh->c.read += (uint64_t)(n > 0 ? n : 0);
        if (n < want)
            break;
    } while (got < max);
    sh->c.rx_dropped = sh->self.counters.rx_dropped;
    pthread_mutex_unlock(&sh->lock);
    return got;
}

struct probe_share_counters probe_share_counters(struct probe_share *sh)
{
    struct probe_share_counters c;

    pthread_mutex_lock(&sh->lock);
    c = sh->c;
    pthread_mutex_unlock(&sh->lock);
    return c;
}
