/*
 * draw_lists.c - the two list screens: the event log (newest first) and the help screen
 * (the key table and the column table, so both stay true by construction).
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

void draw_help(struct ui *u, int rows, int cols)
{
    size_t nkeys, ncols;
    const struct key_binding *keys = keys_table(&nkeys);
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
