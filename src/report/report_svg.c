/*
 * report_svg.c - a hop's chart for the HTML report (see report_html.h): an inline SVG of the
 * run's time buckets, loss bars in the upper band (0-100%), the mean RTT as a stepped line in
 * the lower band (0 to the hop's largest), the events as dashed lines marked with their letter.
 *
 * The bucket follows the span so that a day stays well under a megabyte: 10 s up to 15 minutes
 * (while the history still holds them), 1 minute up to 6 hours, then 10 minutes.
 */
#include "report_html.h"
#include "path/history.h"

#include <stdlib.h>

#define X0 44.0 /* the plot's left edge, in viewBox units (1000 wide) */
#define X1 992.0
#define LOSS_TOP 8.0
#define LOSS_BOTTOM 58.0
#define RTT_TOP 70.0
#define RTT_BOTTOM 120.0

static const struct {
    enum event_kind kind;
    char mark;
    const char *color;
} event_marks[] = {
    {EVENT_LOSS_BURST, 'B', "#c62828"},
    {EVENT_SEND_FAILURE, 'O', "#6a1b9a"},
    {EVENT_PATH_CHANGE, 'P', "#1565c0"},
    {EVENT_MODE_CHANGE, 'M', "#555"},
    {EVENT_RESET, 'R', "#555"},
    {EVENT_VERDICT_CHANGE, 'V', "#ef6c00"},
    {EVENT_WRITE_FAILURE, 'W', "#6a1b9a"},
};

static enum history_zoom zoom_for(struct history *h, time_t from, time_t to)
{
    if (to - from <= 15 * 60 && history_kept_from(h, HISTORY_10S) <= from)
        return HISTORY_10S;
    return to - from <= 6 * 3600 ? HISTORY_1M : HISTORY_10M;
}

static double x_at(time_t t, time_t from, time_t span)
{
    return X0 + (X1 - X0) * (double)(t - from) / (double)(span > 0 ? span : 1);
}

static void loss_bars(FILE *out, const struct history_point *p, int n, time_t from, time_t span,
                      double width)
{
    for (int i = 0; i < n; i++) {
        double hgt;
        if (!p[i].lost)
            continue;
        hgt = (LOSS_BOTTOM - LOSS_TOP) * p[i].lost / p[i].done;
        fprintf(out,
                "<rect class=\"loss\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                "<title>%u of %u lost</title></rect>",
                x_at(p[i].start, from, span), LOSS_BOTTOM - hgt, width < 1 ? 1 : width, hgt,
                p[i].lost, p[i].done);
    }
}

/* The mean RTT as one stepped path (a level a bucket), broken where no probe was answered;
 * returns the scale (us). */
static double rtt_line(FILE *out, const struct history_point *p, int n, time_t from, time_t span,
                       double width)
{
    double max = 0;
    bool open = false;

    for (int i = 0; i < n; i++)
        if (p[i].rtt_us > max)
            max = p[i].rtt_us;
    if (max <= 0)
        return 0;
    max *= 1.1;
    fprintf(out, "<path class=\"rtt\" d=\"");
    for (int i = 0; i < n; i++) {
        double x = x_at(p[i].start, from, span);
        if (p[i].rtt_us < 0) {
            open = false;
            continue;
        }
        fprintf(out, "%c%.1f %.1fH%.1f", open ? 'L' : 'M', x,
                RTT_BOTTOM - (RTT_BOTTOM - RTT_TOP) * p[i].rtt_us / max, x + width);
        open = true;
    }
    fprintf(out, "\"/>");
    return max;
}

/* Each event a dashed line; its letter only when clear of the last one written. */
static void event_lines(FILE *out, const struct event *ev, int nev, time_t from, time_t to)
{
    double last = -100;

    for (int i = 0; i < nev; i++) {
        time_t t = ev[i].start.tv_sec;
        double x;
        if (t < from || t > to)
            continue;
        x = x_at(t, from, to - from);
        for (size_t m = 0; m < sizeof(event_marks) / sizeof(event_marks[0]); m++) {
            if (event_marks[m].kind != ev[i].kind)
                continue;
            fprintf(out,
                    "<g class=\"mark\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"%.0f\" "
                    "stroke=\"%s\"/>",
                    x, x, RTT_BOTTOM, event_marks[m].color);
            if (x - last >= 10) {
                fprintf(out, "<text x=\"%.1f\" y=\"8\" fill=\"%s\">%c</text>", x + 2,
                        event_marks[m].color, event_marks[m].mark);
                last = x;
            }
            fputs("</g>", out);
        }
    }
}

static void axis(FILE *out, time_t from, time_t to, double rtt_max)
{
    char t[3][16];
    struct tm tm;
    time_t at[3] = {from, from + (to - from) / 2, to};

    for (int i = 0; i < 3; i++) {
        localtime_r(&at[i], &tm);
        if (to - from < 3600)
            strftime(t[i], sizeof(t[i]), "%H:%M:%S", &tm);
        else
            strftime(t[i], sizeof(t[i]), "%H:%M", &tm);
    }
    fprintf(out,
            "<line class=\"base\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\"/>"
            "<line class=\"base\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\"/>"
            "<text x=\"2\" y=\"%.0f\">100%%</text><text x=\"2\" y=\"%.0f\">0%%</text>"
            "<text x=\"2\" y=\"%.0f\">%.1f ms</text><text x=\"2\" y=\"%.0f\">0</text>"
            "<text x=\"%.0f\" y=\"132\">%s</text><text x=\"%.0f\" y=\"132\" "
            "text-anchor=\"middle\">%s</text><text x=\"%.0f\" y=\"132\" "
            "text-anchor=\"end\">%s</text>",
            X0, X1, LOSS_BOTTOM, LOSS_BOTTOM, X0, X1, RTT_BOTTOM, RTT_BOTTOM, LOSS_TOP + 6,
            LOSS_BOTTOM, RTT_TOP + 6, rtt_max / 1000, RTT_BOTTOM, X0, t[0], (X0 + X1) / 2, t[1], X1,
            t[2]);
}

void report_svg_hop(FILE *out, struct history *h, int ttl, time_t from, time_t to,
                    const struct event *events, int nevents)
{
    enum history_zoom z = zoom_for(h, from, to);
    time_t secs = history_zoom_secs(z), first = history_bucket(z, from);
    time_t end = history_bucket(z, to) + secs;
    int n = (int)((end - first) / secs);
    struct history_point *p = calloc((size_t)n, sizeof(*p));
    double width = (X1 - X0) * (double)secs / (double)(end - first), rtt_max;

    fprintf(out,
            "<svg class=\"hop-chart\" data-ttl=\"%d\" viewBox=\"0 0 1000 136\" role=\"img\" "
            "aria-label=\"hop %d: loss and mean RTT every %s\">",
            ttl, ttl, history_zoom_name(z));
    if (p) {
        history_read(h, ttl, z, first, n, p);
        loss_bars(out, p, n, first, end - first, width);
        rtt_max = rtt_line(out, p, n, first, end - first, width);
        axis(out, first, end, rtt_max);
        event_lines(out, events, nevents, first, end);
    }
    fprintf(out, "</svg>\n");
    free(p);
}
