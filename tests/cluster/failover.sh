#!/usr/bin/env bash
# Three real engine nodes on loopback (one Orleans cluster: membership in Redis, state in PostgreSQL) under mixed load;
# one node is killed with SIGKILL per cycle and restarted. Checks: 0 acknowledged events lost, 0 applied twice (per
# customer), every customer answering again through the surviving nodes within 10 s of the kill. Figures: stdout and
# tests/cluster/artifacts/failover.json.
# Usage: bash tests/cluster/failover.sh [cycles] [customers]
# Uses PE_TEST_POSTGRES / PE_TEST_REDIS when set (tests/run.sh), else starts throwaway ones. Needs a Release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
cycles=${1:-3}
customers=${2:-300}
. tests/postgres.sh
. tests/redis.sh
work=$(mktemp -d /tmp/pe-cluster.XXXXXX)
own_services=0
cleanup() {
  status=$?
  for i in 0 1 2; do [ -f "$work/n$i.pid" ] && kill -9 "$(cat "$work/n$i.pid")" 2>/dev/null || true; done
  if [ "$own_services" = 1 ]; then stop_throwaway_postgres; stop_throwaway_redis; fi
  mkdir -p "$root/tests/cluster/artifacts"
  for i in 0 1 2; do cp "$work/n$i.log" "$root/tests/cluster/artifacts/node$i.log" 2>/dev/null || true; done
  [ $status -ne 0 ] && echo "node logs: tests/cluster/artifacts/node*.log"
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
if [ -z "${PE_TEST_POSTGRES:-}" ] || [ -z "${PE_TEST_REDIS:-}" ]; then
  own_services=1
  start_throwaway_postgres
  start_throwaway_redis
fi
dll="$root/src/PersonalizationEngine.Gateway/bin/Release/net10.0/PersonalizationEngine.Gateway.dll"
[ -f "$dll" ] || dotnet build "$root/src/PersonalizationEngine.Gateway" -c Release -v q >/dev/null
cluster="failover-$RANDOM$RANDOM"
schema="fo_$RANDOM$RANDOM"
key="failover-admin-key-0123456789"
master=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
ident=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
ports=(); silo=(); gw=()
for i in 0 1 2; do ports+=("$(free_port)"); silo+=("$(free_port)"); gw+=("$(free_port)"); done

cat > "$work/start.sh" <<EOS
i=\$1
ports=(${ports[*]}); silo=(${silo[*]}); gw=(${gw[*]})
Storage__Provider=Postgres ConnectionStrings__Postgres="$PE_TEST_POSTGRES" Storage__Postgres__Schema=$schema \\
Cluster__Provider=Redis ConnectionStrings__Redis="$PE_TEST_REDIS" Cluster__ClusterId=$cluster \\
Cluster__AdvertisedAddress=127.0.0.1 Cluster__SiloPort=\${silo[\$i]} Cluster__GatewayPort=\${gw[\$i]} \\
Auth__AdminKey=$key Engine__MasterKey=$master Engine__IdentifierKey=$ident Decisioning__ControlShare=0 \\
Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \\
  nohup dotnet "$dll" --contentRoot "$root/src/PersonalizationEngine.Gateway" --urls http://127.0.0.1:\${ports[\$i]} >> "$work/n\$i.log" 2>&1 &
echo \$! > "$work/n\$i.pid"
EOS
cat > "$work/ready.sh" <<EOS
ports=(${ports[*]})
for _ in \$(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:\${ports[\$1]}/health/ready" && exit 0
  sleep 0.1
done
echo "node \$1 did not become ready" >&2; exit 1
EOS
printf '\n== starting three nodes (cluster %s, HTTP ports %s)\n' "$cluster" "${ports[*]}"
bash "$work/start.sh" 0; bash "$work/ready.sh" 0   # the first node creates the schema and the keys
bash "$work/start.sh" 1; bash "$work/start.sh" 2
bash "$work/ready.sh" 1; bash "$work/ready.sh" 2
mkdir -p tests/cluster/artifacts
# Diagnostics on a mismatch read the store directly.
pg_field() { printf '%s' "$PE_TEST_POSTGRES" | tr ';' '\n' | sed -n "s/^$1=//Ip" | head -n 1; }
psql="psql -h $(pg_field Host) -p $(pg_field Port) -U $(pg_field Username) -d $(pg_field Database)"
nodes="http://127.0.0.1:${ports[0]},http://127.0.0.1:${ports[1]},http://127.0.0.1:${ports[2]}"
python3 tests/cluster/failover.py --nodes "$nodes" --key "$key" --customers "$customers" --cycles "$cycles" \
  --kill-cmd "kill -9 \$(cat $work/n{i}.pid)" --start-cmd "bash $work/start.sh {i}" --ready-cmd "bash $work/ready.sh {i}" \
  --json tests/cluster/artifacts/failover.json --schema "$schema" --psql "$psql"
