#!/usr/bin/env bash
# Capacity on this machine (issue 14): the same wrk load against
#   single   one node, Localhost membership (no fencing, no shared-record poll): the single-node baseline
#   node1    one node of a Redis cluster (fencing and the shared-record poll on): what cluster mode costs a node
#   nodes3   three nodes of one Redis cluster, one wrk per node at the same total connections
# all on PostgreSQL. On a 2-core machine three nodes share the cores one node had, so this shows the per-node cost of
# cluster mode and the cross-node hop, not scale-out (docs/benchmarks.md, "Capacity").
# Usage: bash loadtests/cluster-capacity.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-15}
. tests/postgres.sh
. tests/redis.sh
command -v wrk >/dev/null || apt_install wrk
work=$(mktemp -d /tmp/pe-capacity.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; stop_throwaway_postgres; stop_throwaway_redis; rm -rf "$work"; }
trap cleanup EXIT
start_throwaway_postgres
start_throwaway_redis
dotnet build src/PersonalizationEngine.Gateway -c Release -v q -nologo >/dev/null
bin=$root/src/PersonalizationEngine.Gateway/bin/Release/net10.0
key=capacity-admin-key-0123456789
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
master=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
out=loadtests/results/capacity-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"

start_node() { # i provider schema cluster
  local i=$1 provider=$2 schema=$3 cluster=$4 port=$((5300 + $1))
  Storage__Provider=Postgres ConnectionStrings__Postgres="$PE_TEST_POSTGRES" Storage__Postgres__Schema=$schema \
  Cluster__Provider=$provider ConnectionStrings__Redis="$PE_TEST_REDIS" Cluster__ClusterId=$cluster Cluster__AdvertisedAddress=127.0.0.1 \
  Cluster__SiloPort=$(free_port) Cluster__GatewayPort=$(free_port) Auth__AdminKey=$key Engine__MasterKey=$master \
  Logging__LogLevel__Default=Warning RateLimits__PermitsPerSecond=10000000 Decisioning__ControlShare=0 ASPNETCORE_ENVIRONMENT=Production \
    dotnet $bin/PersonalizationEngine.Gateway.dll --urls http://127.0.0.1:$port --contentRoot $bin >"$out/node$i-$schema.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "node $i did not start" >&2; tail -20 "$out/node$i-$schema.log" >&2; return 1
}
stop_nodes() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
seed() { # url
  for b in $(seq 0 49); do
    body=$(for i in $(seq 1 100); do n=$((b * 100 + i)); printf '{"eventId":"seed-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"purchase","timestamp":"%s","properties":{"amount":40,"currency":"GBP","category":"shoes"}},' $n $n "$stamp"; done)
    curl -fs -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$1/api/v1/events" -d "[${body%,}]"
  done
}
run_wrk() { # label nodes scenario  (connections split over the nodes)
  local label=$1 n=$2 scenario=$3 conns threads i
  if [ "$scenario" = nbo ]; then conns=32; else conns=16; fi
  threads=$(( n == 1 ? 2 : 1 ))
  for i in $(seq 0 $((n - 1))); do
    if [ "$scenario" = nbo ]; then
      KEY=$key CUSTOMERS=5000 wrk -t$threads -c$((conns / n)) -d${secs}s --latency -s loadtests/wrk/nbo.lua http://127.0.0.1:$((5300 + i)) >"$out/$label-$scenario-$i.txt" &
    else
      # A distinct valid timestamp per wrk process and run: it is also part of every event id, so no run repeats another's ids.
      KEY=$key CUSTOMERS=5000 BATCH=100 STAMP=$(date -u -d "+$i sec" +%Y-%m-%dT%H:%M:%SZ) wrk -t$threads -c$((conns / n)) -d${secs}s --latency -s loadtests/wrk/ingest.lua http://127.0.0.1:$((5300 + i)) >"$out/$label-$scenario-$i.txt" &
    fi
  done
  wait $(jobs -p | grep -v -w -F "$(printf '%s\n' "${pids[@]}")") 2>/dev/null || true
  sleep 0.5
  python3 - "$out" "$label" "$scenario" "$n" <<'PY'
import re, sys, glob
out, label, scenario, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rps = 0.0; p99 = []
for f in sorted(glob.glob(f"{out}/{label}-{scenario}-*.txt")):
    t = open(f).read()
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
    if m: p99.append(float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)])
bad = sum(int(m) for f in glob.glob(f"{out}/{label}-{scenario}-*.txt") for m in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", open(f).read()))
if bad: print(f"WARNING: {bad} responses were not 2xx in {label} {scenario}")
unit = "events/s" if scenario == "ingest" else "req/s"
value = rps * 100 if scenario == "ingest" else rps
print(f"{label:8} {scenario:7} {n} node(s): {value:10,.0f} {unit}   p99 {max(p99) if p99 else float('nan'):.1f} ms")
with open(f"{out}/summary.txt", "a") as s: s.write(f"{label} {scenario} {n} {value:.0f} {max(p99) if p99 else 0:.2f}\n")
PY
}
measure() { # label n
  seed http://127.0.0.1:5300
  run_wrk "$1-warm" "$2" nbo >/dev/null; run_wrk "$1-warm" "$2" ingest >/dev/null
  run_wrk "$1" "$2" nbo; run_wrk "$1" "$2" ingest
}
printf '\n== single node, Localhost membership\n'
start_node 0 Localhost single single; measure single 1; stop_nodes
printf '\n== one node of a Redis cluster (fencing, shared-record poll)\n'
start_node 0 Redis node1 cap1; measure node1 1; stop_nodes
printf '\n== three nodes of one Redis cluster\n'
start_node 0 Redis nodes3 cap3; start_node 1 Redis nodes3 cap3; start_node 2 Redis nodes3 cap3; measure nodes3 3; stop_nodes
printf '\nfigures in %s/summary.txt\n' "$out"
