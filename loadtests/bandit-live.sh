#!/usr/bin/env bash
# The bandit replay harness against a live engine (issue 15): starts a fresh engine (Release, embedded SQLite in a
# temporary directory, empty catalogue, no control group), configured with the scenario's Decisioning:Context, drives it
# with `pe bandit live` through its HTTP API only, and stops it with SIGTERM.
# Usage: bash loadtests/bandit-live.sh synthetic|open-bandit [extra `pe bandit live` options, e.g. --decisions 20000]
# Environment: REWARD_WAIT (default 00:00:02: an unclicked impression becomes reward 0 two seconds after it was shown),
# EXPLORATION_POLICY / EXPLORATION (engine defaults when unset), LOGS (the Open Bandit log).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-synthetic}; shift || true
logs=${LOGS:-../shared/datasets/open-bandit/men/random.csv}
dotnet build src/PersonalizationEngine.Gateway -c Release -v q -nologo >/dev/null
dotnet build src/PersonalizationEngine.Cli -c Release -v q -nologo >/dev/null
pe() { dotnet src/PersonalizationEngine.Cli/bin/Release/net10.0/pe.dll "$@"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
key=live-admin-key-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
data=$(mktemp -d)
pid=
cleanup() { if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$data"; }
trap cleanup EXIT
declare -a context=()
while IFS= read -r line; do context+=("$line"); done < <(pe bandit live-config --scenario "$scenario" --logs "$logs")
bin=$(pwd)/src/PersonalizationEngine.Gateway/bin/Release/net10.0
env "${context[@]}" \
  ASPNETCORE_ENVIRONMENT=Production Storage__Provider=Sqlite Storage__Sqlite__Path="$data/engine.db" Auth__AdminKey="$key" \
  Demo__Enabled=false Decisioning__ControlShare=0 Decisioning__RewardWait="${REWARD_WAIT:-00:00:02}" \
  ${EXPLORATION_POLICY:+Decisioning__ExplorationPolicy=$EXPLORATION_POLICY} ${EXPLORATION:+Decisioning__Exploration=$EXPLORATION} \
  RateLimits__PermitsPerSecond=10000000 Logging__LogLevel__Default=Warning \
  dotnet $bin/PersonalizationEngine.Gateway.dll --urls "$url" --contentRoot $bin >"$data/engine.log" 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$url/health/ready" >/dev/null || { cat "$data/engine.log"; exit 1; }
echo "engine $url (commit $(git rev-parse --short HEAD)), context: ${#context[@]} settings, reward wait ${REWARD_WAIT:-00:00:02}, policy ${EXPLORATION_POLICY:-thompson} ${EXPLORATION:-}"
status=0
PE_ADMIN_KEY=$key pe bandit live --scenario "$scenario" --url "$url" --logs "$logs" "$@" || status=$?
echo "learning metrics at the end:"
curl -fs -H "Authorization: Bearer $key" "$url/metrics" >"$data/metrics.txt" || true
grep -E '^pe_(rewards_pending|exploration_share|decisions_explored)' "$data/metrics.txt" || true
awk '/^pe_rewards_ignored_total/ {s += $NF} END {print "pe_rewards_ignored_total (all offers) " s}' "$data/metrics.txt"
exit $status
