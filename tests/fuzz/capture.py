#!/usr/bin/python3
"""Regenerates the captured-packet corpus: runs hopwatch in a 2-router lab in every mode and
both families while raw sockets in the client namespace record every ICMP packet that arrives,
and writes them as seed files:
  corpus/ip4_icmp/*  IPv4 packets with their IP header (what a raw ICMP socket reads)
  corpus/icmp6/*     ICMPv6 messages (what a raw ICMPv6 socket reads)
  corpus/echo/*      ICMP echo messages (what a ping socket reads, and its error-queue payload)
Usage (root): capture.py HOPWATCH_BINARY"""
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
from lab import Lab  # noqa: E402


def listen(seconds=5.0):
    """Inside the client namespace: record ICMP packets, framed, on stdout."""
    s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    t4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    t6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_TCP)
    for s in (s4, s6, t4, t6):
        s.settimeout(0.01)
    sys.stdout.buffer.write(b"r")
    sys.stdout.buffer.flush()
    out = []
    end = time.time() + seconds
    while time.time() < end:
        for s, tag in ((s4, b"4"), (s6, b"6"), (t4, b"t"), (t6, b"T")):
            try:
                data = s.recv(4096)
            except socket.timeout:
                continue
            out.append(tag + len(data).to_bytes(2, "big") + data)
    sys.stdout.buffer.write(b"".join(out))


def main():
    if sys.argv[1] == "--listen":
        return listen()
    binary = sys.argv[1]
    lab = Lab("hwcap", routers=2)
    packets = {b"4": [], b"6": [], b"t": [], b"T": []}
    try:
        lab.up()
        listener = subprocess.Popen(["ip", "netns", "exec", lab.client, sys.executable,
                                     __file__, "--listen"], stdout=subprocess.PIPE)
        listener.stdout.read(1)  # ready
        for v6 in (False, True):
            for mode in ("icmp-raw", "udp", "tcp"):
                lab.run([binary, "-j", "-n", "-c", "1", "-M", mode, "-6" if v6 else "-4",
                         lab.target(v6)])
        data = listener.communicate(timeout=30)[0]
        i = 0
        while i + 3 <= len(data):
            tag, n = data[i:i + 1], int.from_bytes(data[i + 1:i + 3], "big")
            packets[tag].append(data[i + 3:i + 3 + n])
            i += 3 + n
    finally:
        lab.down()
    seen = set()
    for kind, tag in (("ip4_icmp", b"4"), ("icmp6", b"6"), ("tcp", b"t"), ("tcp", b"T")):
        os.makedirs(os.path.join(HERE, "corpus", kind), exist_ok=True)
        for p in packets[tag]:
            icmp = p if tag in (b"6", b"T") else p[(p[0] & 15) * 4:]
            what = f"flags{icmp[13]:02x}" if kind == "tcp" else f"type{icmp[0]}"
            name = f"{kind}{'6' if tag == b'T' else ''}-{what}-{len(p)}"
            if name in seen:
                continue
            seen.add(name)
            with open(os.path.join(HERE, "corpus", kind, name), "wb") as f:
                f.write(p)
            if kind != "tcp" and icmp[0] in (0, 129):  # echo replies double as ping-socket seeds
                os.makedirs(os.path.join(HERE, "corpus", "echo"), exist_ok=True)
                with open(os.path.join(HERE, "corpus", "echo", name), "wb") as f:
                    f.write(icmp)
    print(f"captured {sum(len(v) for v in packets.values())} packets; "
          f"{len(seen)} distinct seeds written")


if __name__ == "__main__":
    main()
