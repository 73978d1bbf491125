#!/usr/bin/python3
"""The default columns in tmux at 80, 120 and 200 columns, with an AS database (so the ASN
column is on): loss, the verdict, the RTT set, jitter and the ASN, the least important dropped
first when the terminal is narrow and never a wrapped row; -o still decides. The same screen
shows the ISP in the header, --pmtu's path MTU in the header and its column, and key e hides
and shows the MPLS label stack a router sends (mplsreply.py on router 2)."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
from common import BIN, Lab, Runner, check, require_root  # noqa: E402
from tui import Tmux, row  # noqa: E402

MPLSREPLY = os.path.join(HERE, "..", "lab", "mplsreply.py")
TITLES = {"Z": "ASN", "L": "Loss%", "E": "Verdict", "S": "Snt", "N": "Last", "A": "Avg",
          "B": "Best", "W": "Wrst", "V": "StDev", "J": "Jttr", "U": "MTU"}


def header_titles(screen):
    for line in screen.splitlines():
        if line.lstrip().startswith("#") and "Host" in line:
            return [w for w in line.split() if w in TITLES.values()]
    return None


def show(t, lab, cols, args, hops=None):
    t.type("clear")
    t.resize(cols, 30)
    t.type(f"ip netns exec {lab.client} {BIN} -n -i 0.1 {args} {lab.target()}")
    return t.wait_for(lambda s: all(a in s for a in (hops or lab.hops())) and
                      header_titles(s), 10, f"the table at {cols} columns")


def widths(t, lab, db):
    seen = {}
    for cols, want in ((80, ["ASN", "Loss%", "Verdict", "Last", "Avg", "Jttr"]),
                       (120, ["ASN", "Loss%", "Verdict", "Snt", "Last", "Avg", "Best", "Wrst",
                              "StDev", "Jttr"]),
                       (200, ["ASN", "Loss%", "Verdict", "Snt", "Last", "Avg", "Best", "Wrst",
                              "StDev", "Jttr"])):
        s = show(t, lab, cols, f"--asn-db {db}")
        time.sleep(0.5)
        s = t.screen()
        got = header_titles(s)
        t.keys("q")
        check(got == want, f"{cols} columns: {got} != {want}\n{s}")
        for k, a in enumerate(lab.hops(), 1):
            r = row(s, a)
            check(r and r[0] == f"{k}." and len(r) >= len(want) + 2,
                  f"{cols} columns: hop {k} row {r}\n{s}")
        check(all(len(line) <= cols for line in s.splitlines()), f"a line wider than {cols}")
        seen[cols] = s
    check("Loss timeline" in seen[200] and "Loss timeline" not in seen[80],
          "the timeline should show at 200 columns only")
    check("ISP: AS64500 Example Net" in seen[120], f"ISP in the header:\n{seen[120]}")


def order_given(t, lab, db):
    s = show(t, lab, 80, f"--asn-db {db} -o LSD")
    t.keys("q")
    check(header_titles(s) == ["Loss%", "Snt"], f"-o LSD: {header_titles(s)}\n{s}")


def pmtu(t, lab):
    s = show(t, lab, 120, "--pmtu")
    s = t.wait_for(lambda s: "PMTU 1400" in s, 10, "the path MTU in the header")
    t.keys("q")
    check("MTU" in header_titles(s), f"no MTU column: {header_titles(s)}")
    for k, want in ((2, "1500"), (3, "1400")):
        check(want in row(s, lab.hop_addr(k)), f"hop {k} MTU: {row(s, lab.hop_addr(k))}")


def mpls_key(t, lab):
    p = subprocess.Popen(["ip", "netns", "exec", lab.node(2), sys.executable, MPLSREPLY,
                          "--iface", "e1b", "--labels", "16001:0:0:1,24005:5:1:254"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lab.helpers.append(p)
    try:
        check(p.stdout.readline().strip() == "ready", "mplsreply did not start")
        show(t, lab, 120, "")
        label = "[MPLS: L=16001 TC=0 S=0 TTL=1, L=24005 TC=5 S=1 TTL=254]"
        s = t.wait_for(lambda s: label in s, 5, "the label stack")
        lines = s.splitlines()
        at = [i for i, line in enumerate(lines) if label in line][0]
        check(lab.hop_addr(2) in lines[at - 1], f"labels not under hop 2:\n{s}")
        t.keys("e")
        t.wait_for(lambda s: "[MPLS:" not in s, 3, "e to hide the labels")
        t.keys("e")
        t.wait_for(lambda s: label in s, 3, "e to show them again")
        t.keys("q")
    finally:
        p.terminate()
        p.wait(timeout=5)
        lab.helpers.remove(p)


def main():
    require_root()
    run = Runner()
    t = None
    try:
        with tempfile.TemporaryDirectory() as tmp, Lab("hwcol", routers=3) as lab:
            subprocess.run(["perl", os.path.join(HERE, "..", "lab", "mkmmdb.pl"), tmp],
                           check=True)
            db = os.path.join(tmp, "lab-segments.mmdb")
            t = Tmux("hwcol", cols=120, rows=30)
            run.case("default columns at 80, 120 and 200 columns; ISP in the header", widths,
                     t, lab, db)
            run.case("-o decides the columns", order_given, t, lab, db)
            run.case("key e hides and shows MPLS labels under their hop", mpls_key, t, lab)
            lab.mtu(2, 1400)
            run.case("--pmtu: the path MTU in the header and column U", pmtu, t, lab)
    finally:
        if t:
            t.kill()
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
