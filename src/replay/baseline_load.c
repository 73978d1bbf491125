/*
 * baseline_load.c - a recording summed up for --baseline (see baseline_load.h).
 */
#include "baseline_load.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The recording played into t, then its first mode's view summed up into out. */
static int sum_up(struct replay *rp, struct target *t, struct baseline_run *out)
{
    static struct prober_status st; /* large: not on the stack */
    struct round_consumer c = target_consumer(t);
    struct target_view v = {0};
    struct run_info run = {0};
    int mode;

    replay_feed(rp, &c, t);
    replay_status(rp, &st);
    mode = st.nrotation > 1 ? st.rotation[0] : st.mode;
    target_finalize(t, mode, &st.path[mode]);
    if (target_view(t, mode, &st.path[mode], &v) < 0)
        return -1;
    baseline_summary(&v, out);
    target_view_free(&v);
    replay_run_info(rp, &run);
    out->started = run.started;
    out->ended = run.ended;
    snprintf(out->target_addr, sizeof(out->target_addr), "%s", replay_setup(rp)->target_addr);
    return 0;
}

struct baseline_run *baseline_load(const char *path, const char *target, char *err, size_t err_len)
{
    struct replay *rp = replay_load(path, target, err, err_len);
    struct baseline_run *out = NULL;
    struct target *t = NULL;

    if (!rp && target) /* recorded under another name: its first target */
        rp = replay_load(path, NULL, err, err_len);
    if (!rp)
        return NULL;
    if (!(t = target_new(&replay_setup(rp)->target, err, err_len)) ||
        !(out = calloc(1, sizeof(*out))) || sum_up(rp, t, out) < 0) {
        snprintf(err, err_len, "%s: out of memory", path);
        free(out);
        out = NULL;
    }
    target_free(t);
    replay_free(rp);
    return out;
}
