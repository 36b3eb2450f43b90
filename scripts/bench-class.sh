#!/usr/bin/env bash
# Benchmark of `cloudgrade batch`: a class of N students (default 200), twice.
#   1. N Terraform submissions: variations of examples/terraform/curso (a
#      private route to the internet gateway, a public database, a password
#      in the task's environment, now and then a file that does not parse).
#   2. N sandbox accounts in ONE moto: moto keeps one state per account, and
#      an STS AssumeRole's keys act in the role's account, so each student is
#      `aws-role://arn:aws:iam::<own id>:role/cloudgrade@us-east-1`. Each
#      account gets a world of scenarios/ (the reference or a broken one).
# For each batch: wall time, AWS API calls, students per second and peak
# memory (/usr/bin/time -v).
#
# Usage: scripts/bench-class.sh [N]
#   CLOUDGRADE_BIN=path  use this binary instead of building one
#   BENCH_PROFILE=dev|measure  the cargo profile to build (default measure,
#                               as scripts/bench.sh)
#   BENCH_JOBS=16        --jobs for the live batch (static: one per core)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
source "$here/moto.sh"
repo="$(cd "$here/.." && pwd)"
n="${1:-200}"
jobs_live="${BENCH_JOBS:-16}"
profile="${BENCH_PROFILE:-measure}"
command -v moto_server >/dev/null || "$here/setup-moto.sh"

if [ -n "${CLOUDGRADE_BIN:-}" ]; then
  bin="$CLOUDGRADE_BIN"
else
  (cd "$repo" && cargo build --quiet --profile "$profile" --bin cloudgrade)
  dir="$profile"; [ "$profile" = dev ] && dir=debug
  bin="$CARGO_TARGET_DIR/$dir/cloudgrade"
fi
work="$(mktemp -d)"
cleanup() { moto_stop; rm -rf "$work"; }
trap cleanup EXIT

# --- 1. Terraform submissions -------------------------------------------------
echo "student_id,name,source" > "$work/roster-tf.csv"
for i in $(seq 1 "$n"); do
  id=$(printf 'tf%03d' "$i")
  d="$work/tf/$id"
  mkdir -p "$d"
  cp "$repo"/examples/terraform/curso/*.tf "$repo"/examples/terraform/curso/*.tfvars "$d/"
  sed -i "s/^project_name = .*/project_name = \"alumno-$i\"/" "$d/terraform.tfvars"
  if [ $((i % 4)) -eq 1 ]; then
    sed -i 's/nat_gateway_id         = aws_nat_gateway.main\[count.index\].id/gateway_id             = aws_internet_gateway.main.id/' "$d/network.tf"
  fi
  if [ $((i % 5)) -eq 2 ]; then
    sed -i 's/publicly_accessible    = false/publicly_accessible    = true/' "$d/rds.tf"
  fi
  if [ $((i % 6)) -eq 3 ]; then
    sed -i 's/{ name = "APP_ENV", value = var.environment },/{ name = "APP_ENV", value = var.environment },\n        { name = "DB_PASSWORD", value = "Sup3r-S3cret-'"$i"'" },/' "$d/ecs.tf"
  fi
  if [ $((i % 50)) -eq 7 ]; then
    echo 'resource "aws_s3_bucket" "roto" {' >> "$d/network.tf"
  fi
  echo "$id,Alumno $i,tf/$id" >> "$work/roster-tf.csv"
done

# Runs one batch under /usr/bin/time and prints its row.
measure() {
  local label="$1"; shift
  local out="$1"; shift
  local timing="$work/time-$out.txt"
  set +e
  /usr/bin/time -v "$bin" batch "$@" --out "$work/$out" --quiet 2> "$timing"
  local code=$?
  set -e
  if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then
    cat "$timing" >&2
    echo "$label: cloudgrade batch terminó con el código $code" >&2
    exit 1
  fi
  python3 - "$label" "$work/$out/batch.json" "$timing" <<'PY'
import json, re, sys
label, manifest, timing = sys.argv[1:]
m = json.load(open(manifest))
t = open(timing).read()
def field(name):
    return re.search(re.escape(name) + r": (.*)", t).group(1).strip()
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss_mb = int(field("Maximum resident set size (kbytes)")) / 1024
students = m["students"]
calls = sum(s.get("api_calls") or 0 for s in students)
by = {}
for s in students:
    by[s["status"]] = by.get(s["status"], 0) + 1
print(f"{label:<34} {len(students):>4} alumnos  {secs:7.2f} s  {len(students)/secs:7.1f} alumnos/s  "
      f"{calls:>6} llamadas API  {rss_mb:7.1f} MB pico  "
      f"({by.get('graded', 0)} corregidos, {by.get('not_graded', 0)} no corregidos)")
PY
}

echo "cloudgrade batch, $n alumnos ($("$bin" --version), $(nproc) núcleos)"
(cd "$work" && measure "Terraform estático (--jobs $(nproc))" out-tf roster-tf.csv --tags "not @actividad:docker")

# --- 2. Sandbox accounts in one moto ------------------------------------------
moto_start
worlds=(reference private-rt-to-igw rds-public env-db-password reference nacl-drops-return reference secret-role-too-broad)
echo "student_id,name,source" > "$work/roster-aws.csv"
: > "$work/accounts.txt"
for i in $(seq 1 "$n"); do
  acct=$(printf '1000%08d' "$i")
  world="${worlds[$(( (i - 1) % ${#worlds[@]} ))]}"
  echo "$acct $world" >> "$work/accounts.txt"
  echo "aws$(printf '%03d' "$i"),Cuenta $i,aws-role://arn:aws:iam::$acct:role/cloudgrade@us-east-1" >> "$work/roster-aws.csv"
done
echo "construyendo $n mundos en moto (una cuenta cada uno)..." >&2
start=$(date +%s)
python3 - "$bin" "$MOTO_URL" "$repo" "$work/accounts.txt" <<'PY'
import os, subprocess, sys, urllib.parse, urllib.request, re
from concurrent.futures import ThreadPoolExecutor
bin, url, repo, accounts = sys.argv[1:]
def assume(acct):
    body = urllib.parse.urlencode({"Action": "AssumeRole", "Version": "2011-06-15",
        "RoleArn": f"arn:aws:iam::{acct}:role/cloudgrade", "RoleSessionName": "bench"}).encode()
    req = urllib.request.Request(url + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"})
    xml = urllib.request.urlopen(req).read().decode()
    get = lambda t: re.search(f"<{t}>(.*?)</{t}>", xml, re.S).group(1)
    return get("AccessKeyId"), get("SecretAccessKey"), get("SessionToken")
def build(line):
    acct, world = line.split()
    k, s, t = assume(acct)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=k, AWS_SECRET_ACCESS_KEY=s, AWS_SESSION_TOKEN=t)
    env.pop("AWS_PROFILE", None)
    p = subprocess.run([bin, "world", "apply", f"{repo}/scenarios/{world}", "--endpoint-url", url,
                        "--region", "us-east-1"], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{acct} {world}: {p.stderr}")
with ThreadPoolExecutor(4) as pool:
    list(pool.map(build, open(accounts).read().split("\n")[:-1]))
PY
echo "mundos construidos en $(( $(date +%s) - start )) s" >&2
(
  cd "$work"
  # The grader's own keys are the emulator's defaults; each student's come
  # from assuming their role.
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
  measure "Cuentas en moto (--jobs $jobs_live)" out-aws roster-aws.csv \
    --endpoint-url "$MOTO_URL" --jobs "$jobs_live" --tags "not @actividad:docker"
)
