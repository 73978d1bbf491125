/*
 * metrics_routes.c - the exporter's endpoints, as every official exporter has them: a landing
 * page, the metrics, health and readiness, and a reload (metrics_internal.h). A new endpoint is
 * a row of the table.
 */
#include "metrics_internal.h"
#include "version.h"

#include <string.h>

/* The scraper asks for OpenMetrics (Prometheus does, first): then it gets it. */
static bool wants_openmetrics(struct MHD_Connection *conn, const char **type)
{
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    bool om = accept && strstr(accept, "application/openmetrics-text");

    *type = om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
               : "text/plain; version=0.0.4; charset=utf-8";
    return om;
}

static unsigned metrics(const struct route_call *c, FILE *out, const char **type)
{
    c->site->write(c->site->ctx, wants_openmetrics(c->conn, type), out);
    return MHD_HTTP_OK;
}

static unsigned healthy(const struct route_call *c, FILE *out, const char **type)
{
    (void)c, (void)type;
    fputs("Healthy\n", out);
    return MHD_HTTP_OK;
}

/* Serving means the fleet is probing: the exporter starts after the targets are open. */
static unsigned ready(const struct route_call *c, FILE *out, const char **type)
{
    (void)c, (void)type;
    fputs("Ready\n", out);
    return MHD_HTTP_OK;
}

static unsigned reload(const struct route_call *c, FILE *out, const char **type)
{
    char err[400];

    (void)type;
    if (c->reload(c->server, err, sizeof(err)) < 0) {
        fprintf(out, "failed to reload the web config: %s\n", err);
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    fputs("reloaded\n", out);
    return MHD_HTTP_OK;
}

/* The multi-target pattern (as the blackbox exporter): /probe?target=HOST[&mode=MODE]. */
static unsigned probe(const struct route_call *c, FILE *out, const char **type)
{
    const char *host = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, "target");
    const char *mode = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, "mode");
    const char *exposition;
    bool om = wants_openmetrics(c->conn, &exposition);
    unsigned status;

    if (!host || !*host) {
        fputs("/probe needs ?target=HOST\n", out);
        return MHD_HTTP_BAD_REQUEST;
    }
    status = c->site->probe(c->site->ctx, host, mode, om, out);
    if (status == MHD_HTTP_OK)
        *type = exposition;
    return status;
}

static unsigned landing(const struct route_call *c, FILE *out, const char **type);

static const struct metrics_route routes[] = {
    {"/", "GET", landing, "this page"},
    {"/metrics", "GET", metrics,
     "the metrics (text format 0.0.4, or OpenMetrics 1.0 when the scraper asks for it)"},
    {"/-/healthy", "GET", healthy, "200 while the exporter runs"},
    {"/-/ready", "GET", ready, "200 once it serves its targets"},
    {"/-/reload", "POST", reload, "rereads --web.config.file (as SIGHUP does)"},
    {"/probe", "GET", probe,
     "?target=HOST[&amp;mode=MODE]: watches HOST from the first scrape on, its series alone"},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static unsigned landing(const struct route_call *c, FILE *out, const char **type)
{
    (void)c;
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
