/*
 * targetlist.c - the hosts of the command line and of a --targets file (see targetlist.h).
 */
#include "targetlist.h"
#include "text/textfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_MAX 253

int targetlist_has(const struct targetlist *l, const char *host)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->host[i], host) == 0)
            return 1;
    return 0;
}

void targetlist_free(struct targetlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->host[i]);
    free(l->host);
    free(l->interval_s);
    l->host = NULL;
    l->interval_s = NULL;
    l->n = 0;
}

/* Appends host (with its own interval, 0 none) unless it is there already. 0, or -1 with err
 * set. */
static int add(struct targetlist *l, const char *host, size_t len, double interval_s, int max,
               char *err, size_t err_len)
{
    char **v;
    double *iv;
    char *h = strndup(host, len);

    if (!h)
        return snprintf(err, err_len, "out of memory"), -1;
    if (targetlist_has(l, h)) {
        free(h);
        return 0;
    }
    if (l->n >= max) {
        free(h);
        return snprintf(err, err_len, "more than %d targets", max), -1;
    }
    if ((v = realloc(l->host, (size_t)(l->n + 1) * sizeof(*v))))
        l->host = v;
    if ((iv = realloc(l->interval_s, (size_t)(l->n + 1) * sizeof(*iv))))
        l->interval_s = iv;
    if (!v || !iv) {
        free(h);
        return snprintf(err, err_len, "out of memory"), -1;
    }
    l->interval_s[l->n] = interval_s;
    l->host[l->n++] = h;
    return 0;
}

/* The rest of a line after its host, [a, b): nothing, or interval=SECONDS. 0 with *interval_s
 * set, or -1 with err set. */
static int line_options(const char *a, const char *b, const char *path, int line,
                        double *interval_s, char *err, size_t err_len)
{
    char opt[64], *end;

    *interval_s = 0;
    while (a < b && isspace((unsigned char)*a))
        a++;
    if (a == b)
        return 0;
    snprintf(opt, sizeof(opt), "%.*s", (int)(b - a < 63 ? b - a : 63), a);
    if (strncmp(opt, "interval=", 9) != 0)
        return snprintf(err, err_len, "%s:%d: '%s': the only option is interval=SECONDS", path,
                        line, opt),
               -1;
    errno = 0;
    *interval_s = strtod(opt + 9, &end);
    if (errno || end == opt + 9 || *end || !(*interval_s >= TARGETLIST_INTERVAL_MIN) ||
        *interval_s > TARGETLIST_INTERVAL_MAX)
        return snprintf(err, err_len, "%s:%d: '%s': interval= takes seconds from %g to %g", path,
                        line, opt, TARGETLIST_INTERVAL_MIN, (double)TARGETLIST_INTERVAL_MAX),
               -1;
    return 0;
}

/* A host name or an address: letters, digits and . - _ : % [ ] only. */
static int plausible(const char *s, size_t len)
{
    if (len == 0 || len > HOST_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr(".-_:%[]", s[i]))
            return 0;
    return 1;
}

int targetlist_parse(const char *text, const char *path, int max, struct targetlist *out, char *err,
                     size_t err_len)
{
    int line = 0;

    for (const char *p = text; *p;) {
        const char *end = p + strcspn(p, "\n"), *hash = memchr(p, '#', (size_t)(end - p));
        const char *a = p, *b = hash ? hash : end, *h;
        double interval_s;
        line++;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        for (h = a; h < b && !isspace((unsigned char)*h);)
            h++; /* the host is the first word */
        if (h > a && !plausible(a, (size_t)(h - a)))
            return snprintf(err, err_len, "%s:%d: not a host name or address: '%.*s'", path, line,
                            (int)(h - a > 60 ? 60 : h - a), a),
                   -1;
        if (h > a && (line_options(h, b, path, line, &interval_s, err, err_len) < 0 ||
                      add(out, a, (size_t)(h - a), interval_s, max, err, err_len) < 0))
            return -1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

int targetlist_read(char *const *given, int n, const char *path, int max, struct targetlist *out,
                    char *err, size_t err_len)
{
    char *text;
    int r;

    *out = (struct targetlist){0};
    for (int i = 0; i < n; i++)
        if (add(out, given[i], strlen(given[i]), 0, max, err, err_len) < 0) {
            targetlist_free(out);
            return -1;
        }
    if (!path)
        return 0;
    if (!(text = textfile_read(path))) {
        snprintf(err, err_len, "--targets %s: %s", path, strerror(errno));
        targetlist_free(out);
        return -1;
    }
    r = targetlist_parse(text, path, max, out, err, err_len);
    free(text);
    if (r == 0 && out->n == 0) {
        snprintf(err, err_len, "--targets %s: no host in it", path);
        r = -1;
    }
    if (r < 0)
        targetlist_free(out);
    return r;
}
