/*
 * draw_table.c - the main screen: the hop table (table-driven columns, one row per hop plus
 * one per extra responder) and the loss timeline beside it, one character per round.
 * Narrow terminals lose the least important default columns first (an -o order: its
 * rightmost), then the timeline.
 */
#include "ui_internal.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define TIMELINE_MIN 8

/* ---- the loss timeline ------------------------------------------------------------------- */

/* RTT bands: 8 steps of scale/8; above the scale a ninth mark. */
static const char *const bands_utf8[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
                                         "\u2586", "\u2587", "\u2588", ">"};
static const char *const bands_ascii[] = {"1", "2", "3", "4", "5", "6", "7", "8", ">"};

/* The full-scale RTT is the largest average of the view's hops, at least 1 ms. */
struct timeline timeline_of(const struct target_view *v, uint64_t interval_us, double timeout_s)
{
    struct timeline tl = {.newest = v->rounds ? v->rounds - 1 : 0, .scale_us = 1000.0};

    tl.pending_rounds = interval_us ? (int)(timeout_s * 1e6 / (double)interval_us) + 1 : 1;
    for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++)
        if (v->snap.hops[t - 1].rtt.n && v->snap.hops[t - 1].rtt.mean_us * 1.5 > tl.scale_us)
            tl.scale_us = v->snap.hops[t - 1].rtt.mean_us * 1.5;
    return tl;
}

/* One character per round, newest on the right, aligned by round number across hops. */
void draw_timeline(const struct ui *u, const struct hop_stats *h, const struct timeline *tl, int y,
                   int x, int width)
{
    const char *const *bands = u->utf8 ? bands_utf8 : bands_ascii;
    uint32_t newest = tl->newest;
    double cell[512];
    bool have[512];
    int pending_rounds = tl->pending_rounds;
    double scale_us = tl->scale_us;

    if (width > 512)
        width = 512;
    memset(have, 0, sizeof(have));
    for (int i = 0; h->ring && i < h->nsamples; i++) {
        const struct hop_sample *smp = &h->ring[(h->ring_head + HOPS_RING - 1 - i) % HOPS_RING];
        uint32_t age = hop_sample_age(smp, newest);
        if (age < (uint32_t)width) {
            cell[age] = hop_sample_rtt_us(smp);
            have[age] = true;
        }
    }
    move(y, x);
    for (int c = width - 1; c >= 0; c--) {
        if (!have[c]) {
            /* No sample yet for a round younger than the timeout: still in flight. */
            bool pending = h->inflight && c <= pending_rounds;
            color_on(u, PAIR_DIM);
            addstr(pending ? (u->utf8 ? "\u00b7" : ".") : " ");
            color_off(u, PAIR_DIM);
        } else if (cell[c] < 0) {
            color_on(u, PAIR_BAD);
            attron(A_BOLD);
            addstr(u->utf8 ? "\u2717" : "x");
            attroff(A_BOLD);
            color_off(u, PAIR_BAD);
        } else {
            int b = (int)(cell[c] / (scale_us / 8.0));
            int pair = b < 4 ? PAIR_GOOD : b < 8 ? PAIR_WARN : PAIR_BAD;
            color_on(u, pair);
            addstr(bands[b > 8 ? 8 : b]);
            color_off(u, pair);
        }
    }
}

static void draw_scale(struct ui *u, int y, int cols, double scale_us)
{
    const char *const *bands = u->utf8 ? bands_utf8 : bands_ascii;
    char buf[32];

    move(y, 0);
    printw("RTT scale:");
    for (int b = 0; b < 8 && getcurx(stdscr) < cols - 16; b++) {
        snprintf(buf, sizeof(buf), " %s<%.1f", bands[b], scale_us / 8.0 * (b + 1) / 1000.0);
        addstr(buf);
    }
    printw(" >=more  %s lost  %s in flight  (ms)", u->utf8 ? "\u2717" : "x",
           u->utf8 ? "\u00b7" : ".");
}

/* ---- the hop table ------------------------------------------------------------------------ */

struct layout {
    int host_w;
    char order[COLUMNS_MAX]; /* the columns that fit */
    int width[COLUMNS_MAX];  /* each column's width this redraw: a count never overflows */
    int timeline_x, timeline_w;
};

static int order_width(const struct layout *l)
{
    int w = 0;
    for (size_t i = 0; l->order[i]; i++)
        w += l->width[i];
    return w;
}

/* A column is as wide as its default or its widest value plus a space. */
static void measure(const struct ui *u, struct layout *l)
{
    char cell[32];

    for (size_t i = 0; l->order[i]; i++) {
        const struct column *c = l->order[i] == ' ' ? NULL : columns_find(l->order[i]);
        l->width[i] = c ? c->width : 1;
        for (int t = u->f.view.snap.first_ttl; c && t <= u->f.view.snap.nhops; t++) {
            struct col_row row = ui_row(u, &u->f.view.snap.hops[t - 1]);
            c->fmt(&row, cell, sizeof(cell));
            if ((int)strlen(cell) + 1 > l->width[i])
                l->width[i] = (int)strlen(cell) + 1;
        }
    }
}

/* Removes column i, and a separating space left with nothing to separate. */
static void drop_column(struct layout *l, size_t i)
{
    size_t n = strlen(l->order);

    memmove(l->order + i, l->order + i + 1, n - i);
    memmove(l->width + i, l->width + i + 1, (n - i - 1) * sizeof(l->width[0]));
    if (i > 0 && l->order[i - 1] == ' ' && (l->order[i] == ' ' || l->order[i] == '\0'))
        drop_column(l, i - 1);
}

/* The default columns lose the least important first; an order the user gave (or the jitter
 * set) loses its rightmost. */
static void drop_one(const struct ui *u, struct layout *l)
{
    size_t n = strlen(l->order);

    if (!u->s->opt.order_given && !u->jitter_cols)
        for (const char *k = columns_expendable; *k; k++) {
            const char *at = strchr(l->order, *k);
            if (at)
                return drop_column(l, (size_t)(at - l->order));
        }
    drop_column(l, n - 1);
}

static void plan(struct ui *u, int cols, struct layout *l)
{
    char buf[300];
    int want = 16;

    for (int t = u->f.view.snap.first_ttl; t <= u->f.view.snap.nhops; t++) {
        const struct hop_stats *h = &u->f.view.snap.hops[t - 1];
        for (int i = 0; i < h->nresponders; i++) {
            int w = (int)strlen(responder_text(u, h, &h->responders[i], buf, sizeof(buf))) + 2;
            if (w > want)
                want = w;
        }
    }
    if (want > 42)
        want = 42;
    snprintf(l->order, sizeof(l->order), "%s", u->display == 2 ? "" : ui_order(u));
    measure(u, l);
    if (!u->asn && strchr(l->order, 'Z')) /* z: AS numbers off */
        drop_column(l, (size_t)(strchr(l->order, 'Z') - l->order));
    /* Drop columns until host + columns fit: never wrap. */
    while (strlen(l->order) > 0 && 5 + 16 + order_width(l) > cols - 1)
        drop_one(u, l);
    l->host_w = cols - 1 - 5 - order_width(l);
    if (l->host_w > want)
        l->host_w = want;
    l->timeline_x = 5 + l->host_w + order_width(l) + 1;
    l->timeline_w = u->display == 0 ? 0 : cols - 1 - l->timeline_x;
    if (l->timeline_w < TIMELINE_MIN)
        l->timeline_w = 0;
}

static void draw_row(struct ui *u, const struct layout *l, const struct hop_stats *h, int y,
                     const struct timeline *tl)
{
    const struct hop_responder *main = hop_main_responder(h);
    struct col_row row = ui_row(u, h);
    char host[300], cell[32];
    int x = 5 + l->host_w, pair;
    bool sel = u->selected == h->ttl;

    if (sel)
        attron(A_REVERSE);
    mvprintw(y, 0, "%3d. %-*.*s", h->ttl, l->host_w, l->host_w - 1,
             responder_text(u, h, main, host, sizeof(host)));
    if (sel)
        attroff(A_REVERSE);
    for (size_t i = 0; l->order[i]; x += l->width[i], i++) {
        const struct column *c = l->order[i] == ' ' ? NULL : columns_find(l->order[i]);
        if (!c)
            continue;
        c->fmt(&row, cell, sizeof(cell));
        pair = c->key == 'L' ? loss_pair(h) : c->key == 'E' ? verdict_pair(row.diag) : 0;
        color_on(u, pair);
        mvprintw(y, x, "%*s", l->width[i], cell);
        color_off(u, pair);
    }
    if (l->timeline_w)
        draw_timeline(u, h, tl, y, l->timeline_x, l->timeline_w);
}

/* Key e: a responder's MPLS label stack on a line of its own, as mtr -e does. */
static void draw_mpls(struct ui *u, const struct hop_responder *r, int *y, int bottom, int cols)
{
    char labels[256];

    if (!u->mpls || !r->nmpls || *y >= bottom)
        return;
    probe_mpls_str(r->mpls, r->nmpls, labels, sizeof(labels));
    color_on(u, PAIR_DIM);
    mvprintw((*y)++, 0, "       [MPLS: %.*s]", cols - 16, labels);
    color_off(u, PAIR_DIM);
}

void draw_table(struct ui *u, int top, int bottom, int cols)
{
    struct layout l;
    struct timeline tl = timeline_of(&u->f.view, u->f.st.interval_us, u->s->opt.timeout_s);
    int y = top + 1, x;
    char buf[300];

    plan(u, cols, &l);
    attron(A_BOLD);
    mvprintw(top, 0, "%3s  %-*s", "#", l.host_w, "Host");
    x = 5 + l.host_w;
    for (size_t i = 0; l.order[i]; x += l.width[i], i++) {
        const struct column *c = l.order[i] == ' ' ? NULL : columns_find(l.order[i]);
        if (c)
            mvprintw(top, x, "%*s", l.width[i], c->title);
    }
    if (l.timeline_w)
        mvprintw(top, l.timeline_x, "%-*.*s", l.timeline_w, l.timeline_w,
                 "Loss timeline, newest on the right");
    attroff(A_BOLD);
    if (u->scroll > u->f.view.snap.nhops - 1)
        u->scroll = 0;
    for (int t = u->f.view.snap.first_ttl + u->scroll; t <= u->f.view.snap.nhops && y < bottom;
         t++) {
        const struct hop_stats *h = &u->f.view.snap.hops[t - 1];
        const struct hop_responder *main = hop_main_responder(h);
        draw_row(u, &l, h, y++, &tl);
        if (main)
            draw_mpls(u, main, &y, bottom, cols);
        for (int i = 0; i < h->nresponders && y < bottom; i++) {
            const struct hop_responder *r = &h->responders[i];
            if (r == main)
                continue;
            color_on(u, PAIR_DIM);
            mvprintw(y++, 0, "     %.*s  (%" PRIu64 " of %" PRIu64 " replies)", l.host_w,
                     responder_text(u, h, r, buf, sizeof(buf)), r->received, h->received);
            color_off(u, PAIR_DIM);
            draw_mpls(u, r, &y, bottom, cols);
        }
    }
    if (l.timeline_w && u->display == 2)
        draw_scale(u, bottom, cols, tl.scale_us);
}
