#!/usr/bin/python3
"""The Debian package (`make deb`, CPack), installed on this machine with dpkg and removed again.

  contents     /usr/bin/hopwatch, the man page and the docs; the shared libraries it links
               as Depends (dpkg-shlibdeps); a postinst
  install      dpkg -i gives /usr/bin/hopwatch cap_net_raw+ep (getcap); --version answers
  normal user  an unprivileged user (uid 65534, no capabilities of its own) in the lab probes
               with icmp-raw and sees every hop
  purge        dpkg --purge removes every file the package installed; dpkg knows it no more
  opt out      HOPWATCH_NO_SETCAP=1 dpkg -i: no capability, the same user falls back to udp
  cmake        cmake --install of the package's build tree into a scratch prefix installs the
               same files

HOPWATCH_DEB names the .deb (make test builds it with make deb). A hopwatch package already
installed is purged first (said). The package is purged at the end, even on failure."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
from common import Lab, Runner, check  # noqa: E402

DEB = os.environ.get("HOPWATCH_DEB", "")
BIN = "/usr/bin/hopwatch"
NOBODY = 65534


def sh(*args, env=None, check_rc=True):
    r = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env)
    if check_rc and r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


def installed():
    r = sh("dpkg-query", "-W", "-f=${Status}", "hopwatch", check_rc=False)
    return r.returncode == 0 and "install ok installed" in r.stdout


def package_files():
    """The regular files the package holds, as installed paths."""
    out = sh("dpkg-deb", "-c", DEB).stdout
    return [line.split()[-1][1:] for line in out.splitlines() if line.startswith("-")]


def contents():
    files = package_files()
    for want in (BIN, "/usr/share/man/man1/hopwatch.1", "/usr/share/doc/hopwatch/README.md",
                 "/usr/share/doc/hopwatch/hopwatch-ndjson.schema.json",
                 "/usr/share/doc/hopwatch/copyright", "/usr/share/doc/hopwatch/LICENSE"):
        check(want in files, f"{want} is not in the package: {files}")
    member = sh("sh", "-c", f"dpkg-deb --fsys-tarfile {DEB} | tar -xOf - ./usr/share/doc/hopwatch/copyright").stdout
    check("License: BSD-2-Clause" in member, f"the copyright file names no BSD-2-Clause licence:\n{member}")
    info = sh("dpkg-deb", "-I", DEB).stdout
    for dep in ("libmicrohttpd12", "libc-ares2", "libmaxminddb0", "libncursesw6", "libzstd1"):
        check(dep in info.split("Depends:", 1)[1].split("\n", 1)[0], f"Depends lacks {dep}:\n{info}")
    check("postinst" in info, f"no postinst:\n{info}")


def install(env=None):
    sh("dpkg", "-i", DEB, env=env)
    check(installed(), "dpkg does not list hopwatch as installed")


def caps():
    return sh("getcap", BIN).stdout.strip()


def install_gives_capability():
    install()
    check("cap_net_raw=ep" in caps(), f"getcap: {caps()!r}")
    r = sh(BIN, "--version")
    check(r.stdout.startswith("hopwatch "), f"--version: {r.stdout!r}")
    check(os.path.exists("/usr/share/man/man1/hopwatch.1"), "no man page installed")


def probe_as_nobody(lab):
    r = lab.run([BIN, "-j", "-n", "-c", "2", "-i", "0.1", lab.target()], user=NOBODY)
    check(r.returncode == 0, f"hopwatch as uid {NOBODY} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def normal_user(lab):
    doc = probe_as_nobody(lab)
    check(doc["mode"] == "icmp-raw", f"mode {doc['mode']} ({doc['mode_reason']})")
    check([h["addr"] for h in doc["hops"]] == lab.hops(), f"hops {doc['hops']}")


def purge():
    files = package_files()
    sh("dpkg", "--purge", "hopwatch")
    check(not installed(), "still installed after --purge")
    left = [f for f in files if os.path.exists(f)]
    check(not left, f"left behind: {left}")
    check(not os.path.exists("/usr/share/doc/hopwatch"), "/usr/share/doc/hopwatch is left")


def opt_out(lab):
    install(env=dict(os.environ, HOPWATCH_NO_SETCAP="1"))
    check(caps() == "", f"HOPWATCH_NO_SETCAP=1 and still a capability: {caps()!r}")
    doc = probe_as_nobody(lab)
    check(doc["mode"] != "icmp-raw", f"icmp-raw without the capability: {doc['mode']}")
    purge()


def cmake_install():
    build = os.path.dirname(DEB)
    with tempfile.TemporaryDirectory() as tmp:
        sh("cmake", "--install", build, "--prefix", tmp)
        for f in package_files():
            check(os.path.exists(tmp + f[len("/usr"):]), f"cmake --install lacks {f}")


def main():
    if os.geteuid() != 0:
        print("FAIL: the package test needs root (dpkg -i)")
        return 1
    if not DEB or not os.path.isfile(DEB):
        print(f"FAIL: HOPWATCH_DEB is not a package file: {DEB!r} (make deb builds one)")
        return 1
    if installed():
        print("note: a hopwatch package was installed: purging it first")
        sh("dpkg", "--purge", "hopwatch")
    run = Runner()
    try:
        with Lab("hwdeb", routers=1) as lab:
            run.case("contents: binary, man page, docs, Depends, postinst", contents)
            run.case("dpkg -i gives the binary cap_net_raw+ep", install_gives_capability)
            run.case("an unprivileged user probes with icmp-raw", normal_user, lab)
            run.case("dpkg --purge leaves nothing behind", purge)
            run.case("HOPWATCH_NO_SETCAP=1: no capability, the user falls back", opt_out, lab)
            run.case("cmake --install installs the same files", cmake_install)
    finally:
        if installed():
            sh("dpkg", "--purge", "hopwatch", check_rc=False)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
