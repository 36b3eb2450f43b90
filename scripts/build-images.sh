#!/usr/bin/env bash
# Builds, with no container registry, every image the container tests use:
#   cloudgrade-test/base:1.35 (+ :latest)  busybox on an empty filesystem
#   cloudgrade-test/debian:bookworm-python3 a debootstrapped Debian, imported
#   cloudgrade-test/moto:<version>  (+ :latest)  the moto AWS emulator
#   cloudgrade-test/noshell         a test fixture: no shell, like distroless
#   cloudgrade-test/docker-<world>  one per scenarios/docker/<world>/
# Idempotent: each image carries a label with the hash of its recipe and is
# rebuilt only when that changes; the Debian root filesystem is cached as a
# tarball under ~/.cache/cloudgrade/images, so a re-run takes seconds.
# Ends with a table of image sizes and build times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cloudgrade/images"
mkdir -p "$cache"

BUSYBOX_TAG=1.35
DEBIAN_SUITE=bookworm
# The Debian mirror this machine's apt already uses (deb822 or one-line
# sources), so the script names no host of its own; DEBIAN_MIRROR overrides.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
  done | head -n1
  [ -f /etc/apt/sources.list ] &&
    awk '$1 == "deb" && $2 !~ /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' /etc/apt/sources.list
  return 0
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(apt_mirror | head -n1)}"
[ -n "$DEBIAN_MIRROR" ] || { printf 'build-images: no encuentro el mirror de Debian de apt (/etc/apt/sources.list*): define DEBIAN_MIRROR\n' >&2; exit 1; }
# The version the rest of the project tests against (scripts/setup-moto.sh).
MOTO_VERSION="${MOTO_VERSION:-5.2.1}"
ROOTFS_IMAGE="cloudgrade-test/debian:$DEBIAN_SUITE-python3"
export DOCKER_BUILDKIT=0 # the legacy builder needs no buildx plugin and pulls nothing for FROM scratch

log() { printf 'build-images: %s\n' "$*" >&2; }
# Runs a command quietly; its output is shown only when it fails.
quiet() {
  local out
  out=$(mktemp)
  if ! "$@" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}
die() { log "error: $*"; exit 1; }

docker info >/dev/null 2>&1 || die "Docker no responde (¿está instalado y arrancado el servicio?)"

# sha256 of files and strings, stable across machines (paths relative, sorted).
recipe_hash() {
  {
    for item in "$@"; do
      if [ -d "$item" ]; then
        # expect.toml is the grade, not part of the image.
        (cd "$item" && find . -type f ! -name expect.toml -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
      elif [ -f "$item" ]; then
        sha256sum <"$item"
      else
        printf '%s\n' "$item"
      fi
    done
  } | sha256sum | cut -c1-16
}

label_of() { docker image inspect -f '{{ index .Config.Labels "cloudgrade.recipe" }}' "$1" 2>/dev/null || true; }
up_to_date() { [ "$(label_of "$1")" = "$2" ]; }

declare -a built_names=() built_secs=()
timed() { # timed NAME COMMAND...: runs it, remembers how long it took
  local name=$1 t0=$SECONDS
  shift
  "$@"
  built_names+=("$name")
  built_secs+=($((SECONDS - t0)))
}

# --- cloudgrade-test/base ----------------------------------------------------
busybox_binary() {
  local bin="$cache/busybox-static/bin/busybox"
  if [ ! -x "$bin" ]; then
    log "descargando busybox-static (paquete de Debian)"
    local dl
    dl=$(mktemp -d)
    (cd "$dl" && { apt-get download busybox-static >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download busybox-static >/dev/null; }; })
    rm -rf "$cache/busybox-static"
    dpkg-deb -x "$dl"/busybox-static_*.deb "$cache/busybox-static"
    rm -rf "$dl"
  fi
  [ -x "$bin" ] || die "no se encontró busybox en el paquete busybox-static"
  printf '%s\n' "$bin"
}

build_base() {
  local hash ctx
  hash=$(recipe_hash "$here/images/base")
  if up_to_date "cloudgrade-test/base:$BUSYBOX_TAG" "$hash"; then
    return
  fi
  log "construyendo cloudgrade-test/base:$BUSYBOX_TAG"
  ctx=$(mktemp -d)
  cp "$here/images/base/Dockerfile" "$ctx/"
  cp "$(busybox_binary)" "$ctx/busybox"
  quiet docker build --force-rm --label "cloudgrade.recipe=$hash" -t "cloudgrade-test/base:$BUSYBOX_TAG" "$ctx"
  rm -rf "$ctx"
}

# --- the emulator --------------------------------------------------------------
rootfs_tarball() {
  local tarball="$cache/debian-$DEBIAN_SUITE-python3-minbase.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || {
      log "instalando debootstrap"
      apt-get install -y -qq debootstrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
    }
    log "debootstrap de Debian $DEBIAN_SUITE (minbase + python3; una sola vez, se guarda en $cache)"
    local root
    root=$(mktemp -d)
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
      "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$cache/debootstrap.log" 2>&1 ||
      die "debootstrap falló: mira $cache/debootstrap.log"
    # What a container never needs: package caches, documentation, locales.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
      "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
    tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  printf '%s\n' "$tarball"
}

build_rootfs_image() {
  local tarball hash
  tarball=$(rootfs_tarball)
  hash=$(stat -c '%s-%Y' "$tarball")
  if up_to_date "$ROOTFS_IMAGE" "$hash"; then
    return
  fi
  log "importando $ROOTFS_IMAGE"
  quiet docker import -c "LABEL cloudgrade.recipe=$hash" -c 'CMD ["/bin/bash"]' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" "$ROOTFS_IMAGE"
}

# Wheels for moto and its dependencies, fetched once by the host's pip (which
# knows the host's certificates and index settings) for the same CPython 3.11
# on glibc that Debian bookworm ships.
moto_wheels() {
  local dir="$cache/wheels-moto-$MOTO_VERSION"
  if [ ! -f "$dir/.complete" ]; then
    log "descargando moto $MOTO_VERSION y sus dependencias (pip download, una sola vez)"
    rm -rf "$dir"
    quiet python3 -m pip download --disable-pip-version-check --only-binary=:all: \
      --python-version 3.11 --implementation cp --platform manylinux2014_x86_64 \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_34_x86_64 \
      --dest "$dir" "moto[s3,ssm]==$MOTO_VERSION" flask flask-cors
    touch "$dir/.complete"
  fi
  printf '%s\n' "$dir"
}

build_moto() {
  local hash ctx wheels
  hash=$(recipe_hash "$here/images/moto" "$MOTO_VERSION" "$(label_of "$ROOTFS_IMAGE")")
  if up_to_date "cloudgrade-test/moto:$MOTO_VERSION" "$hash"; then
    return
  fi
  wheels=$(moto_wheels)
  log "construyendo cloudgrade-test/moto:$MOTO_VERSION"
  ctx=$(mktemp -d)
  cp "$here/images/moto/Dockerfile" "$ctx/"
  cp -r "$wheels" "$ctx/wheels"
  quiet docker build --force-rm --label "cloudgrade.recipe=$hash" \
    --build-arg "ROOTFS=$ROOTFS_IMAGE" --build-arg "MOTO_VERSION=$MOTO_VERSION" \
    -t "cloudgrade-test/moto:$MOTO_VERSION" "$ctx"
  rm -rf "$ctx"
  smoke_test_moto
}

# The image must answer as moto, on its port, before any test relies on it.
smoke_test_moto() {
  local id port ok=
  id=$(docker run -d --rm -p 127.0.0.1::5000 "cloudgrade-test/moto:$MOTO_VERSION")
  port=$(docker port "$id" 5000/tcp | head -n1 | sed 's/.*://')
  for _ in $(seq 1 100); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
      "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      ok=1
      break
    fi
    sleep 0.2
  done
  docker rm -f "$id" >/dev/null
  [ -n "$ok" ] || die "cloudgrade-test/moto no respondió en /moto-api/"
}

# A test fixture: an image with no shell, like a distroless one.
build_fixture() {
  local name=$1 hash
  hash=$(recipe_hash "$here/images/$name" "$(label_of "cloudgrade-test/base:$BUSYBOX_TAG")")
  if up_to_date "cloudgrade-test/$name" "$hash"; then
    return
  fi
  log "construyendo cloudgrade-test/$name"
  quiet docker build --force-rm --label "cloudgrade.recipe=$hash" -t "cloudgrade-test/$name" "$here/images/$name"
}

# --- the docker worlds ---------------------------------------------------------
build_world() {
  local dir=$1 world hash image
  world=$(basename "$dir")
  image="cloudgrade-test/docker-$world"
  hash=$(recipe_hash "$dir" "$(label_of "cloudgrade-test/base:$BUSYBOX_TAG")")
  if up_to_date "$image" "$hash"; then
    return
  fi
  log "construyendo $image"
  quiet docker build --force-rm --label "cloudgrade.recipe=$hash" -t "$image" "$dir"
}

timed "cloudgrade-test/base:$BUSYBOX_TAG" build_base
# `latest` too: a broken world builds from the unpinned base, and the tests
# name the emulator without its version. Tagged on every run, so a removed
# tag comes back.
docker tag "cloudgrade-test/base:$BUSYBOX_TAG" cloudgrade-test/base:latest
timed "$ROOTFS_IMAGE" build_rootfs_image
timed "cloudgrade-test/moto:$MOTO_VERSION" build_moto
docker tag "cloudgrade-test/moto:$MOTO_VERSION" cloudgrade-test/moto:latest
timed cloudgrade-test/noshell build_fixture noshell
for dir in "$repo"/scenarios/docker/*/; do
  [ -f "$dir/Dockerfile" ] || continue
  timed "cloudgrade-test/docker-$(basename "$dir")" build_world "$dir"
done

# Dangling layers of replaced builds would pile up on a CI machine.
docker image prune -f --filter label=cloudgrade.recipe >/dev/null 2>&1 || true

printf '%-44s %10s %8s\n' IMAGEN TAMAÑO "TIEMPO"
for i in "${!built_names[@]}"; do
  bytes=$(docker image inspect -f '{{.Size}}' "${built_names[$i]}")
  awk -v n="${built_names[$i]}" -v b="$bytes" -v s="${built_secs[$i]}" 'BEGIN { printf "%-44s %8.1f MB %6d s\n", n, b / 1e6, s }'
done
