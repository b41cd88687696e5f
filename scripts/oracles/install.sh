#!/usr/bin/env bash
# Why: the outside oracles (kubernetes-validate, checkov) are Python tools. This puts
# the pinned versions from requirements.txt into .venv-oracles/ at the repo root, so
# every machine, including CI on a bare box, judges manifests with the same tools.
# Cached: does nothing when the venv works and its stamp matches requirements.txt.
# Quiet on success; on failure it prints pip's output.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.venv-oracles
req=scripts/oracles/requirements.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)

if [[ -f $stamp && $(<"$stamp") == "$want" ]] && "$venv/bin/python" -c '' 2>/dev/null; then
  exit 0
fi

echo "oracles: installing pinned tools into $venv (one-off, ~30s)" >&2
rm -rf "$venv"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${PYTHON:-python3}" -m venv "$venv" &&
       "$venv/bin/pip" install --disable-pip-version-check --no-input -r "$req"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "oracles: install failed (see pip output above)" >&2
  rm -rf "$venv"
  exit 1
fi
echo "$want" >"$stamp"
