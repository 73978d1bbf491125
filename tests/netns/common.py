"""Shared helpers for the netns tests: the lab, running hopwatch, statistics, a tiny runner.

Every test builds its own lab under a prefix of its own and tears it down, even on failure.
The tests need root (namespaces); CI runs as root, and a missing privilege fails them rather
than skipping, so the lab can never silently not run there.
"""
import json
import math
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402

BIN = os.environ.get("HOPWATCH_BIN", "")
MODES = ["icmp-raw", "icmp-dgram", "udp", "tcp"]
FAMILIES = [False, True]  # v6?


def fam_flag(v6):
    return "-6" if v6 else "-4"


def require_root():
    if os.geteuid() != 0:
        print("FAIL: the netns tests need root (ip netns); run them with sudo or in CI")
        sys.exit(1)
    if not BIN or not os.access(BIN, os.X_OK):
        print(f"FAIL: HOPWATCH_BIN is not an executable: {BIN!r}")
        sys.exit(1)


def hopwatch_json(lab, args, v6=False, user=None, timeout=300):
    """Runs hopwatch --json in the client namespace; returns (doc, completed process)."""
    r = lab.run([BIN, "-j", "-n", fam_flag(v6)] + args + [lab.target(v6)], user=user,
                timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"hopwatch exited {r.returncode}: {r.stderr.strip()}")
    try:
        return json.loads(r.stdout), r
    except ValueError as e:
        raise AssertionError(f"not JSON ({e}): {r.stdout[:500]!r}")


def binomial_tolerance(p, n, sigmas=4.0):
    """Half-width, in percent, of a +-sigmas band around a loss rate p over n probes."""
    return 100.0 * sigmas * math.sqrt(max(p * (1 - p), 1e-9) / max(n, 1))


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


class Runner:
    """Runs named cases, prints one line each and a closing 'N passed, N failed' line."""

    def __init__(self):
        self.passed = self.failed = 0

    def case(self, name, fn, *args, retries=0):
        """retries: for statistical cases only - a fresh measurement after a failure, with the
        first failure printed. A systematic fault fails every attempt."""
        t0 = time.time()
        try:
            for attempt in range(retries + 1):
                try:
                    fn(*args)
                    break
                except AssertionError as e:
                    if attempt == retries:
                        raise
                    print(f"     {name}: measuring again after: {e}")
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            self.failed += 1
            print(f"FAIL {name} ({time.time() - t0:.1f}s): {e}")
            if not isinstance(e, AssertionError):
                traceback.print_exc()
        else:
            self.passed += 1
            print(f"ok   {name} ({time.time() - t0:.1f}s)")
        sys.stdout.flush()

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
