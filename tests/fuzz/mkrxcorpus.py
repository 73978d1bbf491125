#!/usr/bin/python3
"""Writes the seed corpus of the receive-path fuzz target (corpus/rx) from the captured
packets of the other corpora, each behind the header rxharness.h describes, with the echo id,
TCP sequence base and port the packet carries, so that every seed named *-match decodes to a
reply (tests/unit/test_rx.c checks that) and the fuzzer starts from the matching paths.
Usage: mkrxcorpus.py  (writes tests/fuzz/corpus/rx/)"""
import ipaddress
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
C = os.path.join(HERE, "corpus")
RAW, DGRAM, UDP, TCPRAW, TCP = range(5)
ICMP, ICMP6 = 2, 3
TARGET4, TARGET6 = "198.18.2.2", "2001:db8:2::2"


def header(mode, channel, v6=False, has_ee=False, sender_target=True, offender_target=False,
           origin=0, etype=0, ecode=0, ident=0, seq_base=0, sport=0, port=0, ttl=64,
           addr="198.18.0.2"):
    flags = v6 | has_ee << 1 | sender_target << 2 | offender_target << 3
    raw = ipaddress.ip_address(addr).packed
    return (bytes([mode, channel, flags, origin, etype, ecode]) +
            struct.pack(">HIHHB", ident, seq_base, sport, port, ttl) + raw.ljust(16, b"\0"))


def recode(p, ihl, code=1):
    """An IPv4 ICMP packet with another code and its checksum made right again."""
    icmp = bytearray(p[ihl:])
    icmp[1], icmp[2], icmp[3] = code, 0, 0
    total = sum(struct.unpack(f">{len(icmp) // 2}H", bytes(icmp[:len(icmp) // 2 * 2])))
    if len(icmp) % 2:
        total += icmp[-1] << 8
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    icmp[2:4] = struct.pack(">H", ~total & 0xffff)
    return p[:ihl] + bytes(icmp)


def read(d, name):
    with open(os.path.join(C, d, name), "rb") as f:
        return f.read()


def seeds():
    out = {}
    # Raw ICMPv4 with the IP header: echo reply (id at 24), errors quoting an echo (id at 52).
    for name in sorted(os.listdir(os.path.join(C, "ip4_icmp"))):
        p = read("ip4_icmp", name)
        ihl = (p[0] & 15) * 4
        if p[ihl] == 0:
            ident = struct.unpack(">H", p[ihl + 4:ihl + 6])[0]
        else:
            q = ihl + 8 + (p[ihl + 8] & 15) * 4
            if p[ihl + 8 + 9] == 6:  # a quoted TCP SYN: the raw TCP method's ICMP channel
                sport, _, seq = struct.unpack(">HHI", p[q:q + 8])
                out[f"tcpraw4-{name}-match"] = header(TCPRAW, 0, seq_base=seq, sport=sport) + p
                continue
            if p[ihl + 8 + 9] != 1:  # quotes a UDP probe: not the raw ICMP mode's
                out[f"raw4-{name}-foreign"] = header(RAW, 0) + p
                continue
            ident = struct.unpack(">H", p[q + 4:q + 6])[0]
        out[f"raw4-{name}-match"] = header(RAW, 0, ident=ident) + p
        out[f"raw4-{name}-foreign"] = header(RAW, 0, ident=ident ^ 1) + p
        if p[ihl] == 11:  # the same as "fragment reassembly time exceeded" (code 1): no hop's
            out[f"raw4-{name}-reassembly-foreign"] = header(RAW, 0, ident=ident) + recode(p, ihl)
    # Raw ICMPv6 messages: the sender comes from the socket.
    for name in sorted(os.listdir(os.path.join(C, "icmp6"))):
        p = read("icmp6", name)
        if p[0] == 129:
            ident, sender = struct.unpack(">H", p[4:6])[0], True
        elif p[0] in (1, 3) and len(p) >= 8 + 40 + 8 and p[8 + 6] == 58:
            ident, sender = struct.unpack(">H", p[8 + 40 + 4:8 + 40 + 6])[0], False
        else:
            out[f"raw6-{name}-foreign"] = header(RAW, 0, v6=True, sender_target=False,
                                                 addr="2001:db8::2") + p
            continue
        out[f"raw6-{name}-match"] = header(RAW, 0, v6=True, ident=ident, sender_target=sender,
                                           addr="2001:db8::2") + p
        if p[0] == 3:  # Time Exceeded code 1, fragment reassembly (RFC 4443): no hop's answer
            out[f"raw6-{name}-reassembly-foreign"] = header(
                RAW, 0, v6=True, ident=ident, sender_target=sender,
                addr="2001:db8::2") + p[:1] + b"\x01" + p[2:]
    # Ping sockets: echo replies on the normal queue, the sent echo on the error queue.
    for name in sorted(os.listdir(os.path.join(C, "echo"))):
        p = read("echo", name)
        v6 = name.startswith("icmp6")
        out[f"dgram-{name}-match"] = header(DGRAM, 1, v6=v6) + p
        req = bytes([128 if v6 else 8]) + p[1:]
        out[f"dgram-err-{name}-match"] = header(DGRAM, 0, v6=v6, has_ee=True, origin=ICMP6 if v6
                                                else ICMP, etype=3 if v6 else 11,
                                                addr="2001:db8::2" if v6 else "198.18.0.2") + req
    # UDP, fixed ports: the error queue hands back the quoted payload, "HW", seq, and the word
    # that keeps the sum constant. An empty quote names no probe (and turns on classic ports).
    def udp_payload(seq, comp=None):
        return b"HW" + struct.pack(">HH", seq, 0xffff - seq if comp is None else comp) + b"hijk"
    out["udp-err-te-match"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=11,
                                     port=33434) + udp_payload(7)
    out["udp-err-portunreach-match"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=3,
                                              ecode=3, offender_target=True,
                                              port=33434) + udp_payload(9)
    # An MPLS router that leaves RFC 4884's length field at 0 (the extension of tcpdump's
    # mpls-traceroute.pcap, label 100704): the kernel reports no extension, and hands over
    # the quote less the headers it stripped (IP and UDP; IP for a ping socket), so the
    # extension sits 100 (108) bytes into it.
    ext = bytes.fromhex("2000c55f0008010118960101")
    out["udp-err-mpls100704-zerolength-match"] = header(
        UDP, 0, has_ee=True, origin=ICMP, etype=11, port=33434) + \
        udp_payload(7).ljust(128 - 28, b"\0") + ext
    echo = read("echo", sorted(os.listdir(os.path.join(C, "echo")))[-1])
    out["dgram-err-mpls100704-zerolength-match"] = header(
        DGRAM, 0, has_ee=True, origin=ICMP, etype=11) + \
        (bytes([8]) + echo[1:]).ljust(128 - 20, b"\0")[:128 - 20] + ext
    out["udp-err-reassembly-foreign"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=11,
                                               ecode=1, port=33434) + udp_payload(7)
    out["udp-err-otherport-foreign"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=11,
                                              port=53) + udp_payload(7)
    out["udp-err-badcomp-foreign"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=11,
                                            port=33434) + udp_payload(7, 0x1234)
    out["udp-err-shortquote-foreign"] = header(UDP, 0, has_ee=True, origin=ICMP, etype=11,
                                               port=33434 + 7)
    # Raw TCP: the target's RST/SYN-ACK acks our sequence number + 1.
    for name in sorted(os.listdir(os.path.join(C, "tcp"))):
        p = read("tcp", name)
        v6 = name.startswith("tcp6")
        seg = p if v6 else p[(p[0] & 15) * 4:]
        sport, dport, _, ack = struct.unpack(">HHII", seg[:12])
        base = (ack - 1 - (5 << 16)) % (1 << 32)  # the probe of seq 5: base + 5 * 65536
        out[f"tcpraw-{name}-match"] = header(TCPRAW, 1, v6=v6, seq_base=base, sport=dport) + p
    out["tcp-connect-te-match"] = header(TCP, 0, has_ee=True, origin=ICMP, etype=11)
    return out


def main():
    d = os.path.join(C, "rx")
    os.makedirs(d, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds())} seeds to {d}")


if __name__ == "__main__":
    main()
