#!/usr/bin/env bash
# Installs the pinned Kubernetes tooling used by the chart checks (test/k8s) into .tools/ (git-ignored):
#   .tools/bin/helm, .tools/bin/kubeconform      built from the Go module proxy (no release downloads here)
#   .tools/schemas/k8s-<version>/*.json          strict JSON schemas for the Kubernetes kinds we render,
#                                                generated from the upstream OpenAPI spec of k8s.io/kubernetes
# Idempotent: every step is skipped when its pinned version is already in place, so a warm run takes
# well under a second. Bump a version here and the next run replaces that tool.
set -euo pipefail

HELM_VERSION=v4.3.1
KUBECONFORM_VERSION=v0.8.0
# Kubernetes release whose OpenAPI spec the schemas are generated from; the chart tests render with the
# matching --kube-version.
KUBERNETES_VERSION=v1.34.3
# Go module that carries the Compose Specification JSON schema (schema/compose-spec.json).
COMPOSE_GO_VERSION=v2.16.2

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
mkdir -p "$BIN" "$STAMPS"

export GOBIN="$BIN" GOFLAGS=-buildvcs=false
# The Go toolchain's default location on these machines, in case a non-login shell lacks it in PATH.
[[ -x /usr/local/go/bin/go ]] && export PATH="$PATH:/usr/local/go/bin"

log() { printf 'tools: %s\n' "$*" >&2; }

# module_zip MODULE@VERSION: path of the module's zip in the Go module cache (downloaded if missing).
module_zip() {
  (cd "$TOOLS" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^[[:space:]]*"Zip": "\(.*\)",$/\1/p')
}

# go_tool NAME MODULE@VERSION: builds one Go program unless the stamp for exactly that version exists.
go_tool() {
  local name=$1 pkg=$2 stamp="$STAMPS/$1-${2##*@}"
  if [[ -x "$BIN/$name" && -f "$stamp" ]]; then return 0; fi
  command -v go >/dev/null || { log "go (1.24+) is required to build $name"; exit 1; }
  log "building $name (${2##*@}) with go install - first run only, takes a few minutes"
  rm -f "$STAMPS/$name-"*
  go install "$pkg"
  touch "$stamp"
}

go_tool helm "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
go_tool kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"

SCHEMAS="$TOOLS/schemas/k8s-$KUBERNETES_VERSION"
GENERATOR="$ROOT/scripts/k8s/gen-k8s-schemas.ts"
# The schema stamp includes the generator's hash so a changed generator regenerates the schemas.
schema_stamp="$STAMPS/schemas-$KUBERNETES_VERSION-$(sha256sum "$GENERATOR" | cut -c1-12)"
if [[ ! -f "$schema_stamp" ]]; then
  log "generating Kubernetes $KUBERNETES_VERSION JSON schemas"
  # `go mod download` fetches the module zip (about 18 MB) into the Go module cache; the OpenAPI spec
  # is read straight from the zip.
  zip="$(module_zip "k8s.io/kubernetes@$KUBERNETES_VERSION")"
  [[ -f "$zip" ]] || { log "could not download k8s.io/kubernetes@$KUBERNETES_VERSION"; exit 1; }
  spec="$TOOLS/swagger-$KUBERNETES_VERSION.json"
  unzip -p "$zip" "k8s.io/kubernetes@$KUBERNETES_VERSION/api/openapi-spec/swagger.json" >"$spec"
  rm -rf "$SCHEMAS"
  (cd "$ROOT" && node --import=tsx "$GENERATOR" "$spec" "$SCHEMAS")
  rm -f "$spec" "$STAMPS"/schemas-*
  touch "$schema_stamp"
fi

COMPOSE_SCHEMA="$TOOLS/schemas/compose-spec-$COMPOSE_GO_VERSION.json"
if [[ ! -f "$COMPOSE_SCHEMA" ]]; then
  log "extracting the Compose Specification schema (compose-go $COMPOSE_GO_VERSION)"
  zip="$(module_zip "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION")"
  unzip -p "$zip" "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION/schema/compose-spec.json" >"$COMPOSE_SCHEMA.tmp"
  mv "$COMPOSE_SCHEMA.tmp" "$COMPOSE_SCHEMA"
fi

log "ready: helm $HELM_VERSION, kubeconform $KUBECONFORM_VERSION, schemas for Kubernetes $KUBERNETES_VERSION"
