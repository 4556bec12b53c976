#!/usr/bin/env python3
"""Per-round ratios of Bollard to nginx and HAProxy from a harness run's raw.csv, as a Markdown table.

  python3 bench/round_ratios.py bench/results/raw.csv
"""
import csv,sys,statistics,collections
rows=list(csv.DictReader(open(sys.argv[1])))
d=collections.defaultdict(dict)
for r in rows: d[(r['scenario'],r['target'])][int(r['round'])]=r
scen=[]
for r in rows:
    if r['scenario'] not in scen: scen.append(r['scenario'])
print("| scenario | Bollard/nginx req/s per round (median) | Bollard/HAProxy per round (median) | p99 Bollard/nginx, /HAProxy (medians) | CPU µs/req nginx / HAProxy / Bollard (medians) |")
print("|---|---|---|---|---|")
for s in scen:
    b=d.get((s,'bollard'))
    if not b or (s,'nginx') not in d: continue
    out=[s]
    meds=[]
    for peer in ('nginx','haproxy'):
        p=d[(s,peer)]
        rs=[float(b[k]['rps'])/float(p[k]['rps']) for k in sorted(b) if k in p]
        out.append(", ".join(f"{x:.2f}" for x in rs)+f" (**{statistics.median(rs):.2f}**)")
    med=lambda t,f: statistics.median(float(x[f]) for x in d[(s,t)].values())
    out.append(f"{med('bollard','p99_us')/med('nginx','p99_us'):.2f}, {med('bollard','p99_us')/med('haproxy','p99_us'):.2f}")
    out.append(f"{med('nginx','cpu_us_per_req'):.1f} / {med('haproxy','cpu_us_per_req'):.1f} / {med('bollard','cpu_us_per_req'):.1f}")
    print("| "+" | ".join(out)+" |")
