"""Idle RSS and time to /readyz of `bollard run` on the bundled examples with the image's JVM settings.

Trains a dynamic AppCDS archive as the Dockerfile does (start, /readyz, one request, SIGTERM), then
per run: start with the archive, time from launch to /readyz 200, one request through the proxy,
7 s idle, VmRSS from /proc/PID/status. Ports 9000 (the echo backend the examples point at),
39080, 39443 and 39090 must be free.

  MALLOC_ARENA_MAX is set to 2 as in the image.
  python3 bench/idle_rss.py JAR RUNS [--io-threads N]
"""
import subprocess, time, urllib.request, os, sys, statistics, signal
jar=sys.argv[1]; runs=int(sys.argv[2]); extra=sys.argv[3:]
jsa=os.path.join(os.environ.get("TMPDIR", "/tmp"), "bollard-idle-rss.jsa")
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPTS="-XX:+UseSerialGC -Xms16m -XX:MaxRAMPercentage=75 -XX:TrimNativeHeapInterval=5000 -XX:CompileThresholdScaling=2 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.io.tmpdir=/tmp".split()
env=dict(os.environ, MALLOC_ARENA_MAX="2")
ARGS=["run","--manifests",os.path.join(ROOT, "examples"),"--access-log","off","--with-echo-backend","127.0.0.1:9000",
      "--listen","127.0.0.1:39080","--https-listen","127.0.0.1:39443","--admin-listen","127.0.0.1:39090",*extra]
def ready(p,t0):
    while True:
      try:
        if urllib.request.urlopen("http://127.0.0.1:39090/readyz",timeout=1).status==200: return time.time()-t0
      except Exception: pass
      if time.time()-t0>30: p.kill(); raise SystemExit("not ready")
      time.sleep(0.01)
def hello():
    return urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:39080/hello",headers={"Host":"demo.localhost"}),timeout=5).status
# training run, as the Dockerfile's
if os.path.exists(jsa): os.remove(jsa)
p=subprocess.Popen(["java",*OPTS,f"-XX:ArchiveClassesAtExit={jsa}","-jar",jar,*ARGS],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,env=env)
ready(p,time.time()); hello(); p.send_signal(signal.SIGTERM); p.wait()
print("archive", os.path.getsize(jsa)//1024//1024, "MiB", flush=True)
rss=[]; rdy=[]
for r in range(runs):
    t0=time.time()
    p=subprocess.Popen(["java",f"-XX:SharedArchiveFile={jsa}",*OPTS,"-jar",jar,*ARGS],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,env=env)
    w=ready(p,t0); st=hello(); time.sleep(7)
    v=int([l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1])/1024
    p.terminate(); p.wait(); rss.append(v); rdy.append(w)
    print(r, st, f"ready {w:.2f} s", f"rss {v:.1f} MiB", flush=True)
print("ready median", round(statistics.median(rdy),2), [round(x,2) for x in rdy])
print("rss median", round(statistics.median(rss),1), [round(x,1) for x in rss])
