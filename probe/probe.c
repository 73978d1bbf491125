/*
 * probe.c - the mode table, opening a mode with a reason when it fails, the route's MTU, what
 * an unreachable code means, and MPLS stacks in words. Addresses are addr.c's.
 */
#include "probe.h"
#include "rx.h"
#include "tx.h"
#include "icmpext.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct probe_ops *const mode_ops[PROBE_MODE_COUNT] = {
    [PROBE_ICMP_RAW] = &probe_icmp_raw_ops,
    [PROBE_ICMP_DGRAM] = &probe_icmp_dgram_ops,
    [PROBE_UDP] = &probe_udp_ops,
    [PROBE_TCP] = &probe_tcp_ops,
};

static const struct {
    const char *name;
    enum probe_mode mode;
} mode_names[] = {
    {"auto", PROBE_AUTO},         {"icmp", PROBE_ICMP_ANY},
    {"icmp-raw", PROBE_ICMP_RAW}, {"icmp-dgram", PROBE_ICMP_DGRAM},
    {"udp", PROBE_UDP},           {"tcp", PROBE_TCP},
};

const struct probe_ops *probe_ops_for(enum probe_mode mode)
{
    return mode >= 0 && mode < PROBE_MODE_COUNT ? mode_ops[mode] : NULL;
}

const char *probe_mode_name(enum probe_mode mode)
{
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
        if (mode_names[i].mode == mode)
            return mode_names[i].name;
    return "?";
}

int probe_mode_parse(const char *s, enum probe_mode *mode)
{
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
        if (strcmp(s, mode_names[i].name) == 0) {
            *mode = mode_names[i].mode;
            return 0;
        }
    }
    return -EINVAL;
}

/* Explains a failure to open a mode in terms of what the user can change. */
static void explain(enum probe_mode mode, int err, char *why, size_t len)
{
    char range[64] = "";
    FILE *f;

    if (mode == PROBE_ICMP_RAW && (err == -EPERM || err == -EACCES)) {
        snprintf(why, len, "raw ICMP needs root or CAP_NET_RAW");
        return;
    }
    if (mode == PROBE_ICMP_DGRAM && (err == -EPERM || err == -EACCES)) {
        f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
        if (f) {
            if (fgets(range, sizeof(range), f))
                range[strcspn(range, "\n")] = '\0';
            for (char *p = range; *p; p++)
                if (*p == '\t')
                    *p = ' ';
            fclose(f);
        }
        snprintf(why, len, "group %u not in net.ipv4.ping_group_range (%s)", (unsigned)getegid(),
                 range[0] ? range : "unreadable");
        return;
    }
    snprintf(why, len, "%s", strerror(-err));
}

/* --pmtu: every packet leaves with DF (v4) and whatever size it has, the kernel's cached path
 * MTU ignored, so routers answer Fragmentation Needed / Packet Too Big with their next MTU. */
static int set_pmtu_probe(struct probe_sock *ps)
{
    int v = ps->cfg.target.family == AF_INET ? IP_PMTUDISC_PROBE : IPV6_PMTUDISC_PROBE;

    if (ps->ops->fixed_size || ps->fd < 0)
        return -EOPNOTSUPP;
    if (ps->cfg.target.family == AF_INET)
        return setsockopt(ps->fd, SOL_IP, IP_MTU_DISCOVER, &v, sizeof(v)) < 0 ? -errno : 0;
    return setsockopt(ps->fd, SOL_IPV6, IPV6_MTU_DISCOVER, &v, sizeof(v)) < 0 ? -errno : 0;
}

static void pending_free(struct probe_sock *ps)
{
    free(ps->pending);
    ps->pending = NULL;
    ps->npending = 0;
}

int probe_open(struct probe_sock *ps, const struct probe_ops *ops, const struct probe_config *cfg,
               char *why, size_t why_len)
{
    int r;

    memset(ps, 0, sizeof(*ps));
    ps->fd = ps->fd_icmp = -1;
    for (int f = 0; f < PROBE_FLOWS_MAX; f++)
        ps->fd_reserve[f] = -1;
    ps->cfg = *cfg;
    if (!ops) {
        snprintf(why, why_len, "no such mode");
        return -EINVAL;
    }
    ps->ops = ops;
    if (!(ps->pending = calloc(PROBE_PENDING_MAX, sizeof(*ps->pending)))) {
        snprintf(why, why_len, "out of memory");
        ps->ops = NULL;
        return -ENOMEM;
    }
    r = ops->open(ps);
    if (r < 0) {
        explain(ops->mode, r, why, why_len);
        ops->close(ps);
        pending_free(ps);
        ps->ops = NULL;
        return r;
    }
    if (cfg->pmtu && (r = set_pmtu_probe(ps)) < 0) {
        snprintf(why, why_len, "--pmtu: %s",
                 r == -EOPNOTSUPP ? "its probes cannot be sized (connect() sends a bare SYN)"
                                  : strerror(-r));
        probe_close(ps);
        return r;
    }
    if (why_len)
        why[0] = '\0';
    return 0;
}

int probe_route_mtu(const struct probe_addr *target)
{
    struct sockaddr_storage ss, local;
    socklen_t len = (socklen_t)probe_addr_to_sockaddr(target, 9, &ss), llen = sizeof(local);
    int fd = socket(target->family, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -ENODEV;
    struct probe_addr src, a;
    struct ifaddrs *ifs, *i;

    if (fd < 0)
        return -errno;
    /* The interface's MTU, not IP_MTU: that one includes path MTUs the kernel learnt. */
    if (connect(fd, (struct sockaddr *)&ss, len) < 0 ||
        getsockname(fd, (struct sockaddr *)&local, &llen) < 0 || getifaddrs(&ifs) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    probe_addr_from_sockaddr((struct sockaddr *)&local, &src);
    for (i = ifs; i && r == -ENODEV; i = i->ifa_next) {
        struct ifreq ifr;
        if (!i->ifa_addr ||
            (probe_addr_from_sockaddr(i->ifa_addr, &a), !probe_addr_equal(&a, &src)))
            continue;
        memset(&ifr, 0, sizeof(ifr));
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->ifa_name);
        r = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
    }
    freeifaddrs(ifs);
    close(fd);
    return r;
}

void probe_close(struct probe_sock *ps)
{
    if (ps->ops)
        ps->ops->close(ps);
    ps->ops = NULL;
    pending_free(ps);
}

void probe_send(struct probe_sock *ps, const struct probe_tx *tx, int n, uint64_t *sent_us,
                int *err)
{
    if (ps->ops->build) {
        tx_send_many(ps, tx, n, sent_us, err);
        return;
    }
    for (int i = 0; i < n; i++)
        err[i] = ps->ops->send(ps, &tx[i], &sent_us[i]);
}

enum probe_unreach probe_unreach_of(int family, uint8_t type, uint8_t code)
{
    /* RFC 792 and RFC 1812 5.2.7.1 codes of type 3; RFC 4443 codes of ICMPv6 type 1. */
    static const uint8_t v4[16] = {
        PROBE_UNREACH_NET,   PROBE_UNREACH_HOST,  PROBE_UNREACH_PROTOCOL,
        PROBE_UNREACH_PORT,  PROBE_UNREACH_FRAG,  PROBE_UNREACH_OTHER, /* source route */
        PROBE_UNREACH_NET,   PROBE_UNREACH_HOST,  PROBE_UNREACH_OTHER, /* host isolated */
        PROBE_UNREACH_ADMIN, PROBE_UNREACH_ADMIN, PROBE_UNREACH_NET,
        PROBE_UNREACH_HOST,  PROBE_UNREACH_ADMIN, PROBE_UNREACH_OTHER, /* precedence */
        PROBE_UNREACH_OTHER,
    };
    static const uint8_t v6[8] = {
        PROBE_UNREACH_NET,  PROBE_UNREACH_ADMIN, PROBE_UNREACH_NET,   PROBE_UNREACH_HOST,
        PROBE_UNREACH_PORT, PROBE_UNREACH_ADMIN, PROBE_UNREACH_ADMIN, PROBE_UNREACH_OTHER,
    };

    if (family == AF_INET && type == 3)
        return code < 16 ? (enum probe_unreach)v4[code] : PROBE_UNREACH_OTHER;
    if (family == AF_INET6 && type == 1)
        return code < 8 ? (enum probe_unreach)v6[code] : PROBE_UNREACH_OTHER;
    return PROBE_UNREACH_NONE;
}

static const struct {
    const char *name, *mark;
} unreach_words[] = {
    [PROBE_UNREACH_NONE] = {"", ""},       [PROBE_UNREACH_NET] = {"net", "!N"},
    [PROBE_UNREACH_HOST] = {"host", "!H"}, [PROBE_UNREACH_PROTOCOL] = {"protocol", "!P"},
    [PROBE_UNREACH_PORT] = {"port", "!p"}, [PROBE_UNREACH_ADMIN] = {"admin", "!X"},
    [PROBE_UNREACH_FRAG] = {"frag", "!F"}, [PROBE_UNREACH_OTHER] = {"other", "!?"},
};

const char *probe_unreach_name(enum probe_unreach u)
{
    return u <= PROBE_UNREACH_OTHER ? unreach_words[u].name : "other";
}

const char *probe_unreach_mark(enum probe_unreach u)
{
    return u <= PROBE_UNREACH_OTHER ? unreach_words[u].mark : "!?";
}

size_t probe_mpls_str(const struct probe_mpls *m, int n, char *buf, size_t len)
{
    return icmpext_format(m, n, buf, len);
}
