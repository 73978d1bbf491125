/* fuzz_stun.c - libFuzzer target: the STUN Binding response parser, the error response parser and
 * the server argument split. The input is the datagram; the transaction id expected is the input's
 * own (bytes 8-19) so that mutations get past the check, then a fixed one it rarely matches. Traps
 * when a result breaks the contract: an answer that is not a valid IPv4/IPv6 address, a rejected
 * input that changed the output, a host that is empty, unterminated or longer than its buffer, a
 * port of 0. */
#include "names/stun.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error response: a code 300..699 and a terminated reason; never both answer and error. */
static void check_error(const uint8_t *data, size_t size, const uint8_t txid[12], bool answer)
{
    char reason[24];
    int code = -1, r;

    memset(reason, 'x', sizeof(reason));
    r = stun_parse_error(data, size, txid, &code, reason, sizeof(reason));
    if (r != 0 && r != -EINVAL)
        __builtin_trap();
    if (r == 0 && (answer || code < 300 || code > 699 || !memchr(reason, '\0', sizeof(reason))))
        __builtin_trap();
}

static void check_parse(const uint8_t *data, size_t size, const uint8_t txid[12])
{
    struct probe_addr mapped, before;
    int r;

    memset(&mapped, 0xa5, sizeof(mapped));
    before = mapped;
    r = stun_parse_response(data, size, txid, &mapped);
    if (r != 0 && r != -EINVAL)
        __builtin_trap();
    if (r == 0 && mapped.family != AF_INET && mapped.family != AF_INET6)
        __builtin_trap();
    if (r == 0 && (size < 32 || data[0] != 0x01 || data[1] != 0x01))
        __builtin_trap(); /* a success response with at least one 8-byte address attribute */
    if (r != 0 && memcmp(&mapped, &before, sizeof(mapped)) != 0)
        __builtin_trap();
    check_error(data, size, txid, r == 0);
}

static void check_server(const uint8_t *data, size_t size)
{
    char arg[128], host[32];
    uint16_t port = 0;
    size_t n = size < sizeof(arg) - 1 ? size : sizeof(arg) - 1;

    memcpy(arg, data, n);
    arg[n] = '\0';
    memset(host, 'x', sizeof(host));
    if (stun_parse_server(arg, host, sizeof(host), &port) != 0)
        return;
    if (port == 0 || memchr(host, '\0', sizeof(host)) == NULL || host[0] == '\0' ||
        strlen(host) > strlen(arg))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t fixed[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    uint8_t own[12] = {0};

    if (size >= 20)
        memcpy(own, data + 8, sizeof(own));
    check_parse(data, size, own);
    check_parse(data, size, fixed);
    check_server(data, size);
    return 0;
}
