#!/usr/bin/env bash
# The whole fault-injection matrix (tests/faults.rs): every world of
# scenarios/ × every operation the aws source calls × every fault of
# scripts/faultproxy.py, against moto. Prints the table (world, operation,
# fault, time, verdict changes) and the totals; exits non-zero if any cell
# breaks the invariant (a verdict flips, or becomes not_evaluable without
# naming the failed read). CI runs a sample of it (`faults_sample`).
#
#   scripts/faults.sh            # 3 worlds at a time
#   CLOUDGRADE_FAULTS_JOBS=2 scripts/faults.sh
#   CLOUDGRADE_FAULTS_TABLE=/tmp/faults.txt scripts/faults.sh   # the table, also to a file
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
cd "$here/.."
"$here/setup-moto.sh"
cargo nextest run -p cloudgrade --test faults --run-ignored only --no-capture \
  --no-fail-fast faults_full_matrix "$@"
