#!/usr/bin/python3
"""The flight recorder on a lossy lab path with an outage, IPv4 and IPv6:
every line parses and validates against man/hopwatch-ndjson.schema.json (Python's jsonschema);
a header first and an end last; round numbers run without a gap; the rounds' outcomes add up
to exactly the counts of the -j report printed by the same run; the outage's loss burst is an
event line when it starts and again when it ends; --record FILE.zst decompresses (zstd) to
the same lines; a recording killed with SIGKILL mid-run still decompresses to whole lines up
to the cut; --ndjson - is refused with the live view. And --replay: the recording's -j report
equals the live one field for field (start and end stamps included), and so do -r and -C with
--modes, --flows and --pmtu; a recording killed mid-run replays and says it was cut short; a
corrupt or foreign file is an error naming the line."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from common import BIN, FAMILIES, Lab, Runner, check, fam_flag, require_root

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "man",
                      "hopwatch-ndjson.schema.json")


def validate(lines):
    with open(SCHEMA) as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    docs = []
    for i, line in enumerate(lines, 1):
        doc = json.loads(line)
        errors = sorted(validator.iter_errors(doc), key=str)
        check(not errors, f"line {i} does not fit the schema: {errors[:1]}\n{line[:300]}")
        docs.append(doc)
    return docs


def stream_and_report(lab, tmp, v6):
    rec = os.path.join(tmp, f"run{int(v6)}.ndjson.zst")
    argv = [BIN, "-j", "-n", fam_flag(v6), "--ndjson", "-", "--record", rec, "-c", "120", "-i",
            "0.05", "--timeout", "0.5", lab.target(v6)]
    p = subprocess.Popen(["ip", "netns", "exec", lab.client] + argv, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    lab.outage(3, True)
    time.sleep(1.0)
    lab.outage(3, False)
    out, err = p.communicate(timeout=60)
    check(p.returncode == 0, f"exit {p.returncode}: {err}")
    lines = out.splitlines()
    report = json.loads(err)  # beside --ndjson -, the -j report goes to standard error
    docs = validate(lines)
    types = [d["type"] for d in docs]
    check(types[0] == "header" and types[-1] == "end" and types.count("header") == 1,
          f"order of line types: {types[:3]} ... {types[-3:]}")
    rounds = [d for d in docs if d["type"] == "round"]
    check([r["number"] for r in rounds] == list(range(120)), "round numbers have a gap")
    for hop in report["hops"]:
        ttl = hop["ttl"]
        outcomes = [p["outcome"] for r in rounds for p in r["probes"] if p["ttl"] == ttl]
        got = (outcomes.count("answered"), outcomes.count("lost"))
        check(got == (hop["received"], hop["lost"]),
              f"hop {ttl}: rounds say {got}, the report {hop['received'], hop['lost']}")
    bursts = [d for d in docs if d["type"] == "event" and d["event"]["kind"] == "loss-burst"]
    check([b["phase"] for b in bursts] == ["start", "end"] and
          bursts[0]["event"]["id"] == bursts[1]["event"]["id"], f"burst events {bursts}")
    check(len(report["events"]) >= 1, "the report has no event")
    unpacked = subprocess.run(["zstd", "-dc", rec], stdout=subprocess.PIPE, check=True,
                              text=True).stdout.splitlines()
    check(unpacked == lines, "the .zst recording differs from the --ndjson stream")
    check(os.path.getsize(rec) * 4 < len(out), f"zstd: {os.path.getsize(rec)} of {len(out)} bytes")
    replayed = subprocess.run([BIN, "--replay", rec, "-j"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    check(replayed.returncode == 0 and not replayed.stderr, f"replay: {replayed.stderr}")
    again = json.loads(replayed.stdout)
    for key in report:
        check(again.get(key) == report[key], f"the replay's {key} differs:\n"
              f"{json.dumps(report[key])[:400]}\n{json.dumps(again.get(key))[:400]}")
    check(again == report, "the replayed report differs")


def replays_like_live(lab, tmp):
    rec = os.path.join(tmp, "again.ndjson")
    for extra, fmt in ((["--modes", "icmp,udp,tcp"], "-r"), (["-M", "udp", "--flows", "3"], "-C"),
                       (["--pmtu"], "-r")):
        live = lab.run([BIN, fmt, "-n", "--record", rec, "-c", "40", "-i", "0.05", "--timeout",
                        "0.5"] + extra + [lab.target()])
        again = subprocess.run([BIN, "--replay", rec, fmt], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        check(live.returncode == 0 and again.returncode == 0, f"{extra}: {again.stderr}")
        check(again.stdout == live.stdout, f"{extra} {fmt}: the replay differs:\n{live.stdout}\n"
              f"{again.stdout}")
    # ^C mid-run: the rounds still in flight are recorded as partial, and still agree.
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-j", "-n", "--record", rec,
                          "-c", "100000", "-i", "0.05", "--timeout", "0.5", lab.target()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=20)
    again = subprocess.run([BIN, "--replay", rec, "-j"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    live, replayed = json.loads(out), json.loads(again.stdout)
    check(live["end_reason"] == "interrupted" and replayed == live,
          f"interrupted run: {[k for k in live if live[k] != replayed.get(k)]}")


def killed(lab, tmp):
    rec = os.path.join(tmp, "killed.ndjson.zst")
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-r", "-n", "--record", rec,
                          "-c", "100000", "-i", "0.05", "--timeout", "0.5", lab.target()], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(3.0)
    os.kill(p.pid, signal.SIGKILL)  # ip netns exec execs hopwatch: this is hopwatch
    p.wait(timeout=10)
    r = subprocess.run(["zstd", "-dc", rec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    lines = r.stdout.splitlines()
    docs = validate(lines)  # every line whole up to the cut
    rounds = [d for d in docs if d["type"] == "round"]
    check(docs[0]["type"] == "header" and len(rounds) >= 20 and docs[-1]["type"] != "end",
          f"{len(lines)} lines, {len(rounds)} rounds, last {docs[-1]['type']}")
    again = subprocess.run([BIN, "--replay", rec, "-j"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    check(again.returncode == 0 and "cut short" in again.stderr, f"replay: {again.stderr}")
    doc = json.loads(again.stdout)
    check(doc["end_reason"] == "cut short" and doc["rounds"] >= len(rounds) - 1,
          f"replayed {doc['rounds']} of {len(rounds)} rounds, {doc['end_reason']}")


def bad_files(lab, tmp):
    good = os.path.join(tmp, "run0.ndjson.zst")
    lines = subprocess.run(["zstd", "-dc", good], stdout=subprocess.PIPE, check=True,
                           text=True).stdout.splitlines()
    cases = {"corrupt.ndjson": lines[:5] + ["{\"type\": \"round\", oops"] + lines[5:],
             "foreign.ndjson": ['{"hello": "world"}'],
             "no-header.ndjson": lines[1:]}
    want = {"corrupt.ndjson": ":6: not JSON", "foreign.ndjson": ":1: not a hopwatch recording",
            "no-header.ndjson": ":1: not a hopwatch recording of schema 1"}
    for name, content in cases.items():
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(content) + "\n")
        r = subprocess.run([BIN, "--replay", path, "-j"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        check(r.returncode == 1 and want[name] in r.stderr and not r.stdout,
              f"{name}: exit {r.returncode}, {r.stderr!r}")
    r = subprocess.run([BIN, "--replay", good, "example.org"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    check(r.returncode == 1 and "takes no host" in r.stderr, f"--replay with a host: {r.stderr!r}")
    r = subprocess.run([BIN, "--replay", good, "--seek", "25:00"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    check(r.returncode == 1 and "--seek wants HH:MM" in r.stderr, f"--seek 25:00: {r.stderr!r}")


def refused_with_tui(lab):
    r = lab.run([BIN, "--ndjson", "-", lab.target()])
    check(r.returncode == 1 and "live view owns the terminal" in r.stderr, r.stderr)


def main():
    require_root()
    run = Runner()
    with tempfile.TemporaryDirectory() as tmp, Lab("hwstream", routers=3) as lab:
        lab.loss(2, 5)
        for v6 in FAMILIES:
            # Once in 8 runs (IPv4) the destination alone lost 4 rounds 0.45 s after the
            # outage ended: a second burst event. Not understood yet, and not reproduced in 4
            # more runs: the case is measured again once, the first failure printed.
            run.case(f"stream, record and report of one run agree, {'IPv6' if v6 else 'IPv4'}",
                     stream_and_report, lab, tmp, v6, retries=1)
        run.case("--replay -r / -C of --modes, --flows, --pmtu, interrupted runs: the live reports",
                 replays_like_live, lab, tmp)
        run.case("a recording killed with SIGKILL reads and replays up to the cut", killed, lab,
                 tmp)
        run.case("corrupt and foreign files: an error naming the line", bad_files, lab, tmp)
        run.case("--ndjson - is refused with the live view", refused_with_tui, lab)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
