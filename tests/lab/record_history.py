#!/usr/bin/python3
"""Makes tests/data/history-20min.ndjson.zst, the recording the history test replays: 20
minutes of a real lab path (3 routers and the destination) probed once a second, with hop 2
down for 30 seconds from minute 5 (05:00-05:30 after the start): a loss burst from hop 2.

    sudo tests/lab/record_history.py [OUT]      (HOPWATCH_BIN names the binary; 21 minutes)

A fixture, made once and kept, because make test cannot spend 20 minutes making it."""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lab import Lab  # noqa: E402

BIN = os.environ.get("HOPWATCH_BIN", os.path.join(HERE, "..", "..", "build", "hopwatch"))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data",
                                                         "history-20min.ndjson.zst")
MINUTES, BURST_AT, BURST_FOR = 20, 300, 30


def main():
    with Lab("hwhist", routers=3) as lab:
        if os.path.exists(OUT):
            os.unlink(OUT)
        p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "--headless", "-n",
                              "--record", OUT, "-i", "1", lab.target()])
        start = time.monotonic()
        time.sleep(BURST_AT)
        lab.outage(2, True)
        print(f"hop 2 down at {time.monotonic() - start:.1f} s", flush=True)
        time.sleep(BURST_FOR)
        lab.outage(2, False)
        print(f"hop 2 up at {time.monotonic() - start:.1f} s", flush=True)
        time.sleep(MINUTES * 60 - (time.monotonic() - start))
        p.terminate()
        p.wait(timeout=30)
    print(f"{OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
