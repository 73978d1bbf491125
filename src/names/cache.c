/*
 * cache.c - the resolver's address table (see cache.h): an array doubling from 256 entries,
 * and an index of twice as many slots, probed linearly from the address's hash.
 */
#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static uint32_t hash(const struct probe_addr *a)
{
    uint32_t h = 2166136261u ^ a->family; /* FNV-1a */
    int n = a->family == AF_INET6 ? 16 : 4;

    for (int i = 0; i < n; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    return h ^ h >> 15;
}

/* The slot holding a, or the empty one where it would go. */
static uint32_t *slot_of(const struct cache *c, const struct probe_addr *a)
{
    for (uint32_t i = hash(a) & (c->icap - 1);; i = (i + 1) & (c->icap - 1))
        if (!c->index[i] || probe_addr_equal(&c->e[c->index[i] - 1].addr, a))
            return &c->index[i];
}

struct cache_entry *cache_find(const struct cache *c, const struct probe_addr *a)
{
    uint32_t *s;

    if (!c->icap)
        return NULL;
    s = slot_of(c, a);
    return *s ? &c->e[*s - 1] : NULL;
}

/* Room for one more: the array and the index doubled when full (the index kept at most half
 * full). false when out of memory or at CACHE_MAX. */
static bool room(struct cache *c)
{
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 256;
        struct cache_entry *e;
        if (c->cap >= CACHE_MAX || !(e = realloc(c->e, (size_t)cap * sizeof(*e))))
            return false;
        c->e = e;
        c->cap = cap;
    }
    if (2 * (uint32_t)(c->n + 1) > c->icap) {
        uint32_t icap = c->icap ? 2 * c->icap : 512, *old = c->index, oldcap = c->icap;
        if (!(c->index = calloc(icap, sizeof(*c->index)))) {
            c->index = old;
            return false;
        }
        c->icap = icap;
        for (uint32_t i = 0; i < oldcap; i++)
            if (old[i])
                *slot_of(c, &c->e[old[i] - 1].addr) = old[i];
        free(old);
    }
    return true;
}

struct cache_entry *cache_add(struct cache *c, const struct probe_addr *a)
{
    struct cache_entry *e;

    if (!room(c))
        return NULL;
    e = &c->e[c->n++];
    memset(e, 0, sizeof(*e));
    e->addr = *a;
    *slot_of(c, a) = (uint32_t)c->n;
    return e;
}

void cache_free(struct cache *c)
{
    free(c->e);
    free(c->index);
    memset(c, 0, sizeof(*c));
}
