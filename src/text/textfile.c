/*
 * textfile.c - a small text file read whole (see textfile.h).
 */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

char *textfile_read(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 4096 + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, 4096, f);
        len += got;
    } while (got > 0 && len < TEXTFILE_MAX);
    fclose(f);
    buf[len] = '\0';
    return buf;
}
