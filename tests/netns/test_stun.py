#!/usr/bin/python3
"""The STUN client (src/names/stun.c) against a real STUN server (Debian's coturn) and a scripted one
in the lab, through the small stunq tool (tests/unit/stunq.c: one query, the answer printed): the
public address over IPv4 and IPv6, port 0 meaning 3478, retransmission after a cut link (at 0,
0.5 and 1.5 s), no answer, a closed port and a stopped server, junk datagrams ignored, an error
response said. One line a case; any case that fails fails the test."""
import os
import subprocess
import sys
import time

from common import BIN, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402
from stunlab import STUN_PORT, Coturn, FakeStun  # noqa: E402


def stunq(lab, binary, addr, port, timeout_ms):
    """Runs stunq in the client namespace; (exit status, stdout + stderr, seconds taken)."""
    t0 = time.monotonic()
    r = lab.run([binary, addr, str(port), str(timeout_ms)], timeout=timeout_ms / 1000 + 30)
    return r.returncode, (r.stdout + r.stderr).strip(), time.monotonic() - t0


def main(binary):
    failed = 0

    def case(name, got, want_rc, want_text, max_s=None):
        nonlocal failed
        rc, out, secs = got
        ok = rc == want_rc and want_text in out and (max_s is None or secs <= max_s)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc} in {secs:.2f} s: {out}")

    with Lab("st", routers=2) as lab:
        dst = lab.node(lab.n + 1)
        v4, v6 = lab.target(), lab.target(v6=True)
        me4, me6 = "198.18.0.1", "2001:db8::1"  # the client's own lab addresses: no NAT
        with Coturn(dst, [v4, v6]) as srv:
            print(f"coturn: {' '.join(srv.argv())}")
            case("coturn v4", stunq(lab, binary, v4, STUN_PORT, 3000), 0, me4, 1)
            case("coturn v6", stunq(lab, binary, v6, STUN_PORT, 3000), 0, me6, 1)
            case("port 0 is 3478", stunq(lab, binary, v4, 0, 3000), 0, me4, 1)
            case("closed port v4", stunq(lab, binary, v4, 3479, 3000), 1,
                 f"{v4}:3479: connection refused", 1)
            case("closed port v6", stunq(lab, binary, v6, 3479, 3000), 1,
                 f"[{v6}]:3479: connection refused", 1)
            # Requests at 0, 0.5, 1.5 s: the link is cut until 0.8 s, so the third gets through.
            lab.outage(lab.n + 1, True)
            p = subprocess.Popen(["ip", "netns", "exec", lab.client, binary, v4, str(STUN_PORT),
                                  "4000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
            t0 = time.monotonic()
            time.sleep(0.8)
            lab.outage(lab.n + 1, False)
            out = p.communicate(timeout=30)[0].strip()
            secs = time.monotonic() - t0
            case("retransmitted after 1.5 s", (p.returncode, out, secs), 0, me4)
            if not 1.3 < secs < 2.5:
                failed += 1
                print(f"FAIL retransmission timing: answered after {secs:.2f} s, not ~1.5 s")
            lab.outage(lab.n + 1, True)
            case("no answer v4 (link cut)", stunq(lab, binary, v4, STUN_PORT, 2000), 1,
                 f"no answer from {v4}:3478 in 2.0 s (3 requests sent)", 3)
            case("no answer v6 (link cut)", stunq(lab, binary, v6, STUN_PORT, 2000), 1,
                 f"no answer from [{v6}]:3478 in 2.0 s (3 requests sent)", 3)
            lab.outage(lab.n + 1, False)
        case("coturn stopped v4", stunq(lab, binary, v4, STUN_PORT, 2000), 1,
             f"{v4}:3478: connection refused", 1)
        case("coturn stopped v6", stunq(lab, binary, v6, STUN_PORT, 2000), 1,
             f"[{v6}]:3478: connection refused", 1)
        for addr, me in ((v4, me4), (v6, me6)):
            with FakeStun(dst, addr, 3480, "junk"):
                case(f"junk ignored {addr}", stunq(lab, binary, addr, 3480, 3000), 0, me, 1)
            with FakeStun(dst, addr, 3481, "error"):
                case(f"error response {addr}", stunq(lab, binary, addr, 3481, 3000), 1,
                     "answered with STUN error 400 (Bad Request)", 1)
    print(f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    require_root()
    stunq_bin = os.path.join(os.path.dirname(BIN), "tests", "stunq")
    if not os.access(stunq_bin, os.X_OK):
        sys.exit(f"{stunq_bin} is not built (it is a test tool of tests/CMakeLists.txt)")
    sys.exit(main(stunq_bin))
