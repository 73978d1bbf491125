/*
 * wire.c - the Internet checksum, alone and with the IPv4 pseudo-header (see wire.h).
 */
#include "wire.h"

/* sum plus the 16-bit words of p, folded to 16 bits. */
static uint16_t sum_words(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += parse_rd16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint16_t parse_inet_checksum(const uint8_t *p, size_t len)
{
    return (uint16_t)~sum_words(p, len, 0);
}

uint16_t parse_ip4_pseudo_sum(const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t len)
{
    uint32_t sum = (uint32_t)proto + (uint32_t)(len & 0xffff);

    sum += sum_words(src, 4, 0);
    sum += sum_words(dst, 4, 0);
    return sum_words(NULL, 0, sum);
}

uint16_t parse_ip4_l4_checksum(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                               const uint8_t *seg, size_t len)
{
    return (uint16_t)~sum_words(seg, len, parse_ip4_pseudo_sum(src, dst, proto, len));
}
