/*
 * main.c - wires the modules: options -> every target's sockets (privileged, app.h) -> drop
 * privileges -> the prober thread -> TUI, headless or report; or a recording's replay. It decides
 * the exit status: 0 done, 1 usage error, 2 target not resolvable, 3 no probe mode could open
 * (privileges), 4 runtime failure, 130 / 143 interrupted by SIGINT / SIGTERM (a report is still
 * printed).
 */
#include "app.h"
#include "privs.h"
#include "fleet/session.h"
#include "record/stream.h"
#include "ui.h"
#include "version.h"

#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct app g_app;
static volatile sig_atomic_t g_signal, g_reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP && (g_app.opt.targets_file || g_app.opt.web_config) &&
        g_app.opt.output == OUTPUT_TUI) {
        g_reload = 1;
        return;
    }
    g_signal = sig;
    if (g_app.fleet)
        fleet_stop(g_app.fleet);
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

/* SIGHUP with --targets or --web.config.file: reread them (main thread, between redraws or
 * sleeps). */
static void tick(void)
{
    if (g_reload) {
        g_reload = 0;
        app_reload(&g_app);
    }
    app_check_writes(&g_app);
    app_tick(&g_app);
}

/* --headless: probes (and serves --metrics) until a signal, or until the reader of
 * --ndjson - goes away. A write that fails is said at once; the rest goes on. */
static void run_headless(void)
{
    bool said = false;

    fprintf(stderr, "hopwatch: watching %d target%s%s%s; SIGTERM or SIGINT stops\n",
            fleet_count(g_app.fleet), fleet_count(g_app.fleet) == 1 ? "" : "s",
            g_app.opt.metrics ? ", metrics at " : "", g_app.opt.metrics ? g_app.opt.metrics : "");
    while (!g_signal) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        tick();
        if (app_reader_gone(&g_app)) {
            fprintf(stderr, "hopwatch: the reader of standard output went away; stopping\n");
            break;
        }
        if (!said && app_write_failure(&g_app)) {
            fprintf(stderr, "hopwatch: %s\n", g_app.write_failure);
            said = true;
        }
    }
}

/* The live run: every target opened while privileged, then probed until done or stopped. */
static int run_live(void)
{
    struct app *a = &g_app;
    int status;

    install_signals(); /* before the slow start: a SIGHUP then must not kill a service */
    status = app_open(a);
    if (status == 0)
        status = drop_privileges();
    if (status == 0)
        status = app_start(a);
    if (status != 0)
        return status;
    if (a->opt.headless) {
        run_headless();
    } else if (a->opt.output == OUTPUT_TUI) {
        /* Nothing may write to the terminal under the TUI: diagnostics go to --log. */
        if (a->opt.log_path && !freopen(a->opt.log_path, "a", stderr))
            status = 4;
        else
            status = ui_run(fleet_get(a->fleet, 0), a->fleet, &g_signal, tick);
    } else {
        fleet_join(a->fleet); /* every round done, or a signal stopped it */
    }
    app_stop(a, g_signal);
    if (status != 0)
        return status;
    if (a->opt.output != OUTPUT_TUI)
        app_report(a, a->opt.output);
    else if (a->opt.report_on_exit)
        app_report(a, OUTPUT_REPORT);
    if ((status = app_html(a)) != 0)
        return status;
    if (a->write_err) { /* nothing lost in silence: said last, where it is seen */
        if (!a->opt.headless || !strstr(a->write_failure, "--ndjson stopped: Broken pipe"))
            fprintf(stderr, "hopwatch: %s\n", a->write_failure);
        return 5;
    }
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
        status = ui_run(s, NULL, &g_signal, NULL);
    player_stop(s->player);
    s->player = NULL;
    return status;
}

/* --replay: the recording through a target of its own shape, then its report. */
static int replay_session(struct session *s)
{
    const struct replay_setup *rs;
    struct round_consumer c;
    char err[400];
    int status;

    if (!(s->replay = replay_load(s->opt.replay_path, s->opt.replay_target, err, sizeof(err)))) {
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
    s->run.command_line = rs->command[0] ? rs->command : NULL;
    replay_run_info(s->replay, &s->run);
    if ((status = session_load_baseline(s)) != 0)
        return status;
    if (s->opt.output == OUTPUT_TUI && !s->opt.html_path) /* --html alone: only the file */
        return play_live(s);
    c = target_consumer(s->target);
    replay_feed(s->replay, &c, s->target);
    session_finalize(s);
    if (replay_truncated(s->replay))
        fprintf(stderr,
                "hopwatch: %s was cut short (no end line): replayed up to its last "
                "whole line\n",
                s->opt.replay_path);
    if (s->opt.output != OUTPUT_TUI)
        session_print_report(s, s->opt.output, stdout);
    return s->opt.html_path ? session_html_file(&s, 1, s->opt.html_path) : 0;
}

/* --replay FILE: a session of its own for the recorded target, played into the live view or
 * the report. */
static int run_replay(const struct options *opt, const char *host)
{
    struct session *s = session_new(opt, opt->target ? opt->target : "", host);
    int r;

    if (!s) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return 4;
    }
    r = replay_session(s);
    replay_free(s->replay);
    session_free(s);
    return r;
}

static bool is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int main(int argc, char **argv)
{
    static struct options opt;
    static char command[1024];
    char host[256], err[256];
    int r;

    setlocale(LC_ALL, "");
    /* A target's tables are sized for the longest path (255 hops, four modes) and touch only
     * the pages of the hops and modes it has; from the heap, calloc clears (so touches) all of
     * them, while a mapping of its own is zero already and costs only what is used. Blocks of
     * 32 KiB and more are mapped so, and go back to the system when freed. */
    mallopt(M_MMAP_THRESHOLD, 32 * 1024);
    r = options_parse(argc, argv, &opt, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 1;
    }
    options_command_line(argc, argv, command, sizeof(command));
    opt.command_line = command;
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
    if (opt.output == OUTPUT_TUI && !opt.headless &&
        (is_stdout(opt.events_path) || is_stdout(opt.ndjson_path))) {
        fprintf(stderr, "hopwatch: --log-events - and --ndjson - (standard output) need "
                        "--headless, -r, -j or -C; the live view owns the terminal\n");
        return 1;
    }
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        opt.no_color = true;
    if (gethostname(host, sizeof(host)) < 0)
        snprintf(host, sizeof(host), "localhost");
    if (opt.replay_path) {
        /* A recording may come from anyone: no privilege (a setcap binary's CAP_NET_RAW
         * included) is held while it is read, in the live view or not. */
        if ((r = drop_privileges()) != 0)
            return r;
        return run_replay(&opt, host);
    }
    g_app.opt = opt;
    snprintf(g_app.local_host, sizeof(g_app.local_host), "%s", host);
    r = run_live();
    app_free(&g_app);
    return r;
}
