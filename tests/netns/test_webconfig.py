#!/usr/bin/python3
"""The exporter's web config (--web.config.file, exporter-toolkit's YAML), with certificates
made by openssl for the case, curl as the client and Debian's real Prometheus:
  - promtool check web-config accepts the file hopwatch reads; a bad file is refused at start
    with FILE:LINE;
  - Prometheus scrapes over TLS with basic auth (its ca_file, username, password): the target
    is up and the series arrive;
  - no credentials, a wrong password and an unknown user each get 401 with a Basic challenge,
    and the unknown user's 401 takes as long as the wrong password's (the median of 15 each
    within 30%: both cost one bcrypt);
  - the endpoints: / links each and says the version, /-/healthy and /-/ready 200, GET
    /-/reload 405 with Allow: POST, an unknown path 404;
  - POST /-/reload with a new password: the old one gets 401, the new 200; SIGHUP with a bad
    file keeps the config in force and says FILE:LINE;
  - RequireAndVerifyClientCert through POST /-/reload: without a certificate 403, with one of
    another CA 403, with the CA's client certificate 200, and Prometheus scraping with it stays
    up."""
import os
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # crypt: bcrypt, as htpasswd
import crypt  # noqa: E402
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from common import BIN, Lab, Runner, check, require_root

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from promlab import Prometheus  # noqa: E402

PORT = 9473
URL = f"https://127.0.0.1:{PORT}"


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def make_certs(d):
    """A CA, a server certificate for 127.0.0.1 and a client certificate it signed; another
    CA's client certificate."""
    def req(name, cn):
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/{name}.key",
           "-out", f"{d}/{name}.csr", "-subj", f"/CN={cn}")

    for ca in ("ca", "other-ca"):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/{ca}.key",
           "-out", f"{d}/{ca}.crt", "-days", "2", "-subj", f"/CN={ca}")
    with open(f"{d}/san", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for name, ca, ext in (("server", "ca", ["-extfile", f"{d}/san"]), ("client", "ca", []),
                          ("stranger", "other-ca", [])):
        req(name, name)
        sh("openssl", "x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/{ca}.crt", "-CAkey",
           f"{d}/{ca}.key", "-CAcreateserial", "-out", f"{d}/{name}.crt", "-days", "2", *ext)


def bcrypt(password):
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024))


def write_config(path, password, client_auth=None):
    lines = ["tls_server_config:", "  cert_file: server.crt", "  key_file: server.key"]
    if client_auth:
        lines += [f"  client_auth_type: {client_auth}", "  client_ca_file: ca.crt"]
    lines += ["basic_auth_users:", f"  alice: '{bcrypt(password)}'", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Curl:
    def __init__(self, lab, d):
        self.lab, self.d = lab, d

    def __call__(self, path, user=None, cert=None, method="GET"):
        """(status, headers and body) of one request from the client namespace; 0: no HTTP."""
        args = ["ip", "netns", "exec", self.lab.client, "curl", "-s", "-i", "-X", method,
                "--cacert", f"{self.d}/ca.crt", "-w", "\n%{http_code}"]
        if user:
            args += ["-u", user]
        if cert:
            args += ["--cert", f"{self.d}/{cert}.crt", "--key", f"{self.d}/{cert}.key"]
        r = subprocess.run(args + [URL + path], stdout=subprocess.PIPE, text=True, timeout=20)
        body, _, code = r.stdout.rpartition("\n")
        return int(code or 0), body

    def timed(self, user, n=15):
        times = []
        for _ in range(n):
            t0 = time.monotonic()
            status, _ = self(("/-/healthy"), user=user)
            times.append(time.monotonic() - t0)
            check(status == 401, f"{user}: {status}")
        return statistics.median(times)


def refused(lab, d):
    ok = subprocess.run(["promtool", "check", "web-config", f"{d}/web.yml"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(ok.returncode == 0, f"promtool check web-config: {ok.stdout}")
    bad = f"{d}/bad.yml"
    with open(bad, "w") as f:
        f.write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                "basic_auth_users:\n  alice: plaintext\n")
    r = lab.run([BIN, "--headless", "-n", "--metrics", f"127.0.0.1:{PORT}", "--web.config.file",
                 bad, lab.target()], timeout=20)
    check(r.returncode == 1 and f"{bad}:5: not a bcrypt hash" in r.stderr,
          f"a bad file: exit {r.returncode}, {r.stderr!r}")


def scraped(lab, d):
    extra = ["tls_config:", f"  ca_file: {d}/ca.crt", "basic_auth:", "  username: alice",
             "  password: s3cret"]
    with Prometheus(lab.client, [f"127.0.0.1:{PORT}"], job_extra=extra) as prom:
        prom.wait_targets_up(20)
        got = prom.wait_for(f'hopwatch_probes_sent_total{{target="{lab.target()}"}} > 0', 20)
        check(got, "no series over TLS")


def challenged(curl):
    for user in (None, "alice:wrong", "mallory:s3cret"):
        status, text = curl("/metrics", user=user)
        check(status == 401 and 'WWW-Authenticate: Basic realm="hopwatch"' in text,
              f"{user}: {status} {text[:200]}")
    status, _ = curl("/metrics", user="alice:s3cret")
    check(status == 200, f"alice: {status}")
    wrong, unknown = curl.timed("alice:wrong"), curl.timed("mallory:s3cret")
    print(f"     401 in {wrong * 1000:.1f} ms (wrong password), {unknown * 1000:.1f} ms "
          "(unknown user), medians of 15")
    check(abs(unknown - wrong) < 0.3 * wrong, f"unknown {unknown:.4f} s, wrong {wrong:.4f} s")


def endpoints(curl):
    status, text = curl("/", user="alice:s3cret")
    check(status == 200 and all(f'href="{p}"' in text for p in
                                ("/metrics", "/-/healthy", "/-/ready", "/-/reload")) and
          "Version" in text, f"/: {status} {text[:300]}")
    for path in ("/-/healthy", "/-/ready"):
        status, _ = curl(path, user="alice:s3cret")
        check(status == 200, f"{path}: {status}")
    status, text = curl("/-/reload", user="alice:s3cret")
    check(status == 405 and "Allow: POST" in text, f"GET /-/reload: {status} {text[:200]}")
    status, _ = curl("/nope", user="alice:s3cret")
    check(status == 404, f"/nope: {status}")


def reloaded(curl, d, proc):
    write_config(f"{d}/web.yml", "n3w")
    status, text = curl("/-/reload", user="alice:s3cret", method="POST")
    check(status == 200, f"POST /-/reload: {status} {text[-200:]}")
    check(curl("/-/healthy", user="alice:s3cret")[0] == 401, "the old password still works")
    check(curl("/-/healthy", user="alice:n3w")[0] == 200, "the new password does not")
    with open(f"{d}/web.yml", "a") as f:
        f.write("nonsense: 1\n")
    proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    check(curl("/-/healthy", user="alice:n3w")[0] == 200, "a bad file on SIGHUP changed things")


def client_certs(lab, curl, d):
    write_config(f"{d}/web.yml", "s3cret", "RequireAndVerifyClientCert")
    status, _ = curl("/-/reload", user="alice:n3w", method="POST")
    check(status == 200, f"POST /-/reload: {status}")
    time.sleep(0.5)  # the server starts again from the main thread
    status, text = curl("/-/healthy", user="alice:s3cret")
    check(status == 403 and "client certificate is required" in text, f"no cert: {status}")
    status, text = curl("/-/healthy", user="alice:s3cret", cert="stranger")
    check(status == 403 and "not signed" in text, f"another CA's certificate: {status} {text}")
    status, _ = curl("/-/healthy", user="alice:s3cret", cert="client")
    check(status == 200, f"the client certificate: {status}")
    extra = ["tls_config:", f"  ca_file: {d}/ca.crt", f"  cert_file: {d}/client.crt",
             f"  key_file: {d}/client.key", "basic_auth:", "  username: alice",
             "  password: s3cret"]
    with Prometheus(lab.client, [f"127.0.0.1:{PORT}"], job_extra=extra) as prom:
        prom.wait_targets_up(20)


def main():
    require_root()
    run = Runner()
    with Lab("hwweb", routers=2) as lab, tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        make_certs(d)
        write_config(f"{d}/web.yml", "s3cret")
        run.case("promtool reads the file; a bad one is refused with FILE:LINE", refused, lab, d)
        proc = subprocess.Popen(["ip", "netns", "exec", lab.client, BIN, "--headless", "-n",
                                 "-i", "0.2", "--metrics", f"127.0.0.1:{PORT}",
                                 "--web.config.file", f"{d}/web.yml", lab.target()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            curl = Curl(lab, d)
            run.case("Prometheus scrapes over TLS with basic auth", scraped, lab, d)
            run.case("401 without the right user and password, in the same time", challenged,
                     curl)
            run.case("/, /metrics, /-/healthy, /-/ready, /-/reload, 404, 405", endpoints, curl)
            run.case("POST /-/reload and SIGHUP", reloaded, curl, d, proc)
            run.case("client certificates: none, a stranger's, the CA's; Prometheus with one",
                     client_certs, lab, curl, d)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=20)
        check_stderr = f"{d}/web.yml:" in err and ": unknown key nonsense" in err
        run.case("SIGHUP's bad file said with FILE:LINE",
                 lambda: check(check_stderr, f"stderr: {err}"))
    return run.finish()


if __name__ == "__main__":
    sys.exit(main())
