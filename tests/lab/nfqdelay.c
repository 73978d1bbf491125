/*
 * nfqdelay.c - test-lab helper: holds packets from an NFQUEUE for a delay with jitter, then
 * accepts them. This kernel has no netem; iptables -j NFQUEUE plus this program replaces it.
 *
 *   nfqdelay QUEUE DELAY_MS [JITTER_MS [SEED [LOSS_PCT]]]
 *
 * Jitter is uniform in [-JITTER_MS, +JITTER_MS]; packets keep their order (a packet is never
 * released before the one queued ahead of it), so the delay is a FIFO. Seeded for
 * reproducible runs. Prints "ready" on stdout once bound. Ends on SIGTERM/SIGINT, accepting
 * what it still holds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll */
#endif
#include <arpa/inet.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#define HOLD_MAX 65536

struct held {
    uint32_t id;
    uint64_t due_ns;
};

static struct held ring[HOLD_MAX];
static unsigned head, count;
static uint64_t last_due_ns, delay_ns, jitter_ns;
static unsigned loss_per_10000;
static struct nfq_q_handle *qh;
static volatile sig_atomic_t stop;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *nfa, void *data)
{
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    uint32_t id;
    uint64_t due;

    (void)msg, (void)data;
    if (!ph)
        return 0;
    id = ntohl(ph->packet_id);
    if (loss_per_10000 && (unsigned)(random() % 10000) < loss_per_10000)
        return nfq_set_verdict(q, id, NF_DROP, 0, NULL);
    if (count == HOLD_MAX)
        return nfq_set_verdict(q, id, NF_ACCEPT, 0, NULL);
    due = now_ns() + delay_ns;
    if (jitter_ns)
        due = due - jitter_ns + (uint64_t)(random() % (2 * jitter_ns + 1));
    if (due < last_due_ns)
        due = last_due_ns; /* FIFO: never overtake */
    last_due_ns = due;
    ring[(head + count) % HOLD_MAX] = (struct held){id, due};
    count++;
    return 0;
}

static void release(uint64_t until)
{
    while (count && ring[head].due_ns <= until) {
        nfq_set_verdict(qh, ring[head].id, NF_ACCEPT, 0, NULL);
        head = (head + 1) % HOLD_MAX;
        count--;
    }
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    struct nfq_handle *h;
    char buf[65536] __attribute__((aligned));
    int fd;

    if (argc < 3) {
        fprintf(stderr, "usage: nfqdelay QUEUE DELAY_MS [JITTER_MS [SEED [LOSS_PCT]]]\n");
        return 2;
    }
    /* Release packets when they are due, not up to the default 50 us timer slack later: with
     * one packet held, the wake-up is the timer's, and 8 delayers in a row would add 0.4 ms
     * that a busier path (woken by arriving packets) does not see. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    delay_ns = (uint64_t)(atof(argv[2]) * 1e6);
    jitter_ns = argc > 3 ? (uint64_t)(atof(argv[3]) * 1e6) : 0;
    srandom(argc > 4 ? (unsigned)atoi(argv[4]) : 1);
    loss_per_10000 = argc > 5 ? (unsigned)(atof(argv[5]) * 100) : 0;
    if (jitter_ns > delay_ns)
        jitter_ns = delay_ns;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    h = nfq_open();
    if (!h || nfq_bind_pf(h, AF_INET) < 0 || nfq_bind_pf(h, AF_INET6) < 0) {
        perror("nfq_open/bind");
        return 1;
    }
    qh = nfq_create_queue(h, (uint16_t)atoi(argv[1]), on_packet, NULL);
    if (!qh || nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
        perror("nfq_create_queue");
        return 1;
    }
    nfq_set_queue_maxlen(qh, 20000);
    fd = nfq_fd(h);
    printf("ready\n");
    fflush(stdout);
    while (!stop) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        struct timespec ts = {0, 50000000}; /* wake at least every 50 ms to see signals */
        ssize_t n;
        if (count) {
            uint64_t now = now_ns(), due = ring[head].due_ns;
            uint64_t wait = due > now ? due - now : 0;
            if (wait < 50000000) {
                ts.tv_sec = 0;
                ts.tv_nsec = (long)wait;
            }
        }
        ppoll(&p, 1, &ts, NULL);
        while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
            nfq_handle_packet(h, buf, (int)n);
        release(now_ns());
    }
    release(UINT64_MAX);
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}
