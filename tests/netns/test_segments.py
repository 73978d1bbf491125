#!/usr/bin/python3
"""Segments and the ISP (ftr's "ISP detection") in a 4-router lab with an mmdb written by
MaxMind's writer: router 1 answers from a private address (LAN), router 2 from CGNAT space
(100.64.0.0/10; IPv6 has none: its hop has no AS), router 3 is in the ISP's AS 64500, router
4 in a transit AS, then the destination. Without --stun the ISP is the first public hop's AS;
with --stun against a real STUN server (Debian's coturn, on the destination) it is the AS of
this host's public address, for IPv4 and IPv6; a STUN server that does not answer is said on
stderr and in the JSON, and the run goes on with the first public hop."""
import os
import subprocess
import sys
import tempfile

from common import BIN, Lab, Runner, check, hopwatch_json, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from stunlab import Coturn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ISP = {"asn": 64500, "as_name": "Example Net"}


def segments(lab, db, v6, stun=None, want_from="first-public-hop", want_addr=None):
    args = ["-c", "2", "-i", "0.1", "--asn-db", db]
    if stun:
        args += ["--stun", stun]
    doc, r = hopwatch_json(lab, args, v6=v6)
    segs = [h["segment"] for h in doc["hops"]]
    want = ["lan", None, "isp", "transit", "dest"] if v6 else ["lan", "cgnat", "isp", "transit",
                                                                 "dest"]
    check(segs == want, f"segments {segs} != {want}")
    isp = doc["isp"]
    check(isp and {k: isp[k] for k in ("asn", "as_name")} == ISP, f"isp {isp}")
    check(isp["from"] == want_from and isp["addr"] == want_addr, f"isp {isp}")
    return doc, r


def main():
    require_root()
    run = Runner()
    with tempfile.TemporaryDirectory() as tmp, Lab("hwseg", routers=4) as lab:
        subprocess.run(["perl", os.path.join(HERE, "..", "lab", "mkmmdb.pl"), tmp], check=True)
        db = os.path.join(tmp, "lab-segments.mmdb")
        lab.answer_from(1, "192.168.77.1", "fd00:77::1")
        lab.answer_from(2, "100.64.0.2", "2001:db8:1::2")
        run.case("segments, ISP from the first public hop, IPv4",
                 lambda: segments(lab, db, False, want_addr="198.18.2.2"))
        run.case("segments, ISP from the first public hop, IPv6",
                 lambda: segments(lab, db, True, want_addr="2001:db8:2::2"))
        with Coturn(lab.node(lab.n + 1), [lab.target(), lab.target(v6=True)]):
            for v6, me in ((False, "198.18.0.1"), (True, "2001:db8::1")):
                def stun_case(v6=v6, me=me):
                    doc, _ = segments(lab, db, v6, stun=lab.target(v6) if not v6 else
                                      f"[{lab.target(v6)}]:3478", want_from="stun", want_addr=me)
                    check(doc["stun"]["public_addr"] == me and doc["stun"]["error"] is None,
                          f"stun {doc['stun']}")
                run.case(f"--stun against coturn, IPv{'6' if v6 else '4'}", stun_case)

        def silent():
            doc, r = segments(lab, db, False, stun=f"{lab.target()}:3479",
                              want_addr="198.18.2.2")
            check(doc["stun"]["public_addr"] is None and "refused" in doc["stun"]["error"],
                  f"stun {doc['stun']}")
            check("first public hop" in r.stderr, f"stderr {r.stderr!r}")
        run.case("--stun to a closed port: said, and the first public hop is the ISP", silent)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
