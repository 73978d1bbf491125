/*
 * draw.c - a redraw: builds the frame, draws the two header lines, the screen chosen
 * (draw_table.c, draw_detail.c, draw_lists.c) and the status and key lines. Everything drawn
 * comes from the frame (ui_internal.h); text that came from the network was escaped before
 * it was stored.
 *
 * Layout, top to bottom: two header lines, the screen, the status line and the key line.
 * Below MIN_COLS x MIN_ROWS the screen says it is too small instead of drawing.
 */
#include "ui_internal.h"
#include "textesc.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define MIN_COLS 40
#define MIN_ROWS 8

/* ---- header and footer ------------------------------------------------------------------ */

/* Line 2: where loss starts, and the newest event. */
static void draw_summary(struct ui *u, int cols)
{
    const struct target_view *v = &u->f.view;
    const struct path_diag *d = &v->diag;
    char line[512], when[64] = "";
    int n = 0, first = 0, pair;

    if (v->end_unreach && v->snap.dest_ttl >= v->snap.first_ttl) {
        const struct hop_stats *h = &v->snap.hops[v->snap.dest_ttl - 1];
        const struct hop_responder *r = hop_main_responder(h);
        char addr[64] = "hop";
        if (r)
            probe_addr_str(&r->addr, addr, sizeof(addr));
        n = snprintf(line, sizeof(line), "%s says %s unreachable (%s) at hop %d", addr,
                     probe_unreach_name(h->unreach_code), probe_unreach_mark(h->unreach_code),
                     h->ttl);
        pair = PAIR_BAD;
    } else if (d->onset >= 0) {
        int prev = d->onset_prev >= 0 ? v->in[d->onset_prev].ttl : 0;
        n = snprintf(line, sizeof(line), "loss starts between hop %d and hop %d (~%.1f%%)", prev,
                     v->in[d->onset].ttl, 100.0 * d->onset_loss);
        pair = PAIR_BAD;
    } else if ((first = diagnose_first_forwarding(v->in, d)) > 0) {
        n = snprintf(line, sizeof(line),
                     "loss carries on to the destination from hop %d; too few probes yet to "
                     "place its start",
                     first);
        pair = PAIR_WARN;
    } else {
        n = snprintf(line, sizeof(line), "no loss that carries on to the destination");
        pair = PAIR_GOOD;
    }
    color_on(u, pair);
    mvprintw(2, 0, "%.*s", cols - 1, line);
    color_off(u, pair);
    if (u->f.nevents && n < cols - 20) {
        const struct event *e = &u->f.events[u->f.nevents - 1];
        struct tm tm;
        localtime_r(&e->start.tv_sec, &tm);
        strftime(when, sizeof(when), "%H:%M:%S", &tm);
        snprintf(line, sizeof(line), " | %s %s (l: event log)", when, e->text);
        mvprintw(2, n, "%.*s", cols - 1 - n, line);
    }
}

/* A replay's second line: REPLAY, the recorded clock, how far, the speed. */
static void draw_replay_line(struct ui *u, int cols)
{
    struct player_clock c;
    struct tm tm;
    char when[32], line[256];

    player_clock(u->s->player, &c);
    localtime_r(&c.wall.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(line, sizeof(line), "REPLAY %s | %s | %.0f of %.0f s | x%.0f%s | round %u", when,
             probe_mode_name(u->f.mode), (double)c.at_us / 1e6, (double)c.span_us / 1e6, c.speed,
             c.paused ? " | PAUSED"
             : c.done ? (c.cut ? " | END: the recording was cut short here" : " | END")
                      : "",
             u->f.view.rounds);
    color_on(u, PAIR_HEAD);
    mvprintw(1, 0, "%.*s", cols - 1, line);
    color_off(u, PAIR_HEAD);
}

static void draw_header(struct ui *u, int cols)
{
    const struct run_info *run = &u->s->run;
    const struct prober_status *st = &u->f.st;
    struct timespec now;
    long secs;
    char target[160], line[1024], pmtu[64] = "", flow[32] = "";
    const char *reason;

    clock_gettime(CLOCK_MONOTONIC, &now);
    secs = (long)(now.tv_sec - u->t0.tv_sec);
    text_escape(run->target_name, strlen(run->target_name), target, sizeof(target));
    attron(A_BOLD);
    mvprintw(0, 0, "hopwatch");
    attroff(A_BOLD);
    printw(" -> %.*s (%s)", cols / 2, target, run->target_addr);
    isp_name(&u->f.isp, line, sizeof(line));
    if (line[0] && getcurx(stdscr) + 8 + (int)strlen(line) < cols - 10)
        printw("  ISP: %s", line);
    snprintf(line, sizeof(line), "%ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    mvprintw(0, cols - (int)strlen(line) - 1, "%s", line);
    /* The reason belongs to the mode chosen at start; a mode switched to by key has none. */
    reason = u->f.mode == run->initial_mode ? run->mode_reason : "switched with a key";
    if (u->f.view.has_pmtu) {
        pmtu_short(&u->f.view.pmtu, pmtu + 3, sizeof(pmtu) - 3);
        memcpy(pmtu, " | ", 3);
    }
    if (u->s->player) {
        draw_replay_line(u, cols);
        draw_summary(u, cols);
        return;
    }
    if (u->f.view.flow >= 0)
        snprintf(flow, sizeof(flow), " | flow %d of %d", u->f.view.flow,
                 target_flows(u->s->target));
    snprintf(line, sizeof(line), "mode %s%s%s%s | %s | interval %.2fs | round %u%s%s%s",
             probe_mode_name(u->f.mode), reason[0] ? " (" : "", reason, reason[0] ? ")" : "",
             st->privileged ? "privileged sockets" : "unprivileged", (double)st->interval_us / 1e6,
             u->f.view.rounds, flow, pmtu, st->paused ? " | PAUSED" : "");
    color_on(u, PAIR_HEAD);
    mvprintw(1, 0, "%.*s", cols - 1, line);
    color_off(u, PAIR_HEAD);
    draw_summary(u, cols);
}

static void draw_footer(struct ui *u, int rows, int cols)
{
    const char *hint =
        u->screen == SCREEN_MAIN
            ? "q quit  p pause  r reset  d display  j jitter  u/t/i/m mode  +/- interval  "
              "arrows+Enter detail  ? help"
            : "Esc back  q quit  ? help";
    int bar = u->color ? (int)COLOR_PAIR(PAIR_BAR) : A_REVERSE;

    mvprintw(rows - 2, 0, "%.*s", cols - 1, u->status);
    attron(bar);
    mvprintw(rows - 1, 0, "%-*.*s", cols - 1, cols - 1, hint);
    attroff(bar);
}

void ui_draw(struct ui *u)
{
    int rows, cols;

    getmaxyx(stdscr, rows, cols);
    erase();
    if (rows < MIN_ROWS || cols < MIN_COLS) {
        mvprintw(0, 0, "terminal too small: %dx%d", cols, rows);
        if (rows > 1)
            mvprintw(1, 0, "hopwatch needs %dx%d", MIN_COLS, MIN_ROWS);
        refresh();
        return;
    }
    if (frame_build(u, rows) < 0)
        return;
    draw_header(u, cols);
    if (u->screen == SCREEN_HELP)
        draw_help(u, rows, cols);
    else if (u->screen == SCREEN_DETAIL)
        draw_detail(u, rows, cols);
    else if (u->screen == SCREEN_EVENTS)
        draw_events(u, rows, cols);
    else
        draw_table(u, 3, rows - (u->display == 2 ? 3 : 2), cols);
    draw_footer(u, rows, cols);
    refresh();
}
