//! Exit codes, all in one place. They are part of the interface (CI jobs
//! and scripts branch on them) and documented in the README: never renumber.

use std::process::ExitCode;

use crate::report::{Report, ScenarioReport, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every gradable scenario passed (not-evaluable ones are shown apart).
    Passed = 0,
    /// At least one scenario failed (a `@bonus` one does not count: it
    /// asks for more than the exercise).
    Failed = 1,
    /// Bad usage or bad input: arguments, a missing feature folder, a file
    /// that is not a snapshot or report.
    BadInput = 2,
    /// The source could not be read, at all (unreachable endpoint, rejected
    /// credentials, Docker not running) or enough to grade: no scenario
    /// could be graded, or a failed read (throttled, denied, unreachable,
    /// an answer that is not whole) left a scenario not evaluable. A CI job
    /// must not read that as passed.
    SourceUnreadable = 3,
    /// The grader is at fault: an undefined or ambiguous step, a feature that
    /// does not parse. Takes precedence over failures: the run cannot be trusted.
    GraderError = 4,
    /// `batch` stopped by Ctrl-C (SIGINT): what was graded is written, as
    /// partial. 128 + 2, what shells report for a process ended by SIGINT.
    Interrupted = 130,
}

impl Exit {
    /// Grader errors first, then failures (a failure is a finding whatever
    /// else could not be read: no fault ever makes a scenario fail), then an
    /// incomplete grade, then passed.
    pub fn of(report: &Report) -> Exit {
        if report.summary.grader_error > 0 {
            Exit::GraderError
        } else if report.summary.failed > report.summary.bonus_failed {
            Exit::Failed
        } else if incomplete(report).is_some() {
            Exit::SourceUnreadable
        } else {
            Exit::Passed
        }
    }
}

/// Why a report without failures is still not a pass, in one Spanish line:
/// nothing in it could be graded, or a failed read made a scenario not
/// evaluable. `None` when what is not evaluable is so by design (an
/// operation the emulator lacks, a value known only after apply, the
/// Docker activity without an image) beside scenarios that were graded.
pub fn incomplete(report: &Report) -> Option<String> {
    let s = &report.summary;
    if s.passed + s.failed == 0 && s.not_evaluable > 0 {
        return Some(format!(
            "no se pudo evaluar ningún escenario ({} no evaluables)",
            s.not_evaluable
        ));
    }
    let failed_reads: Vec<&str> = report
        .gaps
        .iter()
        .filter(|g| g.reason.is_failed_read())
        .map(|g| g.operation.as_str())
        .collect();
    report
        .scenarios
        .iter()
        .filter(|sc| sc.verdict == Verdict::NotEvaluable)
        .find_map(|sc| {
            let op = failed_reads.iter().find(|op| mentions(sc, op))?;
            Some(format!(
                "{} no es evaluable porque falló la lectura {op}",
                sc.id
            ))
        })
}

/// Whether a scenario's reason or evidence names `operation`: how a
/// not-evaluable verdict says which read it waits for.
fn mentions(sc: &ScenarioReport, operation: &str) -> bool {
    sc.reason.as_deref().is_some_and(|r| r.contains(operation))
        || sc
            .evidence
            .iter()
            .any(|e| e.message.contains(operation) || e.subject.contains(operation))
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Summary;

    /// A report of `(id, verdict, reason)` scenarios and `(operation,
    /// reason)` gaps.
    fn report(scenarios: &[(&str, &str, &str)], gaps: &[(&str, &str)]) -> Report {
        let scenarios: Vec<serde_json::Value> = scenarios
            .iter()
            .map(|(id, verdict, reason)| {
                serde_json::json!({
                    "id": id, "feature": "f", "location": "f.feature:1", "name": id,
                    "verdict": verdict, "points": 0.0, "max_points": 10.0,
                    "reason": reason,
                })
            })
            .collect();
        let gaps: Vec<serde_json::Value> = gaps
            .iter()
            .map(|(op, reason)| {
                serde_json::json!({"kind": "subnet", "operation": op, "reason": reason, "message": "m"})
            })
            .collect();
        let mut r: Report = serde_json::from_value(serde_json::json!({
            "schema": "cloudgrade.report/2",
            "provenance": {
                "tool": "cloudgrade", "version": "0", "started_at": "2026-01-01T00:00:00Z",
                "source": {"kind": "aws", "location": "http://127.0.0.1:5000"},
                "features": [], "timings": {"collect_ms": 0.0, "evaluate_ms": 0.0}
            },
            "summary": Summary::default(),
            "scenarios": scenarios,
            "gaps": gaps,
        }))
        .unwrap();
        r.summary = Summary::of(&r.scenarios);
        r
    }

    const SUBNETS: &str = "no se pudieron leer las subredes (ec2:DescribeSubnets: error): …";

    #[test]
    fn a_failed_read_behind_a_not_evaluable_scenario_is_not_a_pass() {
        for reason in ["throttled", "access_denied", "other"] {
            let r = report(
                &[("a", "passed", ""), ("b", "not_evaluable", SUBNETS)],
                &[("ec2:DescribeSubnets", reason)],
            );
            assert_eq!(Exit::of(&r), Exit::SourceUnreadable, "{reason}");
            assert_eq!(
                incomplete(&r).unwrap(),
                "b no es evaluable porque falló la lectura ec2:DescribeSubnets"
            );
        }
    }

    #[test]
    fn not_evaluable_by_design_keeps_the_exit_of_what_was_graded() {
        // An emulator without the operation, a static construct: known limits.
        for reason in ["unsupported", "not_modelled"] {
            let r = report(
                &[("a", "passed", ""), ("b", "not_evaluable", SUBNETS)],
                &[("ec2:DescribeSubnets", reason)],
            );
            assert_eq!(Exit::of(&r), Exit::Passed, "{reason}");
        }
        // A value known only after apply: no gap at all.
        let r = report(
            &[
                ("a", "passed", ""),
                ("b", "not_evaluable", "aws_db_instance.app.port"),
            ],
            &[],
        );
        assert_eq!(Exit::of(&r), Exit::Passed);
        // A failed read no scenario needed changes nothing either.
        let r = report(
            &[("a", "passed", "")],
            &[("logs:DescribeLogGroups", "throttled")],
        );
        assert_eq!(Exit::of(&r), Exit::Passed);
    }

    #[test]
    fn a_bonus_not_reached_fails_nothing_and_earns_nothing() {
        let mut r = report(&[("a", "passed", ""), ("extra", "failed", "x")], &[]);
        r.scenarios[0].points = 10.0;
        r.scenarios[1].bonus = true;
        // (points, max_points, bonus_points, bonus_max_points, ungraded_points)
        let regrade = |r: &mut Report, verdict: Verdict, points: f64| {
            r.scenarios[1].verdict = verdict;
            r.scenarios[1].points = points;
            r.summary = Summary::of(&r.scenarios);
            let s = &r.summary;
            (
                s.points,
                s.max_points,
                s.bonus_points,
                s.bonus_max_points,
                s.ungraded_points,
            )
        };
        assert_eq!(
            regrade(&mut r, Verdict::Failed, 0.0),
            (10.0, 10.0, 0.0, 10.0, 0.0)
        );
        assert_eq!(Exit::of(&r), Exit::Passed);
        // Passed, it adds to the total and not to the maximum.
        assert_eq!(
            regrade(&mut r, Verdict::Passed, 10.0),
            (20.0, 10.0, 10.0, 10.0, 0.0)
        );
        // Not evaluable, it holds nothing back either.
        assert_eq!(
            regrade(&mut r, Verdict::NotEvaluable, 0.0),
            (10.0, 10.0, 0.0, 10.0, 0.0)
        );
        assert_eq!(Exit::of(&r), Exit::Passed);
    }

    #[test]
    fn a_failure_outranks_an_incomplete_read_and_a_grader_error_outranks_both() {
        let gaps = [("ec2:DescribeSubnets", "throttled")];
        let r = report(
            &[("a", "failed", "x"), ("b", "not_evaluable", SUBNETS)],
            &gaps,
        );
        assert_eq!(Exit::of(&r), Exit::Failed);
        let r = report(&[("a", "grader_error", "x"), ("b", "failed", "x")], &gaps);
        assert_eq!(Exit::of(&r), Exit::GraderError);
    }

    #[test]
    fn nothing_graded_is_never_a_pass_whatever_the_reason() {
        let r = report(
            &[
                ("a", "not_evaluable", "imagen"),
                ("b", "not_evaluable", "imagen"),
            ],
            &[],
        );
        assert_eq!(Exit::of(&r), Exit::SourceUnreadable);
        assert_eq!(
            incomplete(&r).unwrap(),
            "no se pudo evaluar ningún escenario (2 no evaluables)"
        );
    }
}
