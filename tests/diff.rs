//! `cloudgrade diff` with the real binary: last night's run against
//! tonight's, each saved with its inventory as `batch --save-inventory`
//! leaves them. Regressions come first and set the exit code.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudgrade::grade::{self, RunInfo, TagFilter};
use cloudgrade::report;
use cloudgrade_model::Inventory;

fn fixture() -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/fixtures/broken.snapshot.json")).unwrap(),
    )
    .unwrap()
}

/// The private table of AZ b routed through the NAT gateway, as it should be.
fn fix_route(v: &mut serde_json::Value) {
    let rt = v["route_tables"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == "rtb-private-b")
        .unwrap();
    rt["routes"][1]["target"] = serde_json::json!({"kind": "nat_gateway", "id": "nat-a"});
}

/// Grades `v` and saves report.json and inventory.json in `dir`, like a
/// batch run with `--save-inventory`.
fn save_run(dir: &Path, v: &serde_json::Value, at: &str) -> PathBuf {
    let inv = Inventory::from_json(&v.to_string(), "fixture").unwrap();
    let plan = common::fixture_plan();
    let filter = TagFilter::parse(Some("not @actividad:docker")).unwrap();
    let info = RunInfo {
        started_at: at.into(),
        ..Default::default()
    };
    let mut r = grade::grade(&inv, &plan, &filter, info).unwrap();
    r.provenance.version = "[version]".into();
    for f in &mut r.provenance.features {
        f.sha256 = "[sha256]".into();
    }
    r.provenance.timings = Default::default();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("report.json"), report::to_json(&r)).unwrap();
    std::fs::write(dir.join("inventory.json"), inv.to_json()).unwrap();
    dir.join("report.json")
}

fn diff(args: &[&Path], extra: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_cloudgrade"))
        .arg("diff")
        .args(args)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_regression_is_listed_first_and_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let old = save_run(&dir.path().join("ayer"), &fixture(), "2026-03-01T03:17:00Z");
    // Tonight: the route was fixed, but the secret the task reads is gone.
    let mut v = fixture();
    fix_route(&mut v);
    v["secrets"] = serde_json::json!([]);
    let new = save_run(&dir.path().join("hoy"), &v, "2026-03-02T03:17:00Z");

    let (code, out, err) = diff(&[&old, &new], &[]);
    assert_eq!(code, 1, "{out}{err}");
    let worse = out.find("Empeoran").expect("regressions");
    let better = out.find("Mejoran").expect("improvements");
    assert!(worse < better, "regressions first:\n{out}");
    assert!(
        out.contains("ecs-secrets-from-secrets-manager  superado → fallido  5 → 0 puntos (−5)"),
        "{out}"
    );
    assert!(
        out.contains("net-private-egress-nat  fallido → superado  0 → 10 puntos (+10)"),
        "{out}"
    );
    assert!(out.contains("- secretos de Secrets Manager arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"), "{out}");
    assert!(
        out.contains("~ tablas de rutas rtb-private-b: routes"),
        "{out}"
    );

    let summary = dir.path().join("summary.md");
    let (code, out, _) = diff(
        &[&old, &new],
        &["--format", "markdown", "--out", summary.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(out.is_empty(), "written to --out, not stdout");
    insta::assert_snapshot!("markdown", std::fs::read_to_string(&summary).unwrap());
    // --out appends: a job summary gathers one section per student.
    diff(
        &[&old, &new],
        &["--format", "markdown", "--out", summary.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("## cloudgrade diff").count(), 2);
}

#[test]
fn only_improvements_or_nothing_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let old = save_run(&dir.path().join("ayer"), &fixture(), "2026-03-01T03:17:00Z");
    let mut v = fixture();
    fix_route(&mut v);
    let new = save_run(&dir.path().join("hoy"), &v, "2026-03-02T03:17:00Z");
    let (code, out, _) = diff(&[&old, &new], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Mejoran") && !out.contains("Empeoran"),
        "{out}"
    );

    let (code, out, _) = diff(&[&old, &old], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Ningún escenario ha cambiado"), "{out}");
    assert!(
        out.contains("Recursos: 0 añadidos, 0 eliminados, 0 cambiados"),
        "{out}"
    );
}

#[test]
fn without_saved_inventories_it_says_why_resources_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let old = save_run(&dir.path().join("ayer"), &fixture(), "t1");
    let new = save_run(&dir.path().join("hoy"), &fixture(), "t2");
    std::fs::remove_file(dir.path().join("hoy/inventory.json")).unwrap();
    let (code, out, _) = diff(&[&old, &new], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("--save-inventory"), "{out}");
}

#[test]
fn bad_input_exits_two_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let old = save_run(&dir.path().join("ayer"), &fixture(), "t1");
    let missing = dir.path().join("no-existe.json");
    let (code, _, err) = diff(&[&old, &missing], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no-existe.json"), "{err}");
    // A snapshot is not a report.
    let inv = dir.path().join("ayer/inventory.json");
    let (code, _, err) = diff(&[&inv, &old], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no es un report.json"), "{err}");
}
