#!/usr/bin/python3
"""Names and AS numbers from real servers and real files:
  - dnsmasq in the lab serves PTR records, Team Cymru style TXT records (origin and AS name)
    with a hostile AS name (ESC, BS, CR) and a router without PTR: --json has the names, the
    ASNs, the escaped AS names and nulls where nothing is known; -n sends no DNS query;
  - no AS query over DNS for documentation space (the IPv6 lab, 2001:db8::/32);
  - mmdb files written with MaxMind's writer (GeoLite2-ASN and IPinfo layouts, a country
    database), IPv4 and IPv6; a database answer wins over DNS; a corrupt and a wrong-type file
    give one warning and hopwatch goes on;
  - a dead DNS server (refusing, and one that never answers) slows a -r -c 3 run by no more than
    its own timeouts, and does not block the TUI."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from common import BIN, Lab, Runner, check, hopwatch_json, require_root  # noqa: E402
from tui import Tmux, row  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DNS = "127.0.0.1:5353"
CONF = """port=5353
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
ptr-record=2.0.18.198.in-addr.arpa,r1.lab.example
ptr-record=2.2.18.198.in-addr.arpa,dst.lab.example
txt-record=2.0.18.198.origin.asn.cymru.com,"64999 | 198.18.0.0/24 | ZZ | lab | 2026-01-01"
txt-record=AS64999.asn.cymru.com,"64999 | ZZ | lab | 2026-01-01 | LAB-DNS-ZERO, ZZ"
txt-record=2.1.18.198.origin.asn.cymru.com,"64501 64502 | 198.18.1.0/24 | ZZ | lab | 2026-01-01"
txt-record=AS64501.asn.cymru.com,"64501 | ZZ | lab | 2026-01-01 | EVIL\\e]0;pwned\\b\\r AS, ZZ"
"""


def start_dnsmasq(lab, tmp):
    conf = os.path.join(tmp, "dnsmasq.conf")
    with open(conf, "w") as f:
        f.write(CONF)
    p = subprocess.Popen(["ip", "netns", "exec", lab.client, "dnsmasq", "--keep-in-foreground",
                          f"--conf-file={conf}", "--pid-file=", "--log-facility=-"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    check(p.poll() is None, "dnsmasq did not start")
    return p


def json_with_names(lab, args):
    """hopwatch --json with names on (common.hopwatch_json always adds -n)."""
    r = lab.run([BIN, "-j"] + args + [lab.target()])
    check(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    return json.loads(r.stdout), r


def names_from_dnsmasq(lab, tmp):
    doc, r = json_with_names(lab, ["-c", "2", "-i", "0.1", "-z", "--dns-server", DNS])
    hops = doc["hops"]
    check(hops[0]["host"] == "r1.lab.example" and hops[0]["asn"] == 64999, f"hop 1 {hops[0]}")
    check(hops[0]["as_name"] == "LAB-DNS-ZERO, ZZ" and hops[0]["cc"] == "ZZ", f"hop 1 {hops[0]}")
    check(hops[1]["host"] is None, f"hop 2 has no PTR: {hops[1]['host']}")
    check(hops[1]["asn"] == 64501, f"first of several origins: {hops[1]['asn']}")
    check(hops[1]["as_name"] == "EVIL\\e]0;pwned\\x08\\x0d AS, ZZ", f"escaped: {hops[1]['as_name']!r}")
    check("\x1b" not in r.stdout and "\x08" not in r.stdout, "raw control bytes in the output")
    check(hops[2]["host"] == "dst.lab.example" and hops[2]["responders"][0]["host"] ==
          "dst.lab.example", f"hop 3 {hops[2]}")
    check(doc["dns"]["queries"] >= 6, f"dns {doc['dns']}")
    out = lab.run([BIN, "-r", "-c", "2", "-i", "0.1", "--dns-server", DNS, lab.target()]).stdout
    check("r1.lab.example" in out and "dst.lab.example" in out, f"text report:\n{out}")
    doc, _ = hopwatch_json(lab, ["-c", "2", "-i", "0.1", "--dns-server", DNS])  # adds -n
    check(doc["dns"]["queries"] == 0 and all(h["host"] is None for h in doc["hops"]),
          f"-n: {doc['dns']}")
    doc, _ = hopwatch_json(lab, ["-c", "2", "-i", "0.1", "-n", "-z", "--dns-server", DNS], v6=True)
    check(doc["dns"]["queries"] == 0 and all(h["asn"] is None for h in doc["hops"]),
          f"no AS lookups for 2001:db8::/32: {doc['dns']}")


def mmdb(lab, tmp):
    subprocess.run(["perl", os.path.join(HERE, "..", "lab", "mkmmdb.pl"), tmp], check=True)
    asn, ipinfo = os.path.join(tmp, "lab-asn.mmdb"), os.path.join(tmp, "lab-ipinfo.mmdb")
    geo = os.path.join(tmp, "lab-country.mmdb")
    doc, _ = hopwatch_json(lab, ["-c", "1", "-n", "-z", "--dns-server", DNS, "--asn-db", asn,
                                 "--geo-db", geo])
    h = doc["hops"]
    check(h[0]["asn"] == 64500 and h[0]["as_name"] == "LAB-ZERO Example Networks", f"{h[0]}")
    check(h[0]["cc"] == "NL", f"country {h[0]['cc']}")
    check(h[1]["asn"] == 64501 and h[1]["as_name"] == "LAB-ONE \\e[31mred\\e[0m Transit",
          f"escaped mmdb name {h[1]['as_name']!r}")
    check(doc["dns"]["from_databases"] >= 2, f"dns {doc['dns']}")
    doc, _ = hopwatch_json(lab, ["-c", "1", "-n", "--asn-db", asn, "--geo-db", geo], v6=True)
    h = doc["hops"]
    check((h[0]["asn"], h[0]["cc"], h[1]["asn"], h[2]["asn"]) == (64600, "SE", None, 64602),
          f"IPv6: {[(x['asn'], x['cc']) for x in h]}")
    doc, _ = hopwatch_json(lab, ["-c", "1", "-n", "--asn-db", ipinfo])
    check(doc["hops"][0]["asn"] == 64520 and doc["hops"][0]["as_name"] == "IPINFO-LAB",
          f"IPinfo layout: {doc['hops'][0]}")
    for bad, words in (("corrupt.mmdb", "cannot use ASN database"),
                       ("lab-city.mmdb", "not an ASN database")):
        r = lab.run([BIN, "-j", "-c", "1", "-n", "--asn-db", os.path.join(tmp, bad),
                     lab.target()])
        check(r.returncode == 0 and json.loads(r.stdout)["hops"][0]["asn"] is None, bad)
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        check(len(lines) == 1 and words in lines[0], f"{bad}: {r.stderr!r}")
    corrupt = os.path.join(tmp, "corrupt.mmdb")
    r = lab.run([BIN, "-j", "-c", "1", "-n", "--asn-db", corrupt, "--geo-db", corrupt,
                 lab.target()])
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    check(r.returncode == 0 and len(lines) == 2 and "ASN database" in lines[0] and
          "country database" in lines[1], f"both files bad, both said: {r.stderr!r}")


def tui_columns(lab, tmp):
    asn, geo = os.path.join(tmp, "lab-asn.mmdb"), os.path.join(tmp, "lab-country.mmdb")
    t = Tmux("hwnamescols", 120, 20)
    try:
        t.type(f"ip netns exec {lab.client} {BIN} -n --asn-db {asn} --geo-db {geo} -o LZC "
               f"-i 0.2 {lab.target()}")
        t.wait_for(lambda s: all(a in s for a in lab.hops()), 5.0, "the hops")
        # With a Z column the host has no AS prefix: the fields after Loss% are the columns'.
        want = {lab.hop_addr(1): ["AS64500", "NL"], lab.hop_addr(2): ["AS64501"]}
        t.wait_for(lambda s: all(row(s, a) and row(s, a)[3:3 + len(v)] == v
                                 for a, v in want.items()), 5.0, "AS and CC columns")
        t.keys("z")  # AS numbers off: the Z column goes
        s = t.wait_for(lambda s: "AS numbers off" in s and "AS64501" not in s, 5.0,
                       "z to hide the ASN column")
        check(row(s, lab.hop_addr(1))[3] == "NL", f"CC after z:\n{s}")
        t.keys("q")
    finally:
        t.kill()


def timed(lab, args):
    t0 = time.monotonic()
    r = lab.run([BIN, "-r", "-c", "3", "-i", "0.1"] + args + [lab.target()])
    check(r.returncode == 0, f"{args}: exit {r.returncode} {r.stderr}")
    return time.monotonic() - t0


def dead_dns(lab, tmp):
    base = timed(lab, ["-n"])
    refused = timed(lab, ["-z", "--dns-server", "127.0.0.1:5399"])  # nothing listens
    lab._nft(0, "table inet hole {\n chain in {\n  type filter hook input priority 0;\n"
                "  udp dport 5398 drop\n  tcp dport 5398 drop\n }\n}\n")
    silent = timed(lab, ["-z", "--dns-server", "127.0.0.1:5398"])  # never answers
    print(f"    -r -c 3: {base:.2f} s with -n, {refused:.2f} s with a refusing DNS server, "
          f"{silent:.2f} s with a silent one (timeouts 1 s + 2 s)")
    check(refused < base + 1.0, f"refusing server: {refused:.2f} s vs {base:.2f} s")
    check(silent < base + 3.5 + 0.5, f"silent server: {silent:.2f} s vs {base:.2f} s")
    t = Tmux("hwnames", 120, 20)
    try:
        t.type(f"ip netns exec {lab.client} {BIN} -z --dns-server 127.0.0.1:5398 -i 0.2 "
               f"{lab.target()}")
        t.wait_for(lambda s: all(a in s for a in lab.hops()), 2.0, "hops while DNS is silent")
        t.keys("q")
    finally:
        t.kill()


def main():
    require_root()
    if not shutil.which("dnsmasq"):
        print("FAIL: dnsmasq is not installed (Debian dnsmasq-base)")
        return 1
    run = Runner()
    tmp = tempfile.mkdtemp(prefix="hopwatch-names-")
    dns = None
    try:
        with Lab("hwnames", routers=2) as lab:
            dns = start_dnsmasq(lab, tmp)
            run.case("names, ASNs and escaped AS names from dnsmasq; -n asks nothing",
                     names_from_dnsmasq, lab, tmp)
            run.case("mmdb: GeoLite2 and IPinfo layouts, country, IPv6, bad files", mmdb, lab,
                     tmp)
            run.case("the TUI's ASN and CC columns (-o LZC) show the databases' values",
                     tui_columns, lab, tmp)
            run.case("a dead DNS server costs no more than its timeouts", dead_dns, lab, tmp)
    finally:
        if dns:
            dns.terminate()
            dns.wait(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
