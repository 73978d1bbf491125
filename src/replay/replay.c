/*
 * replay.c - playing a recording back (see replay.h). The whole recording is read into
 * memory (rounds and their probes); then the settle order is walked from 1 up.
 */
#include "replay_internal.h"
#include "prober/pmtu.h"
#include "recording.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "2026-11-29T04:37:16.525Z" back into a timespec (UTC). */
static bool parse_time(const char *s, struct timespec *ts)
{
    struct tm tm;
    int ms = 0;
    const char *rest;

    memset(&tm, 0, sizeof(tm));
    if (!s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || sscanf(rest, ".%3dZ", &ms) != 1)
        return false;
    ts->tv_sec = timegm(&tm);
    ts->tv_nsec = (long)ms * 1000000L;
    return true;
}

static int mode_of(const char *name)
{
    enum probe_mode m;
    return name && probe_mode_parse(name, &m) == 0 && m >= 0 ? (int)m : -1;
}

static int enum_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static long long num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* A number of seconds (within a day) in microseconds, or the default. */
static uint64_t seconds_us(json_t *v, double fallback)
{
    double s = json_number_value(v);
    return (uint64_t)((s > 0 && s <= 86400 ? s : fallback) * 1e6);
}

static int header(struct replay *rp, json_t *h, char *err, size_t len)
{
    struct replay_setup *s = &rp->setup;
    json_t *o = json_object_get(h, "options"), *t = json_object_get(h, "target"), *m;
    const char *key;
    size_t i;

    snprintf(s->target_name, sizeof(s->target_name), "%s",
             json_string_value(json_object_get(t, "name")) ?: "");
    snprintf(s->target_addr, sizeof(s->target_addr), "%s",
             json_string_value(json_object_get(t, "addr")) ?: "");
    snprintf(s->mode_reason, sizeof(s->mode_reason), "%s",
             json_string_value(json_object_get(h, "mode_reason")) ?: "");
    snprintf(s->host, sizeof(s->host), "%s", json_string_value(json_object_get(h, "host")) ?: "");
    snprintf(s->command, sizeof(s->command), "%s",
             json_string_value(json_object_get(h, "command")) ?: "");
    snprintf(s->columns, sizeof(s->columns), "%s",
             json_string_value(json_object_get(o, "columns")) ?: "");
    json_array_foreach(json_object_get(h, "modes"), i, m)
    {
        int mode = mode_of(json_string_value(m));
        if (mode >= 0 && s->nmodes < PROBE_MODE_COUNT)
            s->modes[s->nmodes++] = mode;
    }
    s->target.first_ttl = (int)num(o, "first_ttl");
    s->target.max_ttl = (int)num(o, "max_ttl");
    s->target.nflows = (int)num(o, "flows");
    rp->pmtu_on = json_is_true(json_object_get(o, "pmtu"));
    rp->timeout_us = seconds_us(json_object_get(o, "timeout_s"), 2.0);
    rp->interval_us = seconds_us(json_object_get(o, "interval_s"), 1.0);
    json_object_foreach(json_object_get(h, "first_mtu"), key, m)
    {
        int mode = mode_of(key);
        if (mode >= 0 && json_is_integer(m))
            rp->first_mtu[mode] = (int)(json_integer_value(m) & 0xffff);
    }
    rp->packet_bytes = (int)num(o, "packet_bytes");
    if (!s->nmodes || s->target.first_ttl < 1 || s->target.max_ttl > 255 ||
        s->target.first_ttl > s->target.max_ttl || s->target.nflows > PROBE_FLOWS_MAX ||
        !parse_time(json_string_value(json_object_get(h, "started_at")), &s->started))
        return snprintf(err, len, "a header without its modes, TTLs or start time"), -1;
    return 0;
}

/* One probe object into p; false when it makes no sense. */
static bool probe(json_t *j, int first_ttl, int last_ttl, struct round *r)
{
    static const char *const outcomes[] = {"unsent", "pending", "answered", "lost", "cancelled"};
    static const char *const kinds[] = {"ttl-exceeded", "dest", "unreach", "too-big"};
    int ttl = (int)num(j, "ttl"),
        o = enum_of(json_string_value(json_object_get(j, "outcome")), outcomes, 5);
    struct round_probe *p;
    json_t *e;
    size_t i;

    if (ttl < first_ttl || ttl > last_ttl || o < 0)
        return false;
    p = &r->probe[ttl - first_ttl];
    p->outcome = (uint8_t)o;
    p->sent_us = (uint64_t)num(j, "sent_us");
    p->settled = (uint32_t)num(j, "settled");
    if (p->settled && (o == ROUND_UNSENT || o == ROUND_PENDING))
        return false; /* what never settled has no settle number */
    if (o != ROUND_ANSWERED)
        return true;
    p->kind = (uint8_t)enum_of(json_string_value(json_object_get(j, "kind")), kinds, 4);
    p->rtt_us = (uint32_t)num(j, "rtt_us");
    p->reply_ttl =
        json_is_integer(json_object_get(j, "reply_ttl")) ? (int16_t)num(j, "reply_ttl") : -1;
    p->icmp_type = (uint8_t)num(j, "icmp_type");
    p->icmp_code = (uint8_t)num(j, "icmp_code");
    p->mtu = (uint16_t)num(j, "mtu");
    json_array_foreach(json_object_get(j, "mpls"), i, e)
    {
        if (p->nmpls >= PROBE_MPLS_MAX)
            break;
        p->mpls[p->nmpls++] = (struct probe_mpls){.label = (uint32_t)num(e, "label") & 0xfffff,
                                                  .tc = (uint8_t)(num(e, "tc") & 7),
                                                  .s = (uint8_t)(num(e, "s") & 1),
                                                  .ttl = (uint8_t)num(e, "ttl")};
    }
    return p->kind <= PROBE_REPLY_TOOBIG &&
           probe_addr_parse(json_string_value(json_object_get(j, "from")) ?: "", &p->from) == 0;
}

static int round_line(struct replay *rp, json_t *j, char *err, size_t len)
{
    const struct replay_setup *s = &rp->setup;
    int flows = s->target.nflows > 1 ? s->target.nflows : 1, width = 0;
    json_t *probes = json_object_get(j, "probes"), *pj;
    struct round *r;
    size_t i;

    json_array_foreach(probes, i, pj) /* room up to the highest TTL it lists, no more */
    {
        int ttl = (int)num(pj, "ttl");
        if (ttl >= s->target.first_ttl && ttl <= s->target.max_ttl &&
            ttl - s->target.first_ttl + 1 > width)
            width = ttl - s->target.first_ttl + 1;
    }
    if (width == 0)
        return snprintf(err, len, "a round without probes"), -1;
    if (rp->slots + (size_t)width > REPLAY_SLOTS_MAX)
        return snprintf(err, len, "more than %u probes: too long to replay at once",
                        REPLAY_SLOTS_MAX),
               -1;

    if (rp->nrounds == rp->cap) {
        size_t cap = rp->cap ? rp->cap * 2 : 256;
        struct round *nr = realloc(rp->rounds, cap * sizeof(*nr));
        if (!nr)
            return snprintf(err, len, "out of memory"), -1;
        rp->rounds = nr;
        rp->cap = cap;
    }
    r = &rp->rounds[rp->nrounds];
    *r = (struct round){.number = (uint32_t)num(j, "number"),
                        .mode = mode_of(json_string_value(json_object_get(j, "mode"))),
                        .flow = (uint8_t)num(j, "flow"),
                        .sizing = json_is_true(json_object_get(j, "sizing")),
                        .size = (uint16_t)num(j, "size"),
                        .switched = json_is_true(json_object_get(j, "switched")),
                        .dest_ttl = (int)num(j, "dest_ttl"),
                        .end_unreach = json_is_true(json_object_get(j, "end_unreach")),
                        .completed = (uint32_t)num(j, "completed"),
                        .partial = json_is_true(json_object_get(j, "partial")),
                        .first_ttl = s->target.first_ttl,
                        .last_ttl = s->target.first_ttl - 1,
                        .prev_mode = rp->nrounds ? rp->rounds[rp->nrounds - 1].mode : -1};
    if (json_is_integer(json_object_get(j, "wall_ns")) && num(j, "wall_ns") > 0) {
        r->wall.tv_sec = (time_t)(num(j, "wall_ns") / 1000000000LL);
        r->wall.tv_nsec = (long)(num(j, "wall_ns") % 1000000000LL);
    } else if (!parse_time(json_string_value(json_object_get(j, "at")), &r->wall)) {
        r->mode = -1; /* no time: refused below */
    }
    if (r->mode < 0 || r->flow >= flows || !json_is_array(probes) ||
        !(r->probe = calloc((size_t)width, sizeof(*r->probe))))
        return snprintf(err, len, "a round without its mode, time or probes"), -1;
    json_array_foreach(probes, i, pj)
    {
        if (!probe(pj, s->target.first_ttl, s->target.first_ttl + width - 1, r)) {
            free(r->probe);
            return snprintf(err, len, "probe %zu of the round makes no sense", i + 1), -1;
        }
        if ((int)num(pj, "ttl") > r->last_ttl)
            r->last_ttl = (int)num(pj, "ttl");
    }
    rp->nrounds++;
    rp->slots += (size_t)width;
    return 0;
}

static int end_line(struct replay *rp, json_t *j, char *err, size_t len)
{
    json_t *p = json_object_get(j, "packets");

    rp->have_end = true;
    snprintf(rp->end_reason, sizeof(rp->end_reason), "%s",
             json_string_value(json_object_get(j, "end_reason")) ?: "");
    rp->counters = (struct probe_counters){.malformed = (uint64_t)num(p, "malformed"),
                                           .foreign = (uint64_t)num(p, "foreign"),
                                           .send_errors = (uint64_t)num(p, "send_errors"),
                                           .send_retries = (uint64_t)num(p, "send_retries"),
                                           .rx_dropped = (uint64_t)num(p, "rx_dropped"),
                                           .short_quotes = (uint64_t)num(p, "short_quotes")};
    rp->unmatched = (uint64_t)num(p, "unmatched");
    rp->now_us = (uint64_t)num(j, "now_us");
    if (!parse_time(json_string_value(json_object_get(j, "ended_at")), &rp->ended))
        return snprintf(err, len, "an end line without its time"), -1;
    return 0;
}

/* Where an event was logged, kept to jump to (the replay makes the events themselves again):
 * how many round lines came before it. */
static int event_line(struct replay *rp, json_t *j)
{
    const char *kind = json_string_value(json_object_get(json_object_get(j, "event"), "kind"));

    if (strcmp(json_string_value(json_object_get(j, "phase")) ?: "", "start") != 0)
        return 0;
    if (rp->nevents < REPLAY_EVENTS_MAX)
        rp->event_after[rp->nevents++] = rp->nrounds;
    if (kind && strcmp(kind, "reset") == 0 && rp->nresets < REPLAY_EVENTS_MAX)
        rp->reset_after[rp->nresets++] = rp->nrounds;
    return 0;
}

static int take(struct replay *rp, json_t *j, char *err, size_t len)
{
    const char *type = json_string_value(json_object_get(j, "type"));

    if (strcmp(type, "header") == 0)
        return header(rp, j, err, len);
    if (strcmp(type, "round") == 0)
        return round_line(rp, j, err, len);
    if (strcmp(type, "end") == 0)
        return end_line(rp, j, err, len);
    if (strcmp(type, "event") == 0)
        return event_line(rp, j);
    return 0; /* summaries are made again, not read back */
}

/* Settle numbers count the probes of the run: far above the probes recorded, the file lies
 * (and the index of them would be huge). */
static bool settles_out_of_range(const struct replay *rp)
{
    uint64_t probes = 0, max = 0;

    for (size_t i = 0; i < rp->nrounds; i++)
        for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++) {
            uint32_t s = rp->rounds[i].probe[t - rp->rounds[i].first_ttl].settled;
            probes++;
            max = s > max ? s : max;
        }
    return max > 4 * probes + 100000;
}

struct replay *replay_load(const char *path, const char *target, char *err, size_t err_len)
{
    struct recording *rec = recording_open(path, err, err_len);

    if (rec)
        recording_select(rec, target);
    return rec ? replay_read(rec, path, err, err_len) : NULL;
}

struct replay *replay_read(struct recording *rec, const char *path, char *err, size_t err_len)
{
    struct replay *rp = calloc(1, sizeof(*rp));
    char why[256];
    json_t *j;
    int r = 0;

    if (!rp) {
        recording_close(rec);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    while ((r = recording_next(rec, &j, err, err_len)) > 0) {
        r = take(rp, j, why, sizeof(why));
        json_decref(j);
        if (r < 0) {
            snprintf(err, err_len, "%s:%ld: %s", path, recording_line(rec), why);
            break;
        }
    }
    rp->truncated = recording_truncated(rec);
    recording_close(rec);
    if (r == 0 && !rp->setup.nmodes)
        r = -1, snprintf(err, err_len, "%s: no header", path);
    if (r == 0 && settles_out_of_range(rp))
        r = -1, snprintf(err, err_len, "%s: settle numbers out of range", path);
    if (r < 0) {
        replay_free(rp);
        return NULL;
    }
    return rp;
}

const struct replay_setup *replay_setup(const struct replay *rp)
{
    return &rp->setup;
}

bool replay_truncated(const struct replay *rp)
{
    return rp->truncated;
}

void replay_run_info(const struct replay *rp, struct run_info *run)
{
    run->started = rp->setup.started;
    run->ended = rp->have_end  ? rp->ended
                 : rp->nrounds ? rp->rounds[rp->nrounds - 1].wall
                               : rp->setup.started;
    run->end_reason = rp->have_end ? rp->end_reason : "cut short";
    run->now_us = rp->now_us;
    if (!run->now_us) /* cut short: the last probe's send time */
        for (size_t i = 0; i < rp->nrounds; i++)
            for (int t = rp->rounds[i].first_ttl; t <= rp->rounds[i].last_ttl; t++)
                if (rp->rounds[i].probe[t - rp->rounds[i].first_ttl].sent_us > run->now_us)
                    run->now_us = rp->rounds[i].probe[t - rp->rounds[i].first_ttl].sent_us;
    run->counters = rp->counters;
    run->unmatched = rp->unmatched;
}

void replay_free(struct replay *rp)
{
    if (!rp)
        return;
    for (size_t i = 0; i < rp->nrounds; i++)
        free(rp->rounds[i].probe);
    free(rp->rounds);
    free(rp);
}
