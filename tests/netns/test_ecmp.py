#!/usr/bin/python3
"""An ECMP diamond: router 1 spreads traffic past it over router 2 and a parallel router 2b,
by flow (multipath routes, fib_multipath_hash_policy=1), IPv4 and IPv6. By default every mode
keeps one flow, so hop 2 shows one responder (Paris); --flows 4 gives each flow its own
statistics and both branches show, each flow keeping its own; 15% loss on one branch is seen
and diagnosed in the flows that take that branch only, the others clean.

The kernel's hash of a flow depends on the ephemeral source port: a run whose flows all took
one branch (1 in 8 for 4 flows) says nothing about the other and is run again."""
import sys

from common import FAMILIES, Lab, Runner, binomial_tolerance, check, hopwatch_json, require_root


def one_path(lab, mode, v6):
    doc, _ = hopwatch_json(lab, ["-M", mode, "-c", "16", "-i", "0.02"], v6=v6)
    hop2 = doc["hops"][1]["responders"]
    check(len(hop2) == 1 and hop2[0]["addr"] in (lab.hop_addr(2, v6), lab.branch_addr(2, v6)),
          f"hop 2 responders {[r['addr'] for r in hop2]}")
    check(doc["flows"] is None, "flows without --flows")


def branches(doc, lab, v6):
    """{flow: hop 2 responder} of a --flows run; each flow must keep one responder."""
    got = {}
    for f in doc["flows"]:
        got[f["flow"]] = f["hops"][1]["addr"]
    return got


def run_spread(lab, v6, args, tries=5):
    for _ in range(tries):
        doc, _ = hopwatch_json(lab, ["-M", "udp", "--flows", "4"] + args, v6=v6)
        by_flow = branches(doc, lab, v6)
        if len(set(by_flow.values())) == 2:
            return doc, by_flow
    raise AssertionError(f"{tries} runs, every flow on one branch each time: {by_flow}")


def both_branches(lab, v6):
    doc, by_flow = run_spread(lab, v6, ["-c", "32", "-i", "0.01"])
    want = {lab.hop_addr(2, v6), lab.branch_addr(2, v6)}
    check(set(by_flow.values()) == want, f"branches {by_flow}")
    agg = sorted(r["addr"] for r in doc["hops"][1]["responders"])
    check(agg == sorted(want), f"hop 2 of every flow together: {agg}")
    for f in doc["flows"]:
        check(f["hops"][1]["sent"] == 8 and f["hops"][-1]["lost"] == 0, f"flow {f}")


def loss_on_one_branch(lab, v6):
    lab.branch_loss(2, 15)
    doc, by_flow = run_spread(lab, v6, ["-c", "1200", "-i", "0.01"])
    lossy = lab.branch_addr(2, v6)
    for f in doc["flows"]:
        dest = f["hops"][-1]
        if by_flow[f["flow"]] == lossy:
            n = dest["received"] + dest["lost"]
            tol = binomial_tolerance(0.15, n)
            check(abs(dest["loss_pct"] - 15) <= tol, f"flow {f['flow']} on the lossy branch: "
                  f"{dest['loss_pct']}% at the destination (15 +- {tol:.1f})")
            check(f["onset"] and f["onset"]["hop"] == 2, f"flow {f['flow']} onset {f['onset']}")
            check(f["hops"][1]["verdict"] == "forwarding", f"flow {f['flow']} hop 2 {f['hops'][1]}")
        else:
            check(dest["lost"] == 0 and f["onset"] is None,
                  f"flow {f['flow']} on the clean branch: {dest} onset {f['onset']}")
            check(all(h["verdict"] == "ok" for h in f["hops"]), f"flow {f['flow']}: {f['hops']}")


def main():
    require_root()
    run = Runner()
    for v6 in FAMILIES:
        fam = "IPv6" if v6 else "IPv4"
        with Lab("hwecmp", routers=3) as lab:
            lab.ecmp(2)
            for mode in ("udp", "icmp-raw", "tcp"):
                run.case(f"one path by default, {mode} {fam}", one_path, lab, mode, v6)
            run.case(f"--flows 4: both branches, each flow on its own, {fam}", both_branches,
                     lab, v6)
            run.case(f"--flows 4: 15% loss on one branch, diagnosed there only, {fam}",
                     loss_on_one_branch, lab, v6)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
