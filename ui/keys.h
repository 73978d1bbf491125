/*
 * keys.h - the live view's key table: one row per key (mtr's letters where mtr has one), read
 * by the loop to act and by the help screen to list. Main thread only.
 */
#ifndef HOPWATCH_KEYS_H
#define HOPWATCH_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

struct key_binding {
    int key;
    const char *label; /* for the help screen and --help; NULL: an alias, not listed */
    const char *help;
    void (*fn)(struct ui *u);
};

/* The whole table; *n gets its length. */
const struct key_binding *keys_table(size_t *n);
/* Acts on one key (either case of a letter, as mtr); unknown keys do nothing. */
void keys_dispatch(struct ui *u, int ch);

#endif
