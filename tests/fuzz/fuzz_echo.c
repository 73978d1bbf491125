/* fuzz_echo.c - libFuzzer target: ping-socket echo messages and quoted datagrams (the payloads
 * of error-queue entries). An echo parse says reply or request consistently with the type. */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};

    for (int v6 = 0; v6 < 2; v6++) {
        pp = (struct probe_parsed){0};
        if (parse_echo(data, size, v6, &pp) == 0 &&
            (size < 8 || pp.is_echo_reply != (data[0] == (v6 ? 129 : 0))))
            __builtin_trap();
    }
    pp = (struct probe_parsed){0};
    if (parse_quoted_ip(data, size, &pp) == 0 && pp.has_quoted_l4 && !pp.has_quoted_ip)
        __builtin_trap();
    return 0;
}
