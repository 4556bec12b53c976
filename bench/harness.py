#!/usr/bin/env python3
"""Side-by-side load harness: Bollard against nginx and HAProxy on this machine, in one run.

Started by bench/harness.sh, which installs the Debian packages first. Everything it starts
(backend, proxies, Bollard, load generator, idle-connection client) is a child process it
stops on exit. Ports are on 127.0.0.1 only. See docs/benchmarks.md for what is measured.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

# bollard-log: a second Bollard with the access log on (a file) and header capture configured.
# bollard-base: a second Bollard from --baseline-jar, for before/after comparisons in one run.
TARGETS = ["direct", "nginx", "haproxy", "bollard", "bollard-log", "bollard-base"]
COLORS = {"direct": "#9e9e9e", "nginx": "#2e7d32", "haproxy": "#1565c0", "bollard": "#ef6c00",
          "bollard-log": "#8d6e63", "bollard-base": "#ffb74d"}
LABELS = {"direct": "direct", "nginx": "nginx", "haproxy": "HAProxy", "bollard": "Bollard",
          "bollard-log": "Bollard+log", "bollard-base": "Bollard (baseline)"}
DEFAULT_TARGETS = ["direct", "nginx", "haproxy", "bollard", "bollard-log"]

# The guarded host's user and password (the bcrypt hash of examples/preview-guard.yaml).
GUARD_HOST = "guarded.bench"
GUARD_HTPASSWD = "preview:$2y$10$2epkbpJuoqorlxhqCjvkte0jnwU55/McfTW16IovLS04nIDG.yhi6"
GUARD_AUTHORIZATION = "Basic cHJldmlldzpwcmV2aWV3"  # preview:preview

# name -> (path, connections, extra wrk headers, what it shows, targets it runs on (None: all))
SCENARIOS = {
    "keepalive-1k-c64": ("/1k", 64, [], "HTTP/1.1 keep-alive, 1 KiB body, 64 connections", None),
    # The two feature-cost scenarios run right after their reference (Bollard, open route, log
    # off) so that each cost is a ratio of neighbouring runs.
    "guard-1k-c64": ("/1k", 64, [f"Host: {GUARD_HOST}", f"Authorization: {GUARD_AUTHORIZATION}"],
                     "basic-auth-guarded route (cached verification), 1 KiB, 64 connections",
                     ["bollard", "bollard-base"]),
    "accesslog-1k-c64": ("/1k", 64, [], "access log to a file with header capture, 1 KiB, 64 connections",
                         ["bollard-log"]),
    "keepalive-1k-c1": ("/1k", 1, [], "one keep-alive connection, 1 KiB body (added latency)", None),
    "keepalive-64k-c64": ("/64k", 64, [], "HTTP/1.1 keep-alive, 64 KiB body, 64 connections", None),
    "close-1k-c64": ("/1k", 64, ["Connection: close"], "new connection per request, 1 KiB, 64 at a time", None),
    # Client to proxy over TLS (the backend stays plain HTTP), so `direct` has nothing to offer.
    "tls-handshake-1k-c64": ("/1k", 64, ["Connection: close"],
                             "new TLS connection (full handshake) per request, 1 KiB, 64 at a time",
                             ["nginx", "haproxy", "bollard", "bollard-base"]),
}
# Scenarios wrk runs over https, against each target's TLS listener.
TLS_SCENARIOS = {"tls-handshake-1k-c64"}
# feature-cost scenario -> (reference scenario, reference target)
COSTS = {"guard-1k-c64": ("keepalive-1k-c64", "bollard"),
         "accesslog-1k-c64": ("keepalive-1k-c64", "bollard")}


# The TLS scenario's settings, alike on every proxy. wrk keeps the TLS session on its connection
# object and offers it again when it reconnects (against nginx's defaults, 1,413 of 1,417
# connections resumed), so every server is configured not to resume: each request is a full
# handshake, and the harness checks that before it measures (check_tls).
# Bollard's TLS 1.2 suites (TlsContexts.CIPHERS) in OpenSSL's names, in its order.
TLS12_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                 "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
# TLS 1.3: OpenSSL's default suites (BoringSSL's are the same three, not configurable).
TLS13_CIPHERSUITES = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
# Bollard sends HSTS on HTTPS responses by default (ingress-nginx too); nginx and HAProxy add it.
HSTS = "max-age=31536000; includeSubDomains"
# Bollard's contexts keep a session cache and issue tickets, with no flag to turn them off; Netty
# reads these two properties when it builds an OpenSSL (BoringSSL) context: no tickets (TLS 1.2
# and 1.3), no session-ID cache (TLS 1.2).
BOLLARD_NO_RESUMPTION = ["-Djdk.tls.server.enableSessionTicketExtension=false",
                         "-Dio.netty.handler.ssl.openssl.sessionCacheServer=false"]
# With tickets and cache off, OpenSSL 3 still sends two (unusable) TLS 1.3 tickets per connection,
# which costs both sides; BoringSSL with SSL_OP_NO_TICKET sends none. nginx has ssl_conf_command
# for it; HAProxy 2.6 has no keyword, so it reads this OpenSSL configuration (OPENSSL_CONF).
OPENSSL_NO_TICKETS_CONF = """openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
NumTickets = 0
"""
TLS_SECRET = "bench-tls"  # in namespace default, Bollard's --default-ssl-certificate


def runs_on(scenario, target):
    only = SCENARIOS[scenario][4]
    if only is None:
        return target not in ("bollard-log",)  # the logging Bollard only runs its own scenario
    return target in only

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

children = []  # every Popen this harness started, stopped in reverse order on exit


def log(msg):
    print(f"[harness {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------- processes

def start(name, argv, logdir, cpus, env=None):
    cmd = (["taskset", "-c", cpus] if cpus else []) + argv
    out = open(os.path.join(logdir, f"{name}.log"), "wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=None if env is None else {**os.environ, **env})
    proc.bench_name = name
    proc.bench_log = out.name
    children.append(proc)
    return proc


def stop_all():
    while children:
        proc = children.pop()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def tail(proc, lines=15):
    try:
        with open(proc.bench_log, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_http(url, proc, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HarnessError(f"{what} exited with status {proc.returncode} while starting:\n"
                               + tail(proc))
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"status {resp.status}"
        except Exception as e:  # connection refused while starting, 404 before the first snapshot
            last = str(e)
        time.sleep(0.2)
    raise HarnessError(f"{what} did not answer 200 on {url} within {timeout}s (last: {last}):\n" + tail(proc))


def process_tree(pid):
    """A process and its descendants (nginx master + workers), those still alive."""
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except FileNotFoundError:
            continue
        yield p


def rss_kib(pid):
    """VmRSS of a process and all its descendants."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def cpu_seconds(pid):
    """User plus system CPU time of a process (all its threads) and its descendants."""
    ticks = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        except FileNotFoundError:
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def java_heap_used_kib(pid):
    """Heap in use after a full GC, from jcmd; None if jcmd is missing or its output is unknown."""
    if not shutil.which("jcmd"):
        return None
    try:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    used = 0
    found = False
    for line in out.splitlines():
        s = line.strip()
        if s.startswith(("Metaspace", "class space")):
            continue
        m = re.search(r"total \d+K, used (\d+)K", s)
        if m:
            used += int(m.group(1))
            found = True
    return used if found else None


# ---------------------------------------------------------------- configuration of the servers

def write_backend(work, port):
    docroot = os.path.join(work, "www")
    os.makedirs(docroot, exist_ok=True)
    for name, size in (("1k", 1024), ("64k", 64 * 1024)):
        with open(os.path.join(docroot, name), "wb") as f:
            f.write((b"bollard-bench-" * (size // 14 + 1))[:size])
    conf = os.path.join(work, "backend.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 30000;
pid {work}/backend.pid;
error_log {work}/backend-error.log warn;
events {{ worker_connections 20000; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-backend;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    root {docroot};
    # The header the access-log scenario captures; every proxy relays it alike.
    add_header X-Log-User 42 always;
    location / {{ }}
  }}
}}
""")
    return conf


def write_tls_cert(work):
    """One self-signed ECDSA P-256 certificate for every proxy, new for each run.

    ECDSA P-256 rather than RSA 2048: it is what Bollard's ACME issuer requests by default (as do
    certbot and lego), and an RSA signature costs about ten times as much, so with RSA every
    proxy's figure would mostly be the same private-key operation instead of the proxy's own
    handshake and connection work.
    """
    cert, key, both = (os.path.join(work, n) for n in ("tls.crt", "tls.key", "tls.pem"))
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=tls.bench",
                        "-addext", "subjectAltName=DNS:tls.bench,IP:127.0.0.1"],
                       capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        raise HarnessError(f"openssl could not generate the TLS scenario's certificate: {e}"
                           f" {getattr(e, 'stderr', '') or ''}")
    with open(cert) as c, open(key) as k, open(both, "w") as f:
        f.write(c.read() + k.read())  # HAProxy's crt: the certificate followed by its key
    conf = os.path.join(work, "openssl-no-tickets.cnf")
    with open(conf, "w") as f:
        f.write(OPENSSL_NO_TICKETS_CONF)
    return {"cert": cert, "key": key, "pem": both, "openssl_conf": conf}


NGINX_PROXY_LOCATION = """location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      # ingress-nginx's default, and what Bollard does: stream, do not buffer responses.
      proxy_buffering off;
    }"""


def write_nginx(work, port, backend_port, tls_port=None, tls=None):
    """The reverse proxy; with tls, a second server on tls_port: the same location over TLS."""
    tls_server = "" if not tls else f"""
  server {{
    listen 127.0.0.1:{tls_port} ssl backlog=4096;
    ssl_certificate {tls['cert']};
    ssl_certificate_key {tls['key']};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers {TLS12_CIPHERS};
    ssl_conf_command Ciphersuites {TLS13_CIPHERSUITES};
    ssl_prefer_server_ciphers on;
    # No resumption: every connection is a full handshake.
    ssl_session_cache off;
    ssl_session_tickets off;
    ssl_conf_command NumTickets 0;
    add_header Strict-Transport-Security "{HSTS}" always;
    {NGINX_PROXY_LOCATION}
  }}"""
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 30000;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 20000; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-nginx-body;
  proxy_temp_path {work}/tmp-nginx-proxy;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  upstream backend {{
    server 127.0.0.1:{backend_port};
    keepalive 128;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    {NGINX_PROXY_LOCATION}
  }}{tls_server}
}}
""")
    return conf


def haproxy_maxconn(nofile):
    """HAProxy reserves two descriptors per connection (client and server side) and refuses to
    start when the limit does not cover that."""
    return min(20000, (nofile - 100) // 2)


def write_haproxy(work, port, backend_port, nofile, tls_port=None, tls=None):
    """mode http in front of the backend; with tls, a second frontend on tls_port over TLS."""
    tls_global = "" if not tls else f"""
  # No resumption: no session cache (and no-tls-tickets on the bind line).
  tune.ssl.cachesize 0"""
    tls_frontend = "" if not tls else f"""
frontend fe_tls
  bind 127.0.0.1:{tls_port} backlog 4096 ssl crt {tls['pem']} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3 ciphers {TLS12_CIPHERS} ciphersuites {TLS13_CIPHERSUITES} no-tls-tickets
  maxconn {haproxy_maxconn(nofile)}
  option forwardfor
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header X-Forwarded-Port %[dst_port]
  http-response set-header Strict-Transport-Security "{HSTS}"
  default_backend be
"""
    conf = os.path.join(work, "haproxy.cfg")
    with open(conf, "w") as f:
        f.write(f"""
global
  nbthread 1
  # Idle client connections need one descriptor each; the hard limit may be below haproxy's
  # default of two per connection, and the harness never has 10,000 active at once.
  ulimit-n {nofile}
  maxconn {haproxy_maxconn(nofile)}
  pidfile {work}/haproxy.pid{tls_global}

defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 120s
  timeout server 60s
  timeout http-keep-alive 120s
  http-reuse always

frontend fe
  bind 127.0.0.1:{port} backlog 4096
  maxconn {haproxy_maxconn(nofile)}
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header X-Forwarded-Port %[dst_port]
  default_backend be
{tls_frontend}
backend be
  server s1 127.0.0.1:{backend_port} maxconn {haproxy_maxconn(nofile)}
""")
    return conf


def write_manifests(work, backend_port, name="manifests", log_capture=False, tls=None):
    """The open route (any host), a basic-auth-guarded host, with log_capture a versioned
    ConfigMap that captures X-Log-User into the access log, and with tls the certificate as a
    kubernetes.io/tls Secret (Bollard's --default-ssl-certificate: wrk's SNI is 127.0.0.1, no
    Ingress host)."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    if tls:
        def block(path):
            with open(path) as pem:
                return "\n".join("    " + line for line in pem.read().strip().splitlines())
        with open(os.path.join(d, "tls.yaml"), "w") as f:
            f.write(f"""apiVersion: v1
kind: Secret
metadata:
  name: {TLS_SECRET}
  namespace: default
type: kubernetes.io/tls
stringData:
  tls.crt: |
{block(tls['cert'])}
  tls.key: |
{block(tls['key'])}
""")
    if log_capture:
        with open(os.path.join(d, "config.yaml"), "w") as f:
            f.write("""apiVersion: v1
kind: ConfigMap
metadata:
  name: bollard-v1
  namespace: default
  labels:
    bollard.dev/config: bollard
    bollard.dev/config-version: "1"
immutable: true
data:
  bollard-log-capture-headers: X-Log-User:user_id
""")
    with open(os.path.join(d, "guard.yaml"), "w") as f:
        f.write(f"""apiVersion: v1
kind: Secret
metadata:
  name: bench-auth
  namespace: default
type: Opaque
stringData:
  auth: |
    {GUARD_HTPASSWD}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: guarded
  namespace: default
  annotations:
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: bench-auth
    nginx.ingress.kubernetes.io/auth-realm: bench
spec:
  ingressClassName: bollard
  rules:
  - host: {GUARD_HOST}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: backend
            port:
              number: 80
""")
    with open(os.path.join(d, "bench.yaml"), "w") as f:
        f.write(f"""apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: bollard
spec:
  controller: bollard.dev/ingress-controller
---
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
spec:
  ports:
  - name: http
    port: 80
    targetPort: {backend_port}
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: backend-1
  namespace: default
  labels:
    kubernetes.io/service-name: backend
addressType: IPv4
ports:
- name: http
  port: {backend_port}
  protocol: TCP
endpoints:
- addresses: ["127.0.0.1"]
  conditions:
    ready: true
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bench
  namespace: default
spec:
  ingressClassName: bollard
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: backend
            port:
              number: 80
""")
    return d


# ---------------------------------------------------------------- load

WRK_REPORT = os.path.join(HERE, "wrk-report.lua")


def check_alive(procs, target, when):
    proc = procs[target]
    if proc.poll() is not None:
        raise HarnessError(f"{target} exited with status {proc.returncode} {when}"
                           " (143 = SIGTERM: did something else on the machine stop it?):\n" + tail(proc))


def run_wrk(port, scenario, duration, load_cpus):
    path, conns, headers, _, _ = SCENARIOS[scenario]
    cmd = (["taskset", "-c", load_cpus] if load_cpus else []) + [
        "wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--timeout", "5s", "-s", WRK_REPORT]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(f"{'https' if scenario in TLS_SCENARIOS else 'http'}://127.0.0.1:{port}{path}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the servers are not waited for yet: wrk's
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            r["client_cpu_us_per_req"] = client_cpu * 1e6 / r["requests"] if r["requests"] else 0.0
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
            r["errors"] = sum(r[k] for k in ("errors_connect", "errors_read", "errors_write",
                                              "errors_status", "errors_timeout"))
            return r
    raise HarnessError(f"wrk printed no result for {scenario} on port {port}: {proc.stdout} {proc.stderr}")


def check_tls(target, proc, port, cert_pem, timeout):
    """A full handshake on every connection, and the run's certificate served.

    For TLS 1.2 and 1.3 in turn: one request, then `tries` more connections that each offer the
    session (ticket or id) of the one before, as wrk does; counts how many the server resumed.
    Waits (up to timeout) for the certificate: Bollard loads its default-certificate Secret after
    its first snapshot, and serves a generated one until then.
    """
    expected = ssl.PEM_cert_to_DER_cert(open(cert_pem).read())
    tries = 5
    result = {"target": target, "tries": tries}
    deadline = time.monotonic() + timeout
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ctx.maximum_version = version
        session, reused, last = None, 0, None
        i = 0
        while i <= tries:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
                        ctx.wrap_socket(raw, server_hostname="127.0.0.1", session=session) as s:
                    s.sendall(b"GET /1k HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    head = s.recv(65536)
                    while s.recv(65536):  # to the end: TLS 1.3 tickets arrive after the handshake
                        pass
                    served = s.getpeercert(binary_form=True)
                    negotiated = (s.version(), s.cipher()[0])
                    resumed = s.session_reused
                    session = s.session
            except (OSError, ssl.SSLError) as e:
                raise HarnessError(f"{target}: TLS check on 127.0.0.1:{port} failed ({version.name}): {e}")
            if served != expected:
                if time.monotonic() > deadline:
                    raise HarnessError(f"{target} serves another certificate than the run's {cert_pem}"
                                       f" on 127.0.0.1:{port} after {timeout}s:\n" + tail(proc))
                session = None
                time.sleep(0.2)
                continue
            if not head.startswith(b"HTTP/1.1 200"):
                raise HarnessError(f"{target}: https://127.0.0.1:{port}/1k answered {head[:80]!r}")
            if i > 0:
                reused += resumed
            i += 1
        key = "tls13" if version == ssl.TLSVersion.TLSv1_3 else "tls12"
        result[f"{key}_cipher"] = negotiated[1]
        result[f"{key}_resumed"] = reused
    # TLS 1.3 NewSessionTicket messages on one connection (Python does not expose them).
    try:
        p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-msg", "-ign_eof"],
                           input=b"GET /1k HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                           capture_output=True, timeout=30)
        result["tls13_tickets"] = p.stdout.count(b"NewSessionTicket")
    except (OSError, subprocess.SubprocessError) as e:
        raise HarnessError(f"{target}: openssl s_client on 127.0.0.1:{port} failed: {e}")
    return result


def idle_client(host, port, count):
    """Child mode: open `count` keep-alive connections, make one request on each, hold them.

    Prints "READY <n>" once every connection has had its response, then holds them until
    standard input closes, so the parent controls how long they stay idle.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    request = f"GET /1k HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    socks = []
    batch = 200  # connect and request in batches so the proxy's accept backlog never overflows
    for start_index in range(0, count, batch):
        group = []
        for _ in range(min(batch, count - start_index)):
            s = socket.create_connection((host, port), timeout=30)
            s.sendall(request)
            group.append(s)
        for s in group:
            buf = b""
            while True:
                head_end = buf.find(b"\r\n\r\n")
                if head_end >= 0:
                    m = re.search(rb"(?i)content-length:\s*(\d+)", buf[:head_end])
                    if m and len(buf) >= head_end + 4 + int(m.group(1)):
                        break
                chunk = s.recv(65536)
                if not chunk:
                    raise SystemExit(f"connection closed before the response ended: {buf[:200]!r}")
                buf += chunk
            if not buf.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"unexpected response: {buf[:200]!r}")
        socks.extend(group)
    print(f"READY {len(socks)}", flush=True)
    sys.stdin.read()
    for s in socks:
        s.close()


def measure_idle(target, proc, port, count, load_cpus, hold, java_pid=None):
    before = rss_kib(proc.pid)
    heap_before = java_heap_used_kib(java_pid) if java_pid else None
    cmd = (["taskset", "-c", load_cpus] if load_cpus else []) + [
        sys.executable, os.path.abspath(__file__), "--idle-client", str(port), str(count)]
    client = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    children.append(client)
    try:
        ready, _, _ = select.select([client.stdout], [], [], 180)
        line = client.stdout.readline() if ready else ""
        if not line.startswith("READY"):
            raise HarnessError(f"idle client for {target} failed (exit {client.poll()}): {line!r}")
        time.sleep(hold)  # let the proxy settle with the connections idle
        after = rss_kib(proc.pid)
        heap_after = java_heap_used_kib(java_pid) if java_pid else None
        alive = proc.poll() is None
    finally:
        client.stdin.close()
        client.wait(timeout=60)
        children.remove(client)
    r = {"target": target, "connections": count, "rss_before_kib": before, "rss_after_kib": after,
         "rss_per_conn_kib": (after - before) / count, "alive": alive}
    if heap_before is not None and heap_after is not None:
        r.update(heap_before_kib=heap_before, heap_after_kib=heap_after,
                 heap_per_conn_bytes=(heap_after - heap_before) * 1024 / count)
    return r


# ---------------------------------------------------------------- charts (hand-written SVG)

def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt(v):
    if v >= 100000:
        return f"{v / 1000:.0f}k"
    if v >= 10000:
        return f"{v / 1000:.1f}k"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.2f}"


def svg_panels(title, subtitle, panels, path):
    """panels: [(panel title, unit, [(bar label, value, color)])], one vertical bar group each."""
    pw, ph, top, left = 300, 260, 70, 20
    cols = min(len(panels), 2) or 1
    rows = (len(panels) + cols - 1) // cols
    width, height = left * 2 + cols * pw, top + rows * ph + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="24" font-size="16" font-weight="bold">{esc(title)}</text>',
           f'<text x="{left}" y="44" fill="#555">{esc(subtitle)}</text>']
    for i, (ptitle, unit, bars) in enumerate(panels):
        x0 = left + (i % cols) * pw
        y0 = top + (i // cols) * ph
        plot_top, plot_bottom = y0 + 54, y0 + ph - 40
        vmax = max([b[1] for b in bars] + [1e-9])
        out.append(f'<text x="{x0 + 10}" y="{y0 + 14}" font-weight="bold">{esc(ptitle)}</text>')
        out.append(f'<text x="{x0 + 10}" y="{y0 + 28}" fill="#555">{esc(unit)}</text>')
        out.append(f'<line x1="{x0 + 10}" y1="{plot_bottom}" x2="{x0 + pw - 20}" y2="{plot_bottom}" '
                   f'stroke="#333"/>')
        slot = (pw - 40) / max(len(bars), 1)
        for j, (label, value, color) in enumerate(bars):
            h = (plot_bottom - plot_top) * value / vmax
            bx = x0 + 15 + j * slot
            out.append(f'<rect x="{bx:.1f}" y="{plot_bottom - h:.1f}" width="{slot - 10:.1f}" '
                       f'height="{h:.1f}" fill="{color}"><title>{esc(label)}: {value:.3f}</title></rect>')
            out.append(f'<text x="{bx + (slot - 10) / 2:.1f}" y="{plot_bottom - h - 4:.1f}" '
                       f'text-anchor="middle">{fmt(value)}</text>')
            for k, part in enumerate(label.split("\n")):
                out.append(f'<text x="{bx + (slot - 10) / 2:.1f}" y="{plot_bottom + 14 + 12 * k}" '
                           f'text-anchor="middle">{esc(part)}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ---------------------------------------------------------------- main

def median(xs):
    return statistics.median(xs) if xs else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--smoke", action="store_true", help="one short round (CI): 2 s per run")
    ap.add_argument("--jar", default=os.path.join(ROOT, "ingress-controller/target/bollard.jar"))
    ap.add_argument("--baseline-jar", default=None,
                    help="a second Bollard jar run as target bollard-base (added to the targets), for"
                         " before/after comparisons interleaved in one run")
    ap.add_argument("--targets", default=",".join(DEFAULT_TARGETS),
                    help="comma-separated subset of " + ",".join(TARGETS) + " (default: all but bollard-base)")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS) + ",idle-10k")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    ap.add_argument("--warmup", type=int, default=10, help="seconds of warm-up per target")
    ap.add_argument("--idle-conns", type=int, default=10000)
    ap.add_argument("--base-port", type=int, default=28080)
    ap.add_argument("--sut-cpus", default=None, help="CPUs for the backend and the proxies (default 0)")
    ap.add_argument("--load-cpus", default=None, help="CPUs for wrk and the idle client (default 1)")
    ap.add_argument("--java-opts", default=os.environ.get("BOLLARD_JAVA_OPTS", "-Xms256m -Xmx256m -XX:+UseSerialGC"))
    ap.add_argument("--out", default=None, help="results directory (default bench/results; smoke: bench/target/harness-smoke)")
    ap.add_argument("--render", metavar="DIR", help="only redraw the charts and summary.md from DIR/summary.json")
    ap.add_argument("--idle-client", nargs=2, metavar=("PORT", "COUNT"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.idle_client:
        idle_client("127.0.0.1", int(args.idle_client[0]), int(args.idle_client[1]))
        return 0

    if args.render:
        with open(os.path.join(args.render, "summary.json")) as f:
            render(args.render, json.load(f))
        return 0
    if args.smoke:
        args.rounds, args.duration, args.warmup = 1, 2, 2
        args.idle_conns = min(args.idle_conns, 1000)
    # Smoke results are throwaway (CI): under target/, which git ignores.
    out_dir = args.out or os.path.join(HERE, "target", "harness-smoke") if args.smoke else (
        args.out or os.path.join(HERE, "results"))
    os.makedirs(out_dir, exist_ok=True)
    targets = [t for t in args.targets.split(",") if t]
    if args.baseline_jar and "bollard-base" not in targets:
        targets.append("bollard-base")
    for t in targets:
        if t not in TARGETS:
            raise HarnessError(f"--targets: {t} (expected: some of {','.join(TARGETS)})")
    scenarios = [s for s in args.scenarios.split(",") if s]
    for s in scenarios:
        if s not in SCENARIOS and s != "idle-10k":
            raise HarnessError(f"--scenarios: {s} (expected: some of {','.join(SCENARIOS)},idle-10k)")

    args.loadavg_at_start = open("/proc/loadavg").read().strip()
    log(f"load average {args.loadavg_at_start}")
    ncpu = os.cpu_count() or 1
    sut_cpus = args.sut_cpus if args.sut_cpus is not None else ("0" if ncpu >= 2 else "")
    load_cpus = args.load_cpus if args.load_cpus is not None else ("1" if ncpu >= 2 else "")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.idle_conns + 2000:
        log(f"open-file limit {hard} is too low for {args.idle_conns} idle connections; using {hard - 2000}")
        args.idle_conns = max(hard - 2000, 100)

    ports = {"direct": args.base_port, "nginx": args.base_port + 1, "haproxy": args.base_port + 2,
             "bollard": args.base_port + 3, "bollard-log": args.base_port + 5,
             "bollard-base": args.base_port + 7}
    admin_ports = {"bollard": args.base_port + 4, "bollard-log": args.base_port + 6,
                   "bollard-base": args.base_port + 8}
    # Each Bollard also opens an HTTPS listener (used by the TLS scenario); it must not clash either.
    https_ports = {"bollard": args.base_port + 9, "bollard-log": args.base_port + 10,
                   "bollard-base": args.base_port + 11}
    # Where wrk connects for the TLS scenario: nginx's and HAProxy's second listener, Bollard's HTTPS.
    tls_ports = {"nginx": args.base_port + 12, "haproxy": args.base_port + 13,
                 "bollard": https_ports["bollard"], "bollard-base": https_ports["bollard-base"]}
    for p in sorted(set(ports.values()) | set(admin_ports.values()) | set(https_ports.values())
                    | set(tls_ports.values())):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) == 0:
                raise HarnessError(f"port 127.0.0.1:{p} is already in use (choose another with --base-port)")

    if "bollard-base" in targets and not (args.baseline_jar and os.path.isfile(args.baseline_jar)):
        raise HarnessError(f"--baseline-jar: {args.baseline_jar} does not exist (target bollard-base needs it)")
    if {"bollard", "bollard-log"} & set(targets) and not os.path.isfile(args.jar):
        raise HarnessError(f"--jar: {args.jar} does not exist (build it with ./mvnw -B -DskipTests package,"
                           " or leave Bollard out with --targets direct,nginx,haproxy)")

    work = tempfile.mkdtemp(prefix="bench-harness-")
    os.chmod(work, 0o755)  # nginx workers run as www-data and read the static files
    log(f"work dir {work}; proxies on CPU(s) {sut_cpus or 'any'}, load on CPU(s) {load_cpus or 'any'}")
    procs = {}
    tls_checks = []
    started = time.monotonic()
    try:
        tls = write_tls_cert(work) if TLS_SCENARIOS & set(scenarios) else None
        procs["direct"] = start("backend", ["nginx", "-c", write_backend(work, ports["direct"])], work, sut_cpus)
        wait_http(f"http://127.0.0.1:{ports['direct']}/1k", procs["direct"], 20, "backend nginx")
        if "nginx" in targets:
            procs["nginx"] = start("nginx", ["nginx", "-c", write_nginx(work, ports["nginx"], ports["direct"],
                                                                       tls_ports["nginx"], tls)],
                                   work, sut_cpus)
            wait_http(f"http://127.0.0.1:{ports['nginx']}/1k", procs["nginx"], 20, "nginx")
        if "haproxy" in targets:
            procs["haproxy"] = start("haproxy", ["haproxy", "-db", "-f",
                                                 write_haproxy(work, ports["haproxy"], ports["direct"], hard,
                                                               tls_ports["haproxy"], tls)],
                                     work, sut_cpus, env={"OPENSSL_CONF": tls["openssl_conf"]} if tls else None)
            wait_http(f"http://127.0.0.1:{ports['haproxy']}/1k", procs["haproxy"], 20, "haproxy")
        for t in [t for t in ("bollard", "bollard-log", "bollard-base") if t in targets]:
            logged = t == "bollard-log"
            manifests = write_manifests(work, ports["direct"], f"manifests-{t}", log_capture=logged, tls=tls)
            # A private copy: a developer's rebuild (or a broad pkill of "bollard.jar") in the same
            # tree must not change or stop the process under measurement.
            jar = os.path.join(work, f"proxy-under-test-{t}.jar")
            shutil.copyfile(args.baseline_jar if t == "bollard-base" else args.jar, jar)
            argv = ["java"] + args.java_opts.split() + (BOLLARD_NO_RESUMPTION if tls else []) + [
                "-jar", jar, "run", "--manifests", manifests,
                "--listen", f"127.0.0.1:{ports[t]}",
                "--admin-listen", f"127.0.0.1:{admin_ports[t]}", "--io-threads", "1",
                "--https-listen", f"127.0.0.1:{https_ports[t]}",
                "--access-log", os.path.join(work, "access.log") if logged else "off"]
            if tls:
                argv += ["--default-ssl-certificate", f"default/{TLS_SECRET}"]
            procs[t] = start(t, argv, work, sut_cpus)
            wait_http(f"http://127.0.0.1:{admin_ports[t]}/readyz", procs[t], 60, f"{t} (admin /readyz)")
            wait_http(f"http://127.0.0.1:{ports[t]}/1k", procs[t], 30, t)

        load_scenarios = [s for s in scenarios if s in SCENARIOS]
        if load_scenarios and args.warmup > 0:
            log(f"warm-up: {args.warmup}s per target")
            for t in targets:
                check_alive(procs, t, "before its warm-up")
                if t == "bollard-log":
                    run_wrk(ports[t], "accesslog-1k-c64", max(1, args.warmup), load_cpus)
                    continue
                run_wrk(ports[t], "keepalive-1k-c64", max(1, args.warmup * 2 // 3), load_cpus)
                run_wrk(ports[t], "keepalive-64k-c64", max(1, args.warmup // 3), load_cpus)
                # Handshakes are a few hundred per second: as long again, or a JIT still compiling
                # the TLS path shows in the first rounds.
                for sc in [sc for sc in load_scenarios if sc in TLS_SCENARIOS and runs_on(sc, t)]:
                    run_wrk(tls_ports[t], sc, max(1, args.warmup), load_cpus)

        for t in [t for t in targets if any(runs_on(sc, t) for sc in TLS_SCENARIOS & set(load_scenarios))]:
            check_alive(procs, t, "before its TLS check")
            c = check_tls(t, procs[t], tls_ports[t], tls["cert"], 30)
            tls_checks.append(c)
            log(f"TLS {t}: TLS 1.3 {c['tls13_cipher']}, resumed {c['tls13_resumed']} of {c['tries']},"
                f" {c['tls13_tickets']} tickets per connection;"
                f" TLS 1.2 {c['tls12_cipher']}, resumed {c['tls12_resumed']} of {c['tries']}")
            if c["tls12_resumed"] or c["tls13_resumed"]:
                raise HarnessError(f"{t} resumed TLS sessions on 127.0.0.1:{tls_ports[t]}: the TLS scenario"
                                   " would not measure full handshakes (see TLS_SCENARIOS in harness.py)")

        raw = []
        for rnd in range(1, args.rounds + 1):
            for sc in load_scenarios:
                for t in [t for t in targets if runs_on(sc, t)]:
                    check_alive(procs, t, f"before round {rnd} of {sc}")
                    cpu_before = cpu_seconds(procs[t].pid)
                    r = run_wrk(tls_ports[t] if sc in TLS_SCENARIOS else ports[t], sc, args.duration, load_cpus)
                    # The target's own CPU per request (for direct: the backend's): a client-bound
                    # run shows its requests/s capped, but not this.
                    r["cpu_us_per_req"] = ((cpu_seconds(procs[t].pid) - cpu_before) * 1e6 / r["requests"]
                                           if r["requests"] else 0.0)
                    r.update(round=rnd, scenario=sc, target=t)
                    raw.append(r)
                    log(f"round {rnd} {sc:18} {t:8} {r['rps']:10.0f} req/s  p50 {r['p50_us'] / 1000:7.3f} ms"
                        f"  p99 {r['p99_us'] / 1000:7.3f} ms  CPU {r['cpu_us_per_req']:6.1f} µs/req"
                        f" (wrk {r['client_cpu_us_per_req']:6.1f})"
                        + (f"  errors {r['errors']}" if r["errors"] else ""))
                    check_alive(procs, t, f"during round {rnd} of {sc}")

        access_log = None
        if "bollard-log" in targets and any(r["target"] == "bollard-log" for r in raw):
            access_log = access_log_counts(admin_ports["bollard-log"], raw)
            log(f"access log (bollard-log): {access_log['written']} lines written, {access_log['dropped']}"
                f" dropped; {access_log['requests_in_rounds']} requests in the measured rounds")

        idle = []
        if "idle-10k" in scenarios:
            for t in [t for t in ("bollard", "bollard-base", "nginx", "haproxy") if t in targets]:
                count = args.idle_conns
                if t == "haproxy" and count > haproxy_maxconn(hard) - 100:
                    count = haproxy_maxconn(hard) - 100
                    log(f"haproxy's maxconn under a {hard}-descriptor limit allows {count} connections")
                log(f"idle connections: {count} to {t}")
                r = measure_idle(t, procs[t], ports[t], count, load_cpus, 1 if args.smoke else 3,
                                 procs[t].pid if t.startswith("bollard") else None)
                idle.append(r)
                log(f"  {t}: RSS {r['rss_before_kib'] / 1024:.1f} -> {r['rss_after_kib'] / 1024:.1f} MiB, "
                    f"{r['rss_per_conn_kib']:.2f} KiB/connection"
                    + (f", heap {r['heap_per_conn_bytes']:.0f} B/connection" if "heap_per_conn_bytes" in r else ""))
    finally:
        stop_all()
    shutil.rmtree(work, ignore_errors=True)  # kept when something failed, for its logs
    elapsed = time.monotonic() - started

    summary = summarize(raw, idle, targets, load_scenarios, args, sut_cpus, load_cpus, elapsed)
    summary["tls"] = tls_checks
    summary["access_log"] = access_log
    write_results(out_dir, raw, idle, summary)
    print_table(summary)
    log(f"results in {out_dir} ({elapsed:.0f}s)")

    # A speed figure never fails the run; a target that served nothing means the harness is broken.
    broken = [f"{r['target']}/{r['scenario']}" for r in raw if r["requests"] - r["errors_status"] <= 0]
    broken += [f"{r['target']}/idle" for r in idle if not r["alive"]]
    if broken:
        log("FAILED: no successful response from " + ", ".join(broken))
        return 1
    return 0


def access_log_counts(admin_port, raw):
    """Bollard+log's written and dropped access-log lines, from its /metrics. Issue 5: at the load
    the benchmark drives, nothing is dropped; the summary shows it (a drop never fails the run)."""
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=10) as resp:
        text = resp.read().decode("utf-8", "replace")
    def counter(name):
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return int(float(line.rsplit(" ", 1)[1]))
        raise HarnessError(f"bollard-log's /metrics has no {name}: the access-log counters moved?")
    requests = sum(r["requests"] for r in raw if r["target"] == "bollard-log")
    return {"written": counter("bollard_access_log_lines_total"),
            "dropped": counter("bollard_access_log_dropped_total"),
            "requests_in_rounds": requests}


def machine(loadavg_at_start):
    def first_line(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            return ((p.stdout or "") + (p.stderr or "")).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unknown"
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "java": first_line(["java", "-version"]), "nginx": first_line(["nginx", "-v"]),
            "haproxy": first_line(["haproxy", "-v"]), "wrk": first_line(["wrk", "--version"]),
            "openssl": first_line(["openssl", "version"]),
            "loadavg_at_start": loadavg_at_start, "loadavg_at_end": open("/proc/loadavg").read().strip()}


def summarize(raw, idle, targets, scenarios, args, sut_cpus, load_cpus, elapsed):
    rows = []
    for sc in scenarios:
        row = {"scenario": sc, "description": SCENARIOS[sc][3], "targets": {}}
        for t in [t for t in targets if runs_on(sc, t)]:
            rs = [r for r in raw if r["scenario"] == sc and r["target"] == t]
            row["targets"][t] = {
                "rps": median([r["rps"] for r in rs]),
                "p50_ms": median([r["p50_us"] for r in rs]) / 1000,
                "p99_ms": median([r["p99_us"] for r in rs]) / 1000,
                "cpu_us_per_req": median([r.get("cpu_us_per_req", 0.0) for r in rs]),
                "rounds": len(rs),
                "errors": sum(r["errors"] for r in rs),
            }
        b = row["targets"].get("bollard")
        row["ratios"] = {}
        if b:
            for other in ("nginx", "haproxy", "direct", "bollard-base"):
                o = row["targets"].get(other)
                if o and o["rps"]:
                    row["ratios"][f"rps_bollard_over_{other}"] = b["rps"] / o["rps"]
                if o and o["p99_ms"] and other not in ("direct", "bollard-base"):
                    row["ratios"][f"p99_bollard_over_{other}"] = b["p99_ms"] / o["p99_ms"]
        rows.append(row)
    costs = []
    for sc, (ref_sc, ref_t) in COSTS.items():
        if sc not in scenarios or ref_sc not in scenarios:
            continue
        for t in [t for t in targets if runs_on(sc, t)]:
            ref_t = "bollard-base" if t == "bollard-base" else ref_t  # same jar as the feature run
            # Median of per-round ratios: each compares two runs a few seconds apart.
            ratios = []
            for rnd in sorted({r["round"] for r in raw}):
                a = [r["rps"] for r in raw if r["round"] == rnd and r["scenario"] == sc and r["target"] == t]
                b = [r["rps"] for r in raw if r["round"] == rnd and r["scenario"] == ref_sc and r["target"] == ref_t]
                if a and b and b[0]:
                    ratios.append(a[0] / b[0])
            if ratios:
                costs.append({"scenario": sc, "target": t, "reference": f"{ref_sc} {ref_t}",
                              "ratio_median": median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
                              "cost_percent": (1 - median(ratios)) * 100})
    return {
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(args.loadavg_at_start),
        "settings": {"rounds": args.rounds, "duration_s": args.duration, "warmup_s": args.warmup,
                     "sut_cpus": sut_cpus, "load_cpus": load_cpus, "java_opts": args.java_opts,
                     "jar": args.jar, "smoke": args.smoke, "elapsed_s": round(elapsed)},
        "scenarios": rows,
        "costs": costs,
        "idle": idle,
    }


def write_results(out_dir, raw, idle, summary):
    with open(os.path.join(out_dir, "raw.csv"), "w", newline="") as f:
        cols = ["round", "scenario", "target", "rps", "p50_us", "p99_us", "cpu_us_per_req", "client_cpu_us_per_req",
                "requests", "duration_us",
                "errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"]
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in raw:
            w.writerow({**r, "rps": round(r["rps"], 1), "cpu_us_per_req": round(r.get("cpu_us_per_req", 0.0), 1),
                        "client_cpu_us_per_req": round(r.get("client_cpu_us_per_req", 0.0), 1)})
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(out_dir, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scenario", "target", "median_rps", "median_p50_ms", "median_p99_ms",
                    "median_cpu_us_per_req", "rounds", "errors"])
        for row in summary["scenarios"]:
            for t, v in row["targets"].items():
                w.writerow([row["scenario"], t, round(v["rps"], 1), round(v["p50_ms"], 3),
                            round(v["p99_ms"], 3), round(v.get("cpu_us_per_req", 0.0), 1), v["rounds"], v["errors"]])
    render(out_dir, summary)


def render(out_dir, summary):
    """summary.md and the SVG charts, from the summary alone (also: harness.py --render DIR)."""
    label = LABELS
    idle = summary["idle"]
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write(markdown_table(summary, label))
    sub = (f"median of {summary['settings']['rounds']} interleaved rounds of {summary['settings']['duration_s']} s; "
           f"{summary['machine']['nproc']} CPUs, proxies on CPU {summary['settings']['sut_cpus'] or 'any'}, "
           f"wrk on CPU {summary['settings']['load_cpus'] or 'any'}")
    rows = summary["scenarios"]
    if rows:
        svg_panels("Throughput (higher is better)", sub,
                   [(r["scenario"], "requests per second",
                     [(label[t], v["rps"], COLORS[t]) for t, v in r["targets"].items()]) for r in rows],
                   os.path.join(out_dir, "throughput.svg"))
        svg_panels("Latency (lower is better)", sub,
                   [(f"{r['scenario']}: {q}", "milliseconds, median over rounds",
                     [(label[t], v[f"{q}_ms"], COLORS[t]) for t, v in r["targets"].items()])
                    for r in rows for q in ("p50", "p99")],
                   os.path.join(out_dir, "latency.svg"))
    if idle:
        panels = [(f"{idle[0]['connections']} idle keep-alive connections", "RSS KiB per connection",
                   [(label[r["target"]], max(r["rss_per_conn_kib"], 0), COLORS[r["target"]]) for r in idle])]
        svg_panels("Memory per idle connection (lower is better)", "VmRSS after minus before, all processes",
                   panels, os.path.join(out_dir, "memory.svg"))


def markdown_table(summary, label):
    """The tables docs/benchmarks.md shows, so updating it after a rerun is a copy."""
    lines = ["| scenario | target | req/s (median) | p50 ms | p99 ms | CPU µs/request | errors |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for row in summary["scenarios"]:
        for t, v in row["targets"].items():
            cpu = f"{v['cpu_us_per_req']:.1f}" if "cpu_us_per_req" in v else "–"
            lines.append(f"| {row['scenario']} | {label[t]} | {v['rps']:.0f} | {v['p50_ms']:.3f} | "
                         f"{v['p99_ms']:.3f} | {cpu} | {v['errors']} |")
    lines += ["", "| scenario | req/s Bollard/nginx | req/s Bollard/HAProxy | req/s Bollard/direct | "
                  "p99 Bollard/nginx | p99 Bollard/HAProxy |", "|---|---:|---:|---:|---:|---:|"]
    for row in summary["scenarios"]:
        r = row["ratios"]
        cell = lambda k: f"{r[k]:.2f}" if k in r else "–"
        if not r:
            continue
        lines.append(f"| {row['scenario']} | {cell('rps_bollard_over_nginx')} | {cell('rps_bollard_over_haproxy')} | "
                     f"{cell('rps_bollard_over_direct')} | {cell('p99_bollard_over_nginx')} | "
                     f"{cell('p99_bollard_over_haproxy')} |")
    if any("rps_bollard_over_bollard-base" in row["ratios"] for row in summary["scenarios"]):
        lines += ["", "| scenario | req/s Bollard/Bollard (baseline jar) |", "|---|---:|"]
        for row in summary["scenarios"]:
            if "rps_bollard_over_bollard-base" in row["ratios"]:
                lines.append(f"| {row['scenario']} | {row['ratios']['rps_bollard_over_bollard-base']:.2f} |")
    if summary.get("costs"):
        lines += ["", "| feature | target | compared with | req/s ratio (median of rounds) | range | cost |",
                  "|---|---|---|---:|---:|---:|"]
        for c in summary["costs"]:
            lines.append(f"| {c['scenario']} | {label[c['target']]} | {c['reference']} | {c['ratio_median']:.3f} | "
                         f"{c['ratio_min']:.3f}–{c['ratio_max']:.3f} | {c['cost_percent']:.1f}% |")
    if summary.get("access_log"):
        a = summary["access_log"]
        lines += ["", "| access log (Bollard+log) | lines written | lines dropped | requests in the measured rounds |",
                  "|---|---:|---:|---:|",
                  f"| JSON to a file, header capture | {a['written']} | {a['dropped']} | {a['requests_in_rounds']} |"]
    if summary.get("tls"):
        lines += ["", "| TLS check | TLS 1.3 suite | resumed (TLS 1.3) | TLS 1.3 tickets per connection "
                      "| TLS 1.2 suite | resumed (TLS 1.2) |", "|---|---|---:|---:|---|---:|"]
        for c in summary["tls"]:
            lines.append(f"| {label[c['target']]} | {c['tls13_cipher']} | {c['tls13_resumed']} of {c['tries']} | "
                         f"{c.get('tls13_tickets', '–')} | {c['tls12_cipher']} | {c['tls12_resumed']} of {c['tries']} |")
    if summary["idle"]:
        lines += ["", "| idle keep-alive connections | target | RSS before MiB | RSS after MiB | RSS KiB/connection "
                      "| heap B/connection |", "|---:|---|---:|---:|---:|---:|"]
        for r in summary["idle"]:
            heap = f"{r['heap_per_conn_bytes']:.0f}" if "heap_per_conn_bytes" in r else "–"
            lines.append(f"| {r['connections']} | {label[r['target']]} | {r['rss_before_kib'] / 1024:.1f} | "
                         f"{r['rss_after_kib'] / 1024:.1f} | {r['rss_per_conn_kib']:.2f} | {heap} |")
    return "\n".join(lines) + "\n"


def print_table(summary):
    print()
    print(f"{'scenario':20} {'target':8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU µs/req':>10} {'errors':>7}")
    for row in summary["scenarios"]:
        for t, v in row["targets"].items():
            print(f"{row['scenario']:20} {t:8} {v['rps']:10.0f} {v['p50_ms']:8.3f} {v['p99_ms']:8.3f}"
                  f" {v.get('cpu_us_per_req', 0.0):10.1f} {v['errors']:7}")
        if row["ratios"]:
            print(f"{'':20} ratios: " + "  ".join(f"{k.replace('_over_', '/').replace('rps_', 'req/s ').replace('p99_', 'p99 ')} "
                                                  f"{v:.2f}" for k, v in row["ratios"].items()))
    for c in summary.get("costs", []):
        print(f"cost of {c['scenario']:18} ({c['target']} vs {c['reference']}): ratio {c['ratio_median']:.3f}"
              f" ({c['ratio_min']:.3f}-{c['ratio_max']:.3f}) = {c['cost_percent']:.1f}%")
    if summary.get("access_log"):
        a = summary["access_log"]
        print(f"access log (bollard-log): {a['written']} lines written, {a['dropped']} dropped,"
              f" {a['requests_in_rounds']} requests in the measured rounds")
    for c in summary.get("tls", []):
        print(f"TLS check {c['target']:8} TLS 1.3 {c['tls13_cipher']} resumed {c['tls13_resumed']}/{c['tries']}"
              f" tickets {c.get('tls13_tickets', '-')}, TLS 1.2 {c['tls12_cipher']} resumed {c['tls12_resumed']}/{c['tries']}")
    for r in summary["idle"]:
        print(f"idle {r['connections']:>6} conns  {r['target']:8} RSS +{(r['rss_after_kib'] - r['rss_before_kib']) / 1024:.1f} MiB"
              f" = {r['rss_per_conn_kib']:.2f} KiB/conn"
              + (f"; heap {r['heap_per_conn_bytes']:.0f} B/conn" if "heap_per_conn_bytes" in r else ""))
    print()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        sys.exit(main())
    except HarnessError as e:
        stop_all()
        print(f"harness: {e}", file=sys.stderr)
        sys.exit(2)
    finally:
        stop_all()
