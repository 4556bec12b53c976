"""Idle RSS and time to /readyz of `bollard run` on the bundled examples with the image's JVM settings.

Trains a CDS archive as the Dockerfile does (start, /readyz, one request, SIGTERM), then per run:
start with the archive, time from launch to /readyz 200, one request through the proxy, 7 s idle,
VmRSS from /proc/PID/status, and where that RSS sits (/proc/PID/smaps: Java heap, malloc's arenas,
the CDS archives, code cache, the rest). Ports 9000 (the echo backend the examples point at), 29080,
29443 and 29090 must be free (below Linux's ephemeral range: a load generator's client sockets in
TIME_WAIT on a port of that range made the bind fail).

  python3 bench/idle_rss.py JAR RUNS [bollard run options, e.g. --io-threads N]
  python3 bench/idle_rss.py --variant 'NAME=JAR[::OPTIONS]' --variant ... RUNS [bollard run options]

With variants, the runs alternate between them (run 1 of each, then run 2 of each, ...). OPTIONS is
a space-separated list of JVM options added after the image's (`jvm.options` below), plus:
  env:NAME=VALUE    an environment variable (MALLOC_ARENA_MAX is 2 unless set so)
  replace:          the OPTIONS that follow replace the image's options instead of adding to them
  archive:dynamic   (default) a dynamic archive from the training run (-XX:ArchiveClassesAtExit),
                    mapped on top of the JDK's base archive, as the image does today
  archive:static    a static archive of the training run's class list instead (one archive for the
                    JDK's and the jar's classes: -XX:DumpLoadedClassList, then -Xshare:dump with
                    -XX:SharedClassListFile)
  archive:none      the JDK's base archive only
"""
import subprocess, time, urllib.request, os, sys, statistics, signal, re, shlex

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP = os.environ.get("TMPDIR", "/tmp")
# The image's settings: the Dockerfile's /opt/bollard/jvm.options (keep the two the same).
def image_opts():
    with open(os.path.join(ROOT, "Dockerfile")) as f:
        text = f.read()
    m = re.search(r"COPY <<'EOF' /opt/bollard/jvm.options\n(.*?)\nEOF", text, re.S)
    return m.group(1).split()
OPTS = image_opts()

def parse(argv):
    variants, rest = [], []
    i = 0
    while i < len(argv):
        if argv[i] == "--variant":
            variants.append(argv[i + 1]); i += 2
        else:
            rest.append(argv[i]); i += 1
    if not variants:
        jar, runs, extra = rest[0], int(rest[1]), rest[2:]
        variants = [f"{os.path.basename(jar)}={jar}"]
    else:
        runs, extra = int(rest[0]), rest[1:]
    out = []
    for spec in variants:
        name, _, v = spec.partition("=")
        jar, _, opts = v.partition("::")
        env, jvm, archive, replace = {"MALLOC_ARENA_MAX": "2"}, [], "dynamic", False
        for tok in shlex.split(opts):
            if tok.startswith("env:"):
                k, _, val = tok[4:].partition("="); env[k] = val
            elif tok.startswith("archive:"):
                archive = tok[8:]
            elif tok == "replace:":
                replace = True
            else:
                jvm.append(tok)
        out.append(dict(name=name, jar=jar, jvm=(jvm if replace else OPTS + jvm), env=env,
                        archive=archive))
    return out, runs, extra

ARGS = ["run", "--manifests", os.path.join(ROOT, "examples"), "--access-log", "off",
        "--with-echo-backend", "127.0.0.1:9000", "--listen", "127.0.0.1:29080",
        "--https-listen", "127.0.0.1:29443", "--admin-listen", "127.0.0.1:29090"]

def ready(p, t0):
    while True:
        try:
            if urllib.request.urlopen("http://127.0.0.1:29090/readyz", timeout=1).status == 200:
                return time.time() - t0
        except Exception:
            pass
        if p.poll() is not None:
            raise SystemExit(f"exited with {p.returncode} before /readyz (port in use?)")
        if time.time() - t0 > 30:
            p.kill(); raise SystemExit("not ready")
        time.sleep(0.01)

def hello():
    req = urllib.request.Request("http://127.0.0.1:29080/hello", headers={"Host": "demo.localhost"})
    return urllib.request.urlopen(req, timeout=5).status

def train(v, i, extra):
    """The Dockerfile's training run; returns the JVM options that map the archive."""
    env = dict(os.environ, **v["env"])
    base = os.path.join(TMP, f"bollard-idle-rss-{i}")
    if v["archive"] == "none":
        return []
    if v["archive"] == "dynamic":
        jsa = base + ".jsa"
        record = [f"-XX:ArchiveClassesAtExit={jsa}"]
    else:
        jsa, lst = base + "-static.jsa", base + ".classlist"
        record = [f"-XX:DumpLoadedClassList={lst}"]
    for f in (jsa,):
        if os.path.exists(f):
            os.remove(f)
    p = subprocess.Popen(["java", *v["jvm"], *record, "-jar", v["jar"], *ARGS, *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ready(p, time.time()); hello(); p.send_signal(signal.SIGTERM); p.wait()
    if v["archive"] == "static":
        subprocess.run(["java", *v["jvm"], "-Xshare:dump", f"-XX:SharedClassListFile={lst}",
                        f"-XX:SharedArchiveFile={jsa}", "-cp", v["jar"]],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    print(v["name"], "archive", round(os.path.getsize(jsa) / 2**20, 1), "MiB", flush=True)
    return [f"-XX:SharedArchiveFile={jsa}"]

def breakdown(pid):
    """RSS by kind of mapping, MiB: heap (anonymous, below the compressed-oops limit), malloc
    ([heap] and glibc's arena heaps), cds (*.jsa), code (anonymous rwx), other."""
    kinds = dict(heap=0, malloc=0, cds=0, code=0, other=0)
    kind = "other"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$", line)
            if m:
                lo, hi, perms, path = int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4)
                if path.endswith(".jsa"):
                    kind = "cds"
                elif path == "[heap]":
                    kind = "malloc"
                elif path == "" and "x" in perms:
                    kind = "code"
                elif path == "" and lo < 0x800000000:
                    kind = "heap"
                elif path == "" and lo % (64 << 20) == 0 and is_arena(pid, lo):
                    kind = "malloc"  # a glibc arena's heap: 64 MiB-aligned, starts with heap_info
                else:
                    kind = "other"
            elif line.startswith("Rss:"):
                kinds[kind] += int(line.split()[1]) / 1024
    return {k: round(v, 1) for k, v in kinds.items()}

def is_arena(pid, lo):
    """glibc's heap_info at the start of a non-main arena's first heap points to the arena
    itself, which follows it (0x20 to 0x30 bytes on, by glibc version)."""
    try:
        with open(f"/proc/{pid}/mem", "rb") as m:
            m.seek(lo)
            return lo < int.from_bytes(m.read(8), "little") <= lo + 0x40
    except OSError:
        return False

def main():
    variants, runs, extra = parse(sys.argv[1:])
    archives = [train(v, i, extra) for i, v in enumerate(variants)]
    res = {v["name"]: ([], []) for v in variants}
    for r in range(runs):
        for v, arch in zip(variants, archives):
            env = dict(os.environ, **v["env"])
            t0 = time.time()
            p = subprocess.Popen(["java", *arch, *v["jvm"], "-jar", v["jar"], *ARGS, *extra],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            w = ready(p, t0); st = hello(); time.sleep(7)
            with open(f"/proc/{p.pid}/status") as f:
                rss = int([l for l in f if l.startswith("VmRSS")][0].split()[1]) / 1024
            parts = breakdown(p.pid)
            p.terminate(); p.wait()
            res[v["name"]][0].append(rss); res[v["name"]][1].append(w)
            print(r, v["name"], st, f"ready {w:.2f} s", f"rss {rss:.1f} MiB", parts, flush=True)
    for v in variants:
        rss, rdy = res[v["name"]]
        print(v["name"], "ready median", round(statistics.median(rdy), 2), [round(x, 2) for x in rdy])
        print(v["name"], "rss median", round(statistics.median(rss), 1), [round(x, 1) for x in rss])

main()
