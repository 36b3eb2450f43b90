#!/usr/bin/env bash
# Installs the moto emulator into cloudgrade's virtual environment if it is
# not there yet. Idempotent: a second run takes a fraction of a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
if [ -x "$CLOUDGRADE_VENV/bin/moto_server" ]; then
  exit 0
fi
echo "instalando moto en $CLOUDGRADE_VENV (una sola vez, ~1 min)..." >&2
python3 -m venv "$CLOUDGRADE_VENV"
"$CLOUDGRADE_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
"$CLOUDGRADE_VENV/bin/moto_server" --help >/dev/null
