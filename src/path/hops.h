/*
 * hops.h - the hop statistics table of one target (each target owns one, or one a flow), shared
 * between the prober thread that writes it and the readers on other threads.
 *
 * Keyed by (probe mode, TTL). The prober thread records sends, replies, losses; the UI and the
 * report writers read copies through hops_snapshot(). The table is opaque; every function takes
 * its one mutex itself, and nothing allocates or does I/O while holding it. A mode's hops are
 * allocated with its first probe; a mode never probed reads as zeros.
 *
 * Invariant per hop: sent == received + lost + inflight. Loss % counts completed probes only
 * (received + lost), so probes still in flight never show as loss.
 */
#ifndef HOPWATCH_HOPS_H
#define HOPWATCH_HOPS_H

#include "diagnose.h"
#include "probe.h"

#include <stdbool.h>
#include <stdint.h>

#define HOPS_MAX_TTL 255
#define HOPS_RING 256
#define HOPS_MAX_RESPONDERS 8
/* Windowed loss: per-second counts for the newest HOPS_SECS seconds, ten-second counts for
 * the last HOPS_WINDOW_SECS (616 bytes a hop, where one count a second for ten minutes took
 * 4,800). A window of up to HOPS_SECS seconds is exact; a longer one counts whole ten-second
 * buckets: the current one and the secs / 10 before it (L1m: the last 60-69 s). */
#define HOPS_WINDOW_SECS 600
#define HOPS_SECS 16
#define HOPS_TENS (HOPS_WINDOW_SECS / 10 + 1)

/* One completed probe, for the timeline and the baseline's median, in 4 bytes (a hop keeps
 * HOPS_RING of them): its round number's low 16 bits, and its RTT log-coded in steps of
 * 0.034% (hop_sample_rtt_us decodes it). */
struct hop_sample {
    uint16_t round;
    uint16_t rtt; /* 0: lost; else 1 + log2(1 + RTT in us) * 2048, rounded */
};

/* Completed and lost probes sent during one second (or ten) of CLOCK_MONOTONIC. */
struct loss_bucket {
    uint32_t at; /* the second, or the second / 10 */
    uint16_t done, lost;
};

/* Running RTT statistics (Welford, doubles, microseconds). */
struct rtt_stats {
    uint64_t n;
    uint32_t last_us, best_us, worst_us;
    double mean_us, m2_us;
};

/* One of the addresses that answered for a hop (80 bytes: a hop keeps room for 8). */
struct hop_responder {
    struct probe_addr addr;
    bool is_dest;
    uint8_t nmpls;     /* the MPLS label stack of its last reply (RFC 4950), outermost first */
    int16_t reply_ttl; /* TTL of its last reply as received, -1 unknown */
    uint64_t received; /* its replies, each with an RTT in rtt */
    struct {
        uint32_t best_us, worst_us;
        double mean_us;
    } rtt;
    struct probe_mpls mpls[PROBE_MPLS_MAX];
};

/* One answered probe, as the hop table takes it. */
struct hop_reply {
    struct probe_addr from;
    uint32_t rtt_us;
    uint64_t sent_us; /* CLOCK_MONOTONIC */
    uint32_t round;
    int reply_ttl;
    bool is_dest;
    int unreach; /* enum probe_unreach of an unreachable, else PROBE_UNREACH_NONE */
    uint8_t nmpls;
    struct probe_mpls mpls[PROBE_MPLS_MAX];
};

struct hop_stats {
    int ttl;
    uint64_t sent, received, lost, inflight;
    uint64_t unreach;     /* replies that were Destination Unreachable from a hop */
    uint8_t unreach_code; /* enum probe_unreach of the latest of them */
    struct rtt_stats rtt;
    /* Jitter over consecutive answered probes in arrival order: RFC 3550 interarrival jitter
     * (J += (|D| - J) / 16, true scale) and mtr's |RTTn - RTTn-1| last / mean / max. */
    double jitter_us;
    uint32_t jttr_us, jmax_us;
    double javg_us;
    uint64_t njitter;
    bool have_prev;
    uint32_t prev_rtt_us;
    int nresponders;
    struct hop_responder responders[HOPS_MAX_RESPONDERS];
    uint64_t other_responders; /* replies from responders beyond HOPS_MAX_RESPONDERS */
    int nsamples;              /* valid entries in ring, newest at (ring_head - 1) */
    int ring_head;
    /* HOPS_RING samples, kept apart from the row (the table's, or a snapshot's own copy);
     * NULL where none are kept: a table told hops_no_samples, a hops_get copy */
    struct hop_sample *ring;
    struct loss_bucket secs[HOPS_SECS]; /* indexed by second % HOPS_SECS */
    struct loss_bucket tens[HOPS_TENS]; /* indexed by (second / 10) % HOPS_TENS */
};

struct hops_snapshot {
    int mode;
    int first_ttl;
    int nhops;    /* hops first_ttl..nhops are shown: the destination's TTL, or the last answer */
    int dest_ttl; /* as the caller gave it: 0 until the target answered */
    int cap;
    struct hop_stats *hops;     /* hops[ttl - 1] */
    struct hop_sample *samples; /* samples_cap * HOPS_RING: the hops' rings (NULL: none yet) */
    int samples_cap;            /* made only for a table that keeps samples */
};

struct hops;

/* A table for TTLs 1..max_ttl. NULL on allocation failure. */
struct hops *hops_new(int first_ttl, int max_ttl);
/* Before the first probe: keep no samples (1 KB a hop): nothing will draw a timeline or take
 * a median from this table (a headless run, a report without --baseline). */
void hops_no_samples(struct hops *h);
void hops_free(struct hops *h);

void hops_record_sent(struct hops *h, int mode, int ttl);
/* unreach: the enum probe_unreach of a Destination Unreachable from a hop, else NONE.
 * Returns true when `from` is new at a hop that already had a responder (a possible path
 * change); *first then gets the hop's first responder. first may be NULL. */
bool hops_record_reply(struct hops *h, int mode, int ttl, const struct hop_reply *rep,
                       struct probe_addr *first);
void hops_record_loss(struct hops *h, int mode, int ttl, uint64_t sent_us, uint32_t round);
/* A probe that will not be judged (sent past the destination): undoes hops_record_sent. */
void hops_record_cancel(struct hops *h, int mode, int ttl);
/* Zeroes every statistic of every mode; probes in flight stay in flight. */
void hops_reset(struct hops *h);

/* Copies mode's hops into snap (allocating snap->hops as needed, outside the lock): TTLs up
 * to dest_ttl (the prober's knowledge of the path's end; 0: up to the last hop that answered).
 * 0 or -ENOMEM. Free with hops_snapshot_free. */
int hops_snapshot(struct hops *h, int mode, int dest_ttl, struct hops_snapshot *snap);
/* The counts of the hops a snapshot with this dest_ttl would show (at most max), cheaply, for
 * a diagnosis. Returns how many it wrote: out[i] is TTL first_ttl + i. */
int hops_counts(struct hops *h, int mode, int dest_ttl, struct diag_input *out, int max);
void hops_snapshot_free(struct hops_snapshot *snap);
/* How many responders were ever added (a reset does not take it back): the resolver reads a
 * table's addresses again only when this moved. */
uint32_t hops_responders_added(struct hops *h);
/* The address of every responder of every mode, at most max, into out, cheaply; returns how
 * many (HOPS_MAX_RESPONDERS_ALL at most). */
#define HOPS_MAX_RESPONDERS_ALL (PROBE_MODE_COUNT * HOPS_MAX_TTL * HOPS_MAX_RESPONDERS)
int hops_responders(struct hops *h, struct probe_addr *out, int max);
/* Copies one hop of mode, without its samples (ring NULL); false when (mode, ttl) is outside
 * the table. */
bool hops_get(struct hops *h, int mode, int ttl, struct hop_stats *out);

/* A sample's RTT in microseconds (-1: lost), and how many rounds before round `newest` it was
 * sent (modulo 2^16: a sample of a later round is 65,535 or so old). */
double hop_sample_rtt_us(const struct hop_sample *smp);
uint32_t hop_sample_age(const struct hop_sample *smp, uint32_t newest);

/* Derived figures (pure, on a copy). */
double hop_loss_pct(const struct hop_stats *s);  /* 0 when nothing completed */
double rtt_stddev_us(const struct rtt_stats *r); /* sample std-dev (n - 1) */
/* Loss over probes sent in the last `secs` seconds (up to HOPS_WINDOW_SECS; past HOPS_SECS in
 * whole ten-second buckets, see above) before now_us (CLOCK_MONOTONIC): completed and lost. */
void hop_window(const struct hop_stats *s, uint64_t now_us, int secs, uint64_t *done,
                uint64_t *lost);
/* The responder with the most replies, or NULL. */
const struct hop_responder *hop_main_responder(const struct hop_stats *s);
/* Hops on the way back from a responder, from the TTL of its reply as received: the sender's
 * initial TTL guessed as the next of 64, 128, 255 at or above it (tracepath's guess); -1 when
 * the TTL is unknown. */
int hop_return_hops(int reply_ttl);
/* The way back from the hop's main responder is longer than the way there (its TTL):
 * tracepath's "asymm". */
bool hop_asymmetric(const struct hop_stats *s);

#endif
