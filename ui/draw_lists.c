/*
 * draw_lists.c - the two list screens: the event log (newest first) and the help screen
 * (the key tables - the overview's too with several targets - and the column table, so both
 * stay true by construction).
 */
#include "keys.h"
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>

void draw_events(struct ui *u, int rows, int cols)
{
    const struct frame *f = &u->f;
    int y = 4;

    attron(A_BOLD);
    mvprintw(3, 0, "Events, newest first (%d)", f->total_events);
    attroff(A_BOLD);
    if (!f->nevents)
        mvprintw(y, 2, "none yet: loss bursts, path changes, mode changes and resets show here");
    for (int i = f->nevents - 1; i >= 0 && y < rows - 2; i--) {
        const struct event *e = &f->events[i];
        int pair = e->kind == EVENT_LOSS_BURST ? PAIR_BAD : PAIR_HEAD;
        char t0[32], t1[32] = "ongoing";
        struct tm tm;
        localtime_r(&e->start.tv_sec, &tm);
        strftime(t0, sizeof(t0), "%H:%M:%S", &tm);
        if (e->ended) {
            localtime_r(&e->end.tv_sec, &tm);
            strftime(t1, sizeof(t1), "%H:%M:%S", &tm);
        }
        color_on(u, pair);
        mvprintw(y, 0, "%s.%03ld-%-9s %-12s", t0, e->start.tv_nsec / 1000000, t1,
                 event_kind_name(e->kind));
        color_off(u, pair);
        printw("%.*s", cols - 36 > 0 ? cols - 36 : 0, e->text);
        y++;
    }
}

/* One key table under its title, from line y; returns the line after it. */
static int draw_keys(const struct key_binding *keys, size_t n, const char *title, int y, int rows,
                     int key_w)
{
    attron(A_BOLD);
    mvprintw(y++, 0, "%s", title);
    attroff(A_BOLD);
    for (size_t i = 0; i < n && y < rows - 3; i++)
        if (keys[i].label)
            mvprintw(y++, 2, "%-7s %.*s", keys[i].label, key_w, keys[i].help);
    return y;
}

/* The overview's keys, and which of the others act there on every target. */
static int draw_overview_keys(const char *title, int y, int rows, int key_w)
{
    size_t n;
    const struct key_binding *ov = keys_overview_table(&n);
    char every[128], line[200];

    y = draw_keys(ov, n, title, y, rows, key_w);
    keys_every_labels(every, sizeof(every));
    snprintf(line, sizeof(line), "%s: on every target", every);
    if (y < rows - 3)
        mvprintw(y++, 2, "%.*s", key_w + 8, line);
    return y;
}

/* With several targets, the overview's keys too: first when the help was asked for there. */
static int draw_all_keys(struct ui *u, int rows, int key_w)
{
    size_t n;
    const struct key_binding *keys = keys_table(&n);
    bool from_overview = u->help_from == SCREEN_OVERVIEW;
    int y = 4;

    if (from_overview)
        y = draw_overview_keys("Keys of the overview", y, rows, key_w) + 1;
    if (u->help_from == SCREEN_HISTORY) {
        const struct key_binding *hk = keys_history_table(&n);
        y = draw_keys(hk, n, "Keys of the history screen", y, rows, key_w) + 1;
        keys = keys_table(&n);
    }
    y = draw_keys(keys, n, from_overview ? "Keys of a target's hop view" : "Keys", y, rows, key_w);
    if (!from_overview && frame_several(&u->f) && y < rows - 4)
        y = draw_overview_keys("Keys of the overview (Esc goes there)", y + 1, rows, key_w);
    return y;
}

void draw_help(struct ui *u, int rows, int cols)
{
    size_t ncols;
    const struct column *all = columns_all(&ncols);
    int y, x = 0, key_w = cols >= 120 ? 64 - 12 : cols - 12;

    y = draw_all_keys(u, rows, key_w);
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
