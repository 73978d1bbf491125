#!/usr/bin/python3
"""The STUN client (src/names/stun.c) against a real STUN server (Debian's coturn) and a scripted one
in the lab, through the small stunq tool: the public address over IPv4 and IPv6, retransmission
after a cut link, no answer, a closed port, junk datagrams ignored, an error response said.
The cases are in tests/lab/stunlab.py."""
import os
import sys

from common import BIN, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
import stunlab  # noqa: E402

if __name__ == "__main__":
    require_root()
    sys.exit(stunlab.main(["stunlab.py", os.path.join(os.path.dirname(BIN), "tests", "stunq")]))
