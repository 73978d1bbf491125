#!/usr/bin/python3
"""Loss diagnosis against known faults in the lab (JSON verdicts, onset, events):
  - a router with the default Linux ICMP rate limit: its hop reply-only, every other hop ok;
  - 10% random loss on the link into hop 3: forwarding from hop 3 on, onset at 3, its rate
    within a binomial band;
  - loss at the destination only: destination;
  - a 2 s total outage on one link mid-run: one loss-burst event with start and end within a
    second of the real ones, onset at the right hop, the right hops; --log-events has it;
  - a path change (a hop answers from a new address): a path-change event for that hop;
  - too few samples: unknown, no onset;
  - the rate-limited router and the link loss again over IPv6;
  - --modes: ICMP-only loss shows in the icmp mode only;
  - a router without a route to the target ends the path there, marked !H (IPv6: !N), with
    no ??? past it and no loss burst from its rate-limited unreachables;
  - a one-round report on a clean path has no events;
  - on a 9-hop path (tests/stats's sequential claims, for real): 5% link loss into hop 4 in
    udp mode, 400 rounds at -i 0.02, is decided - hops 1-3 ok, 4-9 forwarding, the onset
    between hop 3 and hop 4; 3% into hop 4 in icmp-raw mode places the onset too, and no
    hop is called wrong;
  - a clean 9-hop path, -M udp -c 20 -i 0.05 eight times: no event (a round ends at the
    lowest TTL the target answered, whatever order its answers came in)."""
import json
import os
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone

from common import BIN, Lab, Runner, binomial_tolerance, check, fam_flag, hopwatch_json, require_root


def verdicts(doc):
    return [h["verdict"] for h in doc["hops"]]


def parse_time(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def rate_limited(lab, v6=False):
    lab.ratelimit(2, 1000)
    try:
        doc, _ = hopwatch_json(lab, ["-c", "100", "-i", "0.05"], v6=v6)
    finally:
        lab.ratelimit(2, 0)
    v = verdicts(doc)
    check(doc["hops"][1]["loss_pct"] > 50, f"hop 2 loss {doc['hops'][1]['loss_pct']}")
    check(v == ["ok", "reply-only", "ok", "ok", "ok"], f"verdicts {v}")
    check(doc["onset"] is None, f"onset {doc['onset']}")
    h2 = doc["hops"][1]
    check(h2["rounds_lost"] > 40 and h2["rounds_lost_dest_answered"] == h2["rounds_lost"],
          f"per-round evidence {h2['rounds_lost']} / {h2['rounds_lost_dest_answered']}")
    check("destination answered" in h2["evidence"], f"evidence {h2['evidence']!r}")


def link_loss(lab, v6=False):
    lab.loss(3, 10)
    try:
        # A generous timeout: under ThreadSanitizer a slow reply must not count as lost.
        doc, _ = hopwatch_json(lab, ["-c", "400", "-i", "0.02", "--timeout", "1.5"], v6=v6)
    finally:
        lab.outage(3, False)  # flushes the loss rule too
    v = verdicts(doc)
    check(v == ["ok", "ok", "forwarding", "forwarding", "forwarding"],
          f"verdicts {v}, loss {[h['loss_pct'] for h in doc['hops']]}, packets {doc['packets']}")
    o = doc["onset"]
    check(o and o["hop"] == 3 and o["after_hop"] == 2, f"onset {o}")
    tol = binomial_tolerance(0.10, 400)
    check(abs(o["loss_pct"] - 10) <= tol, f"onset loss {o['loss_pct']:.1f}%, want 10 +- {tol:.1f}")
    h3 = doc["hops"][2]
    lo, hi = h3["loss_ci"]
    check(lo < h3["loss_pct"] < hi and hi - lo < 15, f"hop 3 interval {h3['loss_ci']}")


def destination_only(lab):
    lab.loss(5, 20)  # node 5 is the destination
    try:
        doc, _ = hopwatch_json(lab, ["-c", "300", "-i", "0.02", "--timeout", "1.5"])
    finally:
        lab.outage(5, False)
    v = verdicts(doc)
    check(v == ["ok", "ok", "ok", "ok", "destination"], f"verdicts {v}")


def outage_event(lab):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        path = f.name
    times = {}

    def outage():
        time.sleep(3.0)
        times["start"] = time.time()
        lab.outage(3, True)
        time.sleep(2.0)
        times["end"] = time.time()
        lab.outage(3, False)

    t = threading.Thread(target=outage)
    t.start()
    try:
        doc, _ = hopwatch_json(lab, ["-c", "90", "-i", "0.1", "--log-events", path])
    finally:
        t.join()
    bursts = [e for e in doc["events"] if e["kind"] == "loss-burst"]
    check(len(bursts) == 1, f"events {doc['events']}")
    b = bursts[0]
    check(b["onset"] == 3 and b["hops"] == [3, 4, 5], f"burst {b}")
    check(abs(parse_time(b["start"]) - times["start"]) < 1.0, f"start {b['start']} vs {times}")
    check(b["end"] and abs(parse_time(b["end"]) - times["end"]) < 1.0, f"end {b['end']} vs {times}")
    with open(path) as f:
        lines = [json.loads(x) for x in f.read().splitlines()]
    os.unlink(path)
    news = [x for x in lines if x["kind"] == "verdict-change"]
    lines = [x for x in lines if x["kind"] != "verdict-change"]  # the onset placed, logged too
    check([x["kind"] for x in lines] == ["loss-burst", "loss-burst"], f"log lines {lines}")
    check(lines[0]["end"] is None and lines[1]["end"] == b["end"], f"log lines {lines}")
    check(all(x["onset"] in (None, 3) for x in news), f"the verdict changes logged: {news}")
    check(doc["hops"][0]["verdict"] == "ok", "hop 1")


def path_change(lab):
    def change():
        time.sleep(1.5)
        lab.readdress(2, 99)

    t = threading.Thread(target=change)
    t.start()
    try:
        doc, _ = hopwatch_json(lab, ["-c", "40", "-i", "0.1"])
    finally:
        t.join()
    changes = [e for e in doc["events"] if e["kind"] == "path-change"]
    check(len(changes) == 1 and changes[0]["hops"] == [2] and "198.18.1.99" in changes[0]["text"],
          f"events {doc['events']}")
    resp = [r["addr"] for r in doc["hops"][1]["responders"]]
    check(sorted(resp) == ["198.18.1.2", "198.18.1.99"], f"hop 2 responders {resp}")


def modes_side_by_side(lab):
    lab.ping_group(0, 2147483647)
    lab.icmp_probe_loss(2, 70)  # hop 2 deprioritizes ICMP probes only
    doc, _ = hopwatch_json(lab, ["-c", "60", "-i", "0.03", "--modes", "icmp,udp,tcp"])
    by = {m["mode"]: m for m in doc["modes"]}
    check(sorted(by) == ["icmp-raw", "tcp", "udp"], f"modes {sorted(by)}")
    check(all(m["rounds"] == 60 for m in by.values()), "60 rounds each")
    icmp2 = by["icmp-raw"]["hops"][1]
    check(icmp2["loss_pct"] > 40 and icmp2["verdict"] == "reply-only", f"icmp hop 2 {icmp2}")
    for m in ("udp", "tcp"):
        check(by[m]["hops"][1]["loss_pct"] == 0, f"{m} hop 2 {by[m]['hops'][1]}")
        check([h["addr"] for h in by[m]["hops"]] == lab.hops(), f"{m} hops")


def unreachable(lab, v6=False):
    lab.no_route(2, True)
    try:
        doc, _ = hopwatch_json(lab, ["-c", "20", "-i", "0.05"], v6=v6)
        text = lab.run([BIN, "-r", "-n", "-c", "5", "-i", "0.05", fam_flag(v6),
                        lab.target(v6)]).stdout
    finally:
        lab.no_route(2, False)
    end = doc["unreachable"]
    check(end and end["ttl"] == 2 and end["addr"] == lab.hop_addr(2, v6) and
          end["code"] == ("net" if v6 else "host"), f"end {end}")
    check(doc["dest_ttl"] is None and len(doc["hops"]) == 2, f"hops {doc['hops']}")
    h2 = doc["hops"][1]
    check(h2["unreachable"] and h2["unreachable"]["count"] > 0 and h2["verdict"] != "destination",
          f"hop 2 {h2}")
    check(not any(r["is_target"] for r in h2["responders"]), "the router taken for the target")
    check(not [e for e in doc["events"] if e["kind"] == "loss-burst"], f"events {doc['events']}")
    mark = "!N" if v6 else "!H"
    check(f"2.|-- {lab.hop_addr(2, v6)} {mark}" in text and "End: hop 2" in text and
          "???" not in text, f"text report:\n{text}")


def no_events_at_start(lab):
    # The destination's answers to the first round's many TTLs arrive out of order: the
    # target seems to answer at one TTL, then at a lower one. Finding it is not a change.
    lab.reorder(5, 20)
    for v6 in (False, True):
        for mode in ("icmp-raw", "udp"):
            doc, _ = hopwatch_json(lab, ["-c", "1", "--mode", mode], v6=v6)
            check(doc["events"] == [], f"{mode} {'v6' if v6 else 'v4'}: {doc['events']}")
            check(doc["dest_ttl"] == 5, f"dest_ttl {doc['dest_ttl']}")


def few_samples(lab):
    doc, _ = hopwatch_json(lab, ["-c", "5", "-i", "0.05"])
    check(set(verdicts(doc)) == {"unknown"}, f"verdicts {verdicts(doc)}")
    check(doc["onset"] is None, "onset")


def decided_on_nine_hops(lab):
    """The issue's lab runs, judged strictly: decided, not only never wrong."""
    lab.loss(4, 5)
    try:
        doc, _ = hopwatch_json(lab, ["-M", "udp", "-c", "400", "-i", "0.02", "--timeout", "1.5"])
    finally:
        lab.outage(4, False)
    v = verdicts(doc)
    check(v == ["ok"] * 3 + ["forwarding"] * 6,
          f"udp 5%: verdicts {v}, loss {[h['loss_pct'] for h in doc['hops']]}")
    check(doc["onset"] and doc["onset"]["hop"] == 4 and doc["onset"]["after_hop"] == 3,
          f"udp 5%: onset {doc['onset']}")
    lab.loss(4, 3)
    try:
        doc, _ = hopwatch_json(lab, ["-M", "icmp-raw", "-c", "800", "-i", "0.01",
                                     "--timeout", "1.5"])
    finally:
        lab.outage(4, False)
    v = verdicts(doc)
    check(all(x in ("ok", "unknown") for x in v[:3]) and
          all(x in ("forwarding", "unknown") for x in v[3:]),
          f"icmp-raw 3%: verdicts {v}, loss {[h['loss_pct'] for h in doc['hops']]}")
    check(doc["onset"] and doc["onset"]["hop"] == 4 and doc["onset"]["after_hop"] == 3,
          f"icmp-raw 3%: onset {doc['onset']}, verdicts {v}")


def clean_ends(lab):
    for i in range(8):
        doc, _ = hopwatch_json(lab, ["-M", "udp", "-c", "20", "-i", "0.05"])
        check(doc["events"] == [], f"run {i}: events {[e['text'] for e in doc['events']]}")
        check(doc["dest_ttl"] == 9, f"run {i}: dest_ttl {doc['dest_ttl']}")


def main():
    require_root()
    run = Runner()
    cases = [("rate-limited router: reply-only, the rest ok", rate_limited),
             ("random loss into hop 3: forwarding from hop 3, onset 3, rate", link_loss),
             ("IPv6: rate-limited router is reply-only", lambda lab: rate_limited(lab, True)),
             ("IPv6: random loss into hop 3, onset 3", lambda lab: link_loss(lab, True)),
             ("loss at the destination only: destination", destination_only),
             ("a 2 s outage: one loss-burst event, times, onset, hops", outage_event),
             ("too few samples: unknown", few_samples),
             ("--modes: ICMP-only loss shows in icmp, not udp or tcp", modes_side_by_side),
             ("a hop answers from a new address: path-change event", path_change),
             ("a router without a route ends the path: !H, unreachable, no ???", unreachable),
             ("IPv6: a router without a route ends the path: !N", lambda lab: unreachable(lab, True)),
             ("a one-round report on a clean path has no events (v4, v6, icmp, udp)",
              no_events_at_start)]
    for i, (name, fn) in enumerate(cases):
        with Lab(f"hwdx{i}", routers=4) as lab:
            # Random link loss: at 99% intervals a hop comes out significantly above the hops
            # after it about once in a hundred runs; one fresh measurement is allowed.
            run.case(name, fn, lab, retries=1 if "random loss" in name else 0)
    for i, (name, fn) in enumerate([
            ("9 hops: 5% into hop 4 (udp) and 3% (icmp-raw) decided, onset (3, 4]",
             decided_on_nine_hops),
            ("9 hops, clean: no event in eight short udp runs", clean_ends)]):
        with Lab(f"hwd9{i}", routers=8) as lab:
            run.case(name, fn, lab)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
