#!/usr/bin/python3
"""Regenerates the measured tables of tests/stats/README.md (between its <!-- accuracy -->
and <!-- steadiness --> markers) from the real classifier, and fails when a family is right
in fewer than 99% of its runs.

    tests/stats/update_readme.py STATS [RUNS] [FLIP_RUNS]     (make stats: 4000 and 400)

STATS is the built tests/stats program. The two tables are: accuracy and decisiveness at 100,
400 and 2000 probes with the median probes to a decision against the sequential bound
(stats --markdown), and how steady the live verdicts stay over 10 minutes at -i 0.1
(stats --flips 6000). Both are seeded: the same build prints the same figures."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def splice(text, marker, body):
    pat = re.compile(rf"(<!-- {marker} -->\n).*?(\n<!-- /{marker} -->)", re.S)
    if not pat.search(text):
        raise SystemExit(f"README.md has no <!-- {marker} --> block")
    return pat.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(2), text)


def flips_markdown(out):
    rows = ["| family | scenario | runs with at most one change a hop | most changes |",
            "|---|---|---:|---:|"]
    for line in out.splitlines()[1:]:
        m = re.match(r"(.{26}) (.{50}) +(\d+) +([\d.]+%) (\d+)$", line)
        if m:
            rows.append(f"| {m.group(1).strip()} | {m.group(2).strip()} | {m.group(4)} | "
                        f"{m.group(5)} |")
    return "\n".join(rows)


def main():
    stats = sys.argv[1]
    runs = sys.argv[2] if len(sys.argv) > 2 else "4000"
    flip_runs = sys.argv[3] if len(sys.argv) > 3 else "400"
    table = subprocess.run([stats, "--runs", runs, "--markdown", "--check", "99"],
                           stdout=subprocess.PIPE, text=True)
    print(table.stdout)
    flips = subprocess.run([stats, "--flips", "6000", "--runs", flip_runs],
                           stdout=subprocess.PIPE, text=True, check=True)
    print(flips.stdout)
    path = os.path.join(HERE, "README.md")
    text = open(path).read()
    acc = "\n".join(line for line in table.stdout.splitlines() if line.startswith("|"))
    text = splice(text, "accuracy", f"`stats --runs {runs}`:\n\n{acc}")
    text = splice(text, "steadiness",
                  f"`stats --flips 6000 --runs {flip_runs}`:\n\n{flips_markdown(flips.stdout)}")
    open(path, "w").write(text)
    return table.returncode


if __name__ == "__main__":
    sys.exit(main())
