/*
 * isp.h - whose network this host is on (ftr's "ISP detection"), and which part of the path
 * each hop belongs to.
 *
 * The ISP is an AS: the AS of this host's public address when STUN found one (--stun), else
 * the AS of the first public hop of the path. Hops are then LAN, CGNAT, ISP, TRANSIT or the
 * destination (segment.h). Pure over what the resolver knows; no I/O.
 */
#ifndef HOPWATCH_ISP_H
#define HOPWATCH_ISP_H

#include "path/hops.h"
#include "resolver.h"
#include "segment.h"

#include <stdbool.h>
#include <stdint.h>

struct isp {
    uint32_t asn; /* 0: not known (yet) */
    char as_name[128];
    bool from_stun;         /* the AS of public_addr, not of a hop */
    struct probe_addr addr; /* the address whose AS it is */
};

/* The ISP of the path in snap (main responders in TTL order), public_addr (family 0: none)
 * first. names may be NULL (no AS data: nothing known). */
void isp_find(struct resolver *names, const struct probe_addr *public_addr,
              const struct hops_snapshot *snap, struct isp *out);
/* The segment of one hop's main responder. */
enum segment isp_segment(struct resolver *names, const struct isp *isp, const struct hop_stats *h);
/* "AS64500 Example Net" (or "AS64500"), or "" when the ISP is not known. */
void isp_name(const struct isp *isp, char *buf, size_t len);

#endif
