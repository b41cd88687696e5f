#!/usr/bin/env bash
# Why: one command for a developer (or a script) that needs a cluster for the length of
# a command: starts one with up.sh, runs the command with its environment, and tears it
# down however the command ends.
#   scripts/cluster/run.sh COMMAND [ARGS...]
# The command sees KUBECONFIG (the administrator's), SHIPSHAPE_KUBECTL (Debian's kubectl
# 1.20) and SHIPSHAPE_CLUSTER_RUN (the run directory, logs in logs/); the inputs of
# up.sh (SHIPSHAPE_CLUSTER_FILE, SHIPSHAPE_STANDIN_ON_SUCCESS ...) pass through. Exits
# with the command's status. Example:
#   scripts/cluster/run.sh sh -c '"$SHIPSHAPE_KUBECTL" get nodes'
set -euo pipefail
(($#)) || {
  echo 'usage: scripts/cluster/run.sh COMMAND [ARGS...]' >&2
  exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
run=$(SHIPSHAPE_CLUSTER_OWNER=$$ "$here/up.sh")
trap '"$here/down.sh" "$run"' EXIT
# shellcheck source=/dev/null
source "$run/env"
status=0
"$@" || status=$?
exit "$status"
