/* test_prober.c - the prober's loop with a scripted fake mode and a hand-turned clock: a round
 * sends every TTL, a destination reply ends the path and cancels probes past it (also when
 * the target's answers arrive out of order), later rounds
 * stop at the destination, a probe is lost only when its timeout expires, rounds reach the
 * consumers complete and in send order even when a newer one completes first, late replies
 * count as unmatched, sequence numbers wrap onto live probes by judging them lost, mode
 * switches take effect at a round edge, --modes rotates, pause sends nothing. */
#include "check.h"
#include "prober/prober.h"
#include "testaddr.h"

#include <string.h>

/* ---- the fake mode and clock ------------------------------------------------------------ */

static uint64_t clock_us;

static uint64_t fake_now(void)
{
    return clock_us;
}

static void fake_wall(struct timespec *ts)
{
    ts->tv_sec = (time_t)(clock_us / 1000000u);
    ts->tv_nsec = (long)(clock_us % 1000000u) * 1000;
}

struct sent {
    int mode, ttl;
    uint16_t seq;
    uint64_t at;
};
static struct sent sent[20000];
static int nsent;

struct queued {
    int mode;
    struct probe_reply r;
};
static struct queued queue[256];
static int nqueue;

static int fake_open(struct probe_sock *ps)
{
    (void)ps;
    return 0;
}

static int fake_send(struct probe_sock *ps, const struct probe_tx *tx, uint64_t *sent_us)
{
    if (nsent < (int)(sizeof(sent) / sizeof(sent[0])))
        sent[nsent++] =
            (struct sent){.mode = ps->ops->mode, .ttl = tx->ttl, .seq = tx->seq, .at = clock_us};
    *sent_us = clock_us;
    return 0;
}

static int fake_drain(struct probe_sock *ps, struct probe_reply *out, int max)
{
    int got = 0, keep = 0;

    for (int i = 0; i < nqueue; i++) {
        if (queue[i].mode == ps->ops->mode && got < max)
            out[got++] = queue[i].r;
        else
            queue[keep++] = queue[i];
    }
    nqueue = keep;
    return got;
}

static int fake_pollfds(struct probe_sock *ps, struct pollfd *fds, int max)
{
    (void)ps, (void)fds, (void)max;
    return 0;
}

static void fake_close(struct probe_sock *ps)
{
    (void)ps;
}

static const struct probe_ops fake_udp = {.mode = PROBE_UDP,
                                          .name = "fake-udp",
                                          .open = fake_open,
                                          .send = fake_send,
                                          .drain = fake_drain,
                                          .pollfds = fake_pollfds,
                                          .close = fake_close};
static const struct probe_ops fake_tcp = {.mode = PROBE_TCP,
                                          .name = "fake-tcp",
                                          .open = fake_open,
                                          .send = fake_send,
                                          .drain = fake_drain,
                                          .pollfds = fake_pollfds,
                                          .close = fake_close};

static struct probe_addr target, router;

/* Queues the reply to the probe sent as sent[i]. */
static void answer(int i, enum probe_kind kind, uint64_t rtt_us)
{
    struct probe_reply r = {.from = kind == PROBE_REPLY_DEST ? target : router,
                            .kind = kind,
                            .seq = sent[i].seq,
                            .reply_ttl = 60,
                            .rx_us = clock_us + rtt_us};
    queue[nqueue++] = (struct queued){.mode = sent[i].mode, .r = r};
}

/* ---- a consumer that writes down what it is told ---------------------------------------- */

struct seen {
    uint32_t number[64];
    int mode[64], dest[64], last[64];
    bool switched[64];
    char outcome[64][8]; /* per TTL 1..7: '.' unsent, 'A', 'L', 'C', 'P' */
    int nrounds;
    int probes[8]; /* on_probe calls per outcome */
};
static struct seen seen;

static void on_probe(void *ctx, const struct round *r, int ttl)
{
    (void)ctx;
    seen.probes[round_probe_at(r, ttl)->outcome]++;
}

static void on_round(void *ctx, const struct round *r)
{
    int i = seen.nrounds++;

    (void)ctx;
    if (i >= 64)
        return;
    seen.number[i] = r->number;
    seen.mode[i] = r->mode;
    seen.dest[i] = r->dest_ttl;
    seen.last[i] = r->last_ttl;
    seen.switched[i] = r->switched;
    for (int t = 1; t <= 7; t++) {
        const struct round_probe *p = round_probe_at(r, t);
        seen.outcome[i][t - 1] = !p                              ? '.'
                                 : p->outcome == ROUND_ANSWERED  ? 'A'
                                 : p->outcome == ROUND_LOST      ? 'L'
                                 : p->outcome == ROUND_CANCELLED ? 'C'
                                 : p->outcome == ROUND_PENDING   ? 'P'
                                                                 : '.';
    }
}

static struct prober *fresh(uint32_t rounds, int max_ttl, uint64_t interval_us, uint64_t timeout_us)
{
    struct prober_config cfg = {.probe = {.target = target},
                                .first_ttl = 1,
                                .max_ttl = max_ttl,
                                .interval_us = interval_us,
                                .timeout_us = timeout_us,
                                .rounds = rounds};
    struct prober_env env = {.now_us = fake_now, .wall = fake_wall, .no_poll = true};
    struct round_consumer c = {.on_probe = on_probe, .on_round = on_round};
    struct prober *p;

    env.ops[PROBE_UDP] = &fake_udp;
    env.ops[PROBE_TCP] = &fake_tcp;
    p = prober_new(&cfg, &env);
    CHECK(p != NULL);
    CHECK(prober_open_request(p, PROBE_UDP) == PROBE_UDP);
    CHECK(prober_open_mode(p, PROBE_TCP) == 0);
    CHECK(prober_add_consumer(p, &c) == 0);
    memset(&seen, 0, sizeof(seen));
    nsent = nqueue = 0;
    clock_us = 1000000;
    return p;
}

/* Turns the clock to `to`, running the prober whenever it asked to run, as its thread would;
 * returns what the last step returned. */
static uint64_t run_to(struct prober *p, uint64_t to)
{
    uint64_t until = prober_step(p);

    while (until && until <= to) {
        clock_us = until > clock_us ? until : clock_us + 1;
        until = prober_step(p);
    }
    if (clock_us < to) {
        clock_us = to;
        until = prober_step(p);
    }
    return until;
}

/* ---- the cases ---------------------------------------------------------------------------- */

static void path_end_and_order(void)
{
    struct prober *p = fresh(3, 7, 1000000, 2000000);
    struct prober_status st;
    uint64_t unmatched;
    uint64_t until;

    /* Round 0: every TTL, back to back. */
    until = prober_step(p);
    CHECK(nsent == 7 && sent[0].ttl == 1 && sent[6].ttl == 7 && sent[6].seq == 6);
    CHECK(until > clock_us && until <= clock_us + 1000000); /* before the next round */
    CHECK(seen.probes[ROUND_PENDING] == 7);
    /* The target answers TTL 5 (and 6, late); routers answer TTL 1-4. */
    answer(4, PROBE_REPLY_DEST, 900);
    prober_step(p);
    prober_status(p, &st);
    CHECK(st.path[PROBE_UDP].end_ttl == 5 && st.path[PROBE_UDP].rounds == 1);
    CHECK(seen.probes[ROUND_CANCELLED] == 2); /* TTL 6 and 7 */
    answer(5, PROBE_REPLY_DEST, 950);         /* for a cancelled probe: unmatched */
    for (int i = 0; i < 4; i++)
        answer(i, PROBE_REPLY_TTL_EXCEEDED, 100 * (uint64_t)(i + 1));
    prober_step(p);
    CHECK(seen.nrounds == 1 && seen.number[0] == 0 && seen.dest[0] == 5);
    CHECK(memcmp(seen.outcome[0], "AAAAACC", 7) == 0);

    /* Round 1 stops at the destination, its probes spread over min(interval / 2, 100 ms):
     * one every 20 ms. Its TTL 2 will time out. */
    run_to(p, 2000000 + 100000);
    CHECK(nsent == 12 && sent[11].ttl == 5 && sent[7].at == 2000000);
    CHECK(sent[8].at == 2020000 && sent[11].at == 2080000);
    for (int i = 7; i < 12; i++)
        if (sent[i].ttl != 2)
            answer(i, sent[i].ttl == 5 ? PROBE_REPLY_DEST : PROBE_REPLY_TTL_EXCEEDED, 500);
    prober_step(p);
    CHECK(seen.nrounds == 1); /* round 1 still waits for TTL 2 */
    /* Round 2, answered at once, completes first but is handed on after round 1. */
    run_to(p, 3000000 + 100000);
    CHECK(nsent == 17);
    for (int i = 12; i < 17; i++)
        answer(i, sent[i].ttl == 5 ? PROBE_REPLY_DEST : PROBE_REPLY_TTL_EXCEEDED, 500);
    clock_us += 500;
    prober_step(p);
    CHECK(seen.nrounds == 1 && seen.probes[ROUND_LOST] == 0);
    clock_us = 2020000 + 2000000 - 1; /* 1 us before round 1's TTL 2 times out */
    prober_step(p);
    CHECK(seen.probes[ROUND_LOST] == 0);
    clock_us += 1;
    CHECK(prober_step(p) == 0); /* three rounds done, nothing in flight */
    CHECK(seen.probes[ROUND_LOST] == 1 && seen.nrounds == 3);
    CHECK(seen.number[1] == 1 && seen.number[2] == 2);
    CHECK(memcmp(seen.outcome[1], "ALAAA..", 7) == 0 && seen.last[1] == 5);
    CHECK(memcmp(seen.outcome[2], "AAAAA..", 7) == 0);
    prober_counters(p, &unmatched);
    CHECK(unmatched == 1);
    prober_free(p);
}

/* The target's answers arrive out of order: TTL 4's before TTL 3's. The round that is handed
 * on ends at TTL 3; consumers never see the end the prober believed for a moment. */
static void end_found_out_of_order(void)
{
    struct prober *p = fresh(1, 6, 1000000, 2000000);

    prober_step(p);
    answer(3, PROBE_REPLY_DEST, 300); /* TTL 4 */
    prober_step(p);
    answer(2, PROBE_REPLY_DEST, 200); /* TTL 3 */
    answer(1, PROBE_REPLY_TTL_EXCEEDED, 100);
    answer(0, PROBE_REPLY_TTL_EXCEEDED, 100);
    CHECK(prober_step(p) == 0);
    CHECK(seen.nrounds == 1 && seen.dest[0] == 3 && seen.last[0] == 6);
    CHECK(memcmp(seen.outcome[0], "AAAACC.", 7) == 0); /* TTL 4 had answered */
    prober_free(p);
    /* The lower end's answer is the last of the round to come: the round still ends there. */
    p = fresh(1, 6, 1000000, 2000000);
    prober_step(p);
    answer(0, PROBE_REPLY_TTL_EXCEEDED, 100);
    answer(1, PROBE_REPLY_TTL_EXCEEDED, 100);
    answer(3, PROBE_REPLY_DEST, 200); /* TTL 4 */
    prober_step(p);
    answer(2, PROBE_REPLY_DEST, 300); /* TTL 3, last */
    CHECK(prober_step(p) == 0);
    CHECK(seen.nrounds == 1 && seen.dest[0] == 3);
    prober_free(p);
}

static void sequence_wrap(void)
{
    /* Nothing answers and the timeout is long: the 4097th probe (seq 4096) takes slot 0 back
     * from a live probe, which is judged lost then and there. */
    struct prober *p = fresh(0, 32, 10000, 1000000000);
    uint64_t unmatched;
    int lost;

    for (int r = 0; r < 129; r++)
        run_to(p, clock_us + 10000);
    CHECK(nsent >= 129 * 32 && sent[4096].seq == 4096 && sent[4095].seq == 4095);
    CHECK(seen.probes[ROUND_LOST] == nsent - 4096); /* one taken back for each sent */
    CHECK(seen.nrounds >= 1 && memcmp(seen.outcome[0], "LLLLLLL", 7) == 0);
    /* A late or replayed reply to seq 0 finds slot 0 held by seq 4096: it is unmatched, and
     * the live probe is still waiting for its own. */
    lost = seen.probes[ROUND_LOST];
    answer(0, PROBE_REPLY_TTL_EXCEEDED, 100);
    run_to(p, clock_us + 1);
    prober_counters(p, &unmatched);
    CHECK(unmatched == 1 && seen.probes[ROUND_LOST] == lost && seen.probes[ROUND_ANSWERED] == 0);
    answer(4096, PROBE_REPLY_TTL_EXCEEDED, 100);
    run_to(p, clock_us + 1);
    CHECK(seen.probes[ROUND_ANSWERED] == 1);
    prober_free(p);
}

static void modes_switch_rotate_pause(void)
{
    struct prober *p = fresh(0, 3, 1000000, 500000);
    int tcp_rotation[2] = {PROBE_UDP, PROBE_TCP};

    prober_step(p);
    CHECK(prober_request_mode(p, PROBE_ICMP_RAW) < 0); /* not open */
    CHECK(prober_request_mode(p, PROBE_TCP) == 0);
    clock_us += 600000; /* round 0 times out whole */
    prober_step(p);
    CHECK(seen.nrounds == 1 && seen.mode[0] == PROBE_UDP && !seen.switched[0]);
    clock_us += 400000;
    prober_step(p); /* the first tcp round: a burst */
    CHECK(nsent == 6 && sent[3].mode == PROBE_TCP && sent[5].at == sent[3].at);
    clock_us += 600000;
    prober_step(p);
    CHECK(seen.nrounds == 2 && seen.mode[1] == PROBE_TCP && seen.switched[1]);
    /* Paused: nothing is sent however long we wait. */
    prober_pause(p, true);
    clock_us += 5000000;
    prober_step(p);
    CHECK(nsent == 6);
    prober_free(p);

    /* --modes: rounds take the modes in turn, each counting its own. */
    p = fresh(2, 3, 1000000, 500000);
    CHECK(prober_set_rotation(p, tcp_rotation, 2) == 0);
    for (int i = 0; i < 6; i++)
        run_to(p, clock_us + 1000000);
    CHECK(nsent == 12 && sent[0].mode == PROBE_UDP && sent[3].mode == PROBE_TCP &&
          sent[6].mode == PROBE_UDP && sent[9].mode == PROBE_TCP);
    CHECK(seen.nrounds == 4 && !seen.switched[1] && seen.number[2] == 1);
    prober_free(p);
}

int main(void)
{
    target = test_addr("198.18.3.2");
    router = test_addr("198.18.0.2");
    path_end_and_order();
    end_found_out_of_order();
    sequence_wrap();
    modes_switch_rotate_pause();
    return check_finish();
}
