/*
 * options.h - command-line options: one table describes every option (name, letter, argument,
 * help, what it stores); --help is generated from it. Numbers are range-checked.
 */
#ifndef HOPWATCH_OPTIONS_H
#define HOPWATCH_OPTIONS_H

#include "report/columns.h"
#include "probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum output_format { OUTPUT_TUI, OUTPUT_REPORT, OUTPUT_JSON, OUTPUT_CSV };

#define OPTIONS_TARGETS_MAX 1024 /* targets in one process (command line and --targets) */

struct options {
    const char *target;   /* the first (or only) target */
    char *const *targets; /* every target on the command line, in order (argv's strings) */
    int ntargets;
    const char *targets_file; /* --targets FILE: one host a line; SIGHUP rereads it */
    const char *metrics;      /* --metrics [ADDR:]PORT: serve /metrics (Prometheus) */
    const char *web_config;   /* --web.config.file: the exporter's TLS and basic auth */
    int probe_max;            /* --probe-max: targets /probe may add */
    double probe_idle_s;      /* --probe-idle: a /probe target not scraped this long ends */
    bool headless;            /* --headless: no TUI; runs until SIGTERM (with --metrics) */
    int family;               /* 0: first answer; AF_INET / AF_INET6 with -4 / -6 */
    enum probe_mode mode;
    int first_ttl, max_ttl;
    double interval_s, timeout_s;
    size_t packet_bytes;
    bool pmtu;  /* --pmtu: search the path MTU in sizing rounds */
    int nflows; /* --flows N (1: one flow) */
    int port;   /* -1: the mode's default */
    enum output_format output;
    uint32_t cycles;
    bool no_dns;
    bool aslookup;          /* -z: AS numbers over DNS (Team Cymru) when no database knows */
    const char *asn_db;     /* --asn-db */
    const char *geo_db;     /* --geo-db */
    const char *dns_server; /* --dns-server ADDR[:PORT] */
    const char *stun;       /* --stun HOST[:PORT] */
    bool report_on_exit;
    bool no_color;
    char order[COLUMNS_MAX];   /* column letters (-o), the default unless given */
    bool order_given;          /* -o: the user's columns, cut from the right when too wide */
    const char *log_path;      /* --log: where stderr goes while the TUI runs */
    const char *events_path;   /* --log-events: events appended as JSON lines */
    const char *ndjson_path;   /* --ndjson FILE|-: the run as NDJSON (stream.h) */
    const char *record_path;   /* --record FILE: the same, zstd when FILE ends in .zst */
    const char *replay_path;   /* --replay FILE: play a recording instead of probing */
    const char *replay_target; /* --replay-target NAME: which target of several recorded */
    const char *seek;          /* --seek HH:MM[:SS]: where a replay in the live view starts */
    const char *html_path;     /* --html FILE: the one-file HTML report at the end */
    const char *baseline_path; /* --baseline REC: a good day's recording to compare with */
    const char *on_event;      /* --on-event CMD: run for every event's start and end */
    double on_event_timeout_s; /* --on-event-timeout: CMD is killed after this long */
    const char *command_line;  /* the command as typed, shell-quoted (main sets it) */
    int display_mode;          /* 0 table, 1 table + timeline, 2 timeline with RTT scale */
    enum probe_mode modes[PROBE_MODE_COUNT]; /* --modes: interleaved rounds */
    int nmodes;
};

enum { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_VERSION };

/* Returns OPTIONS_RUN, OPTIONS_HELP or OPTIONS_VERSION (the caller prints them; exit 0), or
 * -1 on a usage error (message in err). */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t err_len);
/* The command line as typed, each argument shell-quoted where it needs it ("..." at the end
 * when cut to len), argv[0] as "hopwatch". */
void options_command_line(int argc, char **argv, char *buf, size_t len);
/* The options and the columns, for --help. */
void options_usage(FILE *out);

#endif
