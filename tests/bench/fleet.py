#!/usr/bin/python3
"""Many targets: what 100 targets cost, and the highest probe rate with no false loss.

A 30-hop lab path (29 routers and the destination node), with N extra addresses on the
destination's loopback (198.19.0.1..N) routed through every router: N targets, each 30 hops.

  1. 100 targets at 1 round/s (hopwatch --headless --metrics -n -i 1, the default pace):
     after a warm-up, the CPU share of one core (utime + stime from /proc over the window),
     the resident memory (VmRSS), and the probes per second the exporter counted.
  2. The highest clean rate: K targets at -i 0.01 (30 hops: 3,000 probes/s each) for a few
     seconds each, K doubling; a rate is clean when no probe of the clean path was lost
     (hopwatch_probes_lost_total stays 0) and the kernel dropped no reply. Prints every step.

Figures only; it asserts nothing. Usage (root): fleet.py HOPWATCH_BINARY [TARGETS] [SECONDS]"""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402
from promlab import http_get  # noqa: E402

PORT = 9465
HZ = os.sysconf("SC_CLK_TCK")


def add_targets(lab, n):
    """198.19.0.1..n on the destination's loopback, routed there from every other node."""
    dst = lab.n + 1
    for i in range(1, n + 1):
        lab.ns(dst, "ip", "addr", "add", f"198.19.{i // 250}.{i % 250 + 1}/32", "dev", "lo")
    for k in range(dst):
        lab.ns(k, "ip", "route", "add", "198.19.0.0/16", "via", f"198.18.{k}.2")
    return [f"198.19.{i // 250}.{i % 250 + 1}" for i in range(1, n + 1)]


def metrics(lab):
    status, body = http_get(lab.client, f"http://127.0.0.1:{PORT}/metrics")
    if status != 200:
        raise RuntimeError(f"/metrics: {status}")
    text = body.decode()

    def total(name):
        return sum(float(m) for m in re.findall(rf"^{name}{{.*}} (\S+)$", text, re.M))
    return total("hopwatch_probes_sent_total"), total("hopwatch_probes_lost_total")


def cpu_ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])  # utime, stime


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run(lab, binary, targets, interval, seconds, warm):
    cmd = ["ip", "netns", "exec", lab.client, binary, "--headless", "--metrics",
           f"127.0.0.1:{PORT}", "-n", "-i", str(interval), "--timeout", "1"] + targets
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(warm)
        sent0, lost0 = metrics(lab)
        c0, t0 = cpu_ticks(p.pid), time.monotonic()
        time.sleep(seconds)
        sent1, lost1 = metrics(lab)
        c1, t1 = cpu_ticks(p.pid), time.monotonic()
        rss = rss_kib(p.pid)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    dt = t1 - t0
    return {"cpu": (c1 - c0) / HZ / dt, "rss": rss, "rate": (sent1 - sent0) / dt,
            "lost": lost1, "sent": sent1}


def main():
    binary = sys.argv[1]
    ntargets = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    with Lab("hwbfl", routers=29) as lab:
        targets = add_targets(lab, max(ntargets, 32))
        hops = lab.n + 1
        r = run(lab, binary, targets[:ntargets], 1, seconds, warm=5)
        print(f"{ntargets} targets x {hops} hops at 1 round/s "
              f"(hopwatch --headless --metrics -n -i 1, {seconds:.0f} s after a 5 s warm-up):")
        print(f"  CPU {100 * r['cpu']:.2f}% of one core, RSS {r['rss'] / 1024:.1f} MiB, "
              f"{r['rate']:.0f} probes/s, {r['lost']:.0f} lost of {r['sent']:.0f}")
        print(f"highest clean rate ({hops}-hop path, K targets at -i 0.01, 10 s each):")
        best = 0
        for k in (1, 2, 4, 6, 8, 16, 32):
            r = run(lab, binary, targets[:k], 0.01, 10, warm=3)
            clean = r["lost"] == 0
            print(f"  {k:>2} targets: {r['rate']:8.0f} probes/s  CPU {100 * r['cpu']:6.1f}%  "
                  f"lost {r['lost']:.0f} of {r['sent']:.0f}  {'clean' if clean else 'LOSS'}")
            if not clean:
                break
            best = r["rate"]
        print(f"  highest clean rate: {best:.0f} probes/s")


if __name__ == "__main__":
    main()
