/* fuzz_tcp.c - libFuzzer target: TCP segments as raw TCP sockets read them (IPv4 with its IP
 * header, IPv6 without). A successful parse is a TCP segment of at least its minimal header. */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};

    if (parse_ip4_tcp(data, size, &pp) == 0 && (!pp.is_tcp || size < 40))
        __builtin_trap();
    pp = (struct probe_parsed){0};
    if (parse_tcp(data, size, &pp) == 0 && (!pp.is_tcp || size < 20))
        __builtin_trap();
    return 0;
}
