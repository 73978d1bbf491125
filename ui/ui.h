/*
 * ui.h - the live terminal UI (ncursesw). Draws from one frame per redraw (ui_internal.h).
 */
#ifndef HOPWATCH_UI_H
#define HOPWATCH_UI_H

#include <signal.h>
#include <stdio.h>

struct session;
struct fleet;

/* Runs until the user quits or *signalled becomes non-zero, showing s (and with a fleet of
 * several targets, first their overview). `tick` (may be NULL) runs between redraws on this
 * thread. Restores the terminal on every path. Returns 0, or an exit status on failure
 * (message printed after the terminal is restored). */
int ui_run(struct session *s, struct fleet *fleet, volatile sig_atomic_t *signalled,
           void (*tick)(void));

/* The key table in words, for --help. */
void ui_print_keys(FILE *out);

#endif
