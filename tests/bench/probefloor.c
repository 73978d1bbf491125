/*
 * probefloor.c - the least CPU a prober can spend a probe through the socket API, for
 * tests/bench/peers.py to print beside hopwatch and mtr (a benchmark tool, not part of
 * hopwatch).
 *
 *   probefloor TARGET4 HOPS ROUNDS INTERVAL
 *
 * Every INTERVAL seconds, one round: HOPS ICMP echo requests (TTL 1..HOPS, the TTL in a control
 * message) in one sendmmsg() on a raw socket; then one sleep to the next round's start, and
 * every reply that came read with recvmmsg(). One system call a round each way, one wake-up a
 * round, no timestamps, no matching, no statistics: a real prober does more. Prints how many
 * ICMP messages it read to stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_HOPS 64
#define PROBE_BYTES 64

struct round {
    unsigned char pkt[MAX_HOPS][PROBE_BYTES];
    struct iovec iov[MAX_HOPS];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl[MAX_HOPS];
    struct mmsghdr msg[MAX_HOPS];
};

static unsigned short checksum(const unsigned char *p, size_t n)
{
    unsigned sum = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (unsigned)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned short)~sum;
}

/* The round's echo requests, ttl h + 1 for the h-th, sequence numbers from seq. */
static void build(struct round *r, int hops, struct sockaddr_in *dst, unsigned seq)
{
    for (int h = 0; h < hops; h++) {
        unsigned char *p = r->pkt[h];
        struct msghdr *m = &r->msg[h].msg_hdr;
        struct cmsghdr *c;
        unsigned short sum;

        memset(p, 0, PROBE_BYTES);
        p[0] = 8; /* echo request */
        p[4] = 0x68, p[5] = 0x66;
        p[6] = (unsigned char)((seq + (unsigned)h) >> 8);
        p[7] = (unsigned char)(seq + (unsigned)h);
        sum = checksum(p, PROBE_BYTES);
        p[2] = (unsigned char)(sum >> 8), p[3] = (unsigned char)sum;
        r->iov[h] = (struct iovec){.iov_base = p, .iov_len = PROBE_BYTES};
        memset(&r->msg[h], 0, sizeof(r->msg[h]));
        m->msg_name = dst;
        m->msg_namelen = sizeof(*dst);
        m->msg_iov = &r->iov[h];
        m->msg_iovlen = 1;
        m->msg_control = r->ctl[h].buf;
        m->msg_controllen = sizeof(r->ctl[h].buf);
        c = CMSG_FIRSTHDR(m);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_TTL;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &(int){h + 1}, sizeof(int));
    }
}

/* Everything queued on fd, in batches of MAX_HOPS. */
static long drain(int fd)
{
    static unsigned char buf[MAX_HOPS][512];
    struct iovec iov[MAX_HOPS];
    struct mmsghdr msg[MAX_HOPS];
    long got = 0;
    int n;

    do {
        for (int i = 0; i < MAX_HOPS; i++) {
            iov[i] = (struct iovec){.iov_base = buf[i], .iov_len = sizeof(buf[i])};
            memset(&msg[i], 0, sizeof(msg[i]));
            msg[i].msg_hdr.msg_iov = &iov[i];
            msg[i].msg_hdr.msg_iovlen = 1;
        }
        n = recvmmsg(fd, msg, MAX_HOPS, MSG_DONTWAIT, NULL);
        got += n > 0 ? n : 0;
    } while (n == MAX_HOPS);
    return got;
}

int main(int argc, char **argv)
{
    static struct round r;
    struct sockaddr_in dst = {.sin_family = AF_INET};
    struct timespec next;
    int hops, rounds, fd;
    long step_ns, got = 0;

    if (argc != 5 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 ||
        (hops = atoi(argv[2])) < 1 || hops > MAX_HOPS || (rounds = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: probefloor TARGET4 HOPS(1-%d) ROUNDS INTERVAL\n", MAX_HOPS);
        return 2;
    }
    step_ns = (long)(atof(argv[4]) * 1e9);
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) {
        perror("probefloor: raw socket");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (int k = 0; k < rounds; k++) {
        build(&r, hops, &dst, (unsigned)(k * hops));
        if (sendmmsg(fd, r.msg, (unsigned)hops, 0) != hops) {
            perror("probefloor: sendmmsg");
            return 1;
        }
        next.tv_nsec += step_ns;
        next.tv_sec += next.tv_nsec / 1000000000;
        next.tv_nsec %= 1000000000;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        got += drain(fd);
    }
    fprintf(stderr, "probefloor: %ld ICMP messages read for %d probes\n", got, hops * rounds);
    return 0;
}
