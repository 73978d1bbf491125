/*
 * ui.c - the live terminal UI's loop (see ui.h): keys*.c act on keys, frame*.c read, draw*.c
 * draw. With several targets it opens on their overview; ui_show goes to one target's view.
 *
 * The main thread waits for a key at most 100 ms, then builds a frame and redraws from it:
 * at most ten redraws a second, and no lock below ui/ is held while drawing. Every way out -
 * q, ^C, SIGTERM, an error - restores the terminal.
 */
#include "ui.h"
#include "fleet/fleet.h"
#include "keys.h"
#include "ui_internal.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REDRAW_MS 100
/* The first round is a burst whose replies come within one round-trip: for the first seconds
 * the screen is redrawn every 10 ms, so every hop shows about one round-trip after start. */
#define EARLY_REDRAW_MS 10
#define EARLY_MS 2000

static int redraw_ms(const struct ui *u)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - u->t0.tv_sec) * 1000 + (now.tv_nsec - u->t0.tv_nsec) / 1000000 < EARLY_MS
               ? EARLY_REDRAW_MS
               : REDRAW_MS;
}

/* Several targets open on their overview; one, on its hop view as ever. */
static enum ui_screen first_screen(struct fleet *fleet)
{
    int n = 0;

    if (fleet) {
        fleet_lock(fleet);
        n = fleet_count(fleet);
        fleet_unlock(fleet);
    }
    return n > 1 ? SCREEN_OVERVIEW : SCREEN_MAIN;
}

int ui_run(struct session *s, struct fleet *fleet, volatile sig_atomic_t *signalled,
           void (*tick)(void))
{
    static struct ui u; /* large (the frame's event copies): not on the stack */
    const char *cs = nl_langinfo(CODESET);

    u = (struct ui){.fleet = fleet,
                    .display = s->opt.display_mode,
                    .names = !s->opt.no_dns,
                    .asn = true,
                    .mpls = true,
                    .f.shown_index = -1};
    ui_show(&u, s);
    u.screen = u.help_from = first_screen(fleet);
    u.hist.zoom = HISTORY_1M;
    clock_gettime(CLOCK_MONOTONIC, &u.t0);
    u.utf8 = cs && strcmp(cs, "UTF-8") == 0;
    if (!newterm(NULL, stdout, stdin)) {
        fprintf(stderr, "hopwatch: cannot use this terminal (TERM=%s); try -r for a report\n",
                getenv("TERM") ? getenv("TERM") : "unset");
        session_drop(u.s);
        return 4;
    }
    cbreak(); /* ^C still raises SIGINT, which ends the loop */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    u.color = !s->opt.no_color && has_colors();
    ui_colors_init(&u);
    while (!u.quit && !*signalled) {
        int ch;
        ui_draw(&u);
        timeout(redraw_ms(&u));
        ch = getch();
        if (ch == '\r')
            ch = '\n';
        if (ch != ERR)
            keys_dispatch(&u, ch);
        if (tick)
            tick();
    }
    endwin();
    frame_free(&u.f);
    session_drop(u.s); /* the target shown, held by ui_show */
    u.s = NULL;
    return 0;
}
