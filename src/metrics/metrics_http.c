/*
 * metrics_http.c - the exporter's HTTP server (metrics_internal.h), libmicrohttpd's own
 * polling thread, with the web config (webconfig.h): TLS from libmicrohttpd (GnuTLS), client
 * certificates checked through GnuTLS, basic auth checked with bcrypt. The endpoints are
 * metrics_routes.c's table. No HTTP is written here by hand.
 *
 * Reloading (SIGHUP on the main thread, POST /-/reload on the server's): a config that does not
 * read keeps the old one. New users apply at once; new TLS material needs the server started
 * again, which the main thread does (at once on SIGHUP, at its next tick after POST /-/reload:
 * a server cannot stop itself from its own thread).
 */
#include "metrics_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct metrics_http {
    struct MHD_Daemon *daemon;
    struct sockaddr_storage ss;
    char spec[128];
    const char *config_path; /* --web.config.file, NULL none */
    struct metrics_site site;
    pthread_mutex_t lock; /* cfg */
    struct webconfig cfg;
    struct webconfig running; /* a copy of the TLS material the daemon was started with */
    atomic_bool restart;
};

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

/* The client's certificate, as the config asks: NULL when it passes, else why not. */
static const char *client_cert_refused(struct MHD_Connection *conn, enum client_auth need)
{
    const union MHD_ConnectionInfo *ci;
    gnutls_session_t s;
    unsigned int n = 0, status = 0;

    if (need == CLIENT_NONE || need == CLIENT_REQUEST)
        return NULL;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!ci || !(s = (gnutls_session_t)ci->tls_session))
        return "no TLS session";
    if (!gnutls_certificate_get_peers(s, &n) || n == 0)
        return need == CLIENT_VERIFY_IF_GIVEN ? NULL : "a client certificate is required";
    if (need == CLIENT_REQUIRE_ANY)
        return NULL;
    if (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0)
        return "the client certificate is not signed by client_ca_file";
    return NULL;
}

/* Basic auth as the config asks: true when it passes (no users: nothing to ask). */
static bool authorized(struct metrics_http *m, struct MHD_Connection *conn)
{
    char *pass = NULL, *user = MHD_basic_auth_get_username_password(conn, &pass);
    char *hash = NULL;
    bool ok, known, none;

    pthread_mutex_lock(&m->lock);
    none = m->cfg.nusers == 0;
    known = webconfig_hash(&m->cfg, user) != NULL;
    if (!none) /* an unknown user is checked against a stand-in of the same cost */
        hash = strdup(known ? webconfig_hash(&m->cfg, user) : webconfig_stand_in(&m->cfg));
    pthread_mutex_unlock(&m->lock);
    ok = none || webconfig_check(hash, known && user, pass);
    free(hash);
    if (user)
        MHD_free(user);
    if (pass)
        MHD_free(pass);
    return ok;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, size_t len, bool ask_auth, const char *allow)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ret;

    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    ret = ask_auth ? MHD_queue_basic_auth_fail_response(conn, "hopwatch", resp)
                   : MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* POST /-/reload, on the server's thread. */
static int reload_from_server(void *server, char *err, size_t err_len)
{
    return metrics_http_reload(server, true, err, err_len);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct metrics_http *m = cls;
    const struct metrics_route *r;
    const char *type = "text/plain; charset=utf-8", *allow = NULL, *refused;
    enum client_auth need;
    char *buf = NULL;
    size_t len = 0;
    unsigned status;
    FILE *out;

    (void)version, (void)upload, (void)con_cls;
    if (*upload_size) { /* a body (POST): not read */
        *upload_size = 0;
        return MHD_YES;
    }
    if (!(out = open_memstream(&buf, &len)))
        return MHD_NO;
    pthread_mutex_lock(&m->lock);
    need = m->cfg.tls ? m->cfg.client_auth : CLIENT_NONE;
    pthread_mutex_unlock(&m->lock);
    if ((refused = client_cert_refused(conn, need))) {
        fprintf(out, "%s\n", refused);
        status = MHD_HTTP_FORBIDDEN;
    } else if (!authorized(m, conn)) {
        fclose(out);
        return reply(conn, MHD_HTTP_UNAUTHORIZED, type, buf, len, true, NULL);
    } else if (!(r = metrics_route_find(url, method, &allow))) {
        fprintf(out, allow ? "%s only\n" : "not found: see / for the endpoints\n",
                allow ? allow : "");
        status = allow ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND;
    } else {
        struct route_call call = {conn, &m->site, reload_from_server, m};
        status = r->fn(&call, out, &type);
    }
    fclose(out);
    return reply(conn, status, type, buf, len, false, allow);
}

/* A copy of the TLS material of m->cfg for the daemon to start with, so a reload may free the
 * config while the daemon runs. */
static int copy_tls(struct metrics_http *m)
{
    struct webconfig *r = &m->running;

    webconfig_free(r);
    pthread_mutex_lock(&m->lock);
    r->tls = m->cfg.tls;
    r->client_auth = m->cfg.client_auth;
    r->cert_pem = m->cfg.cert_pem ? strdup(m->cfg.cert_pem) : NULL;
    r->key_pem = m->cfg.key_pem ? strdup(m->cfg.key_pem) : NULL;
    r->ca_pem = m->cfg.ca_pem ? strdup(m->cfg.ca_pem) : NULL;
    pthread_mutex_unlock(&m->lock);
    return r->tls && (!r->cert_pem || !r->key_pem || (m->cfg.ca_pem && !r->ca_pem)) ? -1 : 0;
}

/* The daemon, with the TLS material of m->cfg. */
static int serve(struct metrics_http *m, char *err, size_t err_len)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    struct MHD_OptionItem opt[9];
    int n = 0;

    if (copy_tls(m) < 0)
        return snprintf(err, err_len, "out of memory"), -1;
    if (m->ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    opt[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &m->ss};
    opt[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 10, NULL};
    /* a few threads: a /probe that resolves a new host must not hold up the other scrapes */
    opt[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, 4, NULL};
    if (m->running.tls) {
        flags |= MHD_USE_TLS;
        opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, m->running.key_pem};
        opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, m->running.cert_pem};
        if (m->running.ca_pem)
            opt[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, m->running.ca_pem};
    }
    opt[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    m->daemon = MHD_start_daemon(flags, ntohs(((struct sockaddr_in *)&m->ss)->sin_port), NULL, NULL,
                                 answer, m, MHD_OPTION_ARRAY, opt, MHD_OPTION_END);
    if (!m->daemon)
        return snprintf(err, err_len,
                        "--metrics %s: cannot listen there (in use, not an address of this host"
                        "%s)",
                        m->spec, m->running.tls ? ", or the key does not fit the certificate" : ""),
               -1;
    return 0;
}

struct metrics_http *metrics_http_start(const char *spec, const char *config_path,
                                        const struct metrics_site *site, char *err, size_t err_len)
{
    struct metrics_http *m = calloc(1, sizeof(*m));

    if (!m)
        return snprintf(err, err_len, "out of memory"), NULL;
    snprintf(m->spec, sizeof(m->spec), "%s", spec);
    m->site = *site;
    m->config_path = config_path;
    pthread_mutex_init(&m->lock, NULL);
    if (parse_spec(spec, &m->ss, err, err_len) < 0 ||
        (config_path && webconfig_load(config_path, &m->cfg, err, err_len) < 0) ||
        serve(m, err, err_len) < 0) {
        webconfig_free(&m->cfg);
        webconfig_free(&m->running);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

int metrics_http_reload(struct metrics_http *m, bool on_server_thread, char *err, size_t err_len)
{
    struct webconfig fresh, old;
    bool restart;

    if (!m->config_path)
        return snprintf(err, err_len, "no --web.config.file to reload"), -1;
    if (webconfig_load(m->config_path, &fresh, err, err_len) < 0)
        return -1;
    pthread_mutex_lock(&m->lock);
    restart = webconfig_tls_differs(&m->cfg, &fresh);
    old = m->cfg;
    m->cfg = fresh;
    pthread_mutex_unlock(&m->lock);
    webconfig_free(&old);
    if (!restart)
        return 0;
    atomic_store(&m->restart, true); /* the daemon runs on with its copy until then */
    if (!on_server_thread)
        metrics_http_tick(m);
    return 0;
}

void metrics_http_tick(struct metrics_http *m)
{
    char err[300];

    if (!m || !atomic_exchange(&m->restart, false))
        return;
    if (m->daemon)
        MHD_stop_daemon(m->daemon);
    m->daemon = NULL;
    if (serve(m, err, sizeof(err)) < 0) {
        fprintf(stderr, "hopwatch: --web.config.file %s: %s; trying again\n", m->config_path, err);
        atomic_store(&m->restart, true);
    }
}

void metrics_http_stop(struct metrics_http *m)
{
    if (!m)
        return;
    if (m->daemon)
        MHD_stop_daemon(m->daemon);
    webconfig_free(&m->cfg);
    webconfig_free(&m->running);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
