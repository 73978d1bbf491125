#!/usr/bin/python3
"""The flight recorder's size and replay speed: a 30-hop lab path (29 routers and the
destination) recorded for a number of rounds with --record, plain and .zst, in one run each;
prints bytes a round and the size an hour at 1 round a second (the default interval), with 2%
loss on one link so the recording is not all alike; then times --replay FILE -j of each
(median of 3) and scales it to an hour of rounds. Figures only; it asserts nothing.

Usage (root): stream_size.py HOPWATCH_BINARY [ROUNDS]"""
import os
import statistics
import subprocess
import time
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from lab import Lab  # noqa: E402


def main():
    binary, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 600
    with tempfile.TemporaryDirectory() as tmp, Lab("hwsize", routers=29) as lab:
        lab.loss(15, 2)
        sizes = {}
        for name in ("rec.ndjson", "rec.ndjson.zst"):
            path = os.path.join(tmp, name)
            r = lab.run([binary, "-r", "-n", "--record", path, "-c", str(rounds), "-i", "0.05",
                         "--timeout", "0.5", lab.target()], timeout=rounds)
            if r.returncode != 0:
                sys.exit(f"hopwatch: {r.stderr}")
            sizes[name] = os.path.getsize(path)
        hops = len(lab.hops())
        print(f"recording of {rounds} rounds on a {hops}-hop path "
              f"(hopwatch -r --record FILE -c {rounds} -i 0.05):")
        for name, size in sizes.items():
            per_round = size / rounds
            print(f"  {name:<16} {size:>10} bytes  {per_round:8.0f} bytes/round  "
                  f"{per_round * 3600 / 1e6:7.1f} MB/hour at 1 round/s")
        print(f"  zstd ratio {sizes['rec.ndjson'] / sizes['rec.ndjson.zst']:.1f}")
        for name in sizes:
            times = []
            for _ in range(3):
                t0 = time.monotonic()
                r = subprocess.run([binary, "--replay", os.path.join(tmp, name), "-j"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                times.append(time.monotonic() - t0)
                if r.returncode != 0:
                    sys.exit(f"replay: {r.stderr}")
            t = statistics.median(times)
            print(f"  hopwatch --replay {name} -j: {t:.2f} s for {rounds} rounds, "
                  f"{rounds / t:,.0f} rounds/s: an hour of rounds (3600) in "
                  f"{3600 * t / rounds:.1f} s")


if __name__ == "__main__":
    main()
