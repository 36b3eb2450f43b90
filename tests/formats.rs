//! The formats other tools read, through the real binary: re-rendered from
//! a past report.json, and the student workflow's annotations step.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

#[test]
fn any_past_report_renders_in_the_new_formats() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args(["check", "examples/terraform/entrega", "--quiet", "--out"])
        .arg(out.path())
        .args(["--format", "sarif,cucumber-json,github"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    for f in ["report.sarif", "cucumber.json", "github-annotations.txt"] {
        assert!(out.path().join(f).is_file(), "{f} not written");
    }
    let report = out.path().join("report.json");
    for (format, file) in [
        ("sarif", "report.sarif"),
        ("cucumber-json", "cucumber.json"),
        ("github", "github-annotations.txt"),
    ] {
        let mut c = cloudgrade();
        c.args(["report", "--format", format]).arg(&report);
        let o = run(c);
        // The exit code is the report's: a scenario failed.
        assert_eq!(o.code, 1, "{format}: {}", o.stderr);
        let written = std::fs::read_to_string(out.path().join(file)).unwrap();
        assert_eq!(o.stdout, written, "{format}");
    }
    let sarif = read_json(&out.path().join("report.sarif"));
    assert_eq!(sarif["version"], "2.1.0");
    let cucumber = read_json(&out.path().join("cucumber.json"));
    assert!(cucumber.as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn an_unknown_format_lists_the_new_ones() {
    let mut c = cloudgrade();
    c.args(["report", "--format", "sarif2", "x.json"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("sarif, cucumber-json, github"),
        "{}",
        o.stderr
    );
}

/// The `run: |` block of the workflow step with `id: {id}`.
fn run_block(yaml: &str, id: &str) -> String {
    let lines: Vec<&str> = yaml.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id: {id}"))
        .unwrap_or_else(|| panic!("no step with id {id}"));
    let run_at = (at..lines.len())
        .find(|&i| lines[i].trim() == "run: |")
        .unwrap_or_else(|| panic!("step {id} has no run block"));
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[run_at]);
    lines[run_at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > base)
        .map(|l| l.get(base + 2..).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn bash(dir: &Path, script: &str, output: &Path) -> (i32, String, String) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cloudgrade"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .args(["-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", output)
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
fn the_student_workflow_annotates_the_planted_lines() {
    let yaml =
        std::fs::read_to_string(repo().join("examples/github/student-classroom.yml")).unwrap();
    let work = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/terraform/entrega"), work.path());
    let output = work.path().join("github-output");
    let (code, _, err) = bash(work.path(), &run_block(&yaml, "grade"), &output);
    assert_eq!(code, 0, "grade: {err}");
    let (code, stdout, err) = bash(work.path(), &run_block(&yaml, "annotations"), &output);
    assert_eq!(code, 0, "annotations: {err}");
    // The checkout is the folder graded: paths are the repository's.
    for at in [
        "::error file=database.tf,line=15,",
        "::error file=network.tf,line=121,",
        "::error file=app.tf,line=105,",
    ] {
        assert!(stdout.lines().any(|l| l.starts_with(at)), "{at}:\n{stdout}");
    }
    let (earned, total) = terraform_points(&ENTREGA_FAILS);
    let notice = format!("::notice title=cloudgrade::Total: {earned}/{total}");
    assert!(
        stdout.lines().last().unwrap().starts_with(&notice),
        "{stdout}"
    );
}
