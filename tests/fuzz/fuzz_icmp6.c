/* fuzz_icmp6.c - libFuzzer target: ICMPv6 messages as a raw ICMPv6 socket reads them. */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};
    (void)parse_icmp6(data, size, &pp);
    return 0;
}
