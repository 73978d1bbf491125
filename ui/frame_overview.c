/*
 * frame_overview.c - the overview's part of a frame (see ui_internal.h): for each target on
 * screen, what its line shows - its prober's status, its view of the mode shown (hops, loss
 * to the destination and the destination's timeline), where loss starts, the most severe
 * verdict on its path and its newest event - and how many targets are paused.
 *
 * Only the targets on screen are read, so a long list costs what one screen shows; their
 * views' buffers are kept from one redraw to the next and freed with the frame. The selection
 * is kept on the list here, as the list may have shrunk since the last frame. Main thread.
 */
#include "ui_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How much a verdict matters to traffic, for the worst of a path. */
static int verdict_severity(enum verdict v)
{
    /* Forwarding loss hurts everything past its hop; loss at the destination only there;
     * replies lost say nothing of traffic. */
    static const int severity[] = {[VERDICT_UNKNOWN] = 0,
                                   [VERDICT_OK] = 1,
                                   [VERDICT_REPLY_ONLY] = 2,
                                   [VERDICT_DESTINATION] = 3,
                                   [VERDICT_FORWARDING] = 4};
    return (unsigned)v < sizeof(severity) / sizeof(severity[0]) ? severity[v] : 0;
}

/* Room for n lines; new lines start empty (a zeroed view is a valid, empty one). */
static int grow(struct frame *f, int n)
{
    struct frame_target *p;

    if (n <= f->targets_cap)
        return 0;
    if (!(p = realloc(f->targets, (size_t)n * sizeof(*p))))
        return -ENOMEM;
    memset(p + f->targets_cap, 0, (size_t)(n - f->targets_cap) * sizeof(*p));
    f->targets = p;
    f->targets_cap = n;
    return 0;
}

/* The selected target stays in the list and on screen. */
static void keep_in_view(struct ui *u, int lines)
{
    int n = u->f.nlive;

    if (u->pick > n - 1)
        u->pick = n - 1;
    if (u->pick < 0)
        u->pick = 0;
    if (u->pick_top > u->pick)
        u->pick_top = u->pick;
    if (lines > 0 && u->pick >= u->pick_top + lines)
        u->pick_top = u->pick - lines + 1;
    if (u->pick_top > n - lines)
        u->pick_top = n - lines > 0 ? n - lines : 0;
}

/* With --modes, the mode the keys chose to show, else the one probing. */
static int line_mode(const struct ui *u, const struct prober_status *st)
{
    for (int i = 0; st->nrotation > 1 && i < st->nrotation; i++)
        if (st->rotation[i] == u->view_mode)
            return u->view_mode;
    return st->nrotation > 1 ? st->rotation[0] : st->mode;
}

/* The most severe published verdict on the path: its first hop when several share it. */
static void find_worst(struct frame_target *ft)
{
    const struct target_view *v = &ft->view;

    ft->worst = (struct hop_diag){.verdict = VERDICT_UNKNOWN};
    ft->worst_ttl = 0;
    for (int t = v->snap.first_ttl; t <= v->snap.nhops; t++) {
        const struct hop_diag *d = target_view_diag(v, t);
        if (d && (!ft->worst_ttl ||
                  verdict_severity(d->verdict) > verdict_severity(ft->worst.verdict))) {
            ft->worst = *d;
            ft->worst_ttl = t;
        }
    }
}

/* Where loss that carries on to the destination starts, as the hop view's summary says. */
static void find_onset(struct frame_target *ft)
{
    const struct target_view *v = &ft->view;
    int first;

    ft->onset_ttl = -1;
    ft->onset_guess = false;
    if ((first = diagnose_onset_ttl(v->in, &v->diag)) > 0) {
        ft->onset_ttl = first;
    } else if ((first = diagnose_first_forwarding(v->in, &v->diag)) > 0) {
        ft->onset_ttl = first;
        ft->onset_guess = true;
    }
}

static int read_line(struct ui *u, struct frame_target *ft, int index)
{
    int r;

    ft->s = u->f.live[index];
    ft->index = index;
    session_status(ft->s, &ft->st);
    ft->mode = line_mode(u, &ft->st);
    ft->has_event = events_copy(target_events(ft->s->target), &ft->last, 1) == 1;
    if (ft->mode < 0 || ft->mode >= PROBE_MODE_COUNT) { /* nothing opened yet */
        ft->mode = -1;
        ft->reached = false;
        ft->view.snap.nhops = ft->view.diag.n = 0;
        ft->onset_ttl = -1;
        ft->worst_ttl = 0;
        return 0;
    }
    r = target_view(ft->s->target, ft->mode, &ft->st.path[ft->mode], &ft->view);
    if (r < 0)
        return r;
    ft->reached = ft->st.path[ft->mode].end_ttl > 0;
    find_worst(ft);
    find_onset(ft);
    return 0;
}

static int count_paused(const struct frame *f)
{
    static struct prober_status st; /* large: not on the stack */
    int n = 0;

    for (int i = 0; i < f->nlive; i++) {
        session_status(f->live[i], &st);
        n += st.paused;
    }
    return n;
}

int frame_overview(struct ui *u, int rows)
{
    struct frame *f = &u->f;
    int lines = rows - OVERVIEW_TOP - OVERVIEW_BELOW, n;

    lines = lines > 0 ? lines : 0;
    keep_in_view(u, lines);
    n = f->nlive - u->pick_top < lines ? f->nlive - u->pick_top : lines;
    if (grow(f, n) < 0)
        return -ENOMEM;
    for (f->ntargets = 0; f->ntargets < n; f->ntargets++) {
        int r = read_line(u, &f->targets[f->ntargets], u->pick_top + f->ntargets);
        if (r < 0)
            return r;
    }
    f->npaused = count_paused(f);
    f->now_us = probe_now_us();
    return 0;
}

void frame_overview_free(struct frame *f)
{
    for (int i = 0; i < f->targets_cap; i++)
        target_view_free(&f->targets[i].view);
    free(f->targets);
    f->targets = NULL;
    f->ntargets = f->targets_cap = 0;
}
