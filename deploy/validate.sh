#!/usr/bin/env bash
# Checks deploy/ and docker-compose.yml without Docker or Kubernetes (what the build machines can do):
#   1. every YAML file parses (PyYAML);
#   2. docker-compose.yml is a valid Compose file, with and without the `cluster` profile (docker compose config,
#      or Debian's docker-compose 1.29 when the v2 plugin is missing);
#   3. deploy/haproxy.cfg passes `haproxy -c`, then runs for real on loopback against three stand-in nodes
#      (validate/haproxy_loopback.sh: health checks, round-robin, retries);
#   4. the Kubernetes manifests: `kubectl kustomize` renders them; each object validates against the JSON schema of
#      its kind (npm package kubernetes-models, validate/validate-manifests.mjs); no field is undeclared
#      (validate/unknown_fields.py, the Kubernetes Python client's models).
# Missing tools are installed with apt-get (Debian's packages) and npm when running as root. It cannot build the image
# or start anything in Docker or Kubernetes.
set -euo pipefail
deploy=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$deploy/.." && pwd)
fails=0; passes=0
step() { printf '\n== %s\n' "$1"; }
result() { if [ "$1" -eq 0 ]; then passes=$((passes+1)); echo "ok   $2"; else fails=$((fails+1)); echo "FAIL $2"; fi; }
apt_ready=""
apt_install() {
  [ "$(id -u)" -eq 0 ] || { echo "not root: install $* yourself"; return 1; }
  [ -n "$apt_ready" ] || { apt-get update -qq >/dev/null; apt_ready=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
py=/usr/bin/python3
[ -x "$py" ] || py=python3

step "YAML parses"
"$py" -c 'import yaml' 2>/dev/null || apt_install python3-yaml
for f in "$root/docker-compose.yml" "$deploy"/kubernetes/*.yaml; do
  set +e; "$py" -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$f"; rc=$?; set -e
  result $rc "parse ${f#"$root"/}"
done

step "Compose file"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else
  command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose || true
  compose=(docker-compose)
fi
if command -v "${compose[0]}" >/dev/null 2>&1; then
  set +e
  (cd "$root" && "${compose[@]}" config -q); result $? "${compose[*]} config (default services)"
  (cd "$root" && "${compose[@]}" --profile cluster config -q); result $? "${compose[*]} --profile cluster config"
  set -e
else
  echo "skipped: no docker compose / docker-compose"
fi

step "HAProxy"
command -v haproxy >/dev/null 2>&1 || apt_install haproxy || true
if command -v haproxy >/dev/null 2>&1; then
  set +e
  # engine-N do not resolve here: haproxy warns and starts them disabled (init-addr none); syntax is what counts.
  haproxy -c -q -f "$deploy/haproxy.cfg" 2>/dev/null; result $? "haproxy -c -f deploy/haproxy.cfg ($(haproxy -v | head -1 | cut -d' ' -f3))"
  bash "$deploy/validate/haproxy_loopback.sh"; result $? "haproxy.cfg on loopback with stand-in nodes"
  set -e
else
  echo "skipped: no haproxy"
fi

step "Kubernetes manifests"
set +e
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$deploy/kubernetes" >/dev/null; result $? "kubectl kustomize deploy/kubernetes"
else
  echo "skipped: kubectl kustomize (no kubectl)"
fi
(cd "$deploy/validate" && { [ -d node_modules/kubernetes-models ] || npm install --no-audit --no-fund --silent >/dev/null 2>&1; } && node validate-manifests.mjs)
result $? "schemas (kubernetes-models)"
"$py" -c 'import kubernetes' 2>/dev/null || apt_install python3-kubernetes || true
"$py" "$deploy/validate/unknown_fields.py"; result $? "no undeclared fields (python3-kubernetes models)"
set -e

printf '\n%s passed, %s failed\n' "$passes" "$fails"
[ "$fails" -eq 0 ]
