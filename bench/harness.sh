#!/usr/bin/env bash
# Side-by-side load harness: Bollard against nginx and HAProxy on this machine.
#   bench/harness.sh [--smoke] [--jar PATH] [--targets direct,nginx,haproxy,bollard] [--scenarios …]
#                    [--relay-jar PATH] (targets relay-codec, relay-raw, relay-codec-epoll, relay-raw-epoll:
#                    the bench module's minimal relay, plain HTTP/1.1 scenarios only)
#                    [--slow-clients N] [--slow-body-timeout S] [--help]
# Installs what it needs from Debian if missing, then runs bench/harness.py, which starts and
# stops every server. See docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # the TLS scenario's certificate
command -v h2load >/dev/null 2>&1 && command -v nghttp >/dev/null 2>&1 || need+=(nghttp2-client)  # h2load, nghttp
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if ((${#need[@]})); then
  echo "[harness] installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian's packages may start the stock services; the harness runs its own instances.
  for svc in nginx haproxy; do
    if [[ " ${need[*]} " == *" $svc "* ]] && command -v service >/dev/null 2>&1; then
      service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi

# 10,000 idle connections (and 2,000 slow clients, two descriptors each through a proxy that forwards
# them) need more than the usual 1,024 descriptors; take what the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
"$python" "$here/harness.py" "$@" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
wait "$pid"
