/*
 * look.c - how things look on every screen: the color pairs, a responder's text, a verdict's
 * color and severity, a loss's color, one table row's values, the columns in use. Main
 * thread only.
 */
#include "ui_internal.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void ui_colors_init(struct ui *u)
{
    if (!u->color)
        return;
    start_color();
    use_default_colors(); /* the terminal's own background: works on dark and light themes */
    init_pair(PAIR_GOOD, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_HEAD, COLOR_CYAN, -1);
    init_pair(PAIR_DIM, COLOR_BLUE, -1);
    init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
}

void color_on(const struct ui *u, int pair)
{
    if (u->color && pair)
        attron(COLOR_PAIR(pair));
}

void color_off(const struct ui *u, int pair)
{
    if (u->color && pair)
        attroff(COLOR_PAIR(pair));
}

const char *ui_order(const struct ui *u)
{
    return u->jitter_cols ? columns_jitter : u->s->opt.order;
}

int verdict_pair(const struct hop_diag *d)
{
    if (!d)
        return 0;
    switch (d->verdict) {
    case VERDICT_OK:
        return PAIR_GOOD;
    case VERDICT_REPLY_ONLY:
        return PAIR_WARN;
    case VERDICT_FORWARDING:
    case VERDICT_DESTINATION:
        return PAIR_BAD;
    default:
        return PAIR_DIM;
    }
}

int loss_pair(const struct hop_stats *h)
{
    double loss = hop_loss_pct(h);
    return h->received + h->lost == 0 ? 0
           : loss == 0                ? PAIR_GOOD
           : loss < 10                ? PAIR_WARN
                                      : PAIR_BAD;
}

const char *responder_text(const struct ui *u, const struct hop_stats *h,
                           const struct hop_responder *r, char *buf, size_t len)
{
    const struct name_info *ni = frame_names(&u->f, h, r);
    char addr[64];

    const char *mark;

    if (!r)
        return "???";
    mark = h->unreach && !r->is_dest ? probe_unreach_mark(h->unreach_code) : "";
    probe_addr_str(&r->addr, addr, sizeof(addr));
    if (ni && u->asn && ni->asn && !strchr(ui_order(u), 'Z')) /* mtr -z: AS before the host */
        snprintf(buf, len, "AS%u %s%s%s", ni->asn, u->names && ni->host[0] ? ni->host : addr,
                 *mark ? " " : "", mark);
    else
        snprintf(buf, len, "%s%s%s", u->names && ni && ni->host[0] ? ni->host : addr,
                 *mark ? " " : "", mark);
    return buf;
}

struct col_row ui_row(const struct ui *u, const struct hop_stats *h)
{
    const struct hop_responder *r = hop_main_responder(h);
    const struct name_info *ni = frame_names(&u->f, h, r);

    return (struct col_row){.h = h,
                            .diag = target_view_diag(&u->f.view, h->ttl),
                            .names = ni,
                            .segment =
                                r ? segment_of(&r->addr, ni ? ni->asn : 0, u->f.isp.asn, r->is_dest)
                                  : SEGMENT_UNKNOWN,
                            .now_us = u->f.now_us,
                            .pmtu = u->f.view.has_pmtu ? &u->f.view.pmtu : NULL};
}

void draw_clock(const struct ui *u, int cols)
{
    struct timespec now;
    long secs;
    char line[64];

    clock_gettime(CLOCK_MONOTONIC, &now);
    secs = (long)(now.tv_sec - u->t0.tv_sec);
    snprintf(line, sizeof(line), "%ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    mvprintw(0, cols - (int)strlen(line) - 1, "%s", line);
}
