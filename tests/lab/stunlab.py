#!/usr/bin/python3
"""STUN servers inside the lab's namespaces, for checking the STUN client (src/names/stun.c).

    with Coturn(lab.node(lab.n + 1), [lab.target(), lab.target(v6=True)]) as srv:
        ...  # coturn answers Binding requests on those addresses, port 3478

Coturn runs Debian's `turnserver` in the namespace given: STUN only, no authentication, no
configuration file, no CLI, TLS or DTLS listeners, in the foreground, logging to a file in a
temporary directory of its own (with its pid file and user database). Entering waits until it answers a real
Binding request on every address; leaving stops it (by its own pid) and removes the directory.

FakeStun runs a tiny scripted server instead, for what coturn will not do: answer with junk
first (another source port, another transaction, malformed bytes) or with an error response.

tests/netns/test_stun.py checks the client against both (root; nothing leaves the lab).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


STUN_PORT = 3478

# A Binding request from inside a namespace: exit 0 if a success response to it comes back.
PING = r"""
import os, socket, sys
addr, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(timeout)
txid = os.urandom(12)
try:
    s.sendto(b"\x00\x01\x00\x00\x21\x12\xa4\x42" + txid, (addr, port))
    data = s.recv(2048)
except OSError:
    sys.exit(1)
sys.exit(0 if data[:2] == b"\x01\x01" and data[8:20] == txid else 1)
"""

# A scripted STUN server: mode "junk" sends, for each request, a valid-looking answer from
# another port, one for another transaction, two malformed datagrams, then the real answer;
# mode "error" answers 400 Bad Request. Prints "ready" once bound.
FAKE = r"""
import socket, struct, sys
addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
COOKIE = b"\x21\x12\xa4\x42"
def xor_mapped(ip, port, txid):
    raw = socket.inet_pton(fam, ip)
    key = COOKIE + txid
    x = bytes(b ^ key[i] for i, b in enumerate(raw))
    return struct.pack(">HHBBH", 0x0020, 4 + len(raw), 0, 1 if fam == socket.AF_INET else 2,
                       port ^ 0x2112) + x
def message(mtype, txid, attrs, cookie=COOKIE):
    return struct.pack(">HH", mtype, len(attrs)) + cookie + txid + attrs
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((addr, port))
other = socket.socket(fam, socket.SOCK_DGRAM)
other.bind((addr, 0))
# A decoy mapped address for each kind of junk, so a client fooled says which fooled it.
decoy = {k: ("192.0.2." if fam == socket.AF_INET else "2001:db8:ffff::") + k
         for k in ("66", "77", "88")}
print("ready", flush=True)
while True:
    req, src = s.recvfrom(2048)
    if len(req) < 20 or req[:2] != b"\x00\x01":
        continue
    txid = req[8:20]
    if mode == "error":
        reason = b"Bad Request"
        attr = struct.pack(">HHHBB", 0x0009, 4 + len(reason), 0, 4, 0) + reason + b"\0"
        s.sendto(message(0x0111, txid, attr), src)
        continue
    other.sendto(message(0x0101, txid, xor_mapped(decoy["66"], 1, txid)), src)
    wrong = bytes(12 - len(txid)) + bytes(b ^ 0xff for b in txid)
    s.sendto(message(0x0101, wrong, xor_mapped(decoy["77"], 2, wrong)), src)
    s.sendto(b"\x01\x01\x00\x08garbage", src)
    s.sendto(message(0x0101, txid, xor_mapped(decoy["88"], 3, txid), cookie=b"\x21\x12\xa4\x43"),
             src)
    s.sendto(message(0x0101, txid, xor_mapped(src[0], src[1], txid)), src)
"""


def stun_ping(ns, addr, port=STUN_PORT, timeout=0.5):
    """True if a STUN server at addr:port answers a Binding request sent from namespace ns."""
    r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", PING, addr, str(port),
                        str(timeout)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def turnserver_argv(addrs, port, workdir):
    """The coturn command line: a plain STUN server on addrs:port and nothing else; its log,
    pid file and (unused, but always opened) user database in workdir."""
    argv = ["turnserver", "-n",              # no configuration file: only these options
            "--stun-only",                    # Binding only; TURN requests are ignored
            "--no-auth",                      # STUN Binding is anonymous anyway
            "--listening-port", str(port),
            "--no-tcp", "--no-tls", "--no-dtls",  # UDP only
            "--no-cli",                       # no telnet CLI on port 5766
            "--no-rfc5780",                   # no NAT behaviour discovery (needs 2 addresses)
            "--log-file", os.path.join(workdir, "turnserver.log"), "--simple-log",
            "--no-stdout-log",                # the log file only
            "--pidfile", os.path.join(workdir, "turnserver.pid"),
            "--db", os.path.join(workdir, "turndb")]  # not the system's /var/lib/turn/turndb
    for a in addrs:
        argv += ["--listening-ip", a]
    return argv


class Coturn:
    """coturn in namespace ns, answering STUN Binding requests on addrs (v4 and/or v6)."""

    def __init__(self, ns, addrs, port=STUN_PORT, ready_timeout=15):
        self.ns, self.addrs, self.port = ns, list(addrs), port
        self.ready_timeout = ready_timeout
        self.dir = None
        self.proc = None

    @property
    def logfile(self):
        return os.path.join(self.dir, "turnserver.log")

    def argv(self):
        return turnserver_argv(self.addrs, self.port, self.dir)

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="hopwatch-coturn-")
        # Not daemonized: `ip netns exec` execs turnserver, so this pid is turnserver's own.
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns] + self.argv(),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + self.ready_timeout
        waiting = list(self.addrs)
        while waiting:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read()
                self.stop()
                raise RuntimeError(f"turnserver exited {self.proc.returncode}: {err.strip()}")
            if time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"turnserver does not answer on {waiting} after "
                                   f"{self.ready_timeout} s; log:\n{log[-2000:]}")
            if stun_ping(self.ns, waiting[0], self.port):
                waiting.pop(0)
            else:
                time.sleep(0.1)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False


class FakeStun:
    """The scripted server (FAKE above) in namespace ns on addr:port; mode "junk" or "error"."""

    def __init__(self, ns, addr, port, mode):
        self.argv = ["ip", "netns", "exec", ns, sys.executable, "-c", FAKE, addr, str(port), mode]
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if "ready" not in line:
            self.__exit__()
            raise RuntimeError(f"fake STUN server did not start: {self.proc.stderr.read()}")
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return False
