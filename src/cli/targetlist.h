/*
 * targetlist.h - the hosts a run watches: the command line's and a --targets file's (one host
 * a line, optionally followed by interval=SECONDS, its own time between rounds; blank lines and
 * everything after a '#' ignored), without repeats, in order.
 */
#ifndef HOPWATCH_TARGETLIST_H
#define HOPWATCH_TARGETLIST_H

#include <stddef.h>

#define TARGETLIST_INTERVAL_MIN 0.01 /* as -i */
#define TARGETLIST_INTERVAL_MAX 3600

struct targetlist {
    char **host;        /* owned strings */
    double *interval_s; /* the line's interval=, 0: the run's -i */
    int n;
};

/* The hosts of argv-style `given` (n of them), then those of `path` (NULL: none), repeats
 * dropped. 0, or -1 with err set: the file cannot be read, a line is not a host name or
 * address (or its interval= is not a number of seconds in range), or there are more than max
 * hosts. */
int targetlist_read(char *const *given, int n, const char *path, int max, struct targetlist *out,
                    char *err, size_t err_len);
/* Parses the text of a --targets file (the unit tests' way in); `path` names it in errors. */
int targetlist_parse(const char *text, const char *path, int max, struct targetlist *out, char *err,
                     size_t err_len);
void targetlist_free(struct targetlist *l);
/* True when l holds host. */
int targetlist_has(const struct targetlist *l, const char *host);

#endif
