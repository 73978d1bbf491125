/*
 * baseline_say.c - a comparison with the baseline said: the headline, a hop's words, the
 * sections of the text and JSON reports, a hop's line for the hop detail (see baseline.h; the
 * HTML report's section is report_html.c's, from the same words).
 */
#include "baseline.h"
#include "text/jsonw.h"

#include <math.h>
#include <string.h>

/* What happened to a hop's loss, in a few words. */
static const char *change_words(const struct baseline_row *r)
{
    if (r->carried)
        return "rose (carried)";
    switch (r->change) {
    case BASELINE_ROSE:
        return r->icmp_only ? "rose (ICMP only)" : "rose here";
    case BASELINE_FELL:
        return "fell";
    case BASELINE_NO_DATA:
        return "no data";
    default:
        return "same";
    }
}

static const char *change_key(const struct baseline_row *r)
{
    static const char *const keys[] = {"same", "rose", "fell", "no_data"};
    return keys[r->change];
}

static void p_text(double p, char *buf, size_t len)
{
    if (p < 0.001)
        snprintf(buf, len, "p < 0.001");
    else
        snprintf(buf, len, "p = %.3f", p);
}

void baseline_headline(const struct baseline_cmp *c, char *buf, size_t len)
{
    const struct baseline_row *r = baseline_row_of(c, c->rise_ttl);
    char p[32];
    int n = 0;

    if (r) {
        p_text(r->p, p, sizeof(p));
        n = snprintf(buf, len, "vs baseline: loss rose from hop %d on (%.1f%% -> %.1f%%, %s)",
                     r->ttl, r->loss0, r->loss1, p);
    } else {
        int icmp = 0;
        for (int i = 0; i < c->nrows; i++)
            icmp += c->row[i].icmp_only;
        n = snprintf(buf, len, "vs baseline: %s",
                     icmp ? "no rise in loss reaches the destination (a router answers less)"
                          : "no change in loss");
    }
    if (c->path_differs && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "; the path differs");
    if (c->mode_differs && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "; other mode (%s then, %s now)",
                 probe_mode_name(c->mode0), probe_mode_name(c->mode1));
}

/* "+1.2 ms" or "-" */
static void ms_delta(double us, char *buf, size_t len)
{
    if (isnan(us))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%+.1f ms", fabs(us) < 50 ? 0.0 : us / 1000); /* no "-0.0" */
}

/* "new 198.51.100.1; gone 198.18.1.2" or "" */
static void responder_words(const struct baseline_row *r, char *buf, size_t len)
{
    char a[64];
    int n = 0;

    buf[0] = '\0';
    for (int i = 0; i < r->nnew && n >= 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%snew %s", n ? "; " : "",
                      probe_addr_str(&r->added[i], a, sizeof(a)));
    for (int i = 0; i < r->nmissing && n >= 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%sgone %s", n ? "; " : "",
                      probe_addr_str(&r->missing[i], a, sizeof(a)));
}

void baseline_words(const struct baseline_row *r, struct baseline_words *w)
{
    w->change = change_words(r);
    w->key = change_key(r);
    p_text(r->p, w->p, sizeof(w->p));
    ms_delta(r->d_best_us, w->best, sizeof(w->best));
    ms_delta(r->d_median_us, w->median, sizeof(w->median));
    responder_words(r, w->responders, sizeof(w->responders));
}

void baseline_hop_line(const struct baseline_row *r, char *buf, size_t len)
{
    char p[32], best[24], med[24], resp[300];

    p_text(r->p, p, sizeof(p));
    ms_delta(r->d_best_us, best, sizeof(best));
    ms_delta(r->d_median_us, med, sizeof(med));
    responder_words(r, resp, sizeof(resp));
    snprintf(buf, len, "vs baseline: loss %.1f%% -> %.1f%% %s (%s); best %s, median %s%s%s",
             r->loss0, r->loss1, change_words(r), p, best, med, resp[0] ? "; " : "", resp);
}

void baseline_span(const struct baseline_cmp *c, char *buf, size_t len)
{
    char t0[32], t1[32];
    struct tm tm;

    localtime_r(&c->started.tv_sec, &tm);
    strftime(t0, sizeof(t0), "%Y-%m-%d %H:%M:%S", &tm);
    localtime_r(&c->ended.tv_sec, &tm);
    strftime(t1, sizeof(t1), "%H:%M:%S", &tm);
    snprintf(buf, len, "%s to %s", t0, t1);
}

void baseline_text(FILE *out, const struct baseline_cmp *c)
{
    char line[512], when[80];

    baseline_span(c, when, sizeof(when));
    baseline_headline(c, line, sizeof(line));
    fprintf(out, "Baseline: %s (%s)\n  %s\n", c->path, when, line);
    fprintf(out, "  %4s  %-17s %-17s %-11s %9s %9s  %s\n", "Hop", "Loss then -> now", "Change",
            "Test", "Best", "Median", "Responders");
    for (int i = 0; i < c->nrows; i++) {
        const struct baseline_row *r = &c->row[i];
        struct baseline_words w;
        char loss[40];
        baseline_words(r, &w);
        snprintf(loss, sizeof(loss), "%.1f%% -> %.1f%%", r->loss0, r->loss1);
        fprintf(out, "  %4d  %-17s %-17s %-11s %9s %9s  %s\n", r->ttl, loss, w.change, w.p, w.best,
                w.median, w.responders);
    }
}

static void json_ms(struct jsonw *w, const char *key, double us)
{
    jsonw_key(w, key);
    if (isnan(us))
        jsonw_null(w);
    else
        jsonw_fixed(w, us / 1000, 3);
}

static void json_addrs(struct jsonw *w, const char *key, const struct probe_addr *a, int n)
{
    char s[64];

    jsonw_key(w, key);
    jsonw_array(w);
    for (int i = 0; i < n; i++)
        jsonw_string(w, probe_addr_str(&a[i], s, sizeof(s)));
    jsonw_end_array(w);
}

void baseline_json(struct jsonw *w, const struct baseline_cmp *c)
{
    char line[512];

    baseline_headline(c, line, sizeof(line));
    jsonw_object(w);
    jsonw_kstring(w, "recording", c->path);
    jsonw_key(w, "started");
    jsonw_time(w, &c->started);
    jsonw_kstring(w, "summary", line);
    jsonw_kint_or_null(w, "rise_ttl", c->rise_ttl, c->rise_ttl > 0);
    jsonw_key(w, "path_differs");
    jsonw_bool(w, c->path_differs);
    jsonw_key(w, "mode_differs");
    jsonw_bool(w, c->mode_differs);
    jsonw_key(w, "hops");
    jsonw_array(w);
    for (int i = 0; i < c->nrows; i++) {
        const struct baseline_row *r = &c->row[i];
        jsonw_object(w);
        jsonw_kint(w, "ttl", r->ttl);
        jsonw_kstring(w, "loss_change", change_key(r));
        jsonw_key(w, "carried");
        jsonw_bool(w, r->carried);
        jsonw_key(w, "icmp_only");
        jsonw_bool(w, r->icmp_only);
        jsonw_kfixed(w, "p", r->p, 6);
        jsonw_kfixed(w, "loss_then", r->loss0, 2);
        jsonw_kfixed(w, "loss_now", r->loss1, 2);
        jsonw_kuint(w, "probes_then", r->n0);
        jsonw_kuint(w, "probes_now", r->n1);
        json_ms(w, "best_change_ms", r->d_best_us);
        json_ms(w, "median_change_ms", r->d_median_us);
        jsonw_key(w, "main_responder_changed");
        jsonw_bool(w, r->main_changed);
        json_addrs(w, "new_responders", r->added, r->nnew);
        json_addrs(w, "missing_responders", r->missing, r->nmissing);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    jsonw_end_object(w);
}
