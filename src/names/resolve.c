/*
 * resolve.c - target resolution through c-ares (main thread, at start-up, before probing).
 */
#include "resolve.h"

#include <ares.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct target_query {
    bool done;
    int status;
    int family;
    struct probe_addr addr;
};

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct target_query *q = arg;

    (void)timeouts;
    q->done = true;
    q->status = status;
    if (status == ARES_SUCCESS && res) {
        for (struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next) {
            struct probe_addr a;
            probe_addr_from_sockaddr(n->ai_addr, &a);
            if (a.family && (!q->family || q->family == a.family)) {
                q->addr = a;
                break;
            }
        }
        if (!q->addr.family)
            q->status = ARES_ENODATA;
    }
    if (res)
        ares_freeaddrinfo(res);
}

static int wait_channel(ares_channel ch, struct target_query *q, int timeout_ms)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!q->done) {
        fd_set r, w;
        struct timeval tv = {0, 100000}, *tvp;
        int nfds;

        FD_ZERO(&r);
        FD_ZERO(&w);
        nfds = ares_fds(ch, &r, &w);
        if (nfds == 0)
            break;
        tvp = ares_timeout(ch, &tv, &tv);
        select(nfds, &r, &w, NULL, tvp);
        ares_process(ch, &r, &w);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
            timeout_ms)
            return -1;
    }
    return 0;
}

int resolve_target(const char *name, int family, int timeout_ms, struct probe_addr *out, char *err,
                   size_t err_len)
{
    struct target_query q = {.family = family};
    struct ares_addrinfo_hints hints = {.ai_family = family ? family : AF_UNSPEC};
    struct ares_options opts = {.timeout = 2000, .tries = 2};
    ares_channel ch;
    int r;

    if (probe_addr_parse(name, out) == 0) {
        if (family && out->family != family)
            return snprintf(err, err_len, "'%s' is not an IPv%c address", name,
                            family == AF_INET ? '4' : '6'),
                   -1;
        return 0;
    }
    if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS ||
        (r = ares_init_options(&ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES)) != ARES_SUCCESS)
        return snprintf(err, err_len, "cannot start the resolver: %s", ares_strerror(r)), -1;
    ares_getaddrinfo(ch, name, NULL, &hints, on_addrinfo, &q);
    if (wait_channel(ch, &q, timeout_ms) < 0 || !q.done) {
        ares_destroy(ch);
        ares_library_cleanup();
        return snprintf(err, err_len, "cannot resolve '%s': no answer from the DNS server", name),
               -1;
    }
    ares_destroy(ch);
    ares_library_cleanup();
    if (q.status != ARES_SUCCESS)
        return snprintf(err, err_len, "cannot resolve '%s': %s", name, ares_strerror(q.status)), -1;
    *out = q.addr;
    return 0;
}
