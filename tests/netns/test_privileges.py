#!/usr/bin/python3
"""Privileges and failure paths, run as an unprivileged user (nobody) in the lab:
  - auto mode falls back to udp when ping sockets are not allowed, and says why for both ICMP
    modes; to icmp-dgram when net.ipv4.ping_group_range allows it;
  - asking for icmp-raw without privilege exits 3 naming the three remedies;
  - root gets icmp-raw in auto mode;
  - ^C during a report prints what was measured (exit 130, end_reason interrupted);
  - an unknown host is a clear error (exit 2), asked of a DNS server inside the lab only;
  - --replay of a setcap cap_net_raw+ep binary run by nobody holds no capability while it
    opens and reads the recording (-j and the live view)."""
import os
import signal
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, hopwatch_json, require_root

NOBODY = 65534


def fallback_udp(lab):
    lab.ping_group(1, 0)
    doc, _ = hopwatch_json(lab, ["-c", "2", "-i", "0.1"], user=NOBODY)
    check(doc["mode"] == "udp", f"mode {doc['mode']}")
    reason = doc["mode_reason"]
    check("icmp-raw" in reason and "CAP_NET_RAW" in reason, f"reason {reason!r}")
    check("icmp-dgram" in reason and "ping_group_range" in reason, f"reason {reason!r}")
    check([h["addr"] for h in doc["hops"]] == lab.hops(), "hops")


def fallback_dgram(lab):
    lab.ping_group(0, 2147483647)
    doc, _ = hopwatch_json(lab, ["-c", "2", "-i", "0.1"], user=NOBODY)
    check(doc["mode"] == "icmp-dgram", f"mode {doc['mode']}")
    check("CAP_NET_RAW" in doc["mode_reason"], f"reason {doc['mode_reason']!r}")
    check([h["addr"] for h in doc["hops"]] == lab.hops(), "hops")
    for v6 in (False, True):
        doc, _ = hopwatch_json(lab, ["-M", "icmp", "-c", "2", "-i", "0.1"], v6=v6, user=NOBODY)
        check(doc["mode"] == "icmp-dgram" and [h["addr"] for h in doc["hops"]] == lab.hops(v6),
              f"-M icmp as nobody, v6={v6}: {doc['mode']}")


def tcp_methods(lab):
    for v6 in (False, True):
        doc, _ = hopwatch_json(lab, ["-M", "tcp", "-c", "2", "-i", "0.1"], v6=v6, user=NOBODY)
        check(doc["mode"] == "tcp" and "connect()" in doc["mode_reason"], f"nobody: {doc['mode_reason']}")
        check([h["addr"] for h in doc["hops"]] == lab.hops(v6), f"nobody tcp hops v6={v6}")
        doc, _ = hopwatch_json(lab, ["-M", "tcp", "-c", "2", "-i", "0.1"], v6=v6)
        check("raw SYN" in doc["mode_reason"], f"root: {doc['mode_reason']}")
        check([h["addr"] for h in doc["hops"]] == lab.hops(v6), f"root tcp hops v6={v6}")


def raw_denied(lab):
    lab.ping_group(1, 0)
    r = lab.run([BIN, "-r", "-c", "1", "-M", "icmp-raw", lab.target()], user=NOBODY)
    check(r.returncode == 3, f"exit {r.returncode}")
    for remedy in ("sudo", "setcap cap_net_raw+ep", "ping_group_range"):
        check(remedy in r.stderr, f"remedy {remedy!r} missing from: {r.stderr}")
    r = lab.run([BIN, "-r", "-c", "1", "-M", "icmp", lab.target()], user=NOBODY)
    check(r.returncode == 3 and "ping_group_range" in r.stderr, f"-M icmp: {r.returncode} {r.stderr}")


def root_gets_raw(lab):
    doc, _ = hopwatch_json(lab, ["-c", "1"])
    check(doc["mode"] == "icmp-raw", f"mode {doc['mode']}")


def interrupted_report(lab):
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-r", "-n", "-c", "1000", "-i",
                          "0.05", lab.target()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    check(p.returncode == 130, f"exit {p.returncode} {err}")
    check(lab.hop_addr(1) in out and lab.target() in out, f"no hops in report: {out!r}")
    sent = [int(line.split()[4]) for line in out.splitlines() if "|--" in line]
    check(sent and 10 <= sent[0] < 1000, f"sent counts {sent}")
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "-j", "-n", "-c", "1000", "-i",
                          "0.05", lab.target()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    check('"end_reason":"interrupted"' in out, f"json: {out[:300]!r}")


def unknown_host(lab):
    # The client namespace's resolv.conf points at a lab address where no server listens: the
    # query never leaves the lab and is refused at once (port unreachable).
    etc = f"/etc/netns/{lab.client}"
    os.makedirs(etc, exist_ok=True)
    try:
        with open(f"{etc}/resolv.conf", "w") as f:
            f.write(f"nameserver {lab.target()}\n")
        r = lab.run([BIN, "-r", "-c", "1", "no-such-host.hopwatch.test"])
        check(r.returncode == 2, f"exit {r.returncode}: {r.stderr}")
        check("cannot resolve 'no-such-host.hopwatch.test'" in r.stderr, f"stderr {r.stderr!r}")
        r = lab.run([BIN, "-r", "-c", "1", "--dns-server", "not-an-address!", lab.target()])
        check(r.returncode == 1 and "--dns-server" in r.stderr, f"bad DNS server: {r.stderr}")
        r = lab.run([BIN, "--log-events", "-", lab.target()])
        check(r.returncode == 1 and "live view" in r.stderr, f"events to the TUI's stdout: {r.stderr}")
        r = lab.run([BIN, "-r", "--max-ttl", "0", lab.target()])
        check(r.returncode == 1 and "--max-ttl" in r.stderr, f"bad option: {r.returncode} {r.stderr}")
    finally:
        for name in ("resolv.conf",):
            if os.path.exists(f"{etc}/{name}"):
                os.unlink(f"{etc}/{name}")
        os.rmdir(etc)


def replay_unprivileged(lab):
    """--replay with a setcap cap_net_raw+ep binary (as the .deb installs it) run by nobody:
    no capability is held while the file is opened and read. The recording is a FIFO, so the
    process waits in open() with its privileges as they are when it reads the file."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        binary = os.path.join(tmp, "hopwatch")
        subprocess.run(["cp", BIN, binary], check=True)
        os.chmod(binary, 0o755)
        subprocess.run(["setcap", "cap_net_raw+ep", binary], check=True)
        rec = os.path.join(tmp, "rec.ndjson")
        hopwatch_json(lab, ["-c", "3", "-i", "0.05", "--record", rec])
        fifo = os.path.join(tmp, "fifo.ndjson")
        os.mkfifo(fifo)
        os.chmod(fifo, 0o666)
        for args in (["-j"], []):
            p = subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                  "--clear-groups", binary, "--replay", fifo] + args,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, text=True)
            try:
                time.sleep(0.5)
                status = open(f"/proc/{p.pid}/status").read()
                caps = {k: v.strip() for k, v in (line.split(":", 1) for line in
                                                   status.splitlines() if line.startswith("Cap"))}
            finally:
                with open(fifo, "w") as w:  # lets the replay go on (and end)
                    w.write(open(rec).read() if args else "")
                p.communicate(timeout=20)
            check(int(caps["CapEff"], 16) == 0 and int(caps["CapPrm"], 16) == 0,
                  f"--replay {args}: capabilities while reading the file: {caps}")
            if args:
                check(p.returncode == 0, f"--replay -j exited {p.returncode}")


def main():
    require_root()
    # nobody must be able to reach the binary: run a copy from a world-readable directory.
    tmp = tempfile.mkdtemp(prefix="hopwatch-")
    os.chmod(tmp, 0o755)
    global BIN
    copy = os.path.join(tmp, "hopwatch")
    subprocess.run(["cp", BIN, copy], check=True)
    os.chmod(copy, 0o755)
    import common
    common.BIN = BIN = copy
    run = Runner()
    try:
        with Lab("hwpriv", routers=2) as lab:
            run.case("unprivileged auto mode falls back to udp, with reasons", fallback_udp, lab)
            run.case("unprivileged auto mode uses icmp-dgram when ping_group_range allows",
                     fallback_dgram, lab)
            run.case("tcp: raw SYN as root, connect() as nobody, both families", tcp_methods, lab)
            run.case("icmp-raw without privilege: exit 3 and the three remedies", raw_denied, lab)
            run.case("root gets icmp-raw in auto mode", root_gets_raw, lab)
            run.case("^C during a report prints the report", interrupted_report, lab)
            run.case("unknown host and bad options are clear errors", unknown_host, lab)
            run.case("--replay holds no privilege while it reads the file (setcap binary)",
                     replay_unprivileged, lab)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
