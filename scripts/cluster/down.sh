#!/usr/bin/env bash
# Why: stops a cluster started by up.sh and deletes its run directory.
#   scripts/cluster/down.sh RUN
# Sends SIGTERM to the cluster's process group, SIGKILL to what is left after 10 s, then
# removes RUN (set SHIPSHAPE_CLUSTER_KEEP=1 to keep it, logs included, for a post-mortem).
# Safe to run twice, and on a cluster that already tore itself down.
set -euo pipefail
run=${1:?usage: scripts/cluster/down.sh RUN_DIRECTORY}
[[ -d $run ]] || exit 0
[[ -e $run/ports ]] || {
  printf 'cluster/down.sh: error: %s is not a run directory of scripts/cluster/up.sh\n' "$run" >&2
  exit 1
}
if [[ -e $run/pgid ]]; then
  pgid=$(cat "$run/pgid")
  if kill -TERM -- "-$pgid" 2>/dev/null; then
    for _ in $(seq 100); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
fi
if [[ -z ${SHIPSHAPE_CLUSTER_KEEP:-} ]]; then
  rm -rf "$run"
else
  printf 'cluster/down.sh: kept %s\n' "$run" >&2
fi
