#!/usr/bin/python3
"""Faults said aloud, nothing lost in silence (on the namespace lab):
  - --record, --log-events and --ndjson into a full disk (a 64 KiB tmpfs): the run goes on,
    exits 5, says on standard error which file failed and why; the -j report and the end line
    of the outputs that still work say end_reason "write failed" and name it; --on-event is
    told (a write-failure event) that the recording stopped;
  - --headless --ndjson - into a pipe: the stream is NDJSON alone; when the reader goes away
    (EPIPE) the run ends at once, cleanly, with exit status 5 and a message;
  - -r with --ndjson -: standard output is NDJSON alone, the report goes to standard error;
  - this host cannot send for a second (its route deleted: ENETUNREACH; an unreachable route:
    EHOSTUNREACH; a local firewall: EPERM): a send-failure event says so and for how long, in
    the report and --log-events, and probing resumes by itself; a new address after the old
    one went away (a laptop changing networks): probing goes on from it in every mode."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from promlab import http_get, promtool_check  # noqa: E402

PORT = 9471


class TinyDisk:
    """A 64 KiB tmpfs, mounted for the case and removed however it ends."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="hwfull-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", self.path], check=True)
        return self.path

    def __exit__(self, *exc):
        subprocess.run(["umount", self.path], check=False)
        os.rmdir(self.path)


def run_with_outage(lab, argv):
    """Runs hopwatch with a 0.6 s outage into hop 2 early on (a loss-burst event to log)."""
    p = subprocess.Popen(["ip", "netns", "exec", lab.client] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.4)
        lab.outage(2, True)
        time.sleep(0.6)
    finally:
        lab.outage(2, False)
    out, err = p.communicate(timeout=60)
    return subprocess.CompletedProcess(argv, p.returncode, out, err)


def full_disk(lab, tmp):
    for flag, name in (("--record", "rec.ndjson"), ("--log-events", "events.ndjson"),
                       ("--ndjson", "stream.ndjson")):
        with TinyDisk() as disk:
            path = os.path.join(disk, name)
            if flag == "--log-events":  # events are small: fill the disk first
                subprocess.run(["dd", "if=/dev/zero", f"of={disk}/fill", "bs=1k", "count=64"],
                               stderr=subprocess.DEVNULL, check=False)
            args = [BIN, "-n", "-j", "-c", "200", "-i", "0.01", flag, path]
            keep = os.path.join(tmp, f"keep-{name}")
            hook = os.path.join(tmp, f"hook-{name}")
            if flag == "--ndjson":
                args += ["--record", keep]  # the output that still works says why
            if flag == "--record":  # --on-event hears that the recording stopped
                args += ["--on-event", f"cat >> {hook}"]
            r = run_with_outage(lab, args + [lab.target()])
            check(r.returncode == 5, f"{flag}: exit {r.returncode}, stderr {r.stderr!r}")
            check(path in r.stderr and "No space left on device" in r.stderr,
                  f"{flag}: stderr {r.stderr!r}")
            doc = json.loads(r.stdout)
            check(doc["end_reason"] == "write failed" and path in doc["write_failure"],
                  f"{flag}: report end {doc['end_reason']!r} {doc.get('write_failure')!r}")
            check(doc["rounds"] == 200, f"{flag}: the run went on: {doc['rounds']} rounds")
            if flag == "--record":
                told = [json.loads(x)["event"] for x in open(hook).read().splitlines()]
                stops = [e for e in told if e["kind"] == "write-failure"]
                check(stops and "No space left on device" in stops[0]["text"],
                      f"--on-event was told {[e['kind'] for e in told]}")
            if flag == "--ndjson":
                end = json.loads(open(keep).read().splitlines()[-1])
                check(end["type"] == "end" and end["end_reason"] == "write failed" and
                      path in end["write_failure"], f"the recording's end line: {end}")


def headless_pipe(lab, tmp):
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-n", "--headless", "-i",
                          "0.05", "--ndjson", "-", lab.target()], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    lines = [p.stdout.readline() for _ in range(5)]
    docs = [json.loads(line) for line in lines]
    check(docs[0]["type"] == "header" and docs[1]["type"] == "round", f"lines {lines[:2]}")
    p.stdout.close()  # the reader goes away
    t0 = time.time()
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("--headless went on after its reader went away")
    err = p.stderr.read()
    check(rc == 5 and "reader of standard output went away" in err,
          f"exit {rc} after {time.time() - t0:.1f} s, stderr {err!r}")


def report_beside_stream(lab, tmp):
    r = lab.run([BIN, "-n", "-r", "-c", "10", "-i", "0.05", "--ndjson", "-", lab.target()])
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr!r}")
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    check(docs[0]["type"] == "header" and docs[-1]["type"] == "end", f"stream {r.stdout[:200]!r}")
    check("HOST:" in r.stderr and "Loss%" in r.stderr, f"the report on stderr: {r.stderr!r}")


def host_cannot_send(lab, tmp):
    """The client's route is deleted (ENETUNREACH), made unreachable (EHOSTUNREACH), or a local
    firewall drops the probes (EPERM) for 1 s mid-run: an event that says so and for how long,
    in the JSON report and --log-events; probing resumes by itself."""
    net = lab.target().rsplit(".", 1)[0] + ".0/24"
    c = lab.node(0)
    restore = ["ip", "-n", c, "route", "replace", net, "via", "198.18.0.2"]
    cases = [("Network is unreachable", ["ip", "-n", c, "route", "del", net], restore),
             ("No route to host", ["ip", "-n", c, "route", "replace", "unreachable", net],
              restore),
             ("Operation not permitted",
              ["ip", "netns", "exec", c, "iptables", "-I", "OUTPUT", "-d", lab.target(), "-j",
               "DROP"],
              ["ip", "netns", "exec", c, "iptables", "-D", "OUTPUT", "-d", lab.target(), "-j",
               "DROP"])]
    for text, on, off in cases:
        log = os.path.join(tmp, "events.ndjson")
        if os.path.exists(log):
            os.unlink(log)
        p = subprocess.Popen(["ip", "netns", "exec", c, BIN, "-n", "-M", "icmp-raw", "-j", "-c",
                              "60", "-i", "0.05", "--log-events", log, lab.target()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            subprocess.run(on, check=True)
            time.sleep(1.0)
        finally:
            subprocess.run(off, check=False)
        out, err = p.communicate(timeout=30)
        check(p.returncode == 0, f"{text}: exit {p.returncode}: {err!r}")
        doc = json.loads(out)
        ev = [e for e in doc["events"] if e["kind"] == "send-failure"]
        check(len(ev) == 1 and text in ev[0]["text"] and ev[0]["end"],
              f"{text}: events {[(e['kind'], e['text']) for e in doc['events']]}")
        secs = float(ev[0]["text"].rsplit("for ", 1)[1].split()[0])
        check(0.6 <= secs <= 1.6, f"{text}: lasted {secs} s: {ev[0]['text']!r}")
        check(doc["packets"]["send_errors"] > 0, f"{text}: packets {doc['packets']}")
        logged = [json.loads(line) for line in open(log)]
        check(any(e["kind"] == "send-failure" and e["end"] for e in logged),
              f"{text}: --log-events {logged}")
        last = doc["hops"][-1]
        check(last["received"] >= 30 and last["loss_pct"] < 5,
              f"{text}: probing resumed? last hop {last['received']} received, "
              f"{last['loss_pct']}% lost")


def send_errors_metric(lab, tmp):
    """--headless --metrics while the route is gone for 1 s: hopwatch_send_errors_total counts
    the probes by errno (ENETUNREACH here, the rest 0), and promtool takes the exposition."""
    c, net = lab.node(0), lab.target().rsplit(".", 1)[0] + ".0/24"
    p = subprocess.Popen(["ip", "netns", "exec", c, BIN, "-n", "--headless", "-i", "0.05",
                          "--metrics", f"127.0.0.1:{PORT}", lab.target()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        subprocess.run(["ip", "-n", c, "route", "del", net], check=True)
        time.sleep(1.0)
        subprocess.run(["ip", "-n", c, "route", "replace", net, "via", "198.18.0.2"], check=True)
        time.sleep(0.5)
        status, body = http_get(c, f"http://127.0.0.1:{PORT}/metrics")
    finally:
        subprocess.run(["ip", "-n", c, "route", "replace", net, "via", "198.18.0.2"], check=False)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=10)
    text = body.decode()
    got = {}
    for line in text.splitlines():
        if line.startswith("hopwatch_send_errors_total{"):
            got[line.split('errno="')[1].split('"')[0]] = float(line.rsplit(" ", 1)[1])
    check(status == 200 and got.get("ENETUNREACH", 0) > 0 and
          all(v == 0 for k, v in got.items() if k != "ENETUNREACH"), f"send errors {got}")
    ok, out = promtool_check(text)
    check(ok, f"promtool check metrics: {out}")


def new_address(lab, tmp):
    """A laptop that changes networks: the client's address goes away for 1 s, then another
    comes (with its routes, as DHCP brings them). In udp, icmp-raw and tcp: one send-failure
    event, then probing from the new address with no loss (tcp's SYN checksum and held ports
    follow the address)."""
    c, n = lab.node(0), lab.n
    for mode in ("udp", "icmp-raw", "tcp"):
        p = subprocess.Popen(["ip", "netns", "exec", c, BIN, "-n", "-M", mode, "-j", "-c", "80",
                              "-i", "0.05", lab.target()], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            subprocess.run(["ip", "-n", c, "addr", "del", "198.18.0.1/24", "dev", "e0a"],
                           check=True)
            time.sleep(1.0)
            subprocess.run(["ip", "-n", c, "addr", "add", "198.18.0.77/24", "dev", "e0a"],
                           check=True)
            for j in range(1, n + 1):
                subprocess.run(["ip", "-n", c, "route", "replace", f"198.18.{j}.0/24", "via",
                                "198.18.0.2"], check=True)
            out, err = p.communicate(timeout=30)
        finally:
            subprocess.run(["ip", "-n", c, "addr", "del", "198.18.0.77/24", "dev", "e0a"],
                           check=False)
            subprocess.run(["ip", "-n", c, "addr", "replace", "198.18.0.1/24", "dev", "e0a"],
                           check=False)
            for j in range(1, n + 1):
                subprocess.run(["ip", "-n", c, "route", "replace", f"198.18.{j}.0/24", "via",
                                "198.18.0.2"], check=False)
        doc = json.loads(out)
        kinds = [e["kind"] for e in doc["events"]]
        check(kinds == ["send-failure"], f"{mode}: events {[e['text'] for e in doc['events']]}")
        for h in doc["hops"]:
            check(h["received"] >= 55 and h["loss_pct"] == 0,
                  f"{mode}: hop {h['ttl']} {h['received']} received, {h['loss_pct']}% lost")


def main():
    require_root()
    run = Runner()
    with tempfile.TemporaryDirectory() as tmp, Lab("hwfault", routers=3) as lab:
        run.case("a full disk under --record, --log-events, --ndjson: said, exit 5, end reason",
                 full_disk, lab, tmp)
        run.case("--headless --ndjson - into a pipe: NDJSON, ends when the reader goes away",
                 headless_pipe, lab, tmp)
        run.case("-r with --ndjson -: NDJSON on stdout, the report on stderr",
                 report_beside_stream, lab, tmp)
        run.case("this host cannot send for 1 s (no route, unreachable, a firewall): an event",
                 host_cannot_send, lab, tmp)
        run.case("a new address mid-run (udp, icmp-raw, tcp): probing goes on from it",
                 new_address, lab, tmp)
        run.case("hopwatch_send_errors_total counts the probes by errno", send_errors_metric,
                 lab, tmp)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
