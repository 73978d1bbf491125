/*
 * isp.c - the ISP and the path's segments (see isp.h).
 */
#include "isp.h"

#include <stdio.h>
#include <string.h>

static bool asn_of(struct resolver *names, const struct probe_addr *a, struct name_info *ni)
{
    return names && resolver_get(names, a, ni) && ni->asn != 0;
}

void isp_find(struct resolver *names, const struct probe_addr *public_addr,
              const struct hops_snapshot *snap, struct isp *out)
{
    struct name_info ni;

    memset(out, 0, sizeof(*out));
    if (public_addr && public_addr->family && asn_of(names, public_addr, &ni)) {
        out->from_stun = true;
        out->addr = *public_addr;
    } else {
        const struct hop_responder *r = NULL;
        for (int t = snap->first_ttl; t <= snap->nhops && !r; t++) {
            r = hop_main_responder(&snap->hops[t - 1]);
            if (r && (!segment_is_public(&r->addr) || !asn_of(names, &r->addr, &ni)))
                r = NULL;
        }
        if (!r)
            return;
        out->addr = r->addr;
    }
    out->asn = ni.asn;
    snprintf(out->as_name, sizeof(out->as_name), "%s", ni.as_name);
}

enum segment isp_segment(struct resolver *names, const struct isp *isp, const struct hop_stats *h)
{
    const struct hop_responder *r = hop_main_responder(h);
    struct name_info ni;

    if (!r)
        return SEGMENT_UNKNOWN;
    if (!names || !resolver_get(names, &r->addr, &ni))
        ni.asn = 0;
    return segment_of(&r->addr, ni.asn, isp->asn, r->is_dest);
}

void isp_name(const struct isp *isp, char *buf, size_t len)
{
    if (!isp->asn)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "AS%u%s%s", isp->asn, isp->as_name[0] ? " " : "", isp->as_name);
}
