//! The command line's contract: exit codes, one clear line on bad input, and
//! verdicts that never blame the student for what the grader could not do.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn grade_snapshot(snapshot: &str, features: &str, out: &std::path::Path) -> Output {
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        snapshot,
        "--features",
        features,
        "--tags",
        AWS_TAGS,
        "--out",
    ])
    .arg(out);
    run(c)
}

fn one_line(s: &str) -> bool {
    s.trim_end().lines().count() == 1
}

#[test]
fn missing_features_folder_is_bad_input() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "no/such/features",
        out.path(),
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("no/such/features"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_file_that_is_not_a_snapshot_is_named_with_its_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot("Cargo.toml", "features", out.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("Cargo.toml:1:"),
        "{}",
        o.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let future = dir.path().join("future.json");
    std::fs::write(
        &future,
        r#"{"schema_version": 99, "source": {"kind": "aws", "location": "x"}}"#,
    )
    .unwrap();
    let o = grade_snapshot(future.to_str().unwrap(), "features", out.path());
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("schema_version 99"), "{}", o.stderr);
}

#[test]
fn no_source_is_bad_usage() {
    let mut c = cloudgrade();
    c.args(["grade", "--out", "/tmp/never"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--aws") && o.stderr.contains("--snapshot"),
        "{}",
        o.stderr
    );
}

#[test]
fn an_undefined_step_is_a_grader_error_with_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "tests/fixtures/features-undefined",
        out.path(),
    );
    assert_eq!(o.code, 4, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let s = &report["scenarios"][0];
    assert_eq!(s["verdict"], "grader_error");
    assert_eq!(s["points"], 0.0);
    let reason = s["reason"].as_str().unwrap();
    assert!(
        reason.contains("tests/fixtures/features-undefined/x.feature:6"),
        "{reason}"
    );
    assert!(reason.contains("cada una es de color morado"), "{reason}");
    // Not blamed on the student: its points are ungraded, not lost.
    assert_eq!(report["summary"]["max_points"], 0.0);
    assert_eq!(report["summary"]["ungraded_points"], 3.0);
}

#[test]
fn a_feature_that_does_not_parse_is_a_grader_error_naming_the_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "tests/fixtures/features-broken",
        out.path(),
    );
    assert_eq!(o.code, 4, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let s = &report["scenarios"][0];
    assert_eq!(s["verdict"], "grader_error");
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("tests/fixtures/features-broken/x.feature:"),
        "{}",
        s["reason"]
    );
}

#[test]
fn an_empty_account_fails_every_scenario_instead_of_passing_vacuously() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot("tests/fixtures/empty.snapshot.json", "features", out.path());
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    for s in report["scenarios"].as_array().unwrap() {
        assert_eq!(s["verdict"], "failed", "{}", s);
        assert!(
            s["reason"].as_str().unwrap().starts_with("no hay"),
            "{}",
            s["reason"]
        );
    }
}

#[test]
fn what_the_source_could_not_read_is_not_evaluable_never_passed() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/all-denied.snapshot.json",
        "features",
        out.path(),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    for s in report["scenarios"].as_array().unwrap() {
        assert_eq!(s["verdict"], "not_evaluable", "{}", s);
        assert!(
            s["reason"].as_str().unwrap().contains("AccessDenied"),
            "{}",
            s["reason"]
        );
    }
    assert_eq!(report["summary"]["points"], 0.0);
    assert_eq!(report["summary"]["max_points"], 0.0);
    assert!(o.stdout.contains("no evaluable"), "{}", o.stdout);
}

#[test]
fn tags_that_select_nothing_are_bad_input() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        "tests/fixtures/empty.snapshot.json",
        "--tags",
        "@nada",
        "--out",
    ])
    .arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("@nada"), "{}", o.stderr);
}

#[test]
fn an_unreachable_endpoint_is_one_line_and_exit_3() {
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
        "--out",
    ])
    .arg(out.path());
    let start = Instant::now();
    let o = run(c);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains(&port.to_string()),
        "{}",
        o.stderr
    );
    // A guard against hanging on retries, not a speed measurement.
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn world_apply_refuses_a_real_aws_endpoint() {
    let mut c = cloudgrade();
    c.args([
        "world",
        "apply",
        "scenarios/reference",
        "--endpoint-url",
        "https://ec2.us-east-1.amazonaws.com",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(one_line(&o.stderr), "{}", o.stderr);
}

#[test]
fn the_step_catalog_lists_spanish_and_english() {
    let mut c = cloudgrade();
    c.arg("steps");
    let o = run(c);
    assert_eq!(o.code, 0);
    for phrase in [
        "las subredes privadas",
        "the private subnets",
        "cada una sale a internet solo a través de un NAT gateway",
        "las subredes con la etiqueta \"…\" igual a \"…\"",
    ] {
        assert!(
            o.stdout.contains(phrase),
            "missing «{phrase}» in:\n{}",
            o.stdout
        );
    }
}

#[test]
fn report_rejects_a_file_that_is_not_a_report() {
    let mut c = cloudgrade();
    c.args([
        "report",
        "--format",
        "markdown",
        "tests/fixtures/empty.snapshot.json",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("empty.snapshot.json"),
        "{}",
        o.stderr
    );
}

#[test]
fn check_grades_a_terraform_folder_with_the_embedded_features_from_anywhere() {
    let elsewhere = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.current_dir(elsewhere.path())
        .arg("check")
        .arg(repo().join("examples/terraform/curso"))
        .args(["--tags", AWS_TAGS]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("35/35 puntos"), "{}", o.stdout);
}

#[test]
fn check_names_file_line_and_column_of_a_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \n}\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("main.tf:"),
        "{}",
        o.stderr
    );
}

#[test]
fn check_says_so_when_a_folder_has_no_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(one_line(&o.stderr), "{}", o.stderr);
}
