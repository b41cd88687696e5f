#!/usr/bin/env bash
# Why: the end-to-end tests need a real control plane, and there is no Docker or kind here.
# Debian bookworm ships the Kubernetes 1.20.2 source with its dependencies vendored, which
# builds with Debian's Go 1.19 once one vendored package is swapped; this script does that
# once and caches the result outside the repository, so later runs only check the cache.
#
# Interface (kept small: scripts/cluster/up.sh, scripts/test.sh and the e2e tests call it):
#   scripts/cluster/build.sh          build or reuse; prints nothing when everything is cached
#   SHIPSHAPE_KUBE_CACHE=DIR          where the binaries live
#                                     (default ${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/kube-1.20.2)
#   On success DIR/bin holds kube-apiserver, kube-controller-manager, kube-scheduler and
#   kubectl (Debian's kubernetes-client 1.20, unpacked privately so it never replaces a
#   kubectl already on PATH); etcd and openssl come from Debian packages on PATH.
#
# Steps, each skipped when its result exists: install the Debian packages the build and
# the harness need (apt-get; root or sudo), add a deb-src entry for bookworm when none
# exists, `apt-get source kubernetes`, replace the vendored github.com/modern-go/reflect2
# 1.0.1 (it crashes at start-up on Go >= 1.18) with Debian's 1.0.2, `make WHAT=...`, copy
# the three binaries into DIR/bin and delete the source tree (about 2.3 GB). Concurrent
# invocations serialise on a lock in DIR, so parallel test runs build once.
set -euo pipefail

KUBE_VERSION=1.20.2
cache=${SHIPSHAPE_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape/kube-$KUBE_VERSION}
bin=$cache/bin
servers=(kube-apiserver kube-controller-manager kube-scheduler)
packages=(golang-go golang-github-modern-go-reflect2-dev rsync make gcc dpkg-dev
  etcd-server etcd-client openssl)

die() {
  printf 'cluster/build.sh: error: %s\n' "$*" >&2
  exit 1
}
say() { printf 'cluster/build.sh: %s\n' "$*" >&2; }

all_cached() {
  local b
  for b in "${servers[@]}" kubectl; do
    [[ -x $bin/$b ]] || return 1
  done
  command -v etcd >/dev/null && command -v openssl >/dev/null
}

# Quiet fast path: nothing to do, nothing printed, no lock taken.
all_cached && exit 0

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $* — run this script once as root, or install the packages yourself"
  fi
}

mkdir -p "$cache" || die "cannot create the cache directory $cache (set SHIPSHAPE_KUBE_CACHE to a writable place)"
exec 9>"$cache/.lock"
flock 9
# Another run may have finished the build while this one waited for the lock.
all_cached && exit 0

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq || die "apt-get update failed; check the network and /etc/apt/sources.list.d"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi

# Debian's kubectl 1.20 matches the server; unpacked privately because the
# kubernetes-client package conflicts with a kubectl another package may have installed.
if [[ ! -x $bin/kubectl ]]; then
  say "unpacking Debian's kubernetes-client (kubectl $KUBE_VERSION) into $cache"
  tmp=$(mktemp -d "$cache/kubectl.XXXXXX")
  # apt downloads as the unprivileged _apt user when it can write there.
  chmod a+rwx "$tmp"
  (cd "$tmp" && apt-get download -qq kubernetes-client) ||
    die "apt-get download kubernetes-client failed; is bookworm in the apt sources?"
  dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$tmp/root"
  mkdir -p "$bin"
  install -m 0755 "$tmp/root/usr/bin/kubectl" "$bin/kubectl.tmp"
  mv "$bin/kubectl.tmp" "$bin/kubectl"
  rm -rf "$tmp"
fi

have_servers() {
  local b
  for b in "${servers[@]}"; do [[ -x $bin/$b ]] || return 1; done
}

if ! have_servers; then
  if ! apt-get source --print-uris kubernetes >/dev/null 2>&1; then
    say "adding a deb-src entry for bookworm (/etc/apt/sources.list.d/shipshape-deb-src.sources)"
    as_root tee /etc/apt/sources.list.d/shipshape-deb-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    as_root apt-get update -qq || die "apt-get update failed after adding the deb-src entry"
  fi
  src=$cache/src
  rm -rf "$src"
  mkdir -p "$src"
  chmod a+rwx "$src"
  say "fetching the kubernetes source package (1.20.5+really$KUBE_VERSION)"
  (cd "$src" && apt-get source -qq kubernetes >/dev/null) || die "apt-get source kubernetes failed"
  tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
  [[ -n $tree && -d $tree/vendor ]] || die "unexpected layout of the kubernetes source package under $src"
  reflect2=/usr/share/gocode/src/github.com/modern-go/reflect2
  [[ -d $reflect2 ]] || die "$reflect2 is missing; install golang-github-modern-go-reflect2-dev"
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  cp -r "$reflect2" "$tree/vendor/github.com/modern-go/reflect2"
  say "building ${servers[*]} (about 6 minutes on 2 idle cores; log: $src/make.log)"
  start=$(date +%s)
  # A private Go cache, deleted with the tree, so the 2 GB of objects do not linger.
  if ! (cd "$tree" && GOCACHE=$src/gocache GOFLAGS=-mod=vendor GO111MODULE=on \
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >"$src/make.log" 2>&1); then
    tail -n 30 "$src/make.log" >&2
    die "make failed; the full log is $src/make.log"
  fi
  mkdir -p "$bin"
  for b in "${servers[@]}"; do
    out=$(find "$tree/_output" -type f -name "$b" -perm -u+x | head -n1)
    [[ -n $out ]] || die "make succeeded but $b is not under $tree/_output"
    install -m 0755 "$out" "$bin/$b.tmp"
    mv "$bin/$b.tmp" "$bin/$b"
  done
  say "built in $(($(date +%s) - start)) s; binaries in $bin"
  rm -rf "$src"
fi

all_cached || die "the cache $bin is still incomplete after building"
