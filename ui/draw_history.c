/*
 * draw_history.c - the history screen: a row per hop, a column per time bucket (10 s, 1 min
 * or 10 min), newest on the right; the events marked above the buckets they started in, a time
 * axis under them, and the selected bucket's times, figures and events on the line below.
 *
 * A bucket shows its loss ('.' none, 1-9 tens of percent begun, '#' all lost) or, after d, its
 * mean RTT against 1.25 times the row's largest on screen (8 bands, '#' all lost). Blank: no
 * probe then.
 */
#include "ui_internal.h"
#include "text/textesc.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* An event's mark on the time axis, the more telling first when several share a bucket. */
static const struct {
    enum event_kind kind;
    char mark;
} history_marks[] = {
    {EVENT_LOSS_BURST, 'B'},     {EVENT_SEND_FAILURE, 'O'}, {EVENT_PATH_CHANGE, 'P'},
    {EVENT_VERDICT_CHANGE, 'V'}, {EVENT_MODE_CHANGE, 'M'},  {EVENT_RESET, 'R'},
    {EVENT_WRITE_FAILURE, 'W'},
};

static const char *const bands_utf8[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};

static const struct history_point *point(const struct frame *f, int row, int col)
{
    return &f->hist[(size_t)row * (size_t)f->hist_ncols + (size_t)col];
}

/* The mark of the events that started in the bucket from t (secs long), 0 none. */
static char event_mark(const struct frame *f, time_t t, time_t secs)
{
    int best = -1;

    for (int i = 0; i < f->nevents; i++) {
        if (f->events[i].start.tv_sec < t || f->events[i].start.tv_sec >= t + secs)
            continue;
        for (int m = 0; m < (int)(sizeof(history_marks) / sizeof(history_marks[0])); m++)
            if (history_marks[m].kind == f->events[i].kind && (best < 0 || m < best))
                best = m;
    }
    return best < 0 ? 0 : history_marks[best].mark;
}

static void draw_marks(struct ui *u, int y)
{
    const struct frame *f = &u->f;
    time_t secs = history_zoom_secs(u->hist.zoom);

    mvprintw(y, 0, "%-*s", HISTORY_LABEL, "    events");
    for (int c = 0; c < f->hist_ncols; c++) {
        char m = event_mark(f, f->hist_left + c * secs, secs);
        int pair = m == 'B' || m == 'O' ? PAIR_BAD : PAIR_HEAD;
        if (!m)
            continue;
        color_on(u, pair);
        mvaddch(y, HISTORY_LABEL + c, (chtype)m);
        color_off(u, pair);
    }
}

/* A bucket's loss glyph and color. */
static char loss_glyph(const struct history_point *p, int *pair)
{
    double pct;

    if (!p->done)
        return ' ';
    pct = 100.0 * p->lost / p->done;
    *pair = p->lost == 0 ? PAIR_GOOD : pct < 20 ? PAIR_WARN : PAIR_BAD;
    if (p->lost == 0)
        return '.';
    if (p->lost == p->done)
        return '#';
    return (char)('0' + (pct >= 90 ? 9 : (int)(pct / 10) + 1));
}

static void draw_cell(struct ui *u, const struct history_point *p, double scale, int y, int x,
                      bool selected)
{
    int pair = PAIR_DIM;
    char c;

    if (selected)
        attron(A_REVERSE);
    if (!u->hist.rtt || !p->done || p->lost == p->done) {
        c = loss_glyph(p, &pair);
        color_on(u, pair);
        mvaddch(y, x, (chtype)(selected && c == ' ' ? '_' : c));
        color_off(u, pair);
    } else {
        int band = p->rtt_us < 0 || scale <= 0 ? 0 : (int)(p->rtt_us / scale * 8);
        band = band > 7 ? 7 : band < 0 ? 0 : band;
        color_on(u, p->lost ? PAIR_WARN : PAIR_GOOD);
        if (u->utf8)
            mvaddstr(y, x, bands_utf8[band]);
        else
            mvaddch(y, x, (chtype)('1' + band));
        color_off(u, p->lost ? PAIR_WARN : PAIR_GOOD);
    }
    if (selected)
        attroff(A_REVERSE);
}

/* The hop's label: TTL and its main responder as the view knows it. */
static void draw_label(struct ui *u, int ttl, int y)
{
    const struct hops_snapshot *sn = &u->f.view.snap;
    const struct hop_stats *h = ttl <= sn->nhops ? &sn->hops[ttl - 1] : NULL;
    const struct hop_responder *r = h ? hop_main_responder(h) : NULL;
    char who[128] = "???";

    if (r)
        responder_text(u, h, r, who, sizeof(who));
    mvprintw(y, 0, "%3d %-*.*s", ttl, HISTORY_LABEL - 5, HISTORY_LABEL - 5, who);
}

static void draw_row(struct ui *u, int row, int y, int sel_col)
{
    const struct frame *f = &u->f;
    double scale = 0;

    draw_label(u, f->hist_first_ttl + row, y);
    for (int c = 0; c < f->hist_ncols; c++)
        if (point(f, row, c)->rtt_us * 1.25 > scale)
            scale = point(f, row, c)->rtt_us * 1.25; /* the highest at 6 of 8: room to rise */
    for (int c = 0; c < f->hist_ncols; c++)
        draw_cell(u, point(f, row, c), scale, y, HISTORY_LABEL + c, c == sel_col);
}

/* "HH:MM" under the buckets that start a step: 2 min, 10 min or 2 hours. */
static void draw_axis(struct ui *u, int y)
{
    static const time_t steps[HISTORY_ZOOMS] = {120, 600, 7200};
    const struct frame *f = &u->f;
    time_t secs = history_zoom_secs(u->hist.zoom), step = steps[u->hist.zoom];

    mvprintw(y, 0, "%-*s", HISTORY_LABEL, "    time");
    for (int c = 0; c + 5 <= f->hist_ncols; c++) {
        time_t t = f->hist_left + c * secs;
        struct tm tm;
        char hm[8];
        if (t % step)
            continue;
        localtime_r(&t, &tm);
        strftime(hm, sizeof(hm), "%H:%M", &tm);
        mvprintw(y, HISTORY_LABEL + c, "|%s", hm);
    }
}

/* The hop the selected line speaks of: the selected one, else the one losing most then. */
static int pick_row(const struct ui *u, int col)
{
    const struct frame *f = &u->f;
    int best = f->hist_nhops - 1;
    double most = 0;

    if (u->selected >= f->hist_first_ttl && u->selected < f->hist_first_ttl + f->hist_nhops)
        return u->selected - f->hist_first_ttl;
    for (int i = 0; i < f->hist_nhops; i++) {
        const struct history_point *p = point(f, i, col);
        if (p->done && (double)p->lost / p->done > most) {
            most = (double)p->lost / p->done;
            best = i;
        }
    }
    return best;
}

/* The selected bucket: its times, a hop's figures, the events that started in it. */
static void draw_selected(struct ui *u, int y, int cols, int col)
{
    const struct frame *f = &u->f;
    time_t t = u->hist.sel, secs = history_zoom_secs(u->hist.zoom);
    char t0[16], t1[16], line[512], ev[200] = "";
    struct tm tm;
    int n, row = pick_row(u, col);

    localtime_r(&t, &tm);
    strftime(t0, sizeof(t0), "%H:%M:%S", &tm);
    t += secs;
    localtime_r(&t, &tm);
    strftime(t1, sizeof(t1), "%H:%M:%S", &tm);
    n = snprintf(line, sizeof(line), "%s-%s", t0, t1);
    if (row >= 0 && col >= 0 && col < f->hist_ncols) {
        const struct history_point *p = point(f, row, col);
        n += snprintf(line + n, sizeof(line) - (size_t)n, " | hop %d: ", f->hist_first_ttl + row);
        if (!p->done)
            n += snprintf(line + n, sizeof(line) - (size_t)n, "no probes");
        else
            n += snprintf(line + n, sizeof(line) - (size_t)n, "%u of %u lost (%.1f%%)", p->lost,
                          p->done, 100.0 * p->lost / p->done);
        if (p->rtt_us >= 0)
            n += snprintf(line + n, sizeof(line) - (size_t)n, ", RTT %.1f ms", p->rtt_us / 1000);
    }
    for (int i = 0; i < f->nevents && !ev[0]; i++)
        if (f->events[i].start.tv_sec >= u->hist.sel && f->events[i].start.tv_sec < t)
            snprintf(ev, sizeof(ev), " | %s: %s", event_kind_name(f->events[i].kind),
                     f->events[i].text);
    snprintf(line + n, sizeof(line) - (size_t)n, "%s", ev);
    attron(A_BOLD);
    mvprintw(y, 0, "%.*s", cols - 1, line);
    attroff(A_BOLD);
}

void draw_history(struct ui *u, int rows, int cols)
{
    const struct frame *f = &u->f;
    time_t secs = history_zoom_secs(u->hist.zoom);
    int col = (int)((u->hist.sel - f->hist_left) / secs);
    char first[32] = "", last[32] = "";
    struct tm tm;

    attron(A_BOLD);
    if (!f->hist_any) {
        mvprintw(3, 0, "History: nothing yet (each hop's buckets fill as probes complete)");
        attroff(A_BOLD);
        return;
    }
    localtime_r(&f->hist_first, &tm);
    strftime(first, sizeof(first), "%H:%M:%S", &tm);
    localtime_r(&f->hist_last, &tm);
    strftime(last, sizeof(last), "%H:%M:%S", &tm);
    mvprintw(3, 0, "History, %s buckets: %s%s | %s to %s", history_zoom_name(u->hist.zoom),
             u->hist.rtt ? "mean RTT (d: loss)" : "loss (d: RTT)",
             u->hist.follow ? " | newest" : "", first, last);
    attroff(A_BOLD);
    draw_marks(u, HISTORY_TOP - 1);
    for (int i = 0; i < f->hist_nhops; i++)
        draw_row(u, i, HISTORY_TOP + i, col);
    draw_axis(u, HISTORY_TOP + f->hist_nhops);
    draw_selected(u, rows - HISTORY_BELOW, cols, col);
}
