#!/usr/bin/env bash
# Installs headless Chromium (Debian's `chromium`) and jq, which the HTML
# report test (tests/html.rs) and the example-workflow tests (tests/batch.rs)
# run. Idempotent: nothing to do when both are there. CI runs it from .ci/run.
set -euo pipefail
missing=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
command -v jq >/dev/null || missing+=(jq)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "instalando ${missing[*]} (apt-get)..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
