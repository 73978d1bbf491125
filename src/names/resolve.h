/*
 * resolve.h - resolving the target with c-ares: its A/AAAA at start-up (the names of the
 * hops are resolver.c's).
 */
#ifndef HOPWATCH_RESOLVE_H
#define HOPWATCH_RESOLVE_H

#include "probe.h"

#include <stddef.h>

/* Resolves name (a numeric address or a host name) for family (0, AF_INET, AF_INET6): the
 * first address of that family, or the first answer. Blocks at most timeout_ms.
 * 0, or -1 with a message in err. */
int resolve_target(const char *name, int family, int timeout_ms, struct probe_addr *out, char *err,
                   size_t err_len);

#endif
