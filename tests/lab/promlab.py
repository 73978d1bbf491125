#!/usr/bin/python3
"""A real Prometheus server inside a network namespace, for checking hopwatch's metrics.

    with Prometheus(ns, ["127.0.0.1:9464"]) as prom:
        prom.wait_targets_up(10)
        prom.wait_for('rate(hopwatch_probes_total[5s]) > 0', 10)
        for labels, value in prom.query('rate(hopwatch_probes_total[5s])'):
            ...

Prometheus(netns, targets, scrape_interval="1s", listen="127.0.0.1:9090", job_extra=())
                            job_extra: more lines of the scrape job (https when one says
                            tls_config; basic_auth); top_extra: top-level lines ({dir} is its
                            temp dir: rule_files, alerting); files: {name: text} put there
  start()                   temp dir, prometheus.yml, the server; returns once /-/ready is 200
  query(expr)               instant query: [(labels dict, float)]; PromError with its error text
  wait_for(expr, timeout)   query until the result is non-empty; that result (TimeoutError if not)
  targets_up()              {target: (health, lastError)} from /api/v1/targets
  wait_targets_up(timeout)  until every target is "up"; TimeoutError listing each lastError
  stop(failed=False)        end the server (its own pid), remove the temp dir; with failed (or
                            .failed set) print the last 30 lines of its log first
  used as a context manager: enter starts, leaving stops (failed if an exception is leaving)
http_get(netns, url)        (status, body bytes) of a GET made from inside netns
promtool_check(text)        (ok, output) of `promtool check metrics` on text

The server is Debian's `prometheus`, run as `ip netns exec NETNS prometheus ...` with one scrape
job, "hopwatch", scraping http://TARGET/metrics for each target every scrape_interval. Everything
it writes (configuration, TSDB, query log, its own log prometheus.log) is in one temporary
directory, kept when HOPWATCH_KEEP=1 (its path is printed then). Its console template
directories point into that directory too (empty: /consoles is a 404), not at /etc/prometheus.
It listens only in the namespace, so this process (in the root namespace) talks to it through a
short python3 run with `ip netns exec` (http_get); proxy variables are ignored. Prometheus sends
nothing by itself (no update checks, no remote write, no alerting configured); it only scrapes
the targets given.

Timing: /-/ready is 200 once the (empty) TSDB is open, 0.1-0.2 s after start (start() also
checks, by its config.file flag, that the server answering is this one). The first scrape waits
for service discovery's first update, which this version (2.42) sends on a fixed 5 s tick, no
flag changes it: targets are "up" 5-6 s after ready, then scraped every scrape_interval.
rate(x[W]) has a value from the second sample on but reads low (it extrapolates little past a
series younger than W) until W is full: wait for count_over_time(x[W]) to reach W/interval.

Formats: Prometheus asks for application/openmetrics-text;version=1.0.0 first, then 0.0.1, then
text/plain;version=0.0.4; it parses OpenMetrics if the Content-Type says so and anything else
(even a wrong type such as application/json) as the text format; both work. The target metadata
(/api/v1/targets/metadata) shows which parser ran: for samples x_total of a counter, OpenMetrics
names the family x, the text format x_total.

promtool_check: `promtool check metrics` reads the text format (0.0.4) only and exits 0 if the
text parses and has no lint problems, 1 if it does not parse, 3 if it parses but lint finds
problems (e.g. "no help text", a counter without the _total suffix); the problems are printed on
stderr, one a line. Both 1 and 3 count as failure here (ok is False); output is what it printed.
It does not know OpenMetrics: "# EOF" is taken for a comment, but a family "# TYPE x counter"
with samples "x_total" is linted "x_total no help text". It does not notice a repeated series.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

# One GET from inside a namespace: prints the status on a line of its own, then the body
# (status 0 and the reason when there is no HTTP answer at all). No proxy, whatever the env says.
FETCH = r"""
import sys, urllib.error, urllib.request
url, timeout = sys.argv[1], float(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(url, timeout=timeout) as r:
        status, body = r.status, r.read()
except urllib.error.HTTPError as e:
    status, body = e.code, e.read()
except Exception as e:
    status, body = 0, str(e).encode()
sys.stdout.buffer.write(b"%d\n" % status + body)
"""


class PromError(RuntimeError):
    """Prometheus answered a query with an error (its own text is the message)."""


def http_get(netns, url, timeout=5.0):
    """(status, body bytes) of a GET of url made from inside netns; status 0 if nothing answered
    (the body then says why)."""
    r = subprocess.run(["ip", "netns", "exec", netns, sys.executable, "-c", FETCH, url,
                        str(timeout)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout + 10)
    head, _, body = r.stdout.partition(b"\n")
    if r.returncode != 0 or not head.isdigit():
        return 0, (r.stderr or r.stdout).strip()
    return int(head), body


def promtool_check(text):
    """(ok, output) of `promtool check metrics` on text: ok only when it exits 0 (parses and no
    lint problem); output is everything it printed, stripped."""
    r = subprocess.run(["promtool", "check", "metrics"], input=text, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    return r.returncode == 0, r.stdout.strip()


def config_yaml(targets, scrape_interval, job_extra=(), top_extra=(), scrape=None):
    """prometheus.yml for one job, "hopwatch", scraping /metrics on each target; job_extra:
    more lines of the job (https, tls_config, basic_auth), indented as its keys; top_extra:
    top-level lines; scrape: the lines of scrape_configs instead of that job. (Strings are
    written as JSON strings, which YAML reads the same.)"""
    q = json.dumps
    scheme = "https" if any("tls_config" in line for line in job_extra) else "http"
    job = scrape or [
        "  - job_name: hopwatch",
        "    metrics_path: /metrics",
        f"    scheme: {scheme}",
        *[f"    {line}" for line in job_extra],
        "    static_configs:",
        f"      - targets: [{', '.join(q(t) for t in targets)}]"]
    return "\n".join([
        "global:",
        f"  scrape_interval: {q(scrape_interval)}",
        f"  scrape_timeout: {q(scrape_interval)}",
        f"  evaluation_interval: {q(scrape_interval)}",
        *top_extra,
        "scrape_configs:",
        *job,
        ""])


class Prometheus:
    """A Prometheus server in namespace netns on listen, scraping targets ("host:port")."""

    def __init__(self, netns, targets, scrape_interval="1s", listen="127.0.0.1:9090",
                 ready_timeout=30, job_extra=(), top_extra=(), files=None, scrape=None):
        self.netns, self.targets = netns, list(targets)
        self.job_extra = list(job_extra)
        self.top_extra = list(top_extra)  # lines of prometheus.yml's top level ({dir}: its dir)
        self.files = dict(files or {})  # name: text, written into its dir (rule files)
        self.scrape = scrape  # lines of scrape_configs instead of the one job ({dir} too)
        self.scrape_interval, self.listen = scrape_interval, listen
        self.ready_timeout = ready_timeout
        self.dir = None
        self.proc = None
        self.ready_after = None  # seconds from start to /-/ready
        self.failed = False  # set by a test that fails without raising: stop() prints the log

    # ---- files and command line ---------------------------------------------------------
    @property
    def logfile(self):
        return os.path.join(self.dir, "prometheus.log")

    def argv(self):
        d = self.dir
        return ["prometheus",
                f"--config.file={os.path.join(d, 'prometheus.yml')}",
                f"--storage.tsdb.path={os.path.join(d, 'data')}",
                "--storage.tsdb.retention.time=1h",
                f"--web.listen-address={self.listen}",
                "--web.enable-lifecycle",
                # the defaults are /etc/prometheus/consoles and .../console_libraries
                f"--web.console.templates={os.path.join(d, 'consoles')}",
                f"--web.console.libraries={os.path.join(d, 'console_libraries')}",
                "--log.level=info"]

    def log_tail(self, n=30):
        """The last n lines of the server's log ("" if there is none)."""
        try:
            with open(self.logfile, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except (OSError, TypeError):
            return ""

    # ---- life ---------------------------------------------------------------------------
    def start(self):
        """Writes the configuration into a fresh temp dir, starts the server, waits for
        /-/ready. Raises RuntimeError (with the log's tail) if it exits or is not ready."""
        self.dir = tempfile.mkdtemp(prefix="hopwatch-prom-")
        try:
            for name, text in self.files.items():
                with open(os.path.join(self.dir, name), "w") as f:
                    f.write(text)
            top = [line.replace("{dir}", self.dir) for line in self.top_extra]
            with open(os.path.join(self.dir, "prometheus.yml"), "w") as f:
                jobs = [line.replace("{dir}", self.dir) for line in self.scrape or []]
                f.write(config_yaml(self.targets, self.scrape_interval, self.job_extra, top,
                                    jobs or None))
            # `ip netns exec` execs prometheus: this pid is the server's own.
            with open(self.logfile, "w") as log:
                self.proc = subprocess.Popen(["ip", "netns", "exec", self.netns] + self.argv(),
                                             stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT, cwd=self.dir)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self):
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited {self.proc.returncode} at start; "
                                   f"log:\n{self.log_tail()}")
            status, body = self._get("/-/ready", timeout=1)
            if status == 200:
                # ours, not another server already on that address (ours then fails to bind)
                flags = self._api("status/flags")
                if flags.get("config.file") != os.path.join(self.dir, "prometheus.yml"):
                    raise RuntimeError(f"another Prometheus (config {flags.get('config.file')})"
                                       f" answers on {self.listen} in {self.netns}")
                self.ready_after = time.monotonic() - t0
                return
            if time.monotonic() - t0 > self.ready_timeout:
                raise RuntimeError(f"prometheus not ready after {self.ready_timeout} s "
                                   f"(last: {status} {body[:200]!r}); log:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self, failed=False):
        """Ends the server (SIGTERM, SIGKILL after 10 s), prints the log's tail if failed (or
        .failed), removes the temp dir unless HOPWATCH_KEEP=1. Safe to call twice."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.dir:
            if failed or self.failed:
                print(f"---- last lines of {self.logfile}:\n{self.log_tail()}----",
                      file=sys.stderr)
            if os.environ.get("HOPWATCH_KEEP") == "1":
                print(f"prometheus files kept in {self.dir}", file=sys.stderr)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()  # which stops what it started if it fails

    def __exit__(self, exc_type, *exc):
        self.stop(failed=exc_type is not None)
        return False

    # ---- HTTP API -----------------------------------------------------------------------
    def _get(self, path, timeout=5.0):
        """(status, body bytes) of GET path on the server, made from inside the namespace."""
        host, _, port = self.listen.rpartition(":")
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)
        return http_get(self.netns, f"http://{host}:{port}{path}", timeout)

    def _api(self, path, **params):
        """The "data" of an /api/v1 answer; PromError with Prometheus's error text if not
        "success"."""
        url = f"/api/v1/{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        status, body = self._get(url)
        try:
            answer = json.loads(body)
        except ValueError:
            raise PromError(f"GET {url}: HTTP {status}: {body[:500]!r}") from None
        if answer.get("status") != "success":
            raise PromError(f"{answer.get('errorType', 'error')}: {answer.get('error', body)}")
        return answer["data"]

    def query(self, expr):
        """Instant query of expr now: [(labels dict, float value)] (one ({}, value) for a scalar).
        A range vector (matrix) or string result is a PromError: ask for a vector."""
        data = self._api("query", query=expr)
        kind, result = data["resultType"], data["result"]
        if kind == "vector":
            return [(r["metric"], float(r["value"][1])) for r in result]
        if kind == "scalar":
            return [({}, float(result[1]))]
        raise PromError(f"{expr}: result is a {kind}, not a vector or scalar")

    def wait_for(self, expr, timeout=10.0, interval=0.2):
        """Queries expr until the result is non-empty and returns it; TimeoutError (with each
        target's health) if it stays empty for timeout seconds. A query error is raised at
        once."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(expr)
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expr}: still empty after {timeout} s; targets: "
                                   f"{self.targets_up()}")
            time.sleep(interval)

    def targets_up(self):
        """{target "host:port": (health, lastError)} of the active scrape targets; health is
        "up", "down" or "unknown" (not scraped yet), lastError "" when the last scrape worked."""
        data = self._api("targets", state="active")
        return {t["labels"].get("instance", t["scrapeUrl"]): (t["health"], t["lastError"])
                for t in data["activeTargets"]}

    def wait_targets_up(self, timeout=10.0):
        """Until every configured target is "up" (its first scrape worked); returns the
        targets_up() seen then. TimeoutError naming each target not up and its lastError."""
        deadline = time.monotonic() + timeout
        while True:
            health = self.targets_up()
            down = {t: health.get(t, ("missing", "not among the active targets"))
                    for t in self.targets if health.get(t, ("",))[0] != "up"}
            if not down:
                return health
            if time.monotonic() > deadline:
                raise TimeoutError("targets not up after %s s: %s" % (timeout, "; ".join(
                    f"{t} {h}: {e or '-'}" for t, (h, e) in down.items())))
            time.sleep(0.1)
