#!/usr/bin/env bash
# Installs the pinned Kubernetes tooling used by the chart checks (test/k8s) into .tools/ (git-ignored):
#   .tools/bin/helm, .tools/bin/kubeconform      built from the Go module proxy (no release downloads here)
#   .tools/schemas/k8s-<version>/*.json          strict JSON schemas for the Kubernetes kinds we render,
#                                                generated from the upstream OpenAPI spec of k8s.io/kubernetes
#   .tools/schemas/crds/<group>/<kind>_<v>.json  strict JSON schemas from the operators' real CRDs (Strimzi,
#                                                Kong, prometheus-operator); the CRD YAML is kept in .tools/crds/
#   .tools/bin/tilt, .tools/bin/skaffold         the dev-loop tools, to evaluate Tiltfile and skaffold.yaml
#   .tools/bin/helm3                             Helm 3, for skaffold v2.16 (which predates Helm 4)
#   .tools/checkov/bin/checkov                   the static manifest scanner (PyPI, in its own venv) for test/k8s/security-scan
# Idempotent: every step is skipped when its pinned version is already in place, so a warm run takes
# well under a second. Bump a version here and the next run replaces that tool.
set -euo pipefail

HELM_VERSION=v4.3.1
KUBECONFORM_VERSION=v0.8.0
# checkov from PyPI, in a venv of its own so its many dependencies never meet the machine's Python packages.
CHECKOV_VERSION=3.3.30
# Kubernetes release whose OpenAPI spec the schemas are generated from; the chart tests render with the
# matching --kube-version.
KUBERNETES_VERSION=v1.34.3
# Go module that carries the Compose Specification JSON schema (schema/compose-spec.json).
COMPOSE_GO_VERSION=v2.16.2
# Kong's CRDs ship in the Go module github.com/kong/kubernetes-configuration (config/crd/ingress-controller);
# KongPlugin/KongClusterPlugin/KongConsumer there are the ones of Kong Ingress Controller 3.4/3.5 (k8s/README.md).
KONG_CRDS_VERSION=v1.4.0
# The ServiceMonitor CRD (example/prometheus-operator-crd) of prometheus-operator, from its Go module.
PROMETHEUS_OPERATOR_VERSION=v0.85.0
# Strimzi publishes no CRD YAML to a registry we can reach, but its CRDs are generated from the annotated
# classes of io.strimzi:api by io.strimzi:crd-generator (both on Maven Central): we run that generator with
# the arguments of Strimzi's own build. STRIMZI_VERSION is the operator version k8s/README.md installs.
# crd-generator 0.46-0.49 were never published; 0.45.0 ignores the v1-only annotations of the 0.49 classes
# (oauth kept, spec not required), 1.2.0 applies them (needs Java 21+).
STRIMZI_VERSION=0.49.1
STRIMZI_CRD_GENERATOR_VERSION=1.2.0
# Dev-loop tools (test/k8s/dev-loop.test.ts): the newest releases the module proxy and checksum database
# serve here (tilt v0.34.x and skaffold v2.17+ are refused).
TILT_VERSION=v0.33.21
SKAFFOLD_VERSION=v2.16.1
# skaffold v2.16 can only drive Helm 3 (it asks `helm version --client` and passes --post-renderer, both gone
# in Helm 4; skaffold >= 2.17 handles Helm 4), so the skaffold checks get a Helm 3 of their own: .tools/bin/helm3.
HELM3_VERSION=v3.20.0

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

# go_module_build NAME MODULE VERSION PACKAGE [LDFLAGS]: builds a program inside its own module (so its
# replace directives apply, which `go install MODULE@VERSION` refuses), unless already stamped.
go_module_build() {
  # prepare (optional): a function run in a writable copy of the module before the build (its name is in the stamp).
  local name=$1 module=$2 version=$3 package=$4 ldflags=${5:-} prepare=${6:-} stamp dir src start
  stamp="$STAMPS/$1-$3${prepare:+-$prepare}"
  if [[ -x "$BIN/$name" && -f "$stamp" ]]; then return 0; fi
  command -v go >/dev/null || { log "go (1.24+) is required to build $name"; exit 1; }
  log "building $name ($version) from the Go module proxy - first run only, takes several minutes"
  start=$SECONDS
  dir="$(cd "$TOOLS" && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { log "could not download $module@$version"; exit 1; }
  rm -f "$STAMPS/$name-"*
  src=$dir
  if [[ -n $prepare ]]; then
    src="$TOOLS/build/$name-src"
    rm -rf "$src"
    mkdir -p "$TOOLS/build"
    cp -r "$dir" "$src"
    chmod -R u+w "$src"
    (cd "$src" && "$prepare")
  fi
  # The module cache is read-only: -mod=mod resolves the module's go.sum without writing to it (the
  # vendor/ folder is not part of a module zip).
  (cd "$src" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/$name" "./$package")
  [[ -z $prepare ]] || rm -rf "$src"
  touch "$stamp"
  log "built $name in $((SECONDS - start))s ($(du -h "$BIN/$name" | cut -f1))"
}

# Tilt's web UI is a JavaScript build that its releases embed (pkg/assets/build) and its Go module lacks;
# without it `tilt up` and `tilt ci` refuse to start. A one-page stand-in says so; the CLI (`tilt get`,
# `tilt logs`, `tilt ci`) is complete without the UI.
tilt_ui_stub() {
  cat >pkg/assets/build/index.html <<'HTML'
<!doctype html><meta charset="utf-8"><title>Tilt</title>
<p>This Tilt was built from its Go module (scripts/tools/install.sh), which does not contain the web UI.
Use the CLI: <code>tilt get uiresources</code>, <code>tilt logs</code>, or install a Tilt release for the UI.</p>
HTML
}

go_module_build helm3 helm.sh/helm/v3 "$HELM3_VERSION" cmd/helm \
  "-X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=35"
go_module_build tilt github.com/tilt-dev/tilt "$TILT_VERSION" cmd/tilt "-X main.version=${TILT_VERSION#v}" tilt_ui_stub
go_module_build skaffold github.com/GoogleContainerTools/skaffold/v2 "$SKAFFOLD_VERSION" cmd/skaffold \
  "-X github.com/GoogleContainerTools/skaffold/v2/pkg/skaffold/version.version=$SKAFFOLD_VERSION"

checkov_stamp="$STAMPS/checkov-$CHECKOV_VERSION"
if [[ ! -x "$TOOLS/checkov/bin/checkov" || ! -f "$checkov_stamp" ]]; then
  command -v python3 >/dev/null || { log "python3 is required for checkov (apt-get install python3 python3-venv)"; exit 1; }
  log "installing checkov $CHECKOV_VERSION from PyPI into .tools/checkov"
  start=$SECONDS
  rm -rf "$TOOLS/checkov"
  python3 -m venv "$TOOLS/checkov" || { log "python3 -m venv failed: apt-get install python3-venv"; exit 1; }
  "$TOOLS/checkov/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
  touch "$checkov_stamp"
  log "installed checkov in $((SECONDS - start))s"
fi

# The control plane for the operator's tests (etcd + kube-apiserver), kept in its own script.
if [[ -f "$ROOT/scripts/tools/install-kube.sh" ]]; then bash "$ROOT/scripts/tools/install-kube.sh"; fi

# The CRD schemas come after the Go tools: they need Java 21+ and Maven, and a machine without them
# should still get every tool above.
# java_21: a Java 21+ runtime for crd-generator (compiled for 21; the default java here is 17, a Temurin 25
# JDK lies in /usr/lib/jvm on these machines).
java_21() {
  local j v
  for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n $j && -x $j ]] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
    if [[ ${v%%.*} -ge 21 ]]; then echo "$j"; return 0; fi
  done
  return 1
}

# Strimzi CRDs: a throw-away Maven project resolves io.strimzi:api and crd-generator with their
# dependencies, then crd-generator writes the CRDs with the labels and flags of Strimzi's own build
# (api/pom.xml), limited to the v1 API we use (also what Strimzi 1.0 keeps), without descriptions.
strimzi_crds() {
  local out=$1 work=$2 java
  java="$(java_21)" || { log "crd-generator $STRIMZI_CRD_GENERATOR_VERSION needs Java 21+: set JAVA_HOME"; exit 1; }
  command -v mvn >/dev/null || { log "mvn is required for the Strimzi CRDs (apt-get install maven)"; exit 1; }
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.expenses</groupId><artifactId>strimzi-crds</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$STRIMZI_CRD_GENERATOR_VERSION</version></dependency>
  </dependencies>
</project>
POM
  mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1 ||
    { cat "$work/mvn.log" >&2; log "could not resolve io.strimzi:api:$STRIMZI_VERSION / crd-generator from Maven Central"; exit 1; }
  local model=io.strimzi.api.kafka.model
  "$java" -cp "$work/lib/*" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ --crd-api-version v1 \
    --api-versions v1 --storage-version v1 --describe-api-versions v1alpha1 --yaml \
    "$model.kafka.Kafka=$out/040-Crd-kafka.yaml" \
    "$model.topic.KafkaTopic=$out/043-Crd-kafkatopic.yaml" \
    "$model.user.KafkaUser=$out/044-Crd-kafkauser.yaml" \
    "$model.nodepool.KafkaNodePool=$out/045-Crd-kafkanodepool.yaml" >&2
}

# module_crds OUT MODULE@VERSION PATH...: CRD files straight from a Go module's zip.
module_crds() {
  local out=$1 module=$2 zip path
  shift 2
  zip="$(module_zip "$module")"
  [[ -f "$zip" ]] || { log "could not download $module"; exit 1; }
  for path in "$@"; do unzip -p "$zip" "$module/$path" >"$out/$(basename "$path")"; done
}

CRD_SCHEMAS="$TOOLS/schemas/crds"
CRD_GENERATOR="$ROOT/scripts/k8s/gen-crd-schemas.ts"
# The stamp hashes the converters and the two fetch functions, so changing how the CRDs are made remakes them.
crd_hash="$({ cat "$CRD_GENERATOR" "$GENERATOR"; declare -f strimzi_crds module_crds; } | sha256sum | cut -c1-12)"
crd_stamp="$STAMPS/crds-kong-$KONG_CRDS_VERSION-prometheus-$PROMETHEUS_OPERATOR_VERSION-strimzi-$STRIMZI_VERSION-$STRIMZI_CRD_GENERATOR_VERSION-$crd_hash"
if [[ ! -f "$crd_stamp" ]]; then
  log "generating CRD schemas: Kong kubernetes-configuration $KONG_CRDS_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION, Strimzi $STRIMZI_VERSION (crd-generator $STRIMZI_CRD_GENERATOR_VERSION)"
  work="$(mktemp -d)"
  mkdir -p "$work/kong" "$work/prometheus-operator" "$work/strimzi"
  module_crds "$work/kong" "github.com/kong/kubernetes-configuration@$KONG_CRDS_VERSION" \
    config/crd/ingress-controller/configuration.konghq.com_{kongplugins,kongclusterplugins,kongconsumers}.yaml
  module_crds "$work/prometheus-operator" "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
    example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
  strimzi_crds "$work/strimzi" "$work"
  rm -rf "$CRD_SCHEMAS" "$TOOLS/crds"
  (cd "$ROOT" && node --import=tsx "$CRD_GENERATOR" "$CRD_SCHEMAS" "$work"/*/*.yaml)
  mkdir -p "$TOOLS/crds" && cp -r "$work/kong" "$work/prometheus-operator" "$work/strimzi" "$TOOLS/crds/"
  rm -rf "$work" "$STAMPS"/crds-*
  touch "$crd_stamp"
fi

log "ready: helm $HELM_VERSION (+ $HELM3_VERSION for skaffold), kubeconform $KUBECONFORM_VERSION, checkov $CHECKOV_VERSION, tilt $TILT_VERSION, skaffold $SKAFFOLD_VERSION, schemas for Kubernetes $KUBERNETES_VERSION, CRDs of Strimzi $STRIMZI_VERSION, Kong $KONG_CRDS_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION"

