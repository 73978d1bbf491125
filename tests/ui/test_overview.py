#!/usr/bin/python3
"""The overview of several targets, driven in tmux against the netns lab: hopwatch watching the
destination (whose link loses 30%), router 2 and router 1 opens on a list of the three with
their hop counts (4, 2, 1), loss to each destination (some for the first, none for the
others), where loss starts and the worst verdict; Enter and a digit open a target's hop view
(its own hops, "target k/3" in the header), Tab goes on to the next target's, Esc comes back;
p on the overview pauses every target and space resumes them all; u on a hop view switches
that target to udp and i on the overview switches every target back; resizing to 40x10 and back
does not crash; q exits 0."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
from common import BIN, Lab, Runner, check, require_root  # noqa: E402
from tui import Tmux, row  # noqa: E402

TITLES = ["#", "Target", "Address", "Hops", "Loss%", "Onset", "Worst"]


def overview_lines(screen):
    """{address: fields} of the overview's target lines, or None when not on the overview."""
    lines = screen.splitlines()
    at = [i for i, line in enumerate(lines) if line.split()[:7] == TITLES]
    if not at:
        return None
    out = {}
    for line in lines[at[0] + 1:]:
        f = line.split()
        if len(f) >= 7 and f[0].isdigit():
            out[f[2]] = f
    return out


def targets(lab):
    """The three targets in the order given: the destination, router 2, router 1."""
    return [lab.target(), lab.hop_addr(2), lab.hop_addr(1)]


def listed(lab, screen):
    """The overview with the three targets and their paths' lengths."""
    ov = overview_lines(screen)
    return bool(ov) and all(a in ov for a in targets(lab)) and \
        [ov[a][3] for a in targets(lab)] == ["4", "2", "1"]


def settled(lab, screen):
    """The overview once every path is known and the loss is diagnosed."""
    if not listed(lab, screen):
        return False
    ov = overview_lines(screen)
    dest, r2, r1 = (ov[a] for a in targets(lab))
    # Only the destination's own link loses: the worst verdict on its path is the
    # destination's (or forwarding loss starting there), on hop 4; the routers' are clean.
    return dest[4] not in ("-", "0.0") and dest[6] in ("destination@4", "forwarding@4") and \
        r2[6] == "ok" and r1[6] == "ok"


def start(t, lab):
    t.type("clear")
    t.type(f"ip netns exec {lab.client} {BIN} -n -i 0.2 {' '.join(targets(lab))}; "
           f"echo EXIT\"\"ED=$?")
    t.wait_for(lambda s: overview_lines(s) is not None, 10, "the overview's column titles")


def lists_targets(t, lab):
    s = t.wait_for(lambda s: settled(lab, s), 30, "hops 4, 2, 1 and a verdict for every target")
    ov = overview_lines(s)
    dest, r2, r1 = (ov[a] for a in targets(lab))
    check([f[0] for f in (dest, r2, r1)] == ["1", "2", "3"], f"list order:\n{s}")
    check(float(dest[4]) > 5.0, f"loss to the destination {dest[4]}:\n{s}")
    check(r2[4] == "0.0" and r1[4] == "0.0", f"loss to the routers {r2[4]} {r1[4]}:\n{s}")
    check(dest[5] in ("4", "4?") and r2[5] == "-" and r1[5] == "-",
          f"onsets {dest[5]} {r2[5]} {r1[5]}:\n{s}")
    check("Last event" in s and "loss timeline" in s, f"event and timeline columns:\n{s}")
    check("act on every target" in s and "3 targets | all probing" in s, f"header:\n{s}")


def hop_view(t, lab, k, hops):
    """The hop view of target k (1-based) of 3: its header and exactly its hops."""
    want = f"-> {targets(lab)[k - 1]} ({targets(lab)[k - 1]})  [target {k}/3]"
    s = t.wait_for(lambda s: want in s and all(row(s, lab.hop_addr(j)) for j in range(1, hops + 1)),
                   5, f"target {k}'s hop view")
    for j in range(1, hops + 1):
        check(row(s, lab.hop_addr(j))[0] == f"{j}.", f"hop {j} of target {k}:\n{s}")
    check(row(s, lab.hop_addr(hops + 1)) is None, f"target {k} shows more than {hops} hops:\n{s}")
    check(overview_lines(s) is None, f"still the overview:\n{s}")
    return s


def back(t):
    t.keys("Escape")
    t.wait_for(lambda s: overview_lines(s) is not None, 5, "Esc back to the overview")


def open_keys(t, lab):
    t.keys("Down")
    t.keys("Enter")
    hop_view(t, lab, 2, 2)
    t.keys("Tab")
    hop_view(t, lab, 3, 1)
    t.keys("Tab")  # round to the first
    hop_view(t, lab, 1, 4)
    back(t)
    t.keys("3")
    hop_view(t, lab, 3, 1)
    back(t)
    t.keys("1")
    hop_view(t, lab, 1, 4)
    back(t)


def pause_every(t, lab):
    t.keys("p")
    s = t.wait_for(lambda s: "PAUSED: 3 of 3" in s, 3, "every target paused")
    check("every target (3): paused" in s, f"status line:\n{s}")
    for k, hops in ((1, 4), (2, 2), (3, 1)):
        t.keys(str(k))
        s = hop_view(t, lab, k, hops)
        check("PAUSED" in s.splitlines()[1], f"target {k} not paused:\n{s}")
        back(t)
    t.keys("Space")
    t.wait_for(lambda s: "3 targets | all probing" in s, 3, "every target resumed")


def mode_of(t, lab, k, hops):
    """The mode target k's hop view says it probes in."""
    t.keys(str(k))
    line = hop_view(t, lab, k, hops).splitlines()[1]
    back(t)
    check(line.startswith("mode "), f"target {k}'s mode line: {line!r}")
    return line.split()[1]


def mode_keys(t, lab):
    """u on a hop view switches that target; on the overview, every target."""
    t.keys("2")
    hop_view(t, lab, 2, 2)
    t.keys("u")
    t.wait_for(lambda s: s.splitlines()[1].startswith("mode udp"), 5, "target 2 in udp")
    back(t)
    check(mode_of(t, lab, 1, 4) == "icmp-raw" and mode_of(t, lab, 3, 1) == "icmp-raw",
          "u on target 2's view switched another target")
    t.keys("i")  # the overview: every target back to icmp
    time.sleep(1.5)  # a switch takes effect at the next round edge
    modes = [mode_of(t, lab, k, h) for k, h in ((1, 4), (2, 2), (3, 1))]
    check(modes == ["icmp-raw"] * 3, f"i on the overview: modes {modes}")


def resize(t, lab):
    t.resize(40, 10)
    s = t.wait_for(lambda s: "hopwatch overview" in s and "Target" in s, 3, "drawing at 40x10")
    check(all(len(line) <= 40 for line in s.splitlines()), f"a line wider than 40:\n{s}")
    t.resize(30, 6)
    t.wait_for(lambda s: "too small" in s, 3, "'too small' at 30x6")
    t.resize(140, 35)
    t.wait_for(lambda s: listed(lab, s), 5, "the full overview after resizing")
    check("EXITED" not in t.screen(), "hopwatch died while resizing")


def quits(t, lab):
    t.keys("q")
    s = t.wait_for(lambda s: "EXITED=" in s, 5, "hopwatch to exit")
    check("EXITED=0" in s, f"exit status:\n{s}")


def main():
    require_root()
    run = Runner()
    t = None
    t0 = time.time()
    try:
        with Lab("hwov", routers=3) as lab:
            lab.loss(4, 30)  # the link into the destination (node 4) only
            t = Tmux("hwov")
            run.case("three targets listed: hops, loss, onset, worst verdict",
                     lambda: (start(t, lab), lists_targets(t, lab)))
            run.case("Enter, Tab, Esc and digits go between the overview and hop views",
                     open_keys, t, lab)
            run.case("p on the overview pauses every target, space resumes them", pause_every,
                     t, lab)
            run.case("u on a hop view switches that target, i on the overview every target",
                     mode_keys, t, lab)
            run.case("resize to 40x10 and 30x6 and back", resize, t, lab)
            run.case("q exits 0", quits, t, lab)
    finally:
        if t:
            t.kill()
    print(f"({time.time() - t0:.0f} s)")
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
