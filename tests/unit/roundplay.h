/* roundplay.h - plays synthetic rounds into a round consumer the way the prober does: every
 * probe sent (on_probe, ROUND_PENDING), then its outcome (on_probe), then the complete round
 * (on_round). For the unit tests of what consumes rounds (target, reports, events). */
#ifndef HOPWATCH_ROUNDPLAY_H
#define HOPWATCH_ROUNDPLAY_H

#include "prober/round.h"

#include <string.h>

/* pattern[i] is TTL i+1: 'a' answered by from[i] after rtt_us[i], 'u' answered with a host
 * unreachable (the path ends there), 'x' lost, '.' not sent. TTL dest (0: none yet) answers
 * as the destination unless it says unreachable. */
static inline void play_round(const struct round_consumer *c, int mode, uint32_t number, int dest,
                              const char *pattern, const struct probe_addr *from,
                              const uint32_t *rtt_us)
{
    static struct round_probe probe[64];
    struct round r = {.number = number,
                      .mode = mode,
                      .prev_mode = mode,
                      .first_ttl = 1,
                      .last_ttl = (int)strlen(pattern),
                      .dest_ttl = dest,
                      .probe = probe};

    r.wall.tv_sec = 1700000000 + (time_t)number;
    memset(probe, 0, sizeof(probe));
    for (int i = 0; pattern[i]; i++) {
        if (pattern[i] == '.')
            continue;
        probe[i].outcome = ROUND_PENDING;
        probe[i].sent_us = 1000000ull * number;
        c->on_probe(c->ctx, &r, i + 1);
    }
    for (int i = 0; pattern[i]; i++) {
        if (pattern[i] == '.')
            continue;
        probe[i].outcome = pattern[i] == 'x' ? ROUND_LOST : ROUND_ANSWERED;
        if (pattern[i] == 'u') {
            probe[i].from = from[i];
            probe[i].kind = PROBE_REPLY_UNREACH;
            probe[i].icmp_type = 3;
            probe[i].icmp_code = 1;
            r.end_unreach = true;
        } else if (pattern[i] == 'a') {
            probe[i].from = from[i];
            probe[i].rtt_us = rtt_us[i];
            probe[i].reply_ttl = (int16_t)(64 - i);
            probe[i].kind = dest && i + 1 == dest ? PROBE_REPLY_DEST : PROBE_REPLY_TTL_EXCEEDED;
        }
        c->on_probe(c->ctx, &r, i + 1);
    }
    c->on_round(c->ctx, &r);
}

#endif
