#!/usr/bin/env bash
# Why: end-to-end tests need a real Kubernetes control plane; this starts a fresh one,
# private to its caller, in about ten seconds: Debian's etcd, the kube-apiserver,
# kube-controller-manager and kube-scheduler 1.20.2 built by build.sh, and the stand-in
# kubelet (crates/shipshape_standin_kubelet) registering fake nodes, all on 127.0.0.1.
#
# Interface (what tests and scripts/cluster/run.sh rely on; keep it small):
#   scripts/cluster/up.sh      builds or reuses everything, starts the cluster, waits until
#                              it is ready, then prints ONE line on stdout: the run
#                              directory RUN. Progress and errors go to stderr. Exit 0 when
#                              ready; non-zero with the daemons' last log lines otherwise
#                              (and nothing left running).
#   RUN/kubeconfig             an administrator's kubeconfig (group system:masters)
#   RUN/env                    shell lines to source: KUBECONFIG, SHIPSHAPE_KUBECTL (Debian's
#                              kubectl 1.20, matching the server) and SHIPSHAPE_CLUSTER_RUN
#   RUN/logs/NAME.log          etcd, kube-apiserver, kube-controller-manager,
#                              kube-scheduler, standin-kubelet, supervise
#   scripts/cluster/down.sh RUN   stops everything and deletes RUN
#
# Inputs, all optional:
#   SHIPSHAPE_CLUSTER_OWNER    a PID; when it exits the cluster tears itself down, so a
#                              test that dies (even by SIGKILL) leaves no daemons behind.
#                              Default: the process that ran up.sh.
#   SHIPSHAPE_CLUSTER_FILE     the nodes, as a `shipshape simulate --cluster` file; default
#                              3 zones of 2 nodes (node-a1 ... node-c2, 4 CPU, 16Gi, 110 pods)
#   SHIPSHAPE_STANDIN_KUBELET  the stand-in's binary; default: built here with cargo
#   SHIPSHAPE_STANDIN_ON_SUCCESS  a program run before a completing pod succeeds, playing
#                              its containers' part (see the stand-in's --on-success)
#   SHIPSHAPE_KUBE_CACHE       where build.sh keeps the binaries
#   TMPDIR                     where RUN is made
#
# Every run has its own directory, certificates, service-account key and free ports, so
# parallel runs do not collide. All daemons share one process group led by
# supervise.sh, which down.sh (or the owner's exit) signals as a whole.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
owner=${SHIPSHAPE_CLUSTER_OWNER:-$PPID}

die() {
  printf 'cluster/up.sh: error: %s\n' "$*" >&2
  exit 1
}

"$here/build.sh"
cache=${SHIPSHAPE_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/kube-1.20.2}
command -v python3 >/dev/null || die "python3 is needed to find free ports"

standin=${SHIPSHAPE_STANDIN_KUBELET:-}
if [[ -z $standin ]]; then
  (cd "$repo" && cargo build --quiet -p shipshape_standin_kubelet) ||
    die "cargo build -p shipshape_standin_kubelet failed"
  target=$(cd "$repo" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  standin=$target/debug/shipshape-standin-kubelet
fi
[[ -x $standin ]] || die "the stand-in kubelet $standin is not an executable (SHIPSHAPE_STANDIN_KUBELET)"
if [[ -n ${SHIPSHAPE_CLUSTER_FILE:-} ]]; then
  [[ -r $SHIPSHAPE_CLUSTER_FILE ]] || die "SHIPSHAPE_CLUSTER_FILE=$SHIPSHAPE_CLUSTER_FILE cannot be read"
  cluster_file=$(cd "$(dirname "$SHIPSHAPE_CLUSTER_FILE")" && pwd)/$(basename "$SHIPSHAPE_CLUSTER_FILE")
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/shipshape-cluster.XXXXXX")
mkdir -p "$run/pki" "$run/logs"
fail() {
  printf 'cluster/up.sh: error: %s\n' "$*" >&2
  local log
  for log in "$run"/logs/*.log; do
    [[ -s $log ]] || continue
    printf '\n--- last lines of %s\n' "$(basename "$log")" >&2
    tail -n 15 "$log" >&2
  done
  "$here/down.sh" "$run" >&2 || true
  exit 1
}
trap 'fail "interrupted"' INT TERM

# Six ports the kernel picks among the free ones, held together so they differ.
read -r etcd_port peer_port api_port kcm_port sched_port kubelet_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

"$here/pki.sh" "$run/pki" >"$run/logs/pki.log" 2>&1 || fail "making the certificates (pki.sh)"

{
  printf 'cache=%q\nstandin=%q\nowner=%q\n' "$cache" "$standin" "$owner"
  printf 'etcd_port=%q\npeer_port=%q\napi_port=%q\nkcm_port=%q\nsched_port=%q\nkubelet_port=%q\n' \
    "$etcd_port" "$peer_port" "$api_port" "$kcm_port" "$sched_port" "$kubelet_port"
  printf 'cluster_file=%q\non_success=%q\n' "${cluster_file:-}" "${SHIPSHAPE_STANDIN_ON_SUCCESS:-}"
} >"$run/ports"

kubeconfig() {
  local user=$1
  cat <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: harness
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(base64 -w0 "$run/pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$run/pki/$user.crt")
    client-key-data: $(base64 -w0 "$run/pki/$user.key")
contexts:
- name: harness
  context: {cluster: harness, user: $user}
current-context: harness
KUBECONFIG
}
kubeconfig admin >"$run/kubeconfig"
kubeconfig controller-manager >"$run/pki/controller-manager.kubeconfig"
kubeconfig scheduler >"$run/pki/scheduler.kubeconfig"
printf 'KUBECONFIG=%q\nSHIPSHAPE_KUBECTL=%q\nSHIPSHAPE_CLUSTER_RUN=%q\nexport KUBECONFIG SHIPSHAPE_KUBECTL SHIPSHAPE_CLUSTER_RUN\n' \
  "$run/kubeconfig" "$cache/bin/kubectl" "$run" >"$run/env"

# setsid: the supervisor leads a new process group that holds every daemon.
setsid "$here/supervise.sh" "$run" </dev/null >"$run/logs/supervise.log" 2>&1 &
echo $! >"$run/pgid"

deadline=$((SECONDS + ${SHIPSHAPE_CLUSTER_START_SECONDS:-90}))
until [[ -e $run/ready ]]; do
  [[ -e $run/failed ]] && fail "$(cat "$run/failed")"
  kill -0 "$(cat "$run/pgid")" 2>/dev/null || fail "the supervisor exited before the cluster was ready"
  ((SECONDS < deadline)) || fail "the cluster was not ready within ${SHIPSHAPE_CLUSTER_START_SECONDS:-90} s"
  sleep 0.2
done
trap - INT TERM
printf '%s\n' "$run"
