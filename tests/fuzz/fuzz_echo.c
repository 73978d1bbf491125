/* fuzz_echo.c - libFuzzer target: ping-socket echo messages and quoted datagrams (the payloads
 * of error-queue entries). */
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_parsed pp = {0};
    (void)parse_echo(data, size, false, &pp);
    (void)parse_echo(data, size, true, &pp);
    (void)parse_quoted_ip(data, size, &pp);
    return 0;
}
