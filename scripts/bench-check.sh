#!/usr/bin/env bash
# Why: the checker's speed is a promise (docs/benchmarks.md, "Check"), measured the same
# way every time. Generates a deterministic stream of Kubernetes objects (a mix of
# Deployments, Services, PodDisruptionBudgets, HorizontalPodAutoscalers, NetworkPolicies
# and ConfigMaps, some with mistakes), then times with hyperfine:
#   - `shipshape check` on the whole stream (release build), human and JSON output;
#   - `shipshape check --parse-only`: reading and parsing the same input, nothing else;
#   - checkov and kubernetes-validate (from scripts/oracles) on a subset, since they
#     take minutes per 10,000 objects, and `shipshape check` on that subset too; with
#     FULL=1 also both once on the whole stream (checkov: about nine minutes).
# Then the same on a second stream whose apps are mostly unhardened (about 1.6 findings
# per object, as a repository of README-grade manifests gives), at 2,000, 20,000 and
# 100,000 objects: check against --parse-only (the promise: at most 1.3x), whether the
# cost grows linearly, and the peak memory of each (`/usr/bin/time -v`; at most 150 MiB
# at 20,000 objects).
# Prints medians, objects per second and the ratios; figures go into
# docs/benchmarks.md by hand, with this command.
#
#   OBJECTS=20000 SUBSET=2000 RUNS=10 ORACLE_RUNS=2 FULL=0 UNHARDENED="2000 20000 100000" \
#     ./scripts/bench-check.sh
# ORACLE_RUNS=0 leaves the oracles out; ONLY_UNHARDENED=1 runs the second stream alone;
# BIN=PATH times that binary instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."

objects=${OBJECTS:-20000}
subset=${SUBSET:-2000}
runs=${RUNS:-10}
oracle_runs=${ORACLE_RUNS:-2}

unhardened_sizes=${UNHARDENED:-2000 20000 100000}

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine (Debian)"
  apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine >/dev/null
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "installing GNU time (Debian), for peak memory"
  apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null
fi
if [[ $oracle_runs != 0 && ${ONLY_UNHARDENED:-0} != 1 ]]; then
  ./scripts/oracles/install.sh
fi

target=${CARGO_TARGET_DIR:-target}
# BIN=path times another build (the one before a change) on the same streams.
if [[ -n ${BIN:-} ]]; then
  bin=$BIN
else
  cargo build -q --release -p shipshape
  bin="$target/release/shipshape"
fi
dir="$target/bench-check"
mkdir -p "$dir"
big="$dir/stream-$objects.yaml"
small="$dir/stream-$subset.yaml"

# Six objects per app, cycled until the count is reached; every few apps carries a
# mistake (no readiness probe, `latest`, a wrong targetPort, a budget that blocks
# drains, a policy without DNS), so the checker reports findings as it would on a real
# repository.
# `generate COUNT PATH [unhardened]`.
generate() {
  python3 - "$1" "$2" "${3:-mixed}" <<'PY'
import sys

def app(i):
    """The six objects of app number i, as YAML documents. Every few apps carries a
    mistake, so the checker has findings to report, as in real repositories."""
    ns = f"team-{i % 50:02d}"
    name = f"app-{i:05d}"
    labels = f"{{ app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: bench }}"
    tag = "latest" if i % 11 == 0 else f"1.{i % 40}.{i % 7}"
    target = "web" if i % 13 == 0 else "http"
    readiness = "" if i % 7 == 0 else """          readinessProbe:
            httpGet: { path: /ready, port: http }
            periodSeconds: 5
"""
    budget = "minAvailable: 100%" if i % 17 == 0 else "maxUnavailable: 1"
    dns = "" if i % 19 == 0 else """    - to:
        - namespaceSelector:
            matchLabels: { kubernetes.io/metadata.name: kube-system }
          podSelector:
            matchLabels: { k8s-app: kube-dns }
      ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }
"""
    return [f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
  labels: {labels}
data:
  LOG_LEVEL: info
  LISTEN_ADDR: ":8080"
  METRICS_ADDR: ":9090"
  DB_HOST: db-{i % 20}.example.internal
  FEATURE_FLAGS: "search,checkout-v2,reviews"
""", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
spec:
  revisionHistoryLimit: 5
  strategy:
    rollingUpdate: {{ maxSurge: 1, maxUnavailable: 0 }}
  selector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
  template:
    metadata:
      labels: {labels}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {{ type: RuntimeDefault }}
      containers:
        - name: app
          image: registry.example.com/bench/{name}:{tag}
          envFrom:
            - configMapRef: {{ name: {name}-config }}
          ports:
            - {{ name: http, containerPort: 8080 }}
            - {{ name: metrics, containerPort: 9090 }}
{readiness}          livenessProbe:
            httpGet: {{ path: /live, port: http }}
            periodSeconds: 10
          resources:
            requests: {{ cpu: 100m, memory: 128Mi }}
            limits: {{ memory: 256Mi }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{ drop: [ALL] }}
""", f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
spec:
  selector: {{ app.kubernetes.io/name: {name} }}
  ports:
    - {{ name: http, port: 80, targetPort: {target} }}
    - {{ name: metrics, port: 9090, targetPort: metrics }}
""", f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  {budget}
  selector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
""", f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef: {{ apiVersion: apps/v1, kind: Deployment, name: {name} }}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{ type: Utilization, averageUtilization: 70 }}
""", f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  podSelector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {{ kubernetes.io/metadata.name: ingress-nginx }}
      ports:
        - {{ port: http }}
  egress:
{dns}    - to:
        - ipBlock: {{ cidr: 10.40.0.0/16 }}
      ports:
        - {{ port: 5432 }}
"""]

def unhardened(i):
    """The six objects of app number i as a README gives them: no security context, no
    service account setting, probes on one app in four, `latest` on one in three; the
    resources, budget, autoscaler and policy are right. About 1.6 findings per object."""
    ns = f"team-{i % 50:02d}"
    name = f"app-{i:05d}"
    labels = f"{{ app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: bench }}"
    tag = "latest" if i % 3 == 0 else f"1.{i % 40}.{i % 7}"
    settings = "".join(f"  SETTING_{k:02d}: \"value-{k}-for-{name}\"\n" for k in range(36))
    env = "".join(f"""            - name: FEATURE_{k:02d}
              value: "enabled-{k}"
""" for k in range(16))
    probes = "" if i % 4 else """          readinessProbe:
            httpGet: { path: /ready, port: http }
          livenessProbe:
            httpGet: { path: /live, port: http }
"""
    return [f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
  labels: {labels}
data:
  LOG_LEVEL: info
  LISTEN_ADDR: ":8080"
  DB_HOST: db-{i % 20}.example.internal
{settings}""", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
spec:
  selector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
  template:
    metadata:
      labels: {labels}
      annotations:
        team.example.com/owner: team-{i % 50:02d}
        team.example.com/runbook: https://runbooks.example.com/{name}
    spec:
      containers:
        - name: app
          image: registry.example.com/bench/{name}:{tag}
          envFrom:
            - configMapRef: {{ name: {name}-config }}
          env:
{env}          resources:
            requests: {{ cpu: 100m, memory: 128Mi }}
            limits: {{ memory: 256Mi }}
          ports:
            - {{ name: http, containerPort: 8080 }}
{probes}""", f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels: {labels}
spec:
  selector: {{ app.kubernetes.io/name: {name} }}
  ports:
    - {{ name: http, port: 80, targetPort: http }}
""", f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
""", f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef: {{ apiVersion: apps/v1, kind: Deployment, name: {name} }}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{ type: Utilization, averageUtilization: 70 }}
""", f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  podSelector:
    matchLabels: {{ app.kubernetes.io/name: {name} }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - {{ port: http }}
"""]

count, path, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
make = unhardened if mode == "unhardened" else app
with open(path, "w") as out:
    written, i = 0, 0
    while written < count:
        for doc in make(i)[: count - written]:
            out.write("---\n" + doc)
            written += 1
        i += 1
PY
}
# The stream with many findings: check's cost per finding, linearity and memory.
unhardened() {
  local results
  results=$(mktemp)
  for n in $unhardened_sizes; do
    local stream="$dir/unhardened-$n.yaml"
    generate "$n" "$stream" unhardened
    local size
    size=$(stat -c %s "$stream")
    # Fewer runs for the largest stream; its medians are stable.
    local n_runs=$runs
    ((n > 50000)) && n_runs=$(((runs + 2) / 3))
    hyperfine -N -i --warmup 1 --runs "$n_runs" --export-json "$results.$n" \
      "$bin check --parse-only $stream" \
      "$bin check $stream" \
      "$bin check --format json $stream" >/dev/null
    for format in parse human json; do
      local args=(check "$stream")
      [[ $format == parse ]] && args=(check --parse-only "$stream")
      [[ $format == json ]] && args=(check --format json "$stream")
      local kib
      # A check with findings exits 1, and so does time with it.
      kib=$( { /usr/bin/time -v "$bin" "${args[@]}" >/dev/null || true; } 2>&1 |
        awk -F': ' '/Maximum resident set size/ { print $2 }')
      echo "$n $size $format $kib" >>"$results.rss"
    done
    { "$bin" check --format json "$stream" || true; } |
      python3 -c 'import json, sys; print(sys.argv[1], len(json.load(sys.stdin)["findings"]))' "$n" \
        >>"$results.findings"
  done
  python3 - "$results" $unhardened_sizes <<'PY'
import json, sys

base, *sizes = sys.argv[1:]
rss, findings, bytes_ = {}, {}, {}
for line in open(base + ".rss"):
    n, size, fmt, kib = line.split()
    rss[int(n), fmt] = int(kib) / 1024
    bytes_[int(n)] = int(size)
for line in open(base + ".findings"):
    n, count = line.split()
    findings[int(n)] = int(count)
print(f"\nunhardened stream: {'objects':>7} {'MB':>6} {'findings':>8} {'parse-only':>10} {'check':>8}"
      f" {'json':>8} {'ratio':>6} {'json':>6} {'µs/object':>9} {'RSS parse':>9} {'human':>7} {'json':>7}")
for n in map(int, sizes):
    median, cpu = {}, {}
    for r in json.load(open(f"{base}.{n}"))["results"]:
        fmt = ("parse" if "--parse-only" in r["command"]
               else "json" if "--format json" in r["command"] else "human")
        median[fmt] = r["median"]
        cpu[fmt] = r["user"] + r["system"]
    print(f"{'':<18} {n:>7} {bytes_[n] / 1e6:>6.1f} {findings[n]:>8} {median['parse']:>9.3f}s"
          f" {median['human']:>7.3f}s {median['json']:>7.3f}s"
          f" {median['human'] / median['parse']:>5.2f}x {median['json'] / median['parse']:>5.2f}x"
          f" {median['human'] / n * 1e6:>9.1f}"
          f" {rss[n, 'parse']:>6.0f}MiB {rss[n, 'human']:>4.0f}MiB {rss[n, 'json']:>4.0f}MiB"
          f"   CPU {cpu['parse']:.3f}s {cpu['human']:.3f}s {cpu['json']:.3f}s"
          f" ({cpu['human'] / cpu['parse']:.2f}x, json {cpu['json'] / cpu['parse']:.2f}x)")
PY
  rm -f "$results" "$results".*
}
if [[ ${ONLY_UNHARDENED:-0} == 1 ]]; then
  unhardened
  exit 0
fi

generate "$objects" "$big"
generate "$subset" "$small"

ours=$(mktemp)
theirs=$(mktemp)
full=$(mktemp)
trap 'rm -f "$ours" "$theirs" "$full"' EXIT
oracles() {
  echo ".venv-oracles/bin/checkov --framework kubernetes -f $1 --quiet"
  echo ".venv-oracles/bin/kubernetes-validate -k 1.33.0 $1"
}
# -i: a check with findings exits 1, and so does checkov.
hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$ours" \
  "$bin check --parse-only $big" \
  "$bin check $big" \
  "$bin check --format json $big" \
  "$bin check $small" >/dev/null
if [[ $oracle_runs != 0 ]]; then
  mapfile -t commands < <(oracles "$small")
  hyperfine -N -i --runs "$oracle_runs" --export-json "$theirs" "${commands[@]}" >/dev/null
else
  echo '{"results": []}' >"$theirs"
fi
# The oracles on the whole stream take many minutes (checkov slows down as the input
# grows), so only with FULL=1, and once.
if [[ ${FULL:-0} == 1 ]]; then
  mapfile -t commands < <(oracles "$big")
  hyperfine -N -i --runs 1 --export-json "$full" "${commands[@]}" >/dev/null
else
  echo '{"results": []}' >"$full"
fi

python3 - "$ours" "$theirs" "$full" "$objects" "$subset" <<'PY'
import json, sys

*exports, objects, subset = sys.argv[1:]
objects, subset = int(objects), int(subset)
results = [r for path in exports for r in json.load(open(path))["results"]]
print(f"{'command':<92} {'objects':>7} {'median':>9} {'cpu':>8} {'objects/s':>10} runs")
rate, cpu = {}, {}
for r in results:
    command = r["command"]
    size = "small" if f"stream-{subset}.yaml" in command else "big"
    n = subset if size == "small" else objects
    tool = ("parse" if "--parse-only" in command else "json" if "--format json" in command
            else "check" if "shipshape" in command else "checkov" if "checkov" in command
            else "validate")
    rate[tool, size] = n / r["median"]
    cpu[tool, size] = r["user"] + r["system"]
    print(f"{command:<92} {n:>7} {r['median']:>8.3f}s {cpu[tool, size]:>7.3f}s {rate[tool, size]:>10.0f} {len(r['times'])}")

def ratio(a, b):
    return f"{rate[a] / rate[b]:.0f}x" if a in rate and b in rate else "not run"

print(f"\ncheck / parse-only, wall: {rate['parse', 'big'] / rate['check', 'big']:.2f}x"
      f" (JSON output {rate['parse', 'big'] / rate['json', 'big']:.2f}x)")
print(f"check / parse-only, CPU:  {cpu['check', 'big'] / cpu['parse', 'big']:.2f}x"
      f" (JSON output {cpu['json', 'big'] / cpu['parse', 'big']:.2f}x)")
for tool, name in [("checkov", "checkov"), ("validate", "kubernetes-validate")]:
    print(f"throughput vs {name}: {objects} objects {ratio(('check', 'big'), (tool, 'big'))},"
          f" {subset} objects {ratio(('check', 'small'), (tool, 'small'))},"
          f" {objects} against {subset} (scaled) {ratio(('check', 'big'), (tool, 'small'))}")
PY
unhardened
