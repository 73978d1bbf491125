/* fuzz_ip4_icmp.c - libFuzzer target: raw IPv4 ICMP packets. What a successful parse says
 * must hang together: an IPv4 responder, a quote's L4 header only behind its IP header, an
 * error never an echo reply. */
#include "parse.h"

#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};

    if (parse_ip4_icmp(data, size, &pp) == 0 &&
        (pp.from.family != AF_INET || (pp.has_quoted_l4 && !pp.has_quoted_ip) ||
         (pp.is_error && pp.is_echo_reply) || size < 28))
        __builtin_trap();
    return 0;
}
