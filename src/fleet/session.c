/*
 * session.c - what a run prints (see session.h): the report of the mode shown, with every
 * mode of a rotation, every flow and the events, from the prober or from a replay.
 */
#include "session.h"
#include "record/stream.h"
#include "version.h"

#include <errno.h>

void session_status(struct session *s, struct prober_status *st)
{
    if (s->player)
        player_status(s->player, st);
    else if (s->replay)
        replay_status(s->replay, st);
    else
        prober_status(s->prober, st);
}

void session_counters(struct session *s)
{
    s->run.counters = prober_counters(s->prober, &s->run.unmatched);
    s->run.counters.malformed += s->share_counters.malformed;
    s->run.counters.foreign += s->share_counters.foreign;
    s->run.counters.rx_dropped += s->share_counters.rx_dropped;
}

int session_print_report(struct session *s, enum output_format fmt, FILE *out)
{
    static struct event events[EVENTS_MAX];
    static struct target_view view, by_mode[PROBE_MODE_COUNT], flows[PROBE_FLOWS_MAX];
    struct prober_status st;
    int mode;

    session_status(s, &st);
    mode = st.nrotation > 1 ? st.rotation[0] : st.mode;
    if (target_view(s->target, mode, &st.path[mode], &view) < 0)
        return -ENOMEM;
    s->run.by_mode = by_mode;
    s->run.nby_mode = 0;
    for (int i = 0; st.nrotation > 1 && i < st.nrotation; i++) {
        int m = st.rotation[i];
        if (target_view(s->target, m, &st.path[m], &by_mode[s->run.nby_mode]) == 0)
            s->run.nby_mode++;
    }
    s->run.flows = flows;
    s->run.nflows = 0;
    for (int f = 0; f < target_flows(s->target); f++)
        if (target_flow_view(s->target, mode, f, &st.path[mode], &flows[s->run.nflows]) == 0)
            s->run.nflows++;
    s->run.events = events;
    s->run.nevents = events_copy(target_events(s->target), events, EVENTS_MAX);
    s->run.mode_name = probe_mode_name(mode);
    if (mode != s->run.initial_mode)
        snprintf(s->run.mode_reason, sizeof(s->run.mode_reason), "switched with a key");
    if (!s->replay) /* a replay has the recording's */
        session_counters(s);
    s->run.dns = resolver_stats(s->names);
    if (fmt == OUTPUT_JSON)
        report_json(out, &s->run, &view);
    else if (fmt == OUTPUT_CSV)
        report_csv(out, &s->run, &view);
    else
        report_text(out, &s->run, &view);
    fflush(out);
    target_view_free(&view);
    for (int i = 0; i < PROBE_MODE_COUNT; i++)
        target_view_free(&by_mode[i]);
    for (int i = 0; i < PROBE_FLOWS_MAX; i++)
        target_view_free(&flows[i]);
    return 0;
}

int session_print_reports(struct session **s, int n, enum output_format fmt, FILE *out)
{
    int r = 0;

    if (n == 1)
        return session_print_report(s[0], fmt, out);
    if (fmt == OUTPUT_JSON)
        fprintf(out, "{\"schema\":1,\"version\":\"%s\",\"targets\":[\n", HOPWATCH_VERSION);
    for (int i = 0; i < n && r == 0; i++) {
        if (i && fmt == OUTPUT_JSON)
            fputs(",", out);
        else if (i && fmt == OUTPUT_REPORT)
            fputs("\n", out);
        s[i]->run.part = i;
        r = session_print_report(s[i], fmt, out);
    }
    if (fmt == OUTPUT_JSON)
        fputs("]}\n", out);
    fflush(out);
    return r;
}

int session_write_failure(struct session *s, char *buf, size_t len)
{
    int err = stream_failure(stream_outputs(s->stream), buf, len);

    return err ? err : s->target ? events_failure(target_events(s->target), buf, len) : 0;
}
