/*
 * options.c - the option table and its parser (see options.h). mtr's letters where mtr has one.
 * A row says what the option stores where (a flag, a value, a string, a number in a range) or
 * names the one function that parses it; --help is printed from the same rows.
 */
#include "options.h"
#include "version.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*opt_setter)(struct options *o, const char *arg, char *err, size_t len);

/* What an option does with its argument. */
enum opt_kind {
    KIND_FLAG,    /* bool field = true */
    KIND_SET,     /* int-sized field = value */
    KIND_STRING,  /* const char * field = the argument */
    KIND_INT,     /* int field = a whole number in [min, max] */
    KIND_U32,     /* uint32_t field, likewise */
    KIND_SIZE,    /* size_t field, likewise */
    KIND_DOUBLE,  /* double field = a number in [min, max] */
    KIND_CALL,    /* set() */
    KIND_HELP,    /* --help */
    KIND_VERSION, /* --version */
};

struct opt_def {
    const char *name;
    int letter;           /* 0: long only */
    const char *arg_name; /* NULL: takes no argument */
    const char *help;
    enum opt_kind kind;
    size_t field;     /* offsetof(struct options, ...) */
    double min, max;  /* KIND_INT, KIND_U32, KIND_SIZE, KIND_DOUBLE */
    const char *unit; /* for range errors: "seconds", "bytes" (may be NULL) */
    int value;        /* KIND_SET */
    opt_setter set;   /* KIND_CALL */
};

#define F(member) offsetof(struct options, member)
#define FLAG(member) .kind = KIND_FLAG, .field = F(member)
#define SET(member, v) .kind = KIND_SET, .field = F(member), .value = (v)
#define STRING(member) .kind = KIND_STRING, .field = F(member)
#define RANGE(k, member, lo, hi, u) .kind = k, .field = F(member), .min = lo, .max = hi, .unit = u
#define CALL(fn) .kind = KIND_CALL, .set = fn

static int set_mode(struct options *o, const char *arg, char *err, size_t len)
{
    if (probe_mode_parse(arg, &o->mode) < 0)
        return snprintf(err, len, "unknown mode '%s' (auto, icmp, icmp-raw, icmp-dgram, udp, tcp)",
                        arg),
               -1;
    return 0;
}

static int set_modes(struct options *o, const char *arg, char *err, size_t len)
{
    char buf[128], *save = NULL;

    snprintf(buf, sizeof(buf), "%s", arg);
    o->nmodes = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        enum probe_mode m;
        if (probe_mode_parse(t, &m) < 0 || m == PROBE_AUTO)
            return snprintf(err, len,
                            "--modes: '%s' is not one of icmp, icmp-raw, icmp-dgram, udp, tcp", t),
                   -1;
        for (int i = 0; i < o->nmodes; i++)
            if (o->modes[i] == m)
                return snprintf(err, len, "--modes: '%s' given twice", t), -1;
        if (o->nmodes == PROBE_MODE_COUNT)
            return snprintf(err, len, "--modes: at most %d modes", PROBE_MODE_COUNT), -1;
        o->modes[o->nmodes++] = m;
    }
    if (o->nmodes < 2)
        return snprintf(err, len, "--modes needs at least two modes, e.g. icmp,udp,tcp"), -1;
    return 0;
}

static int set_report(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    if (o->output == OUTPUT_TUI)
        o->output = OUTPUT_REPORT;
    return 0;
}

static int set_dns_server(struct options *o, const char *arg, char *err, size_t len)
{
    if (!*arg || strlen(arg) > 100)
        return snprintf(err, len, "--dns-server needs ADDR, ADDR:PORT or [ADDR6]:PORT"), -1;
    o->dns_server = arg;
    return 0;
}

static int set_order(struct options *o, const char *arg, char *err, size_t len)
{
    if (columns_check_order(arg, err, len) < 0)
        return -1;
    snprintf(o->order, sizeof(o->order), "%s", arg);
    o->order_given = true;
    return 0;
}

static int set_seek(struct options *o, const char *arg, char *err, size_t len)
{
    int h, m, s = 0;
    char tail;

    if ((sscanf(arg, "%d:%d%c", &h, &m, &tail) != 2 &&
         sscanf(arg, "%d:%d:%d%c", &h, &m, &s, &tail) != 3) ||
        h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
        return snprintf(err, len, "--seek wants HH:MM or HH:MM:SS, not '%s'", arg), -1;
    o->seek = arg;
    return 0;
}

static const struct opt_def opt_table[] = {
    {"inet", '4', NULL, "use IPv4 only", SET(family, AF_INET)},
    {"inet6", '6', NULL, "use IPv6 only", SET(family, AF_INET6)},
    {"mode", 'M', "MODE",
     "auto (default: icmp-raw, then icmp-dgram, then udp), icmp, icmp-raw, icmp-dgram, udp, tcp",
     CALL(set_mode)},
    {"modes", 0, "LIST",
     "probe with several modes in interleaved rounds and compare them, e.g. icmp,udp,tcp",
     CALL(set_modes)},
    {"udp", 'u', NULL, "same as --mode udp", SET(mode, PROBE_UDP)},
    {"tcp", 'T', NULL, "same as --mode tcp", SET(mode, PROBE_TCP)},
    {"first-ttl", 'f', "N", "first TTL to probe (default 1)",
     RANGE(KIND_INT, first_ttl, 1, 255, NULL)},
    {"max-ttl", 'm', "N", "largest TTL to probe (default 30)",
     RANGE(KIND_INT, max_ttl, 1, 255, NULL)},
    {"interval", 'i', "SECONDS",
     "time between rounds; fractions allowed, at least 0.01 (default 1)",
     RANGE(KIND_DOUBLE, interval_s, 0.01, 3600, "seconds")},
    {"timeout", 0, "SECONDS", "a probe unanswered this long is lost (default 2)",
     RANGE(KIND_DOUBLE, timeout_s, 0.01, 60, "seconds")},
    {"psize", 's', "BYTES", "IP packet size of each probe (default 64)",
     RANGE(KIND_SIZE, packet_bytes, 28, 65000, "bytes")},
    {"flows", 0, "N",
     "probe N flows (1-8; load balancers hash each apart), each round one flow: statistics and"
     " verdicts per flow too; key f shows one flow",
     RANGE(KIND_INT, nflows, 1, PROBE_FLOWS_MAX, NULL)},
    {"pmtu", 0, NULL,
     "find the path MTU and where it drops: some rounds send probes as large as the path takes"
     " (DF set), not counted in the statistics; column U",
     FLAG(pmtu)},
    {"port", 'P', "PORT",
     "tcp: destination port (default 80); udp: first destination port (default 33434)",
     RANGE(KIND_INT, port, 1, 65535, NULL)},
    {"report", 'r', NULL, "run --report-cycles rounds, print a text report", CALL(set_report)},
    {"report-cycles", 'c', "N", "rounds in a report (default 10)",
     RANGE(KIND_U32, cycles, 1, 1000000, NULL)},
    {"json", 'j', NULL, "like --report, print JSON (schema 1)", SET(output, OUTPUT_JSON)},
    {"csv", 'C', NULL, "like --report, print CSV", SET(output, OUTPUT_CSV)},
    {"no-dns", 'n', NULL, "show addresses, look up no names", FLAG(no_dns)},
    {"aslookup", 'z', NULL, "AS numbers over DNS (Team Cymru) for addresses no --asn-db knows",
     FLAG(aslookup)},
    {"asn-db", 0, "PATH",
     "ASN database (GeoLite2-ASN, DB-IP or IPinfo .mmdb; default: found in /usr/share/GeoIP or "
     "/var/lib/GeoIP)",
     STRING(asn_db)},
    {"geo-db", 0, "PATH", "country database (.mmdb) for the CC column", STRING(geo_db)},
    {"dns-server", 0, "ADDR[:PORT]", "send every DNS query to this server (default: the system's)",
     CALL(set_dns_server)},
    {"stun", 0, "HOST[:PORT]",
     "ask this STUN server (RFC 5389, port 3478 by default) for this host's public address; its"
     " AS names the ISP (default: the AS of the first public hop)",
     STRING(stun)},
    {"report-on-exit", 0, NULL, "print the text report when the TUI closes", FLAG(report_on_exit)},
    {"order", 'o', "LETTERS",
     "columns and their order by letter (default \"LE SNABWV J\", \"Z\" first with an AS source;"
     " listed below)",
     CALL(set_order)},
    {"displaymode", 0, "N",
     "start the TUI in display mode 0 (table), 1 (+ loss timeline), 2 (timeline, RTT scale)",
     RANGE(KIND_INT, display_mode, 0, 2, NULL)},
    {"log-events", 0, "FILE",
     "append every event (loss burst, path change, ...) to FILE as a JSON line",
     STRING(events_path)},
    {"ndjson", 0, "FILE",
     "stream the run to FILE (- for standard output: with --headless, or -r/-j/-C whose"
     " report then goes to standard error) as NDJSON: a header, every round, the events, a"
     " summary every 10 s, an end line; flushed line by line",
     STRING(ndjson_path)},
    {"record", 0, "FILE", "record the same stream to FILE, zstd-compressed when it ends in .zst",
     STRING(record_path)},
    {"replay", 0, "FILE",
     "play a recording (--record) back through the statistics, diagnosis and events and print"
     " its report with -r, -j or -C: the one the live run printed (no HOST)",
     STRING(replay_path)},
    {"replay-target", 0, "NAME",
     "with several targets recorded, replay this one (default: the first)", STRING(replay_target)},
    {"seek", 0, "HH:MM[:SS]",
     "a replay in the live view starts at this recorded time of day (the next day when it is"
     " before the start)",
     CALL(set_seek)},
    {"html", 0, "FILE",
     "at the end (of a report, a headless run, the live view or a replay) write a one-file HTML"
     " report to FILE: verdicts, events, a chart a hop of loss and RTT over time",
     STRING(html_path)},
    {"baseline", 0, "REC",
     "compare with a recording of a good day (--record): per hop the change in loss (tested),"
     " in RTT, responders and path, in the reports and the hop detail",
     STRING(baseline_path)},
    {"on-event", 0, "CMD",
     "run CMD (sh -c) when an event starts or ends, its JSON on standard input; one at a time"
     " a target, killed after --on-event-timeout",
     STRING(on_event)},
    {"on-event-timeout", 0, "SECONDS", "how long --on-event's CMD may run (default 10)",
     RANGE(KIND_DOUBLE, on_event_timeout_s, 0.1, 3600, NULL)},
    {"targets", 0, "FILE",
     "watch every host listed in FILE (one a line, optionally with interval=SECONDS; # "
     "comments), besides any given; SIGHUP rereads it",
     STRING(targets_file)},
    {"metrics", 0, "[ADDR:]PORT",
     "serve Prometheus metrics at http://ADDR:PORT/metrics (default address 127.0.0.1)",
     STRING(metrics)},
    {"web.config.file", 0, "FILE",
     "the exporter's TLS and basic auth, as every Prometheus exporter reads them (YAML: "
     "tls_server_config, basic_auth_users); SIGHUP or POST /-/reload rereads it",
     STRING(web_config)},
    {"probe-max", 0, "N",
     "the exporter's /probe?target=HOST watches at most N targets at once (default 100; past "
     "it a new one gets 503)",
     RANGE(KIND_INT, probe_max, 0, OPTIONS_TARGETS_MAX, NULL)},
    {"probe-idle", 0, "SECONDS",
     "a target /probe added and no scrape asked for this long stops (default 600)",
     RANGE(KIND_DOUBLE, probe_idle_s, 1, 86400, "seconds")},
    {"headless", 0, NULL,
     "no live view: probe until SIGTERM or SIGINT (for --metrics services, or --ndjson - into "
     "a pipe: until its reader goes away)",
     FLAG(headless)},
    {"log", 0, "FILE", "write diagnostics to FILE while the TUI runs", STRING(log_path)},
    {"no-color", 0, NULL, "no colors in the TUI (also: NO_COLOR set)", FLAG(no_color)},
    {"help", 'h', NULL, "show this help", .kind = KIND_HELP},
    {"version", 'v', NULL, "show the version", .kind = KIND_VERSION},
};
#define NOPTS (sizeof(opt_table) / sizeof(opt_table[0]))

/* getopt_long returns a short option's letter; a long-only option returns LONG_ONLY + its
 * index in opt_table (above every letter). */
#define LONG_ONLY 256

static const struct opt_def *opt_for(int c)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (opt_table[i].letter ? opt_table[i].letter == c : (int)(LONG_ONLY + i) == c)
            return &opt_table[i];
    return NULL;
}

void options_usage(FILE *out)
{
    size_t ncols;
    const struct column *cols = columns_all(&ncols);

    fprintf(out,
            "usage: hopwatch [OPTIONS] HOST...\n"
            "       hopwatch --headless --metrics [ADDR:]PORT --targets FILE [OPTIONS]\n"
            "       hopwatch --replay FILE [-r|-j|-C] [OPTIONS]\n"
            "Watch every hop between this host and each HOST: loss, latency, jitter, live.\n\n");
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opt_table[i];
        char lhs[64];
        snprintf(lhs, sizeof(lhs), "%c%c%c --%s%s%s", d->letter ? '-' : ' ',
                 d->letter ? d->letter : ' ', d->letter ? ',' : ' ', d->name,
                 d->arg_name ? " " : "", d->arg_name ? d->arg_name : "");
        fprintf(out, "  %-28s %s\n", lhs, d->help);
    }
    fprintf(out, "\nColumns (-o letters; a space separates groups):\n");
    for (size_t i = 0; i < ncols; i++)
        fprintf(out, "  %c  %-8s %s\n", cols[i].key, cols[i].title, cols[i].help);
    fprintf(out, "\nWithout root: icmp-dgram needs your group in net.ipv4.ping_group_range;\n"
                 "udp and tcp always work. See hopwatch(1).\n");
}

/* Stores a ranged number, or says what range it must be in. */
static int set_number(const struct opt_def *d, struct options *o, const char *arg, char *err,
                      size_t len)
{
    char *p = (char *)o + d->field, *end;
    double v;

    errno = 0;
    v = d->kind == KIND_DOUBLE ? strtod(arg, &end) : (double)strtol(arg, &end, 10);
    if (errno || end == arg || *end || !isfinite(v) || v < d->min || v > d->max)
        return snprintf(err, len, "--%s must be a number from %.15g to %.15g%s%s, not '%s'",
                        d->name, d->min, d->max, d->unit ? " " : "", d->unit ? d->unit : "", arg),
               -1;
    if (d->kind == KIND_INT)
        *(int *)p = (int)v;
    else if (d->kind == KIND_U32)
        *(uint32_t *)p = (uint32_t)v;
    else if (d->kind == KIND_SIZE)
        *(size_t *)p = (size_t)v;
    else
        *(double *)p = v;
    return 0;
}

/* Applies one option. 0, or -1 with err set. */
static int apply(const struct opt_def *d, struct options *o, const char *arg, char *err, size_t len)
{
    char *p = (char *)o + d->field;

    switch (d->kind) {
    case KIND_FLAG:
        *(bool *)p = true;
        return 0;
    case KIND_SET:
        *(int *)p = d->value;
        return 0;
    case KIND_STRING:
        *(const char **)p = arg;
        return 0;
    case KIND_CALL:
        return d->set(o, arg, err, len);
    case KIND_HELP:
    case KIND_VERSION:
        return 0;
    default:
        return set_number(d, o, arg, err, len);
    }
}

/* The hosts after the options; with a --targets file there may be none. */
static int finish_targets(int argc, char **argv, struct options *o, char *err, size_t err_len)
{
    if (o->replay_path && (optind < argc || o->targets_file))
        return snprintf(err, err_len, "--replay takes no host: the recording names its target"), -1;
    if (o->replay_path && o->on_event)
        return snprintf(err, err_len,
                        "--on-event runs commands for a live run's events, not a "
                        "replay's"),
               -1;
    if (o->replay_path)
        return 0;
    if (optind >= argc && !o->targets_file && !(o->headless && o->metrics))
        return snprintf(err, err_len, "no target host given (try --help)"), -1;
    if (argc - optind > OPTIONS_TARGETS_MAX)
        return snprintf(err, err_len, "more than %d targets", OPTIONS_TARGETS_MAX), -1;
    o->targets = argv + optind;
    o->ntargets = argc - optind;
    o->target = o->ntargets ? o->targets[0] : NULL;
    if (o->web_config && !o->metrics)
        return snprintf(err, err_len, "--web.config.file is the exporter's: it needs --metrics"),
               -1;
    if (o->headless && o->output != OUTPUT_TUI)
        return snprintf(err, err_len, "--headless runs until stopped: not with -r, -j or -C"), -1;
    return 0;
}

/* After the options: the targets, the TTL range, the default columns. */
static int finish(int argc, char **argv, struct options *o, char *err, size_t err_len)
{
    if (finish_targets(argc, argv, o, err, err_len) < 0)
        return -1;
    if (!o->order_given)
        snprintf(o->order, sizeof(o->order), "%s%s",
                 o->aslookup || o->asn_db ? columns_default_asn : columns_default,
                 o->pmtu ? " U" : "");
    if (o->first_ttl > o->max_ttl)
        return snprintf(err, err_len, "--first-ttl %d is above --max-ttl %d", o->first_ttl,
                        o->max_ttl),
               -1;
    return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t err_len)
{
    struct option longs[NOPTS + 1];
    char shorts[3 * NOPTS + 2];
    size_t ns = 0;
    int c, idx;

    *o = (struct options){.mode = PROBE_AUTO,
                          .first_ttl = 1,
                          .max_ttl = 30,
                          .interval_s = 1.0,
                          .timeout_s = 2.0,
                          .packet_bytes = 64,
                          .port = -1,
                          .cycles = 10,
                          .nflows = 1,
                          .on_event_timeout_s = 10,
                          .probe_max = 100,
                          .probe_idle_s = 600,
                          .display_mode = 1};
    snprintf(o->order, sizeof(o->order), "%s", columns_default);
    shorts[ns++] = ':';
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opt_table[i];
        int has_arg = d->arg_name ? required_argument : no_argument;
        longs[i] =
            (struct option){d->name, has_arg, NULL, d->letter ? d->letter : (int)(LONG_ONLY + i)};
        if (d->letter) {
            shorts[ns++] = (char)d->letter;
            if (has_arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    longs[NOPTS] = (struct option){0};
    shorts[ns] = '\0';
    opterr = 0;
    optind = 0; /* GNU getopt: a full reset, so parsing twice works */
    while ((c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
        const struct opt_def *d = c == ':' ? NULL : opt_for(c);
        if (c == ':')
            return snprintf(err, err_len, "option '%s' needs a value", argv[optind - 1]), -1;
        if (!d)
            return snprintf(err, err_len, "unknown option '%s' (try --help)", argv[optind - 1]), -1;
        if (d->kind == KIND_HELP)
            return OPTIONS_HELP;
        if (d->kind == KIND_VERSION)
            return OPTIONS_VERSION;
        if (apply(d, o, optarg, err, err_len) < 0)
            return -1;
    }
    return finish(argc, argv, o, err, err_len);
}

/* An argument as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
static size_t quote_arg(const char *a, char *buf, size_t len)
{
    size_t n = 0;
    bool plain = *a != '\0';

    for (const char *p = a; *p; p++)
        plain &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 strchr("-_./:=,+@%", *p);
    if (plain)
        return (size_t)snprintf(buf, len, "%s", a);
    n += (size_t)snprintf(buf, len, "'");
    for (const char *p = a; *p && n < len; p++)
        n += (size_t)snprintf(buf + n, len - n, *p == '\'' ? "'\\''" : "%c", *p);
    if (n < len)
        n += (size_t)snprintf(buf + n, len - n, "'");
    return n;
}

void options_command_line(int argc, char **argv, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; i < argc && n + 1 < len; i++) {
        if (i)
            buf[n++] = ' ';
        buf[n] = '\0';
        n += quote_arg(i ? argv[i] : "hopwatch", buf + n, len - n);
    }
    if (n >= len && len > 4)
        memcpy(buf + len - 4, "...", 4);
}
