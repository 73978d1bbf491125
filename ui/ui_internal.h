/*
 * ui_internal.h - state shared by the UI's files: ui.c (loop and keys) and draw.c (screens).
 * Main thread only.
 */
#ifndef HOPWATCH_UI_INTERNAL_H
#define HOPWATCH_UI_INTERNAL_H

#include "columns.h"
#include "diagnose.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum ui_screen { SCREEN_MAIN, SCREEN_DETAIL, SCREEN_HELP, SCREEN_EVENTS };

struct ui {
    struct session *s;
    struct hops_snapshot snap;                /* the mode being probed, taken once per redraw */
    struct diag_input diag_in[DIAG_MAX_HOPS]; /* ... and its diagnosis */
    struct path_diag diag;
    struct col_ctx cx;
    /* Verdict hysteresis: a hop's shown verdict changes only after the new one held for
     * UI_VERDICT_ROUNDS rounds in a row, so borderline data does not flicker. */
    uint8_t shown[DIAG_MAX_HOPS], candidate[DIAG_MAX_HOPS], held[DIAG_MAX_HOPS];
    uint32_t verdict_round;
    int verdict_mode;
    struct event events[EVENTS_MAX]; /* copied once per redraw */
    int nevents;
    enum ui_screen screen;
    bool paused, quit;
    bool names, asn;  /* n and z toggles */
    bool jitter_cols; /* j: the jitter column set instead of the latency set */
    int display;      /* 0 table, 1 table + timeline, 2 timeline with RTT scale */
    int selected;     /* selected TTL, 0 for none */
    int view_mode;    /* --modes: the mode shown (all of them keep probing) */
    int scroll;       /* first TTL row shown */
    bool color, utf8;
    char status[192];
    struct timespec t0;
};

struct key_binding {
    int key;
    const char *label; /* for the help screen */
    const char *help;
    void (*fn)(struct ui *u);
};

/* The key table (ui.c), for the help screen. */
const struct key_binding *ui_keys(size_t *n);

/* draw.c */
void ui_colors_init(struct ui *u);
void ui_draw(struct ui *u);
/* The columns in use: -o order, or the jitter set after j. */
const char *ui_order(const struct ui *u);

#endif
