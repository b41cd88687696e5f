#!/usr/bin/env bash
# Why: `shipshape validate` promises to be much faster than the tool it replaces. This
# times both on the same 20,000-object stream (every built-in object the examples render,
# repeated), whole process, with hyperfine: shipshape with 10 runs, kubernetes-validate
# (--strict, same version) with 3, since one run takes minutes. Figures go into
# docs/benchmarks.md ("Validate") by hand, with this command.
# Usage: scripts/bench-validate.sh [OBJECTS]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-20000}
version=1.37
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine (Debian)"
  apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine >/dev/null
fi
scripts/oracles/install.sh
cargo build -q --release -p shipshape
bin="${CARGO_TARGET_DIR:-target}/release/shipshape"
out="${CARGO_TARGET_DIR:-target}/bench-validate"
mkdir -p "$out"
stream="$out/stream-$n.yaml"

# The examples' built-in objects (kubernetes-validate has no schema for the custom
# resources), repeated to N documents of one YAML stream.
.venv-oracles/bin/python - "$n" "$stream" "$bin" <<'PY'
import glob, json, subprocess, sys, yaml
n, stream, shipshape = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def builtin(api_version):
    group = api_version.rpartition("/")[0]
    return "." not in group or (group.endswith(".k8s.io") and group != "gateway.networking.k8s.io")

objects = []
for spec in sorted(glob.glob("examples/*/shipshape.yaml")):
    out = subprocess.run([shipshape, "render", spec, "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    objects += [o for o in json.loads(out)["items"] if builtin(o["apiVersion"])]
with open(stream, "w") as f:
    yaml.safe_dump_all((objects[i % len(objects)] for i in range(n)), f, sort_keys=False)
print(f"{stream}: {n} objects ({len(objects)} distinct)")
PY

json=$(mktemp)
hyperfine --warmup 2 --runs 10 -N --export-json "$json.ss" \
  "$bin validate $stream --kubernetes $version"
hyperfine --runs 3 -N --export-json "$json.kv" \
  ".venv-oracles/bin/kubernetes-validate --strict --quiet -k $version.0 $stream"
python3 - "$json.ss" "$json.kv" <<'PY'
import json, sys
ss, kv = (json.load(open(p))["results"][0] for p in sys.argv[1:])
for r in (ss, kv):
    print(f"{r['command']}: median {r['median']:.3f} s, mean {r['mean']:.3f} s, {len(r['times'])} runs")
print(f"ratio (medians): {kv['median'] / ss['median']:.0f}x")
PY
rm -f "$json" "$json.ss" "$json.kv"
