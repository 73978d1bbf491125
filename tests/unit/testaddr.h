/* testaddr.h - one address helper for the unit tests: a numeric address that must parse. */
#ifndef HOPWATCH_TESTADDR_H
#define HOPWATCH_TESTADDR_H

#include "check.h"
#include "probe.h"

static inline struct probe_addr test_addr(const char *s)
{
    struct probe_addr a;
    CHECK(probe_addr_parse(s, &a) == 0);
    return a;
}

#endif
