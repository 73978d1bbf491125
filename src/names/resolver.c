/*
 * resolver.c - the resolver thread (see resolver.h). c-ares callbacks run inside ares_process() on
 * this thread; the entry table is shared with readers through r->lock.
 */
#include "resolver.h"
#include "cache.h"
#include "dnsparse.h"
#include "text/textesc.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCAN_US 100000                  /* tables with new responders are read this often */
#define FULL_SCAN_US 1000000            /* ... and every table, for what is to be asked again */
#define FAIL_RETRY_US (30 * 1000000ull) /* a failed lookup is asked again after 30 s */
#define NEGATIVE_US (300 * 1000000ull)  /* "no such name" is kept 5 minutes */
#define MIN_TTL_US (60 * 1000000ull)
#define MAX_TTL_US (86400 * 1000000ull)

enum query_kind { Q_PTR, Q_ORIGIN, Q_ASNAME };

/* A table watched, and its count of responders when its addresses were last read. */
struct watched {
    struct hops *hops;
    uint32_t seen;
};

struct query {
    struct resolver *r;
    struct probe_addr addr;
    enum query_kind kind;
};

struct resolver {
    struct names_config cfg;
    pthread_mutex_t watch_lock; /* the hop tables watched (one per target) */
    struct watched *hops;
    int nhops, hops_cap;
    ares_channel ch;
    pthread_t thread;
    pthread_mutex_t lock;
    atomic_bool stop;
    int wake[2]; /* stop interrupts poll() at once */
    struct cache cache;
    struct names_stats stats;
    struct probe_addr *addrs; /* HOPS_MAX_RESPONDERS_ALL: a table's, as scan reads them */
};

static uint64_t ttl_deadline(const unsigned char *abuf, int alen, uint64_t now)
{
    uint32_t ttl = 0;
    uint64_t us = MIN_TTL_US;

    if (dns_min_ttl(abuf, (size_t)alen, &ttl) == 0)
        us = (uint64_t)ttl * 1000000u;
    return now + (us < MIN_TTL_US ? MIN_TTL_US : us > MAX_TTL_US ? MAX_TTL_US : us);
}

static void ask(struct resolver *r, const struct probe_addr *a, enum query_kind kind, uint32_t asn);

/* The first TXT record, its chunks joined. */
static size_t first_txt(const unsigned char *abuf, int alen, char *out, size_t cap)
{
    struct ares_txt_ext *txt = NULL;
    size_t n = 0;

    if (ares_parse_txt_reply_ext(abuf, alen, &txt) != ARES_SUCCESS)
        return 0;
    for (struct ares_txt_ext *t = txt; t; t = t->next) {
        if (t != txt && t->record_start)
            break;
        for (size_t i = 0; i < t->length && n + 1 < cap; i++)
            out[n++] = (char)t->txt[i];
    }
    out[n] = '\0';
    ares_free_data(txt);
    return n;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct query *q = arg;
    struct resolver *r = q->r;
    uint64_t now = probe_now_us();
    struct cache_entry *e;
    uint32_t asn = 0;
    bool ok = status == ARES_SUCCESS;
    bool absent = status == ARES_ENOTFOUND || status == ARES_ENODATA;
    char txt[512];

    (void)timeouts;
    pthread_mutex_lock(&r->lock);
    e = cache_find(&r->cache, &q->addr);
    if (ok)
        r->stats.answers++;
    else
        r->stats.failures++;
    if (e && q->kind == Q_PTR) {
        struct hostent *he = NULL;
        e->ptr_inflight = false;
        e->info.host_done = true;
        if (ok && ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET, &he) == ARES_SUCCESS && he) {
            text_escape(he->h_name, strnlen(he->h_name, 253), e->info.host, sizeof(e->info.host));
            ares_free_hostent(he);
            e->ptr_again_us = ttl_deadline(abuf, alen, now);
        } else {
            e->ptr_again_us = now + (absent ? NEGATIVE_US : FAIL_RETRY_US);
        }
    } else if (e && q->kind == Q_ORIGIN) {
        size_t n = ok ? first_txt(abuf, alen, txt, sizeof(txt)) : 0;
        char cc[8] = "";
        if (n && cymru_parse_origin(txt, n, &asn, cc, sizeof(cc)) == 0) {
            e->info.asn = asn;
            if (!e->info.cc[0])
                snprintf(e->info.cc, sizeof(e->info.cc), "%s", cc);
            e->asn_again_us = ttl_deadline(abuf, alen, now);
        } else {
            e->asn_inflight = false;
            e->asn_again_us = now + (absent ? NEGATIVE_US : FAIL_RETRY_US);
        }
    } else if (e && q->kind == Q_ASNAME) {
        size_t n = ok ? first_txt(abuf, alen, txt, sizeof(txt)) : 0;
        e->asn_inflight = false;
        if (n)
            cymru_parse_asname(txt, n, e->info.as_name, sizeof(e->info.as_name));
    }
    pthread_mutex_unlock(&r->lock);
    if (asn && e)
        ask(r, &q->addr, Q_ASNAME, asn); /* the entry stays asn_inflight until it answers */
    free(q);
}

static void ask(struct resolver *r, const struct probe_addr *a, enum query_kind kind, uint32_t asn)
{
    struct query *q = malloc(sizeof(*q));
    char name[128];
    int type = kind == Q_PTR ? ns_t_ptr : ns_t_txt;

    if (!q)
        return;
    *q = (struct query){.r = r, .addr = *a, .kind = kind};
    if (kind == Q_ASNAME)
        snprintf(name, sizeof(name), "AS%u.asn.cymru.com", asn);
    else if (dns_query_name(a, kind == Q_PTR, name, sizeof(name)) < 0) {
        free(q);
        return;
    }
    pthread_mutex_lock(&r->lock);
    r->stats.queries++;
    pthread_mutex_unlock(&r->lock);
    ares_query(r->ch, name, ns_c_in, type, on_answer, q);
}

/* Looks a at the databases, then asks DNS what is still missing or has expired. */
static void consider(struct resolver *r, const struct probe_addr *a, uint64_t now)
{
    struct cache_entry *e;
    bool want_ptr = false, want_asn = false;

    pthread_mutex_lock(&r->lock);
    e = cache_find(&r->cache, a);
    if (!e && (e = cache_add(&r->cache, a))) {
        struct asn_info ai;
        e->info.special = dns_addr_is_special(a);
        if (r->cfg.db && asndb_lookup(r->cfg.db, a, &ai)) {
            e->info.asn = ai.asn;
            e->asn_from_db = ai.asn != 0;
            snprintf(e->info.as_name, sizeof(e->info.as_name), "%s", ai.as_name);
            snprintf(e->info.cc, sizeof(e->info.cc), "%s", ai.cc);
            r->stats.cached++;
        }
        e->info.host_done = !r->cfg.ptr;
    }
    if (e) {
        want_ptr = r->cfg.ptr && !e->ptr_inflight && now >= e->ptr_again_us;
        want_asn = r->cfg.asn_dns && !e->info.special && !e->asn_from_db && !e->asn_inflight &&
                   now >= e->asn_again_us;
        e->ptr_inflight |= want_ptr;
        e->asn_inflight |= want_asn;
    }
    pthread_mutex_unlock(&r->lock);
    if (want_ptr)
        ask(r, a, Q_PTR, 0);
    if (want_asn)
        ask(r, a, Q_ORIGIN, 0);
}

/* Considers the responders of the tables that have new ones (of every table when `all`). The
 * addresses alone are read, one table at a time: a fleet's thousand tables cost a lock and a
 * copy of their addresses each, and a table with nothing new costs a lock. */
static void scan(struct resolver *r, bool all)
{
    uint64_t now = probe_now_us();

    if (r->cfg.also.family)
        consider(r, &r->cfg.also, now);
    if (!r->addrs && !(r->addrs = malloc(HOPS_MAX_RESPONDERS_ALL * sizeof(*r->addrs))))
        return;
    pthread_mutex_lock(&r->watch_lock);
    for (int k = 0; k < r->nhops; k++) {
        struct watched *w = &r->hops[k];
        uint32_t added = hops_responders_added(w->hops);
        int n;
        if (!all && added == w->seen)
            continue;
        w->seen = added;
        n = hops_responders(w->hops, r->addrs, HOPS_MAX_RESPONDERS_ALL);
        for (int i = 0; i < n; i++)
            consider(r, &r->addrs[i], now);
    }
    pthread_mutex_unlock(&r->watch_lock);
}

int resolver_watch(struct resolver *r, struct hops *hops)
{
    int ret = 0;

    if (!r || !hops)
        return 0;
    pthread_mutex_lock(&r->watch_lock);
    if (r->nhops == r->hops_cap) {
        int cap = r->hops_cap ? 2 * r->hops_cap : 8;
        struct watched *v = realloc(r->hops, (size_t)cap * sizeof(*v));
        if (v) {
            r->hops = v;
            r->hops_cap = cap;
        }
    }
    if (r->nhops < r->hops_cap)
        r->hops[r->nhops++] = (struct watched){.hops = hops, .seen = 0};
    else
        ret = -ENOMEM;
    pthread_mutex_unlock(&r->watch_lock);
    return ret;
}

void resolver_unwatch(struct resolver *r, struct hops *hops)
{
    if (!r || !hops)
        return;
    pthread_mutex_lock(&r->watch_lock);
    for (int k = 0; k < r->nhops; k++)
        if (r->hops[k].hops == hops) {
            r->hops[k] = r->hops[--r->nhops];
            break;
        }
    pthread_mutex_unlock(&r->watch_lock);
}

static void *resolver_main(void *arg)
{
    struct resolver *r = arg;
    uint64_t next_scan = 0, next_full = 0;

    while (!atomic_load(&r->stop)) {
        struct pollfd fds[ARES_GETSOCK_MAXNUM + 1];
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        unsigned mask;
        int n = 1, timeout_ms;
        struct timeval tv, max = {0, SCAN_US}, *tvp;

        if (probe_now_us() >= next_scan) {
            bool all = probe_now_us() >= next_full;
            scan(r, all);
            next_scan = probe_now_us() + SCAN_US;
            if (all)
                next_full = probe_now_us() + FULL_SCAN_US;
        }
        fds[0] = (struct pollfd){.fd = r->wake[0], .events = POLLIN};
        /* Bits by hand: c-ares' ARES_GETSOCK_WRITABLE shifts a signed 1 into the sign bit. */
        mask = (unsigned)ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = (short)(((mask >> i) & 1u ? POLLIN : 0) |
                               ((mask >> (i + ARES_GETSOCK_MAXNUM)) & 1u ? POLLOUT : 0));
            if (ev)
                fds[n++] = (struct pollfd){.fd = socks[i], .events = ev};
        }
        tvp = ares_timeout(r->ch, &max, &tv);
        timeout_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
        if (timeout_ms > SCAN_US / 1000)
            timeout_ms = SCAN_US / 1000;
        if (poll(fds, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
            break;
        for (int i = 1; i < n; i++)
            ares_process_fd(
                r->ch, fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd : ARES_SOCKET_BAD,
                fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD);
        ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
    }
    return NULL;
}

/* Undoes a partial resolver_start. */
static struct resolver *start_failed(struct resolver *r, bool channel)
{
    if (channel)
        ares_destroy(r->ch);
    if (r->wake[0] >= 0) {
        close(r->wake[0]);
        close(r->wake[1]);
    }
    free(r);
    return NULL;
}

struct resolver *resolver_start(const struct names_config *cfg, struct hops *hops, char *err,
                                size_t err_len)
{
    struct resolver *r = calloc(1, sizeof(*r));
    struct ares_options opts = {.timeout = cfg->timeout_ms, .tries = 2};
    int st;

    if (!r)
        return snprintf(err, err_len, "out of memory"), NULL;
    r->cfg = *cfg;
    pthread_mutex_init(&r->lock, NULL);
    pthread_mutex_init(&r->watch_lock, NULL);
    resolver_watch(r, hops);
    if (pipe2(r->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        r->wake[0] = r->wake[1] = -1;
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        return start_failed(r, false);
    }
    if ((st = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS ||
        (st = ares_init_options(&r->ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES)) !=
            ARES_SUCCESS) {
        snprintf(err, err_len, "cannot start the resolver: %s", ares_strerror(st));
        return start_failed(r, false);
    }
    if (cfg->dns_server &&
        (st = ares_set_servers_ports_csv(r->ch, cfg->dns_server)) != ARES_SUCCESS) {
        snprintf(err, err_len, "--dns-server '%s': %s (use ADDR, ADDR:PORT or [ADDR6]:PORT)",
                 cfg->dns_server, ares_strerror(st));
        return start_failed(r, true);
    }
    if (pthread_create(&r->thread, NULL, resolver_main, r) != 0) {
        snprintf(err, err_len, "cannot start the resolver thread");
        return start_failed(r, true);
    }
    return r;
}

void resolver_stop(struct resolver *r)
{
    if (!r)
        return;
    atomic_store(&r->stop, true);
    if (write(r->wake[1], "x", 1) < 0) {
        /* the thread still sees stop within one poll timeout */
    }
    pthread_join(r->thread, NULL);
    close(r->wake[0]);
    close(r->wake[1]);
    ares_destroy(r->ch); /* runs the callbacks of queries still open (ARES_EDESTRUCTION) */
    ares_library_cleanup();
    pthread_mutex_destroy(&r->lock);
    pthread_mutex_destroy(&r->watch_lock);
    free(r->hops);
    cache_free(&r->cache);
    free(r->addrs);
    free(r);
}

bool resolver_get(struct resolver *r, const struct probe_addr *a, struct name_info *out)
{
    struct cache_entry *e;
    bool found;

    if (!r)
        return false;
    pthread_mutex_lock(&r->lock);
    e = cache_find(&r->cache, a);
    found = e != NULL;
    if (found)
        *out = e->info;
    pthread_mutex_unlock(&r->lock);
    return found;
}

/* Every responder of every table watched has an entry with no lookup in flight. Caller thread;
 * addrs has room for HOPS_MAX_RESPONDERS_ALL. */
static bool all_resolved(struct resolver *r, struct probe_addr *addrs)
{
    bool resolved = true;

    pthread_mutex_lock(&r->watch_lock);
    for (int k = 0; k < r->nhops && resolved; k++) {
        int n = hops_responders(r->hops[k].hops, addrs, HOPS_MAX_RESPONDERS_ALL);
        pthread_mutex_lock(&r->lock);
        for (int i = 0; i < n && resolved; i++) {
            const struct cache_entry *e = cache_find(&r->cache, &addrs[i]);
            resolved = e && !e->ptr_inflight && !e->asn_inflight;
        }
        pthread_mutex_unlock(&r->lock);
    }
    pthread_mutex_unlock(&r->watch_lock);
    return resolved;
}

void resolver_wait(struct resolver *r, int timeout_ms)
{
    uint64_t end = probe_now_us() + (uint64_t)timeout_ms * 1000u;
    struct probe_addr *addrs;

    if (!r || !(addrs = malloc(HOPS_MAX_RESPONDERS_ALL * sizeof(*addrs))))
        return;
    while (probe_now_us() < end && !all_resolved(r, addrs))
        usleep(5000);
    free(addrs);
}

struct names_stats resolver_stats(struct resolver *r)
{
    struct names_stats s = {0};
    if (!r)
        return s;
    pthread_mutex_lock(&r->lock);
    s = r->stats;
    pthread_mutex_unlock(&r->lock);
    return s;
}
