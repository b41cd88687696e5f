#!/usr/bin/env bash
# Why: runs the fuzz targets in fuzz/ (see docs/reliability.md) for SECONDS each, the
# same way for the test command (a few seconds per target) and for long runs (an hour).
#
#   scripts/fuzz.sh SECONDS [TARGET...]     every target when none is named
#
# It installs the pinned cargo-fuzz when it is missing (CI starts bare) and builds the
# targets without a sanitizer (`-s none`: the code forbids `unsafe`, and the stable
# toolchain has no sanitizers), optimized, with debug assertions and overflow checks.
# Each target starts from its corpus in the repo (fuzz/corpus/TARGET) and the seeds the
# repo already holds (the examples, the renderer's, spec's and checker's fixtures);
# libFuzzer writes the new inputs it finds only into the first corpus directory, which
# is $FUZZ_WORK/TARGET: a temporary directory unless FUZZ_WORK names one to keep (long
# runs do, outside the repo, and minimize it into fuzz/corpus/ afterwards).
# A crash or a hang (an input that runs over 10 s) stops the run with the input saved
# in fuzz/artifacts/TARGET/ and fails this script. FUZZ_ARGS adds libFuzzer flags (long
# runs pass `-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1` to go on past
# a crash and collect every one).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_fuzz_version=0.13.2
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(spec_load manifest_load render check validate)
fi

if [[ $(cargo fuzz --version 2>/dev/null) != "cargo-fuzz $cargo_fuzz_version" ]]; then
  echo "fuzz: installing cargo-fuzz $cargo_fuzz_version (one-off)" >&2
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --quiet
fi

# Seeds by what the target reads: specs, or manifests.
seeds() {
  case $1 in
    spec_load | render)
      echo examples crates/shipshape_render/tests/fixtures crates/shipshape_spec/tests/fixtures ;;
    *)
      echo crates/shipshape_check/tests/fixtures crates/shipshape_check/tests/corpus ;;
  esac
}

work=${FUZZ_WORK:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

cargo fuzz build -s none
for target in "${targets[@]}"; do
  mkdir -p "$work/$target" "fuzz/corpus/$target"
  echo "fuzz: $target for ${seconds}s" >&2
  # shellcheck disable=SC2046,SC2086 # the seed directories and FUZZ_ARGS are words
  cargo fuzz run -s none "$target" "$work/$target" "fuzz/corpus/$target" $(seeds "$target") -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${FUZZ_ARGS:-}
done
