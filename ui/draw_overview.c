/*
 * draw_overview.c - the overview of several targets (the first screen when hopwatch watches
 * more than one): its header, then one line per target with its name, address, hops, loss to
 * the destination, where loss starts, the most severe verdict on its path, its newest event
 * and the destination's loss timeline (draw_table.c's, one character per round). Drawn only
 * from the frame's lines (frame_overview.c).
 *
 * The fixed columns are a table; a narrow terminal loses the least useful first, then the
 * event and the timeline share what is left. Every cell is cut at the right edge: nothing is
 * written past the screen. Main thread only.
 */
#include "keys.h"
#include "text/textesc.h"
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define EVENT_MAX_W 40 /* the event's share of the room left; the timeline takes the rest */
#define TIMELINE_MIN 8

/* One fixed column: writes its cell into buf and returns the cell's color pair. */
struct ov_col {
    const char *title;
    int min_w, max_w; /* the widest cell on screen, kept between these */
    bool left;        /* text: left-aligned; numbers right-aligned */
    int keep;         /* a narrow terminal drops the lowest first */
    int (*fmt)(const struct frame_target *t, char *buf, size_t len);
};

/* The destination's hop, once the path's end is known. */
static const struct hop_stats *dest_hop(const struct frame_target *t)
{
    const struct hops_snapshot *sn = &t->view.snap;

    return t->reached && sn->nhops >= sn->first_ttl && sn->nhops > 0 ? &sn->hops[sn->nhops - 1]
                                                                     : NULL;
}

static int fmt_number(const struct frame_target *t, char *buf, size_t len)
{
    snprintf(buf, len, "%d", t->index + 1);
    return 0;
}

static int fmt_name(const struct frame_target *t, char *buf, size_t len)
{
    const char *name = t->s->run.target_name ? t->s->run.target_name : "";

    text_escape(name, strlen(name), buf, len);
    return 0;
}

static int fmt_addr(const struct frame_target *t, char *buf, size_t len)
{
    snprintf(buf, len, "%s", t->s->run.target_addr);
    return 0;
}

/* The path's length; "5?" while its end is not known (the last hop that answered). */
static int fmt_hops(const struct frame_target *t, char *buf, size_t len)
{
    if (t->view.snap.nhops <= 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%d%s", t->view.snap.nhops, t->reached ? "" : "?");
    return 0;
}

static int fmt_loss(const struct frame_target *t, char *buf, size_t len)
{
    const struct hop_stats *h = dest_hop(t);

    if (h && t->view.end_unreach) {
        snprintf(buf, len, "unreach");
        return PAIR_BAD;
    }
    if (!h || h->received + h->lost == 0) {
        snprintf(buf, len, "-");
        return 0;
    }
    snprintf(buf, len, "%.1f", hop_loss_pct(h));
    return loss_pair(h);
}

/* "7", or "7?" when only a forwarding verdict says where, too few probes to place it. */
static int fmt_onset(const struct frame_target *t, char *buf, size_t len)
{
    if (t->onset_ttl < 0) {
        snprintf(buf, len, "-");
        return 0;
    }
    snprintf(buf, len, "%d%s", t->onset_ttl, t->onset_guess ? "?" : "");
    return t->onset_guess ? PAIR_WARN : PAIR_BAD;
}

/* "forwarding@3": the verdict and its (first) hop; a clean path just "ok". */
static int fmt_worst(const struct frame_target *t, char *buf, size_t len)
{
    enum verdict v = t->worst.verdict;

    if (!t->worst_ttl)
        snprintf(buf, len, "-");
    else if (v == VERDICT_OK || v == VERDICT_UNKNOWN)
        snprintf(buf, len, "%s", verdict_name(v));
    else
        snprintf(buf, len, "%s@%d", verdict_name(v), t->worst_ttl);
    return t->worst_ttl ? verdict_pair(&t->worst) : 0;
}

static const struct ov_col ov_cols[] = {
    {"#", 1, 3, false, 9, fmt_number},     {"Target", 6, 28, true, 8, fmt_name},
    {"Address", 7, 39, true, 3, fmt_addr}, {"Hops", 4, 5, false, 5, fmt_hops},
    {"Loss%", 5, 8, false, 7, fmt_loss},   {"Onset", 5, 6, false, 4, fmt_onset},
    {"Worst", 5, 16, true, 6, fmt_worst},
};
#define OV_NCOLS (sizeof(ov_cols) / sizeof(ov_cols[0]))

struct ov_layout {
    bool on[OV_NCOLS];
    int width[OV_NCOLS]; /* with one space after */
    int event_w, timeline_w;
};

static int fixed_width(const struct ov_layout *l)
{
    int w = 0;

    for (size_t i = 0; i < OV_NCOLS; i++)
        w += l->on[i] ? l->width[i] : 0;
    return w;
}

/* Drops the column with the least keep still on; false when none is left. */
static bool drop_one(struct ov_layout *l)
{
    int least = -1;

    for (size_t i = 0; i < OV_NCOLS; i++)
        if (l->on[i] && (least < 0 || ov_cols[i].keep < ov_cols[least].keep))
            least = (int)i;
    if (least >= 0)
        l->on[least] = false;
    return least >= 0;
}

static void plan(const struct frame *f, int cols, struct ov_layout *l)
{
    char cell[300];
    int rest;

    for (size_t i = 0; i < OV_NCOLS; i++) {
        int w = (int)strlen(ov_cols[i].title);
        for (int k = 0; k < f->ntargets; k++) {
            ov_cols[i].fmt(&f->targets[k], cell, sizeof(cell));
            w = (int)strlen(cell) > w ? (int)strlen(cell) : w;
        }
        w = w < ov_cols[i].min_w ? ov_cols[i].min_w : w > ov_cols[i].max_w ? ov_cols[i].max_w : w;
        l->width[i] = w + 1;
        l->on[i] = true;
    }
    while (fixed_width(l) > cols - 1 && drop_one(l))
        ;
    rest = cols - 1 - fixed_width(l);
    l->event_w = rest < EVENT_MAX_W ? rest : EVENT_MAX_W;
    l->timeline_w = rest - l->event_w;
    if (l->timeline_w < TIMELINE_MIN) {
        l->event_w = rest;
        l->timeline_w = 0;
    }
}

/* Text at (y, x), at most w wide and never past the right edge. */
static void put(int y, int x, int w, bool left, const char *text, int cols)
{
    if (w > cols - 1 - x)
        w = cols - 1 - x;
    if (w <= 0)
        return;
    if (left)
        mvprintw(y, x, "%-*.*s", w, w, text);
    else
        mvprintw(y, x, "%*.*s", w, w, text);
}

static void draw_titles(const struct ov_layout *l, int cols)
{
    int x = 0;

    attron(A_BOLD);
    for (size_t i = 0; i < OV_NCOLS; i++)
        if (l->on[i]) {
            put(OVERVIEW_TOP - 1, x, l->width[i] - 1, ov_cols[i].left, ov_cols[i].title, cols);
            x += l->width[i];
        }
    put(OVERVIEW_TOP - 1, x, l->event_w - 1, true, "Last event", cols);
    put(OVERVIEW_TOP - 1, x + l->event_w, l->timeline_w, true,
        "Destination's loss timeline, newest on the right", cols);
    attroff(A_BOLD);
}

static void draw_event(const struct ui *u, const struct frame_target *t, int y, int x, int w,
                       int cols)
{
    const struct event *e = &t->last;
    char line[200], when[16];
    struct tm tm;
    int pair;

    if (!t->has_event) {
        put(y, x, w, true, "-", cols);
        return;
    }
    localtime_r(&e->start.tv_sec, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    snprintf(line, sizeof(line), "%s %s", when, e->text);
    pair = e->kind == EVENT_LOSS_BURST ? PAIR_BAD : PAIR_HEAD;
    color_on(u, pair);
    put(y, x, w, true, line, cols);
    color_off(u, pair);
}

static void draw_line(struct ui *u, const struct ov_layout *l, const struct frame_target *t, int y,
                      int cols)
{
    const struct hop_stats *h = dest_hop(t);
    char cell[300];
    int x = 0;

    for (size_t i = 0; i < OV_NCOLS; i++) {
        int pair;
        if (!l->on[i])
            continue;
        pair = ov_cols[i].fmt(t, cell, sizeof(cell));
        if (t->index == u->pick && i < 2) /* the selection: its number and name */
            attron(A_REVERSE);
        color_on(u, pair);
        put(y, x, l->width[i] - 1, ov_cols[i].left, cell, cols);
        color_off(u, pair);
        attroff(A_REVERSE);
        x += l->width[i];
    }
    if (l->event_w > 1)
        draw_event(u, t, y, x, l->event_w - 1, cols);
    if (l->timeline_w && h) {
        struct timeline tl = timeline_of(&t->view, t->st.interval_us, t->s->opt.timeout_s);
        draw_timeline(u, h, &tl, y, x + l->event_w, l->timeline_w);
    }
}

void draw_overview_header(struct ui *u, int cols)
{
    const struct frame *f = &u->f;
    char line[300], every[128];

    attron(A_BOLD);
    mvprintw(0, 0, "hopwatch");
    attroff(A_BOLD);
    printw(" overview");
    draw_clock(u, cols);
    if (f->npaused == 0)
        snprintf(line, sizeof(line), "%d target%s | all probing", f->nlive,
                 f->nlive == 1 ? "" : "s");
    else
        snprintf(line, sizeof(line), "%d target%s | PAUSED: %d of %d", f->nlive,
                 f->nlive == 1 ? "" : "s", f->npaused, f->nlive);
    if (f->ntargets && f->ntargets < f->nlive)
        snprintf(line + strlen(line), sizeof(line) - strlen(line), " | %d-%d shown (PgUp/PgDn)",
                 u->pick_top + 1, u->pick_top + f->ntargets);
    color_on(u, PAIR_HEAD);
    mvprintw(1, 0, "%.*s", cols - 1, line);
    color_off(u, PAIR_HEAD);
    keys_every_labels(every, sizeof(every));
    snprintf(line, sizeof(line),
             "Here %s act on every target; Enter or 1-9 opens one, where they act on it alone",
             every);
    mvprintw(2, 0, "%.*s", cols - 1, line);
}

void draw_overview(struct ui *u, int rows, int cols)
{
    const struct frame *f = &u->f;
    struct ov_layout l;

    plan(f, cols, &l);
    draw_titles(&l, cols);
    if (!f->nlive)
        put(OVERVIEW_TOP, 0, cols - 1, true,
            "no targets in the list now (SIGHUP rereads --targets)", cols);
    for (int k = 0; k < f->ntargets && OVERVIEW_TOP + k < rows - 2; k++)
        draw_line(u, &l, &f->targets[k], OVERVIEW_TOP + k, cols);
}
