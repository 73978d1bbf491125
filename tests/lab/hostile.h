/*
 * hostile.h - what the hostile lab's packet source (hostile.c) shares with its packet builder
 * (hostile_wire.c): the classes of packets, a family's state, and the builders.
 */
#ifndef HOPWATCH_HOSTILE_H
#define HOPWATCH_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MARK_TTL 77
#define NCLASS 17
#define NKIND 3 /* probe kinds: echo request, UDP, TCP SYN */
#define QUOTE_MAX 1400
enum cls {
    C_NEVER_SENT,
    C_NEAR_ID,
    C_NEAR_SEQ_4096,
    C_NEAR_SEQ_32768,
    C_TRUNCATED,
    C_OVERSIZED,
    C_LYING_IHL,
    C_BAD_CHECKSUM,
    C_LYING_EXT,
    C_OTHER_ECHO,
    C_UNREACH_NEVER,
    C_DUPLICATE,
    C_STALE,
    C_TCP_BAD_SUM,
    C_TCP_NEAR_ACK,
    C_TCP_RST_NEVER,
    C_BLIND
};

struct fam {
    int v6, fd;
    uint8_t client[16], target[16];
    uint8_t spoof[8][16];
    int nspoof;
    /* the newest probe seen of each kind: [0] echo request, [1] UDP, [2] TCP SYN */
    uint8_t probe[NKIND][128];
    size_t probe_len[NKIND];
    /* real replies to the client: the newest for duplicates, and one every 20 ms kept longer
     * (up to 20 s) for replays of replies long timed out */
    uint8_t reply[2][512][600];
    size_t reply_len[2][512];
    double reply_at[2][512], archived_at;
    unsigned nreply[2], next[2], next_class;
    unsigned long sent[NCLASS], raw_visible, udp_socket, tcp_visible;
};

/* Checksum words, big-endian fields. */
uint32_t sum16(const uint8_t *p, size_t n, uint32_t s);
uint16_t fold(uint32_t s);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint16_t get16(const uint8_t *p);

/* Sends a proto (ICMP, ICMPv6 or TCP) message from src to the client, IP header built here
 * (TTL MARK_TTL), with its checksum (then spoiled when bad). */
void send_l4(struct fam *f, const uint8_t *src, uint8_t proto, uint8_t *l4, size_t len, bool bad);
void send_icmp(struct fam *f, const uint8_t *src, uint8_t *icmp, size_t len, bool bad);

/* A probe's fields (IP header first): where its layer 4 starts, and its sequence number (an
 * echo's seq; UDP: the payload's, with the word that keeps its sum; TCP: the sequence number's
 * top 16 bits, hopwatch's seq there being base + seq << 16). kind: NKIND's. */
size_t l4_off(const struct fam *f, const uint8_t *p);
void set_seq(const struct fam *f, int kind, uint8_t *p, size_t len, uint16_t seq);
uint16_t get_seq(const struct fam *f, int kind, const uint8_t *p, size_t len);

/* An error message (type/code) quoting q (qlen bytes); its checksum is send_l4()'s. */
size_t error_msg(uint8_t *m, int type, int code, const uint8_t *q, size_t qlen);
/* Does this captured reply (IP header first) carry an error quoting a UDP datagram? */
bool quotes_udp(const struct fam *f, const uint8_t *p, size_t len);
/* Time Exceeded's type in the family. */
int te_type(const struct fam *f);

#endif
