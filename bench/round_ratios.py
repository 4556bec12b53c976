#!/usr/bin/env python3
"""Per-round ratios of Bollard to nginx and HAProxy from a harness run's raw.csv, as a Markdown table.

  python3 bench/round_ratios.py bench/results/raw.csv
  python3 bench/round_ratios.py RAW.csv --targets bollard,relay-codec,relay-raw [--vs nginx]
      # per target and scenario: req/s ratio to the peer per round, and CPU µs/request per round
"""
import argparse,csv,statistics,collections
ap=argparse.ArgumentParser()
ap.add_argument("raw")
ap.add_argument("--targets",help="comma-separated targets, each compared with --vs per round")
ap.add_argument("--vs",default="nginx")
a=ap.parse_args()
rows=list(csv.DictReader(open(a.raw)))
d=collections.defaultdict(dict)
for r in rows: d[(r['scenario'],r['target'])][int(r['round'])]=r
scen=[]
for r in rows:
    if r['scenario'] not in scen: scen.append(r['scenario'])
if a.targets:
    print(f"| scenario | target | req/s target/{a.vs} per round (median) | CPU µs/req per round, target | CPU µs/req per round, {a.vs} |")
    print("|---|---|---|---|---|")
    for s in scen:
        p=d.get((s,a.vs))
        if not p: continue
        for t in a.targets.split(","):
            b=d.get((s,t))
            if not b: continue
            ks=[k for k in sorted(b) if k in p]
            rs=[float(b[k]['rps'])/float(p[k]['rps']) for k in ks]
            cpu=lambda x: ", ".join(f"{float(x[k]['cpu_us_per_req']):.1f}" for k in ks)
            print(f"| {s} | {t} | "+", ".join(f"{x:.2f}" for x in rs)+f" (**{statistics.median(rs):.2f}**) | {cpu(b)} | {cpu(p)} |")
    raise SystemExit(0)
print("| scenario | Bollard/nginx req/s per round (median) | Bollard/HAProxy per round (median) | p99 Bollard/nginx, /HAProxy (medians) | CPU µs/req nginx / HAProxy / Bollard (medians) |")
print("|---|---|---|---|---|")
for s in scen:
    b=d.get((s,'bollard'))
    if not b or (s,'nginx') not in d: continue
    out=[s]
    meds=[]
    peers=[t for t in ('nginx','haproxy') if (s,t) in d]
    for peer in ('nginx','haproxy'):
        if peer not in peers:
            out.append("–")  # the peer was not in this run
            continue
        p=d[(s,peer)]
        rs=[float(b[k]['rps'])/float(p[k]['rps']) for k in sorted(b) if k in p]
        out.append(", ".join(f"{x:.2f}" for x in rs)+f" (**{statistics.median(rs):.2f}**)")
    med=lambda t,f: statistics.median(float(x[f]) for x in d[(s,t)].values())
    out.append(", ".join(f"{med('bollard','p99_us')/med(t,'p99_us'):.2f}" if t in peers else "–" for t in ('nginx','haproxy')))
    out.append(" / ".join(f"{med(t,'cpu_us_per_req'):.1f}" if t in peers or t=='bollard' else "–" for t in ('nginx','haproxy','bollard')))
    print("| "+" | ".join(out)+" |")
