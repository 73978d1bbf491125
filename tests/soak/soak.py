#!/usr/bin/python3
"""The soak: hopwatch's live view running for a long time on a troubled path, with --metrics and
--record on, while its resident memory, open file descriptors and threads are sampled.

The lab: 4 routers and the destination; 2% random loss into router 3 all along; every period
(a tenth of the run, at least 6 s) a 2-second outage into the destination (a loss burst) and
router 2 answering from its other address (a path change). hopwatch runs in tmux (a real
terminal) at -i 0.05 with --metrics and --record FILE.zst; every sample (a twentieth of the run,
at least 3 s) scrapes /metrics and presses a display key, then reads /proc: VmRSS, the entries
of /proc/PID/fd and the Threads count.

It fails when, after the warm-up (the first tenth of the run, at least 10 s), the number of
descriptors or threads changes at all, or the resident memory grows by more than
RSS_SLACK_KIB (allocators and the per-second loss counts of new seconds touch new pages
before they level off); and when hopwatch does not quit with q and status 0, or the recording
does not replay. It prints the curve.

Usage (root): soak.py [HOPWATCH_BINARY] SECONDS   (make soak: 600 s; make test: 60 s, on the
release binary make deb builds, named by HOPWATCH_RELEASE_BIN when no binary is given: an
ASan build's quarantine would look like growth)"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
sys.path.insert(0, os.path.join(HERE, "..", "ui"))
from lab import Lab  # noqa: E402
from promlab import http_get  # noqa: E402
from tui import Tmux  # noqa: E402

PORT = 9466
RSS_SLACK_KIB = 2048
KEYS = ["d", "d", "d", "l", "Escape", "j", "j"]


def pid_of(binary):
    r = subprocess.run(["pgrep", "-f", f"^{binary} -n -i 0.05 --metrics"],
                       stdout=subprocess.PIPE, text=True)
    pids = r.stdout.split()
    return int(pids[0]) if pids else None


def sample(pid):
    status = open(f"/proc/{pid}/status").read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


def flip(lab, k, primary):
    """Router k's address `primary` steps back: its other address becomes the one it answers
    from (a path change at hop k)."""
    addr = f"198.18.{k - 1}.{primary}/24"
    lab.ns(k, "ip", "addr", "del", addr, "dev", f"e{k - 1}b")
    lab.ns(k, "ip", "addr", "add", addr, "dev", f"e{k - 1}b")


def main():
    if len(sys.argv) == 2:
        binary, seconds = os.environ.get("HOPWATCH_RELEASE_BIN", ""), float(sys.argv[1])
    else:
        binary, seconds = sys.argv[1], float(sys.argv[2])
    if os.geteuid() != 0 or not os.access(binary, os.X_OK):
        print(f"FAIL: the soak needs root and a hopwatch binary (got {binary!r}; "
              "HOPWATCH_RELEASE_BIN or an argument)")
        return 1
    period, every, warm = max(seconds / 10, 6), max(seconds / 20, 3), max(seconds / 10, 10)
    failures, curve = [], []
    with tempfile.TemporaryDirectory() as tmp, Lab("hwsoak", routers=4) as lab:
        rec = os.path.join(tmp, "soak.ndjson.zst")
        lab.loss(3, 2)
        lab.readdress(2, 9)  # router 2 answers from .9, with .2 kept as its other address
        primary = 9
        t = Tmux("hwsoak", 140, 35)
        try:
            t.type(f"ip netns exec {lab.client} {binary} -n -i 0.05 --metrics 127.0.0.1:{PORT} "
                   f"--record {rec} {lab.target()}; echo EXIT\"\"ED=$?")
            t.wait_for(lambda s: lab.target() in s, 10, "the destination on screen")
            pid = pid_of(binary)
            if not pid:
                raise AssertionError("no hopwatch process")
            start = time.monotonic()
            next_event, next_sample, k = start + period / 2, start, 0
            while time.monotonic() - start < seconds:
                now = time.monotonic()
                if now >= next_event:
                    lab.outage(5, True)
                    time.sleep(2)
                    lab.outage(5, False)
                    flip(lab, 2, primary)
                    primary = 2 if primary == 9 else 9
                    next_event += period
                if now >= next_sample:
                    status, _ = http_get(lab.client, f"http://127.0.0.1:{PORT}/metrics")
                    if status != 200:
                        failures.append(f"/metrics answered {status} at {now - start:.0f} s")
                    t.keys(KEYS[k % len(KEYS)])
                    k += 1
                    curve.append((now - start,) + sample(pid))
                    next_sample += every
                time.sleep(0.2)
            t.keys("Escape")
            t.keys("q")
            s = t.wait_for(lambda s: "EXITED=" in s, 10, "hopwatch to quit")
            if "EXITED=0" not in s:
                failures.append(f"hopwatch did not quit with 0:\n{s}")
        finally:
            t.kill()
        r = subprocess.run([binary, "--replay", rec, "-j"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            failures.append(f"the recording does not replay: {r.stderr.strip()}")
    print(f"soak: {seconds:.0f} s of the live view at -i 0.05 with --metrics and --record, a "
          f"burst and a path change every {period:.0f} s")
    print("     s    RSS KiB   fds  threads")
    for s, rss, fds, threads in curve:
        print(f"  {s:5.0f}  {rss:9d}  {fds:4d}  {threads:7d}")
    after = [c for c in curve if c[0] >= warm]
    if len(after) < 2:
        failures.append("too few samples after the warm-up")
    else:
        base = after[0]
        grow = max(c[1] for c in after) - base[1]
        print(f"  after the {warm:.0f} s warm-up: RSS {base[1]} -> {after[-1][1]} KiB "
              f"(largest growth {grow} KiB, slack {RSS_SLACK_KIB}), fds {base[2]} -> "
              f"{after[-1][2]}, threads {base[3]} -> {after[-1][3]}")
        if grow > RSS_SLACK_KIB:
            failures.append(f"resident memory grew {grow} KiB after the warm-up")
        if any(c[2] != base[2] for c in after):
            failures.append(f"open descriptors changed: {[c[2] for c in after]}")
        if any(c[3] != base[3] for c in after):
            failures.append(f"threads changed: {[c[3] for c in after]}")
    for f in failures:
        print("FAIL", f)
    print("soak passed" if not failures else "soak failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
