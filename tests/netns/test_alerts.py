#!/usr/bin/python3
"""The alert rules and the dashboard in man/, against the real thing: a lab path with 30% loss
into hop 2, an outage and a router that changes its address; hopwatch --headless --metrics;
Debian's Prometheus evaluating man/hopwatch-rules.yml (its windows and waits shortened to
seconds, every expression as written) and sending to Debian's prometheus-alertmanager, which
delivers to a webhook receiver in this test. The firing HopwatchDestinationLoss alert arrives,
naming the target. Every query of man/hopwatch-dashboard.json (its panels, its annotations
and its target variable; $target as .+ and $__rate_interval as 10s) returns data from that
Prometheus. promtool checks and unit-tests the rules in unit_rules_*."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from promlab import Prometheus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAN = os.path.join(HERE, "..", "..", "man")
PORT, AM_PORT, HOOK_PORT = 9474, 9093, 9099

RECEIVER = r"""
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def fast_rules():
    """man/hopwatch-rules.yml with minutes made seconds: [5m] -> [20s], for: 5m -> for: 5s."""
    with open(os.path.join(MAN, "hopwatch-rules.yml")) as f:
        text = f.read()
    text = re.sub(r"\[(\d+)m\]", r"[20s]", text)
    text = re.sub(r"offset \d+m", "offset 30s", text)
    return re.sub(r"for: \d+m", "for: 5s", text)


def alertmanager(lab, d):
    with open(f"{d}/am.yml", "w") as f:
        f.write("route:\n  receiver: hook\n  group_wait: 1s\n  group_interval: 1s\n"
                "  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n"
                f"      - url: http://127.0.0.1:{HOOK_PORT}/hook\n")
    log = open(f"{d}/am.log", "w")
    return subprocess.Popen(["ip", "netns", "exec", lab.client, "prometheus-alertmanager",
                             f"--config.file={d}/am.yml", f"--storage.path={d}/am-data",
                             f"--web.listen-address=127.0.0.1:{AM_PORT}",
                             "--cluster.listen-address="], stdout=log, stderr=log)


def delivered(lab, prom, got):
    deadline = time.time() + 90
    while time.time() < deadline:
        if os.path.exists(got):
            for line in open(got):
                msg = json.loads(line)
                for a in msg["alerts"]:
                    if a["labels"]["alertname"] == "HopwatchDestinationLoss" and \
                            a["status"] == "firing":
                        check(a["labels"]["target"] == lab.target(), f"alert {a}")
                        print(f"     delivered: {a['annotations']['summary']}")
                        return
        time.sleep(0.5)
    raise AssertionError(f"no firing HopwatchDestinationLoss delivered; alerts in Prometheus: "
                         f"{prom.query('ALERTS')}")


def queries():
    """Every PromQL expression of the dashboard, its variables given values."""
    with open(os.path.join(MAN, "hopwatch-dashboard.json")) as f:
        dash = json.load(f)
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    exprs += [a["expr"] for a in dash["annotations"]["list"]]
    for v in dash["templating"]["list"]:
        m = re.match(r"label_values\((.+), (\w+)\)", v.get("query", ""))
        if m:
            exprs.append(f"group by ({m.group(2)}) ({m.group(1)})")
    return [e.replace("$target", ".+").replace("$__rate_interval", "10s") for e in exprs]


def dashboard(prom):
    exprs = queries()
    check(len(exprs) >= 12, f"only {len(exprs)} queries")
    for e in exprs:
        got = prom.wait_for(e, 30)
        check(got, f"no data: {e}")
    print(f"     {len(exprs)} dashboard queries returned data")


def main():
    require_root()
    for tool in ("prometheus", "prometheus-alertmanager"):
        if not shutil.which(tool):
            print(f"FAIL: {tool} is missing (make test-deps installs it)")
            return 1
    run = Runner()
    with Lab("hwalert", routers=3) as lab, tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        lab.loss(2, 30)
        got = f"{d}/hook.jsonl"
        procs = [subprocess.Popen(["ip", "netns", "exec", lab.client, sys.executable, "-c",
                                   RECEIVER, str(HOOK_PORT), got]),
                 alertmanager(lab, d),
                 subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "--headless", "-n",
                                   "-i", "0.2", "--timeout", "0.5", "--metrics",
                                   f"127.0.0.1:{PORT}", lab.target()],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        top = ["rule_files: [\"{dir}/rules.yml\"]", "alerting:", "  alertmanagers:",
               "    - static_configs:", f"        - targets: [\"127.0.0.1:{AM_PORT}\"]"]
        try:
            with Prometheus(lab.client, [f"127.0.0.1:{PORT}"], top_extra=top,
                            files={"rules.yml": fast_rules()}) as prom:
                prom.wait_targets_up(20)  # the counters' first samples, then the events
                time.sleep(1)
                lab.outage(3, True)  # a loss burst, for its annotation
                time.sleep(3)
                lab.outage(3, False)
                lab.readdress(3, 77)  # a path change
                run.case("Alertmanager delivers the firing destination-loss alert", delivered,
                         lab, prom, got)
                run.case("every dashboard query returns data", dashboard, prom)
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=20)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
