/*
 * session_open.c - making one target's session: resolving its host, its target object and
 * its prober with the probe modes the options ask for (while still privileged), and saying
 * why a mode was chosen or could not open (see session.h).
 */
#include "names/resolve.h"
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static atomic_int sessions; /* allocated, not yet freed */

struct session *session_new(const struct options *o, const char *host, const char *local_host)
{
    struct session *s = calloc(1, sizeof(*s));

    if (!s || !(s->host = strdup(host))) {
        free(s);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    atomic_fetch_add(&sessions, 1);
    s->opt = *o;
    s->opt.target = s->host;
    s->run.target_name = s->host;
    s->run.order = s->opt.order;
    s->run.command_line = s->opt.command_line;
    snprintf(s->run.local_host, sizeof(s->run.local_host), "%s", local_host);
    return s;
}

void session_free(struct session *s)
{
    if (!s)
        return;
    atomic_fetch_sub(&sessions, 1);
    prober_free(s->prober);
    target_free(s->target);
    free(s->baseline);
    free(s->cmp);
    if (s->counts_free)
        s->counts_free(s->counts);
    free(s->host);
    free(s);
}

void session_hold(struct session *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void session_drop(struct session *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        session_free(s);
}

int session_live_count(void)
{
    return atomic_load(&sessions);
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

int session_open(struct session *s, bool others)
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
    struct target_config tcfg = {
        .first_ttl = o->first_ttl,
        .max_ttl = o->max_ttl,
        .nflows = o->nflows,
        /* their readers: the live view's v and --html; the
         * live view's timeline and --baseline's median */
        .no_history = (o->headless || o->output != OUTPUT_TUI) && !o->html_path,
        .no_samples = (o->headless || o->output != OUTPUT_TUI) && !o->baseline_path,
        .history_budget = s->history_budget,
        .events_path = o->events_path};
    char err[256];
    int mode;

    if (resolve_target(s->run.target_name, o->family, 6000, &cfg.probe.target, err, sizeof(err)) <
        0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return 2;
    }
    probe_addr_str(&cfg.probe.target, s->run.target_addr, sizeof(s->run.target_addr));
    cfg.probe.share = s->share[cfg.probe.target.family == AF_INET6];
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
        return open_rotation(s) < 0 ? 3 : 0;
    mode = prober_open_request(s->prober, o->mode);
    if (mode < 0) {
        refuse(s, o->mode);
        return 3;
    }
    explain_choice(s, o->mode, mode);
    s->run.initial_mode = mode;
    if (others)
        prober_open_others(s->prober);
    return 0;
}

/* After the prober stopped: the diagnosis of every mode that probed is final. */
void session_finalize(struct session *s)
{
    static struct prober_status st;

    session_status(s, &st);
    for (int m = 0; m < PROBE_MODE_COUNT; m++)
        if (st.path[m].rounds)
            target_finalize(s->target, m, &st.path[m]);
}
