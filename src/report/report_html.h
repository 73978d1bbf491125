/*
 * report_html.h - the one-file HTML report (--html FILE): everything inline (CSS and SVG, no
 * script, nothing fetched), readable in any browser and printable on A4 or Letter.
 *
 * For each target: the run (target, address, time span, mode and why, command line, version),
 * the verdict table with each hop's evidence sentence and the onset, the events, a chart a hop
 * of loss and mean RTT over time with the events marked, the responders of each hop and the
 * path changes, and with --baseline the comparison with the good day. With several targets an
 * overview comes first. Sections are written as the targets come and the document is put
 * together at the end, so the overview can lead.
 */
#ifndef HOPWATCH_REPORT_HTML_H
#define HOPWATCH_REPORT_HTML_H

#include "report.h"

struct history;
struct baseline_cmp;
struct html_doc;

struct html_doc *report_html_begin(void); /* NULL: out of memory */
/* One target's section and its line of the overview. b: the baseline comparison, or NULL. */
void report_html_target(struct html_doc *d, const struct run_info *run, const struct target_view *v,
                        struct history *h, const struct baseline_cmp *b);
/* The document into out, and d freed. 0, or -1 with errno when a write failed. */
int report_html_end(struct html_doc *d, FILE *out);

/* report_svg.c: a hop's chart, loss bars over the mean RTT line, the events marked. */
void report_svg_hop(FILE *out, struct history *h, int ttl, time_t from, time_t to,
                    const struct event *events, int nevents);
/* Text for HTML: &, <, >, " and ' as entities. */
void report_html_text(FILE *out, const char *s);

#endif
