#!/usr/bin/python3
"""Rewrites the inventory of tests/README.md (between <!-- inventory --> and
<!-- /inventory -->) from the tests themselves: each test file's opening comment or docstring,
first paragraph, under its ctest label.

    tests/inventory.py            rewrite tests/README.md
    tests/inventory.py --check    exit 1 when tests/README.md is not what this would write
                                  (ctest's unit_test_inventory)"""
import ast
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def first_paragraph(text):
    para = text.strip().split("\n\n")[0]
    return " ".join(line.strip().lstrip("*").strip() for line in para.splitlines())


def c_summary(path):
    m = re.match(r"/\*(.*?)\*/", open(path).read(), re.S)
    text = first_paragraph(m.group(1)) if m else "(no opening comment)"
    return re.sub(r"^\S+\.c - ", "", text)


def py_summary(path):
    doc = ast.get_docstring(ast.parse(open(path).read()))
    return first_paragraph(doc) if doc else "(no docstring)"


def table(rows):
    out = ["| test | what it checks |", "|---|---|"]
    out += [f"| `{name}` | {text.replace('|', '&#124;')} |" for name, text in rows]
    return "\n".join(out)


def section(title, pattern, summary, name):
    rows = [(name(p), summary(p)) for p in sorted(glob.glob(os.path.join(HERE, pattern)))]
    return f"### {title}\n\n{table(rows)}\n"


def tsan_cases():
    cm = open(os.path.join(HERE, "CMakeLists.txt")).read()
    m = re.search(r"foreach\(t ((?:(?:netns|ui)/test_\w+\s*)+)\)\n\s+get_filename_component"
                  r"\(name \$\{t\} NAME_WE\)\n\s+lab_test\(tsan_", cm)
    return m.group(1).split() if m else []


def inventory():
    base = lambda p: os.path.splitext(os.path.basename(p))[0]  # noqa: E731
    parts = [
        section("unit: pure functions and single modules (C)", "unit/test_*.c", c_summary,
                lambda p: "unit_" + base(p)[5:]),
        section("fuzz: every fuzz target's corpus replayed", "fuzz/fuzz_*.c", c_summary,
                lambda p: "fuzz_replay_" + base(p)[5:]),
        section("netns: the namespace lab", "netns/test_*.py", py_summary,
                lambda p: "netns_" + base(p)),
        section("ui: the real binary in tmux, against the lab", "ui/test_*.py", py_summary,
                lambda p: "ui_" + base(p)),
        section("pkg: the Debian package", "pkg/test_*.py", py_summary, lambda p: "pkg_" + base(p)),
        section("soak", "soak/soak.py", py_summary, lambda p: "soak_60"),
    ]
    tsan = ", ".join(f"`tsan_{os.path.basename(t)}`" for t in tsan_cases())
    parts.append("### tsan: the threaded paths on a ThreadSanitizer build\n\n"
                 f"{tsan}: the same files as above, run on `build-tsan/hopwatch`; any data race "
                 "makes hopwatch exit 66, which fails the case.\n")
    return "\n".join(parts)


def main():
    path = os.path.join(HERE, "README.md")
    text = open(path).read()
    pat = re.compile(r"(<!-- inventory -->\n).*?(<!-- /inventory -->)", re.S)
    new = pat.sub(lambda m: m.group(1) + inventory() + m.group(2), text)
    if "--check" in sys.argv:
        if new != text:
            print("tests/README.md is out of date: run tests/inventory.py")
            return 1
        print("tests/README.md lists every test as its file describes it")
        return 0
    open(path, "w").write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
