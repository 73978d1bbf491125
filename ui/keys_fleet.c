/*
 * keys_fleet.c - the keys of several targets (see keys.h): the overview's table (select a
 * target, open its hop view, go round), Tab and S-Tab from one hop view to the next, and a
 * key that controls probing pressed on the overview acting on every target.
 *
 * They read the list of targets as the last frame found it (u->f.live), so nothing here takes
 * the fleet's lock: a target taken out since then is still a valid session (sessions live
 * until the fleet is freed) and the next frame drops it from the list. Main thread only.
 */
#include "keys.h"
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* Target i's hop view (i a place in the list). */
void ui_show(struct ui *u, struct session *s)
{
    struct prober_status st;

    session_status(s, &st);
    session_hold(s); /* the target shown is held while it is (it may be removed meanwhile) */
    session_drop(u->s);
    u->s = s;
    u->screen = SCREEN_MAIN;
    u->selected = 0;
    u->scroll = 0;
    u->flow = -1;
    u->view_mode = st.nrotation > 1 ? st.rotation[0] : -1;
    frame_forget(&u->f);
}

static void open_at(struct ui *u, int i)
{
    if (i < 0 || i >= u->f.nlive) {
        status_say(u, "no target %d: %d in the list", i + 1, u->f.nlive);
        return;
    }
    u->pick = i;
    ui_show(u, u->f.live[i]);
    status_say(u, "target %d of %d: Esc returns to the overview, Tab shows the next", i + 1,
               u->f.nlive);
}

/* ---- the overview's keys ---------------------------------------------------------------- */

static void pick_move(struct ui *u, int by)
{
    u->pick += by;
    if (u->pick > u->f.nlive - 1)
        u->pick = u->f.nlive - 1;
    if (u->pick < 0)
        u->pick = 0;
}

/* The targets one screen shows. */
static int page(void)
{
    int rows, cols, lines;

    getmaxyx(stdscr, rows, cols);
    (void)cols;
    lines = rows - OVERVIEW_TOP - OVERVIEW_BELOW;
    return lines > 1 ? lines : 1;
}

static void pick_up(struct ui *u)
{
    pick_move(u, -1);
}

static void pick_down(struct ui *u)
{
    pick_move(u, 1);
}

static void pick_page_up(struct ui *u)
{
    pick_move(u, -page());
}

static void pick_page_down(struct ui *u)
{
    pick_move(u, page());
}

/* Tab: the selection goes round. */
static void pick_next(struct ui *u)
{
    if (u->f.nlive)
        u->pick = (u->pick + 1) % u->f.nlive;
}

static void pick_previous(struct ui *u)
{
    if (u->f.nlive)
        u->pick = (u->pick + u->f.nlive - 1) % u->f.nlive;
}

static void open_picked(struct ui *u)
{
    open_at(u, u->pick);
}

static void open_number(struct ui *u)
{
    open_at(u, u->key - '1');
}

static const struct key_binding overview_keys[] = {
    {KEY_UP, "up", "select the target above", pick_up, KEYS_ANY},
    {KEY_DOWN, "down", "select the target below", pick_down, KEYS_ANY},
    {KEY_PPAGE, "PgUp", "a page of targets up", pick_page_up, KEYS_ANY},
    {KEY_NPAGE, "PgDn", "a page of targets down", pick_page_down, KEYS_ANY},
    {'\t', "Tab", "select the next target, round the list (S-Tab: the previous)", pick_next,
     KEYS_ANY},
    {KEY_BTAB, NULL, NULL, pick_previous, KEYS_ANY},
    {'\n', "Enter", "the selected target's hop view (Esc comes back)", open_picked, KEYS_ANY},
    {KEY_ENTER, NULL, NULL, open_picked, KEYS_ANY},
    {'1', "1-9", "target 1 to 9's hop view", open_number, KEYS_ANY},
    {'2', NULL, NULL, open_number, KEYS_ANY},
    {'3', NULL, NULL, open_number, KEYS_ANY},
    {'4', NULL, NULL, open_number, KEYS_ANY},
    {'5', NULL, NULL, open_number, KEYS_ANY},
    {'6', NULL, NULL, open_number, KEYS_ANY},
    {'7', NULL, NULL, open_number, KEYS_ANY},
    {'8', NULL, NULL, open_number, KEYS_ANY},
    {'9', NULL, NULL, open_number, KEYS_ANY},
};

const struct key_binding *keys_overview_table(size_t *n)
{
    *n = sizeof(overview_keys) / sizeof(overview_keys[0]);
    return overview_keys;
}

/* ---- from a hop view -------------------------------------------------------------------- */

static void step_target(struct ui *u, int by)
{
    int n = u->f.nlive, at = u->f.shown_index;

    if (!frame_several(&u->f)) {
        status_say(u, "Tab and S-Tab go from target to target when hopwatch watches several");
        return;
    }
    /* A target taken out (SIGHUP) has no place: from it, the first or the last. */
    at = at < 0 ? (by > 0 ? 0 : n - 1) : (at + by + n) % n;
    open_at(u, at);
}

void keys_next_target(struct ui *u)
{
    step_target(u, 1);
}

void keys_previous_target(struct ui *u)
{
    step_target(u, -1);
}

/* ---- every target at once --------------------------------------------------------------- */

void keys_every(struct ui *u, void (*fn)(struct ui *u))
{
    static struct prober_status kept; /* large: not on the stack */
    struct session *shown = u->s;
    char first[sizeof(u->status)] = "", other[sizeof(u->status)] = "";
    int differ = 0;

    if (u->f.nlive == 0) {
        status_say(u, "no targets in the list");
        return;
    }
    kept = u->f.st;
    for (int i = 0; i < u->f.nlive; i++) {
        /* The key acts as on target i's hop view: its session, its prober's status. */
        u->s = u->f.live[i];
        session_status(u->s, &u->f.st);
        status_clear(u);
        fn(u);
        if (i == 0)
            memcpy(first, u->status, sizeof(first));
        else if (strcmp(first, u->status) != 0 && differ++ == 0)
            memcpy(other, u->status, sizeof(other));
    }
    u->s = shown;
    u->f.st = kept;
    if (differ)
        status_say(u, "%d targets: %.80s; %d of them instead: %.80s", u->f.nlive, first, differ,
                   other);
    else
        status_say(u, "every target (%d): %.160s", u->f.nlive, first);
}
