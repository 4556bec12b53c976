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
# relay-*: the bench module's minimal relay (dev.bollard.bench.relay.RelayMain, from --relay-jar),
# not Bollard: Netty's HTTP codecs (codec) or the in-place head relay (raw), one event loop, on
# io_uring or epoll; only the plain HTTP/1.1 scenarios (RELAY_SCENARIOS). Issue 19's question
# whether an in-place relay reaches nginx on one connection (docs/benchmarks.md, "A minimal relay").
RELAY_TARGETS = {"relay-codec": ["--mode", "codec"], "relay-raw": ["--mode", "raw"],
                 "relay-codec-epoll": ["--mode", "codec", "--transport", "epoll"],
                 "relay-raw-epoll": ["--mode", "raw", "--transport", "epoll"]}
RELAY_SCENARIOS = ("keepalive-1k-c64", "keepalive-1k-c1", "keepalive-64k-c64", "close-1k-c64")
TARGETS = ["direct", "nginx", "haproxy", "bollard", "bollard-log", "bollard-base"] + list(RELAY_TARGETS)
COLORS = {"direct": "#9e9e9e", "nginx": "#2e7d32", "haproxy": "#1565c0", "bollard": "#ef6c00",
          "bollard-log": "#8d6e63", "bollard-base": "#ffb74d", "relay-codec": "#7b1fa2",
          "relay-raw": "#c2185b", "relay-codec-epoll": "#ba68c8", "relay-raw-epoll": "#f06292"}
LABELS = {"direct": "direct", "nginx": "nginx", "haproxy": "HAProxy", "bollard": "Bollard",
          "bollard-log": "Bollard+log", "bollard-base": "Bollard (baseline)", "relay-codec": "relay (codec)",
          "relay-raw": "relay (raw)", "relay-codec-epoll": "relay (codec, epoll)",
          "relay-raw-epoll": "relay (raw, epoll)"}
DEFAULT_TARGETS = ["direct", "nginx", "haproxy", "bollard", "bollard-log"]

# The guarded host's user and password (the bcrypt hash of examples/preview-guard.yaml).
GUARD_HOST = "guarded.bench"
GUARD_HTPASSWD = "preview:$2y$10$2epkbpJuoqorlxhqCjvkte0jnwU55/McfTW16IovLS04nIDG.yhi6"
GUARD_AUTHORIZATION = "Basic cHJldmlldzpwcmV2aWV3"  # preview:preview
# Hosts of the issue-15 feature-cost routes (write_manifests): a regex path whose capture
# rewrites the target (/rw/1k reaches the backend as /1k), and a route with retries configured.
REWRITE_HOST = "rewrite.bench"
RETRY_HOST = "retry.bench"
# Issue 16's sticky route (affinity: cookie, balanced). Its clients keep their cookie, as browsers
# do: the harness asks for one first (sticky_cookie) and wrk sends it on every request, so the run
# measures the steady state (the cookie read and the ring lookup; no Set-Cookie).
STICKY_HOST = "sticky.bench"
STICKY_COOKIE = "{sticky-cookie}"

# Hosts of the issue-16 feature-cost routes: an allow-list that admits the load generator
# (127.0.0.1), and per-client rate limits so high that wrk never meets them (100,000 r/s with a
# burst of 2,000,000: an 8 s run would need over 350,000 r/s to be refused once).
ALLOWLIST_HOST = "allowlist.bench"
RATELIMIT_HOST = "ratelimit.bench"
# Hosts of the issue-17 external-auth routes: auth-url is the bench backend's empty /auth file
# (nginx answers 200), asked on every request, or once per client cookie (auth-cache-key).
EXTAUTH_HOST = "extauth.bench"
EXTAUTH_CACHED_HOST = "extauth-cached.bench"

# The gRPC scenario's method, and its messages: the request h2load POSTs (-d) and the reply the
# backend's gRPC server sends (each a gRPC frame: flag byte, 4-byte big-endian length, message).
GRPC_PATH = "/bench.Bench/Unary"
GRPC_REQUEST_BYTES = 64
GRPC_REPLY_BYTES = 1024

# Issue 17's mTLS cost: a host whose HTTPS handshakes ask for a client certificate
# (auth-tls-secret, auth-tls-verify-client: on), against the same keep-alive HTTPS load on an
# open host. wrk and h2load cannot present a client certificate: both scenarios use tlsload.py.
MTLS_HOST = "mtls.bench"
TLS_OPEN_HOST = "tls.bench"  # no Ingress names it: the host-less rule serves it
CLIENT_CA_SECRET = "bench-client-ca"
TLSLOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tlsload.py")

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
    "rewrite-1k-c64": ("/rw/1k", 64, [f"Host: {REWRITE_HOST}"],
                       "use-regex path with rewrite-target ($2), 1 KiB, 64 connections", ["bollard"]),
    "retry-1k-c64": ("/1k", 64, [f"Host: {RETRY_HOST}"],
                     "route with proxy-next-upstream (5xx, 3 tries; nothing fails), 1 KiB, 64 connections",
                     ["bollard"]),
    "sticky-1k-c64": ("/1k", 64, [f"Host: {STICKY_HOST}", STICKY_COOKIE],
                      "sticky route (affinity: cookie), clients sending their cookie, 1 KiB, 64 connections",
                      ["bollard"]),
    "allowlist-1k-c64": ("/1k", 64, [f"Host: {ALLOWLIST_HOST}"],
                         "route with whitelist-source-range admitting the client, 1 KiB, 64 connections",
                         ["bollard"]),
    "ratelimit-1k-c64": ("/1k", 64, [f"Host: {RATELIMIT_HOST}"],
                         "route with limit-rps under its limit (never refused), 1 KiB, 64 connections",
                         ["bollard"]),
    "extauth-1k-c64": ("/1k", 64, [f"Host: {EXTAUTH_HOST}"],
                       "auth-url route, the auth service asked on every request, 1 KiB, 64 connections",
                       ["bollard"]),
    "extauth-cached-1k-c64": ("/1k", 64, [f"Host: {EXTAUTH_CACHED_HOST}", "Cookie: session=bench"],
                              "auth-url route with auth-cache-key (the decision cached), 1 KiB,"
                              " 64 connections", ["bollard"]),
    "keepalive-1k-c1": ("/1k", 1, [], "one keep-alive connection, 1 KiB body (added latency)", None),
    "keepalive-64k-c64": ("/64k", 64, [], "HTTP/1.1 keep-alive, 64 KiB body, 64 connections", None),
    "close-1k-c64": ("/1k", 64, ["Connection: close"], "new connection per request, 1 KiB, 64 at a time", None),
    # Client to proxy over TLS (the backend stays plain HTTP), so `direct` has nothing to offer.
    "tls-handshake-1k-c64": ("/1k", 64, ["Connection: close"],
                             "new TLS connection (full handshake) per request, 1 KiB, 64 at a time",
                             ["nginx", "haproxy", "bollard", "bollard-base"]),
    # Issue 17's mTLS cost, both measured by tlsload.py (a Python client: its own ceiling is low,
    # the same for both; only their ratio is reported, in the cost table).
    "tls-keepalive-1k-c64": ("/1k", 64, [], "HTTPS keep-alive (tlsload.py, no client certificate), open host,"
                             " 1 KiB, 64 connections", ["bollard", "bollard-base"]),
    "mtls-1k-c64": ("/1k", 64, [], "HTTPS keep-alive with a client certificate (tlsload.py), mTLS host"
                    " (auth-tls-verify-client: on), 1 KiB, 64 connections", ["bollard", "bollard-base"]),
    # Issue 18: HTTP/2 over TLS (ALPN h2) from h2load, many streams on few connections; the
    # proxies' upstreams stay HTTP/1.1 keep-alive to the same backend. Connections: h2load's -c.
    "h2-1k-c4-m32": ("/1k", 4, [], "HTTP/2 over TLS, 4 connections x 32 concurrent streams, 1 KiB GET",
                     ["nginx", "haproxy", "bollard", "bollard-base"]),
    # gRPC unary calls (POST of a gRPC-framed message) over TLS h2, forwarded over h2c to the
    # backend's gRPC server (nginx grpc_pass, HAProxy proto h2, Bollard backend-protocol GRPC).
    "grpc-unary-c4-m32": (GRPC_PATH, 4, ["content-type: application/grpc", "te: trailers"],
                          f"gRPC unary over TLS h2 (h2c upstream), {GRPC_REQUEST_BYTES} B request message,"
                          f" {GRPC_REPLY_BYTES} B reply, 4 connections x 32 concurrent streams",
                          ["nginx", "haproxy", "bollard", "bollard-base"]),
}
# Scenarios wrk runs over https, against each target's TLS listener.
TLS_SCENARIOS = {"tls-handshake-1k-c64"}
# Scenarios h2load runs (over https, ALPN h2, against each target's TLS listener) -> concurrent
# streams per connection (-m). Every request must succeed (2xx, and reach the backend: see
# run_h2load); a failure stops the harness.
H2_SCENARIOS = {"h2-1k-c4-m32": 32, "grpc-unary-c4-m32": 32}
GRPC_SCENARIOS = {"grpc-unary-c4-m32"}
# Scenarios tlsload.py runs (keep-alive HTTPS) -> (SNI and Host, whether it presents the client
# certificate). Every request must succeed.
TLSLOAD_SCENARIOS = {"tls-keepalive-1k-c64": (TLS_OPEN_HOST, False), "mtls-1k-c64": (MTLS_HOST, True)}
# Why a target runs none of these (printed once when it is selected).
SKIPPED_BECAUSE = {"direct": "the backend has no TLS listener (HTTP/2 and gRPC scenarios go through a proxy's"
                             " TLS listener)",
                   "bollard-log": "the logging Bollard only runs accesslog-1k-c64",
                   **{t: "the minimal relay speaks plain HTTP/1.1 only" for t in RELAY_TARGETS}}
# feature-cost scenario -> (reference scenario, reference target)
COSTS = {"guard-1k-c64": ("keepalive-1k-c64", "bollard"),
         "accesslog-1k-c64": ("keepalive-1k-c64", "bollard"),
         "rewrite-1k-c64": ("keepalive-1k-c64", "bollard"),
         "retry-1k-c64": ("keepalive-1k-c64", "bollard"),
         "sticky-1k-c64": ("keepalive-1k-c64", "bollard"),
         "allowlist-1k-c64": ("keepalive-1k-c64", "bollard"),
         "ratelimit-1k-c64": ("keepalive-1k-c64", "bollard"),
         "extauth-1k-c64": ("keepalive-1k-c64", "bollard"),
         "extauth-cached-1k-c64": ("keepalive-1k-c64", "bollard"),
         "mtls-1k-c64": ("tls-keepalive-1k-c64", "bollard")}


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

# The slow-post scenario (issue 13): slow-POST clients, each sends a head with a Content-Length and
# the first bytes of the body, then stalls, while wrk runs keepalive-1k-c64 against the same proxy.
SLOW_POST = "slow-post"
SLOW_POST_PATH = "/slow-post"  # the backend reads the whole body before it answers (write_backend)
SLOW_POST_TARGETS = ("nginx", "haproxy", "bollard", "bollard-base")
SLOW_POST_LOAD = "keepalive-1k-c64"  # the normal clients' load alongside
# Bollard's ConfigMap key for the body timeout (ingress-nginx's name); a jar without it logs
# "key client-body-timeout: unknown, ignored" and keeps no body timeout at all.
BOLLARD_BODY_TIMEOUT_KEY = "client-body-timeout"
# Plain scenarios every target's warm-up runs first (the others follow it, briefly).
WARMED_FIRST = ("keepalive-1k-c64", "keepalive-64k-c64")
SPECIAL_SCENARIOS = ("idle-10k", SLOW_POST)


def runs_on(scenario, target):
    if target in RELAY_TARGETS:
        return scenario in RELAY_SCENARIOS
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

def grpc_frame(size):
    """One uncompressed gRPC length-prefixed message of `size` bytes."""
    return b"\x00" + size.to_bytes(4, "big") + (b"bollard-bench-" * (size // 14 + 1))[:size]


def write_backend(work, port, inner_port, grpc_port):
    docroot = os.path.join(work, "www")
    os.makedirs(docroot, exist_ok=True)
    for name, size in (("1k", 1024), ("64k", 64 * 1024), ("auth", 0)):
        with open(os.path.join(docroot, name), "wb") as f:
            f.write((b"bollard-bench-" * (size // 14 + 1))[:size])
    os.makedirs(os.path.join(docroot, os.path.dirname(GRPC_PATH.lstrip("/"))), exist_ok=True)
    for name in ("grpc-reply", GRPC_PATH.lstrip("/")):  # the reply; the method's file (POST: 405)
        with open(os.path.join(docroot, name), "wb") as f:
            f.write(grpc_frame(GRPC_REPLY_BYTES))
    with open(os.path.join(work, "grpc-request"), "wb") as f:  # h2load -d
        f.write(grpc_frame(GRPC_REQUEST_BYTES))
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
    # The slow-post scenario's path: like an application server (Puma, Gunicorn behind its
    # buffer), the backend reads the whole body before it answers, so a proxy that forwards a
    # stalled body holds one of its connections for as long as the client stalls. nginx's static
    # handler would answer a POST at once and discard the body. The backend's own body timeout
    # is long: it is never the one that closes a slow client's connection.
    location = {SLOW_POST_PATH} {{
      client_body_timeout 300s;
      proxy_request_buffering on;
      proxy_pass http://127.0.0.1:{inner_port};
    }}
  }}
  # Answers the body-complete slow-post request (only ever reached once a body is complete).
  # /requests: nginx's request counter (stub_status, every server of this nginx), which the
  # HTTP/2 scenarios read to check that every request the client counted reached the backend.
  server {{
    listen 127.0.0.1:{inner_port};
    location / {{ return 200 "ok\n"; }}
    location = /requests {{ stub_status; }}
  }}
  # The gRPC scenario's server: HTTP/2 in clear text (prior knowledge), every call answered
  # with one reply message and the trailer grpc-status: 0. nginx's static handler refuses a POST
  # to the method's file (405, in the content phase); error_page turns that into the reply file,
  # fetched as a GET. Like a gRPC server, it reads the whole request before it answers: mirror
  # (to an empty internal location, before the content phase) reads the body first. Answered
  # before the request's END_STREAM, nginx's HTTP/2 server follows the reply with RST_STREAM
  # (NO_ERROR), which nginx's grpc_pass, having reused the connection, counts as a 502.
  server {{
    listen 127.0.0.1:{grpc_port} http2 reuseport backlog=4096;
    http2_max_concurrent_streams 256;
    root {docroot};
    location / {{ mirror /grpc-body-read; error_page 405 =200 /grpc-reply; }}
    location = /grpc-body-read {{ internal; return 204; }}
    location = /grpc-reply {{
      internal;
      default_type application/grpc;
      add_trailer grpc-status 0 always;
    }}
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
    # The mTLS scenario's client CA and the client certificate it issued (tlsload.py presents it).
    ca, ca_key, client, client_key, csr = (os.path.join(work, n) for n in (
        "client-ca.crt", "client-ca.key", "client.crt", "client.key", "client.csr"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    try:
        for argv in (["openssl", "req", "-x509"] + ec + ["-keyout", ca_key, "-out", ca, "-days", "2",
                                                         "-subj", "/CN=bench client CA"],
                     ["openssl", "req"] + ec + ["-keyout", client_key, "-out", csr, "-subj", "/CN=bench-client"],
                     ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                      "-out", client, "-days", "2"]):
            subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True, cwd=work)
    except (OSError, subprocess.SubprocessError) as e:
        raise HarnessError(f"openssl could not generate the mTLS scenario's client certificate: {e}"
                           f" {getattr(e, 'stderr', '') or ''}")
    conf = os.path.join(work, "openssl-no-tickets.cnf")
    with open(conf, "w") as f:
        f.write(OPENSSL_NO_TICKETS_CONF)
    return {"cert": cert, "key": key, "pem": both, "openssl_conf": conf, "client_ca": ca, "client_cert": client,
            "client_key": client_key}


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


def write_nginx(work, port, backend_port, body_timeout, tls_port=None, tls=None, grpc_port=None):
    """The reverse proxy; with tls, a second server on tls_port: the same location over TLS, with
    HTTP/2 (ALPN h2, for h2load; wrk offers no ALPN and speaks HTTP/1.1), and the gRPC method's
    location, passed over h2c to the backend's gRPC server on grpc_port."""
    tls_server = "" if not tls else f"""
  server {{
    listen 127.0.0.1:{tls_port} ssl http2 backlog=4096;
    # ingress-nginx's http2-max-concurrent-streams, Bollard's default too.
    http2_max_concurrent_streams 128;
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
    location {GRPC_PATH} {{
      grpc_pass grpc://grpc_backend;
      grpc_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
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
  # The slow-post scenario: a request body is read whole (ingress-nginx's default, stated) before
  # the upstream is contacted; a client silent for body_timeout between two reads of its body
  # is closed (nginx logs 408 and sends nothing; ingress-nginx's client-body-timeout, 60 s by
  # default; the harness sets the same value on every proxy, --slow-body-timeout).
  proxy_request_buffering on;
  client_body_timeout {body_timeout}s;
  upstream backend {{
    server 127.0.0.1:{backend_port};
    keepalive 128;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }}
  upstream grpc_backend {{
    server 127.0.0.1:{grpc_port};
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


def write_haproxy(work, port, backend_port, nofile, body_timeout, tls_port=None, tls=None, grpc_port=None):
    """mode http in front of the backend; with tls, a second frontend on tls_port over TLS (ALPN
    h2 or http/1.1), whose gRPC method goes to the backend's gRPC server over h2c (proto h2)."""
    tls_global = "" if not tls else f"""
  # No resumption: no session cache (and no-tls-tickets on the bind line).
  tune.ssl.cachesize 0"""
    tls_frontend = "" if not tls else f"""
frontend fe_tls
  bind 127.0.0.1:{tls_port} backlog 4096 ssl crt {tls['pem']} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3 ciphers {TLS12_CIPHERS} ciphersuites {TLS13_CIPHERSUITES} no-tls-tickets alpn h2,http/1.1
  maxconn {haproxy_maxconn(nofile)}
  option forwardfor
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header X-Forwarded-Port %[dst_port]
  http-response set-header Strict-Transport-Security "{HSTS}"
  use_backend be_grpc if {{ path_beg {GRPC_PATH} }}
  default_backend be

backend be_grpc
  server g1 127.0.0.1:{grpc_port} proto h2 maxconn {haproxy_maxconn(nofile)}
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
  # The slow-post scenario: wait for the whole body (up to the buffer) before connecting to the
  # server, as nginx and Bollard buffer; timeout http-request then bounds head and body together
  # (408), HAProxy's nearest to nginx's client_body_timeout (which bounds each pause instead).
  option http-buffer-request
  timeout http-request {body_timeout}s

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


def bench_ingress(name, host, annotations, path="/", path_type="Prefix", service="backend", port=80):
    """One Ingress of the harness: host's path (any host for host None) to Service service:port,
    with ingress-nginx annotations."""
    lines = "".join(f"    nginx.ingress.kubernetes.io/{k}: {v}\n" for k, v in annotations.items())
    meta = f"  annotations:\n{lines}" if lines else ""
    rule = f"  - host: {host}\n    http:" if host else "  - http:"
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: default
{meta}spec:
  ingressClassName: bollard
  rules:
{rule}
      paths:
      - path: {path}
        pathType: {path_type}
        backend:
          service:
            name: {service}
            port:
              number: {port}
"""


def write_manifests(work, backend_port, name="manifests", log_capture=False, tls=None, body_timeout=None,
                    grpc_port=None):
    """The open route (any host), a basic-auth-guarded host, with log_capture or body_timeout a
    versioned ConfigMap (capture X-Log-User into the access log; client-body-timeout, which a jar
    from before issue 13 ignores with a warning, see bollard_body_timeout), and with tls the
    certificate as a kubernetes.io/tls Secret (Bollard's --default-ssl-certificate: wrk's SNI is
    127.0.0.1, no Ingress host). With tls, also the gRPC method's route: backend-protocol GRPC
    to the backend's gRPC server on grpc_port (h2c)."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    if tls:
        with open(tls["client_ca"]) as pem:
            ca_block = "\n".join("    " + line for line in pem.read().strip().splitlines())
        with open(os.path.join(d, "mtls.yaml"), "w") as f:
            f.write(f"""apiVersion: v1
kind: Secret
metadata:
  name: {CLIENT_CA_SECRET}
  namespace: default
type: Opaque
stringData:
  ca.crt: |
{ca_block}
---
""" + bench_ingress("mtls", MTLS_HOST, {
                "auth-tls-secret": f"default/{CLIENT_CA_SECRET}", "auth-tls-verify-client": '"on"'}))
        with open(os.path.join(d, "grpc.yaml"), "w") as f:
            f.write(f"""apiVersion: v1
kind: Service
metadata:
  name: grpc-backend
  namespace: default
spec:
  ports:
  - name: grpc
    port: 50051
    targetPort: {grpc_port}
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: grpc-backend-1
  namespace: default
  labels:
    kubernetes.io/service-name: grpc-backend
addressType: IPv4
ports:
- name: grpc
  port: {grpc_port}
  protocol: TCP
endpoints:
- addresses: ["127.0.0.1"]
  conditions:
    ready: true
---
""" + bench_ingress("grpc", None, {"backend-protocol": "GRPC"}, path=GRPC_PATH,
                    service="grpc-backend", port=50051))
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
    data = ([("bollard-log-capture-headers", "X-Log-User:user_id")] if log_capture else []) + (
        [(BOLLARD_BODY_TIMEOUT_KEY, f"{body_timeout}s")] if body_timeout else []) + (
        # nginx here serves 10,000,000 requests per keep-alive connection (keepalive_requests) and
        # HAProxy has no such limit; Bollard's default (keep-alive-requests, 1,000, ingress-nginx's)
        # would close every client connection after 1,000 requests and reconnect: same settings
        # for all, as for HTTP/2 below.
        [("keep-alive-requests", '"10000000"')]) + (
        # nginx's keepalive_requests (10,000,000 here) bounds its HTTP/2 connections too; Bollard's
        # default (keep-alive-requests, 1,000) would send GOAWAY every 1,000 streams, and the
        # streams h2load opened past it end refused (errors).
        [("http2-max-requests", '"10000000"')] if tls else [])
    if data:
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
""" + "".join(f"  {k}: {v}\n" for k, v in data))
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
""" + bench_ingress("guarded", GUARD_HOST, {
            "auth-type": "basic", "auth-secret": "bench-auth", "auth-realm": "bench"}))
    auth_url = f"http://127.0.0.1:{backend_port}/auth"
    with open(os.path.join(d, "features.yaml"), "w") as f:
        f.write("---\n".join([
            bench_ingress("rewrite", REWRITE_HOST, {
                "use-regex": '"true"', "rewrite-target": "/$2"},
                path="/rw(/|$)(.*)", path_type="ImplementationSpecific"),
            bench_ingress("retry", RETRY_HOST, {
                "proxy-next-upstream": '"error timeout http_502 http_503 http_504"',
                "proxy-next-upstream-tries": '"3"', "proxy-next-upstream-timeout": '"10"'}),
            bench_ingress("allowlist", ALLOWLIST_HOST, {
                "whitelist-source-range": '"10.0.0.0/8, 192.168.0.0/16, 127.0.0.1/32"'}),
            bench_ingress("ratelimit", RATELIMIT_HOST, {
                "limit-rps": '"100000"', "limit-burst-multiplier": '"20"'}),
            bench_ingress("sticky", STICKY_HOST, {"affinity": "cookie"}),
            bench_ingress("extauth", EXTAUTH_HOST, {"auth-url": f'"{auth_url}"'}),
            bench_ingress("extauth-cached", EXTAUTH_CACHED_HOST, {
                "auth-url": f'"{auth_url}"', "auth-cache-key": '"$cookie_session"'}),
        ]))
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
""" + bench_ingress("bench", None, {}))
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
        cmd += ["-H", sticky_cookie(port) if h == STICKY_COOKIE else h]
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


def backend_requests(counter_port):
    """The backend nginx's request counter (stub_status, all its servers; this read included)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{counter_port}/requests", timeout=10) as resp:
        m = re.search(r"\n\s*\d+\s+\d+\s+(\d+)\s*\n", resp.read().decode())
    if not m:
        raise HarnessError(f"the backend's stub_status on port {counter_port} has no request count")
    return int(m.group(1))


def h2load_field(out, pattern, scenario, port):
    m = re.search(pattern, out)
    if not m:
        raise HarnessError(f"h2load printed no {pattern!r} for {scenario} on port {port}:\n{out}")
    return m


def run_h2load(port, scenario, duration, load_cpus, work, counter_port):
    """One h2load run over TLS (ALPN h2): -c connections, each with -m concurrent streams.

    Fails the harness (HarnessError) if HTTP/2 was not negotiated, if any request failed or
    answered other than 2xx, or if the backend served fewer requests than h2load completed (a
    proxy answering by itself, e.g. a gRPC error as HTTP 200 with grpc-status in its trailers,
    is caught there). Latency percentiles come from h2load's per-request log.
    """
    path, conns, headers, _, _ = SCENARIOS[scenario]
    log_file = os.path.join(work, "h2load-requests.tsv")
    cmd = (["taskset", "-c", load_cpus] if load_cpus else []) + [
        "h2load", "-t1", f"-c{conns}", f"-m{H2_SCENARIOS[scenario]}", f"-D{duration}", f"--log-file={log_file}"]
    for h in headers:
        cmd += ["-H", h]
    if scenario in GRPC_SCENARIOS:
        cmd += ["-d", os.path.join(work, "grpc-request")]
    cmd.append(f"https://127.0.0.1:{port}{path}")
    served_before = backend_requests(counter_port)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = backend_requests(counter_port) - served_before - 1  # less the second read itself
    out = proc.stdout + proc.stderr
    where = f"{scenario} on 127.0.0.1:{port} ({' '.join(cmd)})"
    if proc.returncode != 0:
        raise HarnessError(f"h2load exited with status {proc.returncode} for {where}:\n{out}")
    protocol = h2load_field(out, r"Application protocol: (\S+)", scenario, port).group(1)
    if protocol != "h2":
        raise HarnessError(f"{where}: ALPN chose {protocol}, not h2: the target's TLS listener offers no HTTP/2")
    seconds = float(h2load_field(out, r"finished in ([\d.]+)(m?s),", scenario, port).group(1))
    if h2load_field(out, r"finished in [\d.]+(m?s),", scenario, port).group(1) == "ms":
        seconds /= 1000
    m = h2load_field(out, r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed,"
                          r" (\d+) errored, (\d+) timeout", scenario, port)
    total, started, done, succeeded, failed, errored, timeout = map(int, m.groups())
    codes = list(map(int, h2load_field(out, r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx",
                                       scenario, port).groups()))
    not_2xx = sum(codes[1:])
    if failed or errored or timeout or not_2xx or done == 0:
        raise HarnessError(f"{where}: {done} done, {failed} failed, {errored} errored, {timeout} timed out,"
                           f" status codes 2xx/3xx/4xx/5xx {codes}: every request of this scenario must succeed"
                           f"\n{out}")
    if served < done:
        raise HarnessError(f"{where}: h2load completed {done} requests with 2xx but the backend served only"
                           f" {served}: the proxy answered some itself (for gRPC: an error status in a 200"
                           " response?)")
    elapsed = []
    with open(log_file) as f:
        for line in f:
            cols = line.split("\t")
            if len(cols) >= 3:
                elapsed.append(int(cols[2]))
    os.remove(log_file)
    if not elapsed:
        raise HarnessError(f"{where}: h2load's --log-file has no request")
    elapsed.sort()
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"requests": done, "duration_us": seconds * 1e6, "rps": done / seconds if seconds else 0.0,
            "p50_us": elapsed[len(elapsed) // 2], "p99_us": elapsed[min(len(elapsed) - 1, len(elapsed) * 99 // 100)],
            "errors_connect": 0, "errors_read": errored, "errors_write": 0, "errors_status": not_2xx,
            "errors_timeout": timeout, "errors": failed + timeout,
            "client_cpu_us_per_req": client_cpu * 1e6 / done, "backend_served": served}


def run_tlsload(port, scenario, duration, load_cpus, tls):
    """One tlsload.py run (keep-alive HTTPS, with the client certificate for the mTLS host). Fails
    the harness if any request failed or answered other than 200 (a refused certificate: 400)."""
    host, with_cert = TLSLOAD_SCENARIOS[scenario]
    path, conns, _, _, _ = SCENARIOS[scenario]
    cmd = (["taskset", "-c", load_cpus] if load_cpus else []) + [
        sys.executable, TLSLOAD, "--port", str(port), "--sni", host, "--path", path,
        "--connections", str(conns), "--duration", str(duration)]
    if with_cert:
        cmd += ["--cert", tls["client_cert"], "--key", tls["client_key"]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            break
    else:
        raise HarnessError(f"tlsload.py printed no result for {scenario} on port {port}: {proc.stdout} {proc.stderr}")
    r["errors"] = sum(r[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"))
    if r["errors"] or not r["requests"]:
        raise HarnessError(f"{scenario} on 127.0.0.1:{port} ({' '.join(cmd)}): {r['requests']} requests,"
                           f" errors {r}: every request of this scenario must succeed")
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["client_cpu_us_per_req"] = ((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)) \
        * 1e6 / r["requests"]
    return r


def check_h2(target, port, scenario, work):
    """One request of an h2load scenario with nghttp -v, which shows frames: HTTP/2 negotiated,
    :status 200, and for gRPC the reply message followed by the trailer grpc-status: 0 (the
    backend's, relayed: a proxy's own gRPC error would come as a Trailers-Only HEADERS frame)."""
    path, _, headers, _, _ = SCENARIOS[scenario]
    cmd = ["nghttp", "-v", "-n"]
    for h in headers:
        cmd += ["-H", h]
    if scenario in GRPC_SCENARIOS:
        cmd += ["-d", os.path.join(work, "grpc-request")]
    cmd.append(f"https://127.0.0.1:{port}{path}")
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        raise HarnessError(f"{target}: nghttp for {scenario} failed: {e}")
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    frames = [l for l in out.splitlines() if re.search(r"recv (DATA|HEADERS) frame|recv \(stream_id=\d+\) ", l)]
    status = [l for l in frames if ":status:" in l]
    problem = None
    if p.returncode != 0 or not status:
        problem = "no HTTP/2 response"
    elif not status[0].endswith(":status: 200"):
        problem = status[0].strip()
    elif scenario in GRPC_SCENARIOS:
        data = [i for i, l in enumerate(frames) if "recv DATA frame" in l]
        trailer = [i for i, l in enumerate(frames) if re.search(r"\) grpc-status: ", l)]
        if not data or not trailer or trailer[-1] < data[0] or not frames[trailer[-1]].endswith("grpc-status: 0"):
            problem = "no reply message followed by the trailer grpc-status: 0"
    if problem:
        raise HarnessError(f"{target}: {scenario} check ({' '.join(cmd)}): {problem}:\n" + "\n".join(frames[-20:])
                           + ("\n" + out[-2000:] if not frames else ""))
    return [l.split(") ", 1)[1] for l in frames if "grpc-status" in l]


def sticky_cookie(port):
    """The Cookie header a client of the sticky route sends back: the one its first answer set."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/1k", headers={"Host": STICKY_HOST})
    with urllib.request.urlopen(req, timeout=10) as r:
        set_cookie = r.headers.get("Set-Cookie")
    if not set_cookie or not set_cookie.startswith("INGRESSCOOKIE="):
        raise HarnessError(f"the sticky route on port {port} set no INGRESSCOOKIE: {set_cookie!r}")
    return "Cookie: " + set_cookie.split(";", 1)[0]


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


# ---------------------------------------------------------------- slow clients (issue 13)

def slow_client(port, count, content_length, first_bytes, trickle, hold):
    """Child mode: `count` slow-POST connections to 127.0.0.1:port, with asyncio.

    Each sends `POST /slow-post` with `Content-Length: content_length` and the first `first_bytes`
    of the body, then stalls; with trickle > 0 it sends one more byte every `trickle` seconds
    (slowhttptest's slow-body mode) until the body is complete. Connects at most 200 at a time.
    Prints "READY {json}" once every connection has sent its first bytes (or failed to connect),
    then waits until the proxy has closed them all or standard input closes (the harness decides
    how long they stall), at most `hold` seconds after READY (it stops by itself); closes what is
    left and prints "RESULT {json}": how many the proxy closed, when, and what it answered.
    """
    import asyncio
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    head = (f"POST {SLOW_POST_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {content_length}\r\n\r\n").encode()
    body = b"x" * content_length
    first_bytes = min(first_bytes, content_length)

    async def run():
        t0 = time.monotonic()
        gate = asyncio.Semaphore(200)  # connects in flight; every proxy's backlog is 4,096
        all_sent = asyncio.Event()
        pending = [count]
        recs = []

        def sent_one():
            pending[0] -= 1
            if pending[0] == 0:
                all_sent.set()

        async def one():
            rec = {}
            recs.append(rec)
            writer = None
            try:
                async with gate:
                    try:
                        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
                        writer.write(head + body[:first_bytes])
                        await writer.drain()
                        rec["sent_at"] = time.monotonic() - t0
                    except (OSError, asyncio.TimeoutError) as e:
                        rec["error"] = type(e).__name__
                        return
                    finally:
                        sent_one()
                last, sent, answer = time.monotonic(), first_bytes, b""
                while True:
                    wait = last + trickle - time.monotonic() if trickle > 0 and sent < content_length else None
                    try:
                        chunk = await (asyncio.wait_for(reader.read(4096), max(wait, 0)) if wait is not None
                                       else reader.read(4096))
                    except asyncio.TimeoutError:
                        try:
                            writer.write(body[sent:sent + 1])
                            await writer.drain()
                        except ConnectionError:
                            pass  # closed by the proxy: the next read says so
                        sent, last = sent + 1, time.monotonic()
                        continue
                    except ConnectionError:
                        chunk = b""
                        rec["reset"] = True
                    if not chunk:
                        now = time.monotonic()
                        rec["closed_after"] = now - last  # since the last body byte sent
                        rec["closed_at"] = now - t0
                        break
                    if len(answer) < 64:
                        answer += chunk[:64]
                        m = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
                        rec["status"] = m.group(1).decode() if m else "other"
            finally:
                if writer is not None:
                    writer.close()

        tasks = [asyncio.create_task(one()) for _ in range(count)]
        await all_sent.wait()
        ready_at = time.monotonic() - t0
        connected = sum(1 for r in recs if "sent_at" in r)
        errors = {}
        for r in recs:
            if "error" in r:
                errors[r["error"]] = errors.get(r["error"], 0) + 1
        print("READY " + json.dumps({"connected": connected, "failed": count - connected, "errors": errors,
                                     "ramp_s": round(ready_at, 3)}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_reader(sys.stdin.fileno(), lambda: None if os.read(sys.stdin.fileno(), 4096) else stop.set())
        everyone = asyncio.ensure_future(asyncio.gather(*tasks, return_exceptions=True))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({everyone, stopped}, timeout=hold, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stopped.cancel()
        closed = [r for r in recs if "closed_at" in r]
        after = sorted(r["closed_after"] for r in closed)
        at = sorted(r["closed_at"] - ready_at for r in closed)
        statuses = {}  # what the proxy answered the connections it closed
        for r in closed:
            key = r.get("status", "no answer")
            statuses[key] = statuses.get(key, 0) + 1
        return {"connected": connected, "closed": len(closed), "reset": sum(1 for r in closed if r.get("reset")),
                "still_open": connected - len(closed),
                # kept open after a complete answer (a trickled body that was complete in time)
                "answered_open": sum(1 for r in recs if "status" in r and "closed_at" not in r),
                "close_after_s": ({"min": after[0], "median": statistics.median(after), "max": after[-1]}
                                  if after else None),
                "first_close_s": at[0] if at else None, "last_close_s": at[-1] if at else None,
                "statuses": statuses}

    result = asyncio.run(run())
    print("RESULT " + json.dumps(result), flush=True)


def backend_connections(pid, backend_port):
    """ESTABLISHED TCP connections from a process (and its children) to the backend's port: the
    kernel's list (ss, filtered by destination port) matched to the process's socket inodes."""
    inodes = set()
    for p in process_tree(pid):
        try:
            fds = os.listdir(f"/proc/{p}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{p}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    out = subprocess.run(["ss", "-Htne", "state", "established", f"( dport = :{backend_port} )"],
                         capture_output=True, text=True, timeout=30).stdout
    return sum(1 for m in re.finditer(r"\bino:(\d+)", out) if m.group(1) in inodes)


class PeakSampler:
    """Samples a target's backend connections and RSS every half second in a thread; keeps the peaks."""

    def __init__(self, pid, backend_port):
        import threading
        self.pid, self.backend_port = pid, backend_port
        self.conns_peak, self.rss_peak_kib, self.samples = 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.conns_peak = max(self.conns_peak, backend_connections(self.pid, self.backend_port))
                self.rss_peak_kib = max(self.rss_peak_kib, rss_kib(self.pid))
                self.samples += 1
            except (OSError, subprocess.SubprocessError):
                pass
            self._stop.wait(0.5)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)


def bollard_body_timeout(proc):
    """Whether this Bollard took the client-body-timeout key: a jar from before issue 13 logs the
    key as unknown and ignored (its slow clients then have no body timeout at all)."""
    try:
        with open(proc.bench_log, errors="replace") as f:
            text = f.read()
    except OSError:
        return "unknown"
    if re.search(rf"key {BOLLARD_BODY_TIMEOUT_KEY}: unknown", text):
        return "ignored: unknown to this jar"
    return "set"


def slow_hold(args):
    """Seconds after the last slow client connected until the harness closes the ones the proxy kept."""
    return args.slow_hold if args.slow_hold is not None else args.slow_body_timeout + 5


def measure_slow(target, proc, port, backend_port, args, load_cpus, java_pid=None):
    """One round of slow-post on one target: keepalive-1k-c64 alone, then the slow clients
    connect, then keepalive-1k-c64 again while they stall; then wait until the proxy closed them
    or the hold time passed. Backend connections and RSS are sampled throughout."""
    r = {"target": target, "clients": args.slow_clients}
    alone = measure_alone(proc, port, backend_port, args, load_cpus)
    r.update(rps_alone_before=alone["rps"], p99_alone_before_us=alone["p99_us"], errors_alone=alone["errors"],
             backend_conns_peak_alone=alone["conns_peak"], rss_peak_alone_kib=alone["rss_peak_kib"])
    r["backend_conns_before"] = backend_connections(proc.pid, backend_port)
    r["rss_before_kib"] = rss_kib(proc.pid)
    heap_before = java_heap_used_kib(java_pid) if java_pid else None
    hold = slow_hold(args)
    cmd = (["taskset", "-c", load_cpus] if load_cpus else []) + [
        sys.executable, os.path.abspath(__file__), "--slow-client", str(port), str(args.slow_clients),
        str(args.slow_content_length), str(args.slow_first_bytes), str(args.slow_trickle),
        str(hold + args.slow_settle + args.duration + 120)]  # its own bound: the harness stops it sooner
    client = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    children.append(client)
    sampler = PeakSampler(proc.pid, backend_port)
    heap_held = None
    try:
        ready, _, _ = select.select([client.stdout], [], [], 180)
        line = client.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            raise HarnessError(f"slow client for {target} failed (exit {client.poll()}): {line!r}")
        ready_t = time.monotonic()
        r.update(json.loads(line[len("READY "):]))
        # The slow clients alone, settled (a proxy that forwards them may still be connecting
        # upstream when the last one has sent): what they hold by themselves, just before wrk.
        time.sleep(min(1.0, args.slow_settle / 2))
        heap_held = java_heap_used_kib(java_pid) if java_pid else None
        time.sleep(max(0.0, ready_t + args.slow_settle - time.monotonic()))
        r["backend_conns_held"] = backend_connections(proc.pid, backend_port)
        r["rss_held_kib"] = rss_kib(proc.pid)
        r["wrk_start_s"] = time.monotonic() - ready_t
        with_slow = run_wrk(port, SLOW_POST_LOAD, args.duration, load_cpus)
        r["wrk_end_s"] = time.monotonic() - ready_t
        r.update(rps_with=with_slow["rps"], p99_with_us=with_slow["p99_us"], errors_with=with_slow["errors"])
        # The client ends when the proxy has closed every connection; the ones it keeps are closed
        # `hold` seconds after READY (and not before wrk is done).
        stop_at = max(ready_t + hold, time.monotonic() + 1)
        line, stopping = "", False
        while not line.startswith("RESULT "):
            now = time.monotonic()
            if now >= stop_at and not stopping:
                client.stdin.close()  # the client closes what is left and reports
                stopping, stop_at = True, now + 60
            elif now >= stop_at:
                break
            ready, _, _ = select.select([client.stdout], [], [], max(0.0, stop_at - now))
            line = client.stdout.readline() if ready else ""
            if ready and not line:
                break
        if not line.startswith("RESULT "):
            raise HarnessError(f"slow client for {target} gave no result (exit {client.poll()})")
        r.update(json.loads(line[len("RESULT "):]))
    finally:
        sampler.stop()
        if not client.stdin.closed:
            client.stdin.close()
        client.wait(timeout=60)
        children.remove(client)
    r["backend_conns_peak"] = max(sampler.conns_peak, r.get("backend_conns_held", 0))
    r["rss_peak_kib"] = max(sampler.rss_peak_kib, r.get("rss_held_kib", 0))
    r["samples"] = sampler.samples
    if heap_before is not None and heap_held is not None:
        r.update(heap_before_kib=heap_before, heap_held_kib=heap_held)
    # Before the next target: this one lets go of what the slow clients held (bounded wait).
    # (What the normal load alone held, its idle pool included, is what a proxy may keep.)
    released, settle_deadline = time.monotonic(), time.monotonic() + 15
    while time.monotonic() < settle_deadline:
        if backend_connections(proc.pid, backend_port) <= max(r["backend_conns_before"],
                                                              r["backend_conns_peak_alone"]) + 5:
            break
        time.sleep(0.2)
    r["release_s"] = time.monotonic() - released
    # The normal load alone again: "alone" is the mean of the runs before and after the one with
    # the slow clients, so that a drift (JIT, the machine) does not pass for the slow clients' cost.
    after = measure_alone(proc, port, backend_port, args, load_cpus)
    # (Peaks "alone" stay those of the first run: after the slow clients a proxy keeps memory it took.)
    r.update(rps_alone_after=after["rps"], p99_alone_after_us=after["p99_us"],
             errors_alone=r["errors_alone"] + after["errors"], backend_conns_peak_alone_after=after["conns_peak"],
             rss_peak_alone_after_kib=after["rss_peak_kib"])
    r["rps_alone"] = (r["rps_alone_before"] + r["rps_alone_after"]) / 2
    r["p99_alone_us"] = (r["p99_alone_before_us"] + r["p99_alone_after_us"]) / 2
    r["alive"] = proc.poll() is None
    return r


def measure_alone(proc, port, backend_port, args, load_cpus):
    """wrk keepalive-1k-c64 on the target, its backend connections and RSS sampled meanwhile."""
    sampler = PeakSampler(proc.pid, backend_port)
    try:
        r = run_wrk(port, SLOW_POST_LOAD, args.duration, load_cpus)
    finally:
        sampler.stop()
    r.update(conns_peak=sampler.conns_peak, rss_peak_kib=sampler.rss_peak_kib)
    return r


SLOW_COLUMNS = ["round", "target", "clients", "connected", "failed", "ramp_s", "rps_alone_before",
                "p99_alone_before_us", "rps_with", "p99_with_us", "rps_alone_after", "p99_alone_after_us",
                "rps_alone", "p99_alone_us", "errors_alone", "errors_with", "wrk_start_s", "wrk_end_s",
                "backend_conns_peak_alone", "backend_conns_before", "backend_conns_held", "backend_conns_peak",
                "closed", "reset", "answered_open",
                "still_open", "first_close_s", "last_close_s", "close_after_median_s", "close_after_max_s",
                "backend_conns_peak_alone_after", "statuses", "rss_peak_alone_kib", "rss_before_kib", "rss_held_kib",
                "rss_peak_kib", "rss_peak_alone_after_kib",
                "heap_before_kib", "heap_held_kib",
                "release_s", "samples", "body_timeout"]


def slow_line(r):
    c = r["close_after_s"]
    return (f"slow-post round {r['round']} {r['target']:12} {r['connected']}/{r['clients']} slow clients;"
            f" normal req/s {r['rps_alone_before']:.0f} alone, {r['rps_with']:.0f} with them,"
            f" {r['rps_alone_after']:.0f} alone again; p99 {r['p99_alone_before_us'] / 1000:.2f},"
            f" {r['p99_with_us'] / 1000:.2f}, {r['p99_alone_after_us'] / 1000:.2f} ms; backend conns peak {r['backend_conns_peak_alone']} alone,"
            f" {r['backend_conns_held']} slow clients alone, peak {r['backend_conns_peak']} with both;"
            f" closed {r['closed']}"
            + (f" after {c['median']:.1f} s (max {c['max']:.1f})" if c else "")
            + f", open at the end {r['still_open']} ({r['answered_open']} answered); answers {r['statuses']};"
            f" RSS {r['rss_before_kib'] / 1024:.0f} -> {r['rss_peak_kib'] / 1024:.0f} MiB"
            + (f"; heap {r['heap_before_kib'] / 1024:.1f} -> {r['heap_held_kib'] / 1024:.1f} MiB"
               if "heap_held_kib" in r else ""))


def summarize_slow(slow, args):
    if not slow:
        return None
    out = {"settings": {"clients": args.slow_clients, "body_timeout_s": args.slow_body_timeout,
                        "content_length": args.slow_content_length, "first_bytes": args.slow_first_bytes,
                        "trickle_s": args.slow_trickle, "settle_s": args.slow_settle,
                        "hold_s": slow_hold(args),
                        "rounds": args.slow_rounds, "duration_s": args.duration, "load": SLOW_POST_LOAD},
           "targets": []}
    for t in dict.fromkeys(r["target"] for r in slow):
        rs = [r for r in slow if r["target"] == t]
        med = lambda k: median([r[k] for r in rs if r.get(k) is not None])
        after = [r["close_after_s"] for r in rs if r["close_after_s"]]
        v = {"target": t, "rounds": len(rs), "clients": rs[0]["clients"],
             "connected_min": min(r["connected"] for r in rs), "failed_max": max(r["failed"] for r in rs),
             "rps_alone": med("rps_alone"), "rps_with": med("rps_with"),
             "rps_ratio": median([r["rps_with"] / r["rps_alone"] for r in rs if r["rps_alone"]]),
             "p99_alone_ms": med("p99_alone_us") / 1000, "p99_with_ms": med("p99_with_us") / 1000,
             "errors_with": sum(r["errors_with"] for r in rs),
             "backend_conns_peak_alone": med("backend_conns_peak_alone"),
             "backend_conns_before": med("backend_conns_before"), "backend_conns_held": med("backend_conns_held"),
             "backend_conns_peak": med("backend_conns_peak"),
             "backend_conns_peak_max": max(r["backend_conns_peak"] for r in rs),
             "closed": med("closed"), "still_open": med("still_open"),
             "close_after_median_s": median([a["median"] for a in after]) if after else None,
             "close_after_max_s": max(a["max"] for a in after) if after else None,
             "first_close_s": med("first_close_s") if after else None,
             "wrk_start_s": med("wrk_start_s"), "wrk_end_s": med("wrk_end_s"),
             "statuses": rs[-1]["statuses"],
             "rss_peak_alone_kib": med("rss_peak_alone_kib"), "rss_before_kib": med("rss_before_kib"),
             "rss_peak_kib": med("rss_peak_kib")}
        if all("heap_held_kib" in r for r in rs):
            v["heap_before_kib"], v["heap_held_kib"] = med("heap_before_kib"), med("heap_held_kib")
        if "body_timeout" in rs[0]:
            v["body_timeout"] = rs[0]["body_timeout"]
        out["targets"].append(v)
    return out


def slow_summary_line(v):
    return (f"normal {v['rps_alone']:.0f} -> {v['rps_with']:.0f} req/s (x{v['rps_ratio']:.2f}),"
            f" p99 {v['p99_alone_ms']:.2f} -> {v['p99_with_ms']:.2f} ms; backend conns at the peak"
            f" {v['backend_conns_peak_alone']:.0f} -> {v['backend_conns_peak']:.0f}; closed {v['closed']:.0f}"
            f" of {v['clients']}"
            + (f" after {v['close_after_median_s']:.1f} s" if v["close_after_median_s"] is not None else "")
            + f"; RSS peak {v['rss_peak_kib'] / 1024:.0f} MiB"
            + (f"; heap held {v['heap_held_kib'] / 1024:.1f} MiB" if "heap_held_kib" in v else ""))


def slow_markdown(s, label):
    st = s["settings"]
    lines = [f"slow-post: {st['clients']} slow-POST clients (Content-Length {st['content_length']},"
             f" {st['first_bytes']} bytes, then "
             + (f"a byte every {st['trickle_s']:g} s" if st["trickle_s"] else "a stall")
             + f"), body timeout {st['body_timeout_s']} s on every proxy; normal load {st['load']},"
             f" {st['duration_s']} s; median of {st['rounds']} round(s)", "",
             "| target | normal req/s alone (mean of before and after) | with slow clients | ratio | p99 ms alone "
             "| p99 ms with | errors with |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for v in s["targets"]:
        lines.append(f"| {label[v['target']]} | {v['rps_alone']:.0f} | {v['rps_with']:.0f} | {v['rps_ratio']:.2f} | "
                     f"{v['p99_alone_ms']:.2f} | {v['p99_with_ms']:.2f} | {v['errors_with']} |")
    lines += ["", "| target | slow clients connected | backend conns at the peak: normal load alone / slow clients"
                  " alone / both | closed by the proxy | time to close s (median, max) | answer before closing "
                  "| RSS MiB: peak alone → peak with | live heap MiB: before → slow clients held |",
              "|---|---:|---:|---:|---:|---|---:|---:|"]
    for v in s["targets"]:
        close = (f"{v['close_after_median_s']:.1f}, {v['close_after_max_s']:.1f}"
                 if v["close_after_median_s"] is not None else "–")
        heap = (f"{v['heap_before_kib'] / 1024:.1f} → {v['heap_held_kib'] / 1024:.1f}" if "heap_held_kib" in v else "–")
        answers = ", ".join(f"{k}: {n}" for k, n in sorted(v["statuses"].items()))
        name = label[v["target"]] + (f" ({BOLLARD_BODY_TIMEOUT_KEY} {v['body_timeout']})" if "body_timeout" in v else "")
        lines.append(f"| {name} | {v['connected_min']} of {v['clients']} | {v['backend_conns_peak_alone']:.0f} / "
                     f"{v['backend_conns_held']:.0f} / {v['backend_conns_peak']:.0f} | {v['closed']:.0f} | {close} | "
                     f"{answers or '–'} | {v['rss_peak_alone_kib'] / 1024:.0f} → {v['rss_peak_kib'] / 1024:.0f} | {heap} |")
    early = [label[v["target"]] for v in s["targets"]
             if v["first_close_s"] is not None and v["first_close_s"] < v["wrk_end_s"]]
    if early:
        lines += ["", "The proxy began closing slow clients before the run with them ended (their timeout fell"
                      " inside it) for: " + ", ".join(early) + "."]
    return "\n".join(lines)


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
    ap.add_argument("--scenarios", default=",".join(list(SCENARIOS) + list(SPECIAL_SCENARIOS)))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    ap.add_argument("--warmup", type=int, default=10, help="seconds of warm-up per target")
    ap.add_argument("--idle-conns", type=int, default=10000)
    ap.add_argument("--slow-clients", type=int, default=2000,
                    help="slow-post: slow-POST clients held alongside keepalive-1k-c64 (smoke: 20)")
    ap.add_argument("--slow-body-timeout", type=int, default=15,
                    help="seconds; every proxy's request-body timeout: nginx client_body_timeout, HAProxy"
                         " timeout http-request, Bollard's client-body-timeout key (smoke: 3)")
    ap.add_argument("--slow-content-length", type=int, default=100, help="slow-post: the Content-Length announced")
    ap.add_argument("--slow-first-bytes", type=int, default=10, help="slow-post: body bytes sent before stalling")
    ap.add_argument("--slow-trickle", type=float, default=0,
                    help="slow-post: seconds between further body bytes (slowhttptest's slow-body mode); 0:"
                         " stall after the first bytes")
    ap.add_argument("--slow-hold", type=float, default=None,
                    help="slow-post: seconds after the last slow client connected until the harness closes"
                         " the ones the proxy kept, at least until wrk is done (default: body timeout + 5)")
    ap.add_argument("--slow-settle", type=float, default=3,
                    help="slow-post: seconds between the last slow client connecting and wrk starting")
    ap.add_argument("--slow-rounds", type=int, default=3, help="slow-post rounds, each over every target (smoke: 1)")
    ap.add_argument("--base-port", type=int, default=28080)
    ap.add_argument("--sut-cpus", default=None, help="CPUs for the backend and the proxies (default 0)")
    ap.add_argument("--load-cpus", default=None, help="CPUs for wrk and the idle client (default 1)")
    ap.add_argument("--java-opts", default=os.environ.get("BOLLARD_JAVA_OPTS", "-Xms256m -Xmx256m -XX:+UseSerialGC"))
    ap.add_argument("--baseline-java-opts", default=None,
                    help="JVM options of target bollard-base (default: --java-opts), to compare JVM settings"
                         " interleaved: the same jar as --jar and --baseline-jar, two sets of options")
    ap.add_argument("--bollard-args", default="",
                    help="extra command-line arguments of targets bollard and bollard-log (e.g. \"--transport epoll\")")
    ap.add_argument("--baseline-bollard-args", default=None,
                    help="extra command-line arguments of target bollard-base (default: --bollard-args), to compare"
                         " two settings of one jar interleaved")
    ap.add_argument("--relay-jar", default=os.path.join(HERE, "target", "benchmarks.jar"),
                    help="the jar of targets relay-codec, relay-raw, relay-codec-epoll, relay-raw-epoll (the bench"
                         " module's: ./mvnw -B -pl bench -am package)")
    ap.add_argument("--relay-args", default="", help="extra arguments of every relay target (RelayMain's)")
    ap.add_argument("--out", default=None, help="results directory (default bench/results; smoke: bench/target/harness-smoke)")
    ap.add_argument("--render", metavar="DIR", help="only redraw the charts and summary.md from DIR/summary.json")
    ap.add_argument("--idle-client", nargs=2, metavar=("PORT", "COUNT"), help=argparse.SUPPRESS)
    ap.add_argument("--slow-client", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.idle_client:
        idle_client("127.0.0.1", int(args.idle_client[0]), int(args.idle_client[1]))
        return 0
    if args.slow_client:
        port, count, length, first, trickle, hold = args.slow_client
        slow_client(int(port), int(count), int(length), int(first), float(trickle), float(hold))
        return 0

    if args.render:
        with open(os.path.join(args.render, "summary.json")) as f:
            render(args.render, json.load(f))
        return 0
    if args.smoke:
        args.rounds, args.duration, args.warmup = 1, 2, 2
        args.idle_conns = min(args.idle_conns, 1000)
        args.slow_clients = min(args.slow_clients, 20)
        args.slow_body_timeout = min(args.slow_body_timeout, 3)
        args.slow_settle = min(args.slow_settle, 0.5)
        if args.slow_hold is None:
            args.slow_hold = args.slow_body_timeout + 2
        args.slow_rounds = 1
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
        if s not in SCENARIOS and s not in SPECIAL_SCENARIOS:
            raise HarnessError(f"--scenarios: {s} (expected: some of"
                               f" {','.join(list(SCENARIOS) + list(SPECIAL_SCENARIOS))})")
    if args.slow_clients < 1 or args.slow_body_timeout < 1 or args.slow_content_length <= args.slow_first_bytes:
        raise HarnessError("--slow-clients and --slow-body-timeout must be at least 1, and --slow-content-length"
                           " larger than --slow-first-bytes (the body must stay incomplete)")

    args.loadavg_at_start = open("/proc/loadavg").read().strip()
    log(f"load average {args.loadavg_at_start}")
    ncpu = os.cpu_count() or 1
    sut_cpus = args.sut_cpus if args.sut_cpus is not None else ("0" if ncpu >= 2 else "")
    load_cpus = args.load_cpus if args.load_cpus is not None else ("1" if ncpu >= 2 else "")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if SLOW_POST in scenarios and hard < 2 * args.slow_clients + 2000:
        raise HarnessError(f"open-file limit {hard} is too low for {args.slow_clients} slow clients"
                           " (--slow-clients): each costs the client and the proxy a descriptor, two with a backend connection")
    if hard < args.idle_conns + 2000:
        log(f"open-file limit {hard} is too low for {args.idle_conns} idle connections; using {hard - 2000}")
        args.idle_conns = max(hard - 2000, 100)

    ports = {"direct": args.base_port, "nginx": args.base_port + 1, "haproxy": args.base_port + 2,
             "bollard": args.base_port + 3, "bollard-log": args.base_port + 5,
             "bollard-base": args.base_port + 7,
             **{t: args.base_port + 16 + i for i, t in enumerate(RELAY_TARGETS)}}
    admin_ports = {"bollard": args.base_port + 4, "bollard-log": args.base_port + 6,
                   "bollard-base": args.base_port + 8}
    # Each Bollard also opens an HTTPS listener (used by the TLS scenario); it must not clash either.
    https_ports = {"bollard": args.base_port + 9, "bollard-log": args.base_port + 10,
                   "bollard-base": args.base_port + 11}
    # The backend's second server, which answers a slow-post request once its body is complete.
    inner_port = args.base_port + 14
    # The backend's gRPC server (h2c), behind every proxy in the gRPC scenario.
    grpc_port = args.base_port + 15
    # Where wrk connects for the TLS scenario: nginx's and HAProxy's second listener, Bollard's HTTPS.
    tls_ports = {"nginx": args.base_port + 12, "haproxy": args.base_port + 13,
                 "bollard": https_ports["bollard"], "bollard-base": https_ports["bollard-base"]}
    for p in sorted(set(ports.values()) | set(admin_ports.values()) | set(https_ports.values())
                    | set(tls_ports.values()) | {inner_port, grpc_port}):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) == 0:
                raise HarnessError(f"port 127.0.0.1:{p} is already in use (choose another with --base-port)")

    if "bollard-base" in targets and not (args.baseline_jar and os.path.isfile(args.baseline_jar)):
        raise HarnessError(f"--baseline-jar: {args.baseline_jar} does not exist (target bollard-base needs it)")
    if {"bollard", "bollard-log"} & set(targets) and not os.path.isfile(args.jar):
        raise HarnessError(f"--jar: {args.jar} does not exist (build it with ./mvnw -B -DskipTests package,"
                           " or leave Bollard out with --targets direct,nginx,haproxy)")

    if set(RELAY_TARGETS) & set(targets) and not os.path.isfile(args.relay_jar):
        raise HarnessError(f"--relay-jar: {args.relay_jar} does not exist (build it with ./mvnw -B -DskipTests"
                           " -pl bench -am package)")

    work = tempfile.mkdtemp(prefix="bench-harness-")
    os.chmod(work, 0o755)  # nginx workers run as www-data and read the static files
    log(f"work dir {work}; proxies on CPU(s) {sut_cpus or 'any'}, load on CPU(s) {load_cpus or 'any'}")
    procs = {}
    tls_checks = []
    started = time.monotonic()
    try:
        tls = write_tls_cert(work) if (TLS_SCENARIOS | set(H2_SCENARIOS) | set(TLSLOAD_SCENARIOS)) & set(scenarios) \
            else None
        for t in targets:
            skipped = [sc for sc in scenarios if sc in H2_SCENARIOS and not runs_on(sc, t)]
            if skipped and t in SKIPPED_BECAUSE:
                log(f"{t}: skips {', '.join(skipped)}: {SKIPPED_BECAUSE[t]}")
        procs["direct"] = start("backend", ["nginx", "-c", write_backend(work, ports["direct"], inner_port,
                                                                         grpc_port)],
                                work, sut_cpus)
        wait_http(f"http://127.0.0.1:{ports['direct']}/1k", procs["direct"], 20, "backend nginx")
        if "nginx" in targets:
            procs["nginx"] = start("nginx", ["nginx", "-c", write_nginx(work, ports["nginx"], ports["direct"],
                                                                       args.slow_body_timeout,
                                                                       tls_ports["nginx"], tls, grpc_port)],
                                   work, sut_cpus)
            wait_http(f"http://127.0.0.1:{ports['nginx']}/1k", procs["nginx"], 20, "nginx")
        if "haproxy" in targets:
            procs["haproxy"] = start("haproxy", ["haproxy", "-db", "-f",
                                                 write_haproxy(work, ports["haproxy"], ports["direct"], hard,
                                                               args.slow_body_timeout, tls_ports["haproxy"], tls,
                                                               grpc_port)],
                                     work, sut_cpus, env={"OPENSSL_CONF": tls["openssl_conf"]} if tls else None)
            wait_http(f"http://127.0.0.1:{ports['haproxy']}/1k", procs["haproxy"], 20, "haproxy")
        for t in [t for t in ("bollard", "bollard-log", "bollard-base") if t in targets]:
            logged = t == "bollard-log"
            manifests = write_manifests(work, ports["direct"], f"manifests-{t}", log_capture=logged, tls=tls,
                                        body_timeout=args.slow_body_timeout, grpc_port=grpc_port)
            # A private copy: a developer's rebuild (or a broad pkill of "bollard.jar") in the same
            # tree must not change or stop the process under measurement.
            jar = os.path.join(work, f"proxy-under-test-{t}.jar")
            shutil.copyfile(args.baseline_jar if t == "bollard-base" else args.jar, jar)
            java_opts = args.baseline_java_opts if t == "bollard-base" and args.baseline_java_opts is not None \
                else args.java_opts
            extra = args.baseline_bollard_args if t == "bollard-base" and args.baseline_bollard_args is not None \
                else args.bollard_args
            argv = ["java"] + java_opts.split() + (BOLLARD_NO_RESUMPTION if tls else []) + [
                "-jar", jar, "run", "--manifests", manifests,
                "--listen", f"127.0.0.1:{ports[t]}",
                "--admin-listen", f"127.0.0.1:{admin_ports[t]}", "--io-threads", "1",
                "--https-listen", f"127.0.0.1:{https_ports[t]}",
                "--access-log", os.path.join(work, "access.log") if logged else "off"] + extra.split()
            if tls:
                argv += ["--default-ssl-certificate", f"default/{TLS_SECRET}"]
            procs[t] = start(t, argv, work, sut_cpus)
            wait_http(f"http://127.0.0.1:{admin_ports[t]}/readyz", procs[t], 60, f"{t} (admin /readyz)")
            wait_http(f"http://127.0.0.1:{ports[t]}/1k", procs[t], 30, t)
        for t in [t for t in RELAY_TARGETS if t in targets]:
            jar = os.path.join(work, f"proxy-under-test-{t}.jar")  # a private copy, as for Bollard
            shutil.copyfile(args.relay_jar, jar)
            argv = ["java"] + args.java_opts.split() + [
                "-cp", jar, "dev.bollard.bench.relay.RelayMain", "--listen", f"127.0.0.1:{ports[t]}",
                "--upstream", f"127.0.0.1:{ports['direct']}", "--io-threads", "1"] + RELAY_TARGETS[t] \
                + args.relay_args.split()
            procs[t] = start(t, argv, work, sut_cpus)
            wait_http(f"http://127.0.0.1:{ports[t]}/1k", procs[t], 30, t)

        load_scenarios = [s for s in scenarios if s in SCENARIOS]
        if (load_scenarios or SLOW_POST in scenarios) and args.warmup > 0:
            log(f"warm-up: {args.warmup}s per target")
            for t in targets:
                check_alive(procs, t, "before its warm-up")
                if t == "bollard-log":
                    run_wrk(ports[t], "accesslog-1k-c64", max(1, args.warmup), load_cpus)
                    continue
                run_wrk(ports[t], "keepalive-1k-c64", max(1, args.warmup * 2 // 3), load_cpus)
                run_wrk(ports[t], "keepalive-64k-c64", max(1, args.warmup // 3), load_cpus)
                # Every other plain scenario's traffic too, briefly: each new shape of traffic (a
                # connection per request, one connection, a feature's route) sends a JVM back to
                # compiling, which would otherwise fall in that scenario's first measured round.
                for sc in [sc for sc in load_scenarios if runs_on(sc, t) and sc not in WARMED_FIRST
                           and sc not in TLS_SCENARIOS and sc not in H2_SCENARIOS
                           and sc not in TLSLOAD_SCENARIOS]:
                    run_wrk(ports[t], sc, max(1, args.warmup // 3), load_cpus)
                # Handshakes are a few hundred per second: as long again, or a JIT still compiling
                # the TLS path shows in the first rounds.
                for sc in [sc for sc in load_scenarios if sc in TLS_SCENARIOS and runs_on(sc, t)]:
                    run_wrk(tls_ports[t], sc, max(1, args.warmup), load_cpus)
                for sc in [sc for sc in load_scenarios if sc in H2_SCENARIOS and runs_on(sc, t)]:
                    run_h2load(tls_ports[t], sc, max(1, args.warmup // 2), load_cpus, work, inner_port)
                for sc in [sc for sc in load_scenarios if sc in TLSLOAD_SCENARIOS and runs_on(sc, t)]:
                    run_tlsload(tls_ports[t], sc, max(1, args.warmup // 2), load_cpus, tls)

        for sc in [sc for sc in load_scenarios if sc in H2_SCENARIOS]:
            for t in [t for t in targets if runs_on(sc, t)]:
                check_alive(procs, t, f"before its {sc} check")
                trailers = check_h2(t, tls_ports[t], sc, work)
                log(f"{sc} {t}: h2 negotiated, :status 200" + (f", trailers {'; '.join(trailers)}" if trailers else ""))

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
                    if sc in H2_SCENARIOS:
                        r = run_h2load(tls_ports[t], sc, args.duration, load_cpus, work, inner_port)
                    elif sc in TLSLOAD_SCENARIOS:
                        r = run_tlsload(tls_ports[t], sc, args.duration, load_cpus, tls)
                    else:
                        r = run_wrk(tls_ports[t] if sc in TLS_SCENARIOS else ports[t], sc, args.duration, load_cpus)
                    # The target's own CPU per request (for direct: the backend's): a client-bound
                    # run shows its requests/s capped, but not this.
                    r["cpu_us_per_req"] = ((cpu_seconds(procs[t].pid) - cpu_before) * 1e6 / r["requests"]
                                           if r["requests"] else 0.0)
                    r.update(round=rnd, scenario=sc, target=t)
                    raw.append(r)
                    log(f"round {rnd} {sc:18} {t:8} {r['rps']:10.0f} req/s  p50 {r['p50_us'] / 1000:7.3f} ms"
                        f"  p99 {r['p99_us'] / 1000:7.3f} ms  CPU {r['cpu_us_per_req']:6.1f} µs/req"
                        f" (client {r['client_cpu_us_per_req']:6.1f})"
                        + (f"  errors {r['errors']}" if r["errors"] else ""))
                    check_alive(procs, t, f"during round {rnd} of {sc}")

        access_log = None
        if "bollard-log" in targets and any(r["target"] == "bollard-log" for r in raw):
            access_log = access_log_counts(admin_ports["bollard-log"], raw)
            log(f"access log (bollard-log): {access_log['written']} lines written, {access_log['dropped']}"
                f" dropped; {access_log['requests_in_rounds']} requests in the measured rounds")

        slow = []
        if SLOW_POST in scenarios:
            slow_targets = [t for t in targets if t in SLOW_POST_TARGETS]
            log(f"slow-post: {args.slow_clients} slow-POST clients (Content-Length {args.slow_content_length},"
                f" {args.slow_first_bytes} bytes, then "
                + (f"a byte every {args.slow_trickle:g} s" if args.slow_trickle > 0 else "nothing")
                + f"), body timeout {args.slow_body_timeout} s on every proxy, alongside {SLOW_POST_LOAD}")
            for t in [t for t in slow_targets if t.startswith("bollard")]:
                log(f"  {t}: {BOLLARD_BODY_TIMEOUT_KEY} {bollard_body_timeout(procs[t])}")
            for rnd in range(1, args.slow_rounds + 1):
                for t in slow_targets:
                    check_alive(procs, t, f"before slow-post round {rnd}")
                    r = measure_slow(t, procs[t], ports[t], ports["direct"], args, load_cpus,
                                     procs[t].pid if t.startswith("bollard") else None)
                    r["round"] = rnd
                    slow.append(r)
                    log(slow_line(r))
                    check_alive(procs, t, f"during slow-post round {rnd}")
            for t in [t for t in slow_targets if t.startswith("bollard")]:
                for r in slow:
                    if r["target"] == t:
                        r["body_timeout"] = bollard_body_timeout(procs[t])

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
    summary["slow"] = summarize_slow(slow, args)
    write_results(out_dir, raw, idle, summary, slow)
    print_table(summary)
    log(f"results in {out_dir} ({elapsed:.0f}s)")

    # A speed figure never fails the run; a target that served nothing means the harness is broken.
    broken = [f"{r['target']}/{r['scenario']}" for r in raw if r["requests"] - r["errors_status"] <= 0]
    broken += [f"{r['target']}/idle" for r in idle if not r["alive"]]
    broken += [f"{r['target']}/{SLOW_POST}" for r in slow
               if not r["alive"] or not r["connected"] or r["rps_with"] <= 0]
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
        n = row["targets"].get("nginx")
        for t in [t for t in RELAY_TARGETS if t in row["targets"]]:
            if n and n["rps"]:
                row["ratios"][f"rps_{t}_over_nginx"] = row["targets"][t]["rps"] / n["rps"]
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
                     "sut_cpus": sut_cpus, "load_cpus": load_cpus, "java_opts": args.java_opts, "baseline_java_opts": args.baseline_java_opts,
                     "bollard_args": args.bollard_args, "baseline_bollard_args": args.baseline_bollard_args,
                     "jar": args.jar, "smoke": args.smoke, "elapsed_s": round(elapsed)},
        "scenarios": rows,
        "costs": costs,
        "idle": idle,
    }


def write_results(out_dir, raw, idle, summary, slow=()):
    with open(os.path.join(out_dir, "raw.csv"), "w", newline="") as f:
        cols = ["round", "scenario", "target", "rps", "p50_us", "p99_us", "cpu_us_per_req", "client_cpu_us_per_req",
                "requests", "duration_us",
                "errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"]
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in raw:
            w.writerow({**r, "rps": round(r["rps"], 1), "cpu_us_per_req": round(r.get("cpu_us_per_req", 0.0), 1),
                        "client_cpu_us_per_req": round(r.get("client_cpu_us_per_req", 0.0), 1)})
    if slow:
        with open(os.path.join(out_dir, "slow.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=SLOW_COLUMNS, extrasaction="ignore")
            w.writeheader()
            for r in slow:
                w.writerow({**r, **{k: round(r[k], 1) for k in ("rps_alone_before", "rps_with", "rps_alone_after",
                                                                 "rps_alone", "p99_alone_us")},
                            "close_after_median_s": round(r["close_after_s"]["median"], 3) if r["close_after_s"] else "",
                            "close_after_max_s": round(r["close_after_s"]["max"], 3) if r["close_after_s"] else "",
                            "statuses": " ".join(f"{k}:{v}" for k, v in sorted(r["statuses"].items()))})
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
    relays = [t for t in RELAY_TARGETS if any(f"rps_{t}_over_nginx" in row["ratios"] for row in summary["scenarios"])]
    if relays:
        lines += ["", "| scenario | " + " | ".join(f"req/s {label[t]}/nginx" for t in relays) + " |",
                  "|---|" + "---:|" * len(relays)]
        for row in summary["scenarios"]:
            r = row["ratios"]
            lines.append(f"| {row['scenario']} | " + " | ".join(
                f"{r[f'rps_{t}_over_nginx']:.2f}" if f"rps_{t}_over_nginx" in r else "–" for t in relays) + " |")
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
    if summary.get("slow"):
        lines += ["", slow_markdown(summary["slow"], label)]
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
    for v in (summary.get("slow") or {}).get("targets", []):
        print(f"slow-post {v['target']:12} " + slow_summary_line(v))
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
