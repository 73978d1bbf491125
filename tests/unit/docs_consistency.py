#!/usr/bin/python3
"""Every option --help lists is documented in the man page, and every key of the TUI's key
table and every column letter too: a feature is not done until a user can find it."""
import re
import subprocess
import sys

binary, root = sys.argv[1], sys.argv[2]
man = open(f"{root}/man/hopwatch.1").read().replace("\\-", "-")
help_text = subprocess.run([binary, "--help"], stdout=subprocess.PIPE, text=True).stdout
bad = []
for opt in sorted(set(re.findall(r"--([a-z0-9-]+)", help_text))):
    if f"--{opt}" not in man:
        bad.append(f"option --{opt} is not in the man page")
ui = open(f"{root}/ui/ui.c").read()
for label in re.findall(r'\{[^{}]*?, "([^"]+)", "[^"]+", key_\w+\}', ui):
    for key in label.split():
        if not re.search(r"\.B[R]? .*" + re.escape(key), man, re.IGNORECASE):
            bad.append(f"key {key!r} is not in the man page's KEYS")
cols = open(f"{root}/src/columns.c").read()
for letter, title in re.findall(r"\{'(\w)', \"([^\"]+)\"", cols):
    if not re.search(rf"\.B {letter}  {re.escape(title)}", man):
        bad.append(f"column {letter} ({title}) is not in the man page's COLUMNS")
for b in bad:
    print("FAIL", b)
print(f"{0 if bad else 1} passed, {1 if bad else 0} failed")
sys.exit(1 if bad else 0)
