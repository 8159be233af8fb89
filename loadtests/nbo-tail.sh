#!/usr/bin/env bash
# The NBO tail at the target rate, with where the CPU goes: the engine (on PostgreSQL, demo catalogue, 10,000
# customers seeded) or the bare-Kestrel floor (FLOOR=1) answers 10,000 NBO requests/s open loop for 20 s after a
# 15 s closed-loop warm-up; the script prints the generator's latency line and the CPU the server and the
# generator used in the middle 10 s (ticks of 1/100 s: 1,000 = one core for 10 s; the machine has 2,000).
# Extra arguments become the engine's environment (e.g. DOTNET_GCDynamicAdaptationMode=1 for the runtime's DATAS).
# Usage: bash loadtests/nbo-tail.sh [VAR=value ...]     RATE=20000 for another rate
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. tests/postgres.sh
server=
cleanup() { status=$?; [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; stop_throwaway_postgres; exit $status; }
trap cleanup EXIT
[ -n "${PE_TEST_POSTGRES:-}" ] || start_throwaway_postgres
for p in src/PersonalizationEngine.Gateway loadtests/PersonalizationEngine.LoadGen loadtests/PersonalizationEngine.Baselines; do
  dotnet build "$p" -c Release -v q -nologo >/dev/null
done
L="dotnet loadtests/PersonalizationEngine.LoadGen/bin/Release/net10.0/pe-load.dll"
admin=bench-admin-key-0123456789 url=http://127.0.0.1:5093 rate=${RATE:-10000}
if [ -n "${FLOOR:-}" ]; then
  dotnet loadtests/PersonalizationEngine.Baselines/bin/Release/net10.0/pe-baseline.dll floor --urls $url >/tmp/pe-nbo-tail.log 2>&1 &
  server=$!
  until curl -fs $url/api/v1/customers/user_id:u1/next-best-offer >/dev/null 2>&1; do sleep 0.5; done
else
  env Storage__Provider=Postgres ConnectionStrings__Postgres="$PE_TEST_POSTGRES;Maximum Pool Size=64" Storage__Postgres__Schema=tail_$(date -u +%Y%m%d%H%M%S) \
    Auth__AdminKey=$admin Auth__WriteKeys__demo=demo-write-key-0123456789 Logging__LogLevel__Default=Warning Demo__Enabled=true Demo__WriteKey=demo-write-key-0123456789 "$@" \
    dotnet src/PersonalizationEngine.Gateway/bin/Release/net10.0/PersonalizationEngine.Gateway.dll --urls $url \
    --contentRoot "$root/src/PersonalizationEngine.Gateway/bin/Release/net10.0" >/tmp/pe-nbo-tail.log 2>&1 &
  server=$!
  until curl -fs $url/health/ready >/dev/null 2>&1; do sleep 0.5; done
  $L ingest --url $url --key $admin --customers 10000 --sequential --batch-size 100 --concurrency 16 --connections 16 --duration 4 --quiet >/dev/null
fi
$L nbo --url $url --key $admin --customers 10000 --concurrency 32 --connections 32 --duration 15 --quiet >/dev/null
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
idle() { awk '/^cpu / {print $5+$6}' /proc/stat; }
$L nbo --url $url --key $admin --customers 10000 --rate $rate --connections 64 --duration 20 --warmup 2 --quiet >/tmp/pe-nbo-tail.txt &
load=$!
sleep 4
gen=$(pgrep -f "pe-load.dll nbo --url $url" | head -1)
s0=$(ticks $server); g0=$(ticks $gen); i0=$(idle); sleep 10; s1=$(ticks $server); g1=$(ticks $gen); i1=$(idle)
wait $load
grep -E "throughput|latency" /tmp/pe-nbo-tail.txt
echo "CPU over 10 s: server $((s1 - s0)) ticks ($(( (s1 - s0) * 10000 / rate / 10 )) us per request), generator $((g1 - g0)), idle $((i1 - i0)) of 2000"
