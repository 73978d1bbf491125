/*
 * keys_replay.c - a replay's keys (hopwatch --replay FILE in the live view): they take the
 * place of the prober's (pause, interval, modes, reset) while a recording plays: play and
 * pause, speed, the next and previous recorded event, a recorded time typed in, the start and
 * the end. Main thread only.
 */
#include "keys.h"
#include "ui.h"
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEY_ESC 27

static void play_pause(struct ui *u)
{
    struct player_clock c;

    player_clock(u->s->player, &c);
    player_pause(u->s->player, !c.paused);
    status_say(u, c.paused ? "playing" : "paused: p or space plays on");
}

static void faster(struct ui *u)
{
    status_say(u, "speed x%.0f", player_speed(u->s->player, 2.0));
}

static void slower(struct ui *u)
{
    status_say(u, "speed x%.0f", player_speed(u->s->player, 0.5));
}

static void jump(struct ui *u, int dir)
{
    if (player_jump_event(u->s->player, dir) < 0)
        status_say(u, "no %s event in the recording", dir > 0 ? "later" : "earlier");
    else
        status_say(u, "to the %s event", dir > 0 ? "next" : "previous");
}

static void next_event(struct ui *u)
{
    jump(u, 1);
}

static void previous_event(struct ui *u)
{
    jump(u, -1);
}

static void to_start(struct ui *u)
{
    player_jump_edge(u->s->player, false);
    status_say(u, "to the start of the recording");
}

static void to_end(struct ui *u)
{
    player_jump_edge(u->s->player, true);
    status_say(u, "to the end of the recording");
}

static void go_to(struct ui *u)
{
    u->typing = true;
    u->typed[0] = '\0';
    status_say(u, "go to the recorded time (HH:MM[:SS], Enter; Esc cancels): ");
}

/* While a time is typed, every key is its: digits and ':', backspace, Enter, Esc. */
static bool typing(struct ui *u, int ch)
{
    size_t n = strlen(u->typed);

    if (ch == '\n' || ch == KEY_ENTER) {
        u->typing = false;
        if (player_jump_time(u->s->player, u->typed) < 0)
            status_say(u, "not a time: '%s' (HH:MM or HH:MM:SS)", u->typed);
        else
            status_say(u, "to %s", u->typed);
        return true;
    }
    if (ch == KEY_ESC) {
        u->typing = false;
        status_say(u, "go to: cancelled");
        return true;
    }
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
        u->typed[n - 1] = '\0';
    else if (((ch >= '0' && ch <= '9') || ch == ':') && n + 1 < sizeof(u->typed))
        u->typed[n] = (char)ch, u->typed[n + 1] = '\0';
    status_say(u, "go to the recorded time (HH:MM[:SS], Enter; Esc cancels): %s", u->typed);
    return true;
}

static void recorded(struct ui *u)
{
    status_say(u, "a replay plays what was recorded: the run's modes, interval and resets");
}

static const struct key_binding replay_keys[] = {
    {'p', "p  space", "play / pause", play_pause, KEYS_ANY},
    {' ', NULL, NULL, play_pause, KEYS_ANY},
    {'+', "+", "faster (x2, up to x1000)", faster, KEYS_ANY},
    {'-', "-", "slower (/2, down to x1)", slower, KEYS_ANY},
    {']', "]", "jump to the next recorded event", next_event, KEYS_ANY},
    {'[', "[", "jump to the previous recorded event", previous_event, KEYS_ANY},
    {'g', "g", "go to a recorded time: type HH:MM[:SS], Enter", go_to, KEYS_ANY},
    {'<', "<  Home", "jump to the start", to_start, KEYS_ANY},
    {KEY_HOME, NULL, NULL, to_start, KEYS_ANY},
    {'>', ">  End", "jump to the end", to_end, KEYS_ANY},
    {KEY_END, NULL, NULL, to_end, KEYS_ANY},
    {'r', NULL, NULL, recorded, KEYS_ANY},
    {'u', NULL, NULL, recorded, KEYS_ANY},
    {'t', NULL, NULL, recorded, KEYS_ANY},
    {'i', NULL, NULL, recorded, KEYS_ANY},
    {'m', NULL, NULL, recorded, KEYS_ANY},
};

bool keys_replay_dispatch(struct ui *u, int ch)
{
    if (u->typing && ch != ERR && ch != KEY_RESIZE)
        return typing(u, ch);
    for (size_t i = 0; i < sizeof(replay_keys) / sizeof(replay_keys[0]); i++) {
        if (replay_keys[i].key == ch) {
            replay_keys[i].fn(u);
            return true;
        }
    }
    return false;
}

const struct key_binding *keys_replay_table(size_t *n)
{
    *n = sizeof(replay_keys) / sizeof(replay_keys[0]);
    return replay_keys;
}
