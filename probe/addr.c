/*
 * addr.c - the probe_addr helpers: the one place that converts between probe_addr (an IPv4 or
 * IPv6 address without socket headers, which core and UI code hold) and socket addresses, and
 * between it and its numeric text.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

bool probe_addr_equal(const struct probe_addr *a, const struct probe_addr *b)
{
    if (a->family != b->family || !a->family)
        return false;
    return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

unsigned probe_addr_to_sockaddr(const struct probe_addr *addr, uint16_t port,
                                struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (addr->family == AF_INET) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
        memcpy(&sin.sin_addr, addr->bytes, 4);
        memcpy(ss, &sin, sizeof(sin));
        return sizeof(sin);
    }
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    memcpy(&sin6.sin6_addr, addr->bytes, 16);
    memcpy(ss, &sin6, sizeof(sin6));
    return sizeof(sin6);
}

uint16_t probe_addr_from_sockaddr(const struct sockaddr *sa, struct probe_addr *addr)
{
    sa_family_t family;

    memset(addr, 0, sizeof(*addr));
    memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family), sizeof(family));
    if (family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, sa, sizeof(sin));
        addr->family = AF_INET;
        memcpy(addr->bytes, &sin.sin_addr, 4);
        return ntohs(sin.sin_port);
    }
    if (family == AF_INET6) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, sa, sizeof(sin6));
        addr->family = AF_INET6;
        memcpy(addr->bytes, &sin6.sin6_addr, 16);
        return ntohs(sin6.sin6_port);
    }
    return 0;
}

const char *probe_addr_str(const struct probe_addr *a, char *buf, size_t len)
{
    if (!a->family || !inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
        snprintf(buf, len, "???");
    return buf;
}

int probe_addr_parse(const char *s, struct probe_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, s, a->bytes) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, a->bytes) == 1) {
        a->family = AF_INET6;
        return 0;
    }
    return -EINVAL;
}
