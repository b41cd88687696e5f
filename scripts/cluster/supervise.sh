#!/usr/bin/env bash
# Why: leads the process group that holds one cluster's daemons (up.sh starts it with
# setsid), starts them in order, each once the one it needs answers, writes RUN/ready
# (or RUN/failed with the reason), then watches the owner: when the owner exits, it stops
# the daemons and deletes RUN, so a crashed test leaves nothing behind.
#   scripts/cluster/supervise.sh RUN      (internal to up.sh; reads RUN/ports)
set -uo pipefail
run=$1
# shellcheck source=/dev/null
source "$run/ports"
bin=$cache/bin
pki=$run/pki
logs=$run/logs
kubectl=("$bin/kubectl" --kubeconfig "$run/kubeconfig" --request-timeout=5s)

stop() {
  local pids
  pids=$(jobs -p)
  [[ -z $pids ]] || kill -TERM $pids 2>/dev/null
  wait
}
trap 'stop; exit 0' TERM INT
failed() {
  echo "$*" >"$run/failed"
  stop
  exit 1
}
say() { printf '%(%T)T supervise: %s\n' -1 "$*"; }

# The daemons by name, to say which one died.
declare -A daemons=()
started() { daemons[$1]=$!; }
# Fails naming the first daemon that is no longer running.
all_alive() {
  local name
  for name in "${!daemons[@]}"; do
    kill -0 "${daemons[$name]}" 2>/dev/null || failed "$name exited (see logs/$name.log)"
  done
}

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    all_alive
    ((SECONDS < deadline)) || failed "$what was not ready within $seconds s"
    sleep 0.2
  done
  say "$what ready"
}

# etcd, without fsync when this etcd can: a test cluster's data dies with it.
nofsync=()
etcd --help 2>&1 | grep -q -- --unsafe-no-fsync && nofsync=(--unsafe-no-fsync)
etcd --name harness --data-dir "$run/etcd" "${nofsync[@]}" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "harness=http://127.0.0.1:$peer_port" --log-level warn >"$logs/etcd.log" 2>&1 &
started etcd
wait_for etcd 30 etcdctl --endpoints "http://127.0.0.1:$etcd_port" endpoint health

"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" --authorization-mode RBAC --allow-privileged \
  --service-cluster-ip-range 10.0.0.0/24 \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --api-audiences https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
  --cert-dir "$run/apiserver" --profiling=false >"$logs/kube-apiserver.log" 2>&1 &
started kube-apiserver
wait_for kube-apiserver 60 "${kubectl[@]}" get --raw /readyz

"$bin/kube-controller-manager" --kubeconfig "$pki/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$pki/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$pki/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --port 0 --cert-dir "$run/controller-manager" \
  --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --profiling=false >"$logs/kube-controller-manager.log" 2>&1 &
started kube-controller-manager

"$bin/kube-scheduler" --kubeconfig "$pki/scheduler.kubeconfig" \
  --authentication-kubeconfig "$pki/scheduler.kubeconfig" \
  --authorization-kubeconfig "$pki/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$sched_port" --port 0 --cert-dir "$run/scheduler" \
  --leader-elect=false --profiling=false >"$logs/kube-scheduler.log" 2>&1 &
started kube-scheduler

nodes=()
[[ -z $cluster_file ]] || nodes=(--cluster "$cluster_file")
hook=()
[[ -z $on_success ]] || hook=(--on-success "$on_success")
# The hook inherits KUBECONFIG and SHIPSHAPE_KUBECTL from here.
KUBECONFIG=$run/kubeconfig SHIPSHAPE_KUBECTL=$bin/kubectl \
  "$standin" --kubeconfig "$run/kubeconfig" "${nodes[@]}" "${hook[@]}" \
  --logs-port "$kubelet_port" --tls-cert "$pki/kubelet.crt" --tls-key "$pki/kubelet.key" \
  >"$logs/standin-kubelet.log" 2>&1 &
started standin-kubelet

healthz() {
  python3 -c 'import ssl, sys, urllib.request
urllib.request.urlopen("https://127.0.0.1:%s/healthz" % sys.argv[1], timeout=2,
                       context=ssl._create_unverified_context())' "$1"
}
wait_for kube-scheduler 60 healthz "$sched_port"
wait_for kube-controller-manager 60 healthz "$kcm_port"
# The service-account controllers run: pods can be created in namespace default.
wait_for "the default ServiceAccount" 60 "${kubectl[@]}" get serviceaccount default
all_nodes_ready() {
  local out
  out=$("${kubectl[@]}" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}') || return 1
  [[ -n $out ]] && ! grep -qv '^True$' <<<"$out"
}
wait_for "the stand-in kubelet's nodes" 60 all_nodes_ready
touch "$run/ready"

# Until the owner exits, or a daemon does (then the cluster is broken: say so and stop).
while kill -0 "$owner" 2>/dev/null; do
  all_alive
  sleep 1
done
say "owner $owner exited; stopping the cluster"
stop
rm -rf "$run"
