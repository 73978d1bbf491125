/*
 * app_probe.c - the multi-target pattern (see metrics.h): /probe?target=HOST[&mode=MODE] makes
 * HOST a target of the run at its first scrape, as --targets would; each later scrape marks it
 * wanted; one not scraped for --probe-idle seconds is retired on the main thread's tick. At
 * most --probe-max of them at once: past it, 503. A host already watched (command line,
 * --targets) is served as it is.
 */
#include "app_internal.h"
#include "names/resolver.h"

#include <malloc.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long long now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec;
}

/* The session of host in the fleet, marked scraped now; NULL when there is none. */
static struct session *scraped(struct app *a, const char *host)
{
    struct session *s = NULL;
    int i;

    fleet_lock(a->fleet);
    if ((i = fleet_find(a->fleet, host)) >= 0) {
        s = fleet_get(a->fleet, i);
        atomic_store(&s->last_scrape, now_s());
    }
    fleet_unlock(a->fleet);
    return s;
}

/* A new target for host (a->adding held). 0 or an HTTP status with err set. */
static int add(struct app *a, const char *host, const char *mode, char *err, size_t err_len)
{
    struct options o = a->opt;
    struct session *s;
    int status;

    if (mode && probe_mode_parse(mode, &o.mode) < 0)
        return snprintf(err, err_len, "unknown mode '%s'", mode), MHD_HTTP_BAD_REQUEST;
    o.nmodes = 0;
    if (a->nprobed >= a->opt.probe_max)
        return snprintf(err, err_len,
                        "/probe watches %d targets already (--probe-max): %s is "
                        "not added; one not scraped for %.0f s ends",
                        a->nprobed, host, a->opt.probe_idle_s),
               MHD_HTTP_SERVICE_UNAVAILABLE;
    if (!(s = app_open_with(a, &o, host, false, &status)))
        return snprintf(err, err_len, "%s: %s", host,
                        status == 2 ? "does not resolve" : "cannot be probed (see the log)"),
               status == 2 ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR;
    s->by_probe = true;
    atomic_store(&s->last_scrape, now_s());
    if (app_wire(a, s) != 0 || fleet_add(a->fleet, s) < 0) {
        session_free(s);
        return snprintf(err, err_len, "%s: not added (out of memory)", host),
               MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    resolver_watch(a->names, target_hops(s->target));
    a->nprobed++;
    fprintf(stderr, "hopwatch: /probe: watching %s (%d by /probe)\n", host, a->nprobed);
    return 0;
}

int app_probe_watch(void *ctx, const char *host, const char *mode, char *err, size_t err_len)
{
    struct app *a = ctx;
    int status = 0;

    if (scraped(a, host))
        return 0;
    pthread_mutex_lock(&a->adding);
    if (!scraped(a, host)) /* not added meanwhile by another scrape */
        status = add(a, host, mode, err, err_len);
    pthread_mutex_unlock(&a->adding);
    return status;
}

void app_probe_expire(struct app *a)
{
    long long now = now_s();

    if (!a->fleet || !a->opt.metrics)
        return;
    pthread_mutex_lock(&a->adding);
    for (bool any = false;; any = true) {
        struct session *idle = NULL;
        fleet_lock(a->fleet);
        for (int i = 0; i < fleet_count(a->fleet) && !idle; i++) {
            struct session *s = fleet_get(a->fleet, i);
            if (s->by_probe && now - atomic_load(&s->last_scrape) > (long long)a->opt.probe_idle_s)
                idle = s;
        }
        fleet_unlock(a->fleet);
        if (!idle) {
            if (any)
                malloc_trim(0); /* what they held goes back to the system */
            break;
        }
        a->nprobed--;
        fprintf(stderr, "hopwatch: /probe: %s not scraped for %.0f s: no longer watched\n",
                idle->run.target_name, a->opt.probe_idle_s);
        app_retire(a, idle); /* frees it, unless a scrape still holds it */
    }
    pthread_mutex_unlock(&a->adding);
}
