#!/usr/bin/env bash
# Memory with many distinct customers: the engine (on PostgreSQL) ingests events for customers 1, 2, 3, ...
# (pe-load --sequential: every event is a new customer until CUSTOMERS, default 2,000,000, have been seen),
# with a short idle timeout and an activation cap, while this script prints every 10 s the engine's resident
# memory, its active grains and the events (= distinct customers) ingested so far. Shows that idle collection
# and least-recently-used shedding keep memory bounded however many customers pass through.
# Usage: bash loadtests/many-customers.sh [seconds, default 180]   (2,000,000 customers take about 10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-180}
. tests/postgres.sh
pid=
cleanup() { status=$?; [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; stop_throwaway_postgres; exit $status; }
trap cleanup EXIT
[ -n "${PE_TEST_POSTGRES:-}" ] || start_throwaway_postgres
dotnet build src/PersonalizationEngine.Gateway -c Release -v q -nologo >/dev/null
dotnet build loadtests/PersonalizationEngine.LoadGen -c Release -v q -nologo >/dev/null
admin=bench-admin-key-0123456789 url=http://127.0.0.1:5091
Storage__Provider=Postgres ConnectionStrings__Postgres="$PE_TEST_POSTGRES;Maximum Pool Size=64" Storage__Postgres__Schema=many_$(date -u +%Y%m%d%H%M%S) \
  Auth__AdminKey=$admin Logging__LogLevel__Default=Warning Actors__IdleTimeout=00:00:30 Actors__MaxActivations=${MAX_ACTIVATIONS:-100000} \
  dotnet src/PersonalizationEngine.Gateway/bin/Release/net10.0/PersonalizationEngine.Gateway.dll --urls $url --contentRoot "$(pwd)"/src/PersonalizationEngine.Gateway/bin/Release/net10.0 >/tmp/pe-many.log 2>&1 &
pid=$!
until curl -fs $url/health/ready >/dev/null 2>&1; do sleep 0.5; done
dotnet loadtests/PersonalizationEngine.LoadGen/bin/Release/net10.0/pe-load.dll ingest --url $url --key $admin --customers ${CUSTOMERS:-2000000} --sequential \
  --batch-size 100 --concurrency 32 --connections 32 --duration "$secs" --quiet --json-out /tmp/pe-many.json &
load=$!
printf '%6s %10s %12s %14s\n' seconds rss_MB active_grains events_total
for ((t = 10; t <= secs + 10; t += 10)); do
  sleep 10
  stats=$(curl -fs -H "Authorization: Bearer $admin" $url/api/v1/stats || echo '{}')
  printf '%6s %10s %12s %14s\n' $t "$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)" \
    "$(sed -n 's/.*"activeGrains":\([0-9]*\).*/\1/p' <<<"$stats")" "$(sed -n 's/.*"eventsTotal":\([0-9]*\).*/\1/p' <<<"$stats")"
done
wait $load || true
