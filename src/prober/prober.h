/*
 * prober.h - the prober: sends every TTL of a round, matches replies, times out probes, and
 * hands what happened to the consumers its caller registered (round.h). It knows nothing of
 * hop tables, events or diagnoses.
 *
 * Lifecycle (main thread): prober_new -> prober_open_* (while still privileged) -> drop
 * privileges -> prober_add_consumer -> the fleet's thread steps it (fleet.h) -> after that
 * thread ends, prober_flush -> prober_free. Control calls (request_mode, pause, set_interval)
 * may come from any thread; a mode change takes effect at the next round edge, the others at
 * once. prober_status may be called from any thread at any time.
 *
 * The probe operations and the clocks come from the caller (struct prober_env): the real
 * sockets in hopwatch, a scripted fake mode and a hand-turned clock in tests, which then drive
 * the loop themselves with prober_step instead of a thread.
 */
#ifndef HOPWATCH_PROBER_H
#define HOPWATCH_PROBER_H

#include "probe.h"
#include "round.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PROBER_MAX_CONSUMERS 8
/* Later rounds spread their probes over min(interval / 2, this), so that no probe queues
 * behind its siblings (which biases RTT and jitter); the first round of a mode is a burst,
 * so the whole path is known about one round-trip after start. */
#define PROBER_SPREAD_MAX_US 100000
/* A step sends with the probes due now those due within this (the fleet thread's tick), in
 * one system call: a busy thread would not wake for them sooner anyway. */
#define PROBER_BATCH_US 5000

struct prober_config {
    struct probe_config probe;
    int first_ttl, max_ttl;
    uint64_t interval_us; /* between round starts */
    uint64_t timeout_us;  /* per probe */
    uint32_t rounds;      /* 0: until stopped; with a rotation, per mode */
};

struct prober_env {
    /* Per mode, the operations to open (NULL: the mode's real ones, probe_ops_for). */
    const struct probe_ops *ops[PROBE_MODE_COUNT];
    uint64_t (*now_us)(void);            /* monotonic microseconds; NULL: probe_now_us */
    void (*wall)(struct timespec *when); /* CLOCK_REALTIME; NULL: clock_gettime */
    bool no_poll;                        /* tests: prober_step only, no wake-up pipe */
};

/* What the prober is doing, for the header, the reports and the keys. */
struct prober_status {
    int mode;           /* probing now (-1 before the first open) */
    int requested_mode; /* the next round's, when switched from outside */
    bool paused;
    uint64_t interval_us;
    struct round_path path[PROBE_MODE_COUNT]; /* per mode: rounds sent, where the path ends */
    bool opened[PROBE_MODE_COUNT];
    char why_not[PROBE_MODE_COUNT][128];  /* why a mode could not open */
    const char *method[PROBE_MODE_COUNT]; /* how an open mode probes, in words (may be NULL) */
    int rotation[PROBE_MODE_COUNT];       /* --modes: rounds take these in turn */
    int nrotation;
    bool privileged;                 /* icmp-raw could open */
    int first_mtu[PROBE_MODE_COUNT]; /* --pmtu: where each open mode's search started */
};

struct prober;

/* NULL on allocation failure. env may be NULL (the real sockets and clocks). */
struct prober *prober_new(const struct prober_config *cfg, const struct prober_env *env);
void prober_free(struct prober *p); /* closes every socket; call after the last step */
/* Closes every socket of a prober no thread steps any more (a target taken out); its status
 * stays readable. */
void prober_close(struct prober *p);

/* Opens one mode; on failure prober_status says why. 0 or -errno. */
int prober_open_mode(struct prober *p, enum probe_mode mode);
/* Opens what `request` asks for (a mode, PROBE_AUTO or PROBE_ICMP_ANY), trying in order, and
 * makes the first that opens current. Returns the mode or -errno of the last failure. */
int prober_open_request(struct prober *p, enum probe_mode request);
/* Also opens the modes a user may switch to later (best effort, before dropping privilege). */
void prober_open_others(struct prober *p);
/* --modes: rounds take these (open) modes in turn, each keeping its own statistics. 0, or
 * -EINVAL when fewer than two or one is not open. */
int prober_set_rotation(struct prober *p, const int *modes, int n);

/* Before the prober is first stepped. The consumer's calls come from the prober thread. 0 or
 * -ENOSPC. */
int prober_add_consumer(struct prober *p, const struct round_consumer *c);

/* After the last step: hands on the rounds still incomplete (an interrupted run), as they are
 * and marked partial, so a consumer that writes a recording sees every probe the statistics saw. */
void prober_flush(struct prober *p);
/* Switch modes at the next round edge. -ENOTSUP if that mode is not open. */
int prober_request_mode(struct prober *p, enum probe_mode mode);
void prober_pause(struct prober *p, bool paused);
/* Changes the interval between rounds from the next round on. */
void prober_set_interval(struct prober *p, uint64_t interval_us);

void prober_status(const struct prober *p, struct prober_status *st);
/* Sum of the probe counters of every open mode, and replies that matched no probe in flight
 * (late, duplicate). Call after the last step. */
struct probe_counters prober_counters(const struct prober *p, uint64_t *unmatched);

/* One pass of the prober's loop at the env's clock: sends the round that is due, reads what
 * the sockets hold, expires probes. Returns when it next needs to run (monotonic us), or 0
 * when every round is done and nothing is in flight. The thread runs it between polls; tests
 * call it directly. */
uint64_t prober_step(struct prober *p);

/* For the thread that steps the probers (fleet.h): its own pointer, kept for it (NULL until
 * set), and how long after its first step the first round waits (spreading many targets'
 * rounds over the interval). Before the first step. */
void prober_set_tag(struct prober *p, void *tag);
void *prober_tag(const struct prober *p);
void prober_set_phase(struct prober *p, uint64_t phase_us);
/* The prober whose socket ps is (a shared socket's owner, share.h). */
struct prober *prober_of_sock(const struct probe_sock *ps);

/* For the thread that steps the probers (fleet.h): the descriptors to poll (the wake-up pipe
 * first; at most PROBER_MAX_POLLFDS), and what poll found in them (the same array, after
 * poll). Returns how many it filled, at most max. */
#define PROBER_MAX_POLLFDS 1100
struct pollfd;
int prober_pollfds(struct prober *p, struct pollfd *fds, int max);
void prober_polled(struct prober *p, const struct pollfd *fds);

#endif
