#!/usr/bin/python3
"""Writes the seed corpus of the ICMP extension fuzz target (corpus/icmpext): ICMP and ICMPv6
errors carrying RFC 4884 extensions with RFC 4950 MPLS label stacks, valid and broken. Each
file is one family byte (0 ICMPv4, 1 ICMPv6, as fuzz_icmpext.c reads it) and a whole ICMP
message from its ICMP header. The names say what each seed is.
Usage: mkicmpextcorpus.py  (writes tests/fuzz/corpus/icmpext/)"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "icmpext")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f">{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mpls_object(labels, ctype=1):
    body = b"".join(struct.pack(">I", lbl << 12 | tc << 9 | s << 8 | ttl)
                    for lbl, tc, s, ttl in labels)
    return struct.pack(">HBB", 4 + len(body), 1, ctype) + body


def ext(objects, version=2, checksum=True):
    body = b"".join(objects)
    hdr = bytes([version << 4, 0, 0, 0])
    if checksum:
        hdr = hdr[:2] + struct.pack(">H", csum(hdr + body))
    return hdr + body


def quote(v6):
    if v6:
        ip = struct.pack(">IHBB", 6 << 28, 8, 17, 1) + bytes(15) + b"\1" + \
            bytes.fromhex("20010db8000200000000000000000002")
    else:
        ip = struct.pack(">BBHHHBBH", 0x45, 0, 28, 1, 0, 1, 17, 0) + \
            bytes([198, 18, 0, 1, 198, 18, 2, 2])
    return (ip + struct.pack(">HHHH", 40000, 33434, 8, 0)).ljust(128, b"\0")


def message(v6, typ, code, words, extension, orig=None):
    hdr = bytearray(8)
    hdr[0], hdr[1] = typ, code
    hdr[4 if v6 else 5] = words
    return bytes([1 if v6 else 0]) + bytes(hdr) + (orig or quote(v6)) + extension


TWO = [(16001, 0, 0, 1), (24000, 5, 1, 254)]
SIX = [(0xfffff - i, 7, int(i == 5), 250 + i) for i in range(6)]
W4, W6 = 128 // 4, 128 // 8


def seeds():
    ok = ext([mpls_object(TWO)])
    bad_sum = bytearray(ok)
    bad_sum[3] ^= 1
    zero_sum = ok[:2] + b"\0\0" + ok[4:]
    iface = struct.pack(">HBB", 12, 2, 0x0c) + bytes(8)  # RFC 5837 object, skipped
    return {
        "v4-te-mpls2": message(False, 11, 0, W4, ok),
        "v6-te-mpls2": message(True, 3, 0, W6, ok),
        "v4-unreach-port-mpls2": message(False, 3, 3, W4, ok),
        "v6-unreach-addr-mpls2": message(True, 1, 3, W6, ok),
        "v4-paramprob-mpls1": message(False, 12, 0, W4, ext([mpls_object(TWO[:1])])),
        "v4-te-heuristic128": message(False, 11, 0, 0, ok),
        "v6-te-heuristic128": message(True, 3, 0, 0, ok),
        "v4-te-zero-checksum": message(False, 11, 0, W4, zero_sum),
        "v4-te-bad-checksum": message(False, 11, 0, W4, bytes(bad_sum)),
        "v6-te-version1": message(True, 3, 0, W6, ext([mpls_object(TWO)], version=1)),
        "v4-te-objlen3": message(False, 11, 0, W4,
                                 ext([struct.pack(">HBB", 3, 1, 1) + bytes(8)])),
        "v6-te-objlen-overflow": message(True, 3, 0, W6,
                                         ext([struct.pack(">HBB", 64, 1, 1) + bytes(8)])),
        "v4-te-iface-then-mpls": message(False, 11, 0, W4,
                                         ext([iface, mpls_object(TWO[1:])])),
        "v4-te-mpls-ctype2": message(False, 11, 0, W4, ext([mpls_object(TWO, ctype=2)])),
        "v6-te-mpls6-deep": message(True, 3, 0, W6, ext([mpls_object(SIX)])),
        "v4-te-len7-short": message(False, 11, 0, 7, ok),
        "v4-te-no-extension": message(False, 11, 0, W4, b""),
        "v4-echo-reply": bytes([0, 0, 0, 0, 0, 0, 1, 0, 1]) + bytes(56),
        **CAPTURES,
    }


# ICMP errors as routers in the wild send them, each from another project's test suite (the
# whole ICMP message; test_icmpext.c checks their labels):
CAPTURES = {
    # tcpdump, tests/mpls-traceroute.pcap, packet 2: Time Exceeded from 10.5.0.1 with the RFC
    # 4884 length field left at 0, a 128-byte datagram, label 100704 (S, TTL 1).
    "v4-te-capture-tcpdump-mpls-traceroute": bytes([0]) + bytes.fromhex(
        "0b00cd040000000045000028a54c00000111f76f0c0404040c010101a54b829b00140000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000c55f0008010118960101"),
    # trippy, crates/trippy-packet/src/icmp_extension.rs
    # (test_split_extension_ipv4_time_exceeded_compliant_extension; trippy issue 804): length
    # field 17 (68 bytes) but the datagram padded to 128, label 416240 (S, TTL 1).
    "v4-te-capture-trippy-issue804-len17": bytes([0]) + bytes.fromhex(
        "0b00f4ee001100004500005420c340000201b57e6463082a5db8d8220800118d658380ef000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000785600080101659f0101"),
    # trippy, the same file (test_ipv6): ICMPv6 Time Exceeded, length field 10 (80 bytes),
    # padded to 128, labels 27121 (TC 4, TTL 1) and 2 (TC 4, S, TTL 255).
    "v6-te-capture-trippy-len10": bytes([1]) + bytes.fromhex(
        "0300bea80a000000680483fe002c3a0124006180000000d0000000001265b0012404680040030c1c000000000000008a8000b2e12a6080f2000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000020009653000c0101069f1801000029ff"),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds())} seeds to {OUT}")


if __name__ == "__main__":
    main()
