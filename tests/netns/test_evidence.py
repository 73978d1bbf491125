#!/usr/bin/python3
"""Evidence over time on the lab path, read back by a real browser (Debian's chromium,
headless): a -r run with an outage writes --html; chromium's DOM of it has a chart a hop, the
loss burst among the events and the same verdicts as the run's JSON, and nothing to fetch
(no script, no http); --replay REC --html writes the same from the recording; a screenshot of
it is not blank and it prints to PDF; two targets give an overview line and a section each. --baseline: a clean recording, then 5% loss into hop 3: the JSON, the text
report of the replayed run and the HTML say the loss rose from hop 3 on, and hops 1-2 are the
same. --on-event: a script gets the burst's start and end as JSON on standard input; a
command that fails is logged with its exit status, and one that hangs is killed at the
timeout without holding the run up."""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, require_root

BUILD_DIR = os.path.dirname(BIN)


def chromium(tmp, *args):
    """Headless chromium with nothing to reach (every background fetch off)."""
    r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/chromium-profile", "--hide-scrollbars", *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    check(r.returncode == 0, f"chromium failed: {r.stderr[-500:]}")
    return r.stdout


class Dom(html.parser.HTMLParser):
    """What the checks read from the DOM chromium dumps: charts, events, verdicts, scripts."""

    def __init__(self):
        super().__init__()
        self.charts, self.events, self.verdicts, self.scripts = [], [], [], 0
        self.baseline, self.links, self.overview, self.sections = [], [], [], 0
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "")
        if tag == "svg" and "hop-chart" in cls:
            self.charts.append(int(a["data-ttl"]))
        if tag == "tr" and cls == "event":
            self.events.append(a.get("data-kind"))
        if tag == "tr" and cls == "target":
            self.overview.append(a.get("class"))
        if tag == "section" and cls == "target":
            self.sections += 1
        if tag == "tr" and cls == "baseline-hop":
            self.baseline.append(a.get("data-change"))
        if tag == "td" and "verdict" in cls.split():
            self._cell = []
        if tag == "p" and cls == "baseline-summary":
            self._cell = []
        if tag == "script":
            self.scripts += 1
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.links.append(a[k])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.verdicts.append("".join(self._cell))
            self._cell = None
        if tag == "p" and self._cell is not None:
            self.baseline_summary = "".join(self._cell)
            self._cell = None


def dom_of(tmp, path):
    d = Dom()
    d.feed(chromium(tmp, "--dump-dom", f"file://{path}"))
    return d


def check_report(d, doc, what):
    hops = [h["ttl"] for h in doc["hops"]]
    check(d.charts == hops, f"{what}: charts for hops {d.charts}, the report has {hops}")
    check("loss-burst" in d.events, f"{what}: no loss burst among the events {d.events}")
    want = [h["verdict"] for h in doc["hops"]]
    check(d.verdicts == want, f"{what}: verdicts {d.verdicts}, the JSON says {want}")
    check(d.scripts == 0 and not d.links, f"{what}: scripts {d.scripts}, links {d.links}")


def with_outage(lab, args, hop, after=3.0):
    """hopwatch ARGS -n -i 0.1 --timeout 0.5 TARGET in the client, with hop down for 1.5 s
    `after` seconds in: its standard output and error, and how long it took."""
    t0 = time.monotonic()
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, *args, "-n", "-i", "0.1",
                          "--timeout", "0.5", lab.target()], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    lab.outage(hop, True)
    time.sleep(1.5)
    lab.outage(hop, False)
    out, err = p.communicate(timeout=60)
    check(p.returncode == 0, f"hopwatch {args} exited {p.returncode}: {err}")
    return out, err, time.monotonic() - t0


def html_live_and_replay(lab, tmp):
    rec, live, again = (os.path.join(tmp, n) for n in ("run.zst", "live.html", "replay.html"))
    out, _, _ = with_outage(lab, ["-j", "-c", "80", "--record", rec, "--html", live], 3)
    doc = json.loads(out)
    check_report(dom_of(tmp, live), doc, "live")
    r = subprocess.run([BIN, "--replay", rec, "--html", again], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout == "", f"--replay --html: {r.returncode} {r.stderr}")
    check_report(dom_of(tmp, again), doc, "replay")
    shot = os.path.join(BUILD_DIR, "html-report.png")
    chromium(tmp, "--window-size=1100,1400", f"--screenshot={shot}", f"file://{live}")
    check(os.path.getsize(shot) > 20000, f"the screenshot is {os.path.getsize(shot)} bytes")
    pdf = os.path.join(tmp, "live.pdf")
    chromium(tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", f"file://{live}")
    with open(pdf, "rb") as f:
        check(f.read(5) == b"%PDF-" and os.path.getsize(pdf) > 10000,
              f"printed to PDF: {os.path.getsize(pdf)} bytes")
    print(f"     {live}: {os.path.getsize(live)} bytes; screenshot {shot}; PDF "
          f"{os.path.getsize(pdf)} bytes")


def several_targets(lab, tmp):
    """Two targets: an overview with a line each, then a section each."""
    page = os.path.join(tmp, "two.html")
    r = lab.run([BIN, "-r", "-n", "-c", "20", "-i", "0.05", "--html", page, lab.target(),
                 lab.hop_addr(2)], timeout=60)
    check(r.returncode == 0, f"two targets: {r.stderr}")
    d = dom_of(tmp, page)
    check(len(d.overview) == 2 and d.sections == 2,
          f"overview lines {d.overview}, sections {d.sections}")
    check(sorted(set(d.charts)) == [1, 2, 3, 4], f"charts of both: {d.charts}")


def baseline(lab, tmp):
    base, now, page = (os.path.join(tmp, n) for n in ("base.zst", "now.zst", "base.html"))
    args = ["-n", "-c", "600", "-i", "0.03", "--timeout", "0.5"]
    r = lab.run([BIN, "-r", *args, "--record", base, lab.target()], timeout=120)
    check(r.returncode == 0, f"the clean run failed: {r.stderr}")
    lab.loss(3, 5)
    try:
        r = lab.run([BIN, "-j", *args, "--record", now, "--baseline", base, "--html", page,
                     lab.target()], timeout=120)
    finally:
        lab.outage(3, False)  # flushes the chain: the loss goes too
    check(r.returncode == 0, f"the lossy run failed: {r.stderr}")
    cmp = json.loads(r.stdout)["baseline"]
    rows = {h["ttl"]: h for h in cmp["hops"]}
    check(cmp["rise_ttl"] == 3, f"the rise starts at {cmp['rise_ttl']}: {cmp['summary']}")
    check(rows[1]["loss_change"] == "same" and rows[2]["loss_change"] == "same",
          f"hops 1-2 changed: {rows[1]} {rows[2]}")
    check(rows[3]["loss_change"] == "rose" and not rows[3]["carried"], f"hop 3: {rows[3]}")
    check(all(rows[t]["carried"] for t in rows if t > 3), f"after hop 3: {cmp['hops']}")
    text = subprocess.run([BIN, "--replay", now, "--baseline", base, "-r"],
                          stdout=subprocess.PIPE, text=True, timeout=60).stdout
    check("loss rose from hop 3 on" in text and text.count("rose here") == 1,
          f"the replayed text report:\n{text}")
    d = dom_of(tmp, page)
    check("loss rose from hop 3 on" in d.baseline_summary, f"HTML: {d.baseline_summary}")
    check(d.baseline[:3] == ["same", "same", "rose"], f"HTML rows: {d.baseline}")
    print(f"     {cmp['summary']}")


def on_event(lab, tmp):
    got = os.path.join(tmp, "hook.out")
    script = os.path.join(tmp, "hook.sh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\n{ echo "$HOPWATCH_EVENT_PHASE $HOPWATCH_EVENT_KIND"; cat; } >> '
                f'{got}\n')
    os.chmod(script, 0o755)
    os.chmod(tmp, 0o755)

    def run(cmd, extra=()):
        _, err, took = with_outage(lab, ["-r", "-c", "60", "--on-event", cmd, *extra], 2, 2.0)
        return err, took

    run(script)
    with open(got) as f:
        lines = f.read().splitlines()
    events = [json.loads(line) for line in lines if line.startswith("{")]
    bursts = [(e["phase"], e["event"]["kind"]) for e in events
              if e["event"]["kind"] == "loss-burst"]
    check(bursts == [("start", "loss-burst"), ("end", "loss-burst")], f"got {lines}")
    check("start loss-burst" in lines and "end loss-burst" in lines, f"environment: {lines}")
    check(all(e["target"] == lab.target() for e in events), f"targets: {events}")
    err, _ = run("cat >/dev/null; exit 3")
    check("exited 3" in err and "loss-burst start" in err, f"a failing command: {err}")
    err, took = run("sleep 30", ["--on-event-timeout", "0.3"])
    check("killed after 0.3 s" in err, f"a command that hangs: {err}")
    check(took < 15, f"the run took {took:.1f} s with a hanging command")


def main():
    require_root()
    if not shutil.which("chromium"):
        print("FAIL: chromium is missing (make test-deps installs it)")
        return 1
    r = Runner()
    with Lab("hwev", routers=3) as lab, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        r.case("html_live_and_replay", html_live_and_replay, lab, tmp)
        r.case("several_targets", several_targets, lab, tmp)
        r.case("baseline", baseline, lab, tmp, retries=1)
        r.case("on_event", on_event, lab, tmp)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
