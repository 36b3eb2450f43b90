#!/usr/bin/env bash
# The test command: every unit test and every integration test, including
# the ones that start moto and grade every world in scenarios/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
cd "$here/.."
"$here/setup-moto.sh"
cargo nextest run --workspace --no-fail-fast "$@"
