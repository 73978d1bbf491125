#!/usr/bin/python3
"""The multi-target pattern (/probe?target=HOST), as Prometheus shards a fleet with it: a lab
of six hops; two hopwatch exporters with no targets of their own; Debian's real Prometheus
with file_sd listing the six hops and two jobs that keep each its half by hashmod of the
address and scrape http://EXPORTER/probe?target=ADDRESS. Every target is then probed by
exactly one exporter (the one its hash picks: each exporter's own /metrics lists its shard,
the two disjoint and together the six), every scrape succeeds (up stays 1), and the series
arrive labelled by target. A first /probe answers at once and starts watching; past
--probe-max a new target gets 503 and says why; an unknown mode is a 400; targets no scrape
asks for within --probe-idle are stopped (the exporter says so and /metrics drops them)."""
import json
import os
import subprocess
import sys
import time

from common import BIN, Lab, Runner, check, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from promlab import Prometheus, http_get  # noqa: E402

PORTS = (9475, 9476)


def jobs():
    lines = []
    for shard, port in enumerate(PORTS):
        lines += [f"  - job_name: hopwatch-{shard}",
                  "    metrics_path: /probe",
                  "    file_sd_configs:",
                  "      - files: [\"{dir}/targets.json\"]",
                  "    relabel_configs:",
                  "      - source_labels: [__address__]",
                  "        modulus: 2",
                  "        target_label: __tmp_hash",
                  "        action: hashmod",
                  "      - source_labels: [__tmp_hash]",
                  f"        regex: \"{shard}\"",
                  "        action: keep",
                  "      - source_labels: [__address__]",
                  "        target_label: __param_target",
                  "      - source_labels: [__param_target]",
                  "        target_label: instance",
                  "      - target_label: __address__",
                  f"        replacement: \"127.0.0.1:{port}\""]
    return lines


def exporter(lab, port, *extra):
    return subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "--headless", "-n", "-i",
                             "0.5", "--metrics", f"127.0.0.1:{port}", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def watched(lab, port):
    """The targets an exporter's own /metrics lists."""
    status, body = http_get(lab.client, f"http://127.0.0.1:{port}/metrics")
    check(status == 200, f"/metrics of {port}: {status}")
    return {line.split('target="')[1].split('"')[0] for line in body.decode().splitlines()
            if line.startswith("hopwatch_target_info{")}


def sharded(lab, hops):
    files = {"targets.json": json.dumps([{"targets": hops}])}
    with Prometheus(lab.client, [], scrape=jobs(), files=files) as prom:
        prom.wait_for('count(up) == 6', 30)
        prom.wait_for('count(hopwatch_probes_sent_total{ttl="1"} > 0) == 6', 30)
        time.sleep(4)  # a few more scrapes of each
        ups = prom.query("min_over_time(up[1m])")  # every scrape since the start
        check(len(ups) == 6 and all(v == 1 for _, v in ups), f"up: {ups}")
        info = prom.query("hopwatch_target_info")
        by = {l["target"]: l["job"] for l, _ in info}
        check(sorted(by) == sorted(hops), f"targets with series: {sorted(by)}")
        check(all(l["instance"] == l["target"] for l, _ in info), f"instances: {info}")
        shard = [watched(lab, p) for p in PORTS]
        print(f"     shards: {[sorted(s) for s in shard]}")
        check(not shard[0] & shard[1] and shard[0] | shard[1] == set(hops),
              f"the exporters watch {shard}")
        for k in (0, 1):
            check(all(by[t] == f"hopwatch-{k}" for t in shard[k]), f"jobs {by} shard {shard}")


def capped(lab, hops):
    p = exporter(lab, 9477, "--probe-max", "1", "--probe-idle", "3")
    try:
        time.sleep(0.8)
        status, body = http_get(lab.client, f"http://127.0.0.1:9477/probe?target={hops[0]}")
        check(status == 200 and b"hopwatch_target_info" in body, f"first /probe: {status}")
        status, body = http_get(lab.client, f"http://127.0.0.1:9477/probe?target={hops[1]}")
        check(status == 503 and b"--probe-max" in body, f"past the cap: {status} {body!r}")
        status, body = http_get(lab.client,
                                f"http://127.0.0.1:9477/probe?target={hops[2]}&mode=carrier")
        check(status in (400, 503), f"a bad mode: {status} {body!r}")
        status, body = http_get(lab.client, "http://127.0.0.1:9477/probe")
        check(status == 400, f"no target: {status}")
        time.sleep(5)  # not scraped for --probe-idle: stopped
        check(watched(lab, 9477) == set(), "an idle /probe target is still watched")
        status, body = http_get(lab.client, f"http://127.0.0.1:9477/probe?target={hops[1]}")
        check(status == 200, f"room again after the idle one ended: {status} {body!r}")
    finally:
        p.terminate()
        _, err = p.communicate(timeout=20)
    check("no longer watched" in err, f"the exporter did not say it stopped: {err}")


def main():
    require_root()
    run = Runner()
    with Lab("hwprobe", routers=5) as lab:
        hops = [lab.hop_addr(k) for k in range(1, 7)]
        procs = [exporter(lab, port) for port in PORTS]
        try:
            run.case("two exporters, hashmod over file_sd: each target probed by one", sharded,
                     lab, hops)
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=20)
        run.case("/probe: 503 past --probe-max, 400, idle targets stopped", capped, lab, hops)
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
