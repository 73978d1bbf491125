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
    l->host = NULL;
    l->n = 0;
}

/* Appends host unless it is there already. 0, or -1 with err set. */
static int add(struct targetlist *l, const char *host, size_t len, int max, char *err,
               size_t err_len)
{
    char **v;
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
    if (!(v = realloc(l->host, (size_t)(l->n + 1) * sizeof(*v)))) {
        free(h);
        return snprintf(err, err_len, "out of memory"), -1;
    }
    l->host = v;
    l->host[l->n++] = h;
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
        const char *a = p, *b = hash ? hash : end;
        line++;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a && !plausible(a, (size_t)(b - a)))
            return snprintf(err, err_len, "%s:%d: not a host name or address: '%.*s'", path, line,
                            (int)(b - a > 60 ? 60 : b - a), a),
                   -1;
        if (b > a && add(out, a, (size_t)(b - a), max, err, err_len) < 0)
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
        if (add(out, given[i], strlen(given[i]), max, err, err_len) < 0) {
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
