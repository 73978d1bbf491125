/*
 * ui.c - the live terminal UI: a header, the hop table and a key line, redrawn at most ten
 * times a second from a snapshot of the hop table. Keys and columns are tables. The main
 * thread runs it; it never holds the hop-table lock while drawing.
 */
#include "ui.h"
#include "session.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REDRAW_MS 100

struct ui {
    struct session *s;
    struct hops_snapshot snap;
    bool paused, quit;
    char status[160];
    struct timespec t0;
};

/* ---- columns --------------------------------------------------------------------------- */

typedef void (*col_fmt)(const struct hop_stats *h, char *buf, size_t len);

struct column {
    char key;
    const char *title;
    int width;
    col_fmt fmt;
};

static void fmt_ms(double us, bool valid, char *buf, size_t len)
{
    if (valid)
        snprintf(buf, len, "%.1f", us / 1000.0);
    else
        snprintf(buf, len, "-");
}

static void col_loss(const struct hop_stats *h, char *b, size_t n)
{
    snprintf(b, n, "%.1f%%", hop_loss_pct(h));
}
static void col_sent(const struct hop_stats *h, char *b, size_t n)
{
    snprintf(b, n, "%" PRIu64, h->sent);
}
static void col_rcv(const struct hop_stats *h, char *b, size_t n)
{
    snprintf(b, n, "%" PRIu64, h->received);
}
static void col_last(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(h->rtt.last_us, h->rtt.n > 0, b, n);
}
static void col_avg(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(h->rtt.mean_us, h->rtt.n > 0, b, n);
}
static void col_best(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(h->rtt.best_us, h->rtt.n > 0, b, n);
}
static void col_worst(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(h->rtt.worst_us, h->rtt.n > 0, b, n);
}
static void col_stdev(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(rtt_stddev_us(&h->rtt), h->rtt.n > 1, b, n);
}
static void col_jitter(const struct hop_stats *h, char *b, size_t n)
{
    fmt_ms(h->jitter_us, h->njitter > 0, b, n);
}

static const struct column columns[] = {
    {'L', "Loss%", 7, col_loss}, {'S', "Snt", 6, col_sent},    {'R', "Rcv", 6, col_rcv},
    {'N', "Last", 7, col_last},  {'A', "Avg", 7, col_avg},     {'B', "Best", 7, col_best},
    {'W', "Wrst", 7, col_worst}, {'V', "StDev", 7, col_stdev}, {'J', "Jttr", 7, col_jitter},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static int columns_width(void)
{
    int w = 0;
    for (size_t i = 0; i < NCOLUMNS; i++)
        w += columns[i].width;
    return w;
}

/* ---- keys ------------------------------------------------------------------------------ */

typedef void (*key_fn)(struct ui *u);

static void key_quit(struct ui *u)
{
    u->quit = true;
}

static void key_pause(struct ui *u)
{
    u->paused = true;
    prober_pause(&u->s->prober, true);
    snprintf(u->status, sizeof(u->status), "paused: space resumes");
}

static void key_resume(struct ui *u)
{
    u->paused = false;
    prober_pause(&u->s->prober, false);
    snprintf(u->status, sizeof(u->status), "resumed");
}

static void key_reset(struct ui *u)
{
    hops_reset(u->s->hops);
    snprintf(u->status, sizeof(u->status), "statistics reset");
}

static void switch_mode(struct ui *u, enum probe_mode m)
{
    if (prober_request_mode(&u->s->prober, m) < 0)
        snprintf(u->status, sizeof(u->status), "%s unavailable: %s", probe_mode_name(m),
                 u->s->prober.why_not[m]);
    else
        snprintf(u->status, sizeof(u->status), "switching to %s at the next round",
                 probe_mode_name(m));
}

static void key_udp(struct ui *u)
{
    switch_mode(u, PROBE_UDP);
}

static void key_tcp(struct ui *u)
{
    switch_mode(u, PROBE_TCP);
}

static void key_icmp(struct ui *u)
{
    switch_mode(u, u->s->prober.opened[PROBE_ICMP_RAW] ? PROBE_ICMP_RAW : PROBE_ICMP_DGRAM);
}

static void key_cycle(struct ui *u)
{
    int cur = atomic_load(&u->s->prober.requested_mode);
    for (int i = 1; i <= PROBE_MODE_COUNT; i++) {
        int m = (cur + i) % PROBE_MODE_COUNT;
        if (u->s->prober.opened[m]) {
            switch_mode(u, (enum probe_mode)m);
            return;
        }
    }
}

static const struct key_binding {
    int key;
    key_fn fn;
    const char *help;
} keys[] = {
    {'q', key_quit, "quit"},      {'p', key_pause, "pause"},
    {' ', key_resume, "resume"},  {'r', key_reset, "reset statistics"},
    {'u', key_udp, "udp mode"},   {'t', key_tcp, "tcp mode"},
    {'i', key_icmp, "icmp mode"}, {'m', key_cycle, "next mode"},
};

/* ---- drawing --------------------------------------------------------------------------- */

static void draw_header(struct ui *u, int mode)
{
    struct timespec now;
    const struct run_info *run = &u->s->run;
    long secs;

    clock_gettime(CLOCK_MONOTONIC, &now);
    secs = (long)(now.tv_sec - u->t0.tv_sec);
    attron(A_BOLD);
    mvprintw(0, 0, "hopwatch -> %s (%s)", run->target_name, run->target_addr);
    attroff(A_BOLD);
    mvprintw(1, 0, "mode %s%s%s%s  interval %.2fs  elapsed %ld:%02ld%s", probe_mode_name(mode),
             run->mode_reason[0] ? " (" : "", run->mode_reason, run->mode_reason[0] ? ")" : "",
             u->s->opt.interval_s, secs / 60, secs % 60, u->paused ? "  [PAUSED]" : "");
}

static void draw_table(struct ui *u, int top, int rows, int cols)
{
    int host_w = cols - 5 - columns_width();
    char addr[64], cell[32];

    if (host_w > 40)
        host_w = 40;
    attron(A_BOLD);
    mvprintw(top, 0, "%3s  %-*s", "#", host_w, "Host");
    for (size_t c = 0; c < NCOLUMNS; c++)
        printw("%*s", columns[c].width, columns[c].title);
    attroff(A_BOLD);
    for (int t = u->snap.first_ttl, y = top + 1; t <= u->snap.nhops && y < top + rows; t++) {
        const struct hop_stats *h = &u->snap.hops[t - 1];
        const struct hop_responder *r = hop_main_responder(h);
        mvprintw(y, 0, "%3d. %-*.*s", t, host_w, host_w,
                 r ? probe_addr_str(&r->addr, addr, sizeof(addr)) : "???");
        for (size_t c = 0; c < NCOLUMNS; c++) {
            columns[c].fmt(h, cell, sizeof(cell));
            printw("%*s", columns[c].width, cell);
        }
        y++;
        for (int i = 0; i < h->nresponders && y < top + rows; i++) {
            if (&h->responders[i] == r)
                continue;
            mvprintw(y++, 0, "     %-*.*s", host_w, host_w,
                     probe_addr_str(&h->responders[i].addr, addr, sizeof(addr)));
        }
    }
}

static void draw(struct ui *u)
{
    int rows, cols, mode = atomic_load(&u->s->prober.mode);

    getmaxyx(stdscr, rows, cols);
    erase();
    if (rows < 6 || cols < 40 + columns_width() - 30) {
        mvprintw(0, 0, "terminal too small (%dx%d)", cols, rows);
        refresh();
        return;
    }
    if (hops_snapshot(u->s->hops, mode, &u->snap) < 0)
        return;
    draw_header(u, mode);
    draw_table(u, 3, rows - 5, cols);
    mvprintw(rows - 2, 0, "%s", u->status);
    attron(A_REVERSE);
    mvprintw(rows - 1, 0, "q quit  p pause  space resume  r reset  u udp  t tcp  i icmp  m next");
    attroff(A_REVERSE);
    refresh();
}

int ui_run(struct session *s, volatile sig_atomic_t *signalled)
{
    struct ui u = {.s = s};

    clock_gettime(CLOCK_MONOTONIC, &u.t0);
    if (!initscr()) {
        fprintf(stderr, "hopwatch: cannot initialise the terminal\n");
        return 4;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(REDRAW_MS);
    while (!u.quit && !*signalled) {
        int ch;
        draw(&u);
        ch = getch();
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (keys[i].key == ch)
                keys[i].fn(&u);
    }
    endwin();
    hops_snapshot_free(&u.snap);
    return 0;
}
