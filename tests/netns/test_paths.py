#!/usr/bin/python3
"""A clean 3-router path, every probe mode, IPv4 and IPv6: hopwatch --json names exactly the
lab's hop addresses in order, the destination at TTL 4, 0% loss, and the JSON schema 1 fields.
Then router 1 quotes only 8 bytes of the UDP probes that expire at it (tests/lab/shortquote.py,
its kernel's own errors dropped): udp mode says so once in short_quotes, goes to classic ports,
and hop 1 answers every later probe, the other hops every probe. Then router 2 sends its
replies back through a detour: hop 2, and no other, is asymmetric."""
import os
import subprocess
import sys

from common import FAMILIES, MODES, Lab, Runner, check, hopwatch_json, require_root

SCHEMA_TOP = {"schema", "version", "target", "mode", "started_at", "ended_at", "end_reason",
              "hops"}
SCHEMA_HOP = {"ttl", "addr", "host", "asn", "sent", "received", "loss_pct", "last_ms", "avg_ms",
              "best_ms", "worst_ms", "stddev_ms", "jitter_ms", "responders"}


def clean_path(lab, mode, v6):
    doc, _ = hopwatch_json(lab, ["-M", mode, "-c", "5", "-i", "0.1"], v6=v6)
    check(SCHEMA_TOP <= set(doc), f"missing top-level keys {SCHEMA_TOP - set(doc)}")
    check(doc["schema"] == 1 and doc["mode"] == mode, f"schema/mode: {doc['schema']} {doc['mode']}")
    check(doc["target"]["addr"] == lab.target(v6), f"target {doc['target']}")
    check(doc["end_reason"] == "completed", f"end_reason {doc['end_reason']}")
    addrs = [h["addr"] for h in doc["hops"]]
    check(addrs == lab.hops(v6), f"hops {addrs} != {lab.hops(v6)}")
    check(doc["dest_ttl"] == len(lab.hops(v6)), f"dest_ttl {doc['dest_ttl']}")
    for h in doc["hops"]:
        check(SCHEMA_HOP <= set(h), f"hop {h['ttl']} missing {SCHEMA_HOP - set(h)}")
        check(h["sent"] == 5 and h["received"] == 5 and h["loss_pct"] == 0,
              f"hop {h['ttl']}: sent {h['sent']} received {h['received']} loss {h['loss_pct']}")
        check(0 <= h["best_ms"] <= h["avg_ms"] <= h["worst_ms"] < 50, f"hop {h['ttl']} RTTs {h}")
        check([r["addr"] for r in h["responders"]] == [h["addr"]], f"responders {h['responders']}")
    check(doc["hops"][-1]["responders"][0]["is_target"], "last hop is not the target")


def asymmetric(lab, v6):
    doc, _ = hopwatch_json(lab, ["-M", "icmp-raw", "-c", "3", "-i", "0.1"], v6=v6)
    addrs = [h["addr"] for h in doc["hops"]]
    check(addrs == lab.hops(v6), f"hops {addrs} != {lab.hops(v6)}")
    for h in doc["hops"]:
        want = h["ttl"] + 1 if h["ttl"] == 2 else h["ttl"]
        check(h["return_hops"] == want and h["asymmetric"] == (h["ttl"] == 2),
              f"hop {h['ttl']}: return_hops {h['return_hops']} asymmetric {h['asymmetric']}, "
              f"want {want}")
        check(h["responders"][0]["return_hops"] == want, f"responder {h['responders'][0]}")


def short_quotes(lab):
    """Router 1 quotes the IP header and the UDP header only, so no payload tells one probe
    from another: udp mode must notice, switch to classic ports, and match by port."""
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab", "shortquote.py")
    lab._nft(1, "table ip shortq {\n chain out {\n"
                "  type filter hook output priority 0; policy accept;\n"
                "  icmp type time-exceeded ip ttl != 77 drop\n }\n}\n")
    quoter = subprocess.Popen(["ip", "netns", "exec", lab.node(1), sys.executable, tool, "e0b",
                               lab.hop_addr(1)], stdout=subprocess.PIPE, text=True)
    try:
        check(quoter.stdout.readline().strip() == "ready", "shortquote.py did not start")
        doc, _ = hopwatch_json(lab, ["-M", "udp", "-c", "20", "-i", "0.05"])
    finally:
        quoter.kill()
        quoter.wait()
        lab.ns(1, "nft", "delete", "table", "ip", "shortq")
    check(doc["packets"]["short_quotes"] == 1, f"short_quotes {doc['packets']}")
    addrs = [h["addr"] for h in doc["hops"]]
    check(addrs == lab.hops(), f"hops {addrs} != {lab.hops()}")
    for h in doc["hops"]:
        # hop 1's first probe is the one whose short quote said so: lost to us
        want = 19 if h["ttl"] == 1 else 20
        check(h["sent"] == 20 and h["received"] >= want,
              f"hop {h['ttl']}: received {h['received']} of {h['sent']}, want {want}")


def main():
    require_root()
    run = Runner()
    with Lab("hwpath", routers=3) as lab:
        lab.ping_group(0, 2147483647)  # root may open ping sockets in this namespace
        for v6 in FAMILIES:
            for mode in MODES:
                run.case(f"clean path {mode} {'IPv6' if v6 else 'IPv4'}", clean_path, lab, mode, v6)
        run.case("a router quoting 8 bytes of UDP: classic ports", short_quotes, lab)
        lab.detour(2)
        for v6 in FAMILIES:
            run.case(f"asymmetric return path {'IPv6' if v6 else 'IPv4'}", asymmetric, lab, v6)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
