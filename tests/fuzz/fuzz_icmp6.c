/* fuzz_icmp6.c - libFuzzer target: ICMPv6 messages as a raw ICMPv6 socket reads them. A
 * successful parse hangs together: a quote's L4 header only behind its IP header, an error
 * never an echo reply. */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};

    if (parse_icmp6(data, size, &pp) == 0 &&
        ((pp.has_quoted_l4 && !pp.has_quoted_ip) || (pp.is_error && pp.is_echo_reply) || size < 8))
        __builtin_trap();
    return 0;
}
