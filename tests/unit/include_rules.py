#!/usr/bin/python3
"""The module boundaries (probe <- src <- ui <- main), checked on the sources:
  ui/    includes no socket, netinet, c-ares or maxminddb header;
  probe/ includes no curses header and never prints or exits;
  src/   includes no curses header;
  a directory's internal headers stay in it: probe/sockutil.h and probe/tcp_raw.h in probe/,
  src/prober_internal.h in src/prober*.c, ui/ui_internal.h and ui/keys.h in ui/."""
import os
import re
import sys

root = sys.argv[1]
rules = {
    "ui": re.compile(r'#include\s*[<"](sys/socket|netinet/|arpa/|ares|maxminddb|linux/)'),
    "probe": re.compile(r'#include\s*[<"](n?curses|ui\.h)'),
    "src": re.compile(r'#include\s*[<"]n?curses'),
}
internal = {
    "sockutil.h": lambda d, f: d == "probe",
    "tcp_raw.h": lambda d, f: d == "probe",
    "prober_internal.h": lambda d, f: d == "src" and f.startswith("prober"),
    "ui_internal.h": lambda d, f: d == "ui",
    "keys.h": lambda d, f: d == "ui",
}
calls = re.compile(r'\b(printf|fprintf|puts|exit|abort)\s*\(')
include = re.compile(r'#include\s*"([^"]+)"')
bad = []
checked = 0
for d in ("probe", "src", "ui"):
    for name in sorted(os.listdir(os.path.join(root, d))):
        if not name.endswith((".c", ".h")):
            continue
        checked += 1
        text = open(os.path.join(root, d, name)).read()
        for m in rules[d].finditer(text):
            bad.append(f"{d}/{name}: {m.group(0)}")
        if d == "probe":
            for m in calls.finditer(text):
                bad.append(f"{d}/{name}: calls {m.group(1)}()")
        for m in include.finditer(text):
            allowed = internal.get(m.group(1))
            if allowed and not allowed(d, name):
                bad.append(f"{d}/{name}: includes {m.group(1)}, internal to another module")
for b in bad:
    print("FAIL", b)
print(f"{checked - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad else 0)
