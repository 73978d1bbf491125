/*
 * hostile_wire.c - the hostile lab's packet builder (see hostile.h): checksums, IP headers
 * around crafted ICMP and TCP, the identity fields of a captured probe.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hostile.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sends a proto (ICMP, ICMPv6 or TCP) message from src to the client, IP header built here
 * (TTL 77), with its checksum (then spoiled when bad). */
void send_l4(struct fam *f, const uint8_t *src, uint8_t proto, uint8_t *l4, size_t len, bool bad)
{
    uint8_t pkt[1600];
    size_t ip = f->v6 ? 40 : 20, al = f->v6 ? 16 : 4, at = proto == 6 ? 16 : 2;
    uint8_t ph[4] = {0, 0, 0, proto};
    uint32_t s = 0;
    struct sockaddr_storage ss;
    socklen_t sl;

    if (len + ip > sizeof(pkt) || len < at + 2)
        return;
    memset(pkt, 0, ip);
    l4[at] = l4[at + 1] = 0;
    if (f->v6 || proto == 6) { /* the pseudo-header: all but IPv4's ICMP have one */
        s = sum16(f->client, al, sum16(src, al, 0)) + (uint32_t)len;
        s = sum16(ph, 4, s);
    }
    put16(l4 + at, fold(sum16(l4, len, s)));
    if (bad)
        l4[at] ^= 0x12;
    memset(&ss, 0, sizeof(ss));
    if (f->v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)len);
        pkt[6] = proto;
        pkt[7] = MARK_TTL;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, f->client, al);
        sl = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)(len + ip));
        pkt[8] = MARK_TTL;
        pkt[9] = proto;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, f->client, al);
        sl = sizeof(*a);
    }
    memcpy(pkt + ip - 2 * al, src, al); /* both headers end with the source, then the destination */
    memcpy(pkt + ip - al, f->client, al);
    memcpy(pkt + ip, l4, len);
    (void)sendto(f->fd, pkt, len + ip, 0, (struct sockaddr *)&ss, sl);
}

void send_icmp(struct fam *f, const uint8_t *src, uint8_t *icmp, size_t len, bool bad)
{
    send_l4(f, src, f->v6 ? 58 : 1, icmp, len, bad);
}

/* The identity fields of a probe (IP header first): an echo's id and seq; for UDP the source
 * port and the payload's seq (with the word that keeps its sum); for TCP the source port and
 * the sequence number's top 16 bits (hopwatch's seq there: base + seq << 16). */
size_t l4_off(const struct fam *f, const uint8_t *p)
{
    return f->v6 ? 40 : (size_t)(p[0] & 0x0f) * 4;
}

void set_seq(const struct fam *f, int kind, uint8_t *p, size_t len, uint16_t seq)
{
    size_t o = l4_off(f, p);
    if (kind == 0 && o + 8 <= len) {
        put16(p + o + 6, seq);
    } else if (kind == 1 && o + 14 <= len) {
        put16(p + o + 10, seq);
        put16(p + o + 12, (uint16_t)~seq);
    } else if (kind == 2 && o + 8 <= len) {
        put16(p + o + 4, seq);
    }
}

uint16_t get_seq(const struct fam *f, int kind, const uint8_t *p, size_t len)
{
    size_t o = l4_off(f, p);
    if (kind == 0 && o + 8 <= len)
        return get16(p + o + 6);
    if (kind == 2 && o + 8 <= len)
        return get16(p + o + 4);
    return o + 14 <= len ? get16(p + o + 10) : 0;
}

/* An error message (type/code) quoting q (qlen bytes); its checksum is send_icmp()'s. */
size_t error_msg(uint8_t *m, int type, int code, const uint8_t *q, size_t qlen)
{
    memset(m, 0, 8);
    m[0] = (uint8_t)type;
    m[1] = (uint8_t)code;
    memcpy(m + 8, q, qlen);
    return 8 + qlen;
}

/* Does this captured reply (IP header first) carry an error quoting a UDP datagram? */
bool quotes_udp(const struct fam *f, const uint8_t *p, size_t len)
{
    size_t ip = f->v6 ? 40 : (size_t)(p[0] & 0x0f) * 4, q = ip + 8;
    int type = len > ip ? p[ip] : -1;
    bool error = f->v6 ? type >= 1 && type <= 4 : type == 3 || type == 11;

    if (!error || len < q + 20)
        return false;
    return f->v6 ? p[q + 6] == 17 : p[q + 9] == 17;
}

int te_type(const struct fam *f)
{
    return f->v6 ? 3 : 11;
}

void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}
