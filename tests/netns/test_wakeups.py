#!/usr/bin/python3
"""A busy probe thread wakes in ticks (src/fleet/fleet_thread.c): with something due within a tick it sleeps
to the next tick, sends what fell due and reads every reply in one go, instead of waking for
each send slot and each reply; with the next round due within a few ticks it sleeps to it and
reads the replies that came meanwhile before sending.

Over a 9-hop path at -i 0.01 (900 probes a second, each round spread over 5 ms, one tick, so sent
in one sendmmsg()), icmp-raw on IPv4 and udp on IPv6: every probe is sent and answered, and
hopwatch sleeps and wakes (voluntary context switches, from wait4's rusage) at most 0.17 times
a probe, one and a half a round. The loop before ticks woke 0.56 times a probe on this lab (a
wake-up for each millisecond's sends and for the replies they drew), ticks of 5 ms about 0.22
(one to send, one to read), one wake-up a round 0.11. That reading late moves no RTT is
test_loss_delay's -i 0.01 case."""
import json
import os
import subprocess
import sys
import tempfile

from common import BIN, Lab, Runner, check, fam_flag, require_root

ROUNDS = 300
MAX_WAKES = 0.17


def busy(lab, mode, v6):
    argv = ["ip", "netns", "exec", lab.client, BIN, "-j", "-n", fam_flag(v6), "-M", mode, "-c",
            str(ROUNDS), "-i", "0.01", lab.target(v6)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)  # the rusage of it and its threads
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        check(p.returncode == 0, f"hopwatch exited {p.returncode}: {err.read().strip()}")
        doc = json.loads(out.read())
    check([h["addr"] for h in doc["hops"]] == lab.hops(v6), f"hops {doc['hops']}")
    for h in doc["hops"]:
        check(h["sent"] == ROUNDS and h["received"] == ROUNDS,
              f"hop {h['ttl']}: sent {h['sent']} received {h['received']}, want {ROUNDS}")
    probes = ROUNDS * len(doc["hops"])
    wakes = ru.ru_nvcsw / probes
    print(f"     {mode} {'IPv6' if v6 else 'IPv4'}: {ru.ru_nvcsw} voluntary context switches "
          f"for {probes} probes ({wakes:.2f} a probe), CPU "
          f"{1e6 * (ru.ru_utime + ru.ru_stime) / probes:.1f} us a probe")
    check(wakes <= MAX_WAKES, f"{wakes:.2f} wake-ups a probe, want at most {MAX_WAKES}")


def main():
    require_root()
    run = Runner()
    with Lab("hwwake", routers=8) as lab:
        # the shared raw socket on IPv4, a socket of the target's own on IPv6
        for mode, v6 in (("icmp-raw", False), ("udp", True)):
            run.case(f"busy thread wakes in ticks, {mode} {'IPv6' if v6 else 'IPv4'}", busy, lab,
                     mode, v6)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
