"""Driving the real hopwatch binary in tmux: a shell in a detached session of a given size,
keys sent with send-keys, screens read with capture-pane."""
import os
import subprocess
import time


class Tmux:
    def __init__(self, name, cols=140, rows=35):
        self.name = name
        self.sock = f"hopwatch-{name}"
        self.tmux("kill-server", check=False)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", str(cols), "-y",
                  str(rows), "env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color",
                  "PS1=$ ", "bash", "--norc", "--noprofile")
        self.tmux("set-option", "-t", name, "status", "off")

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), check=check,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", self.name, "-l", text)
        self.tmux("send-keys", "-t", self.name, "Enter")

    def screen(self, colors=False):
        args = ["capture-pane", "-p", "-t", self.name] + (["-e"] if colors else [])
        return self.tmux(*args).stdout

    def wait_for(self, pred, timeout=10.0, what="condition"):
        end = time.time() + timeout
        while time.time() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")

    def resize(self, cols, rows):
        self.tmux("resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows))

    def kill(self):
        self.tmux("kill-server", check=False)


def row(screen, addr):
    """The table row of a hop address, split into fields, or None."""
    for line in screen.splitlines():
        f = line.split()
        if len(f) > 2 and f[1] == addr:
            return f
    return None


def row_ttl(screen, ttl):
    """The table row of TTL ttl (its line), or None."""
    for line in screen.splitlines():
        f = line.split()
        if len(f) > 2 and f[0] == f"{ttl}.":
            return line
    return None
