/*
 * prober.h - the prober thread: sends every TTL of a round back to back, matches replies,
 * times out probes, and records everything in the hop table.
 *
 * Lifecycle (main thread): prober_init -> prober_open_* (while still privileged) -> drop
 * privileges -> prober_start -> ... -> prober_stop / prober_join -> prober_close.
 * Control calls (request_mode, pause, stop) may come from any thread; they take effect at the
 * next round edge (mode) or at once (pause, stop).
 */
#ifndef HOPWATCH_PROBER_H
#define HOPWATCH_PROBER_H

#include "diagnose.h"
#include "events.h"
#include "hops.h"
#include "probe.h"
#include "watch.h"

#include <pthread.h>
#include <stdatomic.h>

struct prober_config {
    struct probe_config probe;
    int first_ttl, max_ttl;
    uint64_t interval_us; /* between round starts */
    uint64_t timeout_us;  /* per probe */
    uint32_t rounds;      /* 0: until stopped; with a rotation, per mode */
    /* --modes: rounds take these modes in turn (nrotation > 1), each keeping its own
     * statistics; otherwise the current mode probes every round. */
    int rotation[PROBE_MODE_COUNT];
    int nrotation;
};

struct inflight {
    bool active;
    int8_t mode;
    uint8_t ttl;
    uint16_t rec; /* its round's record */
    uint32_t round;
    uint64_t sent_us;
};

#define PROBER_ROUND_RECS 1024

/* What became of each probe of one round, until all are answered, lost or cancelled. */
struct round_rec {
    int pending;
    bool complete;
    uint32_t round;
    struct watch_round r;
};

struct prober {
    struct prober_config cfg;
    struct hops *hops;
    struct probe_sock socks[PROBE_MODE_COUNT];
    bool opened[PROBE_MODE_COUNT];
    char why_not[PROBE_MODE_COUNT][128]; /* why a mode could not be opened */
    atomic_int mode;                     /* the mode probing now */
    atomic_int requested_mode;           /* applied at the next round edge */
    atomic_bool stop, paused;
    atomic_uint_fast64_t interval_us; /* may change while running (TUI + / -) */
    int wake[2];                      /* self-pipe: stop and control requests interrupt poll() */
    pthread_t thread;
    bool started;
    /* Prober-thread private state. */
    struct inflight slots[PROBE_SEQ_SPACE];
    uint16_t fifo[PROBE_SEQ_SPACE]; /* seqs in send order: deadlines are monotonic */
    int fifo_head, fifo_len;
    int ninflight;
    uint16_t next_seq;
    uint32_t rounds[PROBE_MODE_COUNT];
    int dest_ttl[PROBE_MODE_COUNT];
    uint64_t unmatched; /* replies for no probe in flight (late, duplicate) */
    int last_send_errno;
    uint32_t rotation_next; /* index into cfg.rotation of the next round's mode */
    /* Events (NULL: none): set before prober_start. */
    struct event_log *events;
    struct watch watch;
    struct round_rec recs[PROBER_ROUND_RECS];
    uint32_t next_rec;
    uint32_t report_rec;       /* rounds reach the burst detector in send order */
    struct hops_snapshot snap; /* for the periodic diagnosis */
    struct diag_input diag_in[DIAG_MAX_HOPS];
    struct path_diag diag;
};

/* 0 or -errno (pipe). */
int prober_init(struct prober *p, const struct prober_config *cfg, struct hops *hops);
/* Opens one mode; on failure p->why_not[mode] says why. 0 or -errno. */
int prober_open_mode(struct prober *p, enum probe_mode mode);
/* Opens what `request` asks for (a mode, PROBE_AUTO or PROBE_ICMP_ANY), trying in order, and
 * makes the first that opens current. Returns the mode or -errno of the last failure. */
int prober_open_request(struct prober *p, enum probe_mode request);
/* Also opens the modes a user may switch to later (best effort, before dropping privilege). */
void prober_open_others(struct prober *p);
int prober_start(struct prober *p);
/* Switch modes at the next round edge. -ENOTSUP (with p->why_not) if that mode is not open. */
int prober_request_mode(struct prober *p, enum probe_mode mode);
void prober_pause(struct prober *p, bool paused);
/* Changes the interval between rounds from the next round on. */
void prober_set_interval(struct prober *p, uint64_t interval_us);
void prober_stop(struct prober *p); /* async-signal-safe */
void prober_join(struct prober *p);
void prober_close(struct prober *p);
/* Sum of the probe counters of every open mode (call after prober_join). */
struct probe_counters prober_counters(const struct prober *p);

#endif
