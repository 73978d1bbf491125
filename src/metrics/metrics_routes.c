/*
 * metrics_routes.c - the exporter's endpoints, as every official exporter has them: a landing
 * page, the metrics, health and readiness, and a reload (metrics_internal.h). A new endpoint is
 * a row of the table.
 */
#include "metrics_internal.h"
#include "version.h"

#include <string.h>

static unsigned metrics(struct metrics_http *m, FILE *out, const char **type)
{
    metrics_http_write(m, out);
    *type = "text/plain; version=0.0.4; charset=utf-8";
    return MHD_HTTP_OK;
}

static unsigned healthy(struct metrics_http *m, FILE *out, const char **type)
{
    (void)m, (void)type;
    fputs("Healthy\n", out);
    return MHD_HTTP_OK;
}

/* Serving means the fleet is probing: the exporter starts after the targets are open. */
static unsigned ready(struct metrics_http *m, FILE *out, const char **type)
{
    (void)m, (void)type;
    fputs("Ready\n", out);
    return MHD_HTTP_OK;
}

static unsigned reload(struct metrics_http *m, FILE *out, const char **type)
{
    char err[400];

    (void)type;
    if (metrics_http_reload(m, true, err, sizeof(err)) < 0) {
        fprintf(out, "failed to reload the web config: %s\n", err);
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    fputs("reloaded\n", out);
    return MHD_HTTP_OK;
}

static unsigned landing(struct metrics_http *m, FILE *out, const char **type);

static const struct metrics_route routes[] = {
    {"/", "GET", landing, "this page"},
    {"/metrics", "GET", metrics, "the metrics (Prometheus text format 0.0.4)"},
    {"/-/healthy", "GET", healthy, "200 while the exporter runs"},
    {"/-/ready", "GET", ready, "200 once it serves its targets"},
    {"/-/reload", "POST", reload, "rereads --web.config.file (as SIGHUP does)"},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static unsigned landing(struct metrics_http *m, FILE *out, const char **type)
{
    (void)m;
    *type = "text/html; charset=utf-8";
    fprintf(out,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hopwatch exporter"
            "</title></head><body>\n<h1>hopwatch exporter</h1>\n<p>Version %s</p>\n<ul>\n",
            HOPWATCH_VERSION);
    for (size_t i = 0; i < NROUTES; i++)
        fprintf(out, "<li><a href=\"%s\">%s</a> (%s): %s</li>\n", routes[i].path, routes[i].path,
                routes[i].method, routes[i].what);
    fputs("</ul>\n</body></html>\n", out);
    return MHD_HTTP_OK;
}

const struct metrics_route *metrics_route_find(const char *url, const char *method,
                                               const char **allow)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;

    *allow = NULL;
    for (size_t i = 0; i < NROUTES; i++) {
        if (strcmp(routes[i].path, url) != 0)
            continue;
        if (strcmp(routes[i].method, m) == 0)
            return &routes[i];
        *allow = routes[i].method;
    }
    return NULL;
}
