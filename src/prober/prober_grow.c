/*
 * prober_grow.c - the prober's in-flight slots and its ring of rounds, sized for what is in
 * flight (prober_internal.h).
 *
 * Both start small and double when full: at one round a second with a one-second timeout a
 * target has two or three rounds and a hundred probes in flight, where room for the most any
 * interval could need (PROBE_SEQ_SPACE slots, a ring for the shortest interval the keys can
 * set) took 390 KB a target at 30 hops. Growing keeps every probe in flight where it was: a
 * slot moves to seq % the new space (two probes in flight never share a residue, so never a
 * slot), a ring round to its index % the new size, with its probes.
 */
#include "prober_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_MIN 64
#define RING_MIN 2

static struct round_probe *probes_of(struct prober *p, uint32_t index)
{
    return &p->probes[(size_t)(index % p->nring) * (size_t)p->width];
}

int prober_grow_init(struct prober *p)
{
    p->space = SPACE_MIN;
    p->nring = p->nring_max < RING_MIN ? p->nring_max : RING_MIN;
    p->slots = calloc((size_t)p->space, sizeof(*p->slots));
    p->fifo = calloc((size_t)p->space, sizeof(*p->fifo));
    p->ring = calloc(p->nring, sizeof(*p->ring));
    p->probes = calloc((size_t)p->nring * (size_t)p->width, sizeof(*p->probes));
    return p->slots && p->fifo && p->ring && p->probes ? 0 : -ENOMEM;
}

void prober_grow_free(struct prober *p)
{
    free(p->slots);
    free(p->fifo);
    free(p->ring);
    free(p->probes);
}

bool prober_grow_slots(struct prober *p)
{
    int space = p->space * 2;
    struct inflight *slots;
    struct fifo_entry *fifo;

    if (p->space >= PROBE_SEQ_SPACE)
        return false;
    slots = calloc((size_t)space, sizeof(*slots));
    fifo = malloc((size_t)space * sizeof(*fifo));
    if (!slots || !fifo) {
        free(slots);
        free(fifo);
        return false;
    }
    for (int s = 0; s < p->space; s++)
        if (p->slots[s].active)
            slots[p->slots[s].seq & (space - 1)] = p->slots[s];
    for (int i = 0; i < p->fifo_len; i++)
        fifo[i] = p->fifo[(p->fifo_head + i) & (p->space - 1)];
    free(p->slots);
    free(p->fifo);
    p->slots = slots;
    p->fifo = fifo;
    p->fifo_head = 0;
    p->space = space;
    return true;
}

bool prober_grow_ring(struct prober *p)
{
    uint32_t n = p->nring * 2 < p->nring_max ? p->nring * 2 : p->nring_max, old = p->nring;
    struct ring_round *ring, *was = p->ring;
    struct round_probe *probes, *had = p->probes;

    if (n <= old)
        return false;
    ring = calloc(n, sizeof(*ring));
    probes = calloc((size_t)n * (size_t)p->width, sizeof(*probes));
    if (!ring || !probes) {
        free(ring);
        free(probes);
        return false;
    }
    p->ring = ring;
    p->probes = probes;
    p->nring = n;
    for (uint32_t i = p->report_ring; i != p->next_ring; i++) {
        struct ring_round *rr = &ring[i % n];
        *rr = was[i % old];
        rr->r.probe = probes_of(p, i);
        memcpy(rr->r.probe, &had[(size_t)(i % old) * (size_t)p->width],
               (size_t)p->width * sizeof(*probes));
    }
    free(was);
    free(had);
    return true;
}
