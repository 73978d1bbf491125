#!/usr/bin/python3
"""The hostile lab: hopwatch under spoofed, malformed and replayed ICMP and TCP, against a clean
control.

    host --(LAN)-- client -- r1 -- r2 -- r3 -- dst        25% loss into r3

Router r2 runs tests/lab/hostile.c --informed: it watches the probes and the replies go by and
sends, at 4,000 packets/s, errors quoting probes never sent, near-miss identifiers and sequence
numbers, cut and padded quotes, lying inner headers, bad checksums on perfect errors for live
probes, RFC 4884 extensions with lying lengths, echo replies for other processes, unreachables,
the target's SYN-ACK for a live SYN with a bad TCP checksum, SYN-ACKs and RSTs for SYNs never
sent, duplicates of real replies and replies 3-20 s old. The host on the client's LAN floods
blind errors, foreign echo replies and runts at 50,000 packets/s.

Four hopwatch runs at once (icmp-raw and udp, IPv4 and IPv6) go once on the clean lab and
once under attack; then two tcp runs (raw SYNs, IPv4 and IPv6) the same way. Then, per run and
hop: the same responders (nothing spoofed believed), the same probe counts, loss within the
binomial band, average RTT within 0.2 ms; and the packet counters account for every hostile
packet the sockets were handed, exactly: a raw ICMP socket sees every ICMP message of its
family (so the icmp-raw run also counts the udp run's real replies), the udp socket only the
errors the kernel matched to its ports, tcp's raw TCP socket every TCP segment and its raw
ICMP socket every ICMP message. Then a busy run (icmp-raw, -i 0.01: the prober works in 5 ms
ticks) must read the whole flood as it comes: no drop by the kernel, no loss before the lossy
link. Then the live view, under the same flood in tmux, still redraws and answers keys. CPU
under attack is printed."""
import json
import os
import subprocess
import sys
import time

from common import BIN, Lab, Runner, binomial_tolerance, check, fam_flag, require_root
from lab import sh

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from tui import Tmux, row_ttl  # noqa: E402

HOSTILE = os.environ.get("HOPWATCH_HOSTILE", "")
ROUNDS, INTERVAL = 200, 0.025
ATTACK_FROM, ATTACK_FOR = 0.6, 4.0  # seconds after the runs start; within their sockets' life
RUNS = [(mode, v6) for v6 in (False, True) for mode in ("icmp-raw", "udp")]
TCP_RUNS = [("tcp", False), ("tcp", True)]
COUNTED = ("malformed", "foreign", "unmatched", "rx_dropped")


class HostileLab(Lab):
    """The lab plus a host on a LAN of the client's (namespace PREFIX-h, 198.18.250.0/24)."""

    @property
    def host(self):
        return f"{self.prefix}-h"

    def up(self):
        sh("ip", "netns", "del", self.host, check=False)
        super().up()
        sh("ip", "netns", "add", self.host)
        sh("ip", "-n", self.host, "link", "set", "lo", "up")
        self._link(self.client, "h0a", self.host, "h0b", 250)
        sh("ip", "-n", self.host, "route", "add", "198.18.0.0/16", "via", "198.18.250.1")
        sh("ip", "-n", self.host, "-6", "route", "add", "2001:db8::/32", "via", "2001:db8:250::1")
        # spoofed sources arrive on the LAN: no reverse-path filter drops them first
        self.sysctl(0, "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.h0a.rp_filter=0",
                    "net.ipv4.conf.default.rp_filter=0")
        self.loss(3, 25)
        return self

    def down(self):
        super().down()
        sh("ip", "netns", "del", self.host, check=False)

    def spoof_list(self, hops):
        return ",".join(f"{self.hop_addr(k)},{self.hop_addr(k, True)}" for k in hops)

    def attackers(self, out):
        """Starts the informed attacker on r2 and the blind flood on the LAN host. Both spoof
        the path's own addresses; r2 leaves out r1's, whose packets r1 drops as martians."""
        client = "198.18.0.1,2001:db8::1"
        common = ["--client", client, "--target", f"{self.target()},{self.target(True)}"]
        return [subprocess.Popen(["ip", "netns", "exec", self.node(2), HOSTILE, "--informed",
                                  "e1b", "--rate", "4000", "--out", f"{out}.informed",
                                  "--spoof", self.spoof_list(range(2, 5))] + common),
                subprocess.Popen(["ip", "netns", "exec", self.host, HOSTILE, "--blind",
                                  "--rate", "50000", "--out", f"{out}.blind",
                                  "--spoof", self.spoof_list(range(1, 5))] + common)]


def stop(procs, out):
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=10)
    sent = {}
    for part in ("informed", "blind"):
        with open(f"{out}.{part}") as f:
            doc = json.load(f)
        os.unlink(f"{out}.{part}")
        for fam, counts in doc.items():
            for k, n in counts.items():
                sent.setdefault(fam, {}).setdefault(k, 0)
                sent[fam][k] += n
    return sent


def run_all(lab, runs, out=None):
    """The runs at once (and the attackers in their middle when out is given). Returns
    {(mode, v6): (doc, cpu seconds, wall seconds)} and what the attackers sent."""
    procs, t0 = {}, time.monotonic()
    for mode, v6 in runs:
        argv = ["ip", "netns", "exec", lab.client, BIN, "-j", "-n", fam_flag(v6), "-M", mode,
                "-c", str(ROUNDS), "-i", str(INTERVAL), lab.target(v6)]
        procs[(mode, v6)] = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE)
    sent, attackers = None, []
    try:
        if out:
            time.sleep(ATTACK_FROM)
            attackers = lab.attackers(out)
            time.sleep(ATTACK_FOR)
            sent = stop(attackers, out)
            attackers = []
        results = {}
        for key, p in procs.items():
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            stdout, stderr = p.stdout.read(), p.stderr.read()
            check(p.returncode == 0, f"{key}: hopwatch exited {p.returncode}: {stderr[-2000:]}")
            results[key] = (json.loads(stdout), usage.ru_utime + usage.ru_stime,
                            time.monotonic() - t0)
        return results, sent
    finally:
        for p in attackers + list(procs.values()):
            if p.poll() is None:
                p.kill()


def counted(doc):
    return sum(doc["packets"][k] for k in COUNTED)


def received(doc):
    return sum(h["received"] for h in doc["hops"])


def compare(key, ctl, hos, lab):
    mode, v6 = key
    name = f"{mode} {'IPv6' if v6 else 'IPv4'}"
    want = lab.hops(v6)
    for doc, which in ((ctl, "control"), (hos, "hostile")):
        addrs = [h["addr"] for h in doc["hops"]]
        check(addrs == want, f"{name} {which}: hops {addrs} != {want}")
    for hc, hh in zip(ctl["hops"], hos["hops"]):
        t = hc["ttl"]
        rc = sorted(r["addr"] for r in hc["responders"])
        rh = sorted(r["addr"] for r in hh["responders"])
        check(rc == rh == [want[t - 1]], f"{name} hop {t}: responders {rc} / under attack {rh}")
        check(hc["sent"] == hh["sent"], f"{name} hop {t}: sent {hc['sent']} / {hh['sent']}")
        p = (hc["lost"] + hh["lost"]) / max(hc["sent"] + hh["sent"], 1)
        band = binomial_tolerance(p, hc["sent"]) * 2 ** 0.5
        check(abs(hc["loss_pct"] - hh["loss_pct"]) <= band,
              f"{name} hop {t}: loss {hc['loss_pct']}% / {hh['loss_pct']}% (band {band:.1f})")
        check(abs(hc["avg_ms"] - hh["avg_ms"]) <= 0.2,
              f"{name} hop {t}: avg RTT {hc['avg_ms']} / {hh['avg_ms']} ms")


def attack(lab, runs):
    control, _ = run_all(lab, runs)
    hostile, sent = run_all(lab, runs, out="/tmp/hopwatch-hostile")
    for key in runs:
        mode, v6 = key
        (ctl, cpu_c, wall_c), (hos, cpu_h, wall_h) = control[key], hostile[key]
        fam = "v6" if v6 else "v4"
        print(f"     {mode} {fam}: CPU {100 * cpu_c / wall_c:.1f}% clean, "
              f"{100 * cpu_h / wall_h:.1f}% under attack; packets {hos['packets']}")
        compare(key, ctl, hos, lab)
        delta = counted(hos) - counted(ctl)
        if mode == "icmp-raw":  # every ICMP message of the family, the udp run's real ones too
            udp = ("udp", v6)
            want = sent[fam]["raw_visible"] + received(hostile[udp][0]) - received(control[udp][0])
        elif mode == "tcp":  # every ICMP message and every TCP segment of the family
            want = sent[fam]["raw_visible"] + sent[fam]["tcp_visible"]
        else:
            want = sent[fam]["udp_socket"]
        # the control's own unmatched replies (answers to probes past the destination,
        # cancelled when it answered) vary by a few from run to run
        check(abs(delta - want) <= 25 + want // 1000,
              f"{mode} {fam}: counted {delta} more packets than the control run, expected "
              f"{want} (sent {sent[fam]})")
    for fam in ("v4", "v6"):
        print(f"     sent {fam}: " + ", ".join(f"{k} {n}" for k, n in sent[fam].items()))


def busy_under_flood(lab):
    """The shared raw socket hands on at most 64 messages a pass; a busy prober that slept to
    its next tick after such a pass read at most 12,800 a second and fell behind the flood."""
    procs = lab.attackers("/tmp/hopwatch-hostile-busy")
    try:
        time.sleep(0.5)
        r = lab.run([BIN, "-j", "-n", "-4", "-M", "icmp-raw", "-c", "300", "-i", "0.01",
                     lab.target()], timeout=60)
    finally:
        sent = stop(procs, "/tmp/hopwatch-hostile-busy")
    check(r.returncode == 0, f"hopwatch exited {r.returncode}: {r.stderr[-2000:]}")
    doc = json.loads(r.stdout)
    print(f"     -i 0.01 under {sent['v4']['total']:,} IPv4 hostile packets: "
          f"packets {doc['packets']}")
    check(counted(doc) >= 30000, f"the flood did not reach the socket: {doc['packets']}")
    check(doc["packets"]["rx_dropped"] == 0, f"the kernel dropped {doc['packets']['rx_dropped']}")
    for h in doc["hops"][:2]:  # before the lossy link into hop 3
        check(h["sent"] == 300 and h["received"] == 300,
              f"hop {h['ttl']}: sent {h['sent']} received {h['received']} under the flood")


def tui_under_flood(lab):
    tmux = Tmux("hostile", cols=120, rows=20)
    procs = []
    try:
        tmux.type(f"ip netns exec {lab.client} {BIN} -n -i 0.1 {lab.target()}")
        tmux.wait_for(lambda s: row_ttl(s, 4) and lab.target() in row_ttl(s, 4), 10, "4 hops")
        procs, ta = lab.attackers("/tmp/hopwatch-hostile-tui"), time.monotonic()
        pid = int(sh("pgrep", "-n", "-f", f"{BIN} -n -i 0.1").stdout.split()[0])

        def cpu():
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        c0, t0 = cpu(), time.monotonic()
        time.sleep(1.0)
        before = tmux.screen()
        tmux.wait_for(lambda s: s != before and row_ttl(s, 4), 5, "a redraw under the flood")
        tmux.keys("p")
        tmux.wait_for(lambda s: "PAUSED" in s, 5, "the pause key under the flood")
        tmux.keys("Space")
        tmux.wait_for(lambda s: "PAUSED" not in s, 5, "space to resume")
        c1, t1 = cpu(), time.monotonic()
        sent = stop(procs, "/tmp/hopwatch-hostile-tui")
        procs = []
        rate = [sent[f]["total"] / (time.monotonic() - ta) for f in ("v4", "v6")]
        print(f"     live view (IPv4) under {sum(rate):,.0f} hostile packets/s, {rate[0]:,.0f} of"
              f" them IPv4: CPU {100 * (c1 - c0) / (t1 - t0):.1f}% of a core")
        tmux.keys("q")
        tmux.wait_for(lambda s: s.rstrip().endswith("$"), 5, "the shell back after q")
    finally:
        for p in procs:
            p.kill()
        tmux.kill()


def main():
    require_root()
    if not HOSTILE or not os.access(HOSTILE, os.X_OK):
        print(f"FAIL: HOPWATCH_HOSTILE is not an executable: {HOSTILE!r}")
        return 1
    run = Runner()
    with HostileLab("hwhost", routers=3) as lab:
        run.case("four runs under attack against a clean control", attack, lab, RUNS, retries=1)
        run.case("tcp runs under attack against a clean control", attack, lab, TCP_RUNS,
                 retries=1)
        run.case("a busy run reads the whole flood", busy_under_flood, lab)
        run.case("the live view under the flood", tui_under_flood, lab)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
