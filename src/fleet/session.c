/*
 * session.c - what a run prints (see session.h): the report of the mode shown, with every
 * mode of a rotation, every flow and the events, from the prober or from a replay; the HTML
 * report of every target; the comparison with --baseline.
 */
#include "session.h"
#include "record/stream.h"
#include "replay/baseline_load.h"
#include "report/report_html.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* The views a report reads (large: not on the stack; the main thread's). */
static struct target_view view, by_mode[PROBE_MODE_COUNT], flows[PROBE_FLOWS_MAX];
static struct event events[EVENTS_MAX];

static void views_free(void)
{
    target_view_free(&view);
    for (int i = 0; i < PROBE_MODE_COUNT; i++)
        target_view_free(&by_mode[i]);
    for (int i = 0; i < PROBE_FLOWS_MAX; i++)
        target_view_free(&flows[i]);
}

/* Everything a report of s shows: the mode reported (and every mode of a rotation, every
 * flow) into the views, the rest into s->run. 0 or -ENOMEM. */
static int report_read(struct session *s)
{
    static struct prober_status st;
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
    s->run.baseline = session_compare(s, &view);
    return 0;
}

/* The report formats, a row each. */
static const struct {
    enum output_format fmt;
    void (*write)(FILE *out, const struct run_info *run, const struct target_view *v);
} writers[] = {
    {OUTPUT_REPORT, report_text},
    {OUTPUT_JSON, report_json},
    {OUTPUT_CSV, report_csv},
};

int session_print_report(struct session *s, enum output_format fmt, FILE *out)
{
    if (report_read(s) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
        if (writers[i].fmt == fmt)
            writers[i].write(out, &s->run, &view);
    fflush(out);
    views_free();
    return 0;
}

int session_write_html(struct session **s, int n, FILE *out)
{
    struct html_doc *d = report_html_begin();

    if (!d)
        return errno = ENOMEM, -1;
    for (int i = 0; i < n; i++) {
        if (report_read(s[i]) < 0)
            continue;
        report_html_target(d, &s[i]->run, &view, target_history(s[i]->target), s[i]->run.baseline);
        views_free();
    }
    return report_html_end(d, out);
}

int session_html_file(struct session **s, int n, const char *path)
{
    FILE *f = fopen(path, "w");
    int r;

    if (!f) {
        fprintf(stderr, "hopwatch: --html %s: %s\n", path, strerror(errno));
        return 5;
    }
    r = session_write_html(s, n, f);
    if (fclose(f) != 0 || r < 0) {
        fprintf(stderr, "hopwatch: --html %s: %s\n", path, strerror(errno));
        return 5;
    }
    return 0;
}

const struct baseline_cmp *session_compare(struct session *s, const struct target_view *v)
{
    static struct baseline_run now;

    if (!s->baseline || !s->cmp)
        return NULL;
    baseline_summary(v, &now);
    baseline_compare(s->baseline, &now, s->opt.baseline_path, s->cmp);
    return s->cmp;
}

int session_load_baseline(struct session *s)
{
    char err[400];

    if (!s->opt.baseline_path || s->baseline)
        return 0;
    if (!(s->baseline = baseline_load(s->opt.baseline_path, s->run.target_name, err, sizeof(err))))
        return fprintf(stderr, "hopwatch: --baseline: %s\n", err), 1;
    if (!(s->cmp = calloc(1, sizeof(*s->cmp))))
        return fprintf(stderr, "hopwatch: out of memory\n"), 4;
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
