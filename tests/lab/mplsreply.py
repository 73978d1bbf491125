#!/usr/bin/python3
"""mplsreply: makes one router of the lab answer expiring probes like an MPLS router does.

Runs inside a router namespace of tests/lab/lab.py. Every IPv4 packet with TTL 0-1 and every
IPv6 packet with hop limit 0-1 that enters by --iface on its way somewhere else (a unicast
route, not one of the router's own addresses) is answered with a crafted Time Exceeded
instead of the kernel's: sent from --iface's address with TTL / hop limit 64, quoting the
first 128 bytes of the packet (zero-padded), with the RFC 4884 length field set and an RFC
4884 extension (version 2, checksummed) holding one RFC 4950 MPLS Label Stack object with
--labels. With --compat the length field stays 0: the non-compliant layout of RFC 4884
section 5.5 that older routers send (the extension still right after 128 bytes).

How (stdlib only; needs root in the namespace): one nftables rule per family in a table of
its own (inet mplsreply_IFACE, prerouting, priority 0, after the lab's own impairment chains
at -300) matches those packets, copies them to an NFLOG group and drops them. The kernel never
sees them expire, so it sends no Time Exceeded of its own, and exactly the packets dropped
are the packets answered: probes that a lab impairment drops earlier (loss, outage) get no
answer, as on a real router; a destination behind an `unreachable` route still gets the
kernel's Destination Unreachable (fib type is not unicast). Replies go out through a raw
IPPROTO_RAW socket (IPv4, header built here, TOS 0xc0 as the kernel's ICMP has) and a raw
ICMPv6 socket (IPv6, the kernel computes the checksum). No ICMP error answers an ICMP error
or a non-first fragment (RFC 1122 3.2.2, RFC 4443 2.4).

Prints "ready" on stdout once the rules and the NFLOG group are in place. SIGTERM or SIGINT:
removes its table, prints "mplsreply: answered N IPv4, M IPv6" on stderr, exits 0.

    mplsreply.py --iface e0b --labels 16001:0:0:1,24005 [--v4 | --v6] [--compat | --short] [--group N]

--labels takes LABEL[:TC[:S[:TTL]]] entries, outermost first, comma-separated (TC defaults
to 0, S to 1 on the last entry and 0 above it, TTL to 1).

In a netns test (tests/netns/test_*.py; router k's left interface is e{k-1}b and hop k
answers from 198.18.(k-1).2 / 2001:db8:(k-1)::2):

    from common import Lab  # tests/netns/common.py puts tests/lab on sys.path
    MPLSREPLY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab",
                             "mplsreply.py")

    with Lab("mx", routers=2) as lab:
        p = subprocess.Popen(["ip", "netns", "exec", lab.node(1), "/usr/bin/python3",
                              MPLSREPLY, "--iface", "e0b", "--labels", "16001:0:0:1,24005:5:1:254"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lab.helpers.append(p)  # lab teardown SIGTERMs it by pid, even when the test fails
        if p.stdout.readline().strip() != "ready":
            raise AssertionError(f"mplsreply: {p.stderr.read()}")
        ...  # probe lab.target() / lab.target(True) from lab.client: hop 1 carries the labels
        p.terminate()          # SIGTERM: it deletes its nft table, reports, exits 0
        p.wait(timeout=5)
        lab.helpers.remove(p)
"""
import argparse
import ipaddress
import json
import os
import signal
import socket
import struct
import subprocess
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_ULOG = 4
NFULNL_MSG_PACKET = 0
NFULNL_MSG_CONFIG = 1
NFULA_CFG_CMD = 1
NFULA_CFG_MODE = 2
NFULA_CFG_QTHRESH = 5
NFULNL_CFG_CMD_BIND = 1
NFULNL_COPY_PACKET = 2
NFULA_PAYLOAD = 9
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLA_TYPE_MASK = 0x3fff

QUOTE_BYTES = 128  # RFC 4884 section 5.1: the minimum, and where section 5.5 looks
ICMP4_ERRORS = {3, 4, 5, 11, 12}


def csum(data):
    """One's-complement Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def parse_labels(text):
    """'16001:0:0:1,24000' -> [(label, tc, s, ttl)], checked against the field widths."""
    items = [x for x in text.split(",") if x.strip()]
    if not items:
        raise ValueError("no label")
    out = []
    for i, item in enumerate(items):
        f = [int(x, 0) for x in item.split(":")]
        if len(f) > 4:
            raise ValueError(f"{item}: LABEL[:TC[:S[:TTL]]]")
        defaults = [None, 0, int(i == len(items) - 1), 1]
        label, tc, s, ttl = f + defaults[len(f):]
        if not (0 <= label < 1 << 20 and 0 <= tc < 8 and s in (0, 1) and 0 <= ttl < 256):
            raise ValueError(f"{item}: label < 2^20, TC < 8, S 0 or 1, TTL < 256")
        out.append((label, tc, s, ttl))
    return out


def labels_arg(text):
    try:
        return parse_labels(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def extension(labels):
    """An RFC 4884 extension structure: version 2 header, one MPLS Label Stack object."""
    entries = b"".join(struct.pack("!I", lbl << 12 | tc << 9 | s << 8 | ttl)
                       for lbl, tc, s, ttl in labels)
    obj = struct.pack("!HBB", 4 + len(entries), 1, 1) + entries  # class 1, c-type 1
    hdr = bytes([0x20, 0, 0, 0])
    return hdr[:2] + struct.pack("!H", csum(hdr + obj)) + obj


def iface_addrs(iface):
    """The interface's IPv4 address and global IPv6 address (None where it has none)."""
    out = subprocess.run(["ip", "-j", "addr", "show", "dev", iface], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    v4 = v6 = None
    for link in json.loads(out):
        for a in link.get("addr_info", []):
            if a["family"] == "inet" and v4 is None:
                v4 = a["local"]
            elif a["family"] == "inet6" and a.get("scope") == "global" and v6 is None:
                v6 = a["local"]
    return v4, v6


class Nflog:
    """One NFLOG group read over nfnetlink (linux/netfilter/nfnetlink_log.h)."""

    def __init__(self, group, copy_bytes):
        self.group = group
        self.seq = 0
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.config(self.nla(NFULA_CFG_CMD, bytes([NFULNL_CFG_CMD_BIND])))
        self.config(self.nla(NFULA_CFG_MODE, struct.pack("!IBB", copy_bytes,
                                                         NFULNL_COPY_PACKET, 0)))
        # Each packet at once: the default batches up to 100 packets or 1 s, which would
        # delay every answer by up to a second.
        self.config(self.nla(NFULA_CFG_QTHRESH, struct.pack("!I", 1)))

    @staticmethod
    def nla(kind, payload):
        n = 4 + len(payload)
        return struct.pack("=HH", n, kind) + payload + bytes(-n % 4)

    def config(self, attrs):
        """Sends one NFULNL_MSG_CONFIG for the group and waits for its acknowledgement."""
        self.seq += 1
        body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(self.group)) + attrs
        msg = struct.pack("=IHHII", 16 + len(body), NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.sock.send(msg)
        while True:
            data = self.sock.recv(65536)
            for kind, payload in self.messages(data):
                if kind == NLMSG_ERROR:
                    err = struct.unpack("=i", payload[:4])[0]
                    if err:
                        raise OSError(-err, f"NFLOG group {self.group}: {os.strerror(-err)}")
                    return

    @staticmethod
    def messages(data):
        off = 0
        while off + 16 <= len(data):
            n, kind = struct.unpack_from("=IH", data, off)
            if n < 16 or off + n > len(data):
                break
            yield kind, data[off + 16:off + n]
            off += (n + 3) & ~3

    def packets(self):
        """Yields the network-layer bytes of each logged packet (blocking)."""
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError as e:  # ENOBUFS: the kernel dropped some; go on
                sys.stderr.write(f"mplsreply: {e}\n")
                continue
            for kind, payload in self.messages(data):
                if kind != NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET:
                    continue
                off = 4  # struct nfgenmsg
                while off + 4 <= len(payload):
                    n, t = struct.unpack_from("=HH", payload, off)
                    if n < 4:
                        break
                    if t & NLA_TYPE_MASK == NFULA_PAYLOAD:
                        yield payload[off + 4:off + n]
                    off += (n + 3) & ~3


class Responder:
    def __init__(self, args):
        self.iface = args.iface
        self.table = f"mplsreply_{args.iface}"
        self.group = args.group
        self.v4 = not args.v6 or args.v4
        self.v6 = not args.v4 or args.v6
        self.ext = extension(args.labels)
        self.compat = args.compat
        self.short = args.short
        self.sent = {4: 0, 6: 0}
        self.src4, self.src6 = iface_addrs(args.iface)
        if self.v4 and not self.src4 or self.v6 and not self.src6:
            raise RuntimeError(f"{args.iface} lacks an IPv4 or a global IPv6 address")
        self.nflog = self.raw4 = self.raw6 = None
        self.rules_added = False

    def nft(self, script, check=True):
        return subprocess.run(["nft", "-f", "-"], input=script, text=True, check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def start(self):
        if self.v4:
            self.raw4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        if self.v6:
            self.raw6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
            self.raw6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 64)
            self.raw6.bind((self.src6, 0))
        self.nflog = Nflog(self.group, QUOTE_BYTES)
        self.stop_rules()  # a table left by a killed run
        match = []
        if self.v4:
            match.append("ip ttl 0-1")
        if self.v6:  # link-local destinations are never forwarded
            match.append("ip6 hoplimit 0-1 ip6 daddr != fe80::/10")
        rules = "".join(f'  iifname "{self.iface}" {m} fib daddr type unicast '
                        f"log group {self.group} drop\n" for m in match)
        self.rules_added = True
        self.nft(f"table inet {self.table} {{\n chain pre {{\n"
                 f"  type filter hook prerouting priority 0; policy accept;\n{rules} }}\n}}\n")

    def stop_rules(self):
        self.nft(f"delete table inet {self.table}\n", check=False)

    def stop(self):
        if self.rules_added:
            self.stop_rules()
        for s in (self.nflog.sock if self.nflog else None, self.raw4, self.raw6):
            if s:
                s.close()

    def time_exceeded(self, v6, pkt):
        """The ICMP(v6) message (checksum 0): header, 128 quoted bytes, the extension."""
        quote = pkt[:QUOTE_BYTES].ljust(QUOTE_BYTES, b"\0")
        hdr = bytearray(8)
        hdr[0] = 3 if v6 else 11  # code 0: hop limit / TTL exceeded in transit
        if self.short:  # below 128 all the same, as routers in the wild do (trippy #804)
            hdr[4 if v6 else 5] = 10 if v6 else 17
        elif not self.compat:  # RFC 4884 length: v6 byte 4 in 64-bit words, v4 byte 5 in 32
            hdr[4 if v6 else 5] = QUOTE_BYTES // (8 if v6 else 4)
        return hdr + quote + self.ext

    def answer4(self, pkt):
        if len(pkt) < 20 or (pkt[0] & 15) < 5:
            return
        ihl = (pkt[0] & 15) * 4
        frag = struct.unpack_from("!H", pkt, 6)[0] & 0x1fff
        if frag or pkt[9] == 1 and (len(pkt) <= ihl or pkt[ihl] in ICMP4_ERRORS):
            return
        src = ipaddress.IPv4Address(pkt[12:16])
        if src.is_multicast or src.is_unspecified or src.is_loopback:
            return
        icmp = self.time_exceeded(False, pkt)
        icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
        # IP_HDRINCL: the kernel fills in the total length, the checksum and the id (0 here).
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(icmp), 0, 0, 64, 1, 0,
                         socket.inet_aton(self.src4), pkt[12:16])
        self.raw4.sendto(ip + bytes(icmp), (str(src), 0))
        self.sent[4] += 1

    def answer6(self, pkt):
        if len(pkt) < 40:
            return
        nxt, off = pkt[6], 40
        while nxt in (0, 43, 60) and off + 2 <= len(pkt):  # hop-by-hop, routing, dst options
            nxt, off = pkt[off], off + (pkt[off + 1] + 1) * 8
        if nxt == 44 and off + 8 <= len(pkt):  # fragment: only the first one is answered
            if struct.unpack_from("!H", pkt, off + 2)[0] & 0xfff8:
                return
            nxt, off = pkt[off], off + 8
        if nxt == 58 and (off >= len(pkt) or pkt[off] < 128):
            return  # an ICMPv6 error (or unreadable): never answered
        src = ipaddress.IPv6Address(pkt[8:24])
        if src.is_multicast or src.is_unspecified or src.is_loopback:
            return
        self.raw6.sendto(bytes(self.time_exceeded(True, pkt)), (str(src), 0))
        self.sent[6] += 1

    def run(self):
        for pkt in self.nflog.packets():
            version = pkt[0] >> 4 if pkt else 0
            try:
                if version == 4 and self.v4:
                    self.answer4(pkt)
                elif version == 6 and self.v6:
                    self.answer6(pkt)
            except OSError as e:  # a send failing (no route back, say) is not fatal
                sys.stderr.write(f"mplsreply: send: {e}\n")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iface", required=True, help="the router's left interface (e{k-1}b)")
    ap.add_argument("--labels", required=True, type=labels_arg,
                    help="LABEL[:TC[:S[:TTL]]],... outermost first")
    ap.add_argument("--v4", action="store_true", help="IPv4 only")
    ap.add_argument("--v6", action="store_true", help="IPv6 only")
    ap.add_argument("--compat", action="store_true",
                    help="leave the RFC 4884 length field 0 (pre-RFC 4884 layout)")
    ap.add_argument("--short", action="store_true",
                    help="set the length field below 128 (17 words of IPv4, 10 of IPv6) and "
                         "pad the datagram to 128 all the same")
    ap.add_argument("--group", type=int, default=4884, help="NFLOG group (default 4884)")
    args = ap.parse_args(argv[1:])

    def on_signal(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    r = None
    try:
        r = Responder(args)
        r.start()
        print("ready", flush=True)
        r.run()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or ""
        sys.stderr.write(f"mplsreply: {e} {detail}".rstrip() + "\n")
        return 1
    finally:
        if r:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one cleanup, not interrupted
            r.stop()
            sys.stderr.write(f"mplsreply: answered {r.sent[4]} IPv4, {r.sent[6]} IPv6\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
