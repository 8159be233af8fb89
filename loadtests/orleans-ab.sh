#!/usr/bin/env bash
# A/B of the Orleans migration (issue 13): the last pre-Orleans commit against the current tree, with wrk as the
# generator (a light C tool, so the figures show the servers, not the generator).
#
# Paired and interleaved: this 2-core VM moves the same binary by up to 45% from one minute to the next (host steal,
# shared caches), so engines measured one after the other in separate minutes compare the minutes, not the code. Here
# all four engines run at once on their own ports and stores, seeded alike, and the generator turns to each in short
# runs, in an order that reverses every round (old, old-tuned, new, new-applied; then backwards). Each round gives one
# ratio per figure from runs seconds apart; the summary gives the median and range of those ratios over the rounds.
# An engine that is not being measured is idle (its timers only); log-first ingestion is drained before the next run.
#   old          the last commit on the project's own actor runtime (default 757b6d8)
#   old-tuned    the same build with the garbage collector settings this tree ships (System.GC.* in the gateway's
#                runtimeconfig.json: DATAS off): shows how much of a difference is the code and how much that setting
#   new          this tree, as configured by default (log-first ingestion: 2xx once durable in the ingest log)
#   new-applied  this tree with Ingest:Acknowledge=Applied (2xx once applied, as the old code)
# Per round and engine:
#   NBO closed loop  GET next-best-offer for random known customers, wrk -t2 -c32, CPU per request from /proc
#   ingest           POST /api/v1/events, batches of 100 events with unique ids, wrk -t2 -c16; then the events applied
#                    (pe_events_total{outcome="accepted"}) until the backlog (pe_ingest_backlog_events) is empty
# Usage: bash loadtests/orleans-ab.sh [old commit, default 757b6d8] [seconds per run, default 10] [rounds, default 6]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
old=${1:-757b6d8}; secs=${2:-10}; rounds=${3:-6}
out=${OUT:-$root/loadtests/results/orleans-ab-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
oldtree=$(mktemp -d)/old
git worktree add -q --detach "$oldtree" "$old"
declare -A pid port tree ack
names=(old old-tuned new new-applied)
tuned=$(mktemp -d)/old-tuned
tree=([old]=$oldtree [old-tuned]=$tuned [new]=$root [new-applied]=$root)
ack=([old]= [old-tuned]= [new]= [new-applied]=Applied)
port=([old]=5095 [old-tuned]=5098 [new]=5096 [new-applied]=5097)
cleanup() { for n in "${names[@]}"; do [ -n "${pid[$n]:-}" ] && kill -TERM "${pid[$n]}" 2>/dev/null; done; wait 2>/dev/null || true; git worktree remove --force "$oldtree" >/dev/null 2>&1 || true; rm -rf "$(dirname "$tuned")"; }
trap cleanup EXIT
for t in "$oldtree" "$root"; do (cd "$t" && dotnet build src/PersonalizationEngine.Gateway -c Release -v q -nologo >/dev/null); done
rel=src/PersonalizationEngine.Gateway/bin/Release
mkdir -p "$tuned/$rel" && cp -r "$oldtree/$rel/net10.0" "$tuned/$rel/"
python3 - "$tuned/$rel/net10.0/PersonalizationEngine.Gateway.runtimeconfig.json" "$root/$rel/net10.0/PersonalizationEngine.Gateway.runtimeconfig.json" <<'PY'
import json, sys
old, new = (json.load(open(p)) for p in sys.argv[1:3])
gc = {k: v for k, v in new["runtimeOptions"]["configProperties"].items() if k.startswith("System.GC.")}
old["runtimeOptions"]["configProperties"].update(gc)
json.dump(old, open(sys.argv[1], "w"), indent=2)
print("old-tuned runs the old build with", gc)
PY
key=ab-admin-key-0123456789abcdef
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
url() { echo "http://127.0.0.1:${port[$1]}"; }

start() { # name
  local n=$1 bin=${tree[$1]}/src/PersonalizationEngine.Gateway/bin/Release/net10.0 db u; db=$(mktemp -d); u=$(url "$1")
  env ${ack[$n]:+Ingest__Acknowledge=${ack[$n]}} Storage__Provider=Sqlite Storage__Sqlite__Path=$db/engine.db Auth__AdminKey=$key Logging__LogLevel__Default=Warning \
    Demo__Enabled=true Demo__WriteKey=ab-write-key-0123456789abc Auth__WriteKeys__demo=ab-write-key-0123456789abc RateLimits__PermitsPerSecond=10000000 \
    dotnet $bin/PersonalizationEngine.Gateway.dll --urls "$u" --contentRoot $bin >"$out/engine-$n.log" 2>&1 &
  pid[$n]=$!
  for _ in $(seq 120); do curl -fs "$u/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  # 10,000 customers, one event each, in batches of 100.
  for b in $(seq 0 99); do
    body=$(for i in $(seq 1 100); do c=$((b * 100 + i)); printf '{"eventId":"seed-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"purchase","timestamp":"%s","properties":{"amount":40,"currency":"GBP","category":"shoes"}},' $c $c "$stamp"; done)
    curl -fs -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$u/api/v1/events?wait=applied" -d "[${body%,}]"
  done
  # Steady state (tiered JIT): 10 s of each route first.
  KEY=$key CUSTOMERS=10000 wrk -t2 -c32 -d10s -s loadtests/wrk/nbo.lua "$u" >/dev/null
  KEY=$key CUSTOMERS=10000 BATCH=100 STAMP=$stamp wrk -t2 -c16 -d10s -s loadtests/wrk/ingest.lua "$u" >/dev/null
  drained "$n" # log-first ingestion applies behind the acknowledgement: nothing of the warm-up may overlap a measurement
}
cpu() { awk '{print $14 + $15}' "/proc/${pid[$1]}/stat"; }
steal() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }  # steal and total jiffies
applied() { # events applied so far and the backlog (0 where the gauge does not exist)
  curl -fs -H "Authorization: Bearer $key" "$(url "$1")/metrics" | awk '/^pe_events_total\{.*outcome="accepted"/ {v=$2} /^pe_ingest_backlog_events/ {b=$2} END {printf "%d %d\n", v, b}'
}
drained() { local a b; for _ in $(seq 600); do read -r a b < <(applied "$1"); [ "${b:-0}" = 0 ] && return; sleep 0.2; done; }
note_steal() { # file s0 t0: the share of the run's jiffies the hypervisor stole
  local s1 t1; read -r s1 t1 < <(steal); awk -v s="$((s1 - $2))" -v t="$(($t1 - $3))" 'BEGIN {printf "steal_pct %.1f\n", 100 * s / t}' >>"$1"
}
nbo() { # name round
  local f=$out/$1-nbo-$2.txt c0 c1 s0 t0
  read -r s0 t0 < <(steal); c0=$(cpu "$1")
  KEY=$key CUSTOMERS=10000 wrk -t2 -c32 -d${secs}s --latency -s loadtests/wrk/nbo.lua "$(url "$1")" >"$f"
  c1=$(cpu "$1"); note_steal "$f" "$s0" "$t0"
  echo "cpu_ticks $((c1 - c0))" >>"$f"
}
ingest() { # name round
  local f=$out/$1-ingest-$2.txt a0 a1 t0 t1 c0 c1 s0 j0
  read -r a0 _ < <(applied "$1"); t0=$(date +%s.%N); read -r s0 j0 < <(steal); c0=$(cpu "$1")
  KEY=$key CUSTOMERS=10000 BATCH=100 STAMP=$stamp wrk -t2 -c16 -d${secs}s --latency -s loadtests/wrk/ingest.lua "$(url "$1")" >"$f"
  drained "$1"; t1=$(date +%s.%N); c1=$(cpu "$1"); note_steal "$f" "$s0" "$j0"; sleep 1.5; read -r a1 _ < <(applied "$1")
  echo "cpu_ticks $((c1 - c0))" >>"$f"
  awk -v a="$((a1 - a0))" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "applied_events %d\nsustained_events_per_s %.0f\n", a, a / (t1 - t0)}' >>"$f"
  echo "rss_mb $(awk '/VmRSS/ {print int($2/1024)}' "/proc/${pid[$1]}/status")" >>"$f"
}

for n in "${names[@]}"; do echo "starting and seeding $n on $(url "$n")"; start "$n"; done
for r in $(seq 1 "$rounds"); do
  order=("${names[@]}"); [ $((r % 2)) = 0 ] && order=(new-applied new old-tuned old)
  printf '== round %s/%s: %s\n' "$r" "$rounds" "${order[*]}"
  for n in "${order[@]}"; do nbo "$n" "$r"; done
  for n in "${order[@]}"; do ingest "$n" "$r"; done
done

python3 - "$out" "$rounds" "$old" "$(git rev-parse --short HEAD)" <<'EOF' | tee "$out/summary.md"
import statistics, sys
out, rounds, old, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def read(name, kind, r):
    v = {}
    for line in open(f"{out}/{name}-{kind}-{r}.txt"):
        p = line.split()
        if len(p) == 2 and p[0] in ("lua_requests_per_s", "lua_events_per_s", "lua_ok", "lua_non2xx", "lua_p99_ms", "cpu_ticks", "steal_pct", "sustained_events_per_s", "applied_events", "rss_mb"):
            v[p[0]] = float(p[1])
    return v
names = ["old", "old-tuned", "new", "new-applied"]
rows = {(n, k, r): read(n, k, r) for n in names for k in ("nbo", "ingest") for r in range(1, rounds + 1)}
def fig(n, r):
    a, b = rows[(n, "nbo", r)], rows[(n, "ingest", r)]
    return {
        "NBO req/s": a["lua_requests_per_s"], "NBO p99 ms": a["lua_p99_ms"],
        "NBO CPU us/req": a["cpu_ticks"] * 10000 / a["lua_ok"],
        "ingest ack events/s": b["lua_events_per_s"], "ingest p99 ms": b["lua_p99_ms"], "ingest non-2xx": b["lua_non2xx"],
        "sustained events/s": b["sustained_events_per_s"],
        "CPU us/applied event": b["cpu_ticks"] * 10000 / b["applied_events"] if b["applied_events"] else float("nan"),
        "steal % (NBO, ingest)": f'{a["steal_pct"]:.1f}, {b["steal_pct"]:.1f}',
    }
cols = list(fig("old", 1).keys())
print(f"Old = `{old}`, new = `{new}`; {rounds} rounds, each engine measured once per round, order reversed every round.\n")
print("| round | engine | " + " | ".join(cols) + " |")
print("|---|---|" + "---:|" * len(cols))
for r in range(1, rounds + 1):
    for n in names:
        f = fig(n, r)
        print(f"| {r} | {n} | " + " | ".join(v if isinstance(v, str) else f"{v:,.1f}" if v < 100 else f"{v:,.0f}" for v in f.values()) + " |")
# Ratios per round (a / b); for CPU the inverse (b / a), so above 100% is better throughout.
pairs = (("new", "old"), ("new-applied", "old"), ("new", "old-tuned"), ("old-tuned", "old"))
print("\n| ratio per round (higher is better) | " + " | ".join(f"{a} / {b}: median (min-max)" for a, b in pairs) + " |")
print("|---|" + "---:|" * len(pairs))
for col, inverse in (("NBO req/s", False), ("NBO CPU us/req", True), ("ingest ack events/s", False), ("sustained events/s", False), ("CPU us/applied event", True)):
    cells = []
    for n, base in pairs:
        rs = []
        for r in range(1, rounds + 1):
            o, v = fig(base, r)[col], fig(n, r)[col]
            rs.append(100 * (o / v if inverse else v / o))
        cells.append(f"{statistics.median(rs):.0f}% ({min(rs):.0f}-{max(rs):.0f}%)")
    print(f"| {col}{' (inverse: CPU of b / CPU of a)' if inverse else ''} | " + " | ".join(cells) + " |")
EOF
echo "results in $out"
