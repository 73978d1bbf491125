#!/usr/bin/python3
"""CPU use of the live TUI: hopwatch and mtr side by side for 60 s at -i 0.1 on the same
6-router lab path, each in its own tmux pane (150x40). Prints CPU seconds (user + system, from
/proc) and the share of one core. Usage (root): cpu_tui.py HOPWATCH_BINARY [SECONDS]"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from lab import Lab  # noqa: E402
from tui import Tmux  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def find_pid(name, netns_pids):
    for pid in netns_pids:
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == name:
                    return pid
        except OSError:
            pass
    return None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def main():
    binary = os.path.abspath(sys.argv[1])
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    lab = Lab("hwcpu", routers=6)
    panes = []
    try:
        lab.up()
        for name, cmd in (("hopwatch", f"{binary} -n -i 0.1 {lab.target()}"),
                          ("mtr", f"mtr -n -i 0.1 {lab.target()}")):
            t = Tmux(f"hwcpu{name}", 150, 40)
            t.type(f"ip netns exec {lab.client} {cmd}")
            panes.append((name, t))
        time.sleep(2.0)
        pids = subprocess.run(["ip", "netns", "pids", lab.client], stdout=subprocess.PIPE,
                              text=True).stdout.split()
        found = [(name, find_pid(name, pids)) for name, _ in panes]
        start = {name: cpu_seconds(pid) for name, pid in found if pid}
        t0 = time.monotonic()
        time.sleep(secs)
        wall = time.monotonic() - t0
        print(f"CPU over {wall:.0f} s at -i 0.1, 6 routers + destination, 150x40 terminal:")
        for name, pid in found:
            if not pid:
                print(f"  {name:9s} not running")
                continue
            used = cpu_seconds(pid) - start[name]
            print(f"  {name:9s} {used:6.2f} CPU s  = {100 * used / wall:5.2f}% of one core")
    finally:
        for _, t in panes:
            t.keys("q")
            time.sleep(0.3)
            t.kill()
        lab.down()


if __name__ == "__main__":
    main()
