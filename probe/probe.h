/*
 * probe.h - the probe layer: one vtable over four socket modes, and the normalized reply record.
 *
 * probe/ builds, sends and parses packets. It never prints, never exits and never includes
 * curses. Every reply, whatever socket it came from (raw ICMP, ping socket, UDP or TCP error
 * queue, connect() result), becomes one struct probe_reply whose `seq` is the prober's own
 * sequence number: each mode maps its wire identity (ICMP seq, UDP port, TCP socket) back to it.
 *
 * Thread: all functions on a struct probe_sock are called by the prober thread only.
 */
#ifndef HOPWATCH_PROBE_H
#define HOPWATCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pollfd;
struct sockaddr;
struct sockaddr_storage;
struct probe_channel; /* where a mode's replies come from (internal to probe/) */
struct probe_share;   /* a raw ICMP socket shared by several targets (share.h) */

/* A probe's sequence number is 16 bits, and every mode carries all of them on the wire (classic
 * UDP ports carry seq % PROBE_SEQ_SPACE and the mode keeps the rest); at most PROBE_SEQ_SPACE
 * probes are in flight, in slots seq % PROBE_SEQ_SPACE. */
#define PROBE_SEQ_SPACE 4096
#define PROBE_PENDING_MAX 64
#define PROBE_UDP_BASE_PORT 33434
#define PROBE_FLOWS_MAX 8      /* --flows: distinct flow identifiers a mode can probe */
#define PROBE_BUILD_ROOM 65536 /* the most bytes a probe is built into */

enum probe_mode {
    PROBE_ICMP_RAW,
    PROBE_ICMP_DGRAM,
    PROBE_UDP,
    PROBE_TCP,
    PROBE_MODE_COUNT,
    PROBE_AUTO = -1,     /* only as a request: icmp-raw -> icmp-dgram -> udp */
    PROBE_ICMP_ANY = -2, /* only as a request: icmp-raw -> icmp-dgram */
};

/* An IPv4 or IPv6 address without socket headers, so core and UI code can hold one. */
struct probe_addr {
    uint8_t family; /* AF_INET or AF_INET6; 0 = none */
    uint8_t bytes[16];
};

enum probe_kind {
    PROBE_REPLY_TTL_EXCEEDED, /* an intermediate hop answered */
    PROBE_REPLY_DEST,         /* the target answered: echo reply, port unreachable, SYN-ACK/RST */
    PROBE_REPLY_UNREACH,      /* some hop said the target is unreachable (net/host/admin/...) */
    PROBE_REPLY_TOOBIG,       /* a router said the probe is too big for its next link (mtu) */
};

/* What a Destination Unreachable from a router says (traceroute's marks). */
enum probe_unreach {
    PROBE_UNREACH_NONE,
    PROBE_UNREACH_NET,      /* !N: no route to the network */
    PROBE_UNREACH_HOST,     /* !H: no route to the host, address unreachable */
    PROBE_UNREACH_PROTOCOL, /* !P: protocol unreachable */
    PROBE_UNREACH_PORT,     /* !p: port unreachable from a router */
    PROBE_UNREACH_ADMIN,    /* !X: administratively prohibited (a filter, a reject route) */
    PROBE_UNREACH_FRAG,     /* !F: fragmentation needed (the probe is too big) */
    PROBE_UNREACH_OTHER,    /* !?: any other code */
};

/* One MPLS label stack entry a router quoted in an ICMP extension (RFC 4884 / RFC 4950). */
#define PROBE_MPLS_MAX 4
struct probe_mpls {
    uint32_t label; /* 20 bits */
    uint8_t tc;     /* traffic class, 3 bits */
    uint8_t s;      /* bottom of stack */
    uint8_t ttl;
};

/* One reply, normalized. */
struct probe_reply {
    struct probe_addr from;
    enum probe_kind kind;
    uint8_t icmp_type; /* as received; 0 for TCP connect results */
    uint8_t icmp_code;
    uint16_t seq;      /* the prober's sequence number */
    int16_t reply_ttl; /* TTL / hop limit of the reply as received, -1 unknown */
    uint64_t rx_us;    /* CLOCK_MONOTONIC microseconds, from the kernel receive timestamp */
    uint16_t mtu;      /* TOOBIG: the next link's MTU the router gave (0: none) */
    uint8_t nmpls;     /* label stack entries the reply carried, outermost first */
    struct probe_mpls mpls[PROBE_MPLS_MAX];
};

/* Counters of packets the mode read but did not turn into replies. */
struct probe_counters {
    uint64_t malformed; /* too short, bad header, not parseable */
    uint64_t foreign;   /* well formed but not ours (other id, other target, unknown seq) */
    uint64_t send_errors;
    uint64_t send_retries; /* sendto() failed on a pending ICMP error and was retried */
    uint64_t rx_dropped;   /* replies the kernel dropped: our receive buffer was full */
    uint64_t short_quotes; /* UDP errors quoting no payload: the mode went to classic ports */
};

struct probe_config {
    struct probe_addr target;
    uint16_t port;             /* TCP destination port; UDP base port */
    size_t packet_bytes;       /* whole IP packet size the user asked for (-s) */
    bool pmtu;                 /* --pmtu: DF set, the cached path MTU ignored (IP_PMTUDISC_PROBE) */
    int nflows;                /* --flows: flow identifiers 0..nflows-1 (0 or 1: one flow) */
    struct probe_share *share; /* icmp-raw: probe through this shared socket (NULL: its own) */
};

/* One probe to send. */
struct probe_tx {
    int ttl;
    uint16_t seq;
    uint16_t size; /* the whole IP packet in bytes; 0: the configured packet_bytes */
    uint8_t flow;  /* which flow (< PROBE_FLOWS_MAX): what a load balancer hashes differs */
};

struct probe_sock;

struct probe_ops {
    enum probe_mode mode;
    const char *name;
    /* 0 or -errno. Opening may need privilege: done before privileges are dropped. It may
     * put a variant of the mode in ps->ops (tcp: raw SYNs when privileged, else connect()). */
    int (*open)(struct probe_sock *ps);
    /* A mode whose probe is one datagram on ps->fd: writes the probe into buf (room for
     * PROBE_BUILD_ROOM bytes) and where it goes into dst / *dlen; returns its length, or
     * -errno. The probe layer sends what a step has due at once (probe_send). */
    int (*build)(struct probe_sock *ps, const struct probe_tx *tx, uint8_t *buf,
                 struct sockaddr_storage *dst, unsigned *dlen);
    /* Otherwise (build NULL): sends one probe; *sent_us gets its CLOCK_MONOTONIC send time.
     * 0 or -errno. */
    int (*send)(struct probe_sock *ps, const struct probe_tx *tx, uint64_t *sent_us);
    /* The probe's size cannot be chosen (a bare SYN through connect()): no --pmtu. */
    bool fixed_size;
    /* The sockets and queues replies come from, read in this order, each packet decoded and
     * matched by the channel's decoder (sockutil.h); the fuzz target feeds them directly. */
    const struct probe_channel *channels;
    int nchannels;
    /* Read what is ready without blocking; up to max replies. Returns how many. */
    int (*drain)(struct probe_sock *ps, struct probe_reply *out, int max);
    /* Fill pollfds to wait on; returns how many. */
    int (*pollfds)(struct probe_sock *ps, struct pollfd *fds, int max);
    /* The prober gave up on this probe (timeout): release what it holds. May be NULL. */
    void (*forget)(struct probe_sock *ps, uint16_t seq);
    void (*close)(struct probe_sock *ps);
};

struct tcp_slot {
    int fd; /* -1 when free */
    uint16_t seq;
};

struct probe_sock {
    const struct probe_ops *ops;
    struct probe_config cfg;
    int fd;                    /* main socket, -1 if none */
    uint16_t echo_ident;       /* raw ICMP echo identifier */
    struct probe_share *share; /* icmp-raw: joined to this shared socket (fd is its) */
    struct tcp_slot *tcp;      /* PROBE_SEQ_SPACE slots, TCP connect() method only */
    /* TCP raw SYN method (privileged): */
    int fd_icmp;                     /* raw ICMP socket for Time Exceeded quoting our SYNs */
    int fd_reserve[PROBE_FLOWS_MAX]; /* bound TCP sockets holding our source ports */
    struct probe_addr src;
    uint64_t src_checked_us;         /* when src was last asked of the kernel (tcp raw) */
    bool src_suspect;                /* ... and a send failed since: ask again now */
    uint16_t sport[PROBE_FLOWS_MAX]; /* the source port of each flow */
    uint32_t seq_base;
    uint16_t syn_data[2]; /* the data lengths of the latest sized SYNs (--pmtu): a RST acks them */
    bool udp_classic; /* UDP: destination port = base + seq % space (a router quoted too little) */
    struct udp_classic *classic; /* ... the ports a probe went to so, and its seq (made then) */
    /* Replies read from the error queue while clearing a pending error before a send, or handed
     * over by a shared socket: PROBE_PENDING_MAX, made when the mode opens (5 KB: a mode not
     * opened holds none). */
    struct probe_reply *pending;
    int npending;
    struct probe_counters counters;
    uint64_t drops_seen[2]; /* the kernel's drop count last read on fd and on fd_icmp */
    const char *method;     /* how this mode probes, in words, for reports (may be NULL) */
    void *owner;            /* whose it is (the prober's): a shared socket names it when it
                               hands this socket replies (share.h) */
};

/* The vtables. */
extern const struct probe_ops probe_icmp_raw_ops;
extern const struct probe_ops probe_icmp_dgram_ops;
extern const struct probe_ops probe_udp_ops;
extern const struct probe_ops probe_tcp_ops;

const struct probe_ops *probe_ops_for(enum probe_mode mode);
const char *probe_mode_name(enum probe_mode mode);
/* Parses "auto", "icmp", "icmp-raw", "icmp-dgram", "udp", "tcp". 0 or -EINVAL. */
int probe_mode_parse(const char *s, enum probe_mode *mode);

/* Opens a socket of the mode `ops` implements (probe_ops_for(mode), or a test's fake) for
 * cfg; 0 or -errno. On failure ps is closed and *why says why in words. */
int probe_open(struct probe_sock *ps, const struct probe_ops *ops, const struct probe_config *cfg,
               char *why, size_t why_len);
void probe_close(struct probe_sock *ps);

/* Sends n probes, in as few system calls as the mode allows (one sendmmsg() for a mode that
 * builds its probes). sent_us[i] gets probe i's CLOCK_MONOTONIC send time, err[i] 0 or
 * -errno (the probe was not sent; the mode counted it). */
void probe_send(struct probe_sock *ps, const struct probe_tx *tx, int n, uint64_t *sent_us,
                int *err);

/* Address helpers (addr.c), the only conversions between probe_addr and socket addresses. */
bool probe_addr_equal(const struct probe_addr *a, const struct probe_addr *b);
/* Fills ss for addr:port; returns the length to pass as a socklen_t. */
unsigned probe_addr_to_sockaddr(const struct probe_addr *addr, uint16_t port,
                                struct sockaddr_storage *ss);
/* Reads an AF_INET / AF_INET6 socket address (anything else: family 0); returns the port. */
uint16_t probe_addr_from_sockaddr(const struct sockaddr *sa, struct probe_addr *addr);
/* Writes the numeric form into buf (at least 46 bytes); returns buf. */
const char *probe_addr_str(const struct probe_addr *a, char *buf, size_t len);
/* Parses a numeric IPv4 or IPv6 address. 0 or -EINVAL. */
int probe_addr_parse(const char *s, struct probe_addr *a);

/* The meaning of an unreachable's type and code, ICMP (family AF_INET) or ICMPv6; NONE for
 * other messages. Its name in words ("net", "admin") and its traceroute mark ("!N"). */
enum probe_unreach probe_unreach_of(int family, uint8_t type, uint8_t code);
const char *probe_unreach_name(enum probe_unreach u);
const char *probe_unreach_mark(enum probe_unreach u);

/* A label stack in words: "L=16001 TC=0 S=0 TTL=1, L=24005 TC=5 S=1 TTL=254". */
size_t probe_mpls_str(const struct probe_mpls *m, int n, char *buf, size_t len);

/* The MTU of the route towards target (the first link's), from a connected UDP socket; a
 * negative errno when it cannot be read. */
int probe_route_mtu(const struct probe_addr *target);

/* Clock helpers: CLOCK_MONOTONIC in microseconds. */
uint64_t probe_now_us(void);

#endif
