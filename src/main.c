/*
 * main.c - wires the modules: options -> target -> sockets (privileged) -> drop privileges ->
 * prober thread -> TUI or report. It decides the exit status:
 *   0 done, 1 usage error, 2 target not resolvable, 3 no probe mode could open (privileges),
 *   4 runtime failure, 130 / 143 interrupted by SIGINT / SIGTERM (a report is still printed).
 */
#include "privs.h"
#include "resolve.h"
#include "session.h"
#include "stream.h"
#include "stun.h"
#include "ui.h"
#include "version.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct prober *g_prober;
static volatile sig_atomic_t g_signal;

static void on_signal(int sig)
{
    g_signal = sig;
    if (g_prober)
        prober_stop(g_prober);
}

static void print_remedies(const char *what, const char *why)
{
    fprintf(stderr,
            "hopwatch: cannot open %s probes: %s.\n"
            "Ways to allow ICMP probing without running everything as root:\n"
            "  1. run it with sudo:                sudo hopwatch ...\n"
            "  2. give the binary the capability:  sudo setcap cap_net_raw+ep \"$(command -v "
            "hopwatch)\"\n"
            "  3. allow ping sockets for your group:\n"
            "     sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"\n"
            "Or probe with --mode udp or --mode tcp, which need no privilege.\n",
            what, why);
}

/* Says why the better modes of an automatic choice were passed over. */
/* Why this mode (the better ones an automatic choice passed over, and why), then how it
 * probes when the mode says (udp and tcp: which flow, which ports). */
static void explain_choice(struct session *s, enum probe_mode request, int chosen)
{
    static struct prober_status st;
    char *buf = s->run.mode_reason;
    size_t len = sizeof(s->run.mode_reason), used = 0;
    bool automatic = request == PROBE_AUTO || request == PROBE_ICMP_ANY;

    buf[0] = '\0';
    prober_status(s->prober, &st);
    for (int m = PROBE_ICMP_RAW; automatic && m < chosen; m++) {
        int n = snprintf(buf + used, len - used, "%s%s: %s", used ? "; " : "",
                         probe_mode_name((enum probe_mode)m), st.why_not[m]);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
    if (st.method[chosen])
        snprintf(buf + used, len - used, "%s%s", used ? "; then: " : "", st.method[chosen]);
    else if (!used && automatic)
        snprintf(buf, len, "best mode available");
}

static int drop_privileges(void)
{
    char err[256];

    if (privs_drop(err, sizeof(err)) < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 3;
    }
    return 0;
}

/* Says why a requested mode could not open, and the remedies. */
static void refuse(struct session *s, enum probe_mode request)
{
    static struct prober_status st;
    int shown = request >= 0 ? request : PROBE_ICMP_DGRAM;

    prober_status(s->prober, &st);
    print_remedies(probe_mode_name(request), st.why_not[shown]);
}

/* --modes: every listed mode must open; rounds take them in turn. */
static int open_rotation(struct session *s)
{
    char *buf = s->run.mode_reason;
    int modes[PROBE_MODE_COUNT], n = 0;
    size_t used = 0;

    for (int i = 0; i < s->opt.nmodes; i++) {
        int m = prober_open_request(s->prober, s->opt.modes[i]);
        if (m < 0) {
            refuse(s, s->opt.modes[i]);
            return -1;
        }
        for (int j = 0; j < n; j++)
            if (modes[j] == m)
                m = -1; /* icmp and icmp-raw may name the same mode */
        if (m < 0)
            continue;
        modes[n++] = m;
        if (used < sizeof(s->run.mode_reason))
            used += (size_t)snprintf(buf + used, sizeof(s->run.mode_reason) - used, "%s%s",
                                     i ? "," : "interleaved with ", probe_mode_name(m));
    }
    if (prober_set_rotation(s->prober, modes, n) < 0) {
        fprintf(stderr, "hopwatch: --modes needs at least two different modes\n");
        return -1;
    }
    s->run.initial_mode = modes[0];
    return 0;
}

static int open_probes(struct session *s)
{
    struct options *o = &s->opt;
    struct prober_config cfg = {
        .probe = {.target = {0},
                  .packet_bytes = o->packet_bytes,
                  .pmtu = o->pmtu,
                  .nflows = o->nflows},
        .first_ttl = o->first_ttl,
        .max_ttl = o->max_ttl,
        .interval_us = (uint64_t)(o->interval_s * 1e6),
        .timeout_us = (uint64_t)(o->timeout_s * 1e6),
        .rounds = o->output == OUTPUT_TUI ? 0 : o->cycles,
    };
    struct target_config tcfg = {.first_ttl = o->first_ttl,
                                 .max_ttl = o->max_ttl,
                                 .nflows = o->nflows,
                                 .events_path = o->events_path};
    char err[256];
    int mode;

    if (resolve_target(o->target, o->family, 6000, &cfg.probe.target, err, sizeof(err)) < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 2;
    }
    probe_addr_str(&cfg.probe.target, s->run.target_addr, sizeof(s->run.target_addr));
    cfg.probe.port = o->port >= 0 ? (uint16_t)o->port : (o->mode == PROBE_TCP ? 80 : 0);
    if (!(s->target = target_new(&tcfg, err, sizeof(err)))) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return errno == ENOMEM ? 4 : 1;
    }
    if (!(s->prober = prober_new(&cfg, NULL))) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return 4;
    }
    if (o->nmodes)
        return open_rotation(s) < 0 ? 3 : drop_privileges();
    mode = prober_open_request(s->prober, o->mode);
    if (mode < 0) {
        refuse(s, o->mode);
        return 3;
    }
    explain_choice(s, o->mode, mode);
    s->run.initial_mode = mode;
    if (o->output == OUTPUT_TUI)
        prober_open_others(s->prober);
    return drop_privileges();
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Names and AS numbers: local databases, then DNS on the resolver thread. */
/* --stun: this host's public address, before the names are started (they look its AS up).
 * A failure is said and the run goes on: the ISP is then the first public hop's AS. */
static void ask_stun(struct session *s)
{
    char host[256], err[256];
    uint16_t port;
    struct probe_addr server, target;

    s->run.stun_server = s->opt.stun;
    probe_addr_parse(s->run.target_addr, &target);
    if (stun_parse_server(s->opt.stun, host, sizeof(host), &port) < 0)
        snprintf(s->run.stun_error, sizeof(s->run.stun_error), "--stun %s: not HOST[:PORT]",
                 s->opt.stun);
    else if (resolve_target(host, target.family, 3000, &server, err, sizeof(err)) < 0)
        snprintf(s->run.stun_error, sizeof(s->run.stun_error), "--stun: %s", err);
    else if (stun_query(&server, port, 2000, &s->run.public_addr, err, sizeof(err)) < 0)
        snprintf(s->run.stun_error, sizeof(s->run.stun_error), "--stun: %s", err);
    if (s->run.stun_error[0])
        fprintf(stderr, "hopwatch: %s; the ISP will be the first public hop's AS\n",
                s->run.stun_error);
}

static int start_names(struct session *s)
{
    struct names_config cfg = {.ptr = !s->opt.no_dns,
                               .asn_dns = s->opt.aslookup,
                               .dns_server = s->opt.dns_server,
                               .timeout_ms = 1000};
    char warn[768], err[256];

    s->db = asndb_open(s->opt.asn_db, s->opt.geo_db, true, warn, sizeof(warn));
    for (char *line = warn, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        fprintf(stderr, "hopwatch: %.*s\n", (int)(next - line), line);
        next += *next == '\n';
    }
    cfg.db = s->db;
    cfg.also = s->run.public_addr;
    if (!cfg.ptr && !cfg.asn_dns && !asndb_has_asn(s->db))
        return 0;
    s->names = resolver_start(&cfg, target_hops(s->target), err, sizeof(err));
    if (!s->names) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 1;
    }
    s->run.names = s->names;
    s->run.show_names = !s->opt.no_dns;
    return 0;
}

/* After the prober stopped: the diagnosis of every mode that probed is final. */
static void settle(struct session *s)
{
    static struct prober_status st;

    session_status(s, &st);
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (st.path[m].rounds)
            target_settle(s->target, m, &st.path[m]);
}

/* --ndjson / --record: the stream opens with its header and then hears every round and event. */
static int start_stream(struct session *s)
{
    struct round_consumer c;
    char err[300];

    if (!s->opt.ndjson_path && !s->opt.record_path)
        return 0;
    if (!(s->stream = stream_open(s->opt.ndjson_path, s->opt.record_path, err, sizeof(err)))) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 1;
    }
    stream_header(s->stream, s);
    c = stream_consumer(s->stream, s);
    prober_add_consumer(s->prober, &c);
    events_set_sink(target_events(s->target), stream_event, s->stream);
    return 0;
}

static int run(struct session *s)
{
    struct round_consumer consumer;
    int status = 0;

    if (s->opt.stun)
        ask_stun(s);
    if ((status = start_names(s)) != 0)
        return status;
    clock_gettime(CLOCK_REALTIME, &s->run.started);
    consumer = target_consumer(s->target);
    prober_add_consumer(s->prober, &consumer);
    if ((status = start_stream(s)) != 0)
        return status;
    g_prober = s->prober;
    install_signals();
    if (prober_start(s->prober) < 0) {
        fprintf(stderr, "hopwatch: cannot start the prober thread\n");
        return 4;
    }
    if (s->opt.output == OUTPUT_TUI) {
        /* Nothing may write to the terminal under the TUI: diagnostics go to --log. */
        if (s->opt.log_path && !freopen(s->opt.log_path, "a", stderr)) {
            prober_stop(s->prober);
            prober_join(s->prober);
            return 4;
        }
        status = ui_run(s, &g_signal);
        prober_stop(s->prober);
    }
    prober_join(s->prober);
    prober_flush(s->prober);
    settle(s);
    clock_gettime(CLOCK_REALTIME, &s->run.ended);
    s->run.now_us = probe_now_us();
    if (s->opt.output != OUTPUT_TUI && !g_signal)
        resolver_wait(s->names, 3500); /* at most the DNS timeouts: 1 s, then 2 s */
    s->run.end_reason = g_signal == SIGINT    ? "interrupted"
                        : g_signal == SIGTERM ? "terminated"
                        : g_signal            ? "hangup"
                                              : "completed";
    stream_close(s->stream, s);
    s->stream = NULL;
    if (status != 0)
        return status;
    if (s->opt.output != OUTPUT_TUI)
        session_print_report(s, s->opt.output, stdout);
    else if (s->opt.report_on_exit)
        session_print_report(s, OUTPUT_REPORT, stdout);
    return g_signal == SIGINT ? 130 : g_signal == SIGTERM ? 143 : 0;
}

/* --replay in the live view: the player in the prober's place until q. */
static int play_live(struct session *s)
{
    int status;

    if (!(s->player = player_start(s->replay, s->target, s->opt.seek))) {
        fprintf(stderr, "hopwatch: cannot start the replay\n");
        return 4;
    }
    install_signals();
    if (s->opt.log_path && !freopen(s->opt.log_path, "a", stderr))
        status = 4;
    else
        status = ui_run(s, &g_signal);
    player_stop(s->player);
    s->player = NULL;
    return status;
}

/* --replay: the recording through a target of its own shape, then its report. */
static int run_replay(struct session *s)
{
    const struct replay_setup *rs;
    struct round_consumer c;
    char err[400];

    if (!(s->replay = replay_load(s->opt.replay_path, err, sizeof(err)))) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 1;
    }
    rs = replay_setup(s->replay);
    if (!(s->target = target_new(&rs->target, err, sizeof(err)))) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 4;
    }
    s->run.target_name = rs->target_name;
    snprintf(s->run.target_addr, sizeof(s->run.target_addr), "%s", rs->target_addr);
    snprintf(s->run.mode_reason, sizeof(s->run.mode_reason), "%s", rs->mode_reason);
    snprintf(s->run.local_host, sizeof(s->run.local_host), "%s", rs->host);
    s->run.initial_mode = rs->modes[0];
    if (!s->opt.order_given && rs->columns[0])
        snprintf(s->opt.order, sizeof(s->opt.order), "%s", rs->columns);
    s->run.order = s->opt.order;
    replay_run_info(s->replay, &s->run);
    if (s->opt.output == OUTPUT_TUI)
        return play_live(s);
    c = target_consumer(s->target);
    replay_feed(s->replay, &c, s->target);
    settle(s);
    if (replay_truncated(s->replay))
        fprintf(stderr,
                "hopwatch: %s was cut short (no end line): replayed up to its last "
                "whole line\n",
                s->opt.replay_path);
    session_print_report(s, s->opt.output, stdout);
    return 0;
}

static bool is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int main(int argc, char **argv)
{
    static struct session s;
    char err[256];
    int r;

    setlocale(LC_ALL, "");
    r = options_parse(argc, argv, &s.opt, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 1;
    }
    if (r == OPTIONS_HELP) {
        options_usage(stdout);
        printf("\n");
        ui_print_keys(stdout);
        return 0;
    }
    if (r == OPTIONS_VERSION) {
        printf("hopwatch %s\n", HOPWATCH_VERSION);
        return 0;
    }
    if (s.opt.output == OUTPUT_TUI &&
        (is_stdout(s.opt.events_path) || is_stdout(s.opt.ndjson_path))) {
        fprintf(stderr, "hopwatch: --log-events - and --ndjson - (standard output) need -r, -j or "
                        "-C; the live view owns the terminal\n");
        return 1;
    }
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        s.opt.no_color = true;
    s.run.target_name = s.opt.target;
    s.run.order = s.opt.order;
    if (gethostname(s.run.local_host, sizeof(s.run.local_host)) < 0)
        snprintf(s.run.local_host, sizeof(s.run.local_host), "localhost");
    if (s.opt.replay_path) {
        r = run_replay(&s);
    } else {
        r = open_probes(&s);
        if (r == 0)
            r = run(&s);
    }
    g_prober = NULL;
    replay_free(s.replay);
    resolver_stop(s.names); /* before the hop table it reads goes */
    asndb_close(s.db);
    prober_free(s.prober);
    target_free(s.target);
    return r;
}
