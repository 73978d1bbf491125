/*
 * prober_internal.h - the prober's state, shared by its two files: prober.c (the loop: rounds,
 * matching, expiry; the prober thread) and prober_ctl.c (opening modes, control, status; any
 * thread). Nothing outside src/prober*.c includes it.
 */
#ifndef HOPWATCH_PROBER_INTERNAL_H
#define HOPWATCH_PROBER_INTERNAL_H

#include "pmtu.h"
#include "prober.h"

#include <pthread.h>
#include <stdatomic.h>

#define MIN_KEY_INTERVAL_US 50000 /* the shortest interval the keys can set */

struct inflight {
    bool active;
    int8_t mode;
    uint8_t ttl;
    uint16_t seq;     /* the whole sequence number its probe carried (slot = seq % space) */
    uint32_t ring_at; /* its round's place in the ring: an index that only grows (ring[ring_at %
                         nring]) */
    uint64_t sent_us; /* the prober's clock */
};

/* A probe in send order. An entry whose slot has since been reused by a newer probe (same
 * seq, other send time) is stale and only waits its turn to leave. */
struct fifo_entry {
    uint16_t seq;
    uint64_t sent_us;
};

/* One round while it is in the ring. */
struct ring_round {
    int pending;    /* probes in flight, plus one while the round is being sent */
    struct round r; /* r.probe points into the prober's probe store */
};

struct prober {
    struct prober_config cfg;
    struct prober_env env;
    struct probe_sock socks[PROBE_MODE_COUNT];
    bool opened[PROBE_MODE_COUNT];
    char why_not[PROBE_MODE_COUNT][128];
    int rotation[PROBE_MODE_COUNT], nrotation; /* fixed before start */
    struct round_consumer consumers[PROBER_MAX_CONSUMERS];
    int nconsumers;
    /* Control and status: any thread. */
    atomic_int mode, requested_mode;
    atomic_bool paused;
    atomic_uint_fast64_t interval_us;
    atomic_uint rounds[PROBE_MODE_COUNT];
    atomic_int dest_ttl[PROBE_MODE_COUNT];
    atomic_bool end_unreach[PROBE_MODE_COUNT];
    int wake[2]; /* self-pipe: control requests interrupt poll() */
    /* Prober thread only. */
    /* Both sized for what is in flight (prober_grow.c): `space` slots, a power of two up to
     * PROBE_SEQ_SPACE; seq's slot is seq % space. */
    struct inflight *slots;
    struct fifo_entry *fifo; /* probes in send order: deadlines are monotonic */
    int space, fifo_head, fifo_len;
    int ninflight;
    uint16_t next_seq;
    uint64_t unmatched;
    uint32_t rotation_next; /* index into rotation of the next round's mode */
    int last_mode;          /* the mode of the last round sent, -1 none */
    bool any_round;
    uint64_t last_start; /* when the last round started */
    void *tag;           /* the stepping thread's (prober_set_tag) */
    uint64_t phase_us;   /* the first round waits this long after the first step */
    uint64_t first_at;   /* ... and so is due then (0: not stepped yet) */
    /* The round being spread over its window: its ring index, next TTL, and when it started. */
    bool spreading;
    uint32_t spread_ring;
    int spread_ttl;
    uint64_t spread_start, spread_step_us;
    bool ready[PROBE_MODE_COUNT];       /* poll saw the mode's sockets readable: drain them */
    int first_fd[PROBE_MODE_COUNT + 1]; /* where each mode's descriptors start in a poll set */
    struct pmtu pmtu[PROBE_MODE_COUNT]; /* --pmtu: each mode's search */
    int pmtu_extra[PROBE_MODE_COUNT];   /* sizing rounds a report added after its last round */
    struct ring_round *ring;            /* nring rounds in flight, send order */
    struct round_probe *probes;         /* nring * width: each ring round's probes */
    uint32_t nring, nring_max, next_ring, report_ring;
    uint32_t settles; /* probes settled so far: round_probe.settled */
    int width;        /* probes per ring round: max_ttl - first_ttl + 1 */
};

/* prober_grow.c: the slots and the ring start small and double while more is in flight, up
 * to PROBE_SEQ_SPACE slots and nring_max rounds. Init: 0 or -ENOMEM; grow: false at the
 * limit or out of memory (the caller then takes back the oldest). */
int prober_grow_init(struct prober *p);
void prober_grow_free(struct prober *p);
bool prober_grow_slots(struct prober *p);
bool prober_grow_ring(struct prober *p);

#endif
