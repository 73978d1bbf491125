#!/usr/bin/python3
"""A router that quotes too little: for each IPv4 packet whose TTL runs out at it, an ICMP Time
Exceeded quoting the IP header and 8 bytes of what follows (RFC 792's minimum; RFC 1812 asks
for more, and Linux quotes up to 576 bytes). For tests/netns/test_paths.py; a lab tool, not
part of hopwatch.

    shortquote.py IFACE ADDR     (in the router's namespace, as root)

Watches IFACE (AF_PACKET) for arriving packets with TTL 1 and answers each from ADDR. Its errors
leave with TTL 77, so a rule may drop the kernel's own (full-quote) errors and keep these.
Prints "ready" once listening; runs until killed."""
import socket
import struct
import sys

from mplsreply import csum  # the same directory: the lab's RFC 1071 checksum

ETH_P_IP = 0x0800


def main():
    iface, addr = sys.argv[1], sys.argv[2]
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    rx.bind((iface, ETH_P_IP))
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 77)
    tx.bind((addr, 0))
    print("ready", flush=True)
    while True:
        pkt, info = rx.recvfrom(65535)
        if info[2] == socket.PACKET_OUTGOING or len(pkt) < 28 or pkt[0] >> 4 != 4 or pkt[8] != 1:
            continue
        quote = pkt[:(pkt[0] & 15) * 4 + 8]
        icmp = struct.pack("!BBHI", 11, 0, 0, 0) + quote
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        tx.sendto(icmp, (socket.inet_ntoa(pkt[12:16]), 0))


if __name__ == "__main__":
    main()
