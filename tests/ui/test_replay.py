#!/usr/bin/python3
"""A recording replayed in the live view, in tmux: a run with an outage is recorded; the
replay's header says REPLAY with the recorded clock time; p pauses (the round count and the
clock stand still) and plays on; + makes it faster; ] jumps to the recorded loss burst, which
the replay then shows as the live run did (the burst in the header); < goes back to the start
(the statistics and events start again); g and a typed time of day go to that recorded time; q leaves a clean terminal; a recording cut short says so at
its end."""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
from common import BIN, Lab, Runner, check, require_root  # noqa: E402
from tui import Tmux  # noqa: E402


def record(lab, path):
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-r", "-n", "--record", path,
                          "-c", "150", "-i", "0.1", "--timeout", "0.5", lab.target()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(8.0)
    lab.outage(3, True)
    time.sleep(2.0)
    lab.outage(3, False)
    p.communicate(timeout=60)
    check(p.returncode == 0, "the recording run failed")


def rounds(screen):
    m = re.search(r"\| round (\d+)", screen)
    return int(m.group(1)) if m else -1


def replay(t, lab, path):
    t.type(f"{BIN} --replay {path}; echo EXIT\"\"ED=$?")
    s = t.wait_for(lambda s: "REPLAY 20" in s and all(a in s for a in lab.hops()), 10,
                   "the replay's header and hops")
    check(re.search(r"REPLAY \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", s), f"recorded clock:\n{s}")
    t.keys("p")
    time.sleep(0.5)
    a = rounds(t.screen())
    time.sleep(1.5)
    s = t.screen()
    check("PAUSED" in s and rounds(s) == a, f"p did not pause ({a} -> {rounds(s)}):\n{s}")
    t.keys("p")
    t.wait_for(lambda s: "PAUSED" not in s and rounds(s) > a, 5, "p to play on")
    t.keys("+")
    t.wait_for(lambda s: "x2" in s, 3, "+ to double the speed")
    t.keys("p")  # pause, then jump: the burst shows without waiting
    t.keys("]")
    s = t.wait_for(lambda s: "loss burst from hop" in s, 10, "] to jump to the recorded loss burst")
    check(rounds(s) >= 70, f"the jump went to round {rounds(s)}")
    t.keys("<")
    t.wait_for(lambda s: 0 <= rounds(s) < 10 and "loss burst" not in s, 5,
               "< to go back to the start (the burst not yet happened)")
    # g and a time: two seconds after the recorded burst began, in local time
    events = [json.loads(line) for line in subprocess.run(
        ["zstd", "-dc", path], stdout=subprocess.PIPE, check=True, text=True).stdout.splitlines()
        if '"type":"event"' in line]
    start = [e["event"]["start"] for e in events if e["event"]["kind"] == "loss-burst"][0]
    when = datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).astimezone() + datetime.timedelta(seconds=2)
    t.keys("g")
    t.type(when.strftime("%H:%M:%S"))
    t.wait_for(lambda s: "loss burst from hop" in s and rounds(s) >= 70, 10,
               f"g {when:%H:%M:%S} to go to the burst")
    t.keys("q")
    s = t.wait_for(lambda s: "EXITED=" in s, 5, "hopwatch to exit")
    check("EXITED=0" in s, f"exit: {s}")


def cut_short(t, lab, path):
    cut = path + ".cut.zst"
    with open(path, "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[: len(data) // 2])
    t.type("clear")
    t.type(f"{BIN} --replay {cut}; echo EXIT\"\"ED=$?")
    t.wait_for(lambda s: "REPLAY 20" in s, 10, "the cut recording's replay")
    t.keys(">")
    t.wait_for(lambda s: "the recording was cut short here" in s, 10, "> to its end, said cut")
    t.keys("q")
    t.wait_for(lambda s: "EXITED=0" in s, 5, "hopwatch to exit")


def main():
    require_root()
    run = Runner()
    t = None
    try:
        with tempfile.TemporaryDirectory() as tmp, Lab("hwreplay", routers=3) as lab:
            path = os.path.join(tmp, "run.ndjson.zst")
            run.case("record a run with an outage", record, lab, path)
            t = Tmux("hwreplay", cols=140, rows=30)
            run.case("replay: REPLAY header, p, +, ] to the burst, <, g TIME, q", replay, t, lab,
                     path)
            run.case("a recording cut short says so at its end", cut_short, t, lab, path)
    finally:
        if t:
            t.kill()
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
