#!/usr/bin/python3
"""The hopwatch test lab: a chain of Linux network namespaces with real forwarding.

    client -- r1 -- r2 -- ... -- rN -- dst

Link k (k = 0..N) joins node k and node k+1 (node 0 is the client, node N+1 the destination):
its left end is e{k}a with 198.18.k.1 / 2001:db8:k::1, its right end e{k}b with 198.18.k.2 /
2001:db8:k::2. A Linux router answers from the address of the interface its ICMP leaves by, so
hop k (router k, or the destination for k = N+1) shows as 198.18.(k-1).2.

Impairments (all inside the lab's own namespaces; nothing is routed anywhere else):
  loss(k, pct)           random drop of everything entering router/dst k from the left (nft)
  outage(k, on)          drop everything entering node k from the left while on
  ratelimit(k, ms)       node k's own ICMP rate limit (net.ipv4.icmp_ratelimit, icmpv6 too)
  no_route(k, on)        router k answers "unreachable" (or "prohibited") for the destination
  reorder(k, ms)         every other packet into node k held ms: later packets overtake
  delay(k, ms, jitter)   hold packets entering node k from the left (NFQUEUE + nfqdelay)
  ping_group(lo, hi)     the client's net.ipv4.ping_group_range
  ecmp(k)                a router r{k}b parallel to router k, and router k-1 spreading the
                         traffic past it over both by flow (multipath, L4 hash): a diamond
  branch_loss(k, pct)    random loss into r{k}b only (one branch of the diamond)
  answer_from(k, a4, a6)  router k's own packets (its ICMP) leave with these source addresses
  mtu(j, bytes)          link j (router j to node j+1) takes packets of at most bytes
  no_too_big(k, on)      router k sends no Fragmentation Needed / Packet Too Big (a black hole)
  detour(k)              router k's own packets (its ICMP replies) go back through an extra
                         router, r{k}x, so its way back is one hop longer than its way there

Used as a module by the tests and as a command by `make run`:
  lab.py up PREFIX N [--demo]   build (and with --demo impair) a lab; prints the target
  lab.py down PREFIX            remove every namespace and helper of PREFIX
"""
import ipaddress
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, **kw)


def existing_namespaces():
    out = sh("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


class Lab:
    def __init__(self, prefix, routers=3, nfqdelay=None):
        self.prefix = prefix
        self.n = routers
        self.nfqdelay = nfqdelay or os.environ.get("HOPWATCH_NFQDELAY", "")
        self.helpers = []  # Popen of background helpers, killed by pid at teardown
        self.pidfile = f"/run/hopwatch-lab-{prefix}.pids"
        self.queue = 0

    # ---- names and addresses ------------------------------------------------------------
    def node(self, k):
        if k == 0:
            return f"{self.prefix}-c"
        if k == self.n + 1:
            return f"{self.prefix}-d"
        return f"{self.prefix}-r{k}"

    @property
    def client(self):
        return self.node(0)

    def hop_addr(self, k, v6=False):
        """The address hop k (1..N+1) answers from."""
        addr = f"2001:db8:{k - 1}::2" if v6 else f"198.18.{k - 1}.2"
        return str(ipaddress.ip_address(addr))  # canonical, as inet_ntop prints it

    def target(self, v6=False):
        return self.hop_addr(self.n + 1, v6)

    def hops(self, v6=False):
        return [self.hop_addr(k, v6) for k in range(1, self.n + 2)]

    # ---- building ----------------------------------------------------------------------------
    def ns(self, k, *cmd, check=True):
        return sh("ip", "netns", "exec", self.node(k), *cmd, check=check)

    def sysctl(self, k, *settings):
        self.ns(k, "sysctl", "-qw", *settings)

    def up(self):
        self.down()  # leftovers of an earlier run with this prefix
        nodes = range(self.n + 2)
        for k in nodes:
            sh("ip", "netns", "add", self.node(k))
            sh("ip", "-n", self.node(k), "link", "set", "lo", "up")
            self.sysctl(k, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                        "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
                        "net.ipv4.icmp_msgs_per_sec=100000", "net.ipv4.icmp_msgs_burst=100000",
                        "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0")
        for k in range(self.n + 1):
            self._link(self.node(k), f"e{k}a", self.node(k + 1), f"e{k}b", k)
        for k in nodes:
            for j in range(self.n + 1):
                if j in (k - 1, k):
                    continue  # directly connected
                if j < k - 1:  # to the left
                    via4, via6 = f"198.18.{k - 1}.1", f"2001:db8:{k - 1}::1"
                else:  # to the right
                    via4, via6 = f"198.18.{k}.2", f"2001:db8:{k}::2"
                sh("ip", "-n", self.node(k), "route", "add", f"198.18.{j}.0/24", "via", via4)
                sh("ip", "-n", self.node(k), "-6", "route", "add", f"2001:db8:{j}::/64", "via",
                   via6)
        self.warm()
        return self

    def warm(self):
        """Neighbour discovery before measuring: the first IPv6 probe otherwise waits ~1 s."""
        for v6 in (False, True):
            for k in range(1, self.n + 2):
                self.ns(0, "ping", "-6" if v6 else "-4", "-c1", "-W1", "-n",
                        self.hop_addr(k, v6), check=False)

    def down(self):
        self.stop_helpers()
        for name in existing_namespaces():
            if name == f"{self.prefix}-c" or name == f"{self.prefix}-d" or \
                    name.startswith(f"{self.prefix}-r"):
                sh("ip", "netns", "del", name, check=False)

    def __enter__(self):
        try:
            return self.up()
        except BaseException:
            self.down()  # a lab half built is still torn down
            raise

    def __exit__(self, *exc):
        self.down()
        return False

    # ---- impairments ---------------------------------------------------------------------------
    def _nft(self, k, rules):
        subprocess.run(["ip", "netns", "exec", self.node(k), "nft", "-f", "-"], input=rules,
                       text=True, check=True)

    def _pre_chain(self, k):
        self._nft(k, "table inet lab {\n chain pre {\n"
                     "  type filter hook prerouting priority -300; policy accept;\n }\n}\n")

    def loss(self, k, pct, proto=None):
        """Random loss of pct % on the link into node k (hop k and every later hop)."""
        self._pre_chain(k)
        match = f"meta l4proto {proto} " if proto else ""
        self._nft(k, f'add rule inet lab pre iifname "e{k - 1}b" {match}'
                     f'numgen random mod 10000 < {int(pct * 100)} counter drop\n')

    def icmp_probe_loss(self, k, pct):
        """Node k ignores pct % of the ICMP echo probes that expire at it (TTL 1 on arrival),
        as routers that deprioritize ICMP do; UDP and TCP probes are answered."""
        self._pre_chain(k)
        self._nft(k, f'add rule inet lab pre iifname "e{k - 1}b" ip ttl 1 icmp type echo-request '
                     f'numgen random mod 10000 < {int(pct * 100)} counter drop\n'
                     f'add rule inet lab pre iifname "e{k - 1}b" ip6 hoplimit 1 icmpv6 type '
                     f'echo-request numgen random mod 10000 < {int(pct * 100)} counter drop\n')

    def outage(self, k, on):
        """A total outage on the link into node k while on."""
        self._pre_chain(k)
        if on:
            self._nft(k, f'add rule inet lab pre iifname "e{k - 1}b" counter drop comment "outage"\n')
        else:
            self._nft(k, "flush chain inet lab pre\n")

    def readdress(self, k, host):
        """Node k starts answering from 198.18.(k-1).host: the new address becomes the primary
        one of its left interface (the old one stays, as a secondary, so forwarding goes on)."""
        dev, old = f"e{k - 1}b", f"198.18.{k - 1}.2/24"
        self.sysctl(k, f"net.ipv4.conf.{dev}.promote_secondaries=1")
        sh("ip", "-n", self.node(k), "addr", "add", f"198.18.{k - 1}.{host}/24", "dev", dev)
        sh("ip", "-n", self.node(k), "addr", "del", old, "dev", dev)
        sh("ip", "-n", self.node(k), "addr", "add", old, "dev", dev)

    def no_route(self, k, on, kind="unreachable"):
        """Router k has no route to the destination's link while on: an `unreachable` route
        (it answers host unreachable) or a `prohibit` one (administratively prohibited)."""
        last = self.n  # the destination's link
        for v6, net, via in ((False, f"198.18.{last}.0/24", f"198.18.{k}.2"),
                             (True, f"2001:db8:{last}::/64", f"2001:db8:{k}::2")):
            fam = ["-6"] if v6 else []
            route = [kind, net] if on else [net, "via", via]
            sh("ip", "-n", self.node(k), *fam, "route", "replace", *route)

    @staticmethod
    def _link(left, ldev, right, rdev, net):
        """A veth between two namespaces: 198.18.net.1 / 2001:db8:net::1 on the left end,
        .2 / ::2 on the right."""
        sh("ip", "link", "add", ldev, "netns", left, "type", "veth", "peer", "name", rdev,
           "netns", right)
        for node, dev, host in ((left, ldev, 1), (right, rdev, 2)):
            sh("ip", "-n", node, "addr", "add", f"198.18.{net}.{host}/24", "dev", dev)
            sh("ip", "-n", node, "addr", "add", f"2001:db8:{net}::{host}/64", "dev", dev,
               "nodad")
            sh("ip", "-n", node, "link", "set", dev, "up")

    def branch_addr(self, k, v6=False):
        """The address the parallel router r{k}b answers from."""
        return str(ipaddress.ip_address(f"2001:db8:{200 + k}::2" if v6 else f"198.18.{200 + k}.2"))

    def ecmp(self, k):
        """A diamond at hop k: r{k}b joins node k-1 and node k+1 beside router k, and node k-1
        reaches everything past router k over both (equal-cost multipath, hashed by flow:
        fib_multipath_hash_policy=1, addresses and ports). Replies come back through router k."""
        side, left, right = f"{self.prefix}-r{k}b", self.node(k - 1), self.node(k + 1)
        sh("ip", "netns", "add", side)
        sh("ip", "netns", "exec", side, "sysctl", "-qw", "net.ipv4.ip_forward=1",
           "net.ipv6.conf.all.forwarding=1", "net.ipv4.icmp_ratelimit=0",
           "net.ipv6.icmp.ratelimit=0", "net.ipv6.conf.all.accept_dad=0",
           "net.ipv6.conf.default.accept_dad=0")
        sh("ip", "netns", "exec", side, "ip", "link", "set", "lo", "up")
        self.sysctl(k - 1, "net.ipv4.fib_multipath_hash_policy=1",
                    "net.ipv6.fib_multipath_hash_policy=1")
        self._link(left, f"b{k}a", side, f"b{k}b", 200 + k)
        self._link(side, f"c{k}a", right, f"c{k}b", 220 + k)
        for j in range(self.n + 1):
            for fam, net, left_via, right_via, main_via in (
                    ([], f"198.18.{j}.0/24", f"198.18.{200 + k}.1", f"198.18.{220 + k}.2",
                     f"198.18.{k - 1}.2"),
                    (["-6"], f"2001:db8:{j}::/64", f"2001:db8:{200 + k}::1",
                     f"2001:db8:{220 + k}::2", f"2001:db8:{k - 1}::2")):
                if j >= k:  # past router k: the side router forwards right, node k-1 spreads
                    sh("ip", "-n", side, *fam, "route", "add", net, "via", right_via)
                    sh("ip", "-n", left, *fam, "route", "replace", net, "nexthop", "via",
                       main_via, "nexthop", "via", self.branch_addr(k, bool(fam)))
                elif j <= k - 2:  # towards the client
                    sh("ip", "-n", side, *fam, "route", "add", net, "via", left_via)
        self.warm()

    def branch_loss(self, k, pct):
        """Random loss of pct % into the branch router r{k}b."""
        rules = (f"table inet lab {{\n chain pre {{\n"
                 f"  type filter hook prerouting priority -300; policy accept;\n"
                 f'  iifname "b{k}b" numgen random mod 10000 < {int(pct * 100)} counter drop\n'
                 f" }}\n}}\n")
        subprocess.run(["ip", "netns", "exec", f"{self.prefix}-r{k}b", "nft", "-f", "-"],
                       input=rules, text=True, check=True)

    def answer_from(self, k, addr4, addr6):
        """Router k answers from addr4 / addr6 (say a private or CGNAT address, as real access
        routers do): the addresses go on its loopback and its routes back to the client take
        them as their source."""
        me = self.node(k)
        sh("ip", "-n", me, "addr", "add", f"{addr4}/32", "dev", "lo")
        sh("ip", "-n", me, "addr", "add", f"{addr6}/128", "dev", "lo")
        for fam, net, via, src in (([], "198.18.0.0/24", f"198.18.{k - 1}.1", addr4),
                                   (["-6"], "2001:db8:0::/64", f"2001:db8:{k - 1}::1", addr6)):
            # k = 1: the client's link is connected; its IPv6 route has the kernel's metric 256
            how = (["dev", "e0b"] + (["metric", "256"] if fam else [])) if k == 1 else ["via", via]
            sh("ip", "-n", me, *fam, "route", "replace", net, *how, "src", src)

    def mtu(self, j, size):
        """Link j (between node j and node j+1) takes packets of at most size bytes: router j
        answers larger ones (DF set) with Fragmentation Needed / Packet Too Big."""
        sh("ip", "-n", self.node(j), "link", "set", f"e{j}a", "mtu", str(size))
        sh("ip", "-n", self.node(j + 1), "link", "set", f"e{j}b", "mtu", str(size))
        for k in (0, j):  # forget learnt path MTUs (route exceptions) on both sides
            for fam in ([], ["-6"]):
                self.ns(k, "ip", *fam, "route", "flush", "cache", check=False)

    def no_too_big(self, k, on):
        """Router k's too-big messages are filtered (nftables, its output): a PMTU black hole."""
        if on:
            self._nft(k, "table inet labtb {\n chain out {\n"
                         "  type filter hook output priority 0; policy accept;\n"
                         "  icmp type destination-unreachable icmp code frag-needed counter drop\n"
                         "  icmpv6 type packet-too-big counter drop\n }\n}\n")
        else:
            self.ns(k, "nft", "delete", "table", "inet", "labtb", check=False)

    def detour(self, k):
        """Router k (k >= 2) sends what it originates, its Time Exceeded and echo replies
        included, back to the client through a side router r{k}x joined to router k-1, while
        forwarded traffic keeps the chain: hop k's way back is k + 1 hops, every other hop's
        is unchanged. The replies keep hop k's usual source address (route src)."""
        side, prev, me = f"{self.prefix}-r{k}x", self.node(k - 1), self.node(k)
        sh("ip", "netns", "add", side)
        sh("ip", "netns", "exec", side, "sysctl", "-qw", "net.ipv4.ip_forward=1",
           "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0",
           "net.ipv6.conf.default.accept_dad=0")
        self._link(me, f"x{k}a", side, f"x{k}b", 100 + k)
        self._link(side, f"y{k}a", prev, f"y{k}b", 150 + k)
        for fam, client, via_side, via_prev, src in (
                ([], "198.18.0.0/24", f"198.18.{100 + k}.2", f"198.18.{150 + k}.2",
                 f"198.18.{k - 1}.2"),
                (["-6"], "2001:db8:0::/64", f"2001:db8:{100 + k}::2", f"2001:db8:{150 + k}::2",
                 f"2001:db8:{k - 1}::2")):
            sh("ip", "-n", side, *fam, "route", "add", client, "via", via_prev)
            sh("ip", "-n", me, *fam, "rule", "add", "iif", "lo", "lookup", "100", "pref", "100")
            sh("ip", "-n", me, *fam, "route", "add", client, "via", via_side, "src", src,
               "table", "100")
        self.warm()

    def ratelimit(self, k, ms):
        self.sysctl(k, f"net.ipv4.icmp_ratelimit={ms}", f"net.ipv6.icmp.ratelimit={ms}")

    def ping_group(self, lo, hi, k=0):
        self.sysctl(k, f"net.ipv4.ping_group_range={lo} {hi}")

    def _delayer(self, k, ms, jitter_ms=0, seed=1):
        """Starts an nfqdelay helper in node k; returns its queue number."""
        if not self.nfqdelay or not os.access(self.nfqdelay, os.X_OK):
            raise RuntimeError("nfqdelay helper not built (set HOPWATCH_NFQDELAY)")
        self.queue += 1
        q = str(self.queue)
        p = subprocess.Popen(["ip", "netns", "exec", self.node(k), self.nfqdelay, q, str(ms),
                              str(jitter_ms), str(seed)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        self.helpers.append(p)
        with open(self.pidfile, "a") as f:
            f.write(f"{p.pid}\n")
        line = p.stdout.readline()  # "ready" once the queue is bound
        if "ready" not in line:
            raise RuntimeError(f"nfqdelay did not start: {line} {p.stderr.read()}")
        return q

    def delay(self, k, ms, jitter_ms=0, seed=1):
        """Holds every packet entering node k from the left for ms (+- jitter) milliseconds."""
        q = self._delayer(k, ms, jitter_ms, seed)
        for tool in ("iptables", "ip6tables"):
            self.ns(k, tool, "-t", "mangle", "-A", "PREROUTING", "-i", f"e{k - 1}b", "-j",
                    "NFQUEUE", "--queue-num", q, "--queue-bypass")

    def reorder(self, k, ms):
        """Every other packet entering node k from the left is held ms milliseconds while the
        rest pass at once: later packets overtake earlier ones."""
        q = self._delayer(k, ms)
        for tool in ("iptables", "ip6tables"):
            self.ns(k, tool, "-t", "mangle", "-A", "PREROUTING", "-i", f"e{k - 1}b", "-m",
                    "statistic", "--mode", "nth", "--every", "2", "--packet", "0", "-j",
                    "NFQUEUE", "--queue-num", q, "--queue-bypass")

    def stop_helpers(self):
        pids = [p.pid for p in self.helpers]
        if os.path.exists(self.pidfile):
            with open(self.pidfile) as f:
                pids += [int(x) for x in f.read().split() if x.strip().isdigit()]
            os.unlink(self.pidfile)
        for pid in set(pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.helpers:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        self.helpers = []

    # ---- running hopwatch in the client --------------------------------------------------------
    def run(self, argv, user=None, timeout=120, env=None):
        cmd = ["ip", "netns", "exec", self.client]
        if user is not None:
            cmd += ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
                    "--inh-caps=-all", "--"]
        return subprocess.run(cmd + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, env=env)


def demo(lab):
    """The simulated path `make run` opens (at -i 0.1): some delay, one router that
    rate-limits its ICMP to 1/s, one link with intermittent loss bursts. tests/stats plays the
    same path (family "demo")."""
    lab.ratelimit(2, 1000)
    if lab.nfqdelay:
        lab.delay(3, 12, 2)
        lab.delay(5, 25, 3)
    lab._pre_chain(4)
    # Bursts: each packet into hop 4 starts a 1.5 s outage with p = 0.25 % (about 10% of
    # the time at -i 0.1, where 30 probes a second cross the link).
    lab._nft(4, "add set inet lab burst { type ifname; flags dynamic,timeout; }\n"
                'add rule inet lab pre iifname "e3b" iifname @burst counter drop\n'
                'add rule inet lab pre iifname "e3b" numgen random mod 10000 < 25 '
                'update @burst { iifname timeout 1500ms } counter drop\n')


def main(argv):
    if len(argv) >= 3 and argv[1] == "up":
        lab = Lab(argv[2], int(argv[3]) if len(argv) > 3 else 5)
        lab.up()
        if "--demo" in argv:
            demo(lab)
            # Keep the helpers' pids for `down`; the helpers outlive this process.
            lab.helpers = []
        print(lab.target())
        return 0
    if len(argv) == 3 and argv[1] == "down":
        Lab(argv[2]).down()
        return 0
    sys.stderr.write(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
