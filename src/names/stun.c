/*
 * stun.c - the STUN Binding client (see stun.h): request bytes, the response parser, one
 * blocking exchange with retransmissions, and the server argument's host/port split.
 *
 * The parser trusts nothing of the datagram: every length is checked against the bytes that
 * are there before it is used, and values are copied out byte by byte. stun_query owns its
 * socket for the length of the call and closes it on every path; it keeps no state.
 */
#include "stun.h"
#include "text/textesc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define STUN_BINDING_REQUEST 0x0001
#define STUN_BINDING_SUCCESS 0x0101
#define STUN_BINDING_ERROR 0x0111
#define STUN_ATTR_ERROR_CODE 0x0009
#define STUN_ATTR_MAPPED_ADDRESS 0x0001
#define STUN_ATTR_XOR_MAPPED_ADDRESS 0x0020
#define STUN_FAMILY_IPV4 0x01
#define STUN_FAMILY_IPV6 0x02
#define STUN_RTO_MS 500 /* RFC 5389 7.2.1: initial RTO, doubled at each retransmission */

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t stun_build_request(uint8_t *buf, size_t cap, const uint8_t txid[12])
{
    if (cap < STUN_HEADER_BYTES)
        return 0;
    buf[0] = STUN_BINDING_REQUEST >> 8;
    buf[1] = STUN_BINDING_REQUEST & 0xff;
    buf[2] = 0; /* message length: no attributes */
    buf[3] = 0;
    buf[4] = (uint8_t)(STUN_MAGIC_COOKIE >> 24);
    buf[5] = (uint8_t)(STUN_MAGIC_COOKIE >> 16);
    buf[6] = (uint8_t)(STUN_MAGIC_COOKIE >> 8);
    buf[7] = (uint8_t)STUN_MAGIC_COOKIE;
    memcpy(buf + 8, txid, STUN_TXID_BYTES);
    return STUN_HEADER_BYTES;
}

/* Reads a (XOR-)MAPPED-ADDRESS value (RFC 5389 15.1 and 15.2): a zero byte, the family, the
 * port, the address. For XOR-MAPPED-ADDRESS the address is XORed with the message's bytes 4 on
 * (the cookie, then the transaction id for IPv6). 0 or -EINVAL. */
static int read_address(const uint8_t *v, size_t vlen, const uint8_t *msg, bool xored,
                        struct probe_addr *out)
{
    size_t alen;

    if (vlen < 4)
        return -EINVAL;
    if (v[1] == STUN_FAMILY_IPV4)
        alen = 4;
    else if (v[1] == STUN_FAMILY_IPV6)
        alen = 16;
    else
        return -EINVAL;
    if (vlen < 4 + alen)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->family = alen == 4 ? AF_INET : AF_INET6;
    for (size_t i = 0; i < alen; i++)
        out->bytes[i] = (uint8_t)(v[4 + i] ^ (xored ? msg[4 + i] : 0));
    return 0;
}

/* Checks the header of a message of this type answering txid; returns the attributes' end
 * (20 + message length) or 0 if anything is off. */
static size_t check_header(const uint8_t *p, size_t len, const uint8_t txid[12], uint16_t type)
{
    size_t mlen;

    if (len < STUN_HEADER_BYTES || (p[0] & 0xc0) != 0 || get16(p) != type)
        return 0;
    mlen = get16(p + 2);
    if (get32(p + 4) != STUN_MAGIC_COOKIE || mlen % 4 != 0 || STUN_HEADER_BYTES + mlen > len)
        return 0;
    if (memcmp(p + 8, txid, STUN_TXID_BYTES) != 0)
        return 0;
    return STUN_HEADER_BYTES + mlen;
}

/* Steps to the attribute at *off (RFC 5389 15: type, length, value padded to 4 bytes).
 * 1 with its type, value and length, 0 at the end, -EINVAL if it runs past end. */
static int next_attr(const uint8_t *p, size_t end, size_t *off, uint16_t *type,
                     const uint8_t **value, size_t *vlen)
{
    size_t padded;

    if (*off >= end)
        return 0;
    if (end - *off < 4)
        return -EINVAL;
    *type = get16(p + *off);
    *vlen = get16(p + *off + 2);
    padded = (*vlen + 3) & ~(size_t)3;
    if (padded > end - *off - 4)
        return -EINVAL;
    *value = p + *off + 4;
    *off += 4 + padded;
    return 1;
}

int stun_parse_response(const uint8_t *p, size_t len, const uint8_t txid[12],
                        struct probe_addr *mapped)
{
    struct probe_addr xor_addr, plain_addr;
    bool have_xor = false, have_plain = false;
    size_t end = check_header(p, len, txid, STUN_BINDING_SUCCESS), off = STUN_HEADER_BYTES, vlen;
    const uint8_t *v;
    uint16_t type;
    int r;

    if (end == 0)
        return -EINVAL;
    while ((r = next_attr(p, end, &off, &type, &v, &vlen)) > 0) {
        /* The first of each kind counts (RFC 5389 15: later duplicates are ignored). */
        if (type == STUN_ATTR_XOR_MAPPED_ADDRESS && !have_xor) {
            if (read_address(v, vlen, p, true, &xor_addr) < 0)
                return -EINVAL;
            have_xor = true;
        } else if (type == STUN_ATTR_MAPPED_ADDRESS && !have_plain) {
            if (read_address(v, vlen, p, false, &plain_addr) < 0)
                return -EINVAL;
            have_plain = true;
        }
    }
    if (r < 0 || (!have_xor && !have_plain))
        return -EINVAL;
    *mapped = have_xor ? xor_addr : plain_addr;
    return 0;
}

int stun_parse_error(const uint8_t *p, size_t len, const uint8_t txid[12], int *code, char *reason,
                     size_t reason_len)
{
    size_t end = check_header(p, len, txid, STUN_BINDING_ERROR), off = STUN_HEADER_BYTES, vlen;
    const uint8_t *v;
    uint16_t type;

    if (end == 0)
        return -EINVAL;
    while (next_attr(p, end, &off, &type, &v, &vlen) > 0) {
        /* RFC 5389 15.6: 21 reserved bits, class (3..6), number (0..99), reason phrase. */
        if (type != STUN_ATTR_ERROR_CODE)
            continue;
        if (vlen < 4 || (v[2] & 7) < 3 || (v[2] & 7) > 6 || v[3] > 99)
            return -EINVAL;
        *code = (v[2] & 7) * 100 + v[3];
        if (reason && reason_len)
            text_escape((const char *)v + 4, vlen - 4 < 64 ? vlen - 4 : 64, reason, reason_len);
        return 0;
    }
    return -EINVAL;
}

/* ---- the exchange --------------------------------------------------------------------------- */

/* "198.51.100.7:3478" or "[2001:db8::1]:3478". */
static const char *host_port(const struct probe_addr *a, uint16_t port, char *buf, size_t len)
{
    char s[64];

    probe_addr_str(a, s, sizeof(s));
    snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
    return buf;
}

static int fail(int err, char *why, size_t why_len, const char *msg)
{
    if (why && why_len)
        snprintf(why, why_len, "%s", msg);
    return err;
}

/* A socket error in words after "ADDR:PORT: ", lower case, with a hint where there is one. */
static int fail_errno(int err, char *why, size_t why_len, const char *where)
{
    char msg[128];

    snprintf(msg, sizeof(msg), "%s", strerror(err));
    if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
        msg[0] = (char)(msg[0] - 'A' + 'a');
    if (why && why_len)
        snprintf(why, why_len, "%s: %s%s", where, msg,
                 err == ECONNREFUSED ? " (no STUN server listens there)" : "");
    return -err;
}

struct exchange {
    int fd;
    struct probe_addr server;
    uint16_t port;
    uint8_t txid[STUN_TXID_BYTES];
    uint8_t req[STUN_HEADER_BYTES];
    int error_code; /* of an error response to our request, 0 if none came */
    char error_reason[80];
};

/* Reads every datagram waiting. 1 and *mapped when one is the answer, 0 when none is (others
 * are ignored), -EPROTO when the server answered with an error (it ends the transaction, RFC
 * 5389 7.3.4), -errno on a socket error (an ICMP error reported on the connected socket). */
static int read_answers(struct exchange *x, struct probe_addr *mapped)
{
    uint8_t buf[1500];

    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sslen = sizeof(ss);
        struct probe_addr from;
        ssize_t n = recvfrom(x->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sslen);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
        /* The socket is connected, so the kernel filters sources; checked again all the same. */
        if (probe_addr_from_sockaddr((struct sockaddr *)&ss, &from) != x->port ||
            !probe_addr_equal(&from, &x->server))
            continue;
        if (stun_parse_response(buf, (size_t)n, x->txid, mapped) == 0)
            return 1;
        if (stun_parse_error(buf, (size_t)n, x->txid, &x->error_code, x->error_reason,
                             sizeof(x->error_reason)) == 0)
            return -EPROTO;
    }
}

/* Sends and resends (at 0, RTO, 3 RTO, 7 RTO, ...) until an answer or timeout_ms. */
static int exchange_run(struct exchange *x, int timeout_ms, struct probe_addr *mapped, int *sent)
{
    uint64_t now = probe_now_us(), deadline = now + (uint64_t)timeout_ms * 1000;
    uint64_t next_send = now, rto_us = STUN_RTO_MS * 1000;

    for (;;) {
        struct pollfd pfd = {.fd = x->fd, .events = POLLIN};
        uint64_t until;
        int r;
        now = probe_now_us();
        if (now >= deadline)
            return -ETIMEDOUT;
        if (now >= next_send) {
            if (send(x->fd, x->req, sizeof(x->req), 0) < 0) {
                if (errno == EINTR)
                    continue; /* next_send unchanged: sent again at once */
                return -errno;
            }
            ++*sent;
            next_send = now + rto_us;
            rto_us *= 2;
        }
        until = next_send < deadline ? next_send : deadline;
        r = poll(&pfd, 1, (int)((until - now + 999) / 1000));
        if (r < 0 && errno != EINTR)
            return -errno;
        if (r > 0 && (r = read_answers(x, mapped)) != 0)
            return r < 0 ? r : 0;
    }
}

int stun_query(const struct probe_addr *server, uint16_t port, int timeout_ms,
               struct probe_addr *mapped, char *why, size_t why_len)
{
    struct exchange x = {.server = *server, .port = port ? port : STUN_PORT};
    struct sockaddr_storage ss;
    char where[80];
    int r, sent = 0;

    if (server->family != AF_INET && server->family != AF_INET6)
        return fail(-EINVAL, why, why_len, "STUN server: no address to ask");
    if (timeout_ms <= 0)
        return fail(-EINVAL, why, why_len, "STUN query: the timeout must be above 0 ms");
    host_port(server, x.port, where, sizeof(where));
    if (getrandom(x.txid, sizeof(x.txid), 0) != (ssize_t)sizeof(x.txid))
        return fail_errno(errno ? errno : EIO, why, why_len, "getrandom");
    stun_build_request(x.req, sizeof(x.req), x.txid);
    x.fd = socket(server->family == AF_INET ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (x.fd < 0)
        return fail_errno(errno, why, why_len, where);
    /* Connected: the kernel reports ICMP errors (port unreachable: ECONNREFUSED) to us. */
    if (connect(x.fd, (struct sockaddr *)&ss, probe_addr_to_sockaddr(server, x.port, &ss)) < 0)
        r = -errno;
    else
        r = exchange_run(&x, timeout_ms, mapped, &sent);
    close(x.fd);
    if (r == -ETIMEDOUT && why && why_len)
        snprintf(why, why_len, "no answer from %s in %.1f s (%d request%s sent)", where,
                 timeout_ms / 1000.0, sent, sent == 1 ? "" : "s");
    else if (r == -EPROTO && x.error_code && why && why_len)
        snprintf(why, why_len, "%s answered with STUN error %d%s%s%s", where, x.error_code,
                 x.error_reason[0] ? " (" : "", x.error_reason, x.error_reason[0] ? ")" : "");
    else if (r < 0)
        fail_errno(-r, why, why_len, where);
    return r;
}

/* ---- "HOST[:PORT]" -------------------------------------------------------------------------- */

static int copy_host(const char *s, size_t n, char *host, size_t hostlen)
{
    if (n == 0 || n >= hostlen)
        return -EINVAL;
    memcpy(host, s, n);
    host[n] = '\0';
    return 0;
}

/* Decimal 1..65535, digits only. */
static int parse_port(const char *s, uint16_t *port)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 65535)
            return -EINVAL;
    }
    if (v == 0)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

static bool is_ipv6(const char *host)
{
    uint8_t b[16];
    return inet_pton(AF_INET6, host, b) == 1;
}

int stun_parse_server(const char *arg, char *host, size_t hostlen, uint16_t *port)
{
    const char *colon = strchr(arg, ':'), *close_br;
    uint16_t p = STUN_PORT;

    if (arg[0] == '[') { /* "[v6]" or "[v6]:port" */
        close_br = strchr(arg, ']');
        if (!close_br || (close_br[1] != '\0' && close_br[1] != ':'))
            return -EINVAL;
        if (close_br[1] == ':' && parse_port(close_br + 2, &p) < 0)
            return -EINVAL;
        if (copy_host(arg + 1, (size_t)(close_br - arg - 1), host, hostlen) < 0 || !is_ipv6(host))
            return -EINVAL;
    } else if (colon && strchr(colon + 1, ':')) { /* several colons: a bare IPv6 address */
        if (copy_host(arg, strlen(arg), host, hostlen) < 0 || !is_ipv6(host))
            return -EINVAL;
    } else if (colon) { /* "host:port" */
        if (parse_port(colon + 1, &p) < 0 ||
            copy_host(arg, (size_t)(colon - arg), host, hostlen) < 0)
            return -EINVAL;
    } else if (copy_host(arg, strlen(arg), host, hostlen) < 0) {
        return -EINVAL;
    }
    if (strpbrk(host, "[] \t\r\n/"))
        return -EINVAL;
    *port = p;
    return 0;
}
