/* test_report.c - the report writers on a fixed hop table: JSON has the schema-1 fields and
 * escapes hostile strings, a silent hop is null / "???", CSV has one row per hop. */
#include "check.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

static char *render(void (*fn)(FILE *, const struct run_info *, const struct hops_snapshot *),
                    const struct run_info *run, const struct hops_snapshot *snap)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, run, snap);
    fclose(f);
    return buf;
}

int main(void)
{
    struct hops *h = hops_new(1, 30);
    struct hops_snapshot snap = {0};
    struct run_info run = {
        .target_name = "evil\x1b[2J\"name", .mode_name = "udp", .end_reason = "completed"};
    struct probe_addr a, d;
    char *out;

    probe_addr_parse("198.18.0.2", &a);
    probe_addr_parse("198.18.2.2", &d);
    snprintf(run.target_addr, sizeof(run.target_addr), "198.18.2.2");
    snprintf(run.local_host, sizeof(run.local_host), "here");
    for (int i = 0; i < 4; i++) {
        for (int t = 1; t <= 3; t++)
            hops_record_sent(h, PROBE_UDP, t);
        hops_record_reply(h, PROBE_UDP, 1, &a, 1500, 0, (uint32_t)i, 64, false, false);
        hops_record_loss(h, PROBE_UDP, 2, 0, (uint32_t)i);
        hops_record_reply(h, PROBE_UDP, 3, &d, 2500, 0, (uint32_t)i, 62, true, false);
    }
    hops_set_dest_ttl(h, PROBE_UDP, 3);
    hops_set_rounds(h, PROBE_UDP, 4);
    hops_snapshot(h, PROBE_UDP, &snap);

    out = render(report_json, &run, &snap);
    CHECK(strstr(out, "\"schema\":1") && strstr(out, "\"mode\":\"udp\""));
    CHECK(strstr(out, "\"name\":\"evil\\u001b[2J\\\"name\"")); /* no raw ESC, quote escaped */
    CHECK(!strchr(out, '\x1b'));
    CHECK(strstr(out, "{\"ttl\":1,\"addr\":\"198.18.0.2\""));
    CHECK(strstr(out, "{\"ttl\":2,\"addr\":null"));
    CHECK(strstr(out, "\"loss_pct\":100.00") && strstr(out, "\"avg_ms\":2.500"));
    CHECK(strstr(out, "\"dest_ttl\":3") && strstr(out, "\"rounds\":4"));
    CHECK(strstr(out, "\"reply_ttl\":62,\"is_target\":true"));
    free(out);

    out = render(report_text, &run, &snap);
    CHECK(strstr(out, "  1.|-- 198.18.0.2") && strstr(out, "  2.|-- ???"));
    CHECK(strstr(out, "100.0%") && strstr(out, "Loss%"));
    free(out);

    out = render(report_csv, &run, &snap);
    {
        int lines = 0;
        for (char *p = out; *p; p++)
            lines += *p == '\n';
        CHECK(lines == 4); /* header + 3 hops */
    }
    CHECK(strstr(out, ",3,198.18.2.2,,,0.00,4,4,2.500,2.500,2.500,2.500,0.000,"));
    free(out);
    hops_snapshot_free(&snap);
    hops_free(h);

    /* Forwarding loss seen before there are probes enough to place its start. */
    h = hops_new(1, 30);
    for (int i = 0; i < 74; i++) {
        for (int t = 1; t <= 3; t++) {
            hops_record_sent(h, PROBE_UDP, t);
            if (t > 1 && i % 15 == 0)
                hops_record_loss(h, PROBE_UDP, t, 0, (uint32_t)i);
            else
                hops_record_reply(h, PROBE_UDP, t, t == 3 ? &d : &a, 1000, 0, (uint32_t)i, 60,
                                  t == 3, false);
        }
    }
    hops_set_dest_ttl(h, PROBE_UDP, 3);
    hops_set_rounds(h, PROBE_UDP, 74);
    hops_snapshot(h, PROBE_UDP, &snap);
    out = render(report_text, &run, &snap);
    CHECK(strstr(out, "forwarding") && strstr(out, "Onset: not placed yet") &&
          strstr(out, "from hop 2"));
    free(out);
    hops_snapshot_free(&snap);
    hops_free(h);
    return check_finish();
}
