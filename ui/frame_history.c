/*
 * frame_history.c - the history screen's read (see ui_internal.h): where the run's history
 * begins and ends, the selection kept inside it and on screen, and each shown hop's buckets
 * from the leftmost column on. The events come with the rest of the frame.
 */
#include "ui_internal.h"

#include <errno.h>
#include <stdlib.h>

/* Keeps the selection within the buckets held, and on screen; `follow` pins it to the newest.
 * A run shorter than the screen starts at its left edge. */
static void clamp(struct ui *u, const struct frame *f)
{
    enum history_zoom z = u->hist.zoom;
    time_t secs = history_zoom_secs(z), newest = history_bucket(z, f->hist_last);
    time_t oldest = f->hist_kept, width = (time_t)(u->hist.ncols > 0 ? u->hist.ncols : 1);

    if (u->hist.follow || u->hist.sel > newest)
        u->hist.sel = newest;
    if (u->hist.sel < oldest)
        u->hist.sel = oldest;
    u->hist.sel = history_bucket(z, u->hist.sel);
    if (u->hist.follow || u->hist.right > newest)
        u->hist.right = newest;
    if (u->hist.right < u->hist.sel)
        u->hist.right = u->hist.sel;
    if (u->hist.sel < u->hist.right - (width - 1) * secs)
        u->hist.right = u->hist.sel + (width - 1) * secs;
    if (newest - oldest < width * secs) /* the whole run fits: it starts on the left */
        u->hist.right = oldest + (width - 1) * secs;
    u->hist.right = history_bucket(z, u->hist.right);
    u->hist.follow = u->hist.sel == newest;
}

void frame_history_move(struct ui *u, long buckets)
{
    u->hist.follow = false;
    u->hist.sel += (time_t)buckets * history_zoom_secs(u->hist.zoom);
    clamp(u, &u->f);
}

int frame_history(struct ui *u, int rows, int cols)
{
    struct frame *f = &u->f;
    struct history *h = target_history(u->s->target);
    int last_ttl = history_max_ttl(h), lines = rows - HISTORY_TOP - HISTORY_BELOW;
    size_t need;

    f->hist_any = history_span(h, &f->hist_first, &f->hist_last);
    f->hist_kept = history_kept_from(h, u->hist.zoom);
    f->hist_ncols = u->hist.ncols = cols - 1 - HISTORY_LABEL > 1 ? cols - 1 - HISTORY_LABEL : 1;
    clamp(u, f);
    f->hist_left = u->hist.right - (time_t)(f->hist_ncols - 1) * history_zoom_secs(u->hist.zoom);
    if (f->view.snap.dest_ttl > 0 || f->view.snap.nhops > last_ttl)
        last_ttl = f->view.snap.nhops; /* not the probes sent past the end before it was known */
    f->hist_first_ttl = f->view.snap.first_ttl > 0 ? f->view.snap.first_ttl : 1;
    if (u->scroll >= f->hist_first_ttl)
        f->hist_first_ttl = u->scroll;
    f->hist_nhops = last_ttl - f->hist_first_ttl + 1;
    if (f->hist_nhops > lines)
        f->hist_nhops = lines > 0 ? lines : 0;
    if (f->hist_nhops < 0)
        f->hist_nhops = 0;
    need = (size_t)f->hist_nhops * (size_t)f->hist_ncols;
    if (need > f->hist_cap) {
        struct history_point *p = realloc(f->hist, need * sizeof(*p));
        if (!p)
            return -ENOMEM;
        f->hist = p;
        f->hist_cap = need;
    }
    for (int i = 0; i < f->hist_nhops; i++)
        history_read(h, f->hist_first_ttl + i, u->hist.zoom, f->hist_left, f->hist_ncols,
                     &f->hist[(size_t)i * (size_t)f->hist_ncols]);
    return 0;
}

void frame_history_free(struct frame *f)
{
    free(f->hist);
    f->hist = NULL;
    f->hist_cap = 0;
}
