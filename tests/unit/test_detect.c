/* test_detect.c - the event detector on synthetic rounds: a round's cut skips reply-only hops,
 * a burst needs DETECT_BURST_MIN lost rounds and ends after DETECT_CLEAN_MIN answered ones, its
 * onset is the most frequent cut, ordinary loss makes no burst; path changes (a new responder
 * as the hop table reports it, a new TTL of the target) and mode changes. */
#include "check.h"
#include "path/hops.h"
#include "testaddr.h"
#include "path/detect.h"

#include <string.h>

static struct round_probe probes[64];

static struct probe_addr hop2; /* who answers TTL 2 */

/* pattern[i] is TTL i+1: 'a' answered, 'x' lost, '.' not probed. */
static struct round round_at(int sec, int dest, const char *pattern)
{
    struct round r = {.mode = PROBE_ICMP_RAW,
                      .prev_mode = PROBE_ICMP_RAW,
                      .dest_ttl = dest,
                      .first_ttl = 1,
                      .last_ttl = (int)strlen(pattern),
                      .probe = probes};
    r.wall.tv_sec = 1000 + sec / 10;
    r.wall.tv_nsec = (sec % 10) * 100000000L;
    memset(probes, 0, sizeof(probes));
    for (int i = 0; pattern[i]; i++)
        probes[i].outcome = pattern[i] == 'a'   ? ROUND_ANSWERED
                            : pattern[i] == 'x' ? ROUND_LOST
                                                : ROUND_UNSENT;
    probes[1].from = hop2;
    r.number = (uint32_t)sec;
    return r;
}

int main(void)
{
    static struct detector w;
    struct event ev[16];
    struct event_log *log = events_new(NULL, NULL, 0);
    struct hops *h = hops_new(1, 30);
    struct round r;
    struct probe_addr a = test_addr("198.18.1.2"), b = test_addr("198.18.1.99"), first;
    int n;

    hop2 = a;
    detect_init(&w, log);
    r = round_at(0, 5, "aaxxx");
    CHECK(detect_cut(&w, &r) == 3);
    r = round_at(0, 5, "axaxx");
    CHECK(detect_cut(&w, &r) == 4);
    w.uninformative[3] = true; /* hop 3 is reply-only: its silence says nothing */
    CHECK(detect_cut(&w, &r) == 2);
    w.uninformative[3] = false;
    r = round_at(0, 5, "aaaax");
    CHECK(detect_cut(&w, &r) == 5);
    r = round_at(0, 5, "xxxxa");
    CHECK(detect_cut(&w, &r) == 0);
    r = round_at(0, 0, "xxxxx");
    CHECK(detect_cut(&w, &r) == 0); /* no destination yet */

    /* Ordinary loss: two lost rounds are no burst. */
    for (int i = 0; i < 30; i++) {
        r = round_at(i, 5, (i % 10 == 3 || i % 10 == 4) ? "aaxxx" : "aaaaa");
        detect_round(&w, &r);
    }
    CHECK(events_copy(log, ev, 16) == 0);
    /* An outage of 8 rounds from hop 3 (one shifted cut), then clean. */
    for (int i = 30; i < 50; i++) {
        const char *p = i < 38 ? (i == 30 ? "aaaxx" : "aaxxx") : "aaaaa";
        r = round_at(i, 5, p);
        detect_round(&w, &r);
    }
    n = events_copy(log, ev, 16);
    CHECK(n == 1 && ev[0].kind == EVENT_LOSS_BURST && ev[0].ended);
    CHECK(ev[0].onset == 3 && ev[0].nhops == 3 && ev[0].hops[0] == 3 && ev[0].hops[2] == 5);
    CHECK(ev[0].start.tv_sec == 1003 && ev[0].start.tv_nsec == 0);      /* round 30 */
    CHECK(ev[0].end.tv_sec == 1003 && ev[0].end.tv_nsec == 800000000L); /* round 38 */

    /* Path changes: the first responder is discovery; a second one is a change, once, when
     * it goes on answering (DETECT_STABLE_ROUNDS rounds); so is a new TTL of the target. */
    for (int i = 50; i < 56; i++) {
        hop2 = i < 52 ? a : b;
        hops_record_sent(h, PROBE_ICMP_RAW, 2);
        if (hops_record_reply(h, PROBE_ICMP_RAW, 2,
                              &(struct hop_reply){.from = hop2,
                                                  .rtt_us = 100,
                                                  .sent_us = 0,
                                                  .round = (uint32_t)i,
                                                  .reply_ttl = 63,
                                                  .is_dest = false,
                                                  .unreach = 0},
                              &first))
            detect_new_responder(&w, PROBE_ICMP_RAW, 0, 2, (uint32_t)i, &first, &hop2);
        r = round_at(i, 5, "aaaaa");
        detect_round(&w, &r);
        CHECK(events_copy(log, ev, 16) == (i < 54 ? 1 : 2)); /* b settles in round 54 */
    }
    /* The target answers at TTL 6 from round 56 on; then the user switches to UDP. */
    for (int i = 56; i < 59; i++) {
        r = round_at(i, 6, "aaaaaa");
        detect_round(&w, &r);
    }
    r = round_at(59, 6, "aaaaaa");
    r.mode = PROBE_UDP;
    r.switched = true;
    detect_round(&w, &r);
    n = events_copy(log, ev, 16);
    CHECK(n == 4);
    CHECK(ev[1].kind == EVENT_PATH_CHANGE && ev[1].hops[0] == 2 && strstr(ev[1].text, ".99"));
    CHECK(ev[2].kind == EVENT_PATH_CHANGE && ev[2].nhops == 2);
    CHECK(ev[3].kind == EVENT_MODE_CHANGE && strstr(ev[3].text, "icmp-raw -> udp"));
    detect_free(&w);
    events_free(log);
    hops_free(h);
    return check_finish();
}
