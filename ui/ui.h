/*
 * ui.h - the live terminal UI (ncursesw). Draws from hop-table snapshots only.
 */
#ifndef HOPWATCH_UI_H
#define HOPWATCH_UI_H

#include <signal.h>

struct session;

/* Runs until the user quits or *signalled becomes non-zero. Restores the terminal on every
 * path. Returns 0, or an exit status on failure (message printed after the terminal is
 * restored). */
int ui_run(struct session *s, volatile sig_atomic_t *signalled);

#endif
