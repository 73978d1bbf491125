/*
 * draw.c - the UI's screens: header, hop table (table-driven columns), loss timeline, hop
 * detail, help. Everything drawn comes from the snapshot in struct ui; text that came from
 * the network is escaped before it is drawn.
 *
 * Layout of the main screen, top to bottom: two header lines, the table header, one row per
 * hop (plus one per extra responder), a legend line in the timeline display, the status line
 * and the key line. Narrow terminals lose columns from the right, then the timeline; below
 * MIN_COLS x MIN_ROWS the screen says it is too small instead of drawing.
 */
#include "ui_internal.h"
#include "columns.h"
#include "textesc.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MIN_COLS 40
#define MIN_ROWS 8
#define TIMELINE_MIN 8

enum { PAIR_GOOD = 1, PAIR_WARN, PAIR_BAD, PAIR_HEAD, PAIR_DIM, PAIR_BAR };

void ui_colors_init(struct ui *u)
{
    if (!u->color)
        return;
    start_color();
    use_default_colors(); /* the terminal's own background: works on dark and light themes */
    init_pair(PAIR_GOOD, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_HEAD, COLOR_CYAN, -1);
    init_pair(PAIR_DIM, COLOR_BLUE, -1);
    init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
}

static void color_on(const struct ui *u, int pair)
{
    if (u->color && pair)
        attron(COLOR_PAIR(pair));
}

static void color_off(const struct ui *u, int pair)
{
    if (u->color && pair)
        attroff(COLOR_PAIR(pair));
}

const char *ui_order(const struct ui *u)
{
    return u->jitter_cols ? columns_jitter : u->s->opt.order;
}

static int loss_pair(const struct hop_stats *h)
{
    double loss = hop_loss_pct(h);
    return h->received + h->lost == 0 ? 0
           : loss == 0                ? PAIR_GOOD
           : loss < 10                ? PAIR_WARN
                                      : PAIR_BAD;
}

static const struct hop_diag *diag_for(const struct ui *u, int ttl)
{
    int i = ttl - u->snap.first_ttl;
    return i >= 0 && i < u->diag.n ? &u->diag.hop[i] : NULL;
}

static int verdict_pair(const struct ui *u, const struct hop_stats *h)
{
    const struct hop_diag *d = diag_for(u, h->ttl);
    if (!d)
        return 0;
    switch (d->verdict) {
    case VERDICT_OK:
        return PAIR_GOOD;
    case VERDICT_REPLY_ONLY:
        return PAIR_WARN;
    case VERDICT_FORWARDING:
    case VERDICT_DESTINATION:
        return PAIR_BAD;
    default:
        return PAIR_DIM;
    }
}

/* The text shown for a responder: "AS64500 name" with z and n on, else the address. Names
 * were escaped when they were stored. */
static const char *responder_text(const struct ui *u, const struct hop_responder *r, char *buf,
                                  size_t len)
{
    struct name_info ni;
    char addr[64];
    bool known;

    if (!r)
        return "???";
    probe_addr_str(&r->addr, addr, sizeof(addr));
    known = resolver_get(u->s->names, &r->addr, &ni);
    if (known && u->asn && ni.asn)
        snprintf(buf, len, "AS%u %s", ni.asn, u->names && ni.host[0] ? ni.host : addr);
    else
        snprintf(buf, len, "%s", u->names && known && ni.host[0] ? ni.host : addr);
    return buf;
}

/* ---- header and footer ------------------------------------------------------------------ */

/* Line 2: where loss starts, and the newest event. */
static void draw_summary(struct ui *u, int cols)
{
    char line[512], when[64] = "";
    int n = 0, first = 0;

    if (u->diag.onset >= 0) {
        int prev = u->diag.onset_prev >= 0 ? u->diag_in[u->diag.onset_prev].ttl : 0;
        n = snprintf(line, sizeof(line), "loss starts between hop %d and hop %d (~%.1f%%)", prev,
                     u->diag_in[u->diag.onset].ttl, 100.0 * u->diag.onset_loss);
        color_on(u, PAIR_BAD);
    } else if ((first = diagnose_first_forwarding(u->diag_in, &u->diag)) > 0) {
        n = snprintf(line, sizeof(line),
                     "loss carries on to the destination from hop %d; too few probes yet to "
                     "place its start",
                     first);
        color_on(u, PAIR_WARN);
    } else {
        n = snprintf(line, sizeof(line), "no loss that carries on to the destination");
        color_on(u, PAIR_GOOD);
    }
    mvprintw(2, 0, "%.*s", cols - 1, line);
    color_off(u, u->diag.onset >= 0 ? PAIR_BAD : first > 0 ? PAIR_WARN : PAIR_GOOD);
    if (u->nevents && n < cols - 20) {
        const struct event *e = &u->events[u->nevents - 1];
        struct tm tm;
        localtime_r(&e->start.tv_sec, &tm);
        strftime(when, sizeof(when), "%H:%M:%S", &tm);
        snprintf(line, sizeof(line), " | %s %s (l: event log)", when, e->text);
        mvprintw(2, n, "%.*s", cols - 1 - n, line);
    }
}

static void draw_header(struct ui *u, int cols)
{
    const struct session *s = u->s;
    const struct run_info *run = &s->run;
    struct timespec now;
    long secs;
    int mode = u->snap.mode;
    char target[160], line[512];
    const char *reason;

    clock_gettime(CLOCK_MONOTONIC, &now);
    secs = (long)(now.tv_sec - u->t0.tv_sec);
    text_escape(run->target_name, strlen(run->target_name), target, sizeof(target));
    attron(A_BOLD);
    mvprintw(0, 0, "hopwatch");
    attroff(A_BOLD);
    printw(" -> %.*s (%s)", cols / 2, target, run->target_addr);
    snprintf(line, sizeof(line), "%ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    mvprintw(0, cols - (int)strlen(line) - 1, "%s", line);
    /* The reason belongs to the mode chosen at start; a mode switched to by key has none. */
    reason = mode == run->initial_mode ? run->mode_reason : "switched with a key";
    snprintf(line, sizeof(line), "mode %s%s%s%s | %s | interval %.2fs | round %u%s",
             probe_mode_name(mode), reason[0] ? " (" : "", reason, reason[0] ? ")" : "",
             s->prober.opened[PROBE_ICMP_RAW] ? "privileged sockets" : "unprivileged",
             s->opt.interval_s, u->snap.rounds, u->paused ? " | PAUSED" : "");
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

/* ---- the loss timeline ------------------------------------------------------------------- */

/* RTT bands: 8 steps of scale/8; above the scale a ninth mark. */
static const char *const bands_utf8[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
                                         "\u2586", "\u2587", "\u2588", ">"};
static const char *const bands_ascii[] = {"1", "2", "3", "4", "5", "6", "7", "8", ">"};

/* The timeline's full-scale RTT: the largest average on screen, at least 1 ms. */
static double timeline_scale_us(const struct ui *u)
{
    double scale = 1000.0;
    for (int t = u->snap.first_ttl; t <= u->snap.nhops; t++)
        if (u->snap.hops[t - 1].rtt.n && u->snap.hops[t - 1].rtt.mean_us * 1.5 > scale)
            scale = u->snap.hops[t - 1].rtt.mean_us * 1.5;
    return scale;
}

/* One character per round, newest on the right, aligned by round number across hops. */
static void draw_timeline(struct ui *u, const struct hop_stats *h, int y, int x, int width,
                          double scale_us)
{
    const char *const *bands = u->utf8 ? bands_utf8 : bands_ascii;
    uint32_t newest = u->snap.rounds ? u->snap.rounds - 1 : 0;
    int32_t cell[512];
    bool have[512];
    int pending_rounds = (int)(u->s->opt.timeout_s / u->s->opt.interval_s) + 1;

    if (width > 512)
        width = 512;
    memset(have, 0, sizeof(have));
    for (int i = 0; i < h->nsamples; i++) {
        const struct hop_sample *smp = &h->ring[(h->ring_head + HOPS_RING - 1 - i) % HOPS_RING];
        uint32_t age = newest - smp->round;
        if (smp->round <= newest && age < (uint32_t)width) {
            cell[age] = smp->rtt_us;
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
        for (int t = u->snap.first_ttl; c && t <= u->snap.nhops; t++) {
            c->fmt(&u->snap.hops[t - 1], &u->cx, cell, sizeof(cell));
            if ((int)strlen(cell) + 1 > l->width[i])
                l->width[i] = (int)strlen(cell) + 1;
        }
    }
}

static void plan(struct ui *u, int cols, struct layout *l)
{
    char buf[300];
    int want = 16;
    size_t n;

    for (int t = u->snap.first_ttl; t <= u->snap.nhops; t++) {
        const struct hop_stats *h = &u->snap.hops[t - 1];
        for (int i = 0; i < h->nresponders; i++) {
            int w = (int)strlen(responder_text(u, &h->responders[i], buf, sizeof(buf))) + 2;
            if (w > want)
                want = w;
        }
    }
    if (want > 42)
        want = 42;
    snprintf(l->order, sizeof(l->order), "%s", u->display == 2 ? "" : ui_order(u));
    measure(u, l);
    /* Drop columns from the right until host + columns fit. */
    while ((n = strlen(l->order)) > 0 && 5 + 16 + order_width(l) > cols - 1)
        l->order[n - 1] = '\0';
    l->host_w = cols - 1 - 5 - order_width(l);
    if (l->host_w > want)
        l->host_w = want;
    l->timeline_x = 5 + l->host_w + order_width(l) + 1;
    l->timeline_w = u->display == 0 ? 0 : cols - 1 - l->timeline_x;
    if (l->timeline_w < TIMELINE_MIN)
        l->timeline_w = 0;
}

static void draw_row(struct ui *u, const struct layout *l, const struct hop_stats *h, int y,
                     double scale_us)
{
    const struct hop_responder *main = hop_main_responder(h);
    char host[300], cell[32];
    int x = 5 + l->host_w, pair;
    bool sel = u->selected == h->ttl;

    if (sel)
        attron(A_REVERSE);
    mvprintw(y, 0, "%3d. %-*.*s", h->ttl, l->host_w, l->host_w - 1,
             responder_text(u, main, host, sizeof(host)));
    if (sel)
        attroff(A_REVERSE);
    for (size_t i = 0; l->order[i]; x += l->width[i], i++) {
        const struct column *c = l->order[i] == ' ' ? NULL : columns_find(l->order[i]);
        if (!c)
            continue;
        c->fmt(h, &u->cx, cell, sizeof(cell));
        pair = c->key == 'L' ? loss_pair(h) : c->key == 'E' ? verdict_pair(u, h) : 0;
        color_on(u, pair);
        mvprintw(y, x, "%*s", l->width[i], cell);
        color_off(u, pair);
    }
    if (l->timeline_w)
        draw_timeline(u, h, y, l->timeline_x, l->timeline_w, scale_us);
}

static void draw_table(struct ui *u, int top, int bottom, int cols)
{
    struct layout l;
    double scale = timeline_scale_us(u);
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
    if (u->scroll > u->snap.nhops - 1)
        u->scroll = 0;
    for (int t = u->snap.first_ttl + u->scroll; t <= u->snap.nhops && y < bottom; t++) {
        const struct hop_stats *h = &u->snap.hops[t - 1];
        const struct hop_responder *main = hop_main_responder(h);
        draw_row(u, &l, h, y++, scale);
        for (int i = 0; i < h->nresponders && y < bottom; i++) {
            const struct hop_responder *r = &h->responders[i];
            if (r == main)
                continue;
            color_on(u, PAIR_DIM);
            mvprintw(y++, 0, "     %.*s  (%" PRIu64 " of %" PRIu64 " replies)", l.host_w,
                     responder_text(u, r, buf, sizeof(buf)), r->received, h->received);
            color_off(u, PAIR_DIM);
        }
    }
    if (l.timeline_w && u->display == 2)
        draw_scale(u, bottom, cols, scale);
}

/* ---- hop detail -------------------------------------------------------------------------- */

static void draw_detail(struct ui *u, int rows, int cols)
{
    struct hops_snapshot other = {0};
    struct name_info ni;
    const struct hop_stats *h;
    char buf[300], cell[6][32];
    int y = 4;

    if (u->selected < u->snap.first_ttl || u->selected > u->snap.nhops) {
        mvprintw(3, 0, "no hop selected");
        return;
    }
    h = &u->snap.hops[u->selected - 1];
    attron(A_BOLD);
    mvprintw(y++, 0,
             "Hop %d in %s mode: %" PRIu64 " sent, %" PRIu64 " answered, %" PRIu64 " lost, %" PRIu64
             " in flight, %" PRIu64 " unreachable",
             h->ttl, probe_mode_name(u->snap.mode), h->sent, h->received, h->lost, h->inflight,
             h->unreach);
    attroff(A_BOLD);
    if (diag_for(u, h->ttl)) {
        char ev[320];
        diagnose_evidence(u->diag_in, &u->diag, h->ttl - u->snap.first_ttl, ev, sizeof(ev));
        color_on(u, verdict_pair(u, h));
        mvprintw(y++, 0, "Verdict: %s", verdict_name(diag_for(u, h->ttl)->verdict));
        color_off(u, verdict_pair(u, h));
        mvprintw(y++, 0, "%.*s", cols - 1, ev);
    }
    y++;
    mvprintw(y++, 0, "%-40s %8s %7s %8s %8s %8s %5s", "Responder", "Replies", "Share", "Avg",
             "Best", "Wrst", "RTTL");
    for (int i = 0; i < h->nresponders && y < rows - 8; i++) {
        const struct hop_responder *r = &h->responders[i];
        snprintf(cell[0], sizeof(cell[0]), "%.1f", r->rtt.mean_us / 1000.0);
        snprintf(cell[1], sizeof(cell[1]), "%.1f", r->rtt.best_us / 1000.0);
        snprintf(cell[2], sizeof(cell[2]), "%.1f", r->rtt.worst_us / 1000.0);
        mvprintw(y++, 0, "%-40.40s %8" PRIu64 " %6.1f%% %8s %8s %8s %5d%s",
                 responder_text(u, r, buf, sizeof(buf)), r->received,
                 h->received ? 100.0 * (double)r->received / (double)h->received : 0.0, cell[0],
                 cell[1], cell[2], r->reply_ttl, r->is_dest ? "  target" : "");
        if (resolver_get(u->s->names, &r->addr, &ni) && (ni.asn || ni.cc[0] || ni.host[0])) {
            char addr[64];
            color_on(u, PAIR_DIM);
            mvprintw(y++, 2, "%.*s  %s  AS%u %s  %s", cols - 10, ni.host[0] ? ni.host : "(no name)",
                     probe_addr_str(&r->addr, addr, sizeof(addr)), ni.asn, ni.as_name, ni.cc);
            color_off(u, PAIR_DIM);
        }
    }
    if (h->other_responders)
        mvprintw(y++, 0, "... and %" PRIu64 " replies from further responders",
                 h->other_responders);
    y++;
    attron(A_BOLD);
    mvprintw(y++, 0, "Every probe mode on this hop (statistics are kept per mode):");
    attroff(A_BOLD);
    mvprintw(y++, 0, "%-12s %8s %8s %8s %8s %8s %8s %8s", "Mode", "Sent", "Rcv", "Loss%", "Avg",
             "Best", "Wrst", "Jrfc");
    for (int m = 0; m < PROBE_MODE_COUNT && y < rows - 3; m++) {
        const struct hop_stats *o;
        if (!u->s->prober.opened[m] || hops_snapshot(u->s->hops, m, &other) < 0)
            continue;
        if (u->selected > other.nhops) {
            mvprintw(y++, 0, "%-12s %8s", probe_mode_name((enum probe_mode)m),
                     other.rounds ? "-" : "not probed yet (u, t, i or m switch)");
            continue;
        }
        o = &other.hops[u->selected - 1];
        columns_find('L')->fmt(o, NULL, cell[0], sizeof(cell[0]));
        columns_find('A')->fmt(o, NULL, cell[1], sizeof(cell[1]));
        columns_find('B')->fmt(o, NULL, cell[2], sizeof(cell[2]));
        columns_find('W')->fmt(o, NULL, cell[3], sizeof(cell[3]));
        columns_find('I')->fmt(o, NULL, cell[4], sizeof(cell[4]));
        mvprintw(y++, 0, "%-12s %8" PRIu64 " %8" PRIu64 " %8s %8s %8s %8s %8s%s",
                 probe_mode_name((enum probe_mode)m), o->sent, o->received, cell[0], cell[1],
                 cell[2], cell[3], cell[4], m == u->snap.mode ? "  (probing)" : "");
    }
    hops_snapshot_free(&other);
}

/* ---- event log ------------------------------------------------------------------------- */

static void draw_events(struct ui *u, int rows, int cols)
{
    int y = 4;

    attron(A_BOLD);
    mvprintw(3, 0, "Events, newest first (%d)", u->nevents);
    attroff(A_BOLD);
    if (!u->nevents)
        mvprintw(y, 2, "none yet: loss bursts, path changes, mode changes and resets show here");
    for (int i = u->nevents - 1; i >= 0 && y < rows - 2; i--) {
        const struct event *e = &u->events[i];
        char t0[32], t1[32] = "ongoing";
        struct tm tm;
        localtime_r(&e->start.tv_sec, &tm);
        strftime(t0, sizeof(t0), "%H:%M:%S", &tm);
        if (e->ended) {
            localtime_r(&e->end.tv_sec, &tm);
            strftime(t1, sizeof(t1), "%H:%M:%S", &tm);
        }
        color_on(u, e->kind == EVENT_LOSS_BURST ? PAIR_BAD : PAIR_HEAD);
        mvprintw(y, 0, "%s.%03ld-%-9s %-12s", t0, e->start.tv_nsec / 1000000, t1,
                 event_kind_name(e->kind));
        color_off(u, e->kind == EVENT_LOSS_BURST ? PAIR_BAD : PAIR_HEAD);
        printw("%.*s", cols - 36 > 0 ? cols - 36 : 0, e->text);
        y++;
    }
}

/* ---- help -------------------------------------------------------------------------------- */

static void draw_help(struct ui *u, int rows, int cols)
{
    size_t nkeys, ncols;
    const struct key_binding *keys = ui_keys(&nkeys);
    const struct column *all = columns_all(&ncols);
    int y = 4, x = 0, key_w = cols >= 120 ? 64 - 12 : cols - 12;

    (void)u;
    attron(A_BOLD);
    mvprintw(y++, 0, "Keys");
    attroff(A_BOLD);
    for (size_t i = 0; i < nkeys && y < rows - 3; i++)
        if (keys[i].label)
            mvprintw(y++, 2, "%-7s %.*s", keys[i].label, key_w, keys[i].help);
    if (cols >= 120) {
        x = 64;
        y = 4;
    } else {
        y++;
    }
    attron(A_BOLD);
    mvprintw(y++, x, "Columns (-o / --order letters)");
    attroff(A_BOLD);
    for (size_t i = 0; i < ncols && y < rows - 3; i++)
        mvprintw(y++, x + 2, "%c %-6s %.*s", all[i].key, all[i].title, cols - x - 14, all[i].help);
    mvprintw(rows - 3, 0, "Any key returns.");
}

#define UI_VERDICT_ROUNDS 3

/* Applies the hysteresis to u->diag (see struct ui), once per new round. */
static void steady_verdicts(struct ui *u)
{
    bool fresh = u->verdict_mode != u->snap.mode || u->snap.rounds < u->verdict_round;

    for (int i = 0; i < u->diag.n; i++) {
        uint8_t v = (uint8_t)u->diag.hop[i].verdict;
        if (fresh) {
            u->shown[i] = v;
            u->held[i] = 0;
        } else if (u->snap.rounds != u->verdict_round) {
            if (v == u->shown[i]) {
                u->held[i] = 0;
            } else if (v == u->candidate[i] && u->held[i] > 0) {
                if (++u->held[i] >= UI_VERDICT_ROUNDS)
                    u->shown[i] = v;
            } else {
                u->candidate[i] = v;
                u->held[i] = 1;
            }
        }
        u->diag.hop[i].verdict = (enum verdict)u->shown[i];
    }
    u->verdict_mode = u->snap.mode;
    u->verdict_round = u->snap.rounds;
}

void ui_draw(struct ui *u)
{
    int rows, cols, mode = u->view_mode >= 0 ? u->view_mode : atomic_load(&u->s->prober.mode);

    getmaxyx(stdscr, rows, cols);
    erase();
    if (rows < MIN_ROWS || cols < MIN_COLS) {
        mvprintw(0, 0, "terminal too small: %dx%d", cols, rows);
        if (rows > 1)
            mvprintw(1, 0, "hopwatch needs %dx%d", MIN_COLS, MIN_ROWS);
        refresh();
        return;
    }
    if (hops_snapshot(u->s->hops, mode, &u->snap) < 0)
        return;
    u->nevents = u->s->events ? events_copy(u->s->events, u->events, EVENTS_MAX) : 0;
    diagnose_snapshot(&u->snap, u->diag_in, &u->diag);
    steady_verdicts(u);
    u->cx = (struct col_ctx){
        .diag = &u->diag, .first_ttl = u->snap.first_ttl, .now_us = probe_now_us()};
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
