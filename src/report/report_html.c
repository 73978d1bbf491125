/*
 * report_html.c - the HTML report's document (see report_html.h): the page with its style,
 * the overview and one section a target. The charts are report_svg.c's; the baseline's words
 * are baseline_say.c's.
 *
 * Everything that came from the network or the command line (names, event texts, the command)
 * is written through report_html_text.
 */
#include "report_html.h"
#include "baseline.h"
#include "path/history.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct html_doc {
    FILE *overview, *sections; /* memory streams */
    char *ov_buf, *sec_buf;
    size_t ov_len, sec_len;
    int ntargets;
};

static const char style[] =
    "body{font:13px/1.4 system-ui,sans-serif;margin:16px auto;color:#222;max-width:1100px;"
    "padding:0 12px}h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;border-bottom:1px solid "
    "#bbb;margin-top:28px}h3{font-size:14px;margin:18px 0 6px}table{border-collapse:collapse;"
    "font-size:12px}td,th{padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px "
    "solid #eee}th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-size:12px;word-break:break-all}.v-ok{color:#2e7d32}.v-forwarding,.v-destination,"
    ".rose{color:#c62828;font-weight:600}.v-reply-only{color:#ef6c00}.v-unknown,.same{color:#777}"
    "p.summary{font-size:14px;font-weight:600}figure.hop{margin:8px 0;break-inside:avoid}"
    "figcaption{font-size:12px;font-weight:600}svg.hop-chart{width:100%;height:auto;"
    "display:block}svg text{font-size:10px;fill:#444}svg .loss{fill:#e53935}svg .rtt{fill:none;"
    "stroke:#1e88e5;stroke-width:1.2}svg .base{stroke:#bbb;stroke-width:.5}svg .mark line{"
    "stroke-dasharray:3 2;stroke-width:.8}.legend{font-size:11px;color:#555}"
    "@page{size:auto;margin:12mm}@media print{body{margin:0;max-width:none;padding:0}"
    "section.target+section.target{break-before:page}a{color:inherit;text-decoration:none}}";

void report_html_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

struct html_doc *report_html_begin(void)
{
    struct html_doc *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->overview = open_memstream(&d->ov_buf, &d->ov_len);
    d->sections = open_memstream(&d->sec_buf, &d->sec_len);
    if (!d->overview || !d->sections) {
        if (d->overview)
            fclose(d->overview);
        free(d->ov_buf);
        free(d);
        return NULL;
    }
    return d;
}

enum when_form { AT_CLOCK, AT_DATE, AT_DATE_ZONE };

static void html_time(const struct timespec *t, enum when_form form, char *buf, size_t len)
{
    struct tm tm;

    localtime_r(&t->tv_sec, &tm);
    if (form == AT_CLOCK)
        strftime(buf, len, "%H:%M:%S", &tm);
    else if (form == AT_DATE)
        strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
    else
        strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

/* The name a report shows for a responder: its host name with names on, else its address. */
static void host_text(FILE *out, const struct run_info *run, const struct hop_responder *r)
{
    char addr[64];
    struct name_info ni;

    if (!r) {
        fputs("???", out);
        return;
    }
    probe_addr_str(&r->addr, addr, sizeof(addr));
    ni = report_names_of(run, &r->addr);
    if (run->show_names && ni.host[0]) {
        report_html_text(out, ni.host);
        fputs(" (", out);
    }
    report_html_text(out, addr);
    if (run->show_names && ni.host[0])
        fputs(")", out);
}

static void facts(FILE *out, const struct run_info *run)
{
    char t0[64], t1[64];
    long secs = (long)(run->ended.tv_sec - run->started.tv_sec);

    html_time(&run->started, AT_DATE, t0, sizeof(t0));
    html_time(&run->ended, AT_DATE_ZONE, t1, sizeof(t1));
    fprintf(out,
            "<table class=\"facts\"><tr><th>Time</th><td>%s to %s (%ld min %ld s)</td></tr>"
            "<tr><th>Mode</th><td>",
            t0, t1, secs / 60, secs % 60);
    report_html_text(out, run->mode_name);
    if (run->mode_reason[0]) {
        fputs(" (", out);
        report_html_text(out, run->mode_reason);
        fputs(")", out);
    }
    fputs("</td></tr><tr><th>From</th><td>", out);
    report_html_text(out, run->local_host);
    fputs("</td></tr><tr><th>Command</th><td><code>", out);
    report_html_text(out, run->command_line ? run->command_line : "(not recorded)");
    fprintf(out,
            "</code></td></tr><tr><th>Version</th><td>hopwatch %s</td></tr>"
            "<tr><th>Ended</th><td>",
            HOPWATCH_VERSION);
    report_html_text(out, run->end_reason ? run->end_reason : "");
    fputs("</td></tr></table>\n", out);
}

/* The index of hop ttl in the diagnosis, -1 when it does not cover it. */
static int diag_index(const struct target_view *v, int ttl)
{
    for (int i = 0; i < v->diag.n; i++)
        if (v->in[i].ttl == ttl)
            return i;
    return -1;
}

static void hop_row(FILE *out, const struct run_info *run, const struct target_view *v, int ttl)
{
    const struct hop_stats *s = &v->snap.hops[ttl - 1];
    int i = diag_index(v, ttl);
    const char *vd = i >= 0 ? verdict_name(v->diag.hop[i].verdict) : "";
    char ev[320] = "";

    if (i >= 0)
        diagnose_evidence(v->in, &v->diag, i, ev, sizeof(ev));
    fprintf(out, "<tr class=\"hop\"><td class=\"num\">%d</td><td>", ttl);
    host_text(out, run, hop_main_responder(s));
    fprintf(out, "</td><td class=\"num\">%.1f%%</td><td class=\"num\">%llu</td>", hop_loss_pct(s),
            (unsigned long long)s->sent);
    if (s->rtt.n)
        fprintf(out,
                "<td class=\"num\">%.1f</td><td class=\"num\">%.1f</td><td "
                "class=\"num\">%.1f</td>",
                s->rtt.best_us / 1000.0, s->rtt.mean_us / 1000.0, s->rtt.worst_us / 1000.0);
    else
        fputs("<td></td><td></td><td></td>", out);
    fprintf(out, "<td class=\"verdict v-%s\">%s</td><td>", vd, vd);
    report_html_text(out, ev);
    fputs("</td></tr>\n", out);
}

static void verdicts(FILE *out, const struct run_info *run, const struct target_view *v)
{
    char sum[320];
    int onset = diagnose_onset_ttl(v->in, &v->diag);

    if (diagnose_summary(v->in, &v->diag, sum, sizeof(sum)))
        fputs("<p class=\"summary\">Onset: ", out);
    else
        fputs("<p class=\"summary\">Onset: none (no loss that carries on to the destination)", out);
    report_html_text(out, sum);
    fprintf(out,
            "</p>\n<h3>Verdicts</h3>\n<table class=\"hops\" data-onset=\"%d\"><tr><th>Hop"
            "</th><th>Host</th><th>Loss</th><th>Sent</th><th>Best ms</th><th>Avg ms</th>"
            "<th>Worst ms</th><th>Verdict</th><th>Evidence</th></tr>\n",
            onset);
    for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++)
        hop_row(out, run, v, t);
    fputs("</table>\n", out);
}

static void events(FILE *out, const struct run_info *run)
{
    char t0[32], t1[32];

    fprintf(out, "<h3>Events (%d)</h3>\n", run->nevents);
    if (!run->nevents) {
        fputs("<p class=\"events\">None: no loss burst, path change, mode change, reset or spell "
              "without sending.</p>\n",
              out);
        return;
    }
    fputs("<table class=\"events\"><tr><th>Start</th><th>End</th><th>Kind</th><th>What</th>"
          "</tr>\n",
          out);
    for (int i = 0; i < run->nevents; i++) {
        const struct event *e = &run->events[i];
        html_time(&e->start, AT_CLOCK, t0, sizeof(t0));
        if (e->ended)
            html_time(&e->end, AT_CLOCK, t1, sizeof(t1));
        else
            snprintf(t1, sizeof(t1), "ongoing");
        fprintf(out, "<tr class=\"event\" data-kind=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>",
                event_kind_name(e->kind), t0, t1, event_kind_name(e->kind));
        report_html_text(out, e->text);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void charts(FILE *out, const struct run_info *run, const struct target_view *v,
                   struct history *h)
{
    time_t from, to;

    fputs("<h3>Loss and RTT over time</h3>\n<p class=\"legend\">Each hop: loss in red (upper "
          "band, 0-100%), mean RTT in blue (lower band); dashed lines mark events: B loss "
          "burst, O could not send, P path change, V verdict change, M mode change, R reset, W a "
          "write failed.</p>\n",
          out);
    if (!h || !history_span(h, &from, &to)) {
        fputs("<p>No probe completed.</p>\n", out);
        return;
    }
    for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++) {
        fprintf(out, "<figure class=\"hop\"><figcaption>Hop %d: ", t);
        host_text(out, run, hop_main_responder(&v->snap.hops[t - 1]));
        fputs("</figcaption>", out);
        report_svg_hop(out, h, t, from, to, run->events, run->nevents);
        fputs("</figure>\n", out);
    }
}

/* Every responder of every hop, and the path changes among the events. */
static void responders(FILE *out, const struct run_info *run, const struct target_view *v)
{
    fputs("<h3>Responders and path changes</h3>\n<table class=\"responders\"><tr><th>Hop</th>"
          "<th>Responder</th><th>Replies</th><th>Avg ms</th></tr>\n",
          out);
    for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++) {
        const struct hop_stats *s = &v->snap.hops[t - 1];
        for (int i = 0; i < s->nresponders; i++) {
            const struct hop_responder *r = &s->responders[i];
            fputs("<tr class=\"responder\"><td class=\"num\">", out);
            if (i == 0)
                fprintf(out, "%d", t);
            fputs("</td><td>", out);
            host_text(out, run, r);
            fprintf(out, "</td><td class=\"num\">%llu</td><td class=\"num\">%.1f</td></tr>\n",
                    (unsigned long long)r->received, r->rtt.mean_us / 1000.0);
        }
    }
    fputs("</table>\n<ul class=\"path-changes\">", out);
    for (int i = 0; i < run->nevents; i++)
        if (run->events[i].kind == EVENT_PATH_CHANGE) {
            char t0[32];
            html_time(&run->events[i].start, AT_CLOCK, t0, sizeof(t0));
            fprintf(out, "<li>%s: ", t0);
            report_html_text(out, run->events[i].text);
            fputs("</li>", out);
        }
    fputs("</ul>\n", out);
}

/* --baseline: the comparison, a row a hop. */
static void baseline_section(FILE *out, const struct baseline_cmp *c)
{
    char line[512], span[80];

    baseline_span(c, span, sizeof(span));
    baseline_headline(c, line, sizeof(line));
    fputs("<h3>Compared with the baseline</h3>\n<p class=\"baseline-summary\">", out);
    report_html_text(out, line);
    fputs("<br><small>", out);
    report_html_text(out, c->path);
    fprintf(out,
            " (%s); Fisher's exact test, a change called at p &lt; %g</small></p>\n"
            "<table class=\"baseline\"><tr><th>Hop</th><th>Loss then</th><th>Loss now</th>"
            "<th>Change</th><th>Test</th><th>Best</th><th>Median</th><th>Responders</th>"
            "</tr>\n",
            span, BASELINE_ALPHA);
    for (int i = 0; i < c->nrows; i++) {
        const struct baseline_row *r = &c->row[i];
        struct baseline_words w;
        baseline_words(r, &w);
        fprintf(out,
                "<tr class=\"baseline-hop\" data-change=\"%s\"><td class=\"num\">%d</td>"
                "<td class=\"num\">%.1f%%</td><td class=\"num\">%.1f%%</td><td class=\"%s\">"
                "%s</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
                w.key, r->ttl, r->loss0, r->loss1, r->change == BASELINE_ROSE ? "rose" : "same",
                w.change, w.p, w.best, w.median);
        report_html_text(out, w.responders);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* The destination's loss, for the overview: its hop's, or the last hop's. */
static double dest_loss(const struct target_view *v)
{
    int t = v->snap.dest_ttl > 0 ? v->snap.dest_ttl : v->snap.nhops;
    return t >= 1 && t <= v->snap.nhops ? hop_loss_pct(&v->snap.hops[t - 1]) : 0;
}

static void overview_row(struct html_doc *d, const struct run_info *run,
                         const struct target_view *v)
{
    char sum[320];

    if (!diagnose_summary(v->in, &v->diag, sum, sizeof(sum)))
        snprintf(sum, sizeof(sum), "no loss that carries on");
    fprintf(d->overview, "<tr class=\"target\"><td><a href=\"#target-%d\">", d->ntargets);
    report_html_text(d->overview, run->target_name);
    fputs("</a></td><td>", d->overview);
    report_html_text(d->overview, run->target_addr);
    fputs("</td><td>", d->overview);
    report_html_text(d->overview, sum);
    fprintf(d->overview, "</td><td class=\"num\">%.1f%%</td><td class=\"num\">%d</td></tr>\n",
            dest_loss(v), run->nevents);
}

void report_html_target(struct html_doc *d, const struct run_info *run, const struct target_view *v,
                        struct history *h, const struct baseline_cmp *b)
{
    FILE *out = d->sections;

    d->ntargets++;
    overview_row(d, run, v);
    fprintf(out, "<section class=\"target\" id=\"target-%d\">\n<h2>", d->ntargets);
    report_html_text(out, run->target_name);
    fputs(" <small>(", out);
    report_html_text(out, run->target_addr);
    fputs(")</small></h2>\n", out);
    facts(out, run);
    verdicts(out, run, v);
    if (b)
        baseline_section(out, b);
    events(out, run);
    charts(out, run, v, h);
    responders(out, run, v);
    fputs("</section>\n", out);
}

int report_html_end(struct html_doc *d, FILE *out)
{
    int r = 0;

    fclose(d->overview);
    fclose(d->sections);
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width\">"
            "<meta name=\"generator\" content=\"hopwatch %s\"><title>hopwatch report</title>"
            "<style>%s</style></head>\n<body>\n<h1>hopwatch report</h1>\n",
            HOPWATCH_VERSION, style);
    if (d->ntargets > 1)
        fprintf(out,
                "<h2>Overview (%d targets)</h2>\n<table class=\"overview\"><tr><th>Target"
                "</th><th>Address</th><th>Diagnosis</th><th>Destination loss</th><th>Events"
                "</th></tr>\n%s</table>\n",
                d->ntargets, d->ov_buf ? d->ov_buf : "");
    if (d->sec_buf)
        fwrite(d->sec_buf, 1, d->sec_len, out);
    fputs("</body></html>\n", out);
    if (fflush(out) != 0 || ferror(out))
        r = -1;
    free(d->ov_buf);
    free(d->sec_buf);
    free(d);
    return r;
}
