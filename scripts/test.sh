#!/usr/bin/env bash
# Why: THE test command. Users run ./scripts/test.sh and CI runs it via .ci/run, so both
# check the same things, in order, stopping at the first failure:
#   format, clippy, the outside oracles' virtualenv (scripts/oracles/install.sh; before
#   the tests, because the validator's agreement test, crates/shipshape/tests/oracle.rs,
#   runs kubernetes-validate from it and must not skip here), the embedded schemas
#   against it (scripts/schemas/import.py --check), the control-plane harness
#   (scripts/cluster/build.sh builds Kubernetes 1.20.2 once into a cache outside the
#   repository, about 6 minutes on 2 idle cores; then the stand-in kubelet, so the
#   end-to-end tests, which each start a fresh cluster with scripts/cluster/up.sh, must
#   run here rather than skip; docs/harness.md), tests (nextest if installed, else
#   cargo test) and doctests, every fuzz target for a few seconds (scripts/fuzz.sh;
#   docs/reliability.md), then every examples/NAME/shipshape.yaml, and every
#   renderer fixture crates/shipshape_render/tests/fixtures/NAME.yaml (kinds no example uses yet), is
#   rendered and judged by the outside oracles (scripts/oracles/: kubernetes-validate
#   --strict, the custom resources by their projects' CRDs in schemas/crds/, and
#   checkov).
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { printf '\n==> %s\n' "$*"; }

stage "format: cargo fmt --check"
cargo fmt --all -- --check

stage "lint: cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

stage "oracles: install the pinned tools; embedded schemas are current"
scripts/oracles/install.sh
.venv-oracles/bin/python scripts/schemas/import.py --check
export SHIPSHAPE_REQUIRE_ORACLES=1

stage "cluster: Kubernetes 1.20.2 built or reused; the stand-in kubelet"
scripts/cluster/build.sh
cargo build -p shipshape_standin_kubelet
target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
SHIPSHAPE_STANDIN_KUBELET=$target/debug/shipshape-standin-kubelet
export SHIPSHAPE_STANDIN_KUBELET SHIPSHAPE_REQUIRE_CLUSTER=1

if cargo nextest --version >/dev/null 2>&1; then
  stage "tests: cargo nextest run"
  cargo nextest run --workspace
else
  stage "tests: cargo test"
  cargo test --workspace
fi

stage "doctests: cargo test --doc"
cargo test --workspace --doc

stage "fuzz: every target for 8 seconds"
scripts/fuzz.sh 8

stage "oracles: render examples, then kubernetes-validate + checkov"
shopt -s nullglob
examples=(examples/*/shipshape.yaml)
if ((${#examples[@]} == 0)); then
  echo "oracles: no examples/*/shipshape.yaml yet, nothing to render"
  exit 0
fi
cargo build --release -p shipshape
mkdir -p .oracle-out
outs=()
for spec in "${examples[@]}"; do
  name=$(basename "$(dirname "$spec")")
  rm -rf ".oracle-out/$name"
  "${CARGO_TARGET_DIR:-target}/release/shipshape" render "examples/$name" -o ".oracle-out/$name"
  outs+=(".oracle-out/$name")
done
for spec in crates/shipshape_render/tests/fixtures/*.yaml; do
  name=fixture-$(basename "$spec" .yaml)
  rm -rf ".oracle-out/$name"
  "${CARGO_TARGET_DIR:-target}/release/shipshape" render "$spec" -o ".oracle-out/$name"
  outs+=(".oracle-out/$name")
done
scripts/oracles/run.sh "${outs[@]}"
