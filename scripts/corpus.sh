#!/usr/bin/env bash
# Grade the real-world corpus (bench/corpus/manifest.toml) and compare every
# headline verdict with the label a human wrote from the code (issue 9).
#
# Usage: scripts/corpus.sh DIR [--json FILE]
#   DIR         checkouts named owner+name (as the fetch tool names them, or
#               `git clone` + `git checkout <commit>` into that name); see
#               bench/corpus/README.md. Nothing is fetched: the script only reads DIR.
#   --json FILE also write the per-repo, per-rule results as JSON (for a diff
#               between two runs, e.g. before and after a fix).
#   CLOUDGRADE_BIN  the binary to run (default: $CARGO_TARGET_DIR/debug/cloudgrade,
#               else target/debug/cloudgrade). It is not built here.
#
# An entry's optional `args` (e.g. ["--workspace", "production"]) are passed to
# `check` as a student of that layout would pass them.
#
# Prints, per rule: labelled decidable, decided, correct, wrong (repo, verdict,
# label), not evaluable (with cloudgrade's reason), and the overall decided and
# correct rates; then a per-repo table. A measurement, so it exits 0 whatever
# the figures, but 1 if cloudgrade crashed or exited 2 or 4 on a repo, or a
# checkout is missing (each is printed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: scripts/corpus.sh DIR [--json FILE]" >&2; exit 2; }
dir="$(cd "$1" && pwd)"
shift
bin="${CLOUDGRADE_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/cloudgrade}"
[ -x "$bin" ] || { echo "no cloudgrade binary at $bin (build it, or set CLOUDGRADE_BIN)" >&2; exit 2; }
exec python3 - "$repo/bench/corpus/manifest.toml" "$dir" "$bin" "$@" <<'PY'
import json, os, subprocess, sys, tempfile, time, tomllib

manifest, root, binary = sys.argv[1:4]
json_out = None
rest = sys.argv[4:]
if rest[:1] == ["--json"] and len(rest) == 2:
    json_out = rest[1]
elif rest:
    sys.exit(f"unknown arguments: {rest}")

RULES = {
    "net": "net-private-egress-nat",
    "rds": "rds-only-from-ecs",
    "env": "ecs-no-env-secrets",
    "sm": "ecs-secrets-from-secrets-manager",
    "enc": "rds-encrypted",
    "bak": "rds-backups-7-35",
    "ecspriv": "ecs-private-no-public-ip",
    "rdspub": "rds-not-public",
    "netauto": "net-private-no-auto-public-ip",
    "rds2az": "rds-subnet-group-2az",
    "sgadmin": "sg-no-admin-ports",
    "multiaz": "net-multi-az",
    "rdsminor": "rds-auto-minor-upgrade",
    "rdsuser": "rds-master-username-valid",
    "vpcdns": "net-vpc-dns",
    "pubigw": "net-public-igw",
    "rdsdel": "rds-deletion-safety",
    "rdsmaz": "rds-multi-az",
    "rdswin": "rds-windows-no-overlap",
    "sgdesc": "sg-descriptions",
    "natperaz": "net-nat-per-az",
    "cidr": "net-cidr-valid",
    "sgegress": "sg-egress-minimal",
    "logret": "obs-log-retention-7-30",
    "insights": "obs-container-insights",
    "taskrole": "ecs-task-role-separate",
    "imgpin": "ecs-image-pinned",
    "flowlogs": "net-flow-logs",
    "lbworld": "sg-world-only-lb-80-443",
    "ecslb": "sg-ecs-from-lb-only",
    "rdsver": "rds-engine-version-available",
    "circuit": "ecs-circuit-breaker",
    "fargate": "ecs-fargate-awsvpc",
    "trust": "iam-trust-ecs-tasks",
    "noadmin": "iam-no-admin",
    "leastpriv": "iam-task-role-least-privilege",
    "awslogs": "ecs-awslogs",
    "health": "ecs-container-healthcheck",
    "harden": "ecs-container-hardening",
    "rotation": "secrets-rotation",
    "pull": "ecs-can-pull-image",
}
TAGS = "not @actividad:docker"
# Production's standard runs every scenario, the course's and production's
# (ecs-private-no-public-ip is production's only).
STANDARD = ["--standard", "produccion"]
entries = tomllib.load(open(manifest, "rb"))["repo"]

results = []    # one dict per repo
problems = []   # crashes, bad exits, missing checkouts
for e in entries:
    checkout = os.path.join(root, e["name"].replace("/", "+", 1))
    folder = os.path.normpath(os.path.join(checkout, e["folder"]))
    row = {"repo": e["name"], "folder": e["folder"], "args": e.get("args", []), "exit": None, "ms": None, "rules": {}}
    results.append(row)
    if not os.path.isdir(folder):
        problems.append(f"{e['name']}: no checkout at {folder}")
        continue
    with tempfile.TemporaryDirectory() as out:
        # Per-entry options a student of that layout would pass (a workspace).
        cmd = [binary, "check", folder, *e.get("args", []), "--quiet", "--color", "never", "--tags", TAGS, *STANDARD, "--out", out]
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        row["ms"] = (time.perf_counter() - t) * 1000
        row["exit"] = p.returncode
        # 3 is an honest answer with a report (nothing could be graded: a
        # folder whose resources all sit in registry modules not downloaded).
        if p.returncode < 0 or p.returncode not in (0, 1, 3):
            tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
            problems.append(f"{e['name']}: cloudgrade exited {p.returncode}: {' | '.join(tail)}")
            continue
        try:
            report = json.load(open(os.path.join(out, "report.json")))
        except (OSError, ValueError) as err:
            problems.append(f"{e['name']}: no readable report.json ({err})")
            continue
    by_id = {s["id"]: s for s in report["scenarios"]}
    for key, sid in RULES.items():
        if key not in e:
            continue  # a rule this entry has no label for
        s = by_id.get(sid)
        verdict = s["verdict"] if s else "absent"
        row["rules"][key] = {
            "label": e[key]["label"],
            "label_reason": e[key]["reason"],
            "verdict": verdict,
            "reason": (s or {}).get("reason", ""),
        }

def short(text, n=150):
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"

tot = {"decidable": 0, "decided": 0, "correct": 0}
for key, sid in RULES.items():
    cells = [(r["repo"], r["rules"][key]) for r in results if key in r["rules"]]
    decidable = [(n, c) for n, c in cells if c["label"] != "undecidable"]
    decided = [(n, c) for n, c in decidable if c["verdict"] in ("passed", "failed")]
    correct = [(n, c) for n, c in decided if c["verdict"] == c["label"]]
    wrong = [(n, c) for n, c in decided if c["verdict"] != c["label"]]
    # A verdict on a rule the label calls undecidable is listed too: either
    # cloudgrade knows more than the labeller, or it guessed.
    bold = [(n, c) for n, c in cells if c["label"] == "undecidable" and c["verdict"] in ("passed", "failed")]
    not_eval = [(n, c) for n, c in cells if c["verdict"] not in ("passed", "failed")]
    for k, v in (("decidable", decidable), ("decided", decided), ("correct", correct)):
        tot[k] += len(v)
    pct = lambda a, b: f"{100 * a / b:5.1f} %" if b else "    -"
    print(f"== {sid}")
    print(f"   labelled decidable {len(decidable):3}   decided {len(decided):3} ({pct(len(decided), len(decidable))})"
          f"   correct {len(correct):3} ({pct(len(correct), len(decided))} of decided)")
    for n, c in wrong:
        print(f"   WRONG    {n}: cloudgrade {c['verdict']}, label {c['label']} — {short(c['reason'] or '(no reason)')}")
    for n, c in bold:
        print(f"   DECIDED-UNDECIDABLE {n}: cloudgrade {c['verdict']} — label: {short(c['label_reason'])}")
    for n, c in not_eval:
        print(f"   {c['verdict']:<14}{n} (label {c['label']}): {short(c['reason'] or '(no reason)')}")
    print()

pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "-"
print(f"OVERALL  decidable {tot['decidable']}  decided {tot['decided']} ({pct(tot['decided'], tot['decidable'])})"
      f"  correct {tot['correct']} ({pct(tot['correct'], tot['decided'])} of decided)")
print()
abbrev = {"passed": "P", "failed": "F", "not_evaluable": "n", "grader_error": "E", "absent": "-", "undecidable": "u"}
print(f"{'repository':<62} {'exit':>4} {'ms':>7}  " + "  ".join(f"{k:>5}" for k in RULES))
print(f"{'':<62} {'':>4} {'':>7}  " + "  ".join(f"{'cg/lb':>5}" for _ in RULES))
for r in results:
    cells = []
    for key in RULES:
        c = r["rules"].get(key)
        if not c:
            cells.append(f"{'?':>5}")
            continue
        v, l = abbrev.get(c["verdict"], "?"), abbrev[c["label"]]
        mark = "" if c["label"] == "undecidable" or c["verdict"] not in ("passed", "failed") or c["verdict"] == c["label"] else "!"
        cells.append(f"{v + '/' + l + mark:>5}")
    ms = f"{r['ms']:.0f}" if r["ms"] is not None else "-"
    print(f"{r['repo'][:62]:<62} {str(r['exit']):>4} {ms:>7}  " + "  ".join(cells))
print("   cg/lb = cloudgrade's verdict / the label: P passed, F failed, n not evaluable, u undecidable, ! disagreement")
if json_out:
    json.dump({"results": results, "totals": tot}, open(json_out, "w"), indent=1, ensure_ascii=False)
if problems:
    print()
    for p in problems:
        print(f"PROBLEM  {p}")
    sys.exit(1)
PY
