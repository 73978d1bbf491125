/*
 * options.c - the option table and its parser (see options.h). mtr's letters where mtr has one.
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

/* An option either calls its setter or stores into one field of struct options. */
enum opt_field { FIELD_NONE, FIELD_FLAG, FIELD_STRING };

struct opt_def {
    const char *name;
    int letter; /* 0: long only */
    int has_arg;
    const char *arg_name;
    const char *help;
    opt_setter set;
    enum opt_field kind;
    size_t field; /* offsetof(struct options, ...) for FIELD_FLAG (bool) and FIELD_STRING */
};

#define CALL(fn) fn, FIELD_NONE, 0
#define FLAG(member) NULL, FIELD_FLAG, offsetof(struct options, member)
#define STRING(member) NULL, FIELD_STRING, offsetof(struct options, member)

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

#define RANGE_ERR(what, lo, hi)                                                                    \
    (snprintf(err, len, "%s must be a number from %s to %s, not '%s'", what, lo, hi, arg), -1)

static int set_v4(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->family = AF_INET;
    return 0;
}

static int set_v6(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->family = AF_INET6;
    return 0;
}

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

static int set_udp(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->mode = PROBE_UDP;
    return 0;
}

static int set_tcp(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->mode = PROBE_TCP;
    return 0;
}

static int set_first_ttl(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 1, 255, &v) < 0)
        return RANGE_ERR("--first-ttl", "1", "255");
    o->first_ttl = (int)v;
    return 0;
}

static int set_max_ttl(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 1, 255, &v) < 0)
        return RANGE_ERR("--max-ttl", "1", "255");
    o->max_ttl = (int)v;
    return 0;
}

static int set_interval(struct options *o, const char *arg, char *err, size_t len)
{
    if (parse_double(arg, 0.01, 3600, &o->interval_s) < 0)
        return RANGE_ERR("--interval", "0.01", "3600 seconds");
    return 0;
}

static int set_timeout(struct options *o, const char *arg, char *err, size_t len)
{
    if (parse_double(arg, 0.01, 60, &o->timeout_s) < 0)
        return RANGE_ERR("--timeout", "0.01", "60 seconds");
    return 0;
}

static int set_psize(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 28, 65000, &v) < 0)
        return RANGE_ERR("--psize", "28", "65000 bytes");
    o->packet_bytes = (size_t)v;
    return 0;
}

static int set_port(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 1, 65535, &v) < 0)
        return RANGE_ERR("--port", "1", "65535");
    o->port = (int)v;
    return 0;
}

static int set_report(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    if (o->output == OUTPUT_TUI)
        o->output = OUTPUT_REPORT;
    return 0;
}

static int set_json(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->output = OUTPUT_JSON;
    return 0;
}

static int set_csv(struct options *o, const char *arg, char *err, size_t len)
{
    (void)arg, (void)err, (void)len;
    o->output = OUTPUT_CSV;
    return 0;
}

static int set_cycles(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 1, 1000000, &v) < 0)
        return RANGE_ERR("--report-cycles", "1", "1000000");
    o->cycles = (uint32_t)v;
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
    return 0;
}

static int set_display(struct options *o, const char *arg, char *err, size_t len)
{
    long v;
    if (parse_long(arg, 0, 2, &v) < 0)
        return RANGE_ERR("--displaymode", "0", "2");
    o->display_mode = (int)v;
    return 0;
}

#define OPT_HELP 1000
#define OPT_VERSION 1001

static const struct opt_def opt_table[] = {
    {"inet", '4', no_argument, NULL, "use IPv4 only", CALL(set_v4)},
    {"inet6", '6', no_argument, NULL, "use IPv6 only", CALL(set_v6)},
    {"mode", 'M', required_argument, "MODE",
     "auto (default: icmp-raw, then icmp-dgram, then udp), icmp, icmp-raw, icmp-dgram, udp, tcp",
     CALL(set_mode)},
    {"modes", 0, required_argument, "LIST",
     "probe with several modes in interleaved rounds and compare them, e.g. icmp,udp,tcp",
     CALL(set_modes)},
    {"udp", 'u', no_argument, NULL, "same as --mode udp", CALL(set_udp)},
    {"tcp", 'T', no_argument, NULL, "same as --mode tcp", CALL(set_tcp)},
    {"first-ttl", 'f', required_argument, "N", "first TTL to probe (default 1)",
     CALL(set_first_ttl)},
    {"max-ttl", 'm', required_argument, "N", "largest TTL to probe (default 30)",
     CALL(set_max_ttl)},
    {"interval", 'i', required_argument, "SECONDS",
     "time between rounds; fractions allowed, at least 0.01 (default 1)", CALL(set_interval)},
    {"timeout", 0, required_argument, "SECONDS", "a probe unanswered this long is lost (default 2)",
     CALL(set_timeout)},
    {"psize", 's', required_argument, "BYTES", "IP packet size of each probe (default 64)",
     CALL(set_psize)},
    {"port", 'P', required_argument, "PORT",
     "tcp: destination port (default 80); udp: first destination port (default 33434)",
     CALL(set_port)},
    {"report", 'r', no_argument, NULL, "run --report-cycles rounds, print a text report",
     CALL(set_report)},
    {"report-cycles", 'c', required_argument, "N", "rounds in a report (default 10)",
     CALL(set_cycles)},
    {"json", 'j', no_argument, NULL, "like --report, print JSON (schema 1)", CALL(set_json)},
    {"csv", 'C', no_argument, NULL, "like --report, print CSV", CALL(set_csv)},
    {"no-dns", 'n', no_argument, NULL, "show addresses, look up no names", FLAG(no_dns)},
    {"aslookup", 'z', no_argument, NULL,
     "AS numbers over DNS (Team Cymru) for addresses no --asn-db knows", FLAG(aslookup)},
    {"asn-db", 0, required_argument, "PATH",
     "ASN database (GeoLite2-ASN, DB-IP or IPinfo .mmdb; default: found in /usr/share/GeoIP or "
     "/var/lib/GeoIP)",
     STRING(asn_db)},
    {"geo-db", 0, required_argument, "PATH", "country database (.mmdb) for the CC column",
     STRING(geo_db)},
    {"dns-server", 0, required_argument, "ADDR[:PORT]",
     "send every DNS query to this server (default: the system's)", CALL(set_dns_server)},
    {"report-on-exit", 0, no_argument, NULL, "print the text report when the TUI closes",
     FLAG(report_on_exit)},
    {"order", 'o', required_argument, "LETTERS",
     "columns and their order by letter (default \"LES NABWV\"; see the man page)",
     CALL(set_order)},
    {"displaymode", 0, required_argument, "N",
     "start the TUI in display mode 0 (table), 1 (+ loss timeline), 2 (timeline, RTT scale)",
     CALL(set_display)},
    {"log-events", 0, required_argument, "FILE",
     "append every event (loss burst, path change, ...) to FILE as a JSON line",
     STRING(events_path)},
    {"log", 0, required_argument, "FILE", "write diagnostics to FILE while the TUI runs",
     STRING(log_path)},
    {"no-color", 0, no_argument, NULL, "no colors in the TUI (also: NO_COLOR set)", FLAG(no_color)},
    {"help", 'h', no_argument, NULL, "show this help", CALL(NULL)},
    {"version", 'v', no_argument, NULL, "show the version", CALL(NULL)},
};
#define NOPTS (sizeof(opt_table) / sizeof(opt_table[0]))

void options_usage(FILE *out)
{
    fprintf(out, "usage: hopwatch [OPTIONS] HOST\n"
                 "Watch every hop between this host and HOST: loss, latency, jitter, live.\n\n");
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opt_table[i];
        char lhs[64];
        if (d->letter)
            snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", d->letter, d->name, d->arg_name ? " " : "",
                     d->arg_name ? d->arg_name : "");
        else
            snprintf(lhs, sizeof(lhs), "    --%s%s%s", d->name, d->arg_name ? " " : "",
                     d->arg_name ? d->arg_name : "");
        fprintf(out, "  %-28s %s\n", lhs, d->help);
    }
    fprintf(out, "\nWithout root: icmp-dgram needs your group in net.ipv4.ping_group_range;\n"
                 "udp and tcp always work. See hopwatch(1).\n");
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
                          .display_mode = 1};
    snprintf(o->order, sizeof(o->order), "%s", columns_default);
    shorts[ns++] = ':';
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opt_table[i];
        int val = d->letter ? d->letter : (int)(OPT_HELP + 10 + i);
        longs[i] = (struct option){d->name, d->has_arg, NULL, val};
        if (d->letter) {
            shorts[ns++] = (char)d->letter;
            if (d->has_arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    longs[NOPTS] = (struct option){0};
    shorts[ns] = '\0';
    opterr = 0;
    optind = 0; /* GNU getopt: a full reset, so parsing twice works */
    while ((c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
        const struct opt_def *d = NULL;
        if (c == '?')
            return snprintf(err, err_len, "unknown option '%s' (try --help)", argv[optind - 1]), -1;
        if (c == ':')
            return snprintf(err, err_len, "option '%s' needs a value", argv[optind - 1]), -1;
        if (c == 'h') {
            options_usage(stdout);
            return 1;
        }
        if (c == 'v') {
            printf("hopwatch %s\n", HOPWATCH_VERSION);
            return 1;
        }
        for (size_t i = 0; i < NOPTS && !d; i++)
            if ((opt_table[i].letter && opt_table[i].letter == c) ||
                (!opt_table[i].letter && (int)(OPT_HELP + 10 + i) == c))
                d = &opt_table[i];
        if (d && d->kind == FIELD_FLAG)
            *(bool *)((char *)o + d->field) = true;
        else if (d && d->kind == FIELD_STRING)
            *(const char **)((char *)o + d->field) = optarg;
        else if (d && d->set && d->set(o, optarg, err, err_len) < 0)
            return -1;
    }
    if (optind != argc - 1)
        return snprintf(err, err_len,
                        optind >= argc ? "no target host given (try --help)"
                                       : "only one target host, please"),
               -1;
    o->target = argv[optind];
    if (o->first_ttl > o->max_ttl)
        return snprintf(err, err_len, "--first-ttl %d is above --max-ttl %d", o->first_ttl,
                        o->max_ttl),
               -1;
    return 0;
}
