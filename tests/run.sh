#!/usr/bin/env bash
# Runs every test of the project. It sets up what the tests need by itself:
#   - PostgreSQL: installed with apt-get when missing, a throwaway cluster on a free port, dropped afterwards;
#   - Node.js packages and Chromium for the browser/SDK tests, when those tests exist.
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

. tests/postgres.sh
. tests/redis.sh

cleanup() {
  status=$?
  stop_throwaway_postgres
  stop_throwaway_redis
  exit $status
}
trap cleanup EXIT

# ---------- PostgreSQL: a throwaway cluster ----------
start_throwaway_postgres

# ---------- Redis: Orleans cluster membership for the multi-node tests ----------
start_throwaway_redis

# ---------- Browser and SDK tests: Node packages and Chromium ----------
if [ -f tests/e2e/package.json ]; then
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  log "installing Node packages for the end-to-end tests"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  export PE_TEST_CHROMIUM=$(command -v chromium)
fi

# ---------- All .NET tests ----------
log "dotnet test"
dotnet test "$root/PersonalizationEngine.sln" -c Release "$@"

# ---------- Cluster: three real nodes (Redis membership, PostgreSQL), one killed with SIGKILL per cycle ----------
log "cluster failover: three nodes under mixed load, kill -9 per cycle (figures in tests/cluster/artifacts/failover.json)"
bash tests/cluster/failover.sh 3 200

# ---------- End-to-end: real SDKs and the browser, against the Release build dotnet test just made ----------
if [ -f tests/e2e/package.json ]; then
  log "end-to-end tests (Segment and RudderStack SDKs, headless Chromium); screenshots in tests/e2e/artifacts/"
  (cd tests/e2e && npm test)
fi
