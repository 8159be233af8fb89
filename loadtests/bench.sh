#!/usr/bin/env bash
# Reproduces the HTTP figures of docs/benchmarks.md on this machine: the engine (on PostgreSQL) against the
# bare-Kestrel floor and the stateless-PostgreSQL baseline, measured in the same run with the same generator.
# Starts a throwaway PostgreSQL (or uses PE_TEST_POSTGRES), the three servers, runs the scenarios, prints the
# tables and leaves the JSON results and the spike plot in $OUT (default loadtests/results/<UTC timestamp>).
# Usage: bash loadtests/bench.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-10}
out=${OUT:-$root/loadtests/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
. tests/postgres.sh

pids=()
cleanup() {
  status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_throwaway_postgres
  exit $status
}
trap cleanup EXIT

[ -n "${PE_TEST_POSTGRES:-}" ] || start_throwaway_postgres
pg="$PE_TEST_POSTGRES"

printf '\n== building (Release)\n'
for p in src/PersonalizationEngine.Gateway loadtests/PersonalizationEngine.LoadGen loadtests/PersonalizationEngine.Baselines; do
  dotnet build "$p" -c Release -v q -nologo >/dev/null
done
L="dotnet loadtests/PersonalizationEngine.LoadGen/bin/Release/net10.0/pe-load.dll"
B="dotnet loadtests/PersonalizationEngine.Baselines/bin/Release/net10.0/pe-baseline.dll"
admin=bench-admin-key-0123456789
write=bench-write-key-0123456789
schema=bench_$(date -u +%Y%m%d%H%M%S)
engine=http://127.0.0.1:5090 floor=http://127.0.0.1:5181 stateless=http://127.0.0.1:5182

printf '\n== starting engine (PostgreSQL), floor and stateless-pg\n'
start_engine() {
  Storage__Provider=Postgres ConnectionStrings__Postgres="$pg;Maximum Pool Size=64" Storage__Postgres__Schema=$schema \
    Auth__AdminKey=$admin Auth__WriteKeys__bench=$write Auth__WriteKeys__bench__Trust=server Logging__LogLevel__Default=Warning Demo__Enabled=true Demo__WriteKey=$write \
    exec dotnet src/PersonalizationEngine.Gateway/bin/Release/net10.0/PersonalizationEngine.Gateway.dll --urls $engine --contentRoot "$(pwd)"/src/PersonalizationEngine.Gateway/bin/Release/net10.0
}
start_engine >"$out/engine.log" 2>&1 &
pids+=($!); engine_pid=$!
$B floor --urls $floor >"$out/floor.log" 2>&1 & pids+=($!)
$B stateless-pg --urls $stateless --ConnectionStrings:Postgres "$pg;Maximum Pool Size=64" >"$out/stateless.log" 2>&1 & pids+=($!)
for u in $engine/health/ready $floor/api/v1/customers/user_id:u1/next-best-offer; do
  for _ in $(seq 120); do curl -fs "$u" >/dev/null 2>&1 && break; sleep 0.5; done
done

rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$engine_pid/status; }
cmp() { # name, pe-load compare arguments...
  local name=$1; shift
  printf '\n== %s\n' "$name"
  $L compare --target engine=$engine --target floor=$floor --target stateless-pg=$stateless \
    --key $admin --write-key $write --duration "$secs" --quiet --json-out "$out/$name.json" "$@" | tee "$out/$name.md"
}

# The engine runs with the demo catalogue (5 offers with rules and a contact policy), so NBO answers do real work.
# 10,000 customers known to the engine and to the baseline's table (uniform, so every one exists).
cmp seed --scenario ingest --customers 10000 --zipf 0 --batch-size 100 --concurrency 16 --connections 16
echo "engine RSS after seeding: $(rss) MB"
# Steady state, not start-up: .NET compiles methods again, optimised, once they are hot (tiered compilation),
# which on this machine keeps the JIT busy for 10-20 s of load. Every target gets the same warm-up on every
# route measured below before anything is measured (each run then has its own 2 s warm-up as well).
printf '\n== warm-up: 20 s of mixed load and 5 s of Segment batches on each target (not measured)\n'
for url in $engine $floor $stateless; do
  $L mixed --url $url --key $admin --customers 10000 --batch-size 20 --concurrency 32 --connections 32 --duration 20 --quiet >/dev/null || true
  $L segment-batch --url $url --key $admin --write-key $write --customers 10000 --concurrency 32 --connections 32 --duration 5 --quiet >/dev/null || true
done
cmp ingest-native --scenario ingest --customers 10000 --batch-size 100 --concurrency 32 --connections 32 --warmup 2
cmp ingest-segment --scenario segment-batch --customers 10000 --batch-size 20 --concurrency 32 --connections 32 --warmup 2
cmp nbo-closed --scenario nbo --customers 10000 --concurrency 32 --connections 32 --warmup 2
cmp nbo-open-10k --scenario nbo --customers 10000 --rate 10000 --connections 64 --warmup 2
# Mixed, open loop: 80% batches of 10 events, 20% NBO queries, Zipf customers: 8,000 events/s + 200 queries/s.
cmp mixed-open --scenario mixed --customers 10000 --rate 1000 --batch-size 10 --connections 64 --warmup 2

printf '\n== spike: engine, mixed (batches of 10) 500 -> 5,000 req/s for 30 s, i.e. 4,000 -> 40,000 events/s\n'
rss_before=$(rss)
$L spike --url $engine --key $admin --customers 100000 --rate 500 --batch-size 10 --spike-factor 10 --spike-at 10 --spike-length 30 \
  --duration 60 --connections 1000 --json-out "$out/spike.json" --plot-out "$out/spike.svg" | tail -n 25 | tee "$out/spike.md"
echo "engine RSS before spike ${rss_before} MB, after $(rss) MB" | tee -a "$out/spike.md"
curl -fs -H "Authorization: Bearer $admin" $engine/api/v1/stats > "$out/engine-stats.json" || true

printf '\n== restart to ready with every customer above in storage (SIGKILL, start, poll /health/ready)\n'
kill -9 $engine_pid; wait $engine_pid 2>/dev/null || true
t0=$(date +%s.%N)
start_engine >>"$out/engine.log" 2>&1 & pids+=($!)
until curl -fs $engine/health/ready >/dev/null 2>&1; do sleep 0.05; done
t1=$(date +%s.%N)
profiles=$(psql "postgresql://${pg_user:-postgres}@127.0.0.1:$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$pg")/postgres" -Atc \
  "select count(*) from (select grain_key from $schema.grain_state where grain_type = 'customer' union select stream_key from $schema.journal) t" 2>/dev/null || echo '?')
echo "restart to ready: $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s with $profiles customer records in storage" | tee "$out/restart.md"
printf '\n== results in %s\n' "$out"
