/*
 * session.h - what one run of hopwatch is: options, target, the prober and its hop table, and
 * the run facts the outputs print. Shared by main.c and the front ends (ui/, report).
 */
#ifndef HOPWATCH_SESSION_H
#define HOPWATCH_SESSION_H

#include "asndb.h"
#include "hops.h"
#include "names.h"
#include "options.h"
#include "prober.h"
#include "report.h"

struct session {
    struct options opt;
    struct hops *hops;
    struct prober prober;
    struct run_info run;
    struct event_log *events;
    struct asndb *db;
    struct resolver *names; /* NULL when no lookups at all */
};

/* Writes the chosen output (text / JSON / CSV) of the current mode to out. */
int session_print_report(struct session *s, enum output_format fmt, FILE *out);

#endif
