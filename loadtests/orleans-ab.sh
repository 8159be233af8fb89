#!/usr/bin/env bash
# A/B of the Orleans migration (issue 13): the last pre-Orleans commit against the current tree, in one run, with wrk
# as the generator (a light C tool, so the figures show the servers, not the generator). Both engines run the same
# way (embedded SQLite store, demo catalogue, 10,000 customers seeded), alternately, ROUNDS times each:
#   NBO closed loop  GET next-best-offer for random known customers, wrk -t2 -c32
#   ingest           POST /api/v1/events, batches of 100 events with unique ids, wrk -t2 -c16
# The current tree runs twice per round: as configured by default (log-first ingestion: 2xx once durable in the ingest
# log) and with Ingest:Acknowledge=Applied (2xx once applied, as the old code). Per ingest run it also reads the events
# applied (pe_events_total{outcome="accepted"}) until the backlog (pe_ingest_backlog_events) is empty: the sustained rate.
# Usage: bash loadtests/orleans-ab.sh [old commit, default 757b6d8] [seconds per run, default 15] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
old=${1:-757b6d8}; secs=${2:-15}; rounds=${3:-2}
out=${OUT:-$root/loadtests/results/orleans-ab-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
oldtree=$(mktemp -d)/old
git worktree add -q --detach "$oldtree" "$old"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; git worktree remove --force "$oldtree" >/dev/null 2>&1 || true; }
trap cleanup EXIT
for t in "$oldtree" "$root"; do (cd "$t" && dotnet build src/PersonalizationEngine.Gateway -c Release -v q -nologo >/dev/null); done
key=ab-admin-key-0123456789abcdef
url=http://127.0.0.1:5095
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)

start() { # tree [acknowledgement]
  local bin=$1/src/PersonalizationEngine.Gateway/bin/Release/net10.0 db; db=$(mktemp -d)
  env ${2:+Ingest__Acknowledge=$2} Storage__Provider=Sqlite Storage__Sqlite__Path=$db/engine.db Auth__AdminKey=$key Logging__LogLevel__Default=Warning \
    Demo__Enabled=true Demo__WriteKey=ab-write-key-0123456789abc Auth__WriteKeys__demo=ab-write-key-0123456789abc RateLimits__PermitsPerSecond=10000000 \
    dotnet $bin/PersonalizationEngine.Gateway.dll --urls $url --contentRoot $bin >"$out/engine.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -fs $url/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
  # 10,000 customers, one event each, in batches of 100.
  for b in $(seq 0 99); do
    body=$(for i in $(seq 1 100); do n=$((b * 100 + i)); printf '{"eventId":"seed-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"purchase","timestamp":"%s","properties":{"amount":40,"currency":"GBP","category":"shoes"}},' $n $n "$stamp"; done)
    curl -fs -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$url/api/v1/events?wait=applied" -d "[${body%,}]"
  done
  # Steady state (tiered JIT): 10 s of each route first.
  KEY=$key CUSTOMERS=10000 wrk -t2 -c32 -d10s -s loadtests/wrk/nbo.lua $url >/dev/null
  KEY=$key CUSTOMERS=10000 BATCH=100 STAMP=$stamp wrk -t2 -c16 -d10s -s loadtests/wrk/ingest.lua $url >/dev/null
  drained # log-first ingestion applies behind the acknowledgement: nothing of the warm-up may overlap a measurement
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=; }  # SIGTERM: a background job ignores SIGINT
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
applied() { # events applied so far and the backlog (0 where the gauge does not exist)
  curl -fs -H "Authorization: Bearer $key" $url/metrics | awk '/^pe_events_total\{.*outcome="accepted"/ {v=$2} /^pe_ingest_backlog_events/ {b=$2} END {printf "%d %d\n", v, b}'
}
drained() { local a b; for _ in $(seq 600); do read -r a b < <(applied); [ "${b:-0}" = 0 ] && return; sleep 0.2; done; }
measure() { # name tree round [acknowledgement]
  local name=$1 tree=$2 r=$3
  start "$tree" "${4:-}"
  local c0 c1 rss a0 a1 t0 t1
  c0=$(cpu)
  KEY=$key CUSTOMERS=10000 wrk -t2 -c32 -d${secs}s --latency -s loadtests/wrk/nbo.lua $url >"$out/$name-nbo-$r.txt"
  c1=$(cpu)
  echo "cpu_ticks $((c1 - c0))" >>"$out/$name-nbo-$r.txt"
  drained; sleep 1.5; read -r a0 _ < <(applied); t0=$(date +%s.%N)
  c0=$(cpu)
  KEY=$key CUSTOMERS=10000 BATCH=100 STAMP=$stamp wrk -t2 -c16 -d${secs}s --latency -s loadtests/wrk/ingest.lua $url >"$out/$name-ingest-$r.txt"
  drained; t1=$(date +%s.%N); c1=$(cpu); sleep 1.5; read -r a1 _ < <(applied)
  echo "cpu_ticks $((c1 - c0))" >>"$out/$name-ingest-$r.txt"
  awk -v a="$((a1 - a0))" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "applied_events %d\nsustained_events_per_s %.0f\n", a, a / (t1 - t0)}' >>"$out/$name-ingest-$r.txt"
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  echo "rss_mb $rss" >>"$out/$name-ingest-$r.txt"
  stop
}
for r in $(seq 1 "$rounds"); do
  printf '\n== round %s: old (%s)\n' "$r" "$old"; measure old "$oldtree" "$r"
  printf '== round %s: new (%s)\n' "$r" "$(git rev-parse --short HEAD)"; measure new "$root" "$r"
  printf '== round %s: new, Ingest:Acknowledge=Applied\n' "$r"; measure new-applied "$root" "$r" Applied
done

val() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
p99() { awk '/ 99%/ {print $2}' "$1"; }
printf '\n| run | NBO req/s (2xx) | NBO p99 | NBO CPU us/req | ingest acknowledged events/s (2xx) | ingest p99 | non-2xx | sustained events/s (applied, incl. drain) | CPU us/applied event |\n|---|---|---|---|---|---|---|---|---|\n' | tee "$out/summary.md"
for r in $(seq 1 "$rounds"); do
  for n in old new new-applied; do
    f=$out/$n-nbo-$r.txt g=$out/$n-ingest-$r.txt
    printf '| %s %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$r" "$(val "$f" lua_requests_per_s)" "$(p99 "$f")" \
      "$(awk -v t="$(val "$f" cpu_ticks)" -v n="$(val "$f" lua_ok)" 'BEGIN {printf "%.0f", t * 10000 / n}')" \
      "$(val "$g" lua_events_per_s)" "$(p99 "$g")" "$(val "$g" lua_non2xx)" "$(val "$g" sustained_events_per_s)" \
      "$(awk -v t="$(val "$g" cpu_ticks)" -v n="$(val "$g" applied_events)" 'BEGIN {if (n > 0) printf "%.1f", t * 10000 / n}')" | tee -a "$out/summary.md"
  done
done
echo "results in $out"
