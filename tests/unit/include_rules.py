#!/usr/bin/python3
"""The module boundaries of ../shared/STYLE.md, checked on the sources:
  ui/    includes no socket, netinet, c-ares or maxminddb header;
  probe/ includes no curses header and never prints or exits;
  src/   includes no curses header."""
import os
import re
import sys

root = sys.argv[1]
rules = {
    "ui": re.compile(r'#include\s*[<"](sys/socket|netinet/|arpa/|ares|maxminddb|linux/)'),
    "probe": re.compile(r'#include\s*[<"](n?curses|ui\.h)'),
    "src": re.compile(r'#include\s*[<"]n?curses'),
}
calls = re.compile(r'\b(printf|fprintf|puts|exit|abort)\s*\(')
bad = []
for d, pat in rules.items():
    for name in sorted(os.listdir(os.path.join(root, d))):
        if not name.endswith((".c", ".h")):
            continue
        text = open(os.path.join(root, d, name)).read()
        for m in pat.finditer(text):
            bad.append(f"{d}/{name}: {m.group(0)}")
        if d == "probe":
            for m in calls.finditer(text):
                bad.append(f"{d}/{name}: calls {m.group(1)}()")
for b in bad:
    print("FAIL", b)
print(f"{0 if bad else 1} passed, {1 if bad else 0} failed")
sys.exit(1 if bad else 0)
