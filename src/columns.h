/*
 * columns.h - the hop table's columns: one table gives each column's key letter (mtr's where
 * mtr has one, for -o/--order), title, width and value. Pure formatting over a hop's
 * statistics, shared by the TUI and the text report.
 */
#ifndef HOPWATCH_COLUMNS_H
#define HOPWATCH_COLUMNS_H

#include "diagnose.h"
#include "hops.h"
#include "names.h"

#include <stddef.h>

#define COLUMNS_MAX 32

/* What some columns need beyond the hop itself. */
struct col_ctx {
    const struct path_diag *diag; /* verdicts of hops first_ttl.. (NULL: none) */
    int first_ttl;
    uint64_t now_us;        /* CLOCK_MONOTONIC, for windowed loss */
    struct resolver *names; /* AS numbers and countries (NULL: none) */
};

struct column {
    char key;
    const char *title;
    int width; /* including one leading space */
    const char *help;
    /* Writes the value (right-aligned by the caller) into buf. */
    void (*fmt)(const struct hop_stats *h, const struct col_ctx *cx, char *buf, size_t len);
};

/* Defaults: mtr's latency set with our verdict, "LES NABWV" (spaces separate), and mtr's
 * jitter set "DR JMXI". */
extern const char columns_default[];
extern const char columns_jitter[];

const struct column *columns_find(char key);
/* Every column, for help screens: *n gets the count. */
const struct column *columns_all(size_t *n);
/* Checks an -o/--order string: known letters and spaces only. 0, or -1 with err set. */
int columns_check_order(const char *order, char *err, size_t err_len);

#endif
