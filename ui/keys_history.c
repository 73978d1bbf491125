/*
 * keys_history.c - the history screen's keys, looked at first there (keys.h): the selected
 * bucket moved by one, by a page or to either end, the zoom, loss or RTT. A replay's own keys
 * come before them (Home and End jump in the recording there; arrows and pages still move).
 */
#include "keys.h"
#include "ui_internal.h"

#include <curses.h>

static void left(struct ui *u)
{
    frame_history_move(u, -1);
}

static void right(struct ui *u)
{
    frame_history_move(u, 1);
}

static void page_back(struct ui *u)
{
    frame_history_move(u, -(long)(u->hist.ncols > 1 ? u->hist.ncols - 1 : 1));
}

static void page_on(struct ui *u)
{
    frame_history_move(u, u->hist.ncols > 1 ? u->hist.ncols - 1 : 1);
}

static void oldest(struct ui *u)
{
    frame_history_move(u, -(1L << 30));
}

static void newest(struct ui *u)
{
    frame_history_move(u, 1L << 30);
}

/* 10 s -> 1 min -> 10 min -> 10 s, the selection staying at its time. */
static void zoom(struct ui *u)
{
    u->hist.zoom = (enum history_zoom)((u->hist.zoom + 1) % HISTORY_ZOOMS);
    u->hist.sel = history_bucket(u->hist.zoom, u->hist.sel);
    u->hist.right = u->hist.sel;
    status_say(u, "history in %s buckets", history_zoom_name(u->hist.zoom));
}

static void loss_or_rtt(struct ui *u)
{
    u->hist.rtt = !u->hist.rtt;
}

static void back(struct ui *u)
{
    u->screen = SCREEN_MAIN;
}

static const struct key_binding history_keys[] = {
    {KEY_LEFT, "left", "select the bucket before", left, KEYS_ANY},
    {KEY_RIGHT, "right", "select the bucket after", right, KEYS_ANY},
    {KEY_PPAGE, "PgUp", "a page back in time", page_back, KEYS_ANY},
    {KEY_NPAGE, "PgDn", "a page on in time", page_on, KEYS_ANY},
    {KEY_HOME, "Home", "the oldest bucket held (a replay: < jumps there in the recording)", oldest,
     KEYS_ANY},
    {KEY_END, "End", "the newest bucket, followed as time goes on", newest, KEYS_ANY},
    {'z', "z", "zoom: 10 s, 1 min, 10 min buckets", zoom, KEYS_ANY},
    {'d', "d", "show loss / mean RTT", loss_or_rtt, KEYS_ANY},
    {'v', "v", "back to the hop table", back, KEYS_ANY},
};

const struct key_binding *keys_history_table(size_t *n)
{
    *n = sizeof(history_keys) / sizeof(history_keys[0]);
    return history_keys;
}
