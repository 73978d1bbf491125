/*
 * app.h - one live run of hopwatch: the targets it watches (a fleet of sessions), what they
 * share (the options, the name resolver and databases, this host's public address, the
 * metrics exporter), and the run's life: open every target while privileged, start, reread
 * --targets on SIGHUP, stop, finalize and report. main.c drives it; the TUI is handed the fleet.
 */
#ifndef HOPWATCH_APP_H
#define HOPWATCH_APP_H

#include "fleet/fleet.h"
#include "metrics/metrics.h"
#include "fleet/session.h"

#include <pthread.h>

/* Up to this many targets, the live view opens every mode a key may switch to. */
#define APP_OTHERS_MAX 8

struct stream_out;

struct app {
    struct options opt;
    char local_host[256];
    struct fleet *fleet;
    struct asndb *db;
    struct resolver *names;
    struct probe_addr public_addr; /* --stun's answer (family 0: none) */
    char stun_error[300];
    struct metrics *metrics;      /* --metrics, NULL without */
    struct stream_out *stream;    /* --ndjson / --record, NULL without */
    struct hooks *hooks;          /* --on-event, NULL without */
    pthread_mutex_t adding;       /* targets added: SIGHUP (main thread), /probe (exporter's) */
    int nprobed;                  /* targets /probe added and still watched (under adding) */
    struct probe_share *share[2]; /* icmp-raw's sockets, IPv4 and IPv6, shared by the targets */
    size_t history_budget;        /* each target's (history_budget of the --targets list's size) */
    /* The first write that failed (--record, --ndjson, --log-events): its errno (0 none) and
     * the message, which is also every target's end reason. */
    int write_err;
    char write_failure[320];
};

/* Resolves and opens every target of the command line and --targets (while privileged; the
 * caller drops privileges next). 0 or an exit status, the reason printed. */
int app_open(struct app *a);
/* Names, consumers, the exporter, the fleet thread. 0 or an exit status. */
int app_start(struct app *a);
/* SIGHUP: rereads --web.config.file and --targets; targets that stay keep their statistics and
 * counters. Says what changed on standard error. */
void app_reload(struct app *a);
/* The main thread's turn between redraws or sleeps: work handed to it (a TLS restart asked for
 * by POST /-/reload). */
void app_tick(struct app *a);
/* Stops probing, finalizes every target's diagnosis and stamps the end (`sig`: the signal that
 * ended the run, 0 none). */
void app_stop(struct app *a, int sig);
/* The report of every target (-r/-j/-C, or --report-on-exit); on standard error when the
 * stream or the event log took standard output (--ndjson -, --log-events -). */
void app_report(struct app *a, enum output_format fmt);
/* --html: the HTML report of every target into its file. 0, or 5 with the reason printed. */
int app_html(struct app *a);
/* Has a write failed (see write_err)? Takes the first failure of any target's outputs into
 * a->write_err / a->write_failure. Main thread. */
int app_write_failure(struct app *a);
/* The reader of --ndjson - went away (a closed pipe). */
bool app_reader_gone(struct app *a);
/* A write that failed since the last look becomes a write-failure event of every target. */
void app_check_writes(struct app *a);
void app_free(struct app *a);

#endif
