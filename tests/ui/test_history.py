#!/usr/bin/python3
"""The history screen (v), in tmux. A replay of tests/data/history-20min.ndjson.zst (20 minutes
of a real lab path, hop 2 down for 30 s from minute 5; tests/lab/record_history.py made it):
played to its end, v opens the history in 1-minute buckets with the burst marked (B) on the
time axis; left arrows scroll back a bucket at a time until the selected bucket holds the
burst, whose line then reads the burst's minute, its loss and the event; PgUp goes back a page
and stops at the start of the run; z zooms to 10-minute buckets around the same time, d shows
RTT instead of loss; Esc goes back. A live run with an outage: v shows its hops and the burst
marked; with --baseline (the same recording: the lab's addresses) the hop detail compares the
hop with it. q leaves a clean terminal."""
import datetime
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
from common import BIN, Lab, Runner, check, require_root  # noqa: E402
from tui import Tmux  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "data", "history-20min.ndjson.zst")


def local(iso):
    return datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).astimezone()


def recorded_burst():
    """The recording's start and its loss burst's start, local time (from the file itself)."""
    lines = subprocess.run(["zstd", "-dc", FIXTURE], stdout=subprocess.PIPE, check=True,
                           text=True).stdout.splitlines()
    start = local(json.loads(lines[0])["started_at"])
    bursts = [json.loads(x)["event"]["start"] for x in lines if '"kind":"loss-burst"' in x]
    check(bursts, "the fixture has no loss burst")
    return start, local(bursts[0])


def selected(screen):
    """The selected bucket's line: its times, and the rest."""
    for line in screen.splitlines():
        m = re.match(r"(\d\d:\d\d:\d\d)-(\d\d:\d\d:\d\d) \| (.*)", line)
        if m:
            return m.group(1), m.group(2), m.group(3)
    return None


def replayed(t):
    start, burst = recorded_burst()
    t.type(f"{BIN} --replay {FIXTURE}; echo EXIT\"\"ED=$?")
    t.wait_for(lambda s: "REPLAY 20" in s, 10, "the replay")
    t.keys(">")
    t.wait_for(lambda s: "| END" in s, 20, "> to play the whole recording")
    t.keys("v")
    s = t.wait_for(lambda s: "History, 1 min buckets" in s and selected(s), 5, "v: the history")
    marks = [line for line in s.splitlines() if line.startswith("    events")]
    check(marks and "B" in marks[0], f"no burst mark on the time axis:\n{s}")
    newest = selected(s)[0]
    want = burst.strftime("%H:%M:00")
    for _ in range(30):  # back a bucket at a time until the burst's bucket is selected
        t.keys("Left")
        time.sleep(0.15)
        sel = selected(t.screen())
        if sel and "loss-burst" in sel[2]:
            break
    s = t.screen()
    sel = selected(s)
    check(sel and "loss-burst" in sel[2], f"never reached the burst from {newest}:\n{s}")
    check(sel[0] == want, f"the burst's bucket reads {sel[0]}, the recording says {burst:%T}")
    lost = re.search(r"hop (\d+): (\d+) of (\d+) lost", sel[2])
    check(lost and int(lost.group(2)) >= 1, f"the burst's figures: {sel[2]}")
    t.keys("Right")  # the 30 s outage: in this bucket and, unless it began early, the next
    after = t.wait_for(lambda s: selected(s) and selected(s)[0] == sel[1], 5, "right")
    more = re.search(r"hop \d+: (\d+) of \d+ lost", selected(after)[2])
    total = int(lost.group(2)) + (int(more.group(1)) if more else 0)
    check(28 <= total <= 33, f"the outage's probes lost over its two buckets: {total}")
    print(f"     burst at {burst:%T}: selected {sel[0]}-{sel[1]}: {sel[2][:60]}; "
          f"{total} lost over two buckets")
    t.keys("NPage")  # PgDn: a page on, as far as the newest
    t.wait_for(lambda s: selected(s) and selected(s)[0] == newest, 5, "PgDn to the newest")
    t.keys("PPage")
    t.keys("PPage")
    first = start.strftime("%H:%M:00")
    t.wait_for(lambda s: selected(s) and selected(s)[0] == first, 5,
               f"PgUp to stop at the run's first bucket {first}")
    t.keys("z")
    s = t.wait_for(lambda s: "History, 10 min buckets" in s, 5, "z: 10-minute buckets")
    t.keys("d")
    t.wait_for(lambda s: "mean RTT (d: loss)" in s, 5, "d: RTT")
    t.keys("Escape")
    t.wait_for(lambda s: "History" not in s and "198.18.1.2" in s, 5, "Esc back to the table")
    t.keys("q")
    s = t.wait_for(lambda s: "EXITED=" in s, 5, "hopwatch to exit")
    check("EXITED=0" in s, f"exit: {s}")


def live(t, lab):
    t.type("clear")
    t.type(f"ip netns exec {lab.client} {BIN} -n -i 0.2 --timeout 0.5 --baseline {FIXTURE} "
           f"{lab.target()}; echo EXIT\"\"ED=$?")
    t.wait_for(lambda s: lab.target() in s and "round" in s, 10, "the live view")
    time.sleep(2)
    lab.outage(2, True)
    time.sleep(2)
    lab.outage(2, False)
    t.wait_for(lambda s: "loss burst" in s, 10, "the burst")
    t.keys("v")
    s = t.wait_for(lambda s: "History, 1 min buckets" in s and "newest" in s, 5, "v live")
    for k in range(1, 5):
        check(re.search(rf"^\s*{k} {re.escape(lab.hop_addr(k))}", s, re.M), f"hop {k}:\n{s}")
    marks = [line for line in s.splitlines() if line.startswith("    events")]
    check(marks and "B" in marks[0], f"no burst mark:\n{s}")
    t.keys("Escape", "Down", "Down", "Enter")  # hop 2's detail, against the recording
    s = t.wait_for(lambda s: "Hop 2 in" in s and "vs baseline: loss" in s, 5,
                   "the hop detail against --baseline")
    check(re.search(r"vs baseline: loss \d+\.\d% -> \d+\.\d%", s), f"the baseline line:\n{s}")
    t.keys("q")
    t.wait_for(lambda s: "EXITED=0" in s, 5, "hopwatch to exit")


def main():
    require_root()
    run = Runner()
    t = None
    try:
        t = Tmux("hwhistory", cols=120, rows=24)
        run.case("history of a replayed 20-minute recording: back to the burst, PgUp, z, d",
                 replayed, t)
        with Lab("hwhistory", routers=3) as lab:
            run.case("history live: hops and the burst marked", live, t, lab)
    finally:
        if t:
            t.kill()
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
