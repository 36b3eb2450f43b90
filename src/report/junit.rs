//! JUnit XML, for CI systems that show test results: one test suite per
//! feature, one test case per scenario. `not_evaluable` is a skip (with its
//! reason), `grader_error` an error, `failed` a failure. Written by
//! quick-junit (cargo-nextest's serializer), which counts, escapes and drops
//! what XML 1.0 cannot hold.

use std::fmt::Write;
use std::time::Duration;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{EvidenceStatus, Report, ScenarioReport, Verdict, bonus_mark, points};

pub fn render(report: &Report) -> String {
    let mut out = quick_junit::Report::new("cloudgrade");
    let timings = &report.provenance.timings;
    out.set_time(Duration::from_secs_f64(
        ((timings.collect_ms + timings.evaluate_ms) / 1000.0).max(0.0),
    ));
    let mut features: Vec<&str> = Vec::new();
    for sc in &report.scenarios {
        if !features.contains(&sc.feature.as_str()) {
            features.push(&sc.feature);
        }
    }
    for feature in features {
        let mut suite = TestSuite::new(feature);
        suite.add_test_cases(
            report
                .scenarios
                .iter()
                .filter(|sc| sc.feature == feature)
                .map(case),
        );
        out.add_test_suite(suite);
    }
    // Serializing an in-memory report into a String cannot fail on I/O,
    // and quick-junit filters the characters XML cannot carry.
    out.to_string().expect("JUnit XML into a String")
}

fn case(c: &ScenarioReport) -> TestCase {
    let reason = c.reason.as_deref().unwrap_or("");
    let status = match c.verdict {
        Verdict::Passed => TestCaseStatus::success(),
        // A bonus asks for more than the exercise: not reaching it is no
        // failure of the job.
        Verdict::Failed if c.bonus => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("bonus no conseguido: {reason}"))
                .set_description(body(c));
            s
        }
        Verdict::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(reason).set_description(body(c));
            s
        }
        Verdict::NotEvaluable => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("no evaluable: {reason}"));
            s
        }
        Verdict::GraderError => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(format!("error del corrector: {reason}"));
            s
        }
    };
    let name = format!(
        "{} ({}/{} puntos{})",
        c.name,
        points(c.points),
        points(c.max_points),
        bonus_mark(c)
    );
    let mut case = TestCase::new(name, status);
    case.set_classname(c.id.as_str());
    // The feature file, without the line: what JUnit readers link to.
    let file = c
        .location
        .rsplit_once(':')
        .map_or(c.location.as_str(), |(f, _)| f);
    case.extra.insert("file".into(), file.into());
    case
}

/// What failed and the hint, the failure's text node.
fn body(c: &ScenarioReport) -> String {
    let mut body = String::new();
    for e in c
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Fail | EvidenceStatus::Unknown))
    {
        let _ = writeln!(body, "{}: {}", e.subject, e.message);
    }
    if let Some(h) = &c.hint {
        let _ = writeln!(body, "Pista: {h}");
    }
    body
}
