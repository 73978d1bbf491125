/*
 * segment.h - which part of the path a hop belongs to (ftr-style "ISP detection"): the local
 * network, a carrier-grade NAT, the user's ISP, transit networks, or the destination.
 *
 * Pure functions of an address and AS numbers; no state, callable from any thread. The ISP's
 * AS comes from the caller (the AS of the public address a STUN server saw, stun.h).
 */
#ifndef HOPWATCH_SEGMENT_H
#define HOPWATCH_SEGMENT_H

#include "probe.h"

#include <stdbool.h>
#include <stdint.h>

enum segment {
    SEGMENT_UNKNOWN,
    SEGMENT_LAN,
    SEGMENT_CGNAT,
    SEGMENT_ISP,
    SEGMENT_TRANSIT,
    SEGMENT_DEST
};

/* LAN: private/special-use space (v4 10/8, 172.16/12, 192.168/16, 169.254/16, 127/8; v6
 * fc00::/7, fe80::/10, ::1). CGNAT: 100.64.0.0/10. DEST: the target itself (is_dest), whatever
 * its address. Otherwise public (segment_is_public): ISP when its AS equals isp_asn (both
 * non-zero), TRANSIT when its AS is known and differs from a known isp_asn. UNKNOWN when the hop
 * has no address (addr NULL or family 0), no AS (asn 0), when the ISP's AS is not known
 * (isp_asn 0: ISP and transit cannot be told apart), or for other special-use space (multicast,
 * 0/8, 240/4...). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged by its IPv4 address. */
enum segment segment_of(const struct probe_addr *addr, uint32_t asn, uint32_t isp_asn,
                        bool is_dest);

/* "lan", "cgnat", "isp", "transit", "dest"; "" for SEGMENT_UNKNOWN or any other value (lower
 * case, stable: used in JSON). */
const char *segment_name(enum segment s);

/* Public address space: not LAN, not CGNAT, not other special-use (v4 0/8, 192.0.0/24, 224/4
 * multicast, 240/4 including broadcast; v6 multicast ff00::/8, unspecified ::). The
 * documentation and benchmarking ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 198.18/15,
 * 2001:db8::/32) count as public: the test lab uses them as stand-ins for public addresses.
 * false for a NULL address or family 0. */
bool segment_is_public(const struct probe_addr *addr);

#endif
