/* fuzz_textesc.c - libFuzzer target: the display escaper, with output buffers of every size. */
#include "text/textesc.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[512];
    size_t cap = size ? (size_t)data[0] % sizeof(out) : 0;
    size_t n = text_escape((const char *)data, size, out, cap);
    if (cap && (n >= cap || strlen(out) != n))
        __builtin_trap();
    return 0;
}
