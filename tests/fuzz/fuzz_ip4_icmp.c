/* fuzz_ip4_icmp.c - libFuzzer target: raw IPv4 ICMP packets. */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp;
    (void)parse_ip4_icmp(data, size, &pp);
    return 0;
}
