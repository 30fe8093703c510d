#!/usr/bin/env bash
# skaffold on the project's own cluster (context expenses-local; `npm run cluster:up -- --no-install`).
# skaffold's builders need a Docker API even around a custom build script (v2.16 asks the Docker daemon for
# the image id of every image it does not push), and this cluster has neither Docker nor a registry. So this
# builds each image with buildah and imports it into the cluster's containerd (dev-image.sh), then hands the
# references to `skaffold deploy -p local-cluster --build-artifacts`, which deploys the way `skaffold run`
# would: the platform config, then the umbrella release with the images through setValueTemplates.
#
#   scripts/cluster/skaffold-deploy.sh [skaffold deploy flags]    SKAFFOLD_TAG: the image tag (default <commit>-<time>)
#   skaffold delete -p local-cluster --kube-context expenses-local   removes it again
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.tools/bin"
die() { printf 'skaffold-deploy: %s\n' "$*" >&2; exit 1; }
[[ -x "$BIN/skaffold" ]] || die "no .tools/bin/skaffold: run bash scripts/tools/install.sh"
[[ -f "${KUBECONFIG:-$ROOT/.local/cluster/admin.kubeconfig}" ]] || die "the cluster is not running: npm run cluster:up -- --no-install"
export KUBECONFIG="${KUBECONFIG:-$ROOT/.local/cluster/admin.kubeconfig}"

tag=${SKAFFOLD_TAG:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo dev)-$(date +%s)}
mapfile -t names < <(cd "$ROOT" && node --import=tsx -e "import('./scripts/k8s/services.ts').then((m) => { for (const t of m.imageTargets()) console.log(t.name) })")
builds="$ROOT/.local/skaffold-builds.json"
mkdir -p "$ROOT/.local"
entries=()
for name in "${names[@]}"; do
  bash "$ROOT/scripts/cluster/dev-image.sh" "$name" "expenses/$name:$tag"
  entries+=("{\"imageName\":\"expenses/$name\",\"tag\":\"expenses/$name:$tag\"}")
done
(IFS=,; printf '{"builds":[%s]}\n' "${entries[*]}") >"$builds"

# No volume provisioner there: data volumes an earlier release left Released become usable again first.
bash "$ROOT/scripts/cluster/cluster.sh" volumes

# skaffold v2.16 predates Helm 4: it gets the Helm 3 that scripts/tools/install.sh builds for it, as `helm`.
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
ln -s "$BIN/helm3" "$tools/helm"
ln -s "$BIN/kubectl" "$tools/kubectl"
PATH="$tools:$PATH" "$BIN/skaffold" deploy -p local-cluster --kube-context expenses-local --build-artifacts "$builds" \
  --update-check=false --interactive=false "$@"
