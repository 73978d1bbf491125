#!/usr/bin/python3
"""Writes the seed corpus of the recording fuzz target (corpus/recording): short real
recordings made in a lab (plain, zstd, with --flows and --pmtu), the same cut mid-line and
mid-frame, and files that are not recordings.
Usage (root): mkrecordingcorpus.py HOPWATCH_BINARY  (writes tests/fuzz/corpus/recording/)"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
from lab import Lab  # noqa: E402

OUT = os.path.join(HERE, "corpus", "recording")


def record(lab, binary, path, extra):
    lab.run([binary, "-r", "-n", "--record", path, "-c", "2", "-m", "4", "-i", "0.05", "--timeout", "0.3"]
            + extra + [lab.target()], timeout=60)
    with open(path, "rb") as f:
        return f.read()


def main():
    binary = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    with tempfile.TemporaryDirectory() as tmp, Lab("hwcorp", routers=1) as lab:
        lab.loss(1, 20)
        seeds["lossy.ndjson"] = record(lab, binary, os.path.join(tmp, "a.ndjson"), [])
        seeds["lossy.ndjson.zst"] = record(lab, binary, os.path.join(tmp, "a.ndjson.zst"), [])
        seeds["flows-pmtu.ndjson"] = record(lab, binary, os.path.join(tmp, "b.ndjson"),
                                            ["-M", "udp", "--flows", "2", "--pmtu"])
        seeds["modes.ndjson"] = record(lab, binary, os.path.join(tmp, "c.ndjson"),
                                       ["--modes", "icmp,udp"])
    plain, packed = seeds["lossy.ndjson"], seeds["lossy.ndjson.zst"]
    seeds["cut-mid-line.ndjson"] = plain[: len(plain) * 2 // 3]
    seeds["cut-mid-frame.ndjson.zst"] = packed[: len(packed) * 2 // 3]
    seeds["header-only.ndjson"] = plain.split(b"\n")[0] + b"\n"
    seeds["foreign.json"] = b'{"hello": "world"}\n'
    seeds["not-json.txt"] = b"this is not a recording\n"
    seeds["second-header.ndjson"] = plain.split(b"\n")[0] + b"\n" + plain
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {OUT}")


if __name__ == "__main__":
    main()
