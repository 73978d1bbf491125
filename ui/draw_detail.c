/*
 * draw_detail.c - the hop detail screen: the selected hop's counts, its verdict and the
 * evidence for it, each responder with its names, and the hop in every probe mode.
 */
#include "ui_internal.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>

static void draw_responders(struct ui *u, const struct hop_stats *h, int *y, int rows, int cols)
{
    char buf[300], cell[3][32];

    mvprintw((*y)++, 0, "%-40s %8s %7s %8s %8s %8s %5s", "Responder", "Replies", "Share", "Avg",
             "Best", "Wrst", "RTTL");
    for (int i = 0; i < h->nresponders && *y < rows - 8; i++) {
        const struct hop_responder *r = &h->responders[i];
        const struct name_info *ni = frame_names(&u->f, h, r);
        snprintf(cell[0], sizeof(cell[0]), "%.1f", r->rtt.mean_us / 1000.0);
        snprintf(cell[1], sizeof(cell[1]), "%.1f", r->rtt.best_us / 1000.0);
        snprintf(cell[2], sizeof(cell[2]), "%.1f", r->rtt.worst_us / 1000.0);
        mvprintw((*y)++, 0, "%-40.40s %8" PRIu64 " %6.1f%% %8s %8s %8s %5d%s",
                 responder_text(u, h, r, buf, sizeof(buf)), r->received,
                 h->received ? 100.0 * (double)r->received / (double)h->received : 0.0, cell[0],
                 cell[1], cell[2], r->reply_ttl, r->is_dest ? "  target" : "");
        if (ni && (ni->asn || ni->cc[0] || ni->host[0])) {
            char addr[64];
            color_on(u, PAIR_DIM);
            mvprintw((*y)++, 2, "%.*s  %s  AS%u %s  %s", cols - 10,
                     ni->host[0] ? ni->host : "(no name)",
                     probe_addr_str(&r->addr, addr, sizeof(addr)), ni->asn, ni->as_name, ni->cc);
            color_off(u, PAIR_DIM);
        }
    }
    if (h->other_responders)
        mvprintw((*y)++, 0, "... and %" PRIu64 " replies from further responders",
                 h->other_responders);
}

/* The selected hop in every mode that opened (the frame read them). */
static void draw_modes(struct ui *u, int y, int rows)
{
    static const char letters[] = "LABWI";
    const struct frame *f = &u->f;
    char cell[5][32];

    attron(A_BOLD);
    mvprintw(y++, 0, "Every probe mode on this hop (statistics are kept per mode):");
    attroff(A_BOLD);
    mvprintw(y++, 0, "%-12s %8s %8s %8s %8s %8s %8s %8s", "Mode", "Sent", "Rcv", "Loss%", "Avg",
             "Best", "Wrst", "Jrfc");
    for (int m = 0; m < PROBE_MODE_COUNT && y < rows - 3; m++) {
        const struct hop_stats *o = &f->mode_hop[m];
        int dest = f->st.path[m].end_ttl;
        struct col_row row = {.h = o, .now_us = f->now_us};
        if (!f->mode_has[m])
            continue;
        if (!f->st.path[m].rounds || (dest && u->selected > dest)) {
            mvprintw(y++, 0, "%-12s %8s", probe_mode_name((enum probe_mode)m),
                     f->st.path[m].rounds ? "-" : "not probed yet (u, t, i or m switch)");
            continue;
        }
        for (int c = 0; c < 5; c++)
            columns_find(letters[c])->fmt(&row, cell[c], sizeof(cell[c]));
        mvprintw(y++, 0, "%-12s %8" PRIu64 " %8" PRIu64 " %8s %8s %8s %8s %8s%s",
                 probe_mode_name((enum probe_mode)m), o->sent, o->received, cell[0], cell[1],
                 cell[2], cell[3], cell[4], m == f->mode ? "  (probing)" : "");
    }
}

/* --pmtu: the MTU up to this hop, and what happens to large packets here. */
static void draw_mtu(const struct target_view *v, int ttl, int *y, int cols)
{
    const struct pmtu_result *res = &v->pmtu;
    char addr[64], text[200];

    if (!v->has_pmtu)
        return;
    mvprintw((*y)++, 0, "MTU up to this hop: %d", pmtu_mtu_at(res, ttl));
    for (int i = 0; i < res->ndrops; i++)
        if (res->drops[i].ttl == ttl)
            mvprintw((*y)++, 0, "The MTU drops here: %s said its next link takes %d bytes",
                     probe_addr_str(&res->drops[i].from, addr, sizeof(addr)), res->drops[i].mtu);
    if (res->hole_ttl == ttl) {
        pmtu_describe(res, text, sizeof(text));
        mvprintw((*y)++, 0, "%.*s", cols - 1, text);
    }
}

/* Which part of the path the hop is in, and the ISP it is judged against. */
static void draw_segment(struct ui *u, const struct hop_stats *h, int *y)
{
    struct col_row row = ui_row(u, h);
    char isp[200];

    if (row.segment == SEGMENT_UNKNOWN)
        return;
    isp_name(&u->f.isp, isp, sizeof(isp));
    mvprintw((*y)++, 0, "Segment: %s%s%s%s", segment_name(row.segment), isp[0] ? " (ISP: " : "",
             isp,
             isp[0] ? (u->f.isp.from_stun ? ", from STUN)" : ", the first public hop's)") : "");
}

/* The way back, from the reply TTL (tracepath's asymm). */
static void draw_return(const struct hop_stats *h, int *y)
{
    const struct hop_responder *r = hop_main_responder(h);
    int back = r ? hop_return_hops(r->reply_ttl) : -1;

    if (back < 0)
        return;
    mvprintw((*y)++, 0, "Way back: %d hop%s (way there: %d)%s", back, back == 1 ? "" : "s", h->ttl,
             back > h->ttl ? ": the replies take a longer path back (asymmetric)" : "");
}

/* --flows: the selected hop in every flow (the frame read them). */
static int draw_flows(struct ui *u, int y, int rows)
{
    const struct frame *f = &u->f;
    char addr[64], cell[2][32];

    if (!f->nflows || y >= rows - 4)
        return y;
    attron(A_BOLD);
    mvprintw(y++, 0, "Every flow on this hop (a load balancer may send each another way):");
    attroff(A_BOLD);
    mvprintw(y++, 0, "%-6s %-40s %8s %8s %8s %12s", "Flow", "Responder", "Sent", "Loss%", "Avg",
             "Verdict");
    for (int i = 0; i < f->nflows && y < rows - 3; i++) {
        const struct hop_stats *h = &f->flow_hop[i];
        const struct hop_responder *r = hop_main_responder(h);
        struct col_row row = {.h = h, .now_us = f->now_us};
        columns_find('L')->fmt(&row, cell[0], sizeof(cell[0]));
        columns_find('A')->fmt(&row, cell[1], sizeof(cell[1]));
        mvprintw(y++, 0, "%-6d %-40s %8" PRIu64 " %8s %8s %12s", i,
                 r ? probe_addr_str(&r->addr, addr, sizeof(addr)) : "???", h->sent, cell[0],
                 cell[1], verdict_name(f->flow_diag[i].verdict));
    }
    return y + 1;
}

void draw_detail(struct ui *u, int rows, int cols)
{
    const struct target_view *v = &u->f.view;
    const struct hop_diag *d;
    const struct hop_stats *h;
    int y = 4;

    if (u->selected < v->snap.first_ttl || u->selected > v->snap.nhops) {
        mvprintw(3, 0, "no hop selected");
        return;
    }
    h = &v->snap.hops[u->selected - 1];
    attron(A_BOLD);
    mvprintw(y++, 0,
             "Hop %d in %s mode: %" PRIu64 " sent, %" PRIu64 " answered, %" PRIu64 " lost, %" PRIu64
             " in flight, %" PRIu64 " unreachable",
             h->ttl, probe_mode_name(v->mode), h->sent, h->received, h->lost, h->inflight,
             h->unreach);
    attroff(A_BOLD);
    if ((d = target_view_diag(v, h->ttl))) {
        char ev[320];
        diagnose_evidence(v->in, &v->diag, h->ttl - v->snap.first_ttl, ev, sizeof(ev));
        color_on(u, verdict_pair(d));
        mvprintw(y++, 0, "Verdict: %s", verdict_name(d->verdict));
        color_off(u, verdict_pair(d));
        mvprintw(y++, 0, "%.*s", cols - 1, ev);
    }
    if (u->f.baseline[0])
        mvprintw(y++, 0, "%.*s", cols - 1, u->f.baseline);
    draw_segment(u, h, &y);
    draw_return(h, &y);
    draw_mtu(v, h->ttl, &y, cols);
    y++;
    draw_responders(u, h, &y, rows, cols);
    y = draw_flows(u, y + 1, rows);
    draw_modes(u, y, rows);
}
