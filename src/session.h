/*
 * session.h - what one run of hopwatch is: options, the target, the prober that probes it,
 * names, and the run facts the outputs print. Wired by main.c; shared with the front ends
 * (ui/, the reports).
 */
#ifndef HOPWATCH_SESSION_H
#define HOPWATCH_SESSION_H

#include "asndb.h"
#include "names.h"
#include "options.h"
#include "prober.h"
#include "player.h"
#include "replay.h"
#include "report.h"
#include "target.h"

struct session {
    struct options opt;
    struct target *target;
    struct prober *prober;
    struct run_info run;
    struct asndb *db;
    struct resolver *names; /* NULL when no lookups at all */
    struct stream *stream;  /* --ndjson / --record, NULL without */
    struct replay *replay;  /* --replay: the recording played instead of a prober */
    struct player *player;  /* --replay in the live view: playing it at its pace */
};

/* What is probing: the prober's status, or a replay's as of the point played to. */
void session_status(struct session *s, struct prober_status *st);

/* Writes the chosen output (text / JSON / CSV) of the current mode to out. */
int session_print_report(struct session *s, enum output_format fmt, FILE *out);

#endif
