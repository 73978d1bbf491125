/* fuzz_tcp.c - libFuzzer target: TCP segments as raw TCP sockets read them (IPv4 with its IP
 * header, IPv6 without). */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};
    (void)parse_ip4_tcp(data, size, &pp);
    (void)parse_tcp(data, size, &pp);
    return 0;
}
