#!/usr/bin/env bash
# Installs community LocalStack (localstack-core, host mode, no Docker) into
# a virtual environment of its own, with the pins that make it start on
# Python 3.11, plus cloudgrade's shim (scripts/localstack-shim: ECS, RDS and ELBv2
# served by the moto LocalStack bundles). Idempotent: a second run takes a
# fraction of a second. Why each pin: /work/shared/design/localstack.md and
# scripts/localstack-constraints.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
venv="$CLOUDGRADE_LOCALSTACK_VENV"
shim="$here/localstack-shim"
# The shim is reinstalled whenever its files change.
stamp="$(cat "$here/localstack-constraints.txt" "$shim"/pyproject.toml "$shim"/ls_moto_shim/*.py | sha1sum | cut -c1-16)"
if [ -f "$venv/.cloudgrade-stamp" ] && [ "$(cat "$venv/.cloudgrade-stamp")" = "$stamp" ]; then
  exit 0
fi
echo "instalando LocalStack en $venv (una sola vez, ~1 min)..." >&2
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
# 4.13.1 is the newest localstack-core that compiles on Python 3.11; its
# runtime extra is installed minimally ([base-runtime] + moto-ext) and every
# resolved version is pinned by the constraints file.
"${pip[@]}" -c "$here/localstack-constraints.txt" \
  'localstack-core[base-runtime]==4.13.1' 'moto-ext[all]' cbor2 pyopenssl cryptography service_identity
# Built from a copy: pip leaves build/ and *.egg-info beside the sources.
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
cp -R "$shim"/pyproject.toml "$shim"/ls_moto_shim "$copy"/
"${pip[@]}" --no-deps --force-reinstall "$copy"
"$venv/bin/python" -c 'import localstack.runtime.main, ls_moto_shim'
echo "$stamp" >"$venv/.cloudgrade-stamp"
