/*
 * baseline.h - a run compared with a good day (--baseline REC): per hop, the change in loss
 * with a test of whether it is real, the change in RTT (best and median), responders new or
 * missing, and whether the path differs; and the hop from which a rise in loss carries on to
 * the destination, which is where it starts.
 *
 * The loss test is Fisher's exact test (two-sided) on lost and answered probes of the two runs;
 * a change is called when p < BASELINE_ALPHA. A rise that the destination does not share (one-
 * sided, p < BASELINE_CONFIRM) is a router answering less (its ICMP), not forwarding loss; the
 * loss after the hop where the rise starts is carried from it unless a later hop is clearly
 * below it. Pure functions over two summaries; the summary of a recording is
 * made by replaying it (replay/baseline_load.c).
 */
#ifndef HOPWATCH_BASELINE_H
#define HOPWATCH_BASELINE_H

#include "path/target.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define BASELINE_MAX_HOPS 64
#define BASELINE_ALPHA 0.001  /* a hop's change is called below this p */
#define BASELINE_CONFIRM 0.05 /* a rise called upstream is confirmed at the destination below */

/* One hop of a run as the comparison reads it. */
struct baseline_hop {
    int ttl;
    uint64_t done, lost;       /* completed probes, and of them lost */
    double best_us, median_us; /* < 0: none answered; the median of the last HOPS_RING */
    int nresp;
    struct probe_addr resp[HOPS_MAX_RESPONDERS]; /* resp[0]: the main responder */
};

/* A run's summary: its hops first_ttl..first_ttl + nhops - 1. */
struct baseline_run {
    char target_addr[64];
    int mode;
    struct timespec started, ended;
    int dest_ttl; /* 0: the end not reached */
    int nhops;
    struct baseline_hop hop[BASELINE_MAX_HOPS];
};

enum baseline_change { BASELINE_SAME, BASELINE_ROSE, BASELINE_FELL, BASELINE_NO_DATA };

struct baseline_row {
    int ttl;
    enum baseline_change change;
    bool carried;                  /* rose after the hop where the rise starts */
    bool icmp_only;                /* rose, but the destination did not: the router answers less */
    double p;                      /* Fisher's exact, two-sided */
    double loss0, loss1;           /* percent, baseline then now */
    uint64_t n0, n1;               /* completed probes */
    double d_best_us, d_median_us; /* now minus baseline; NAN when either has none */
    bool main_changed;             /* the main responder is another */
    int nnew, nmissing;
    struct probe_addr added[HOPS_MAX_RESPONDERS], missing[HOPS_MAX_RESPONDERS];
};

struct baseline_cmp {
    char path[256]; /* the baseline recording */
    struct timespec started, ended;
    bool mode_differs;
    int mode0, mode1;
    int dest_ttl0, dest_ttl1;
    bool path_differs; /* another main responder somewhere, or another length */
    int rise_ttl;      /* where a rise in loss that reaches the destination starts, 0 none */
    int nrows;
    struct baseline_row row[BASELINE_MAX_HOPS];
};

/* A run's summary from a view of it. */
void baseline_summary(const struct target_view *v, struct baseline_run *out);
/* The comparison of now with base; path names the baseline in what it says. */
void baseline_compare(const struct baseline_run *base, const struct baseline_run *now,
                      const char *path, struct baseline_cmp *out);
/* Fisher's exact test, two-sided: a lost of n0 against b lost of n1. */
double baseline_fisher(uint64_t a, uint64_t n0, uint64_t b, uint64_t n1);

/* A hop's comparison in words, as every report prints it. */
struct baseline_words {
    const char *change;        /* "same", "rose here", "rose (carried)", "rose (ICMP only)", ... */
    const char *key;           /* JSON's loss_change: "same", "rose", "fell", "no_data" */
    char p[32];                /* "p < 0.001", "p = 0.420" */
    char best[24], median[24]; /* "+1.2 ms", "-" */
    char responders[300];      /* "new 203.0.113.7; gone 198.18.1.2", "" */
};
void baseline_words(const struct baseline_row *r, struct baseline_words *w);
/* The comparison said: a line for the summary ("loss rose from hop 3 on ..."), the baseline's
 * time span, the text and JSON reports' sections (the HTML's is report_html.c's), a hop's line
 * for the hop detail. */
void baseline_headline(const struct baseline_cmp *c, char *buf, size_t len);
void baseline_span(const struct baseline_cmp *c, char *buf, size_t len);
void baseline_text(FILE *out, const struct baseline_cmp *c);
struct jsonw;
void baseline_json(struct jsonw *w, const struct baseline_cmp *c);
void baseline_hop_line(const struct baseline_row *r, char *buf, size_t len);
const struct baseline_row *baseline_row_of(const struct baseline_cmp *c, int ttl);

#endif
