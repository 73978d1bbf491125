/*
 * zfile.h - a file that may be zstd-compressed, as a plain stdio stream (fopencookie over
 * libzstd's streaming API), so the NDJSON writer need not know.
 *
 * Every fflush() is a zstd flush: what was written so far can be decompressed while the frame
 * goes on (a recording killed mid-run decompresses up to its last flush); fclose() ends the
 * frame.
 */
#ifndef HOPWATCH_ZFILE_H
#define HOPWATCH_ZFILE_H

#include <stdbool.h>
#include <stdio.h>

/* Creates (truncates) path for writing, compressed when `compress`. NULL with errno set. */
FILE *zfile_create(const char *path, bool compress);
/* "name.zst": should a file of this name be compressed? */
bool zfile_wants_zstd(const char *path);

#endif
