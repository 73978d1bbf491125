/*
 * metrics_http.c - the exporter's HTTP server (metrics_internal.h): libmicrohttpd's own
 * polling thread answers GET /metrics with what `write` puts out at that moment, and anything
 * else with 404. No HTTP is written here by hand.
 */
#include "metrics_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct metrics_http {
    struct MHD_Daemon *daemon;
    void (*write)(void *ctx, FILE *out);
    void *ctx;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct metrics_http *m = cls;
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
        m->write(m->ctx, out);
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

struct metrics_http *metrics_http_start(const char *spec, void (*write)(void *ctx, FILE *out),
                                        void *ctx, char *err, size_t err_len)
{
    struct sockaddr_storage ss;
    struct metrics_http *m;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;

    if (parse_spec(spec, &ss, err, err_len) < 0)
        return NULL;
    if (!(m = calloc(1, sizeof(*m))))
        return snprintf(err, err_len, "out of memory"), NULL;
    m->write = write;
    m->ctx = ctx;
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

void metrics_http_stop(struct metrics_http *m)
{
    if (!m)
        return;
    MHD_stop_daemon(m->daemon);
    free(m);
}
