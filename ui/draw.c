/*
 * draw.c - a redraw: builds the frame, draws the header lines, the screen chosen
 * (draw_table.c, draw_detail.c, draw_lists.c, draw_overview.c) and the status and key lines.
 * Everything drawn comes from the frame (ui_internal.h); text that came from the network was
 * escaped before it was stored.
 *
 * Layout, top to bottom: three header lines (the overview draws its own), the screen, the
 * status line and the key line. With several targets a hop view's header says which it shows.
 * Below MIN_COLS x MIN_ROWS the screen says it is too small instead of drawing.
 */
#include "ui_internal.h"
#include "text/textesc.h"

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
    int n = 0, pair;

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
    } else if (u->f.write_failure[0]) { /* nothing lost in silence: before the diagnosis */
        n = snprintf(line, sizeof(line), "%s", u->f.write_failure);
        pair = PAIR_BAD;
    } else if (diagnose_summary(v->in, d, line, sizeof(line))) {
        n = (int)strlen(line);
        pair = d->onset >= 0 ? PAIR_BAD : PAIR_WARN;
    } else {
        n = (int)strlen(line);
        pair = PAIR_GOOD;
    }
    color_on(u, pair);
    mvprintw(2, 0, "%.*s", cols - 1, line);
    color_off(u, pair);
    int last = u->f.nevents - 1;
    while (last >= 0 && u->f.events[last].kind == EVENT_VERDICT_CHANGE)
        last--; /* the diagnosis on this line says it already */
    if (last >= 0 && n < cols - 20) {
        const struct event *e = &u->f.events[last];
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

/* With several targets: which of them this is ("target 2/3"). */
static void draw_place(const struct ui *u, int cols)
{
    char place[64];

    if (!frame_several(&u->f))
        return;
    if (u->f.shown_index >= 0)
        snprintf(place, sizeof(place), "  [target %d/%d]", u->f.shown_index + 1, u->f.nlive);
    else
        snprintf(place, sizeof(place), "  [taken out of the %d targets]", u->f.nlive);
    if (getcurx(stdscr) + (int)strlen(place) < cols - 10)
        addstr(place);
}

static void draw_header(struct ui *u, int cols)
{
    const struct run_info *run = &u->s->run;
    const struct prober_status *st = &u->f.st;
    char target[160], line[1024], pmtu[64] = "", flow[32] = "";
    const char *reason;

    text_escape(run->target_name, strlen(run->target_name), target, sizeof(target));
    attron(A_BOLD);
    mvprintw(0, 0, "hopwatch");
    attroff(A_BOLD);
    printw(" -> %.*s (%s)", cols / 2, target, run->target_addr);
    draw_place(u, cols);
    isp_name(&u->f.isp, line, sizeof(line));
    if (line[0] && getcurx(stdscr) + 8 + (int)strlen(line) < cols - 10)
        printw("  ISP: %s", line);
    draw_clock(u, cols);
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
    static const char *const hints[] = {
        [SCREEN_MAIN] = "q quit  p pause  r reset  d display  j jitter  u/t/i/m mode  "
                        "+/- interval  arrows+Enter detail  ? help",
        [SCREEN_DETAIL] = "Esc back  q quit  ? help",
        [SCREEN_HELP] = "Esc back  q quit  ? help",
        [SCREEN_EVENTS] = "Esc back  q quit  ? help",
        [SCREEN_HISTORY] = "Esc back  left/right PgUp/PgDn Home/End move  z zoom  d loss/RTT  "
                           "up/down hop  ? help",
        [SCREEN_OVERVIEW] = "q quit  arrows select  Enter/1-9 open  Tab next  ? help  |  on "
                            "every target: p pause  space resume  r reset  u/t/i/m mode  "
                            "+/- interval",
    };
    int bar = u->color ? (int)COLOR_PAIR(PAIR_BAR) : A_REVERSE;
    /* several targets: the way back to the overview and on to the next, first */
    const char *lead =
        u->screen == SCREEN_MAIN && frame_several(&u->f) ? "Esc overview  Tab next target  " : "";
    int n = (int)strlen(lead) < cols - 1 ? (int)strlen(lead) : cols - 1;

    mvprintw(rows - 2, 0, "%.*s", cols - 1, u->status);
    attron(bar);
    mvprintw(rows - 1, 0, "%-*.*s", cols - 1, cols - 1, "");
    mvprintw(rows - 1, 0, "%.*s%.*s", n, lead, cols - 1 - n, hints[u->screen]);
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
    if (frame_build(u, rows, cols) < 0)
        return;
    if (u->screen == SCREEN_OVERVIEW ||
        (u->screen == SCREEN_HELP && u->help_from == SCREEN_OVERVIEW))
        draw_overview_header(u, cols);
    else
        draw_header(u, cols);
    if (u->screen == SCREEN_HELP)
        draw_help(u, rows, cols);
    else if (u->screen == SCREEN_DETAIL)
        draw_detail(u, rows, cols);
    else if (u->screen == SCREEN_EVENTS)
        draw_events(u, rows, cols);
    else if (u->screen == SCREEN_OVERVIEW)
        draw_overview(u, rows, cols);
    else if (u->screen == SCREEN_HISTORY)
        draw_history(u, rows, cols);
    else
        draw_table(u, 3, rows - (u->display == 2 ? 3 : 2), cols);
    draw_footer(u, rows, cols);
    refresh();
}
