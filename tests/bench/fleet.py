#!/usr/bin/python3
"""Many targets: the scale table (memory, CPU, probes/s, loss for 10, 100 and 1,000 targets),
and the highest probe rate with no false loss.

A 30-hop lab path (29 routers and the destination node), with N extra addresses on the
destination's loopback (198.19.0.1..N) routed through every router: N targets, each 30 hops.
hopwatch runs pinned to CPU 0 with the lab's forwarding steered to CPU 1 (peers.py's steer:
a veth lab otherwise charges the sender with every router's forwarding), so CPU is hopwatch's
own work.

  1. The scale table: K targets (1, 10, 100, 1,000) at -i 1 and -i 10 (hopwatch --headless
     --metrics -n --timeout 1): after a warm-up of an interval and 3 s (the targets' rounds
     start spread over an interval), the resident memory (VmRSS, read before any scrape: a
     scrape of 1,000 targets is tens of MB of text), the CPU share of one core over 20 s
     (utime + stime from /proc, no scrape inside the window), and the probes per second and
     the probes lost that the exporter counted around it. Then 1,000 targets at -i 10 again
     with names on (a DNS server in the lab that refuses): what the resolver's scans cost.
  2. The highest clean rate: K targets at -i 0.01 (30 hops: 3,000 probes/s each) for a few
     seconds each, K doubling; a rate is clean when no probe of the clean path was lost
     (hopwatch_probes_lost_total stays 0) and the kernel dropped no reply. Prints every step.

Figures only; it asserts nothing. Usage (root): fleet.py HOPWATCH_BINARY [TARGETS] [SECONDS]
(TARGETS: the largest row of the table, 1000; SECONDS: its window, 20)."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402
from promlab import http_get  # noqa: E402
from peers import steer  # noqa: E402

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
    status, body = http_get(lab.client, f"http://127.0.0.1:{PORT}/metrics", timeout=120)
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


def run(lab, binary, targets, interval, seconds, warm, pin=True, names=None):
    path = "/tmp/hopwatch-bench-targets"
    with open(path, "w") as f:
        f.writelines(f"{t}\n" for t in targets)
    cmd = ["ip", "netns", "exec", lab.client] + (["taskset", "-c", "0"] if pin else []) + [
        binary, "--headless", "--metrics", f"127.0.0.1:{PORT}", "-i", str(interval),
        "--timeout", "1", "--targets", path] + (["--dns-server", names] if names else ["-n"])
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(warm)
        rss = rss_kib(p.pid)
        sent0, lost0 = metrics(lab)
        t0 = time.monotonic()
        c0, w0 = cpu_ticks(p.pid), time.monotonic()
        time.sleep(seconds)
        c1, w1 = cpu_ticks(p.pid), time.monotonic()
        sent1, lost1 = metrics(lab)
        t1 = time.monotonic()
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
    return {"cpu": (c1 - c0) / HZ / (w1 - w0), "rss": rss, "rate": (sent1 - sent0) / (t1 - t0),
            "lost": lost1 - lost0, "sent": sent1 - sent0, "lost_all": lost1, "sent_all": sent1}


def main():
    binary = sys.argv[1]
    most = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    with Lab("hwbfl", routers=29) as lab:
        targets = add_targets(lab, max(most, 32))
        hops = lab.n + 1
        steer(lab, True)
        print(f"K targets x {hops} hops (hopwatch --headless --metrics -n --timeout 1 on CPU 0, "
              f"the lab's forwarding on CPU 1), {seconds:.0f} s after an interval + 3 s:")
        print("  targets  interval      RSS  KiB/target   CPU of a core   probes/s   "
              "lost in the window")
        base = None
        for interval in (1, 10):
            for k in [1] + [n for n in (10, 100, 1000) if n <= most]:
                r = run(lab, binary, targets[:k], interval, seconds, warm=interval + 3)
                if k == 1 and base is None:
                    base = r["rss"]
                per = (r["rss"] - base) / (k - 1) if k > 1 else 0
                print(f"  {k:7d}  {interval:6d} s  {r['rss'] / 1024:6.1f} MiB  "
                      f"{per:8.0f}    {100 * r['cpu']:6.2f}%      {r['rate']:8.0f}   "
                      f"{r['lost']:.0f} of {r['sent']:.0f}")
        if most >= 1000:
            dns = f"198.18.{lab.n}.2"  # the destination node, where nothing listens on port 53
            r = run(lab, binary, targets[:1000], 10, seconds, warm=13, names=dns)
            print(f"  1,000 targets at -i 10 with names on (--dns-server {dns}, which refuses: "
                  f"every lookup fails and is asked again): {100 * r['cpu']:.2f}% of a core")
        steer(lab, False)
        print(f"highest clean rate ({hops}-hop path, K targets at -i 0.01, 10 s each, "
              "hopwatch and the lab's forwarding on any CPU):")
        best = 0
        for k in (1, 2, 4, 6, 8, 16, 32):
            r = run(lab, binary, targets[:k], 0.01, 10, warm=3, pin=False)
            clean = r["lost_all"] == 0
            print(f"  {k:>2} targets: {r['rate']:8.0f} probes/s  CPU {100 * r['cpu']:6.1f}%  "
                  f"lost {r['lost_all']:.0f} of {r['sent_all']:.0f}  "
                  f"{'clean' if clean else 'LOSS'}")
            if not clean:
                break
            best = r["rate"]
        print(f"  highest clean rate: {best:.0f} probes/s")


if __name__ == "__main__":
    main()
