/*
 * cache.h - the resolver's table of what it knows about each address (internal to names/):
 * entries in an array that grows, found through a hash index, so a fleet's tens of thousands
 * of responders cost a lookup each, not a pass over the table.
 *
 * Not thread-safe: the resolver holds its lock around every call, and an entry's address is
 * good only until the next cache_add (the array may move).
 */
#ifndef HOPWATCH_CACHE_H
#define HOPWATCH_CACHE_H

#include "resolver.h"

#include <stdbool.h>
#include <stdint.h>

#define CACHE_MAX (1 << 20) /* addresses at most: past it, new ones get no names */

struct cache_entry {
    struct probe_addr addr;
    struct name_info info;
    uint64_t ptr_again_us, asn_again_us; /* when to ask again */
    bool ptr_inflight, asn_inflight;
    bool asn_from_db; /* a database answered: no DNS for the AS */
};

struct cache {
    struct cache_entry *e;
    int n, cap;
    uint32_t *index; /* icap slots: an entry's number + 1, 0 empty (open addressing) */
    uint32_t icap;
};

/* The entry of a, or NULL. */
struct cache_entry *cache_find(const struct cache *c, const struct probe_addr *a);
/* A new, zeroed entry for a (not already in); NULL when full or out of memory. */
struct cache_entry *cache_add(struct cache *c, const struct probe_addr *a);
void cache_free(struct cache *c);

#endif
