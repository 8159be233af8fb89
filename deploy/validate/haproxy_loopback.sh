#!/usr/bin/env bash
# Runs deploy/haproxy.cfg for real on loopback against three stand-in nodes (fake_node.py), to check what the config
# claims: round-robin over the ready nodes only (health check on /health/ready), a GET that gets 503 retried on
# another node, a POST that gets 503 not retried, X-Forwarded-For added, and a node killed (before the health check
# notices) costing no failed request: connection failures are retried on another node, POSTs included. The only change to the config is the
# addresses (engine-N:8080 -> 127.0.0.1:<free port>, bind ports -> free loopback ports). Needs haproxy and python3.
# Bounded: the stand-ins stop by themselves after 60 s, haproxy is stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pe-haproxy.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] && cp "$work/haproxy.log" /tmp/pe-haproxy-last.log; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

p1=$(free_port); p2=$(free_port); p3=$(free_port); lb=$(free_port); stats=$(free_port)
python3 "$here/fake_node.py" --port "$p1" --name node-1 & pids+=($!); node1=$!
python3 "$here/fake_node.py" --port "$p2" --name node-2 --unready & pids+=($!)
python3 "$here/fake_node.py" --port "$p3" --name node-3 --flaky & pids+=($!)
sed -e "s/engine-1:8080/127.0.0.1:$p1/; s/engine-2:8080/127.0.0.1:$p2/; s/engine-3:8080/127.0.0.1:$p3/" \
    -e "s/bind :8080/bind 127.0.0.1:$lb/; s/bind :8404/bind 127.0.0.1:$stats/" "$here/../haproxy.cfg" > "$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!)
sleep 4   # health checks every second, 2 to go down/up

fails=0; passes=0
check() { if eval "$2"; then echo "ok   $1"; passes=$((passes+1)); else echo "FAIL $1"; fails=$((fails+1)); fi; }
E=http://127.0.0.1:$lb
seen=$(for _ in $(seq 1 12); do curl -s $E/x | cut -d' ' -f1; done | sort | uniq -c)
echo "$seen"
check "round-robin over node-1 and node-3 only (node-2 fails /health/ready)" \
  '[[ "$seen" == *node-1* && "$seen" == *node-3* && "$seen" != *node-2* ]]'
get_codes=$(for _ in $(seq 1 10); do curl -s -o /dev/null -w '%{http_code}\n' $E/flaky; done | sort | uniq -c)
echo "GET /flaky: $get_codes"
check "GET answered 503 by node-3 is retried on node-1 (all 200)" '[[ "$get_codes" != *503* ]]'
post_codes=$(for _ in $(seq 1 10); do curl -s -o /dev/null -w '%{http_code}\n' -X POST -d '{}' $E/flaky; done | sort | uniq -c)
echo "POST /flaky: $post_codes"
check "POST answered 503 is passed back, not retried (some 503)" '[[ "$post_codes" == *503* ]]'
xff=$(curl -s $E/x)
check "X-Forwarded-For added ($xff)" '[[ "$xff" == *xff=127.0.0.1* ]]'
lbh=$(curl -s -o /dev/null -w '%{http_code}' $E/lb/health)
check "load balancer's own /lb/health answers 200" '[[ "$lbh" == 200 ]]'
kill "$node1"; sleep 0.2
killed_codes=$(for _ in $(seq 1 6); do curl -s -o /dev/null -w '%{http_code}\n' -X POST -d '{}' $E/x; done | sort | uniq -c)
echo "POST /x right after node-1 was killed: $killed_codes"
check "a killed node's connection failures are retried on node-3 (all 200)" '[[ "$killed_codes" != *50* ]]'
sleep 0.5
# HAProxy's HTTP log shows the retries as "+N" (redispatched) in the connection counters.
total=$(grep -c 'POST /x .*' "$work/haproxy.log" | tr -d ' ' || true)
retried=$(grep 'POST /x ' "$work/haproxy.log" | grep -cE ' [0-9]+/[0-9]+/[0-9]+/[0-9]+/\+[0-9]+ ' || true)
check "some of those POSTs were really sent to the dead node first ($retried of $total retried elsewhere)" '[ "$retried" -ge 1 ]'
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
