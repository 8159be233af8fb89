#!/usr/bin/env python3
"""Failover under mixed load across real engine nodes (issue 14).

Drives ingest (batches of events for random customers, each batch retried with the same event ids until it is
acknowledged) and next-best-offer reads round-robin over every live node, while the caller kills one node per
cycle with SIGKILL and restarts it. After each kill it measures how long until every customer answers again
through the surviving nodes. At the end it checks, per customer, that the profile's event count equals the number
of distinct events sent (0 acknowledged events lost, 0 applied twice), and prints a summary (and JSON with --json).

Control: the shell script starts the nodes; this script reads node URLs from --nodes and asks the script to kill
and restart nodes through the commands given with --kill-cmd / --start-cmd (with {i} for the node index).
"""
import argparse, http.client, json, random, subprocess, sys, threading, time, urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--nodes", required=True, help="comma-separated base URLs, e.g. http://127.0.0.1:5201,...")
p.add_argument("--key", required=True)
p.add_argument("--customers", type=int, default=300)
p.add_argument("--cycles", type=int, default=3)
p.add_argument("--settle", type=float, default=6.0, help="seconds of load between a restart and the next kill")
p.add_argument("--kill-cmd", required=True)
p.add_argument("--start-cmd", required=True)
p.add_argument("--ready-cmd", required=True)
p.add_argument("--workers", type=int, default=6)
p.add_argument("--json", help="write the figures here")
p.add_argument("--psql", help="diagnostics: a psql command line reaching the store (e.g. 'psql -At -h ... -p ... -U ... -d postgres')")
p.add_argument("--schema", help="diagnostics: the store's schema")
a = p.parse_args()

nodes = a.nodes.split(",")
alive = set(range(len(nodes)))
alive_lock = threading.Lock()
customers = [f"fo-{i:05d}" for i in range(a.customers)]
sent = {c: set() for c in customers}          # event ids acknowledged per customer
acks = {}                                      # event id -> how it was acknowledged (diagnostics)
sent_lock = threading.Lock()
stats = {"batches": 0, "events": 0, "retries": 0, "status": {}, "nbo": 0, "nbo_errors": 0}
stop = threading.Event()
counter = [0]

def conn(i):
    u = urllib.parse.urlparse(nodes[i])
    return http.client.HTTPConnection(u.hostname, u.port, timeout=15)

def request(i, method, path, body=None):
    c = conn(i)
    try:
        headers = {"Authorization": "Bearer " + a.key}
        if body is not None:
            headers["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, r.read(), r.getheader("Retry-After")
    finally:
        c.close()

def live_nodes():
    with alive_lock:
        return sorted(alive)

def count(status):
    with sent_lock:
        stats["status"][str(status)] = stats["status"].get(str(status), 0) + 1

def worker(w):
    rnd = random.Random(w)
    n = 0
    while not stop.is_set():
        n += 1
        if n % 5 == 0:   # mixed load: one decision for every four batches
            c = rnd.choice(customers)
            targets = live_nodes()
            try:
                s, _, _ = request(rnd.choice(targets), "GET", f"/api/v1/customers/user_id:{c}/next-best-offer?channel=web&placement=home")
                with sent_lock:
                    stats["nbo"] += 1
                    if s >= 500: stats["nbo_errors"] += 1
                count(s)
            except OSError:
                count("conn")
            continue
        batch_customers = rnd.sample(customers, 10)
        with sent_lock:
            counter[0] += 1
            b = counter[0]
        events = [{"eventId": f"b{b}-{k}", "identifiers": {"user_id": c}, "channel": "web",
                   "type": "page_view", "timestamp": "2026-11-30T10:00:00Z", "properties": {}} for k, c in enumerate(batch_customers)]
        body = json.dumps(events)
        attempt = 0
        while True:   # the same batch (same event ids) until it is acknowledged: retries must be safe
            attempt += 1
            targets = live_nodes()
            i = targets[(b + attempt) % len(targets)]
            try:
                s, payload, retry_after = request(i, "POST", "/api/v1/events", body)
            except OSError:
                s, payload, retry_after = "conn", b"", None
            count(s)
            if s == 200:
                result = json.loads(payload)
                with sent_lock:
                    stats["batches"] += 1
                    stats["events"] += len(events)
                    stats["retries"] += attempt - 1
                    for item, e in zip(result["results"], events):
                        if item["status"] in ("accepted", "duplicate"):
                            sent[e["identifiers"]["user_id"]].add(e["eventId"])
                            acks[e["eventId"]] = {"node": i, "attempt": attempt, "status": item["status"], "profile": item.get("profileId"),
                                                  "at": round(time.time() - t0, 3)}
                break
            if s == 500:
                print(f"500 from node {i}: {payload[:300]!r}", file=sys.stderr)
            time.sleep(0.2 if retry_after is None else min(float(retry_after), 1.0))

def answers_everywhere(deadline_s):
    """Seconds until every customer's profile answers through the surviving nodes (checked in parallel, each customer
    polled until it answers), and how many never did within the deadline."""
    start = time.time()
    answered = {}
    def probe(chunk, w):
        for c in chunk:
            while time.time() - start < deadline_s:
                targets = live_nodes()
                try:
                    s, _, _ = request(targets[(hash(c) + w) % len(targets)], "GET", f"/api/v1/customers/user_id:{c}/profile")
                except OSError:
                    s = "conn"
                if s in (200, 404):
                    answered[c] = time.time() - start
                    break
                time.sleep(0.05)
    chunks = [customers[k::16] for k in range(16)]
    ts = [threading.Thread(target=probe, args=(ch, w)) for w, ch in enumerate(chunks)]
    for t in ts: t.start()
    for t in ts: t.join()
    missing = len(customers) - len(answered)
    return (max(answered.values()) if answered and missing == 0 else None), missing

t0 = time.time()
events_log = []   # (time, what) of kills and restarts (diagnostics)
threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(a.workers)]
for t in threads: t.start()
time.sleep(a.settle)
cycles = []
for cycle in range(a.cycles):
    victim = cycle % len(nodes)
    before = stats["events"]
    killed_at = time.time()
    subprocess.run(a.kill_cmd.format(i=victim), shell=True, check=True)
    events_log.append((round(time.time() - t0, 3), f"killed node {victim}"))
    with alive_lock:
        alive.discard(victim)
    answers_started = time.time()
    declared = [None]
    def watch_membership():
        # When the survivors' membership no longer counts the killed node as active (Orleans declared it dead).
        while time.time() - killed_at < 30:
            try:
                s, body, _ = request(live_nodes()[0], "GET", "/api/v1/cluster")
                if s == 200 and json.loads(body)["activeNodes"] == len(nodes) - 1:
                    declared[0] = time.time() - killed_at
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
    watcher = threading.Thread(target=watch_membership)
    watcher.start()
    recovered, missing = answers_everywhere(30)
    watcher.join()
    if recovered is not None:
        recovered += answers_started - killed_at
    cycles.append({"cycle": cycle + 1, "killed": victim, "declared_dead_s": None if declared[0] is None else round(declared[0], 2),
                   "recovered_s": None if recovered is None else round(recovered, 2), "unanswered": missing})
    print(f"cycle {cycle + 1}: killed node {victim}; declared dead after "
          f"{'-' if declared[0] is None else f'{declared[0]:.2f} s'}; every customer answered again after "
          f"{'-' if recovered is None else f'{recovered:.2f} s'} (from the kill)", flush=True)
    subprocess.run(a.start_cmd.format(i=victim), shell=True, check=True)
    subprocess.run(a.ready_cmd.format(i=victim), shell=True, check=True)
    with alive_lock:
        alive.add(victim)
    events_log.append((round(time.time() - t0, 3), f"node {victim} ready again"))
    time.sleep(a.settle)
    print(f"         node {victim} back; {stats['events'] - before} events acknowledged during the cycle", flush=True)

stop.set()
for t in threads: t.join(timeout=30)

# Verification: every acknowledged event applied exactly once, per customer.
lost = doubled = 0
bad = []
for k, c in enumerate(customers):
    s, body, _ = request(live_nodes()[k % len(nodes)], "GET", f"/api/v1/customers/user_id:{c}/profile")
    expected = len(sent[c])
    got = json.loads(body)["eventCount"] if s == 200 else 0
    if got < expected: lost += expected - got; bad.append((c, expected, got))
    if got > expected: doubled += got - expected; bad.append((c, expected, got))

summary = {
    "customers": len(customers), "cycles": cycles, "batches_acknowledged": stats["batches"],
    "events_acknowledged": stats["events"], "batch_retries": stats["retries"], "decisions": stats["nbo"],
    "decision_5xx": stats["nbo_errors"], "statuses": stats["status"], "lost": lost, "applied_twice": doubled,
}
print("\n== failover summary")
print(f"customers {len(customers)}, events acknowledged {stats['events']} in {stats['batches']} batches "
      f"({stats['retries']} retries of refused batches), decisions {stats['nbo']} ({stats['nbo_errors']} answered 5xx)")
print("responses by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats["status"].items())))
for c in cycles:
    print(f"  cycle {c['cycle']}: node {c['killed']} killed -> declared dead after {c['declared_dead_s']} s, all customers answering after {c['recovered_s']} s")
print(f"acknowledged events lost: {lost}; applied twice: {doubled}")
if bad: print("mismatches (customer, expected, got):", bad[:10])
def sql(q):
    if not a.psql: return ""
    r = subprocess.run(a.psql + " -At -F '|' -c " + json.dumps(q), shell=True, capture_output=True, text=True)
    return (r.stdout + r.stderr).strip()

def diagnose(c, expected, got):
    """What a mismatching customer looks like: every node's answer (now and later), the journal, and how its events were acknowledged."""
    out = {"customer": c, "expected": expected, "got": got, "reads": []}
    for delay in (0, 2, 5):
        time.sleep(delay)
        for i in live_nodes():
            try:
                s, body, _ = request(i, "GET", f"/api/v1/customers/user_id:{c}/profile")
                v = json.loads(body) if s == 200 else {}
                out["reads"].append({"after_s": delay, "node": i, "status": s, "eventCount": v.get("eventCount"), "profileId": v.get("profileId")})
            except OSError as ex:
                out["reads"].append({"after_s": delay, "node": i, "error": str(ex)})
    pids = {r.get("profileId") for r in out["reads"] if r.get("profileId")} | {acks[e]["profile"] for e in sent[c] if e in acks}
    out["profiles"] = sorted(p for p in pids if p)
    for pid in out["profiles"]:
        rows = sql(f"SELECT event_id, sequence, recorded_at FROM {a.schema}.journal WHERE stream_key = '{pid}' ORDER BY sequence")
        ids = [r.split("|")[0] for r in rows.splitlines() if r]
        out.setdefault("journal", {})[pid] = {"entries": len(ids), "epoch": sql(f"SELECT epoch FROM {a.schema}.stream_epoch WHERE stream_key = '{pid}'"),
            "state_version": sql(f"SELECT version, length(data), updated_at FROM {a.schema}.grain_state WHERE grain_type = 'customer' AND grain_key = '{pid}'"),
            "first": rows.splitlines()[:2], "last": rows.splitlines()[-3:]}
        jids = set(ids)
        oldest = min((int(x[1:].split("-")[0]) for x in ids if x.startswith("b")), default=None)
        newer_missing = sorted((e for e in sent[c] if e not in jids and oldest is not None and int(e[1:].split("-")[0]) >= oldest), key=lambda e: int(e[1:].split("-")[0]))
        out["journal"][pid]["acknowledged_not_in_retained_journal"] = [(e, acks.get(e)) for e in newer_missing]
    other = sorted(((e, acks[e]) for e in sent[c] if e in acks), key=lambda x: x[1]["at"])
    out["last_acks"] = other[-6:]
    out["ack_profiles"] = sorted({x[1]["profile"] for x in other if x[1]["profile"]})
    out["retried_or_duplicate"] = [x for x in other if x[1]["attempt"] > 1 or x[1]["status"] == "duplicate"]
    return out

diagnostics = []
if bad:
    print("timeline:", events_log)
    for c, expected, got in bad[:5]:
        d = diagnose(c, expected, got)
        diagnostics.append(d)
        print("diagnosis:", json.dumps(d, indent=1))
summary["diagnostics"] = diagnostics
summary["timeline"] = events_log
if a.json:
    with open(a.json, "w") as f: json.dump(summary, f, indent=2)
ok = lost == 0 and doubled == 0 and all(c["recovered_s"] is not None and c["recovered_s"] <= 10 for c in cycles) and stats["status"].get("500", 0) == 0
print("RESULT: " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
