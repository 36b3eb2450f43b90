#!/usr/bin/env bash
# The main job, end to end on this machine. First without AWS, an emulator or
# Docker: a student's hand-in with planted mistakes, then the instructor's
# solution, graded from their Terraform. Then moto (installed if missing), the
# reference world and one broken world built into it, each graded by
# cloudgrade through the AWS SDK. Reports land in out/demo/<name>/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
source "$here/moto.sh"
cd "$here/.."
cargo build --quiet --bin cloudgrade
bin="$CARGO_TARGET_DIR/debug/cloudgrade"
# The static steps come before the moto setup: they need nothing but the
# binary, so a machine without Python still shows a graded report.
printf '\n===== sin AWS: cloudgrade check examples/terraform/entrega (una entrega con errores)\n'
code=0
"$bin" check examples/terraform/entrega \
  --out out/demo/entrega --format markdown,junit,html || code=$?
echo "(exit $code; informes en out/demo/entrega)"
printf '\n===== sin AWS: cloudgrade check examples/terraform/curso (la solución del profesor)\n'
"$bin" check examples/terraform/curso || true
"$here/setup-moto.sh"
moto_start
for world in reference private-rt-to-igw; do
  printf '\n===== mundo: %s — %s\n' "$world" "$(sed -n 's/^description *= *"\(.*\)"/\1/p' "scenarios/$world/expect.toml")"
  moto_reset
  "$bin" world apply "scenarios/$world" --endpoint-url "$MOTO_URL"
  code=0
  "$bin" grade --aws --endpoint-url "$MOTO_URL" --region us-east-1 \
    --tags "not @actividad:docker" --out "out/demo/$world" --format markdown,junit,html || code=$?
  echo "(exit $code; informes en out/demo/$world: report.json, report.md, junit.xml, report.html)"
done
