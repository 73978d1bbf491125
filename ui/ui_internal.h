/*
 * ui_internal.h - what the UI's files share: the UI's own state (struct ui) and the frame a
 * redraw draws from. Main thread only.
 *
 * Each redraw first builds one frame (frame.c): the prober's status, the target's view of the
 * mode shown (statistics and the published diagnosis), the names of every responder on
 * screen, the events the screen shows and, on the detail screen, the selected hop in every
 * mode. The screens (draw*.c) then only draw from it; nothing below ui/ is called while
 * drawing.
 */
#ifndef HOPWATCH_UI_INTERNAL_H
#define HOPWATCH_UI_INTERNAL_H

#include "columns.h"
#include "isp.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum ui_screen { SCREEN_MAIN, SCREEN_DETAIL, SCREEN_HELP, SCREEN_EVENTS };

/* A responder's names as the frame found them. */
struct frame_name {
    bool known; /* the resolver had an entry */
    struct name_info info;
};

struct frame {
    struct prober_status st;
    int mode;                /* the mode shown */
    struct target_view view; /* its statistics and published diagnosis */
    struct isp isp;          /* whose network this is, from the names known now */
    /* names[(ttl - 1) * HOPS_MAX_RESPONDERS + i]: responder i of hop ttl, for shown hops */
    struct frame_name *names;
    size_t names_cap;
    struct event events[EVENTS_MAX]; /* the newest nevents, oldest first */
    int nevents, total_events;
    /* detail screen: the selected hop in every mode */
    struct hop_stats mode_hop[PROBE_MODE_COUNT];
    bool mode_has[PROBE_MODE_COUNT];
    /* detail screen with --flows: the selected hop in each flow, and its verdict there */
    struct hop_stats flow_hop[PROBE_FLOWS_MAX];
    struct hop_diag flow_diag[PROBE_FLOWS_MAX];
    int nflows;
    uint64_t now_us;
};

struct ui {
    struct session *s;   /* the target shown */
    struct fleet *fleet; /* every target (NULL: a replay) */
    struct frame f;      /* rebuilt every redraw */
    enum ui_screen screen;
    bool quit;
    bool names, asn;  /* n and z toggles */
    bool jitter_cols; /* j: the jitter column set instead of the latency set */
    bool mpls;        /* e: MPLS label stacks under their hops */
    int flow;         /* f (--flows): the flow whose statistics the table shows; -1 all */
    bool typing;      /* a replay's g: a time being typed into `typed` */
    char typed[16];
    int display;   /* 0 table, 1 table + timeline, 2 timeline with RTT scale */
    int selected;  /* selected TTL, 0 for none */
    int view_mode; /* --modes: the mode shown (all of them keep probing); -1 otherwise */
    int scroll;    /* first TTL row shown */
    bool color, utf8;
    char status[192];
    struct timespec t0;
};

/* frame.c */
/* Reads everything the screen `rows` tall shows into u->f. 0 or -ENOMEM. */
int frame_build(struct ui *u, int rows);
void frame_free(struct frame *f);
/* The names of responder r of hop h in the frame (NULL: none known). */
const struct name_info *frame_names(const struct frame *f, const struct hop_stats *h,
                                    const struct hop_responder *r);

/* look.c: shared by the screens */
enum { PAIR_GOOD = 1, PAIR_WARN, PAIR_BAD, PAIR_HEAD, PAIR_DIM, PAIR_BAR };
void ui_colors_init(struct ui *u);
void color_on(const struct ui *u, int pair);
void color_off(const struct ui *u, int pair);
/* The columns in use: -o order, or the jitter set after j. */
const char *ui_order(const struct ui *u);
/* "AS64500 name" with z and n on, else the name or the address; "???" for NULL. */
const char *responder_text(const struct ui *u, const struct hop_stats *h,
                           const struct hop_responder *r, char *buf, size_t len);
/* The color of a hop's verdict. */
int verdict_pair(const struct hop_diag *d);
/* One table row's values for the column table. */
struct col_row ui_row(const struct ui *u, const struct hop_stats *h);

/* draw.c: one redraw from a fresh frame. */
void ui_draw(struct ui *u);

/* The screens. */
void draw_table(struct ui *u, int top, int bottom, int cols);
void draw_detail(struct ui *u, int rows, int cols);
void draw_events(struct ui *u, int rows, int cols);
void draw_help(struct ui *u, int rows, int cols);

#endif
