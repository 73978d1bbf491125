/*
 * keys.h - the live view's key tables: one row per key (mtr's letters where mtr has one), read
 * by the loop to act and by the help screen and --help to list. With several targets the
 * overview's own table (keys_fleet.c) comes first on the overview; there the keys that
 * control probing act on every target, elsewhere on the target shown. Main thread only.
 */
#ifndef HOPWATCH_KEYS_H
#define HOPWATCH_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

/* Where a key acts. */
enum key_scope {
    KEYS_ANY,    /* the same on every screen */
    KEYS_EVERY,  /* controls probing: the target shown's, or on the overview every target's */
    KEYS_TARGET, /* a hop view's own: on the overview it asks for a target to be opened */
};

struct key_binding {
    int key;
    const char *label; /* for the help screen and --help; NULL: an alias, not listed */
    const char *help;
    void (*fn)(struct ui *u);
    enum key_scope scope;
};

/* The whole table; *n gets its length. */
const struct key_binding *keys_table(size_t *n);
/* The overview's table (several targets), looked at first there. */
const struct key_binding *keys_overview_table(size_t *n);
/* The labels of the KEYS_EVERY keys, "p, space, r, ... and -", into buf. */
void keys_every_labels(char *buf, size_t len);
/* Acts on one key (either case of a letter, as mtr); unknown keys do nothing. */
void keys_dispatch(struct ui *u, int ch);

/* keys_history.c: the history screen's table, looked at first there. */
const struct key_binding *keys_history_table(size_t *n);

/* keys_replay.c: a replay's table, and its keys acted on first while a recording plays (true:
 * the key was a replay's). */
const struct key_binding *keys_replay_table(size_t *n);
bool keys_replay_dispatch(struct ui *u, int ch);

/* keys_fleet.c, for keys.c: fn once for every target (the overview's KEYS_EVERY keys), the
 * status line saying so; the next or previous target's hop view (Tab, S-Tab). */
void keys_every(struct ui *u, void (*fn)(struct ui *u));
void keys_next_target(struct ui *u);
void keys_previous_target(struct ui *u);

#endif
