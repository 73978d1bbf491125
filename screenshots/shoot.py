#!/usr/bin/python3
"""Regenerates the README's screenshots from the real TUI on the namespace lab (root):

    make screenshots        (or: screenshots/shoot.py build/hopwatch build/tests/nfqdelay)

Builds the demo path of `make run` (a rate-limited hop, a link with loss bursts,
delays), runs hopwatch in a tmux pane, captures the pane with its colors (capture-pane -e),
turns the ANSI text into HTML with aha and the HTML into a PNG with headless Chromium.
Needs the Debian packages tmux, aha, chromium and fonts-dejavu-core.

Last, the history screen (v) and the HTML report (--html) of tests/data/history-20min.ndjson.zst.

The first picture's screen is also written as text (lossy-path.txt) into the README's
<!-- screen --> block, so the README's example and its picture are the same screen
(unit_docs_consistency checks that they agree)."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lab"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "ui"))
from lab import Lab, demo  # noqa: E402
from tui import Tmux  # noqa: E402

COLS, ROWS = 150, 24
STYLE = ("<style>body{background:#1e1e1e;color:#d4d4d4;margin:8px}"
         "pre{font-family:'DejaVu Sans Mono',monospace;font-size:14px;line-height:1.25;margin:0}"
         "</style>")


def png(ansi, out, rows):
    html = subprocess.run(["aha", "--no-header", "--black"], input=ansi, text=True,
                          stdout=subprocess.PIPE, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "shot.html")
        with open(page, "w") as f:
            f.write(f"<html><head><meta charset='utf-8'>{STYLE}</head><body><pre>{html}</pre>"
                    "</body></html>")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--hide-scrollbars",
                        f"--window-size={COLS * 9 + 40},{rows * 18 + 30}",
                        f"--screenshot={out}", f"file://{page}"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("wrote", out)


def screen_text(plain):
    """The header and the hop rows of a captured screen: up to the first blank line."""
    lines = [line.rstrip() for line in plain.splitlines()]
    end = lines.index("") if "" in lines else len(lines)
    return "\n".join(lines[:end]) + "\n"


def write_readme_screen(text):
    with open(os.path.join(HERE, "lossy-path.txt"), "w") as f:
        f.write(text)
    path = os.path.join(HERE, "..", "README.md")
    readme = open(path).read()
    block = re.compile(r"(<!-- screen -->\n```\n).*?(```\n<!-- /screen -->)", re.S)
    with open(path, "w") as f:
        f.write(block.sub(lambda m: m.group(1) + text + m.group(2), readme))
    print("wrote lossy-path.txt and the README's screen")


def evidence(t, binary):
    """The history screen and the HTML report, both of the 20-minute lab recording the history
    test replays (hop 2 down for 30 s at minute 5)."""
    rec = os.path.join(HERE, "..", "tests", "data", "history-20min.ndjson.zst")
    t.resize(COLS, 16)
    t.type(f"clear; {binary} --replay {rec}")
    time.sleep(2)
    t.keys(">")
    time.sleep(2)
    t.keys("v")
    time.sleep(0.5)
    for _ in range(15):  # back to the burst
        t.keys("Left")
        time.sleep(0.1)
    time.sleep(0.5)
    png(t.screen(colors=True), os.path.join(HERE, "history.png"), 16)
    t.keys("q")
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        subprocess.run([binary, "--replay", rec, "--html", page], check=True)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--hide-scrollbars",
                        "--window-size=1000,1500",
                        f"--screenshot={os.path.join(HERE, 'html-report.png')}",
                        f"file://{page}"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("wrote history.png and html-report.png")


def main():
    binary = os.path.abspath(sys.argv[1])
    nfq = os.path.abspath(sys.argv[2])
    lab = Lab("hwshot", routers=6, nfqdelay=nfq)
    t = None
    try:
        lab.up()
        demo(lab)
        t = Tmux("hwshot", COLS, ROWS)
        t.type(f"clear; ip netns exec {lab.client} {binary} -i 0.1 -n {lab.target()}")
        time.sleep(40)  # make run's interval: a few loss bursts, the onset placed
        ansi = t.screen(colors=True)
        plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", ansi)  # the same capture, as text
        png(ansi, os.path.join(HERE, "lossy-path.png"), ROWS)
        write_readme_screen(screen_text(plain))
        t.keys("Down", "Down", "Enter")
        time.sleep(0.5)
        png(t.screen(colors=True), os.path.join(HERE, "hop-detail.png"), ROWS)
        t.keys("Escape", "l")
        time.sleep(0.5)
        png(t.screen(colors=True), os.path.join(HERE, "events.png"), ROWS)
        t.resize(COLS, 34)
        t.keys("l", "?")
        time.sleep(0.5)
        png(t.screen(colors=True), os.path.join(HERE, "help.png"), 34)
        t.resize(COLS, ROWS)
        t.keys("q")
        # several targets on the same troubled path: the overview, one line a target
        targets = [lab.target(), lab.hop_addr(3), lab.hop_addr(5), lab.target(True)]
        t.type(f"clear; ip netns exec {lab.client} {binary} -i 0.2 -n {' '.join(targets)}")
        time.sleep(30)
        png(t.screen(colors=True), os.path.join(HERE, "overview.png"), 12)
        t.keys("q")
        lab.down()
        lab = Lab("hwshot", routers=4)
        lab.up()
        t.type(f"clear; ip netns exec {lab.client} {binary} -i 0.2 -n {lab.target()}")
        time.sleep(12)
        png(t.screen(colors=True), os.path.join(HERE, "clean-path.png"), 14)
        t.keys("q")
        evidence(t, binary)
    finally:
        if t:
            t.kill()
        lab.down()


if __name__ == "__main__":
    main()
