/*
 * columns.c - the column table (see columns.h). Values that do not exist yet print "-".
 * Counts print in full; a count too wide for its column widens it rather than being cut.
 */
#include "columns.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char columns_default[] = "LE SNABWV J";
const char columns_default_asn[] = "Z LE SNABWV J";
const char columns_jitter[] = "DR JMXI";
const char columns_expendable[] = "VWBSNJZAE";

static void fmt_ms(double us, bool valid, char *buf, size_t len)
{
    if (!valid)
        snprintf(buf, len, "-");
    else if (us >= 100000000.0)
        snprintf(buf, len, "%.0fs", us / 1e6);
    else
        snprintf(buf, len, "%.1f", us / 1000.0);
}

static void col_loss(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    snprintf(b, n, "%.1f%%", hop_loss_pct(h));
}

static void col_drop(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    snprintf(b, n, "%" PRIu64, h->lost);
}

static void col_rcv(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    snprintf(b, n, "%" PRIu64, h->received);
}

static void col_sent(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    snprintf(b, n, "%" PRIu64, h->sent);
}

static void col_last(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->rtt.last_us, h->rtt.n > 0, b, n);
}

static void col_best(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->rtt.best_us, h->rtt.n > 0, b, n);
}

static void col_avg(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->rtt.mean_us, h->rtt.n > 0, b, n);
}

static void col_worst(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->rtt.worst_us, h->rtt.n > 0, b, n);
}

static void col_stdev(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(rtt_stddev_us(&h->rtt), h->rtt.n > 1, b, n);
}

static void col_jttr(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->jttr_us, h->njitter > 0, b, n);
}

static void col_javg(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->javg_us, h->njitter > 0, b, n);
}

static void col_jmax(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->jmax_us, h->njitter > 0, b, n);
}

static void col_jrfc(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    fmt_ms(h->jitter_us, h->njitter > 0, b, n);
}

static void col_rttl(const struct col_row *row, char *b, size_t n)
{
    const struct hop_stats *h = row->h;
    const struct hop_responder *r = hop_main_responder(h);
    if (r && r->reply_ttl >= 0)
        snprintf(b, n, "%d", r->reply_ttl);
    else
        snprintf(b, n, "-");
}

static void col_back(const struct col_row *row, char *b, size_t n)
{
    const struct hop_responder *r = hop_main_responder(row->h);
    int back = r ? hop_return_hops(r->reply_ttl) : -1;
    if (back < 0)
        snprintf(b, n, "-");
    else
        snprintf(b, n, "%d%s", back, back > row->h->ttl ? "!" : "");
}

static void col_verdict(const struct col_row *row, char *b, size_t n)
{
    snprintf(b, n, "%s", row->diag ? verdict_name(row->diag->verdict) : "-");
}

static void window(const struct col_row *row, int secs, char *b, size_t n)
{
    uint64_t done, lost;
    hop_window(row->h, row->now_us, secs, &done, &lost);
    if (done)
        snprintf(b, n, "%.1f%%", 100.0 * (double)lost / (double)done);
    else
        snprintf(b, n, "-");
}

static void col_loss10s(const struct col_row *row, char *b, size_t n)
{
    window(row, 10, b, n);
}

static void col_loss1m(const struct col_row *row, char *b, size_t n)
{
    window(row, 60, b, n);
}

static void col_loss10m(const struct col_row *row, char *b, size_t n)
{
    window(row, 600, b, n);
}

static void col_asn(const struct col_row *row, char *b, size_t n)
{
    if (row->names && row->names->asn)
        snprintf(b, n, "AS%u", row->names->asn);
    else
        snprintf(b, n, "-");
}

static void col_cc(const struct col_row *row, char *b, size_t n)
{
    if (row->names && row->names->cc[0])
        snprintf(b, n, "%s", row->names->cc);
    else
        snprintf(b, n, "-");
}

static void col_segment(const struct col_row *row, char *b, size_t n)
{
    const char *name = segment_name(row->segment);
    snprintf(b, n, "%s", name[0] ? name : "-");
}

static void col_mtu(const struct col_row *row, char *b, size_t n)
{
    int mtu = row->pmtu ? pmtu_mtu_at(row->pmtu, row->h->ttl) : 0;
    if (mtu > 0)
        snprintf(b, n, "%d", mtu);
    else
        snprintf(b, n, "-");
}

static const struct column table[] = {
    {'L', "Loss%", 7, "loss: lost / (answered + timed out)", col_loss},
    {'D', "Drop", 6, "probes lost", col_drop},
    {'R', "Rcv", 6, "probes answered", col_rcv},
    {'S', "Snt", 6, "probes sent", col_sent},
    {'N', "Last", 7, "newest RTT, ms", col_last},
    {'B', "Best", 7, "lowest RTT, ms", col_best},
    {'A', "Avg", 7, "mean RTT, ms", col_avg},
    {'W', "Wrst", 7, "highest RTT, ms", col_worst},
    {'V', "StDev", 7, "sample standard deviation of the RTT, ms", col_stdev},
    {'J', "Jttr", 7, "mtr's jitter: |RTT(n) - RTT(n-1)| of the newest pair, ms", col_jttr},
    {'M', "Javg", 7, "mean of |RTT(n) - RTT(n-1)|, ms", col_javg},
    {'X', "Jmax", 7, "largest |RTT(n) - RTT(n-1)|, ms", col_jmax},
    {'I', "Jrfc", 7, "RFC 3550 jitter at true scale (mtr's Jint is 16 times it), ms", col_jrfc},
    {'T', "RTTL", 5, "TTL of the replies as received (return path length)", col_rttl},
    {'H', "Back", 5, "hops on the way back, from the reply TTL; '!' when longer than the way there",
     col_back},
    {'E', "Verdict", 12, "what the loss means: ok, reply-only, forwarding, destination, unknown",
     col_verdict},
    {'Z', "ASN", 10, "AS number (--asn-db, or -z over DNS)", col_asn},
    {'C', "CC", 4, "country code (--geo-db, or -z over DNS)", col_cc},
    {'K', "L10s", 7, "loss of the probes sent in the last 10 seconds", col_loss10s},
    {'Y', "L1m", 7, "loss of the probes sent in the last minute", col_loss1m},
    {'P', "Seg", 8,
     "segment: lan, cgnat, isp (the ISP's AS), transit (another AS), dest (the target)",
     col_segment},
    {'U', "MTU", 6, "--pmtu: the path MTU up to this hop (where it drops: the hop after the link)",
     col_mtu},
    {'O', "L10m", 7, "loss of the probes sent in the last 10 minutes", col_loss10m},
};

const struct column *columns_find(char key)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].key == key)
            return &table[i];
    return NULL;
}

const struct column *columns_all(size_t *n)
{
    *n = sizeof(table) / sizeof(table[0]);
    return table;
}

int columns_check_order(const char *order, char *err, size_t err_len)
{
    if (strlen(order) >= COLUMNS_MAX)
        return snprintf(err, err_len, "--order: at most %d letters", COLUMNS_MAX - 1), -1;
    for (const char *p = order; *p; p++) {
        if (*p != ' ' && !columns_find(*p)) {
            char valid[64] = "";
            size_t n;
            const struct column *all = columns_all(&n);
            for (size_t i = 0; i < n; i++)
                valid[i] = all[i].key;
            return snprintf(err, err_len, "--order: unknown column '%c' (known: %s)", *p, valid),
                   -1;
        }
    }
    return 0;
}
