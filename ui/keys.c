/*
 * keys.c - the live view's key table and what each key does (see keys.h); the overview's are
 * in keys_fleet.c, a replay's (which come first while a recording plays) in keys_replay.c.
 * A key that cannot act says why in the status line. Control goes to the prober (mode,
 * pause, interval) and the target (reset) of the target shown, or on the overview of every
 * target; everything else is the UI's own state.
 */
#include "keys.h"
#include "ui.h"
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEY_ESC 27
#define KEY_CTRL_L 12

static void key_quit(struct ui *u)
{
    u->quit = true;
}

static void key_pause(struct ui *u)
{
    prober_pause(u->s->prober, true);
    status_say(u, "paused: space resumes");
}

static void key_resume(struct ui *u)
{
    prober_pause(u->s->prober, false);
    status_say(u, "resumed");
}

static void key_reset(struct ui *u)
{
    target_reset(u->s->target, u->f.st.mode);
    status_say(u, "statistics of every mode reset");
}

static void key_names(struct ui *u)
{
    if (u->s->opt.no_dns) {
        status_say(u, "names are off for this run (-n)");
        return;
    }
    u->names = !u->names;
    status_say(u, "names %s", u->names ? "on" : "off");
}

static void key_asn(struct ui *u)
{
    u->asn = !u->asn;
    status_say(u, "AS numbers %s", u->asn ? "on" : "off");
}

static void key_display(struct ui *u)
{
    static const char *const names[] = {"table", "table + loss timeline",
                                        "loss timeline with RTT scale"};
    u->display = (u->display + 1) % 3;
    status_say(u, "display: %s", names[u->display]);
}

static void key_jitter(struct ui *u)
{
    u->jitter_cols = !u->jitter_cols;
    status_say(u, "columns: %s", u->jitter_cols ? "jitter" : "latency");
}

static void key_mpls(struct ui *u)
{
    u->mpls = !u->mpls;
    status_say(u, "MPLS labels under each hop: %s", u->mpls ? "on" : "off");
}

static void key_flow(struct ui *u)
{
    int n = target_flows(u->s->target);

    if (n == 0) {
        status_say(u, "one flow: --flows N probes N of them");
        return;
    }
    u->flow = u->flow + 1 >= n ? -1 : u->flow + 1;
    if (u->flow < 0)
        status_say(u, "every flow together");
    else
        status_say(u, "flow %d of %d alone", u->flow, n);
}

static void switch_mode(struct ui *u, enum probe_mode m)
{
    const struct prober_status *st = &u->f.st;

    if (st->nrotation > 1) { /* --modes: every mode probes; keys choose the one shown */
        for (int i = 0; i < st->nrotation; i++) {
            if (st->rotation[i] == (int)m) {
                u->view_mode = m;
                status_say(u, "showing %s; --modes keeps every mode probing", probe_mode_name(m));
                return;
            }
        }
        status_say(u, "%s is not among --modes", probe_mode_name(m));
        return;
    }
    if (prober_request_mode(u->s->prober, m) < 0)
        status_say(u, "%s unavailable: %s", probe_mode_name(m),
                   st->why_not[m][0] ? st->why_not[m] : "not opened for this run");
    else
        status_say(u, "switching to %s at the next round (statistics per mode)",
                   probe_mode_name(m));
}

static void key_udp(struct ui *u)
{
    switch_mode(u, PROBE_UDP);
}

static void key_tcp(struct ui *u)
{
    switch_mode(u, PROBE_TCP);
}

static void key_icmp(struct ui *u)
{
    switch_mode(u, u->f.st.opened[PROBE_ICMP_RAW] ? PROBE_ICMP_RAW : PROBE_ICMP_DGRAM);
}

static void key_next_mode(struct ui *u)
{
    const struct prober_status *st = &u->f.st;
    int cur = st->nrotation > 1 ? u->view_mode : st->requested_mode;

    for (int i = 1; i < PROBE_MODE_COUNT; i++) {
        int m = (cur + i) % PROBE_MODE_COUNT;
        if (st->opened[m]) {
            switch_mode(u, (enum probe_mode)m);
            return;
        }
    }
    status_say(u, "no other mode could open");
}

static void set_interval(struct ui *u, double factor)
{
    double v = (double)u->f.st.interval_us / 1e6 * factor;

    if (v < 0.05 || v > 60) {
        status_say(u, "interval stays %.2fs (0.05 to 60 from the keyboard)",
                   (double)u->f.st.interval_us / 1e6);
        return;
    }
    prober_set_interval(u->s->prober, (uint64_t)(v * 1e6));
    status_say(u, "interval %.2fs", v);
}

static void key_slower(struct ui *u)
{
    set_interval(u, 2.0);
}

static void key_faster(struct ui *u)
{
    set_interval(u, 0.5);
}

static void key_up(struct ui *u)
{
    const struct hops_snapshot *sn = &u->f.view.snap;

    if (u->selected > sn->first_ttl)
        u->selected--;
    else if (u->selected == 0)
        u->selected = sn->nhops;
}

static void key_down(struct ui *u)
{
    const struct hops_snapshot *sn = &u->f.view.snap;

    if (u->selected == 0)
        u->selected = sn->first_ttl;
    else if (u->selected < sn->nhops)
        u->selected++;
}

static void key_page_up(struct ui *u)
{
    u->scroll = u->scroll > 10 ? u->scroll - 10 : 0;
}

static void key_page_down(struct ui *u)
{
    if (u->scroll + 10 < u->f.view.snap.nhops)
        u->scroll += 10;
}

static void key_enter(struct ui *u)
{
    if (u->selected == 0)
        u->selected = u->f.view.snap.first_ttl;
    u->screen = SCREEN_DETAIL;
}

/* One step back: a screen to its hop view, a selection cleared, then (several targets) the
 * overview. */
static void key_escape(struct ui *u)
{
    if (u->screen == SCREEN_DETAIL || u->screen == SCREEN_EVENTS || u->screen == SCREEN_HISTORY) {
        u->screen = SCREEN_MAIN;
    } else if (u->screen == SCREEN_MAIN && u->selected) {
        u->selected = 0;
    } else if (u->screen == SCREEN_MAIN && frame_several(&u->f)) {
        u->screen = SCREEN_OVERVIEW;
        status_clear(u);
        if (u->f.shown_index >= 0)
            u->pick = u->f.shown_index;
    }
}

static void key_help(struct ui *u)
{
    if (u->screen == SCREEN_HELP) {
        u->screen = u->help_from;
        return;
    }
    u->help_from = u->screen;
    u->screen = SCREEN_HELP;
}

static void key_events(struct ui *u)
{
    u->screen = u->screen == SCREEN_EVENTS ? SCREEN_MAIN : SCREEN_EVENTS;
}

static void key_history(struct ui *u)
{
    if (u->screen == SCREEN_HISTORY) {
        u->screen = SCREEN_MAIN;
        return;
    }
    u->screen = SCREEN_HISTORY;
    u->hist.follow = true;
}

static void key_redraw(struct ui *u)
{
    (void)u;
    clearok(curscr, TRUE);
}

static const struct key_binding keys[] = {
    {'q', "q", "quit", key_quit, KEYS_ANY},
    {'p', "p", "pause probing", key_pause, KEYS_EVERY},
    {' ', "space", "resume probing", key_resume, KEYS_EVERY},
    {'r', "r", "reset the statistics of every mode", key_reset, KEYS_EVERY},
    {'n', "n", "names on / off", key_names, KEYS_ANY},
    {'z', "z", "AS numbers on / off", key_asn, KEYS_ANY},
    {'d', "d", "display: table, + loss timeline, timeline with RTT scale", key_display, KEYS_ANY},
    {'j', "j", "latency columns <-> jitter columns", key_jitter, KEYS_ANY},
    {'e', "e", "MPLS label stacks under each hop on / off", key_mpls, KEYS_ANY},
    {'f', "f", "--flows: show one flow after another, then all together", key_flow, KEYS_TARGET},
    {'u', "u", "probe with UDP", key_udp, KEYS_EVERY},
    {'t', "t", "probe with TCP SYN", key_tcp, KEYS_EVERY},
    {'i', "i", "probe with ICMP", key_icmp, KEYS_EVERY},
    {'m', "m", "next probe mode that can open", key_next_mode, KEYS_EVERY},
    {'+', "+", "longer interval (x2)", key_slower, KEYS_EVERY},
    {'-', "-", "shorter interval (/2)", key_faster, KEYS_EVERY},
    {KEY_UP, "up", "select the hop above", key_up, KEYS_ANY},
    {KEY_DOWN, "down", "select the hop below", key_down, KEYS_ANY},
    {KEY_PPAGE, "PgUp", "scroll up", key_page_up, KEYS_TARGET},
    {KEY_NPAGE, "PgDn", "scroll down", key_page_down, KEYS_TARGET},
    {'\n', "Enter", "details of the selected hop", key_enter, KEYS_ANY},
    {KEY_ENTER, NULL, NULL, key_enter, KEYS_ANY},
    {KEY_ESC, "Esc", "back / clear the selection / the overview (several targets)", key_escape,
     KEYS_ANY},
    {'\t', "Tab", "several targets: the next target's hop view (S-Tab: the previous)",
     keys_next_target, KEYS_ANY},
    {KEY_BTAB, NULL, NULL, keys_previous_target, KEYS_ANY},
    {'l', "l", "the event log: loss bursts, path and mode changes, resets", key_events,
     KEYS_TARGET},
    {'v', "v", "history: each hop's loss and RTT over the whole run, in time buckets", key_history,
     KEYS_TARGET},
    {'?', "?  h", "this help", key_help, KEYS_ANY},
    {'h', NULL, NULL, key_help, KEYS_ANY},
    {KEY_CTRL_L, "^L", "redraw the screen", key_redraw, KEYS_ANY},
};

const struct key_binding *keys_table(size_t *n)
{
    *n = sizeof(keys) / sizeof(keys[0]);
    return keys;
}

static const struct key_binding *find(const struct key_binding *t, size_t n, int ch)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].key == ch)
            return &t[i];
    return NULL;
}

void keys_dispatch(struct ui *u, int ch)
{
    const struct key_binding *b, *ov;
    size_t n;

    if (ch >= 'A' && ch <= 'Z')
        ch = ch - 'A' + 'a'; /* mtr: keys work in either case */
    if (u->screen == SCREEN_HELP && ch != ERR && ch != KEY_RESIZE && ch != 'q') {
        u->screen = u->help_from; /* any key leaves the help screen */
        return;
    }
    if (u->s->player && keys_replay_dispatch(u, ch))
        return;
    u->key = ch;
    /* a screen's own table first */
    ov = u->screen == SCREEN_OVERVIEW  ? keys_overview_table(&n)
         : u->screen == SCREEN_HISTORY ? keys_history_table(&n)
                                       : NULL;
    b = ov ? find(ov, n, ch) : NULL;
    if (!b && !(b = find(keys, sizeof(keys) / sizeof(keys[0]), ch)))
        return;
    if (u->screen != SCREEN_OVERVIEW || b->scope == KEYS_ANY)
        b->fn(u);
    else if (b->scope == KEYS_EVERY)
        keys_every(u, b->fn);
    else
        status_say(u, "%s acts on one target: open it first (Enter or 1-9)", b->label);
}

void keys_every_labels(char *buf, size_t len)
{
    size_t n = sizeof(keys) / sizeof(keys[0]), at = 0, left = 0;

    for (size_t i = 0; i < n; i++)
        left += keys[i].scope == KEYS_EVERY && keys[i].label;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        const char *sep;
        if (keys[i].scope != KEYS_EVERY || !keys[i].label)
            continue;
        left--;
        sep = left > 1 ? ", " : left == 1 ? " and " : "";
        at += (size_t)snprintf(buf + at, len - at, "%s%s", keys[i].label, sep);
    }
}

static void print_table(FILE *out, const struct key_binding *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].label)
            fprintf(out, "  %-28s %s\n", t[i].label, t[i].help);
}

void ui_print_keys(FILE *out)
{
    const struct key_binding *ov, *rt;
    char every[128];
    size_t n;

    fprintf(out, "Keys in the live view:\n");
    print_table(out, keys, sizeof(keys) / sizeof(keys[0]));
    ov = keys_overview_table(&n);
    keys_every_labels(every, sizeof(every));
    fprintf(out, "\nKeys of the overview (several targets), looked at first there:\n");
    print_table(out, ov, n);
    fprintf(out, "On the overview %s act on every target; on a hop view, on its target.\n", every);
    fprintf(out, "\nKeys of the history screen (v), looked at first there:\n");
    rt = keys_history_table(&n);
    print_table(out, rt, n);
    fprintf(out, "\nKeys of a replay (--replay FILE), instead of p, space, + and -:\n");
    rt = keys_replay_table(&n);
    print_table(out, rt, n);
}
