#!/usr/bin/python3
"""Every option, key and column that `hopwatch --help` lists is documented in the man page:
a feature is not done until a user can find it. Reads only what the binary prints.
And the README's example screen is the text of its picture (make screenshots writes both
from one capture: screenshots/lossy-path.txt)."""
import re
import subprocess
import sys

binary, root = sys.argv[1], sys.argv[2]
man = open(f"{root}/man/hopwatch.1").read().replace("\\-", "-")
help_text = subprocess.run([binary, "--help"], stdout=subprocess.PIPE, text=True,
                           check=True).stdout


def section(title):
    """The indented lines under the line that starts with title."""
    lines = help_text.split(title, 1)[1].splitlines()[1:]
    out = []
    for line in lines:
        if not line.startswith("  "):
            break
        out.append(line)
    return out


bad = []
options = sorted(set(re.findall(r"--([a-z0-9-]+(?:\.[a-z0-9-]+)*)", help_text)))
keys = [k for line in section("Keys in the live view:") for k in line[2:30].split()]
columns = [line.split()[:2] for line in section("Columns (")]
if len(options) < 20 or len(keys) < 20 or len(columns) < 15:
    bad.append(f"--help lists too little: {len(options)} options, {len(keys)} keys, "
               f"{len(columns)} columns")
for opt in options:
    if f"--{opt}" not in man:
        bad.append(f"option --{opt} is not in the man page")
for key in keys:
    if not re.search(r"\.B[R]? .*" + re.escape(key), man, re.IGNORECASE):
        bad.append(f"key {key!r} is not in the man page's KEYS")
for letter, title in columns:
    if not re.search(rf"\.B {letter}  {re.escape(title)}", man):
        bad.append(f"column {letter} ({title}) is not in the man page's COLUMNS")
readme = open(f"{root}/README.md").read()
shown = re.search(r"<!-- screen -->\n```\n(.*?)```\n<!-- /screen -->", readme, re.S)
shot = open(f"{root}/screenshots/lossy-path.txt").read()
if not shown or shown.group(1) != shot:
    bad.append("the README's screen is not screenshots/lossy-path.txt (make screenshots)")
for b in bad:
    print("FAIL", b)
print(f"{len(options) + len(keys) + len(columns) - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad else 0)
