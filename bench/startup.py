#!/usr/bin/env python3
"""Start-up cost of `bollard run` on the bundled examples: process CPU time and wall time from
launch until /readyz answers 200.

Each variant is LABEL=JAR or LABEL=JAR::JVM-OPTIONS (options split on spaces). Variants run
interleaved (round 1: every variant, round 2: every variant, ...), so a machine whose load changes
during the run hurts each variant alike. CPU time is utime + stime of the JVM from /proc/PID/stat
(every thread: JIT compilers, GC, class loading), read the moment /readyz first says 200.

  python3 bench/startup.py --runs 5 before=/tmp/before.jar after=ingress-controller/target/bollard.jar
  python3 bench/startup.py after-cds=bollard.jar::-XX:SharedArchiveFile=/tmp/bollard.jsa
"""

import argparse
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces: the fields after it start after the last ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name and state.
    return (int(fields[11]) + int(fields[12])) / TICKS


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def one_run(jar, jvm_options, manifests, timeout):
    admin, http, https, echo = free_port(), free_port(), free_port(), free_port()
    command = ["java", *jvm_options, "-jar", jar, "run", "--manifests", manifests,
               "--with-echo-backend", f"127.0.0.1:{echo}", "--listen", f"127.0.0.1:{http}",
               "--https-listen", f"127.0.0.1:{https}", "--admin-listen", f"127.0.0.1:{admin}",
               "--access-log", "off"]
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while time.monotonic() - start < timeout:
            if process.poll() is not None:
                raise RuntimeError("bollard exited with %d: %s" % (
                    process.returncode, process.stderr.read().decode(errors="replace")[-2000:]))
            if ready(admin):
                cpu = cpu_seconds(process.pid)
                return cpu, time.monotonic() - start
            time.sleep(0.01)  # probe interval
        raise RuntimeError(f"not ready within {timeout}s: {' '.join(command)}")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="+", help="LABEL=JAR[::JVM-OPTIONS]")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--manifests", default="examples")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    variants = []
    for spec in args.variants:
        label, _, rest = spec.partition("=")
        jar, _, options = rest.partition("::")
        variants.append((label, jar, shlex.split(options)))
    results = {label: [] for label, _, _ in variants}
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    for run in range(1, args.runs + 1):
        for label, jar, options in variants:
            cpu, wall = one_run(jar, options, args.manifests, args.timeout)
            results[label].append((cpu, wall))
            print(f"run {run} {label}: cpu {cpu:.2f}s wall {wall:.2f}s (load {os.getloadavg()[0]:.1f})",
                  file=sys.stderr, flush=True)
    print("| variant | runs | CPU s to /readyz (median, min-max) | wall s to /readyz (median, min-max) |")
    print("|---|---|---|---|")
    for label, _, _ in variants:
        cpus = [c for c, _ in results[label]]
        walls = [w for _, w in results[label]]
        print(f"| {label} | {len(cpus)} | {statistics.median(cpus):.2f} ({min(cpus):.2f}-{max(cpus):.2f})"
              f" | {statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f}) |")


if __name__ == "__main__":
    main()
