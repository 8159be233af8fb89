# Sourced by tests/run.sh and loadtests/bench.sh: a throwaway PostgreSQL cluster on a free port.
# After `start_throwaway_postgres`: PE_TEST_POSTGRES (connection string), PE_TEST_PG_BIN, PE_TEST_PG_DATA are
# exported, and `stop_throwaway_postgres` (call it from an EXIT trap) stops the cluster and deletes it.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  printf '\n== installing %s\n' "$*"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null || true
  as_root apt-get install -y -qq "$@" >/dev/null
}

free_port() { python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_throwaway_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    apt_install postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pg_dir=$(mktemp -d /tmp/pe-pg.XXXXXX)
  pg_port=$(free_port)
  pg_user=$(id -un)
  if [ "$(id -u)" = 0 ]; then pg_user=postgres; chown postgres "$pg_dir"; fi
  printf '\n== starting a throwaway PostgreSQL on port %s (%s)\n' "$pg_port" "$pg_bin"
  run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" --auth=trust -E UTF8 >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null
  export PE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=postgres;Pooling=true;Maximum Pool Size=100;Timeout=15;Command Timeout=60"
  export PE_TEST_PG_BIN="$pg_bin"
  export PE_TEST_PG_DATA="$pg_dir/data"
}

stop_throwaway_postgres() {
  if [ -n "${pg_dir:-}" ]; then
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
