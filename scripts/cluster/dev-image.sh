#!/usr/bin/env bash
# Builds one image for a dev loop and puts it into the local cluster's containerd (no registry here, no
# Docker daemon: buildah builds, `cluster.sh import` imports). The Tiltfile's custom_build and
# scripts/cluster/skaffold-deploy.sh call it with the reference they want built:
#
#   scripts/cluster/dev-image.sh <image> <ref>    image: a name from scripts/k8s/services.ts (auth-service, web, ...)
#                                                 ref: expenses/<image>:<tag> (Tilt's $EXPECTED_REF)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
die() { printf 'dev-image: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: dev-image.sh <image> <ref> (ref: expenses/<image>:<tag>)"
image=$1 ref=$2
# A caller may spell the reference with the registry the charts use (docker.io/...).
ref=${ref#docker.io/}
repo=${ref%:*} tag=${ref##*:}
[[ $ref == *:* && $repo == "expenses/$image" && -n $tag ]] || die "ref $2 is not expenses/$image:<tag>"

IMAGE_TAG=$tag bash "$ROOT/scripts/k8s/build-images.sh" "$image"
bash "$ROOT/scripts/cluster/cluster.sh" import "$ref"
# containerd has it now; the tag alone goes (the layers stay as buildah's cache), so `cluster.sh images`
# does not import every dev-loop build again.
buildah --storage-driver "${BUILDAH_STORAGE_DRIVER:-overlay}" rmi "$ref" >/dev/null 2>&1 || true
