/* fuzz_rx.c - libFuzzer target: the whole receive path (decode + match) of every probe mode
 * and channel, with the kernel's metadata from the input too (rxharness.h). A reply that
 * comes out must be sane; anything else must be refused without a crash. */
#include "rxharness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_reply r;

    if (rx_decode(data, size, &r) == 0 && !rx_reply_sane(&r))
        __builtin_trap();
    return 0;
}
