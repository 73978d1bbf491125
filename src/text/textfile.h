/*
 * textfile.h - a small text file read whole (the --targets list, the web config's PEM files).
 */
#ifndef HOPWATCH_TEXTFILE_H
#define HOPWATCH_TEXTFILE_H

#include <stddef.h>

#define TEXTFILE_MAX (1u << 24) /* bytes read at most */

/* The file at path, NUL-terminated (the caller frees it), at most TEXTFILE_MAX bytes; NULL
 * with errno set. */
char *textfile_read(const char *path);

#endif
