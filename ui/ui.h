/*
 * ui.h - the live terminal UI (ncursesw). Draws from one frame per redraw (ui_internal.h).
 */
#ifndef HOPWATCH_UI_H
#define HOPWATCH_UI_H

#include <signal.h>
#include <stdio.h>

struct session;

/* Runs until the user quits or *signalled becomes non-zero. Restores the terminal on every
 * path. Returns 0, or an exit status on failure (message printed after the terminal is
 * restored). */
int ui_run(struct session *s, volatile sig_atomic_t *signalled);

/* The key table in words, for --help. */
void ui_print_keys(FILE *out);

#endif
