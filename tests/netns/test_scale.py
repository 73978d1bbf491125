#!/usr/bin/python3
"""A thousand targets in one process: a wake-up's work does not grow with them, and the memory
of the targets taken out goes back to the system.

Targets are addresses of one prefix made local on the lab's destination (198.19.0.0/22), so
each is a 4-hop path. Work is counted, not timed: the fleet thread's
hopwatch_fleet_wakeups_total and hopwatch_fleet_steps_total (one step: one target's sends,
reads and expiries).

  wakeups  one busy target alone (--targets line "HOST interval=0.05"), then the same busy
           target with 1,000 idle ones ("interval=3600": each took its first step and waits
           for its first round, spread over the hour): over the same window after a warm-up,
           the steps a wake-up with the 1,000 must be within 25% (+0.25) of the steps a
           wake-up alone, and the busy target must have probed at its pace in both. A fleet
           thread that stepped every target at every wake-up made 1,001 there.
  memory   1,000 targets at -i 10 (--targets) until every one has sent its rounds, then
           SIGHUP with a list of one: hopwatch_targets_allocated goes from 1,000 to 1, and the
           resident memory falls to a quarter of what it was or less. The release binary
           (HOPWATCH_RELEASE_BIN, as make test sets it) runs this case when there is one:
           AddressSanitizer keeps freed memory in its quarantine, so under it only the count
           is checked.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from promlab import http_get  # noqa: E402

PORT = 9481
IDLE = 1000


def addresses(n):
    return [f"198.19.{i // 250}.{i % 250 + 1}" for i in range(n)]


def make_targets(lab):
    """198.19.0.0/22 local on the destination (every address answers), routed there."""
    dst = lab.n + 1
    lab.ns(dst, "ip", "route", "add", "local", "198.19.0.0/22", "dev", "lo")
    for k in range(dst):
        lab.ns(k, "ip", "route", "add", "198.19.0.0/22", "via", f"198.18.{k}.2")


def sanitized(binary):
    r = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, text=True)
    return "libasan" in r.stdout


def start(lab, path, extra, binary=BIN):
    return subprocess.Popen(["ip", "netns", "exec", lab.client, binary, "--headless", "--metrics",
                             f"127.0.0.1:{PORT}", "-n", "-4", "--timeout", "1", "--targets", path]
                            + extra, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return err


def scrape(lab, what):
    """{name: value} of the unlabelled series in `what`, and the sent count of target 0."""
    status, body = http_get(lab.client, f"http://127.0.0.1:{PORT}/metrics", timeout=30)
    check(status == 200, f"/metrics: {status} {body[:200]!r}")
    text = body.decode()
    out = {}
    for name in what:
        m = re.search(rf"^{name} (\S+)$", text, re.M)
        check(m, f"no {name} in /metrics")
        out[name] = float(m.group(1))
    m = re.search(rf'^hopwatch_target_probes_sent_total{{[^}}]*target="{addresses(1)[0]}"'
                  r"[^}]*} (\S+)$", text, re.M)
    out["busy_sent"] = float(m.group(1)) if m else 0.0
    return out


def rss_kib(pid):
    """VmRSS of hopwatch itself: the child of `ip netns exec` (which execs it: the same pid)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def work_per_wakeup(lab, tmp, idle):
    path = os.path.join(tmp, f"targets-{idle}")
    names = addresses(idle + 1)
    with open(path, "w") as f:
        f.write(f"{names[0]} interval=0.05\n")
        f.writelines(f"{h} interval=3600\n" for h in names[1:])
    p = start(lab, path, ["-i", "1"])
    what = ["hopwatch_fleet_wakeups_total", "hopwatch_fleet_steps_total"]
    try:
        time.sleep(4 if idle else 2)
        a = scrape(lab, what)
        time.sleep(5)
        b = scrape(lab, what)
    finally:
        err = stop(p)
    wakeups = b[what[0]] - a[what[0]]
    steps = b[what[1]] - a[what[1]]
    sent = b["busy_sent"] - a["busy_sent"]
    check(wakeups > 0, f"no wake-up counted: {a} {b}; {err}")
    print(f"    {idle:4d} idle: {wakeups:.0f} wake-ups, {steps:.0f} steps, "
          f"{steps / wakeups:.2f} steps a wake-up; the busy target sent {sent:.0f}")
    # 5 s at 20 rounds/s: 100 probes to the destination
    check(sent >= 75, f"the busy target sent {sent:.0f} probes to its destination in 5 s, not ~100")
    return steps / wakeups


def wakeups(lab, tmp):
    alone = work_per_wakeup(lab, tmp, 0)
    crowd = work_per_wakeup(lab, tmp, IDLE)
    check(crowd <= alone * 1.25 + 0.25,
          f"{crowd:.2f} steps a wake-up beside {IDLE} idle targets, {alone:.2f} alone")


def memory(lab, tmp):
    path = os.path.join(tmp, "targets-mem")
    names = addresses(IDLE)
    with open(path, "w") as f:
        f.writelines(f"{h}\n" for h in names)
    binary = os.environ.get("HOPWATCH_RELEASE_BIN") or BIN
    p = start(lab, path, ["-i", "10"], binary)
    what = ["hopwatch_targets", "hopwatch_targets_allocated"]
    try:
        time.sleep(13)  # every target's first rounds: they start spread over the interval
        before = scrape(lab, what)
        rss_before = rss_kib(p.pid)
        with open(path, "w") as f:
            f.write(f"{names[0]}\n")
        p.send_signal(signal.SIGHUP)
        for _ in range(100):
            time.sleep(0.1)
            after = scrape(lab, what)
            if after["hopwatch_targets_allocated"] == 1:
                break
        time.sleep(0.5)
        rss_after = rss_kib(p.pid)
    finally:
        err = stop(p)
    print(f"    {IDLE} targets: {rss_before} KiB resident; after SIGHUP with one: {rss_after} KiB")
    check(before["hopwatch_targets"] == IDLE and before["hopwatch_targets_allocated"] == IDLE,
          f"before: {before}")
    check(after["hopwatch_targets"] == 1 and after["hopwatch_targets_allocated"] == 1,
          f"after SIGHUP: {after}")
    check(f"0 targets added, {IDLE - 1} removed, 1 watched" in err, f"SIGHUP message: {err}")
    if sanitized(binary):
        print(f"    skip the resident memory: {binary} is built with AddressSanitizer, whose "
              "quarantine keeps what is freed (set HOPWATCH_RELEASE_BIN to check it)")
        return
    check(rss_after * 4 <= rss_before, f"resident memory {rss_before} -> {rss_after} KiB")


def main():
    require_root()
    t = Runner()
    with tempfile.TemporaryDirectory() as tmp, Lab("hwsca", routers=3) as lab:
        make_targets(lab)
        t.case("wakeups", wakeups, lab, tmp)
        t.case("memory", memory, lab, tmp)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
