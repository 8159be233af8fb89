#!/usr/bin/env bash
# Runs every test of the project. It sets up what the tests need by itself:
#   - PostgreSQL: installed with apt-get when missing, a throwaway cluster on a free port, dropped afterwards;
#   - Node.js packages and Chromium for the browser/SDK tests, when those tests exist.
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || true
  as_root apt-get install -y -qq "$@" >/dev/null
}

# ---------- PostgreSQL: a throwaway cluster ----------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  apt_install postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

free_port() { python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

pg_dir=$(mktemp -d /tmp/pe-pg.XXXXXX)
pg_port=$(free_port)
pg_user=$(id -un)
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then pg_user=postgres; chown postgres "$pg_dir"; fi

cleanup() {
  status=$?
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  exit $status
}
trap cleanup EXIT

log "starting a throwaway PostgreSQL on port $pg_port ($pg_bin)"
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" --auth=trust -E UTF8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
export PE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=postgres;Pooling=true;Maximum Pool Size=100;Timeout=15;Command Timeout=60"
export PE_TEST_PG_BIN="$pg_bin"
export PE_TEST_PG_DATA="$pg_dir/data"

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

# ---------- End-to-end: real SDKs and the browser, against the Release build dotnet test just made ----------
if [ -f tests/e2e/package.json ]; then
  log "end-to-end tests (Segment and RudderStack SDKs, headless Chromium); screenshots in tests/e2e/artifacts/"
  (cd tests/e2e && npm test)
fi
