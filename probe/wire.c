/*
 * wire.c - the Internet checksum, alone and with the IPv4 pseudo-header (see wire.h).
 */
#include "wire.h"

#include <string.h>

/* sum plus the 16-bit words of p, folded to 16 bits. */
static uint16_t sum_words(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += wire_rd16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint16_t wire_checksum(const uint8_t *p, size_t len)
{
    return (uint16_t)~sum_words(p, len, 0);
}

uint16_t wire_ip4_pseudo_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t len)
{
    uint32_t sum = (uint32_t)proto + (uint32_t)(len & 0xffff);

    sum += sum_words(src, 4, 0);
    sum += sum_words(dst, 4, 0);
    return sum_words(NULL, 0, sum);
}

uint16_t wire_ip4_l4_checksum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                              const uint8_t *seg, size_t len)
{
    return (uint16_t)~sum_words(seg, len, wire_ip4_pseudo_sum(src, dst, proto, len));
}

void wire_build_echo(uint8_t *buf, size_t len, bool v6, uint16_t id, uint16_t seq, uint8_t flow)
{
    uint16_t comp = (uint16_t)~seq; /* seq + comp = 0xffff, no carry: the sum is constant */
    uint16_t sum;

    memset(buf, 0, len);
    buf[0] = v6 ? 128 : 8;
    buf[4] = (uint8_t)(id >> 8);
    buf[5] = (uint8_t)id;
    buf[6] = (uint8_t)(seq >> 8);
    buf[7] = (uint8_t)seq;
    if (len >= 10) {
        buf[8] = (uint8_t)(comp >> 8);
        buf[9] = (uint8_t)comp;
    }
    /* Zeros after the identity: the checksum stays the same at any size (--pmtu's sizing
     * probes follow the normal ones through a balancer that hashes it). */
    if (len >= 12) { /* the flow: another constant checksum */
        buf[10] = 'f';
        buf[11] = flow;
    }
    if (!v6) {
        sum = wire_checksum(buf, len);
        buf[2] = (uint8_t)(sum >> 8);
        buf[3] = (uint8_t)sum;
    }
}
