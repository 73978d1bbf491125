/*
 * due.h - a min-heap of things due at a time: the fleet thread's timer, so that a wake-up
 * looks at the targets whose time has come and not at every target (fleet_thread.c).
 *
 * Intrusive: each item is a struct due_item inside its owner, which remembers its place, so
 * moving or removing one costs O(log n) with no search. One thread, or under its owner's lock.
 */
#ifndef HOPWATCH_DUE_H
#define HOPWATCH_DUE_H

#include <stdbool.h>
#include <stdint.h>

struct due_item {
    uint64_t at; /* when it is due (monotonic us) */
    int pos;     /* its place in the heap, -1 when not in it */
};

struct due_heap {
    struct due_item **item;
    int n, cap;
};

/* An item not in any heap (pos -1). */
void due_item_init(struct due_item *it);
/* Puts it in the heap due at `at`, or moves it there when it is in already. false: no memory. */
bool due_set(struct due_heap *h, struct due_item *it, uint64_t at);
/* Takes it out (nothing when it is not in). */
void due_remove(struct due_heap *h, struct due_item *it);
/* The soonest item, or NULL when empty. */
struct due_item *due_first(const struct due_heap *h);
void due_free(struct due_heap *h);

#endif
