/*
 * columns.h - the hop table's columns: one table gives each column's key letter (mtr's where
 * mtr has one, for -o/--order), title, width and value. Pure formatting over one row - a
 * hop's statistics, its published verdict and its main responder's names, gathered by the
 * caller - shared by the TUI and the text report.
 */
#ifndef HOPWATCH_COLUMNS_H
#define HOPWATCH_COLUMNS_H

#include "path/diagnose.h"
#include "path/hops.h"
#include "names/resolver.h"
#include "prober/pmtu.h"
#include "names/segment.h"

#include <stddef.h>

#define COLUMNS_MAX 32

/* One row of the table: everything a column may show. */
struct col_row {
    const struct hop_stats *h;
    const struct hop_diag *diag;    /* its published verdict (NULL: none yet) */
    const struct name_info *names;  /* of its main responder (NULL: nothing known) */
    uint64_t now_us;                /* CLOCK_MONOTONIC, for windowed loss */
    const struct pmtu_result *pmtu; /* --pmtu: the mode's path MTU search (NULL: off) */
    enum segment segment;           /* the part of the path its main responder is in */
};

struct column {
    char key;
    const char *title;
    int width; /* including one leading space */
    const char *help;
    /* Writes the value (right-aligned by the caller) into buf. */
    void (*fmt)(const struct col_row *row, char *buf, size_t len);
};

/* Defaults: loss and the verdict, mtr's RTT set and its jitter, "LE SNABWV J" (spaces
 * separate), with the AS number first when an AS source is on ("Z LE SNABWV J"); mtr's jitter
 * set "DR JMXI" (key j). When the default does not fit the terminal, its columns go in the
 * order of columns_expendable, least important first; an -o order loses columns from the
 * right. */
extern const char columns_default[];
extern const char columns_default_asn[];
extern const char columns_jitter[];
extern const char columns_expendable[];

const struct column *columns_find(char key);
/* Every column, for help screens: *n gets the count. */
const struct column *columns_all(size_t *n);
/* Checks an -o/--order string: known letters and spaces only. 0, or -1 with err set. */
int columns_check_order(const char *order, char *err, size_t err_len);

#endif
