#!/usr/bin/python3
"""make bench: runs every benchmark of tests/bench/ and rewrites its figures in
tests/bench/README.md (each between its <!-- NAME --> and <!-- /NAME --> markers).

    tests/bench/update_readme.py BUILD        (root: the benchmarks build namespace labs)

BUILD is a release build directory holding hopwatch and the tests' probefloor and nfqdelay.
Each benchmark prints its figures; the README shows them as printed, so a reader can compare
a run of their own line by line. A benchmark that fails leaves its old figures and makes this
exit non-zero."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def splice(text, marker, body):
    pat = re.compile(rf"(<!-- {marker} -->\n```\n).*?(\n```\n<!-- /{marker} -->)", re.S)
    if not pat.search(text):
        raise SystemExit(f"tests/bench/README.md has no <!-- {marker} --> block")
    return pat.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(2), text)


def main():
    build = os.path.abspath(sys.argv[1])
    hw, tests = f"{build}/hopwatch", f"{build}/tests"
    runs = [
        ("peers", ["peers.py", hw, f"{tests}/probefloor"]),
        ("bench", ["bench.py", hw, f"{tests}/nfqdelay"]),
        ("cpu_tui", ["cpu_tui.py", hw, "60"]),
        ("stream_size", ["stream_size.py", hw, "600"]),
        ("fleet", ["fleet.py", hw, "1000", "20"]),
    ]
    path = os.path.join(HERE, "README.md")
    failed = 0
    for marker, cmd in runs:
        r = subprocess.run([sys.executable, os.path.join(HERE, cmd[0])] + cmd[1:],
                           stdout=subprocess.PIPE, text=True)
        print(r.stdout, end="", flush=True)
        if r.returncode != 0:
            print(f"{cmd[0]} exited {r.returncode}: its figures in README.md stay as they were")
            failed = 1
            continue
        text = open(path).read()
        open(path, "w").write(splice(text, marker, r.stdout))
    return failed


if __name__ == "__main__":
    sys.exit(main())
