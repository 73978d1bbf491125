#!/usr/bin/python3
"""hopwatch beside its peers, in one run on one 9-hop lab path (8 routers + destination),
printed as the README's table (figures only; nothing here passes or fails):

  1. time to the complete path, one probe a hop (median of 7 runs): hopwatch -r -c 1,
     traceroute -q1, tracepath, scamper's trace -q 1, mtr -r -c 1;
  2. time until the live view shows every hop, hopwatch and mtr, each started in its own tmux
     pane (median of 5; the screen is read every 5 ms), against the goal of one round-trip +
     50 ms;
  3. CPU per probe and peak RSS, hopwatch -r and mtr -r with the same probe count (500 rounds
     at -i 0.01 over 9 hops), from the kernel's rusage of each process pinned to CPU 0; once as
     the lab charges it, once with the lab's forwarding steered to CPU 1 (see steer()); and,
     when PROBEFLOOR is given, the socket API's floor: tests/bench/probefloor.c sends each round
     in one sendmmsg() and reads it with recvmmsg() after one sleep (no prober does less).
     Beside the whole run's CPU a probe, 'a probe more': the CPU of 500 rounds less that of 100,
     over the 3,600 probes between, which leaves out what starting and exiting cost (hopwatch
     loads 22 shared libraries, about 10 ms; the floor none): the cost of probing itself;
  4. RTT bias: each hop's average RTT from hopwatch (icmp-raw, 200 rounds at -i 0.01) minus
     ping's (iputils, 200 echoes) to that hop's address, ping at the same packet rate as
     hopwatch's whole run (-i 0.01 / hops): a veth lab forwards faster the more packets it
     forwards (ping to hop 8 at -i 0.01 read 104 us, at -i 0.001 22 us).

Usage (root): peers.py HOPWATCH_BINARY [PROBEFLOOR_BINARY]"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
sys.path.insert(0, os.path.join(HERE, "..", "ui"))
from lab import Lab  # noqa: E402
from tui import Tmux  # noqa: E402

ROUTERS = 8


def in_client(lab, argv):
    return ["ip", "netns", "exec", lab.client] + argv


def run_rusage(lab, argv):
    """Runs argv in the client; returns (wall s, cpu s, max RSS KiB, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen(in_client(lab, argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {p.returncode}")
    return time.monotonic() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, out


def whole_path(lab, binary):
    tgt = lab.target()
    tools = [("hopwatch -r -c 1 -n", [binary, "-r", "-c", "1", "-n", tgt]),
             ("traceroute -n -q 1", ["traceroute", "-n", "-q", "1", tgt]),
             ("tracepath -n", ["tracepath", "-n", tgt]),
             ("scamper trace -q 1", ["scamper", "-c", "trace -q 1", "-i", tgt]),
             ("mtr -r -c 1 -n", ["mtr", "-r", "-c", "1", "-n", tgt])]
    print(f"1. time to the complete path, {ROUTERS + 1} hops, one probe a hop, median of 7 runs:")
    for name, argv in tools:
        if not shutil.which(argv[0]):
            print(f"   {name:24s} not installed")
            continue
        times, complete = [], True
        for _ in range(7):
            wall, _, _, out = run_rusage(lab, argv)
            times.append(wall)
            complete &= tgt in out
        print(f"   {name:24s} {1000 * statistics.median(times):8.1f} ms  "
              f"(min {1000 * min(times):.1f}, max {1000 * max(times):.1f})"
              + ("" if complete else "  (the destination missing from its output)"))


def all_hops_shown(screen, lab):
    return all(re.search(rf"\b{re.escape(a)}\b", screen) for a in lab.hops())


def live_view(lab, binary):
    tools = [("hopwatch", f"{binary} -n {lab.target()}"),
             ("mtr", f"mtr -n -t {lab.target()}")]
    print("2. time until the live view shows every hop (tmux, screen read every 5 ms), median "
          "of 5:")
    rtt = rtt_to_dest(lab)
    for name, cmd in tools:
        times = []
        for i in range(5):
            tmux = Tmux(f"peers{i}", cols=150, rows=40)
            try:
                tmux.type("clear")
                time.sleep(0.3)
                t0 = time.monotonic()
                tmux.type(f"ip netns exec {lab.client} {cmd}")
                while time.monotonic() - t0 < 10 and not all_hops_shown(tmux.screen(), lab):
                    time.sleep(0.005)
                times.append(time.monotonic() - t0)
                tmux.keys("q")
                time.sleep(0.3)
            finally:
                tmux.kill()
        print(f"   {name:10s} {1000 * statistics.median(times):8.1f} ms  (min "
              f"{1000 * min(times):.1f}, max {1000 * max(times):.1f}); the goal: one "
              f"round-trip ({rtt:.2f} ms) + 50 ms")
    # what reading the screen itself costs: the same loop on a screen that is already there
    tmux = Tmux("peersq", cols=150, rows=40)
    try:
        t0 = time.monotonic()
        for _ in range(20):
            tmux.screen()
        print(f"   (one tmux capture-pane: {1000 * (time.monotonic() - t0) / 20:.1f} ms, the "
              f"resolution of these figures)")
    finally:
        tmux.kill()


def rtt_to_dest(lab):
    out = subprocess.run(in_client(lab, ["ping", "-n", "-c", "20", "-i", "0.01", "-q",
                                         lab.target()]), stdout=subprocess.PIPE,
                         text=True).stdout
    m = re.search(r"= [\d.]+/([\d.]+)/", out)
    return float(m.group(1)) if m else float("nan")


def run_cpu(lab, argv):
    """Runs argv pinned to CPU 0; returns (user s, system s, peak RSS KiB). The peak is the
    tool's VmHWM read every 20 ms while it runs: the rusage figure also covers the Python
    process a child starts as."""
    p = subprocess.Popen(in_client(lab, ["taskset", "-c", "0"] + argv),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hwm = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open(f"/proc/{p.pid}/status") as f:
                m = re.search(r"VmHWM:\s+(\d+)", f.read())
            if m and os.readlink(f"/proc/{p.pid}/exe") == os.path.realpath(shutil.which(argv[0])):
                hwm = max(hwm, int(m.group(1)))
        except OSError:
            pass
        time.sleep(0.02)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv[0]} exited {status}")
    return ru.ru_utime, ru.ru_stime, hwm


def steer(lab, on):
    """The lab's forwarding off the prober's CPU: in a veth lab the kernel forwards a packet
    through every router inside the sender's own system call (and a reply inside whoever is
    running), which charges the prober with the whole path's work. Receive packet steering on
    the client's link and router 1's sends that work to CPU 1; the prober runs on CPU 0."""
    for k, dev in ((0, "e0a"), (1, "e0b")):
        lab.ns(k, "sh", "-c", f"echo {2 if on else 0} > /sys/class/net/{dev}/queues/rx-0/rps_cpus")


def cpu_per_probe(lab, binary, floor):
    rounds, short, hops = 500, 100, ROUTERS + 1
    probes = rounds * hops

    def argv_of(name, n):
        return {"hopwatch -r": [binary, "-r", "-n", "-c", str(n), "-i", "0.01", lab.target()],
                "mtr -r": ["mtr", "-r", "-n", "-c", str(n), "-i", "0.01", lab.target()],
                "floor": [floor, lab.target(), str(hops), str(n), "0.01"]}[name]

    tools = ["hopwatch -r", "mtr -r"] + (["floor"] if floor else [])
    print(f"3. CPU per probe and peak RSS, {rounds} rounds at -i 0.01 over {hops} hops "
          f"({probes} probes), pinned to CPU 0, median of 3 runs in turn; 'a probe more': "
          f"what {rounds} rounds cost over {short} ({(rounds - short) * hops} probes), start "
          "and exit left out:")
    per, more = {}, {}
    for steered in (False, True):
        steer(lab, steered)
        print("   the lab's forwarding " + ("steered to CPU 1 (the tools' own work):" if steered
                                             else "charged to the tools (as a veth lab does):"))
        long, few = {name: [] for name in tools}, {name: [] for name in tools}
        for _ in range(3):  # the tools in turn, so a drift of the VM's speed hits them alike
            for name in tools:
                long[name].append(run_cpu(lab, argv_of(name, rounds)))
                few[name].append(sum(run_cpu(lab, argv_of(name, short))[:2]))
        for name in tools:
            user, sys_, rss = sorted(long[name], key=lambda r: r[0] + r[1])[1]
            few[name] = statistics.median(few[name])
            per[name, steered] = (user + sys_) / probes
            more[name, steered] = (user + sys_ - few[name]) / ((rounds - short) * hops)
            print(f"     {name:12s} {1e6 * per[name, steered]:7.1f} us CPU a probe (user "
                  f"{1e6 * user / probes:.1f}, system {1e6 * sys_ / probes:.1f}), "
                  f"{1e6 * more[name, steered]:5.1f} a probe more   peak RSS {rss / 1024:5.1f} MiB")
        print(f"     hopwatch / mtr: "
              f"{per['hopwatch -r', steered] / per['mtr -r', steered]:.3f} (the goal: 0.125)")
        if floor:
            print(f"     floor / mtr: {per['floor', steered] / per['mtr -r', steered]:.3f}, "
                  f"hopwatch / floor: {per['hopwatch -r', steered] / per['floor', steered]:.2f}, "
                  f"a probe more: "
                  f"{more['hopwatch -r', steered] / more['floor', steered]:.2f} (the goal: 1.3)")
    steer(lab, False)


def rtt_bias(lab, binary):
    _, _, _, out = run_rusage(lab, [binary, "-j", "-n", "-M", "icmp-raw", "-c", "200", "-i",
                                    "0.01", lab.target()])
    doc = json.loads(out)
    every = f"{0.01 / len(doc['hops']):.4f}"
    print("4. RTT bias per hop: hopwatch's average (icmp-raw, 200 rounds at -i 0.01) minus "
          f"ping's (200 echoes at -i {every}, the same packet rate), us:")
    line = []
    for h in doc["hops"]:
        ping = subprocess.run(in_client(lab, ["ping", "-n", "-c", "200", "-i", every, "-q",
                                              h["addr"]]), stdout=subprocess.PIPE,
                              text=True).stdout
        m = re.search(r"= [\d.]+/([\d.]+)/", ping)
        line.append(f"{1000 * (h['avg_ms'] - float(m.group(1))):+.0f}")
    print("   hop 1..9: " + " ".join(line))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    floor = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    lab = Lab("hwpeers", routers=ROUTERS)
    try:
        lab.up()
        whole_path(lab, binary)
        live_view(lab, binary)
        cpu_per_probe(lab, binary, floor)
        rtt_bias(lab, binary)
    finally:
        lab.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
