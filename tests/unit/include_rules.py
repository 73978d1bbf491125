#!/usr/bin/python3
"""The module boundaries, checked on the sources.

Top-level folders: probe/ <- src/ <- ui/ <- src/main.c (the one file of src/ that sees ui/).
  ui/    includes no socket, netinet, c-ares or maxminddb header;
  probe/ includes no curses header and never prints or exits;
  src/   includes no curses header.
src/ has one folder a subsystem, in this order (lowest first); a file includes headers of its
own folder (by bare name) and of folders below it (as "folder/name.h"), never of one above:
  text < prober < path < names < report < cli < replay < record < fleet < metrics < src/ itself
A folder's internal headers stay in it: probe/sockutil.h, rx.h, tx.h and tcp_raw.h in probe/,
prober_internal.h in src/prober/prober*.c, replay_internal.h and metrics_internal.h in their
folders, ui/ui_internal.h and ui/keys.h in ui/."""
import os
import re
import sys

root = sys.argv[1]
ORDER = ["text", "prober", "path", "names", "report", "cli", "replay", "record", "fleet",
         "metrics", ""]
forbidden = {
    "ui": re.compile(r'#include\s*[<"](sys/socket|netinet/|arpa/|ares|maxminddb|linux/)'),
    "probe": re.compile(r'#include\s*[<"](n?curses|ui\.h)'),
    "src": re.compile(r'#include\s*[<"]n?curses'),
}
internal = {
    "sockutil.h": lambda top, sub, f: top == "probe",
    "tcp_raw.h": lambda top, sub, f: top == "probe",
    "rx.h": lambda top, sub, f: top == "probe",
    "tx.h": lambda top, sub, f: top == "probe",
    "prober_internal.h": lambda top, sub, f: sub == "prober" and f.startswith("prober"),
    "replay_internal.h": lambda top, sub, f: sub == "replay",
    "metrics_internal.h": lambda top, sub, f: sub == "metrics",
    "ui_internal.h": lambda top, sub, f: top == "ui",
    "keys.h": lambda top, sub, f: top == "ui",
}
calls = re.compile(r'\b(printf|fprintf|puts|exit|abort)\s*\(')
include = re.compile(r'#include\s*"([^"]+)"')
ui_headers = {n for n in os.listdir(os.path.join(root, "ui")) if n.endswith(".h")}
headers = {}  # a src/ header's bare name -> its folder
for sub in ORDER:
    for name in os.listdir(os.path.join(root, "src", sub)):
        if name.endswith(".h"):
            headers[name] = sub


def check_src_include(sub, name, inc, bad):
    folder, _, base = inc.rpartition("/")
    if not folder:
        if headers.get(base, sub) != sub:
            bad.append(f"src/{sub}/{name}: includes {inc} of src/{headers[base]}/ by bare name")
        return
    if folder not in ORDER or headers.get(base) != folder:
        bad.append(f"src/{sub}/{name}: includes {inc}, which is not there")
    elif ORDER.index(folder) >= ORDER.index(sub):
        bad.append(f"src/{sub}/{name}: includes {inc}: src/{folder}/ is not below src/{sub or '.'}/")


bad = []
checked = 0
places = [("probe", ""), ("ui", "")] + [("src", sub) for sub in ORDER]
for top, sub in places:
    where = os.path.join(root, top, sub)
    for name in sorted(os.listdir(where)):
        if not name.endswith((".c", ".h")):
            continue
        checked += 1
        text = open(os.path.join(where, name)).read()
        shown = f"{top}/{sub + '/' if sub else ''}{name}"
        for m in forbidden[top].finditer(text):
            bad.append(f"{shown}: {m.group(0)}")
        if top == "probe":
            for m in calls.finditer(text):
                bad.append(f"{shown}: calls {m.group(1)}()")
        for m in include.finditer(text):
            inc = m.group(1)
            allowed = internal.get(inc.rpartition("/")[2])
            if allowed and not allowed(top, sub, name):
                bad.append(f"{shown}: includes {inc}, internal to another module")
            if top == "src" and inc in ui_headers and (sub, name) != ("", "main.c"):
                bad.append(f"{shown}: includes {inc}: only src/main.c sees ui/")
            elif top == "src":
                check_src_include(sub, name, inc, bad)
for b in bad:
    print("FAIL", b)
print(f"{checked} files checked, {len(bad)} rules broken")
sys.exit(1 if bad else 0)
