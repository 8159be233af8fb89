#!/usr/bin/env bash
# The throughput bench of issue 16, in one run: the engine against its references on the same machine, with wrk (a
# light C generator, Lua scripts in loadtests/wrk) and with pe-load, on the embedded SQLite store and on PostgreSQL.
#   ingest    POST /api/v1/events, 100 events per request for random customers among 50,000, unique event ids,
#             engine vs the naive durable logger on the same store (pe-baseline naive-logger: a row per event, a
#             transaction per request, 200 after commit)
#   Segment   POST /v1/batch, 20 track messages per request, engine vs the naive logger
#   sustained events applied by the engine (counter pe_events_total{outcome="accepted"} on /metrics) over the load
#             and the time its backlog (gauge pe_ingest_backlog_events) takes to drain after it; engine CPU per event
#   NBO       next best offer for 10,000 seeded customers, engine vs the bare-Kestrel floor vs stateless-pg at equal
#             connections (wrk -t2 -c64, pe-load 64 workers), and p99 at 10,000 req/s open loop (pe-load)
# then, on PostgreSQL, the earlier figures: mixed open loop, the spike and the restart (EXTRAS=0 skips them).
# Prints one markdown table of the issue's targets (engine, reference, ratio, target, met) and leaves every raw
# result in $OUT (default loadtests/results/<UTC timestamp>). docs/bench-harness.md explains each column.
# Usage: bash loadtests/bench.sh [seconds per run, default 10]
#   env: WARMUP (seconds of warm-up per target and route, default = seconds per run), STORES ("sqlite postgres"),
#        EXTRAS (1), PE_TEST_POSTGRES (use this server instead of a throwaway one)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-10}
warm=${WARMUP:-$secs}
stores=${STORES:-sqlite postgres}
extras=${EXTRAS:-1}
out=${OUT:-$root/loadtests/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
res=$out/results.tsv
: >"$res"
. tests/postgres.sh
command -v wrk >/dev/null || apt_install wrk
command -v jq >/dev/null || apt_install jq

pids=()
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
stop_pid() { # SIGTERM (a background job ignores SIGINT), up to 20 s to exit, then SIGKILL
  local p=$1 i
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || return 0
  for i in $(seq 200); do alive "$p" || break; sleep 0.1; done
  alive "$p" && kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null || true
  local kept=() q
  for q in "${pids[@]}"; do [ "$q" = "$p" ] || kept+=("$q"); done
  pids=("${kept[@]}")
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local p
  for p in "${pids[@]}"; do stop_pid "$p"; done
  [ -n "${data:-}" ] && rm -rf "$data"
  stop_throwaway_postgres
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

[ -n "${PE_TEST_POSTGRES:-}" ] || start_throwaway_postgres
pg="$PE_TEST_POSTGRES"

printf '\n== building (Release)\n'
for p in src/PersonalizationEngine.Gateway loadtests/PersonalizationEngine.LoadGen loadtests/PersonalizationEngine.Baselines; do
  dotnet build "$p" -c Release -v q -nologo >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; exit 1; }
done
gw=$root/src/PersonalizationEngine.Gateway/bin/Release/net10.0
L="dotnet loadtests/PersonalizationEngine.LoadGen/bin/Release/net10.0/pe-load.dll"
B="dotnet loadtests/PersonalizationEngine.Baselines/bin/Release/net10.0/pe-baseline.dll"
admin=bench-admin-key-0123456789
write=bench-write-key-0123456789
run=$(date -u +%Y%m%d%H%M%S)
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
schema=bench_$run
data=$(mktemp -d /tmp/pe-bench.XXXXXX)
pids+=("")  # keeps "${pids[@]}" defined under set -u
engine_pid=
url() { echo "http://127.0.0.1:$(free_port)"; }
floor=$(url) stateless=$(url)

put() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$res"; }                        # store metric value
get() { awk -F'\t' -v s="$1" -v m="$2" '$1 == s && $2 == m {v = $3} END {print v == "" ? "?" : v}' "$res"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }                             # utime + stime, 1/100 s
now() { date +%s.%N; }
wait_ready() { # url pid log
  local i
  for i in $(seq 240); do
    curl -fs -o /dev/null "$1" 2>/dev/null && return 0
    alive "$2" || { echo "server for $1 exited; last lines of $3:"; tail -n 20 "$3"; return 1; }
    sleep 0.5
  done
  echo "$1 not ready after 120 s"; return 1
}

printf '\n== starting the floor and stateless-pg\n'
$B floor --urls "$floor" >"$out/floor.log" 2>&1 & pids+=($!); floor_pid=$!
$B stateless-pg --urls "$stateless" --ConnectionStrings:Postgres "$pg;Maximum Pool Size=64" --Baseline:Table "pe_stateless_$run" >"$out/stateless.log" 2>&1 & pids+=($!); stateless_pid=$!
wait_ready "$floor/api/v1/customers/user_id:u1/next-best-offer" $floor_pid "$out/floor.log"
wait_ready "$stateless/api/v1/customers/user_id:u1/next-best-offer" $stateless_pid "$out/stateless.log"
# The 10,000 customers NBO asks for, u1..u10000, one purchase each: 100 bodies of 100 events, posted 8 at a time with
# curl (a cold engine can take seconds per batch of new customers, so no fixed-length run is sure to cover them all).
mkdir -p "$data/seed"
for b in $(seq 0 99); do
  body=$(for i in $(seq 1 100); do n=$((b * 100 + i)); printf '{"eventId":"seed-%s-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"purchase","timestamp":"%s","properties":{"amount":40,"currency":"GBP","category":"shoes"}},' "$run" $n $n "$stamp"; done)
  printf '[%s]' "${body%,}" >"$data/seed/$b.json"
done
seed() { # url
  seq 0 99 | xargs -P 8 -I{} curl -fsS -o /dev/null --max-time 120 --retry 5 -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary @"$data/seed/{}.json" "$1/api/v1/events"
}
seed "$stateless"

start_engine() { # store
  local store_env
  if [ "$1" = sqlite ]; then store_env=(Storage__Provider=Sqlite "Storage__Sqlite__Path=$data/engine.db")
  else store_env=(Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg;Maximum Pool Size=64" "Storage__Postgres__Schema=$schema"); fi
  env "${store_env[@]}" Auth__AdminKey=$admin Auth__WriteKeys__bench=$write Auth__WriteKeys__bench__Trust=server \
    Logging__LogLevel__Default=Warning Demo__Enabled=true Demo__WriteKey=$write RateLimits__PermitsPerSecond=10000000 \
    dotnet "$gw/PersonalizationEngine.Gateway.dll" --urls "$engine" --contentRoot "$gw" >>"$out/engine-$1.log" 2>&1 &
  engine_pid=$!; pids+=($engine_pid)
}

# The engine's figures from /metrics (admin key). The exporter caches a scrape for a moment: callers wait before a read
# that must be current.
scrape() { curl -fs -H "Authorization: Bearer $admin" "$engine/metrics"; }
applied() { scrape | awk '/^pe_events_total\{/ && /outcome="accepted"/ {s += $NF} END {printf "%.0f\n", s}'; }
backlog() { scrape | awk '/^pe_ingest_backlog_events[{ ]/ {s += $NF; f = 1} END {if (f) printf "%.0f\n", s; else print "absent"}'; }

wrk_run() { # file url script connections seconds [VAR=value ...]
  local file=$1 target=$2 script=$3 conns=$4 dur=$5; shift 5
  env "$@" wrk -t2 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "loadtests/wrk/$script" "$target" >"$file" 2>&1 || echo "wrk failed, see $file"
}
lua() { awk -v k="$2" '$1 == k {print $2}' "$1"; }                                # file lua_key
record_wrk() { # store prefix file
  put "$1" "$2.events_s" "$(lua "$3" lua_events_per_s)"; put "$1" "$2.req_s" "$(lua "$3" lua_requests_per_s)"
  # No answer at all: no latency to report (wrk prints 0).
  if [ "$(awk '$1 == "lua_ok" || $1 == "lua_non2xx" {n += $2} END {print n + 0}' "$3")" -gt 0 ]; then put "$1" "$2.p99" "$(lua "$3" lua_p99_ms)"; else put "$1" "$2.p99" ""; fi
  put "$1" "$2.non2xx" "$(lua "$3" lua_non2xx)"
}

# wrk load on the engine with the sustained figures around it: events applied from before the load until the backlog is
# empty again, over that time; the drain time after the load; engine CPU ticks over the same span per event applied.
engine_ingest() { # store name script batch
  local store=$1 name=$2 file="$out/$1-wrk-$2-engine.txt" a0 a1 c0 c1 t0 t1 t2 b drain
  sleep 1.5; a0=$(applied); c0=$(ticks $engine_pid); t0=$(now)
  wrk_run "$file" "$engine" "$3" 16 "$secs" KEY=$write CUSTOMERS=50000 BATCH="$4" STAMP="$stamp" RUN="$run-$store"
  t1=$(now)
  b=$(backlog)
  if [ "$b" = absent ]; then
    put "$store" "$name.backlog_gauge" absent
  else
    until [ "$(backlog)" = 0 ] || [ "$(awk "BEGIN{print ($(now) - $t1 > 120)}")" = 1 ]; do sleep 0.25; done
    put "$store" "$name.backlog_gauge" present
  fi
  t2=$(now); c1=$(ticks $engine_pid)
  sleep 1.5; a1=$(applied)
  drain=$(awk "BEGIN{printf \"%.2f\", $t2 - $t1}")
  record_wrk "$store" "wrk.$name.engine" "$file"
  put "$store" "$name.applied" $((a1 - a0))
  put "$store" "$name.sustained_s" "$(awk "BEGIN{printf \"%.1f\", ($a1 - $a0) / ($t2 - $t0)}")"
  put "$store" "$name.drain_s" "$drain"
  put "$store" "$name.cpu_us" "$(awk "BEGIN{e = $a1 - $a0; if (e > 0) printf \"%.1f\", ($c1 - $c0) * 1e6 / 100 / e; else print \"\"}")"
  printf '  engine %-8s %8s events/s acknowledged (p99 %s ms, non-2xx %s), %s applied/s until drained, drain %s s, %s us CPU/event\n' \
    "$name" "$(get "$store" "wrk.$name.engine.events_s")" "$(get "$store" "wrk.$name.engine.p99")" "$(get "$store" "wrk.$name.engine.non2xx")" \
    "$(get "$store" "$name.sustained_s")" "$drain" "$(get "$store" "$name.cpu_us")"
}
naive_ingest() { # store name script batch
  local file="$out/$1-wrk-$2-naive.txt"
  wrk_run "$file" "$naive" "$3" 16 "$secs" KEY=$write CUSTOMERS=50000 BATCH="$4" STAMP="$stamp" RUN="$run-$1"
  record_wrk "$1" "wrk.$2.naive" "$file"
  printf '  naive  %-8s %8s events/s acknowledged (p99 %s ms, non-2xx %s)\n' "$2" "$(get "$1" "wrk.$2.naive.events_s")" "$(get "$1" "wrk.$2.naive.p99")" "$(get "$1" "wrk.$2.naive.non2xx")"
}
nbo_wrk() { # store target-name url
  local file="$out/$1-wrk-nbo-$2.txt"
  wrk_run "$file" "$3" nbo.lua 64 "$secs" KEY=$admin CUSTOMERS=10000
  record_wrk "$1" "wrk.nbo.$2" "$file"
  printf '  NBO %-12s %8s req/s (p99 %s ms, non-2xx %s)\n' "$2" "$(get "$1" "wrk.nbo.$2.req_s")" "$(get "$1" "wrk.nbo.$2.p99")" "$(get "$1" "wrk.nbo.$2.non2xx")"
}
cmp() { # store name pe-load-arguments...; records each target's events/s, req/s, p99, errors
  local store=$1 name=$2 t; shift 2
  printf '\n== %s: pe-load %s\n' "$store" "$name"
  $L compare --key $admin --write-key $write --duration "$secs" --quiet --json-out "$out/$store-$name.json" "$@" | tee "$out/$store-$name.md"
  for t in $(jq -r '.[].target' "$out/$store-$name.json"); do
    put "$store" "load.$name.$t.events_s" "$(jq -r --arg t "$t" '.[] | select(.target == $t) | .report.eventsPerSecond' "$out/$store-$name.json")"
    put "$store" "load.$name.$t.req_s" "$(jq -r --arg t "$t" '.[] | select(.target == $t) | .report.requestsPerSecond' "$out/$store-$name.json")"
    put "$store" "load.$name.$t.p99" "$(jq -r --arg t "$t" '.[] | select(.target == $t) | if .report.completed > 0 then .report.latencyMs.p99 else "" end' "$out/$store-$name.json")"
    put "$store" "load.$name.$t.non2xx" "$(jq -r --arg t "$t" '.[] | select(.target == $t) | .report.errors + .report.dropped' "$out/$store-$name.json")"
  done
}

run_store() { # sqlite|postgres
  local store=$1 naive_pid naive_args
  engine=$(url) naive=$(url)
  printf '\n== %s: starting the engine and the naive logger\n' "$store"
  start_engine "$store"
  if [ "$store" = sqlite ]; then naive_args=(--store sqlite --path "$data/naive.db")
  else naive_args=(--store postgres --ConnectionStrings:Postgres "$pg;Maximum Pool Size=64" --Baseline:Table "pe_naive_$run"); fi
  $B naive-logger --urls "$naive" "${naive_args[@]}" >"$out/naive-$store.log" 2>&1 & pids+=($!); naive_pid=$!
  wait_ready "$engine/health/ready" $engine_pid "$out/engine-$store.log"
  wait_ready "$naive/health" $naive_pid "$out/naive-$store.log"

  seed "$engine"
  echo "engine RSS after seeding: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$engine_pid/status) MB"
  # Steady state, not start-up: tiered compilation keeps the JIT busy for the first seconds of load, so every target
  # gets $warm s of each route it serves before anything is measured (pe-load runs add 2 s of their own).
  printf '\n== %s: warm-up, %s s per target and route (not measured)\n' "$store" "$warm"
  local t
  for t in "$engine" "$naive"; do
    wrk_run "$out/warmup.txt" "$t" ingest.lua 16 "$warm" KEY=$write CUSTOMERS=50000 BATCH=100 STAMP="$stamp" RUN="$run-$store-warm"
    wrk_run "$out/warmup.txt" "$t" segment-batch.lua 16 "$warm" KEY=$write CUSTOMERS=50000 BATCH=20 STAMP="$stamp" RUN="$run-$store-warm"
  done
  for t in "$engine" "$floor" "$stateless"; do wrk_run "$out/warmup.txt" "$t" nbo.lua 64 "$warm" KEY=$admin CUSTOMERS=10000; done

  printf '\n== %s: wrk, %s s per run\n' "$store" "$secs"
  engine_ingest "$store" native ingest.lua 100
  naive_ingest "$store" native ingest.lua 100
  engine_ingest "$store" segment segment-batch.lua 20
  naive_ingest "$store" segment segment-batch.lua 20
  nbo_wrk "$store" engine "$engine"
  nbo_wrk "$store" floor "$floor"
  nbo_wrk "$store" stateless-pg "$stateless"

  cmp "$store" ingest --scenario ingest --target engine="$engine" --target naive="$naive" --customers 50000 --zipf 0 --batch-size 100 --concurrency 16 --connections 16 --warmup 2
  cmp "$store" segment --scenario segment-batch --target engine="$engine" --target naive="$naive" --customers 50000 --zipf 0 --batch-size 20 --concurrency 16 --connections 16 --warmup 2
  cmp "$store" nbo-closed --scenario nbo --target engine="$engine" --target floor="$floor" --target stateless-pg="$stateless" --customers 10000 --concurrency 64 --connections 64 --warmup 2
  cmp "$store" nbo-open-10k --scenario nbo --target engine="$engine" --target floor="$floor" --customers 10000 --rate 10000 --connections 64 --warmup 2

  if [ "$store" = postgres ] && [ "$extras" = 1 ]; then extras_postgres; fi
  curl -fs -H "Authorization: Bearer $admin" "$engine/api/v1/stats" >"$out/engine-stats-$store.json" || true
  stop_pid $engine_pid; stop_pid $naive_pid
}

# The figures bench.sh gave before issue 16, on PostgreSQL: mixed open loop, the spike, restart to ready.
extras_postgres() {
  # Mixed, open loop: 80% batches of 10 events, 20% NBO queries, Zipf customers: 8,000 events/s + 200 queries/s.
  cmp postgres mixed-open --scenario mixed --target engine="$engine" --target floor="$floor" --target stateless-pg="$stateless" --customers 10000 --rate 1000 --batch-size 10 --connections 64 --warmup 2
  printf '\n== spike: engine, mixed (batches of 10) 500 -> 5,000 req/s for 30 s, i.e. 4,000 -> 40,000 events/s\n'
  local rss_before t0 t1 profiles
  rss_before=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$engine_pid/status)
  $L spike --url "$engine" --key $admin --customers 100000 --rate 500 --batch-size 10 --spike-factor 10 --spike-at 10 --spike-length 30 \
    --duration 60 --connections 1000 --json-out "$out/spike.json" --plot-out "$out/spike.svg" | tail -n 25 | tee "$out/spike.md"
  echo "engine RSS before spike ${rss_before} MB, after $(awk '/VmRSS/ {print int($2/1024)}' /proc/$engine_pid/status) MB" | tee -a "$out/spike.md"

  printf '\n== restart to ready with every customer above in storage (SIGKILL, start, poll /health/ready)\n'
  kill -KILL $engine_pid; wait $engine_pid 2>/dev/null || true
  t0=$(now)
  start_engine postgres
  wait_ready "$engine/health/ready" $engine_pid "$out/engine-postgres.log"
  t1=$(now)
  profiles=$(psql "postgresql://${pg_user:-postgres}@127.0.0.1:$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$pg")/postgres" -Atc \
    "select count(*) from (select grain_key from $schema.grain_state where grain_type = 'customer' union select stream_key from $schema.journal) t" 2>/dev/null || echo '?')
  echo "restart to ready: $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s with $profiles customer records in storage" | tee "$out/restart.md"
}

for s in $stores; do run_store "$s"; done

# One table: each target of issue 16, the engine's figure, the reference measured in the same run, ratio, target, met.
table() {
  local s
  printf '\n## Issue 16 targets, %s s per run, %s UTC, commit %s\n\n' "$secs" "$(date -u +%F\ %H:%M)" "$(git rev-parse --short HEAD)"
  printf '| store | target | engine | reference | ratio | target | met |\n|---|---|---:|---:|---:|---|---|\n'
  for s in $stores; do
    awk -F'\t' -v s="$s" '
      $1 == s { v[$2] = $3 }
      function n(x) { return x == "" ? "?" : x }
      function f(x) { return x == "" ? "?" : sprintf("%.0f", x) }
      function ms(x) { return x == "" ? "?" : sprintf("%.2f ms", x) }
      function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "?" : sprintf("%.0f%%", 100 * a / b) }
      function met(ok) { return ok ? "**yes**" : "no" }
      function ingest(label, e, r, p99, bad, rbad) {
        printf "| %s | %s | %s events/s, p99 %s%s | %s events/s%s | %s | >= 50%%, p99 < 50 ms | %s |\n", s, label, f(v[e]), ms(v[p99]),
          (v[bad] + 0 > 0 ? ", " v[bad] " non-2xx" : ""), f(v[r]), (v[rbad] + 0 > 0 ? ", " v[rbad] " non-2xx" : ""), ratio(v[e], v[r]),
          met(v[e] != "" && v[r] != "" && v[e] >= 0.5 * v[r] && v[p99] != "" && v[p99] < 50)
      }
      function nbo(label, e, r, bad) {
        printf "| %s | %s | %s req/s%s | %s req/s | %s | >= 50%% | %s |\n", s, label, f(v[e]), (v[bad] + 0 > 0 ? ", " v[bad] " non-2xx" : ""),
          f(v[r]), ratio(v[e], v[r]), met(v[e] != "" && v[r] != "" && v[e] >= 0.5 * v[r])
      }
      function sustained(label, k, r) {
        printf "| %s | %s | %s applied/s (%s events; drain %s s%s) | %s events/s | %s | >= 25%% | %s |\n", s, label, f(v[k ".sustained_s"]),
          n(v[k ".applied"]), n(v[k ".drain_s"]), (v[k ".backlog_gauge"] == "absent" ? ", backlog gauge absent: taken as 0" : ""),
          f(v[r]), ratio(v[k ".sustained_s"], v[r]), met(v[k ".sustained_s"] != "" && v[r] != "" && v[k ".sustained_s"] >= 0.25 * v[r])
      }
      END {
        ingest("acknowledged ingest `/api/v1/events` x100, wrk -c16, vs naive logger", "wrk.native.engine.events_s", "wrk.native.naive.events_s", "wrk.native.engine.p99", "wrk.native.engine.non2xx", "wrk.native.naive.non2xx")
        ingest("acknowledged ingest `/api/v1/events` x100, pe-load 16, vs naive logger", "load.ingest.engine.events_s", "load.ingest.naive.events_s", "load.ingest.engine.p99", "load.ingest.engine.non2xx", "load.ingest.naive.non2xx")
        ingest("Segment `/v1/batch` x20, wrk -c16, vs naive logger", "wrk.segment.engine.events_s", "wrk.segment.naive.events_s", "wrk.segment.engine.p99", "wrk.segment.engine.non2xx", "wrk.segment.naive.non2xx")
        ingest("Segment `/v1/batch` x20, pe-load 16, vs naive logger", "load.segment.engine.events_s", "load.segment.naive.events_s", "load.segment.engine.p99", "load.segment.engine.non2xx", "load.segment.naive.non2xx")
        sustained("sustained, `/api/v1/events` wrk run until drained, vs naive logger", "native", "wrk.native.naive.events_s")
        sustained("sustained, `/v1/batch` wrk run until drained, vs naive logger", "segment", "wrk.segment.naive.events_s")
        printf "| %s | engine CPU per ingested event (`/api/v1/events` wrk run; `/v1/batch` run) | %s us; %s us | - | - | <= 10 us | %s |\n", s,
          n(v["native.cpu_us"]), n(v["segment.cpu_us"]), met(v["native.cpu_us"] != "" && v["native.cpu_us"] <= 10)
        nbo("NBO, wrk -t2 -c64, vs bare-Kestrel floor", "wrk.nbo.engine.req_s", "wrk.nbo.floor.req_s", "wrk.nbo.engine.non2xx")
        nbo("NBO, pe-load 64 workers, vs floor", "load.nbo-closed.engine.req_s", "load.nbo-closed.floor.req_s", "load.nbo-closed.engine.non2xx")
        e = v["load.nbo-open-10k.engine.p99"]
        printf "| %s | NBO p99 at 10,000 req/s open loop (pe-load; engine answered %s req/s, %s errors or drops) | %s | %s (floor) | %s | <= 2 ms | %s |\n", s,
          f(v["load.nbo-open-10k.engine.req_s"]), n(v["load.nbo-open-10k.engine.non2xx"]), ms(e), ms(v["load.nbo-open-10k.floor.p99"]),
          (e == "" || v["load.nbo-open-10k.floor.p99"] + 0 == 0 ? "?" : sprintf("%.1fx floor", e / v["load.nbo-open-10k.floor.p99"])), met(e != "" && e <= 2 && v["load.nbo-open-10k.engine.req_s"] >= 9500)
        printf "| %s | NBO, wrk -t2 -c64, vs stateless-pg (for reference; issue 6 asked >= 10x) | %s req/s, p99 %s | %s req/s, p99 %s | %s | - | - |\n", s,
          f(v["wrk.nbo.engine.req_s"]), ms(v["wrk.nbo.engine.p99"]), f(v["wrk.nbo.stateless-pg.req_s"]), ms(v["wrk.nbo.stateless-pg.p99"]),
          ratio(v["wrk.nbo.engine.req_s"], v["wrk.nbo.stateless-pg.req_s"])
      }' "$res"
  done
  printf '\nNot measured here: freshness (read-your-writes, bounded lag, 503 + Retry-After past the backlog limit) is the tests'"'"' job.\n'
}
table | tee "$out/targets.md"
printf '\n== results in %s\n' "$out"
