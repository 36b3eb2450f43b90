#!/usr/bin/env bash
# How long a first build takes: `cargo build` (dev profile) into a fresh,
# empty target directory, as on a student's machine after `git clone`. Prints
# wall, user and sys time; user+sys is the figure to compare on a shared
# machine, wall the one a student waits on an idle one.
#
# Usage: scripts/bench-build.sh [light|full]   (default light)
#   light: --no-default-features, what `cargo install --path . --no-default-features`
#          builds (no AWS SDK, no testcontainers)
#   full:  the default features
# The fresh target directory is a temporary one, removed afterwards; the
# crates must already be downloaded (`cargo fetch`), so the network is not timed.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-light}"
case "$kind" in
light) flags=(--no-default-features) ;;
full) flags=() ;;
*)
    echo "uso: $0 [light|full]" >&2
    exit 2
    ;;
esac
cargo fetch --quiet
target="$(mktemp -d "${TMPDIR:-/tmp}/cloudgrade-bench-build.XXXXXX")"
trap 'rm -rf "$target"' EXIT
echo "cargo build ${flags[*]} en un directorio de destino vacío ($(nproc) núcleos, carga $(cut -d' ' -f1-3 /proc/loadavg))"
TIMEFORMAT="real %R s · user %U s · sys %S s"
time CARGO_TARGET_DIR="$target" cargo build --quiet "${flags[@]}"
