/*
 * metrics.c - the exporter's counters and its HTTP server (see metrics.h). HTTP is
 * libmicrohttpd's: one internal polling thread answers GET /metrics with a fresh exposition
 * (metrics_render.c) and anything else with 404.
 */
#include "metrics_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct metrics {
    struct MHD_Daemon *daemon;
    struct fleet *fleet;
};

/* ---- counters (prober thread writes, scrapes read) -------------------------------------- */

struct metrics_counts *metrics_counts_new(void)
{
    struct metrics_counts *c = calloc(1, sizeof(*c));

    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void metrics_counts_free(struct metrics_counts *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The responder series of (mode, ttl, addr), or NULL past the cap. Lock held. */
static struct metrics_responder *responder(struct metrics_counts *c, int mode, int ttl,
                                           const struct probe_addr *a)
{
    for (int i = 0; i < c->nresp; i++) {
        struct metrics_responder *r = &c->resp[i];
        if (r->mode == mode && r->ttl == ttl && probe_addr_equal(&r->addr, a))
            return r;
    }
    if (c->nresp == METRICS_RESPONDERS_MAX)
        return NULL;
    c->resp[c->nresp] =
        (struct metrics_responder){.mode = (uint8_t)mode, .ttl = (uint8_t)ttl, .addr = *a};
    return &c->resp[c->nresp++];
}

/* A completed round: what the hop table counts (sizing rounds and cancelled probes are not). */
static void on_round(void *ctx, const struct round *r)
{
    struct metrics_counts *c = ctx;

    if (r->sizing || r->mode < 0 || r->mode >= PROBE_MODE_COUNT)
        return;
    pthread_mutex_lock(&c->lock);
    for (int ttl = r->first_ttl; ttl <= r->last_ttl && ttl <= METRICS_TTL_MAX; ttl++) {
        const struct round_probe *p = round_probe_at(r, ttl);
        struct metrics_hop *h = &c->hop[r->mode][ttl];
        if (p->outcome == ROUND_ANSWERED) {
            struct metrics_responder *resp = responder(c, r->mode, ttl, &p->from);
            h->sent++;
            h->answered++;
            if (resp)
                resp->replies++;
            else
                h->other_replies++;
        } else if (p->outcome == ROUND_LOST) {
            h->sent++;
            h->lost++;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

struct round_consumer metrics_consumer(struct metrics_counts *c)
{
    return (struct round_consumer){.ctx = c, .on_round = on_round};
}

/* ---- HTTP -------------------------------------------------------------------------------- */

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct metrics *m = cls;
    struct MHD_Response *resp;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    unsigned status = MHD_HTTP_OK;
    enum MHD_Result ret;

    (void)version, (void)upload, (void)upload_size, (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
    else if (strcmp(url, "/metrics") != 0)
        status = MHD_HTTP_NOT_FOUND;
    if (!(out = open_memstream(&buf, &len)))
        return MHD_NO;
    if (status == MHD_HTTP_OK)
        metrics_render(m->fleet, out);
    else
        fputs(status == MHD_HTTP_NOT_FOUND ? "hopwatch serves /metrics only\n"
                                           : "GET /metrics only\n",
              out);
    fclose(out);
    resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
                                                  : "text/plain; charset=utf-8");
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* "[ADDR:]PORT" into ss: 0, or -1 with err set. The address defaults to 127.0.0.1. */
static int parse_spec(const char *spec, struct sockaddr_storage *ss, char *err, size_t err_len)
{
    char host[64] = "127.0.0.1", *end;
    const char *colon = strrchr(spec, ':'), *port_s = colon ? colon + 1 : spec;
    unsigned long port = strtoul(port_s, &end, 10);
    size_t hl = colon ? (size_t)(colon - spec) : 0;
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (!*port_s || *end || port == 0 || port > 65535 || hl >= sizeof(host))
        return snprintf(err, err_len, "--metrics '%s': not [ADDR:]PORT", spec), -1;
    if (colon) {
        if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']')
            snprintf(host, sizeof(host), "%.*s", (int)hl - 2, spec + 1);
        else
            snprintf(host, sizeof(host), "%.*s", (int)hl, spec);
    }
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
    } else {
        return snprintf(err, err_len, "--metrics '%s': '%s' is not a numeric address", spec, host),
               -1;
    }
    return 0;
}

struct metrics *metrics_start(const char *spec, struct fleet *f, char *err, size_t err_len)
{
    struct sockaddr_storage ss;
    struct metrics *m;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;

    if (parse_spec(spec, &ss, err, err_len) < 0)
        return NULL;
    if (!(m = calloc(1, sizeof(*m))))
        return snprintf(err, err_len, "out of memory"), NULL;
    m->fleet = f;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    m->daemon = MHD_start_daemon(flags, ntohs(((struct sockaddr_in *)&ss)->sin_port), NULL, NULL,
                                 answer, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!m->daemon) {
        snprintf(err, err_len,
                 "--metrics %s: cannot listen there (in use, or not an address of "
                 "this host)",
                 spec);
        free(m);
        return NULL;
    }
    return m;
}

void metrics_stop(struct metrics *m)
{
    if (!m)
        return;
    MHD_stop_daemon(m->daemon);
    free(m);
}
