#!/usr/bin/env bash
# Benchmark: grade the reference world in a local moto, N times, with an
# optimised build. Prints wall time of the whole process, the number of AWS
# API calls, and the time spent collecting and evaluating, separately.
# Usage: scripts/bench.sh [RUNS]   (default 15)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
source "$here/moto.sh"
cd "$here/.."
runs="${1:-15}"
"$here/setup-moto.sh"
cargo build --quiet --profile measure --bin cloudgrade
bin="$CARGO_TARGET_DIR/measure/cloudgrade"
moto_start
"$bin" world apply scenarios/reference --endpoint-url "$MOTO_URL" 2>/dev/null
out=$(mktemp -d)
python3 - "$bin" "$MOTO_URL" "$out" "$runs" <<'PY'
import json, statistics, subprocess, sys, time
bin, url, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cmd = [bin, "grade", "--aws", "--endpoint-url", url, "--region", "us-east-1", "--quiet", "--out", out]
env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
subprocess.run(cmd, env=env, check=False, capture_output=True)  # warm-up: moto's first answers are slower
wall, collect, evaluate, calls = [], [], [], set()
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True)
    wall.append((time.perf_counter() - t) * 1000)
    if p.returncode != 0:
        sys.exit(f"grade exited {p.returncode}: {p.stderr.decode()}")
    rep = json.load(open(f"{out}/report.json"))
    collect.append(rep["provenance"]["timings"]["collect_ms"])
    evaluate.append(rep["provenance"]["timings"]["evaluate_ms"])
    calls.add(rep["provenance"]["api_calls"])
def row(name, xs, unit="ms"):
    print(f"{name:<28} median {statistics.median(xs):8.2f} {unit}   min {min(xs):8.2f}   max {max(xs):8.2f}")
print(f"cloudgrade grade --aws, reference world in moto, {runs} runs")
row("wall time (whole process)", wall)
row("collect (AWS API)", collect)
row("evaluate (features+steps)", evaluate)
print(f"{'AWS API calls':<28} {', '.join(map(str, sorted(calls)))}")
PY
rm -rf "$out"
