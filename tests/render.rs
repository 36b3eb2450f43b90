//! Every rendering of one graded run, pinned with insta snapshots. The run
//! grades a fixed snapshot (a private subnet routed to the internet gateway
//! and a password in a task definition's environment) with the shipped
//! features; volatile fields (time, durations, hashes) are fixed first.

use std::path::Path;

use cloudgrade::grade::{self, FeatureSource, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade_model::Inventory;

fn graded() -> Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inv = Inventory::load(&root.join("tests/fixtures/broken.snapshot.json")).unwrap();
    let info = RunInfo {
        started_at: "2026-01-01T00:00:00Z".into(),
        collect_ms: 0.0,
        api_calls: None,
    };
    let plan = grade::plan(&FeatureSource::Embedded.load().unwrap());
    let filter = TagFilter::parse(Some("not @actividad:docker")).unwrap();
    let mut r = grade::grade(&inv, &plan, &filter, info).unwrap();
    r.provenance.timings.evaluate_ms = 0.0;
    r.provenance.version = "[version]".into();
    for f in &mut r.provenance.features {
        f.sha256 = "[sha256]".into();
    }
    r
}

#[test]
fn verdicts_of_the_fixture() {
    let r = graded();
    let verdicts: Vec<(String, &str)> = r
        .scenarios
        .iter()
        .map(|s| (s.id.clone(), s.verdict.as_str()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("rds-only-from-ecs".to_string(), "failed"),
            ("net-private-egress-nat".to_string(), "failed"),
            ("ecs-no-env-secrets".to_string(), "failed"),
            ("ecs-secrets-from-secrets-manager".to_string(), "passed"),
        ]
    );
    assert_eq!(r.summary.points, 5.0);
    assert_eq!(r.summary.max_points, 35.0);
}

#[test]
fn json() {
    insta::assert_snapshot!(report::render(&graded(), Format::Json, false));
}

#[test]
fn terminal() {
    insta::assert_snapshot!(report::render(&graded(), Format::Terminal, false));
}

#[test]
fn terminal_colours_only_when_asked() {
    let r = graded();
    assert!(report::render(&r, Format::Terminal, true).contains("\x1b[31m"));
    assert!(!report::render(&r, Format::Terminal, false).contains('\x1b'));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(report::render(&graded(), Format::Markdown, false));
}

#[test]
fn junit() {
    insta::assert_snapshot!(report::render(&graded(), Format::Junit, false));
}

#[test]
fn the_json_report_round_trips() {
    let r = graded();
    let text = report::render(&r, Format::Json, false);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, text).unwrap();
    assert_eq!(report::load(&path).unwrap(), r);
}
