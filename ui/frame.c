/*
 * frame.c - one redraw's read of everything below ui/ (see ui_internal.h): the list of
 * targets, the prober's status, the target's view of the mode shown, each responder's names
 * once, the events the screen shows, and on the detail screen the selected hop in every mode
 * (the overview's lines: frame_overview.c).
 */
#include "ui_internal.h"
#include "fleet/fleet.h"
#include "report/baseline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Looks every responder of the shown hops up once. */
static int read_names(struct ui *u)
{
    struct frame *f = &u->f;
    const struct hops_snapshot *sn = &f->view.snap;
    size_t need = (size_t)(sn->nhops > 0 ? sn->nhops : 1) * HOPS_MAX_RESPONDERS;

    if (f->names_cap < need) {
        struct frame_name *p = realloc(f->names, need * sizeof(*p));
        if (!p)
            return -ENOMEM;
        f->names = p;
        f->names_cap = need;
    }
    for (int t = sn->first_ttl; t <= sn->nhops; t++) {
        const struct hop_stats *h = &sn->hops[t - 1];
        for (int i = 0; i < h->nresponders; i++) {
            struct frame_name *fn = &f->names[(size_t)(t - 1) * HOPS_MAX_RESPONDERS + (size_t)i];
            fn->known = resolver_get(u->s->names, &h->responders[i].addr, &fn->info);
        }
    }
    return 0;
}

/* The events a screen `rows` tall can show: the newest for the header, a page for the log. */
static void read_events(struct ui *u, int rows)
{
    struct event_log *log = target_events(u->s->target);
    /* the header's: the newest that is not a verdict change (the line beside it says that) */
    int want = u->screen == SCREEN_EVENTS ? rows : u->screen == SCREEN_HISTORY ? EVENTS_MAX : 8;

    if (want > EVENTS_MAX)
        want = EVENTS_MAX;
    u->f.nevents = events_copy(log, u->f.events, want);
    u->f.total_events = events_count(log);
}

/* The selected hop in every mode that opened, for the detail screen. */
static void read_modes(struct ui *u)
{
    struct frame *f = &u->f;

    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        f->mode_has[m] = f->st.opened[m] && u->selected > 0 &&
                         hops_get(target_hops(u->s->target), m, u->selected, &f->mode_hop[m]);
    f->nflows = 0;
    while (f->nflows < target_flows(u->s->target) &&
           target_flow_hop(u->s->target, f->mode, f->nflows, u->selected, &f->flow_hop[f->nflows],
                           &f->flow_diag[f->nflows]))
        f->nflows++;
}

/* --baseline: the selected hop against the good day. */
static void read_baseline(struct ui *u)
{
    const struct baseline_row *r = baseline_row_of(session_compare(u->s, &u->f.view), u->selected);

    u->f.baseline[0] = '\0';
    if (r)
        baseline_hop_line(r, u->f.baseline, sizeof(u->f.baseline));
}

/* Lets go of the last frame's list of targets. */
static void drop_live(struct frame *f)
{
    for (int i = 0; i < f->nlive; i++)
        session_drop(f->live[i]);
    f->nlive = 0;
}

/* The list of targets as it is now (SIGHUP may change it between two frames), and where the
 * target shown is in it. Only pointers are copied under the fleet's lock, each held until the
 * next frame (a target removed meanwhile is freed then); the room is made outside it. */
static int read_fleet(struct ui *u)
{
    struct frame *f = &u->f;
    int n;

    drop_live(f);
    f->shown_index = -1;
    if (!u->fleet)
        return 0;
    for (;;) {
        struct session **p;
        fleet_lock(u->fleet);
        if ((n = fleet_count(u->fleet)) <= f->live_cap)
            break;
        fleet_unlock(u->fleet);
        if (!(p = realloc(f->live, (size_t)n * sizeof(*p))))
            return -ENOMEM;
        f->live = p;
        f->live_cap = n;
    }
    for (int i = 0; i < n; i++) {
        session_hold(f->live[i] = fleet_get(u->fleet, i));
        if (f->live[i] == u->s)
            f->shown_index = i;
    }
    f->nlive = n;
    fleet_unlock(u->fleet);
    return 0;
}

bool frame_several(const struct frame *f)
{
    return f->nlive > 1 || (f->nlive == 1 && f->shown_index < 0);
}

void frame_forget(struct frame *f)
{
    f->view.snap.nhops = 0;
    f->view.diag.n = 0;
    f->nevents = f->total_events = f->nflows = 0;
    memset(f->mode_has, 0, sizeof(f->mode_has));
}

int frame_build(struct ui *u, int rows, int cols)
{
    struct frame *f = &u->f;
    int r;

    if ((r = read_fleet(u)) < 0)
        return r;
    if (u->screen == SCREEN_OVERVIEW ||
        (u->screen == SCREEN_HELP && u->help_from == SCREEN_OVERVIEW))
        return frame_overview(u, rows);
    session_status(u->s, &f->st);
    f->mode = u->view_mode >= 0 ? u->view_mode : f->st.mode;
    if (f->mode < 0 || f->mode >= PROBE_MODE_COUNT)
        return -EINVAL;
    r = target_flow_view(u->s->target, f->mode, u->flow, &f->st.path[f->mode], &f->view);
    if (r < 0 || (r = read_names(u)) < 0)
        return r;
    isp_find(u->s->names, &u->s->run.public_addr, &f->view.snap, &f->isp);
    read_events(u, rows);
    session_write_failure(u->s, f->write_failure, sizeof(f->write_failure));
    if (u->screen == SCREEN_DETAIL) {
        read_modes(u);
        read_baseline(u);
    }
    if (u->screen == SCREEN_HISTORY && (r = frame_history(u, rows, cols)) < 0)
        return r;
    f->now_us = probe_now_us();
    return 0;
}

void frame_free(struct frame *f)
{
    frame_overview_free(f);
    frame_history_free(f);
    drop_live(f);
    free(f->live);
    f->live = NULL;
    f->nlive = f->live_cap = 0;
    target_view_free(&f->view);
    free(f->names);
    f->names = NULL;
    f->names_cap = 0;
}

const struct name_info *frame_names(const struct frame *f, const struct hop_stats *h,
                                    const struct hop_responder *r)
{
    const struct frame_name *fn;
    long i = r ? r - h->responders : -1;

    if (i < 0 || i >= h->nresponders || h->ttl < 1 || h->ttl > f->view.snap.nhops)
        return NULL;
    fn = &f->names[(size_t)(h->ttl - 1) * HOPS_MAX_RESPONDERS + (size_t)i];
    return fn->known ? &fn->info : NULL;
}
