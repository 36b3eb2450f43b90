#!/usr/bin/env bash
# The test command: every unit test and every integration test, including
# the ones that start moto and grade every world in scenarios/; then the
# light build's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
cd "$here/.."
"$here/setup-moto.sh"
cargo nextest run --workspace --no-fail-fast "$@"

# The light build a student installs (--no-default-features): it must link
# neither the AWS SDK nor testcontainers, and its tests include the one that
# each command needing them names the feature to build with.
if cargo tree -p cloudgrade --no-default-features -e normal --prefix none |
    grep -E '^(aws-sdk|aws-config|testcontainers|bollard)'; then
    echo "the light build (--no-default-features) links the crates above" >&2
    exit 1
fi
cargo nextest run -p cloudgrade --no-default-features --no-fail-fast "$@"
