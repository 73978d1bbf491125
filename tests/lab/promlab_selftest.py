#!/usr/bin/python3
"""The check of promlab.py: a real Prometheus scraping two tiny exporters in a namespace.

In a throwaway namespace pls-<pid> (lo only, nothing leaves it) two exporters serve the counter
demo_probes_total{target="a"}, growing by 10 a second, one in the text format (text/plain;
version=0.0.4), one in OpenMetrics (application/openmetrics-text; version=1.0.0). Prometheus
scrapes both every second. The check waits until both targets are up and a 5 s window holds 5
samples of each, then wants: rate(demo_probes_total[5s]) between 5 and 15 for each, the target
metadata to show each parsed in its own format, a bad query to raise Prometheus's error, and
promtool_check to pass the text exposition and fail a parse error and a lint problem.

    python3 tests/lab/promlab_selftest.py      (as root; HOPWATCH_KEEP=1 keeps Prometheus's files)

Prints a line a step and exits 0 if all passed, 1 (saying what failed) if not. The namespace
and every process started are removed in any case.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from promlab import Prometheus, http_get, promtool_check  # noqa: E402

TEXT = """# HELP demo_probes_total Probes sent, by target.
# TYPE demo_probes_total counter
demo_probes_total{{target="a"}} {n:.3f}
"""
OPENMETRICS = """# HELP demo_probes Probes sent, by target.
# TYPE demo_probes counter
demo_probes_total{{target="a"}} {n:.3f}
# EOF
"""
CONTENT_TYPE = {"text": "text/plain; version=0.0.4; charset=utf-8",
                "openmetrics": "application/openmetrics-text; version=1.0.0; charset=utf-8"}

# The exporter: /metrics is the exposition (format argv[3]) with the counter at 10 per second
# since start; /accept is the Accept header of the last scrape. Prints "ready" once bound.
EXPORTER = r"""
import http.server, sys, time
port, body, ctype = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t0 = time.monotonic()
accept = [b""]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/metrics":
            accept[0] = (self.headers.get("Accept") or "").encode()
            out, ct = body.format(n=10 * (time.monotonic() - t0)).encode(), ctype
        elif self.path == "/accept":
            out, ct = accept[0], "text/plain"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ct)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass
srv = http.server.HTTPServer(("127.0.0.1", port), H)
print("ready", flush=True)
srv.serve_forever()
"""


def exporter(ns, port, fmt):
    """Starts the exporter in ns on 127.0.0.1:port serving format fmt; its Popen."""
    body = TEXT if fmt == "text" else OPENMETRICS
    p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", EXPORTER, str(port),
                          body, CONTENT_TYPE[fmt]], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if "ready" not in p.stdout.readline():
        p.kill()
        raise RuntimeError(f"exporter {fmt} did not start: {p.communicate()[1].strip()}")
    return p


def main():
    if os.geteuid() != 0:
        print("promlab_selftest: needs root (network namespaces)")
        return 1
    t_start = time.monotonic()
    ns = f"pls-{os.getpid()}"
    ports = {"text": 9101, "openmetrics": 9102}
    procs, prom = [], None
    failures = []

    def check(name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
        if not ok:
            failures.append(name)

    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        for fmt, port in ports.items():
            procs.append(exporter(ns, port, fmt))
        targets = {fmt: f"127.0.0.1:{port}" for fmt, port in ports.items()}

        prom = Prometheus(ns, list(targets.values()), scrape_interval="1s")
        t0 = time.monotonic()
        prom.start()
        check("prometheus ready", True, f"{prom.ready_after:.2f} s after start")

        t1 = time.monotonic()
        health = prom.wait_targets_up(timeout=15)
        check("targets up", True, f"{time.monotonic() - t1:.2f} s after ready: {health}")

        # rate() has a value from the second sample on, but too low (it extrapolates little
        # past a series younger than the window) until the window holds 5 samples.
        t1 = time.monotonic()
        prom.wait_for('count(rate(demo_probes_total[5s])) == 2', timeout=10)
        print(f"     rate() of both there {time.monotonic() - t1:.2f} s after targets up")
        prom.wait_for('count(count_over_time(demo_probes_total[5s]) >= 5) == 2', timeout=10)
        print(f"     5 samples of both in 5 s {time.monotonic() - t1:.2f} s after targets up, "
              f"{time.monotonic() - t0:.2f} s after start")
        rates = {r[0]["instance"]: r[1] for r in prom.query("rate(demo_probes_total[5s])")}
        for fmt, target in targets.items():
            rate = rates.get(target)
            check(f"rate {fmt}", rate is not None and 5 <= rate <= 15,
                  f"rate(demo_probes_total[5s]) = {rate} for {target}, want 5..15")
        labels = prom.query(f'demo_probes_total{{instance="{targets["openmetrics"]}"}}')
        check("openmetrics series labels", len(labels) == 1 and labels[0][0] == {
            "__name__": "demo_probes_total", "instance": targets["openmetrics"],
            "job": "hopwatch", "target": "a"}, str(labels))

        # The OpenMetrics parser was used: it names the family demo_probes, the text one by
        # the sample's name.
        for fmt, family in (("text", "demo_probes_total"), ("openmetrics", "demo_probes")):
            meta = prom._api("targets/metadata", match_target=f'{{instance="{targets[fmt]}"}}')
            check(f"{fmt} parsed as such", [(m["metric"], m["type"]) for m in meta] ==
                  [(family, "counter")], f"metadata {meta}")

        status, accept = http_get(ns, f"http://{targets['text']}/accept")
        print(f"     prometheus scrapes with Accept: {accept.decode()}")

        status, body = http_get(ns, f"http://{targets['text']}/metrics")
        ok, out = promtool_check(body.decode())
        check("promtool passes the exposition", status == 200 and ok, out or "no output")
        ok, out = promtool_check('demo_probes_total{target="a"\n')
        check("promtool fails a parse error", not ok, out)
        ok, out = promtool_check('demo_probes{target="a"} 1\n')
        check("promtool fails lint problems", not ok, out)
        try:
            prom.query("rate(demo_probes_total[5s]")
            check("query error raised", False, "no exception")
        except Exception as e:  # noqa: BLE001 - any error is checked by its text below
            check("query error raised", "parse error" in str(e), f"{type(e).__name__}: {e}")
    except Exception as e:  # noqa: BLE001 - reported as a failure, cleanup below
        check("unexpected exception", False, f"{type(e).__name__}: {e}")
    finally:
        if prom:
            prom.stop(failed=bool(failures))
        for p in procs:
            p.kill()
            p.communicate()
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    secs = time.monotonic() - t_start
    if failures:
        print(f"promlab_selftest: FAILED ({', '.join(failures)}) in {secs:.1f} s")
        return 1
    print(f"promlab_selftest: passed in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
