# Sourced by tests/run.sh and the cluster scripts: a throwaway Redis server on a free port (Orleans' cluster membership).
# Needs free_port/apt_install from tests/postgres.sh. After `start_throwaway_redis`: PE_TEST_REDIS (a StackExchange.Redis
# connection string) is exported, and `stop_throwaway_redis` (call it from an EXIT trap) stops the server and deletes it.

start_throwaway_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  redis_dir=$(mktemp -d /tmp/pe-redis.XXXXXX)
  redis_port=$(free_port)
  printf '\n== starting a throwaway Redis on port %s\n' "$redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$redis_dir" --save '' --appendonly no \
    --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export PE_TEST_REDIS="127.0.0.1:$redis_port"
}

stop_throwaway_redis() {
  if [ -n "${redis_dir:-}" ]; then
    local pid=""
    [ -f "$redis_dir/redis.pid" ] && pid=$(cat "$redis_dir/redis.pid")
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      # Redis writes its log (and may write files) while it shuts down: wait for it before removing its directory.
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$redis_dir" 2>/dev/null || true
  fi
}
