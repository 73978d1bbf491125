#!/usr/bin/python3
"""Benchmarks on the namespace lab; they print figures and assert nothing about time.

  1. Wall time of a one-round report on a clean 5-router path: hopwatch -r -c 1 -n against
     traceroute -n -q1 and mtr -r -c 1 -n, in the same run (median and range of 7 runs each).
  2. RTT error against an injected delay: a 20.0 ms NFQUEUE hold on the link into router 3;
     hopwatch's avg RTT of each later hop minus hop 1's, against 20.0 ms, per mode.
  3. Names: DNS queries and wall time of -r -c 10 with names (and -z) versus -n.
  4. Self-queueing: 8 routers that each hold every packet 1 ms (NFQUEUE, one packet after
     another); the last hop's best RTT and stddev with the whole path probed, against the same
     hop probed alone (-f 9 -m 9). Probes of a round that leave back to back queue behind
     each other in every delayer; spread probes do not.

Usage (root): bench.py HOPWATCH_BINARY [NFQDELAY_BINARY]"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402

RUNS = 7


def timed(lab, argv):
    times = []
    for _ in range(RUNS):
        t0 = time.monotonic()
        r = lab.run(argv)
        times.append(time.monotonic() - t0)
        if r.returncode != 0:
            return None, r.stderr.strip()
    return times, None


def wall_times(binary):
    lab = Lab("hwbench", routers=5)
    try:
        lab.up()
        tgt = lab.target()
        tools = [("hopwatch -r -c 1 -n", [binary, "-r", "-c", "1", "-n", tgt]),
                 ("traceroute -n -q1", ["traceroute", "-n", "-q1", tgt]),
                 ("mtr -r -c 1 -n", ["mtr", "-r", "-c", "1", "-n", tgt])]
        print(f"wall time of a one-round trace, 5 routers + destination, {RUNS} runs each:")
        for name, argv in tools:
            if not shutil.which(argv[0]) and not os.path.exists(argv[0]):
                print(f"  {name:24s} not installed")
                continue
            t, err = timed(lab, argv)
            if t is None:
                print(f"  {name:24s} failed: {err}")
                continue
            print(f"  {name:24s} median {1000 * statistics.median(t):8.1f} ms "
                  f"(min {1000 * min(t):.1f}, max {1000 * max(t):.1f})")
    finally:
        lab.down()


def rtt_error(binary, nfqdelay):
    lab = Lab("hwbrtt", routers=4, nfqdelay=nfqdelay)
    try:
        lab.up()
        lab.ping_group(0, 2147483647)
        lab.delay(3, 20.0)
        print("RTT error against a 20.0 ms delay injected into hop 3 (50 rounds, avg - hop 1 avg):")
        for v6 in (False, True):
            pings = []
            for k in (1, 3):
                out = lab.ns(0, "ping", "-6" if v6 else "-4", "-n", "-q", "-c", "50", "-i",
                             "0.05", lab.hop_addr(k, v6)).stdout
                pings.append(float(out.rsplit("=", 1)[1].split("/")[1]))
            print(f"  ping (iputils) IPv{6 if v6 else 4}: hop 3 - hop 1 = {pings[1] - pings[0]:.3f} ms "
                  f"(error {pings[1] - pings[0] - 20.0:+.3f}: the delayer's own overhead)")
        for mode in ("icmp-raw", "icmp-dgram", "udp", "tcp"):
            for v6 in (False, True):
                r = lab.run([binary, "-j", "-n", "-c", "50", "-i", "0.05", "-M", mode,
                             "-6" if v6 else "-4", lab.target(v6)])
                doc = json.loads(r.stdout)
                base = doc["hops"][0]["avg_ms"]
                errs = [h["avg_ms"] - base - 20.0 for h in doc["hops"][2:]]
                print(f"  {mode:10s} IPv{6 if v6 else 4}: error per hop 3..5 "
                      + " ".join(f"{e:+.3f}" for e in errs) + " ms")
    finally:
        lab.down()


def names_cost(binary):
    """DNS queries and wall time of -r -c 10 with names (and -z) against a dnsmasq in the lab,
    versus -n."""
    import tempfile
    lab = Lab("hwbdns", routers=5)
    tmp = tempfile.mkdtemp(prefix="hopwatch-bench-")
    conf = os.path.join(tmp, "dnsmasq.conf")
    lines = ["port=5353", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts"]
    for k in range(1, 7):
        lines.append(f"ptr-record=2.{k - 1}.18.198.in-addr.arpa,hop{k}.lab.example")
        lines.append(f'txt-record=2.{k - 1}.18.198.origin.asn.cymru.com,'
                     f'"{64500 + k} | 198.18.{k - 1}.0/24 | ZZ | lab | 2026-01-01"')
        lines.append(f'txt-record=AS{64500 + k}.asn.cymru.com,'
                     f'"{64500 + k} | ZZ | lab | 2026-01-01 | LAB-{k}, ZZ"')
    with open(conf, "w") as f:
        f.write("\n".join(lines) + "\n")
    dns = None
    try:
        lab.up()
        dns = subprocess.Popen(["ip", "netns", "exec", lab.client, "dnsmasq",
                                "--keep-in-foreground", f"--conf-file={conf}", "--pid-file="],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        print("-r -c 10 -i 0.1 on 5 routers + destination, dnsmasq in the lab (median of 5):")
        for label, extra in (("names + -z", ["-z", "--dns-server", "127.0.0.1:5353"]),
                             ("names", ["--dns-server", "127.0.0.1:5353"]),
                             ("-n", ["-n"])):
            times, queries = [], None
            for _ in range(5):
                t0 = time.monotonic()
                r = lab.run([binary, "-j", "-c", "10", "-i", "0.1"] + extra + [lab.target()])
                times.append(time.monotonic() - t0)
                queries = json.loads(r.stdout)["dns"]["queries"]
            print(f"  {label:12s} {1000 * statistics.median(times):7.1f} ms, "
                  f"{queries} DNS queries")
    finally:
        if dns:
            dns.terminate()
            dns.wait()
        lab.down()
        shutil.rmtree(tmp, ignore_errors=True)


def self_queueing(binary, nfqdelay, runs=3):
    with Lab("hwbq", routers=8, nfqdelay=nfqdelay) as lab:
        for k in range(1, 9):
            lab.delay(k, 1.0)
        print(f"self-queueing: hop 9 behind 8 routers that each hold packets 1 ms, -c 200 -i 0.1, "
              f"median of {runs} runs, ms:")
        for label, extra in (("whole path", []), ("hop 9 alone (-f 9 -m 9)", ["-f", "9", "-m",
                                                                             "9"])):
            hops = []
            for _ in range(runs):
                r = lab.run([binary, "-j", "-n", "-c", "200", "-i", "0.1"] + extra +
                            [lab.target()], timeout=300)
                hops.append(json.loads(r.stdout)["hops"][-1])
            print(f"  {label:26s} best {statistics.median(h['best_ms'] for h in hops):7.3f}  "
                  f"stddev {statistics.median(h['stddev_ms'] for h in hops):6.3f}  "
                  f"avg {statistics.median(h['avg_ms'] for h in hops):7.3f}")


def main():
    binary = os.path.abspath(sys.argv[1])
    nfq = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(binary), "tests",
                                                             "nfqdelay")
    wall_times(binary)
    rtt_error(binary, os.path.abspath(nfq))
    names_cost(binary)
    self_queueing(binary, os.path.abspath(nfq))


if __name__ == "__main__":
    main()
