#!/usr/bin/env bash
# Builds the platform images the local cluster needs besides our services, with buildah, because no
# registry is reachable here (see scripts/cluster/images/README.md):
#   expenses/debian:bookworm   debootstrap minbase, the base of the images below
#   expenses/pause:3.10        the pod sandbox (containerd's sandbox_image), a static C program
#   expenses/coredns:1.12.4    .tools/bin/coredns (scripts/tools/install-kube.sh)
#   expenses/postgres:15       Debian's postgresql-15, shaped like the official image
#   expenses/kafka:4.1.1       single-node KRaft Kafka from the Maven Central jars (scripts/infra's)
#   expenses/curl:bookworm     sh + curl for the charts' `helm test` pods
#
#   scripts/cluster/images.sh [name ...]     default: all of them
#
# An image is rebuilt only when its folder under scripts/cluster/images changed (a hash label).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$ROOT/scripts/cluster/images"
WORK="${BUILD_IMAGES_WORK:-$ROOT/.cache/images}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BUILDAH=(buildah --storage-driver "${BUILDAH_STORAGE_DRIVER:-overlay}")
KAFKA_VERSION=4.1.1
COREDNS_VERSION=1.12.4
PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf 'cluster-images: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (buildah storage, debootstrap): run it as root"
for tool in buildah debootstrap gcc mvn; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y buildah debootstrap gcc libc6-dev maven"
done
mkdir -p "$WORK"

# The hash of an image's inputs: its folder (plus any extra files given).
source_hash() { (cd "$SRC" && find "$@" -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
current() {
  local image=$1 hash=$2
  [[ $("${BUILDAH[@]}" inspect --type image --format '{{index .Docker.Config.Labels "expenses.source-hash"}}' "$image" 2>/dev/null) == "$hash" ]]
}
commit_label() { echo "--label=expenses.source-hash=$1"; }

debian_base() {
  local image=expenses/debian:bookworm hash rootfs="$WORK/debian-rootfs"
  hash=$(echo "bookworm minbase $MIRROR" | sha256sum | cut -c1-16)
  current "$image" "$hash" && return 0
  log "making $image (debootstrap minbase, a few minutes once)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debian-debootstrap.log" 2>&1 ||
    { tail -n 5 "$WORK/debian-debootstrap.log" >&2; die "debootstrap failed; see $WORK/debian-debootstrap.log"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  local ctr
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" copy "$ctr" "$rootfs" / >/dev/null
  "${BUILDAH[@]}" config --env "$PATH_ENV" --cmd /bin/bash "$(commit_label "$hash")" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
  rm -rf "$rootfs"
}

pause_image() {
  local image=expenses/pause:3.10 hash dir="$WORK/pause"
  hash=$(source_hash pause)
  current "$image" "$hash" && return 0
  log "building $image"
  mkdir -p "$dir"
  gcc -O2 -static -o "$dir/pause" "$SRC/pause/pause.c"
  strip "$dir/pause"
  local ctr
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" copy "$ctr" "$dir/pause" /pause >/dev/null
  "${BUILDAH[@]}" config --env PATH=/ --entrypoint '["/pause"]' --user 65535:65535 "$(commit_label "$hash")" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
}

# bud NAME TAG CONTEXT HASH: a Containerfile build with the hash label.
bud() {
  local image=$1 context=$2 hash=$3
  log "building $image"
  "${BUILDAH[@]}" bud --isolation chroot --layers --label "expenses.source-hash=$hash" -t "$image" -f "$context/Containerfile" "$context" \
    >"$WORK/$(tr '/:' '__' <<<"$image").log" 2>&1 ||
    { tail -n 15 "$WORK/$(tr '/:' '__' <<<"$image").log" >&2; die "$image failed; see $WORK/$(tr '/:' '__' <<<"$image").log"; }
}

coredns_image() {
  local image=expenses/coredns:$COREDNS_VERSION hash context="$WORK/coredns"
  [[ -x "$ROOT/.tools/bin/coredns" ]] || die ".tools/bin/coredns is missing: run bash scripts/tools/install-kube.sh"
  hash=$( (source_hash coredns; sha256sum "$ROOT/.tools/bin/coredns") | sha256sum | cut -c1-16)
  current "$image" "$hash" && return 0
  rm -rf "$context"
  cp -r "$SRC/coredns" "$context"
  cp "$ROOT/.tools/bin/coredns" "$context/coredns"
  bud "$image" "$context" "$hash"
}

postgres_image() {
  local image=expenses/postgres:15 hash
  hash=$(source_hash postgres)
  current "$image" "$hash" && return 0
  bud "$image" "$SRC/postgres" "$hash"
}

curl_image() {
  local image=expenses/curl:bookworm hash
  hash=$(source_hash curl)
  current "$image" "$hash" && return 0
  bud "$image" "$SRC/curl" "$hash"
}

# The broker jars scripts/infra fetches (ensureKafkaJars), plus kafka-tools for the topic command.
kafka_image() {
  local image=expenses/kafka:$KAFKA_VERSION hash context="$WORK/kafka" lib="$ROOT/.cache/kafka/$KAFKA_VERSION/lib"
  hash=$(echo "$(source_hash kafka) $KAFKA_VERSION" | sha256sum | cut -c1-16)
  current "$image" "$hash" && return 0
  if [[ ! -f "$lib/.complete" ]]; then
    (cd "$ROOT" && node --import=tsx --conditions=@expenses/source -e "import('./scripts/infra/kafka.ts').then((m) => m.ensureKafkaJars(process.argv[1]))" "$lib")
  fi
  rm -rf "$context"
  cp -r "$SRC/kafka" "$context"
  cp -r "$lib" "$context/lib"
  rm -f "$context/lib/.complete"
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=org.apache.kafka:kafka-tools:$KAFKA_VERSION" "-DoutputDirectory=$context/lib" >"$WORK/kafka-tools-mvn.log" 2>&1 ||
    { tail -n 5 "$WORK/kafka-tools-mvn.log" >&2; die "mvn could not fetch org.apache.kafka:kafka-tools:$KAFKA_VERSION; see $WORK/kafka-tools-mvn.log"; }
  bud "$image" "$context" "$hash"
}

wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=(pause coredns postgres kafka curl)
needs_debian=0
for name in "${wanted[@]}"; do
  case $name in
    postgres | kafka | curl) needs_debian=1 ;;
    pause | coredns) ;;
    *) die "unknown image $name (pause, coredns, postgres, kafka, curl)" ;;
  esac
done
if ((needs_debian)); then debian_base; fi
for name in "${wanted[@]}"; do "${name}_image"; done
"${BUILDAH[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E 'expenses/(debian|pause|coredns|postgres|kafka|curl):' || true
