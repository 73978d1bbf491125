/* test_options.c - option parsing: defaults, mtr letters, ranges, and clear errors. */
#include "check.h"
#include "cli/options.h"

#include <string.h>
#include <sys/socket.h>

static int parse(struct options *o, char *err, const char *a0, const char *a1, const char *a2,
                 const char *a3, const char *a4)
{
    char buf[6][32];
    char *v[7] = {0};
    const char *in[] = {"hopwatch", a0, a1, a2, a3, a4};
    int argc = 0;
    while (argc < 6 && in[argc]) {
        snprintf(buf[argc], sizeof(buf[argc]), "%s", in[argc]);
        v[argc] = buf[argc];
        argc++;
    }
    return options_parse(argc, v, o, err, 256);
}

int main(void)
{
    struct options o;
    char err[256];

    CHECK(parse(&o, err, "example.org", NULL, NULL, NULL, NULL) == 0);
    CHECK(o.mode == PROBE_AUTO && o.first_ttl == 1 && o.max_ttl == 30 && o.interval_s == 1.0);
    CHECK(o.cycles == 10 && o.output == OUTPUT_TUI && o.port == -1 && o.packet_bytes == 64);
    CHECK(parse(&o, err, "-u", "-6", "-c", "3", "h") == 0);
    CHECK(o.mode == PROBE_UDP && o.family == AF_INET6 && o.cycles == 3);
    CHECK(parse(&o, err, "-T", "-P", "443", "-r", "h") == 0);
    CHECK(o.mode == PROBE_TCP && o.port == 443 && o.output == OUTPUT_REPORT);
    CHECK(parse(&o, err, "-r", "-j", "-i", "0.25", "h") == 0);
    CHECK(o.output == OUTPUT_JSON && o.interval_s == 0.25);
    CHECK(parse(&o, err, "--mode", "icmp-dgram", "--csv", "h", NULL) == 0);
    CHECK(o.mode == PROBE_ICMP_DGRAM && o.output == OUTPUT_CSV);
    CHECK(parse(&o, err, "-M", "icmp", "--timeout", "0.5", "h") == 0);
    CHECK(o.mode == PROBE_ICMP_ANY && o.timeout_s == 0.5);
    CHECK(parse(&o, err, "-f", "3", "-m", "8", "h") == 0 && o.first_ttl == 3 && o.max_ttl == 8);

    CHECK(parse(&o, err, "-n", "-z", "--asn-db", "/x.mmdb", "h") == 0);
    CHECK(o.no_dns && o.aslookup && strcmp(o.asn_db, "/x.mmdb") == 0 && !o.no_color);
    CHECK(parse(&o, err, "--log-events", "-", "--no-color", "h", NULL) == 0);
    CHECK(strcmp(o.events_path, "-") == 0 && o.no_color && !o.no_dns);
    CHECK(parse(&o, err, "--modes", "icmp,udp", "-o", "LSE", "h") == 0);
    CHECK(o.nmodes == 2 && o.modes[1] == PROBE_UDP && strcmp(o.order, "LSE") == 0);
    CHECK(parse(&o, err, "--modes", "udp", "h", NULL, NULL) < 0 && strstr(err, "two modes"));
    CHECK(parse(&o, err, "--modes", "udp,udp", "h", NULL, NULL) < 0 && strstr(err, "twice"));
    CHECK(parse(&o, err, "-o", "LQ", "h", NULL, NULL) < 0 && strstr(err, "unknown column"));
    CHECK(parse(&o, err, "h", NULL, NULL, NULL, NULL) == 0 && strcmp(o.order, "LE SNABWV J") == 0);
    CHECK(!o.order_given);
    /* An AS source puts the ASN first; --pmtu adds the MTU column; -o decides alone. */
    CHECK(parse(&o, err, "-z", "h", NULL, NULL, NULL) == 0 &&
          strcmp(o.order, "Z LE SNABWV J") == 0);
    CHECK(parse(&o, err, "--pmtu", "h", NULL, NULL, NULL) == 0 && o.pmtu &&
          strcmp(o.order, "LE SNABWV J U") == 0);
    CHECK(parse(&o, err, "-z", "-o", "LH", "h", NULL) == 0 && strcmp(o.order, "LH") == 0 &&
          o.order_given);
    CHECK(parse(&o, err, "-m", "256", "h", NULL, NULL) < 0 && strstr(err, "--max-ttl"));
    CHECK(parse(&o, err, "-i", "0.001", "h", NULL, NULL) < 0 && strstr(err, "--interval"));
    CHECK(parse(&o, err, "-i", "1x", "h", NULL, NULL) < 0);
    CHECK(parse(&o, err, "-M", "sctp", "h", NULL, NULL) < 0 && strstr(err, "unknown mode"));
    CHECK(parse(&o, err, "-f", "9", "-m", "8", "h") < 0 && strstr(err, "--first-ttl"));
    CHECK(parse(&o, err, "--bogus", "h", NULL, NULL, NULL) < 0 && strstr(err, "--bogus"));
    CHECK(parse(&o, err, "-c", NULL, NULL, NULL, NULL) < 0);
    CHECK(parse(&o, err, NULL, NULL, NULL, NULL, NULL) < 0 && strstr(err, "no target"));
    /* several targets, in order; --headless runs until stopped, so not with a report */
    CHECK(parse(&o, err, "a", "b", NULL, NULL, NULL) == 0 && o.ntargets == 2 &&
          strcmp(o.targets[1], "b") == 0 && strcmp(o.target, "a") == 0);
    CHECK(parse(&o, err, "--targets", "list", NULL, NULL, NULL) == 0 && o.ntargets == 0 &&
          strcmp(o.targets_file, "list") == 0);
    CHECK(parse(&o, err, "--headless", "-r", "h", NULL, NULL) < 0 && strstr(err, "--headless"));
    CHECK(parse(&o, err, "--replay", "f", "--targets", "l", NULL) < 0 && strstr(err, "no host"));
    CHECK(parse(&o, err, "--replay", "f", "--on-event", "true", NULL) < 0 &&
          strstr(err, "not a replay's"));
    CHECK(parse(&o, err, "--replay", "f", "--html", "o.html", NULL) == OPTIONS_RUN &&
          strcmp(o.html_path, "o.html") == 0);
    CHECK(parse(&o, err, "--baseline", "b", "h", NULL, NULL) == OPTIONS_RUN &&
          strcmp(o.baseline_path, "b") == 0);
    CHECK(parse(&o, err, "--on-event-timeout", "0", "h", NULL, NULL) < 0);
    CHECK(parse(&o, err, "--on-event", "x", "h", NULL, NULL) == OPTIONS_RUN &&
          o.on_event_timeout_s == 10);
    CHECK(parse(&o, err, "-s", "20", "h", NULL, NULL) < 0 && strstr(err, "--psize"));
    return check_finish();
}
