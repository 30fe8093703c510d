#!/usr/bin/env bash
# Builds every chart's charts/ folder from its committed Chart.lock, in dependency order: the service
# charts vendor lib, and the umbrella vendors the service charts (which must already contain lib).
# `helm dependency build` fails when Chart.yaml and Chart.lock disagree: run
# `helm dependency update charts/<chart>` after changing a dependency and commit the new Chart.lock.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HELM="${HELM:-$ROOT/.tools/bin/helm}"
[[ -x "$HELM" ]] || { echo "helm not found at $HELM: run scripts/tools/install.sh" >&2; exit 1; }
mode=build
[[ "${1:-}" == "--update" ]] && mode=update
for chart in auth-service user-service ds-service expense-service operator web expenses-tracker; do
  "$HELM" dependency "$mode" "$ROOT/charts/$chart" >/dev/null
done
