/*
 * report.h - the end-of-run outputs: mtr-like text (--report), JSON schema 1 (--json), CSV.
 * Pure formatting over a target view (statistics and the published diagnosis, target.h); the
 * caller owns the FILE.
 */
#ifndef HOPWATCH_REPORT_H
#define HOPWATCH_REPORT_H

#include "path/events.h"
#include "names/resolver.h"
#include "path/target.h"

#include <stdio.h>
#include <time.h>

struct run_info {
    const char *target_name;
    char target_addr[64];
    const char *mode_name;
    int initial_mode;               /* the mode chosen at start, which mode_reason explains */
    char mode_reason[384];          /* why this mode; empty when it was asked for and opened */
    struct timespec started, ended; /* CLOCK_REALTIME */
    uint64_t now_us;        /* CLOCK_MONOTONIC when the run ended, for the loss windows; 0: now */
    const char *end_reason; /* "completed", "interrupted", "terminated", "write failed" */
    const char *write_failure; /* with "write failed": which write, why and when; else NULL */
    const char *order;         /* text report columns (-o letters); NULL: mtr's default */
    const char *command_line;  /* as typed (shell-quoted where needed); NULL: not known */
    const struct baseline_cmp *baseline; /* --baseline: the comparison; NULL none */
    int part; /* the target's place in a report of several (CSV: header at 0) */
    char local_host[256];
    struct probe_counters counters;
    uint64_t unmatched;
    const struct event *events; /* oldest first */
    int nevents;
    const struct target_view *by_mode; /* --modes: every mode of the rotation */
    int nby_mode;
    const struct target_view *flows; /* --flows: each flow of the mode reported */
    int nflows;
    struct resolver *names;        /* NULL: no names or AS numbers */
    bool show_names;               /* host names in the text report (not with -n) */
    struct names_stats dns;        /* DNS queries sent and how they ended */
    const char *stun_server;       /* --stun, as given (NULL: not asked) */
    struct probe_addr public_addr; /* what STUN said this host is (family 0: nothing) */
    char stun_error[300];          /* why it said nothing */
};

/* "mpls": an MPLS label stack as a JSON array (the reports and the stream). */
struct jsonw;
void report_json_mpls(struct jsonw *w, const struct probe_mpls *m, int n);
/* "packets": the packet counters of the run (the reports and the stream's end line). */
void report_json_packets(struct jsonw *w, const struct run_info *run);

/* What the resolver knows of a (zeroed when nothing, or a is NULL). */
struct name_info report_names_of(const struct run_info *run, const struct probe_addr *a);

void report_text(FILE *out, const struct run_info *run, const struct target_view *v);
void report_json(FILE *out, const struct run_info *run, const struct target_view *v);
void report_csv(FILE *out, const struct run_info *run, const struct target_view *v);

#endif
