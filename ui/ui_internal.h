/*
 * ui_internal.h - what the UI's files share: the UI's own state (struct ui) and the frame a
 * redraw draws from. Main thread only.
 *
 * Each redraw first builds one frame (frame.c): the list of targets, the prober's status, the
 * target's view of the mode shown (statistics and the published diagnosis), the names of
 * every responder on screen, the events the screen shows and, on the detail screen, the
 * selected hop in every mode; on the overview of several targets, instead, one line's worth
 * of each target on screen (frame_overview.c). The screens (draw*.c) then only draw from it;
 * nothing below ui/ is called while drawing.
 */
#ifndef HOPWATCH_UI_INTERNAL_H
#define HOPWATCH_UI_INTERNAL_H

#include "report/columns.h"
#include "names/isp.h"
#include "path/history.h"
#include "fleet/session.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum ui_screen {
    SCREEN_MAIN,
    SCREEN_DETAIL,
    SCREEN_HELP,
    SCREEN_EVENTS,
    SCREEN_OVERVIEW,
    SCREEN_HISTORY,
};

/* The history screen's layout: the hop's label left of its buckets, the event marks and the
 * time axis above them, the selected bucket's line under them. */
#define HISTORY_LABEL 22
#define HISTORY_TOP 5   /* the first hop's line */
#define HISTORY_BELOW 3 /* lines under the hops': the selected bucket, status, keys */

/* The overview's layout: three header lines and the column titles above the targets' lines,
 * the status and key lines below them. */
#define OVERVIEW_TOP 4
#define OVERVIEW_BELOW 2 /* lines under the targets' */

/* A responder's names as the frame found them. */
struct frame_name {
    bool known; /* the resolver had an entry */
    struct name_info info;
};

/* One line of the overview: a target as the frame read it. */
struct frame_target {
    struct session *s;
    int index;               /* its place in the list (the number keys open index + 1) */
    struct prober_status st; /* its prober's status */
    int mode;                /* the mode shown: the one probing, or --modes' shown one */
    struct target_view view; /* that mode's statistics and diagnosis (buffers kept) */
    bool reached;            /* the path's end is known (the destination or an unreachable) */
    int onset_ttl;           /* where loss that carries on starts, -1 none */
    bool onset_guess;        /* ... only a forwarding verdict so far: too few probes to place */
    struct hop_diag worst;   /* the most severe published verdict on the path */
    int worst_ttl;           /* its hop, 0 when no hop has a verdict */
    bool has_event;
    struct event last; /* its newest event */
};

struct frame {
    /* every target of the fleet as this frame found them (none without a fleet) */
    struct session **live;
    int nlive, live_cap;
    int shown_index; /* u->s's place in live; -1 when taken out (SIGHUP) or no fleet */
    /* the overview: its lines, targets first..first + ntargets of live */
    struct frame_target *targets;
    int ntargets, targets_cap, npaused;
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
    char baseline[320]; /* detail screen, --baseline: the selected hop against it, or "" */
    /* the history screen: hist[i * hist_ncols + c] is hop hist_first_ttl + i, bucket c from
     * hist_left; the run's span and the first bucket still held */
    struct history_point *hist;
    size_t hist_cap;
    int hist_nhops, hist_first_ttl, hist_ncols;
    time_t hist_left, hist_first, hist_last, hist_kept;
    bool hist_any;
    uint64_t now_us;
    char write_failure[320]; /* a write that failed (--record, --ndjson, --log-events), or "" */
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
    int key;                  /* the key being acted on (the number keys read it) */
    int pick;                 /* the overview: the target selected (its place in the list) */
    int pick_top;             /* the overview: the first target on screen */
    enum ui_screen help_from; /* the screen the help returns to */
    int display;              /* 0 table, 1 table + timeline, 2 timeline with RTT scale */
    int selected;             /* selected TTL, 0 for none */
    int view_mode;            /* --modes: the mode shown (all of them keep probing); -1 otherwise */
    int scroll;               /* first TTL row shown */
    struct {
        enum history_zoom zoom;
        bool follow;       /* the selection stays on the newest bucket */
        bool rtt;          /* the buckets show the mean RTT, not the loss */
        time_t sel, right; /* the selected bucket and the rightmost shown */
        int ncols;         /* buckets on screen at the last redraw */
    } hist;
    bool color, utf8;
    char status[192];
    struct timespec t0;
};

/* frame.c */
/* Reads everything the screen `rows` x `cols` shows into u->f. 0 or -ENOMEM. */
int frame_build(struct ui *u, int rows, int cols);
void frame_free(struct frame *f);
/* Several targets to go between: more than one, or one besides a target taken out. */
bool frame_several(const struct frame *f);
/* Forgets what the frame read of the target shown (another is about to be). */
void frame_forget(struct frame *f);
/* The names of responder r of hop h in the frame (NULL: none known). */
const struct name_info *frame_names(const struct frame *f, const struct hop_stats *h,
                                    const struct hop_responder *r);

/* frame_overview.c: the overview's lines, the targets on a screen `rows` tall (and the
 * selection kept on the list). 0 or -ENOMEM. */
int frame_overview(struct ui *u, int rows);
void frame_overview_free(struct frame *f);

/* frame_history.c: the history screen's buckets and the event marks, after the selection is
 * kept within what the history holds. 0 or -ENOMEM. */
int frame_history(struct ui *u, int rows, int cols);
void frame_history_free(struct frame *f);
/* Moves the selection by `buckets` (clamped to the run), keeping it on screen. */
void frame_history_move(struct ui *u, long buckets);

/* keys_fleet.c: shows s's hop view, its own UI state (selected hop, scroll, flow, mode
 * shown) fresh. */
void ui_show(struct ui *u, struct session *s);

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
/* The color of a hop's loss: none yet, none, some, much. */
int loss_pair(const struct hop_stats *h);
/* One table row's values for the column table. */
struct col_row ui_row(const struct ui *u, const struct hop_stats *h);
/* The time since the start, on the right of the first line. */
void draw_clock(const struct ui *u, int cols);

/* draw.c: one redraw from a fresh frame. */
void ui_draw(struct ui *u);

/* draw_table.c: a hop's loss timeline, one character per round, newest on the right. */
struct timeline {
    uint32_t newest;    /* the newest round sent */
    int pending_rounds; /* rounds young enough to be still in flight */
    double scale_us;    /* the full-scale RTT */
};
/* The timeline of a view's hops: its rounds, a probe's time out in rounds at interval_us. */
struct timeline timeline_of(const struct target_view *v, uint64_t interval_us, double timeout_s);
void draw_timeline(const struct ui *u, const struct hop_stats *h, const struct timeline *tl, int y,
                   int x, int width);

/* The screens. */
void draw_table(struct ui *u, int top, int bottom, int cols);
void draw_detail(struct ui *u, int rows, int cols);
void draw_events(struct ui *u, int rows, int cols);
void draw_help(struct ui *u, int rows, int cols);
void draw_history(struct ui *u, int rows, int cols);
/* The overview of several targets, header included. */
void draw_overview(struct ui *u, int rows, int cols);
void draw_overview_header(struct ui *u, int cols);

/* status.c: the status line says it (printf format) until the next key; or nothing. */
__attribute__((format(printf, 2, 3))) void status_say(struct ui *u, const char *fmt, ...);
void status_clear(struct ui *u);

#endif
