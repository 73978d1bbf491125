/* test_report.c - the report writers on a target fed with fixed rounds: JSON has the schema-1
 * fields and escapes hostile strings, a silent hop is null / "???", CSV has one row per hop,
 * the verdicts are the target's published diagnosis, and a path that ends at a router saying
 * unreachable is marked so (!H, JSON unreachable, no destination). The HTML report escapes
 * hostile strings, has a chart a hop and every event, and a day of a 30-hop path (a round a
 * minute, losses and bursts) stays under 1 MB. */
#include "check.h"
#include "report/report.h"
#include "report/report_html.h"
#include "roundplay.h"
#include "testaddr.h"

#include <stdlib.h>
#include <string.h>

static char *render(void (*fn)(FILE *, const struct run_info *, const struct target_view *),
                    const struct run_info *run, const struct target_view *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, run, v);
    fclose(f);
    return buf;
}

static struct target *new_target(void)
{
    struct target_config cfg = {.first_ttl = 1, .max_ttl = 30};
    char err[128];
    return target_new(&cfg, err, sizeof(err));
}

/* 24 hours of a 30-hop path, a round a minute (the HTML's charts go by time, not probes):
 * hops 12 on lose now and then, and hop 20 on lose everything for 40 minutes. */
static void html_day(void)
{
    static struct target_view v;
    static struct event ev[EVENTS_MAX];
    static struct probe_addr from[30];
    static uint32_t rtt[30];
    struct target *t = new_target();
    struct round_consumer c = target_consumer(t);
    struct run_info run = {.target_name = "<script>x</script>", .mode_name = "icmp-raw"};
    char pattern[31], addr[32], *buf = NULL, *p;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct html_doc *d = report_html_begin();
    int charts = 0;

    for (int i = 0; i < 30; i++) {
        snprintf(addr, sizeof(addr), "198.18.%d.2", i);
        from[i] = test_addr(addr);
        rtt[i] = 1000u * (uint32_t)(i + 1);
    }
    for (uint32_t m = 0; m < 24 * 60; m++) {
        for (int i = 0; i < 30; i++)
            pattern[i] = (i >= 11 && m % 13 == 0) || (i >= 19 && m >= 600 && m < 640) ? 'x' : 'a';
        pattern[30] = '\0';
        play_round(&c, PROBE_ICMP_RAW, m * 60, 30, pattern, from, rtt);
    }
    CHECK(target_view(t, PROBE_ICMP_RAW, &(struct round_path){1440, 30, false}, &v) == 0);
    run.events = ev;
    run.nevents = events_copy(target_events(t), ev, EVENTS_MAX);
    run.started.tv_sec = 1700000000;
    run.ended.tv_sec = 1700000000 + 86400;
    report_html_target(d, &run, &v, target_history(t), NULL);
    CHECK(report_html_end(d, f) == 0);
    fclose(f);
    printf("HTML of 24 hours of 30 hops: %zu bytes, %d events\n", len, run.nevents);
    CHECK(len < 1000000 && len > 30000);
    for (p = buf; (p = strstr(p, "<svg class=\"hop-chart\"")); p++)
        charts++;
    CHECK(charts == 30);
    CHECK(run.nevents > 0 && strstr(buf, "class=\"event\" data-kind=\"loss-burst\""));
    CHECK(!strstr(buf, "<script>") && strstr(buf, "&lt;script&gt;x&lt;/script&gt;"));
    CHECK(!strstr(buf, "http://") && !strstr(buf, "https://") && !strstr(buf, "src="));
    free(buf);
    target_view_free(&v);
    target_free(t);
}

int main(void)
{
    static struct target_view v;
    struct target *t = new_target();
    struct round_consumer c = target_consumer(t);
    struct run_info run = {
        .target_name = "evil\x1b[2J\"name", .mode_name = "udp", .end_reason = "completed"};
    struct probe_addr from[3] = {test_addr("198.18.0.2"), {0}, test_addr("198.18.2.2")};
    const uint32_t rtt[3] = {1500, 0, 2500}, fast[3] = {1000, 1000, 1000};
    char *out;

    snprintf(run.target_addr, sizeof(run.target_addr), "198.18.2.2");
    snprintf(run.local_host, sizeof(run.local_host), "here");
    for (uint32_t i = 0; i < 4; i++)
        play_round(&c, PROBE_UDP, i, 3, "axa", from, rtt);
    CHECK(target_view(t, PROBE_UDP, &(struct round_path){4, 3, false}, &v) == 0);

    out = render(report_json, &run, &v);
    CHECK(strstr(out, "\"schema\":1") && strstr(out, "\"mode\":\"udp\""));
    CHECK(strstr(out, "\"name\":\"evil\\u001b[2J\\\"name\"")); /* no raw ESC, quote escaped */
    CHECK(!strchr(out, '\x1b'));
    CHECK(strstr(out, "{\"ttl\":1,\"addr\":\"198.18.0.2\""));
    CHECK(strstr(out, "{\"ttl\":2,\"addr\":null"));
    CHECK(strstr(out, "\"loss_pct\":100.00") && strstr(out, "\"avg_ms\":2.500"));
    CHECK(strstr(out, "\"dest_ttl\":3") && strstr(out, "\"rounds\":4"));
    CHECK(strstr(out, "\"reply_ttl\":62,\"return_hops\":3,\"is_target\":true"));
    CHECK(strstr(out, "\"return_hops\":3,\"asymmetric\":false,\"mtu\":null"));
    CHECK(strstr(out, "\"pmtu\":null"));
    CHECK(strstr(out, "\"verdict\":\"unknown\"")); /* 4 probes: too few to judge */
    free(out);

    out = render(report_text, &run, &v);
    CHECK(strstr(out, "  1.|-- 198.18.0.2") && strstr(out, "  2.|-- ???"));
    CHECK(strstr(out, "100.0%") && strstr(out, "Loss%"));
    free(out);

    out = render(report_csv, &run, &v);
    {
        int lines = 0;
        for (char *p = out; *p; p++)
            lines += *p == '\n';
        CHECK(lines == 4); /* header + 3 hops */
    }
    CHECK(strstr(out, ",3,198.18.2.2,,,0.00,4,4,2.500,2.500,2.500,2.500,0.000,"));
    free(out);
    target_free(t);

    /* Forwarding loss seen before there are probes enough to place its start. */
    t = new_target();
    c = target_consumer(t);
    from[1] = from[0];
    for (uint32_t i = 0; i < 74; i++)
        play_round(&c, PROBE_UDP, i, 3, i % 15 == 0 ? "axx" : "aaa", from, fast);
    CHECK(target_view(t, PROBE_UDP, &(struct round_path){74, 3, false}, &v) == 0);
    out = render(report_text, &run, &v);
    CHECK(strstr(out, "forwarding") && strstr(out, "not placed yet") &&
          strstr(out, "at or before hop 2"));
    if (!strstr(out, "at or before hop 2"))
        fputs(out, stderr);
    free(out);
    target_free(t);

    /* A router that says host unreachable ends the path: marked, and no destination. */
    t = new_target();
    c = target_consumer(t);
    for (uint32_t i = 0; i < 30; i++)
        play_round(&c, PROBE_UDP, i, 2, i % 3 ? "ax" : "au", from, fast);
    CHECK(target_view(t, PROBE_UDP, &(struct round_path){30, 2, true}, &v) == 0);
    out = render(report_json, &run, &v);
    CHECK(strstr(out, "\"dest_ttl\":null,\"unreachable\":{\"ttl\":2,\"addr\":\"198.18.0.2\","
                      "\"code\":\"host\"}"));
    CHECK(strstr(out, "\"unreachable\":{\"code\":\"host\",\"count\":10}"));
    CHECK(!strstr(out, "\"verdict\":\"destination\""));
    free(out);
    out = render(report_text, &run, &v);
    CHECK(strstr(out, "  2.|-- 198.18.0.2 !H") && strstr(out, "End: hop 2, 198.18.0.2, says host "
                                                              "unreachable (!H)"));
    free(out);
    target_view_free(&v);
    target_free(t);
    html_day();
    return check_finish();
}
