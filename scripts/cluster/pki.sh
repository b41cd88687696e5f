#!/usr/bin/env bash
# Why: the control plane speaks TLS only and authenticates by client certificate; a run
# makes its own throwaway CA (valid two days) so no key outlives it or is shared.
#   scripts/cluster/pki.sh DIR     (called by up.sh)
# Writes into DIR: ca.{crt,key}; apiserver.{crt,key} (serving, for 127.0.0.1, localhost
# and the in-cluster names); kubelet.{crt,key} (the stand-in's log server); client
# certificates admin (group system:masters),
# controller-manager and scheduler (the users RBAC's bootstrap roles bind); the
# service-account signing pair sa.key / sa.pub. EC P-256 throughout: fast to make.
set -euo pipefail
dir=${1:?usage: pki.sh DIR}
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

key ca
cat >ca.ext <<'EXT'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
EXT
openssl req -new -key ca.key -subj /CN=shipshape-harness-ca -out ca.csr
openssl x509 -req -in ca.csr -signkey ca.key -days 2 -extfile ca.ext -out ca.crt 2>/dev/null

# sign NAME SUBJECT USAGE [SAN]
sign() {
  local name=$1 subject=$2 usage=$3 san=${4:-}
  key "$name"
  {
    echo 'basicConstraints = critical, CA:FALSE'
    echo 'keyUsage = critical, digitalSignature, keyEncipherment'
    echo "extendedKeyUsage = $usage"
    echo 'authorityKeyIdentifier = keyid'
    [[ -z $san ]] || echo "subjectAltName = $san"
  } >"$name.ext"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
    -days 2 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
}

sign apiserver /CN=kube-apiserver serverAuth \
  'IP:127.0.0.1, IP:10.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local'
sign admin '/O=system:masters/CN=shipshape-harness-admin' clientAuth
sign controller-manager /CN=system:kube-controller-manager clientAuth
sign scheduler /CN=system:kube-scheduler clientAuth
# The API server's client identity towards kubelets, and the stand-in's log server,
# which the API server verifies against the CA.
sign apiserver-kubelet-client '/O=system:masters/CN=kube-apiserver-kubelet-client' clientAuth
sign kubelet /CN=shipshape-standin-kubelet serverAuth 'IP:127.0.0.1, DNS:localhost'

key sa
openssl pkey -in sa.key -pubout -out sa.pub
rm -f ./*.csr ./*.ext
