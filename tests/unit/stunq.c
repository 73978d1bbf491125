/* stunq.c - one STUN Binding query from the command line: `stunq ADDR PORT TIMEOUT_MS` prints
 * the mapped address and exits 0, or prints why not on stderr and exits 1 (2 for bad usage).
 * Used by tests/lab/stunlab.py against coturn in the lab; never run against a real server by
 * the tests. */
#include "names/stun.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct probe_addr server, mapped;
    char why[256], buf[64], *end;
    long port, timeout_ms;

    if (argc != 4 || probe_addr_parse(argv[1], &server) < 0) {
        fprintf(stderr, "usage: stunq ADDR PORT TIMEOUT_MS (ADDR numeric IPv4 or IPv6)\n");
        return 2;
    }
    port = strtol(argv[2], &end, 10);
    if (*end || port < 0 || port > 65535) {
        fprintf(stderr, "stunq: PORT must be 0..65535 (0: 3478)\n");
        return 2;
    }
    timeout_ms = strtol(argv[3], &end, 10);
    if (*end || timeout_ms < 1 || timeout_ms > 600000) {
        fprintf(stderr, "stunq: TIMEOUT_MS must be 1..600000\n");
        return 2;
    }
    if (stun_query(&server, (uint16_t)port, (int)timeout_ms, &mapped, why, sizeof(why)) < 0) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    printf("%s\n", probe_addr_str(&mapped, buf, sizeof(buf)));
    return 0;
}
