#!/usr/bin/env bash
# Why: speed is a feature, measured the same way every time. Runs the in-process divan
# benchmark of rendering each example, then times whole-process renders with hyperfine
# (installed from Debian when missing). Figures go into docs/benchmarks.md by hand, with
# this command.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine (Debian)"
  apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine >/dev/null
fi

cargo bench -q -p shipshape_render --bench render
cargo build -q --release -p shipshape
bin="${CARGO_TARGET_DIR:-target}/release/shipshape"
cmds=()
for dir in examples/*/; do
  cmds+=("$bin render ${dir%/}")
done
json=$(mktemp)
hyperfine --warmup 20 --min-runs 200 -N --export-json "$json" "${cmds[@]}" >/dev/null
python3 - "$json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}: median {r['median'] * 1000:.2f} ms, mean {r['mean'] * 1000:.2f} ms, {len(r['times'])} runs")
PY
rm -f "$json"
