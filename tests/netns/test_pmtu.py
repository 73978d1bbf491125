#!/usr/bin/python3
"""--pmtu in the lab, IPv4 and IPv6: link 2 (router 2 to router 3) takes 1400 bytes. Router 2
says so (Fragmentation Needed / Packet Too Big): every mode that can size its probes finds a
path MTU of 1400 that drops at hop 3, per-hop "mtu" 1500 before and 1400 from hop 3 on, and
the sizing probes do not count as loss. Then router 2's too-big messages are filtered: the
black hole is named at hop 3 with the exact 1400. tcp without privilege cannot size a SYN and
says so."""
import sys

from common import FAMILIES, Lab, Runner, check, hopwatch_json, require_root, fam_flag, BIN

MODES = ["icmp-raw", "icmp-dgram", "udp", "tcp"]


def found(lab, mode, v6):
    doc, _ = hopwatch_json(lab, ["--pmtu", "-M", mode, "-c", "8", "-i", "0.05"], v6=v6)
    pm = doc["pmtu"]
    check(pm is not None and pm["path_mtu"] == 1400, f"pmtu {pm}")
    check(pm["first_mtu"] == 1500 and pm["black_hole"] is None, f"pmtu {pm}")
    check([(d["hop"], d["mtu"], d["from"]) for d in pm["drops"]] ==
          [(3, 1400, lab.hop_addr(2, v6))], f"drops {pm['drops']}")
    check([h["mtu"] for h in doc["hops"]] == [1500, 1500, 1400, 1400], f"mtus {doc['hops']}")
    for h in doc["hops"]:
        check(h["sent"] == 8 and h["lost"] == 0, f"hop {h['ttl']}: sent {h['sent']} lost {h['lost']}")
    return pm


def black_hole(lab, mode, v6):
    doc, _ = hopwatch_json(lab, ["--pmtu", "-M", mode, "-c", "40", "-i", "0.05",
                                 "--timeout", "0.3"], v6=v6)
    pm = doc["pmtu"]
    hole = pm["black_hole"]
    check(hole is not None and hole["found"] and hole["hop"] == 3, f"pmtu {pm}")
    check(hole["largest_passing"] == 1400 and pm["path_mtu"] == 1400 and not pm["drops"],
          f"pmtu {pm}")
    check(pm["text"] == "packets over 1400 bytes are lost from hop 3 on, no too-big message",
          f"text {pm['text']!r}")
    check(all(h["lost"] == 0 for h in doc["hops"]), f"loss {[h['lost'] for h in doc['hops']]}")
    return pm


def one_pass(lab, mode, v6, hole=False):
    """tracepath's one pass: `--pmtu -r -c 1` prints the path MTU, the report waiting for the
    search it started (one sizing round an interval, each bounded by --timeout)."""
    args = ["--pmtu", "-M", mode, "-c", "1", "-i", "0.05", "--timeout", "0.3"]
    doc, _ = hopwatch_json(lab, args, v6=v6)
    pm = doc["pmtu"]
    check(pm["path_mtu"] == 1400 and pm["text"].startswith(
        "packets over 1400 bytes" if hole else "path MTU 1400"), f"-j -c 1: pmtu {pm}")
    check(doc["rounds"] == 1 and all(h["sent"] == 1 for h in doc["hops"]),
          f"-c 1 counts one round: {doc['rounds']}, sent {[h['sent'] for h in doc['hops']]}")
    r = lab.run([BIN, "-r", "-n", "-4" if not v6 else "-6"] + args + [lab.target(v6)])
    check(r.returncode == 0 and ("packets over 1400 bytes" if hole else "path MTU 1400")
          in r.stdout, f"-r -c 1: {r.stdout[-400:]!r}")


def no_pmtu_tcp_unprivileged(lab):
    r = lab.run([BIN, "-j", "-n", "--pmtu", "-M", "tcp", "-c", "1", lab.target()], user=65534)
    check(r.returncode != 0 and "cannot be sized" in r.stderr, f"{r.returncode} {r.stderr!r}")


def main():
    require_root()
    run = Runner()
    with Lab("hwmtu", routers=3) as lab:
        lab.ping_group(0, 2147483647)
        lab.mtu(2, 1400)
        for v6 in FAMILIES:
            for mode in MODES:
                run.case(f"path MTU 1400 at hop 3, {mode} {'IPv6' if v6 else 'IPv4'}", found, lab,
                         mode, v6)
        for v6 in FAMILIES:
            for mode in MODES:
                run.case(f"--pmtu -c 1 prints the path MTU, {mode} {'IPv6' if v6 else 'IPv4'}",
                         one_pass, lab, mode, v6)
        lab.no_too_big(2, True)
        for v6 in FAMILIES:
            for mode in ("icmp-raw", "udp"):
                run.case(f"black hole at hop 3, {mode} {'IPv6' if v6 else 'IPv4'}", black_hole,
                         lab, mode, v6)
            run.case(f"--pmtu -c 1 finds a black hole, udp {'IPv6' if v6 else 'IPv4'}", one_pass,
                     lab, "udp", v6, True)
        run.case("tcp without privilege cannot size its SYNs", no_pmtu_tcp_unprivileged, lab)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
