#!/usr/bin/env bash
# Builds a real Kubernetes into .tools/ (git-ignored), for the local cluster (scripts/cluster) and the
# operator's tests (services/operator):
#   .tools/bin/etcd             go.etcd.io/etcd/server/v3 (the etcd release Kubernetes 1.34 is tested with: 3.6.x)
#   .tools/bin/kube             k8s.io/kubernetes: kube-apiserver, kube-controller-manager, kube-scheduler,
#                               kubelet, kube-proxy and kubectl in one binary (scripts/tools/kube/main.go),
#                               with a link per component name (.tools/bin/kubelet -> kube, ...)
#   .tools/bin/coredns          github.com/coredns/coredns, the cluster DNS
# Nothing is downloaded from GitHub or GCS: everything comes from the Go module proxy. Neither etcd nor Kubernetes can be
# built with a plain `go install MODULE@VERSION` (their go.mod files carry replace directives pointing at
# sibling folders), so each is built from a small wrapper module that requires the release and pins the
# sibling modules to their published versions.
# Idempotent: a step is skipped when its stamp in .tools/stamps names exactly the pinned version, so a warm run
# takes well under a second. A cold run takes minutes (see the timings this script prints; docs/kubernetes.md
# records the figures measured on a 2-core machine).
set -euo pipefail

ETCD_VERSION=v3.6.16
KUBERNETES_VERSION=v1.34.3
# The components of .tools/bin/kube (scripts/tools/kube/main.go), each a link to it.
KUBE_COMPONENTS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl"
# CoreDNS 1.12 is the line Kubernetes 1.34 ships (kubeadm's default); 1.12.4 is its newest patch release.
COREDNS_VERSION=v1.12.4
# The KongConsumer CRD the operator's tests install is Kong's real one, which scripts/tools/install.sh
# extracts from github.com/kong/kubernetes-configuration into .tools/crds/kong (install.sh runs this script).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
BUILD="$TOOLS/build"
mkdir -p "$BIN" "$STAMPS" "$BUILD"

# -mod=mod lets the wrapper modules resolve their requirements; GOTOOLCHAIN=local keeps Go from trying to fetch
# a newer toolchain named by a dependency's go.mod.
export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
[[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"

log() { printf 'kube-tools: %s\n' "$*" >&2; }
command -v go >/dev/null || { log "go (1.26+) is required"; exit 1; }

# wrapper DIR: a fresh, empty module to build a release from.
wrapper() {
  rm -rf "$1" && mkdir -p "$1"
  (cd "$1" && go mod init expenses.local/build >/dev/null 2>&1)
}

# timed NAME CMD...: runs CMD and logs how long it took (CI budgets depend on these figures).
timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  log "$name built in $((SECONDS - start)) s ($(du -h "$BIN/$name" | cut -f1))"
}

build_etcd() {
  local dir="$BUILD/etcd"
  wrapper "$dir"
  cd "$dir"
  # server/v3's go.mod replaces its siblings with ../api etc.; a consumer ignores those replaces and uses the
  # published sibling versions it requires, which are the same release.
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go build -trimpath -ldflags='-s -w' -o "$BIN/etcd" go.etcd.io/etcd/server/v3
}

build_kube() {
  local dir="$BUILD/kube" mod staging minor
  wrapper "$dir"
  cd "$dir"
  cp "$ROOT/scripts/tools/kube/main.go" .
  # k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 and replaces
  # them with ./staging/src/...; the wrapper replaces each one with its published v0.X.Y instead. The list is
  # read from k8s.io/kubernetes's own go.mod so it never drifts from the release.
  mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  staging="v0.${KUBERNETES_VERSION#v1.}"
  sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$mod" | while read -r m; do
    go mod edit -replace "$m=$m@$staging"
  done
  # No `go mod tidy`: tidy would resolve k8s.io/kubernetes@latest for the imports of main.go. The explicit
  # requirement pins the release; -mod=mod adds whatever else the build needs at the versions it requires.
  go mod edit -require "k8s.io/kubernetes@$KUBERNETES_VERSION"
  # Upstream builds with its go.mod's `godebug default=go1.24`; a dependency's godebug line is ignored, so
  # the wrapper repeats it (same runtime defaults as the released binaries).
  go mod edit -godebug default=go1.24
  minor="${KUBERNETES_VERSION#v1.}"
  minor="${minor%%.*}"
  # The version stamps `make` would set; without them the binary reports v0.0.0-master. CGO off, as upstream
  # ships its node binaries: static, no libc dependency.
  local v=k8s.io/component-base/version
  CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X $v.gitVersion=$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean" \
    -o "$BIN/kube" .
  local name
  for name in $KUBE_COMPONENTS; do ln -sf kube "$BIN/$name"; done
}

# CoreDNS, the cluster DNS (its image is built by scripts/cluster/images.sh). Its go.mod has no replace
# directives, so the module builds as it is; plugin.cfg's generated plugin list is part of the module.
build_coredns() {
  local dir="$BUILD/coredns"
  wrapper "$dir"
  cd "$dir"
  go get "github.com/coredns/coredns@$COREDNS_VERSION"
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$BIN/coredns" github.com/coredns/coredns
}

# step NAME VERSION FUNCTION: runs FUNCTION unless NAME's stamp for VERSION exists and the binary is there.
step() {
  local name=$1 version=$2 fn=$3 stamp="$STAMPS/$1-$2"
  if [[ -x "$BIN/$name" && -f "$stamp" ]]; then return 0; fi
  log "building $name $version from the Go module proxy - first run only, takes several minutes on 2 cores"
  rm -f "$STAMPS/$name-"*
  (timed "$name" "$fn")
  touch "$stamp"
}

step etcd "$ETCD_VERSION" build_etcd
# The stamp carries main.go's hash, so a changed component list rebuilds the binary.
step kube "$KUBERNETES_VERSION-$(sha256sum "$ROOT/scripts/tools/kube/main.go" | cut -c1-12)" build_kube
step coredns "$COREDNS_VERSION" build_coredns

log "ready: etcd $ETCD_VERSION, Kubernetes $KUBERNETES_VERSION ($KUBE_COMPONENTS), CoreDNS $COREDNS_VERSION"
