/*
 * baseline_load.h - a good day's recording (--baseline REC) read into the summary the
 * comparison takes (report/baseline.h): the recording played through a target of its own, as
 * --replay does, and its first mode's hops summed up.
 */
#ifndef HOPWATCH_BASELINE_LOAD_H
#define HOPWATCH_BASELINE_LOAD_H

#include "report/baseline.h"

#include <stddef.h>

/* The recording's lines of `target` (NULL, or a name it does not hold: its first target's).
 * NULL with err set ("FILE:LINE: why", or out of memory). Free with free(). */
struct baseline_run *baseline_load(const char *path, const char *target, char *err, size_t err_len);

#endif
