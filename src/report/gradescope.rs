//! `results.json` as Gradescope's autograder harness reads it
//! (gradescope-autograders.readthedocs.io, "Autograder Specifications"):
//! one test per scenario, numbered by the scenario's id, Markdown output.
//!
//! Two things Gradescope would otherwise get wrong for us:
//! - a scenario the source could not evaluate is shown with `max_score: 0`,
//!   so it neither adds nor subtracts, and its output says what it is worth
//!   and that the instructor will review it;
//! - a crash must still leave a `results.json`, or students see only "the
//!   autograder failed": [`write_guarded`] always writes one.

use std::any::Any;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{
    EvidenceStatus, Report, ScenarioReport, Verdict, bonus_mark, bonus_note, failed_count, points,
};
use crate::batch::manifest::{activity_of, is_hidden};

pub const FILE_NAME: &str = "results.json";

#[derive(Debug, Serialize)]
struct Results {
    score: f64,
    /// Seconds, as the specification's example has it.
    execution_time: u64,
    output: String,
    output_format: &'static str,
    test_output_format: &'static str,
    /// The harness's own log is for the instructor.
    stdout_visibility: &'static str,
    tests: Vec<Test>,
    extra_data: serde_json::Value,
}

#[derive(Debug, Serialize)]
struct Test {
    name: String,
    number: String,
    score: f64,
    max_score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    output: String,
    output_format: &'static str,
    tags: Vec<String>,
    visibility: &'static str,
}

fn seconds(report: &Report) -> u64 {
    let ms = report.provenance.timings.collect_ms + report.provenance.timings.evaluate_ms;
    (ms / 1000.0).ceil().max(0.0) as u64
}

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut output = format!(
        "**{} / {} puntos{}** · {} superados · {}",
        points(s.points),
        points(s.max_points),
        bonus_note(s),
        s.passed,
        failed_count(s)
    );
    if s.ungraded_points > 0.0 {
        let _ = write!(
            output,
            "\n\n⚠ {} puntos no se pudieron evaluar ({} escenarios): no cuentan ni a favor ni en contra; tu profesor los revisará.",
            points(s.ungraded_points),
            s.not_evaluable + s.grader_error
        );
    }
    if !report.gaps.is_empty() {
        output.push_str("\n\n**Lo que la fuente no pudo leer:**\n");
        for g in &report.gaps {
            let _ = write!(
                output,
                "\n- {} (`{}`): {}",
                g.kind.label_es(),
                g.operation,
                g.message
            );
        }
    }
    let results = Results {
        score: s.points,
        execution_time: seconds(report),
        output,
        output_format: "md",
        test_output_format: "md",
        stdout_visibility: "hidden",
        tests: report.scenarios.iter().map(test).collect(),
        extra_data: serde_json::json!({
            "cloudgrade_version": report.provenance.version,
            "source": report.provenance.source.kind,
            "max_points": s.max_points,
            "ungraded_points": s.ungraded_points,
            "bonus_points": s.bonus_points,
        }),
    };
    to_json(&results)
}

fn test(sc: &ScenarioReport) -> Test {
    let gradable = sc.verdict.is_gradable();
    let mut tags = vec![activity_of(&sc.tags)];
    if !gradable {
        tags.push(sc.verdict.as_str().to_string());
    }
    Test {
        name: sc.name.clone(),
        number: sc.id.clone(),
        score: if gradable { sc.points } else { 0.0 },
        // A bonus is extra credit: what it earns adds to the total, and
        // nothing of it is asked for.
        max_score: if sc.bonus {
            0.0
        } else if gradable {
            sc.max_points - sc.ungraded_points
        } else {
            0.0
        },
        status: match sc.verdict {
            Verdict::Passed => Some("passed"),
            Verdict::Failed => Some("failed"),
            // Gradescope knows only passed and failed: without a status a
            // 0/0 test shows as neither.
            Verdict::NotEvaluable | Verdict::GraderError => None,
        },
        output: test_output(sc),
        output_format: "md",
        tags,
        visibility: if is_hidden(&sc.tags) {
            "after_published"
        } else {
            "visible"
        },
    }
}

fn test_output(sc: &ScenarioReport) -> String {
    let mut out = format!(
        "**{}** · {} / {} puntos{}",
        sc.verdict.label_es(),
        points(sc.points),
        points(sc.max_points),
        bonus_mark(sc)
    );
    if !sc.verdict.is_gradable() && !sc.bonus {
        let _ = write!(
            out,
            "\n\nVale {} puntos que no se pudieron evaluar: no cuentan ni a favor ni en contra; tu profesor lo revisará.",
            points(sc.max_points)
        );
    }
    // The reason is often the first finding itself: say it once.
    if let Some(r) = sc.reason.as_ref().filter(|r| !repeats_evidence(sc, r)) {
        let _ = write!(out, "\n\n{r}");
    }
    let list = |out: &mut String, title: &str, st: EvidenceStatus| {
        let items: Vec<String> = sc
            .evidence
            .iter()
            .filter(|e| e.status == st)
            .map(|e| {
                let at = e
                    .location
                    .as_ref()
                    .map(|l| format!(" `{l}`"))
                    .unwrap_or_default();
                format!("- **{}**{at}: {}", e.subject, e.message)
            })
            .collect();
        if !items.is_empty() {
            let _ = write!(out, "\n\n**{title}**\n\n{}", items.join("\n"));
        }
    };
    list(&mut out, "Qué lo impide:", EvidenceStatus::Fail);
    list(
        &mut out,
        "Lo que no se pudo comprobar:",
        EvidenceStatus::Unknown,
    );
    if let (Some(h), Verdict::Failed) = (&sc.hint, sc.verdict) {
        let _ = write!(out, "\n\n> **Pista:** {h}");
    }
    list(&mut out, "Lo que se comprobó:", EvidenceStatus::Ok);
    let _ = write!(out, "\n\n`{}`", sc.location);
    out
}

/// Whether `reason` is just one of the findings listed below it.
pub(crate) fn repeats_evidence(sc: &ScenarioReport, reason: &str) -> bool {
    sc.evidence
        .iter()
        .any(|e| format!("{}: {}", e.subject, e.message) == reason)
}

fn to_json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| {
        format!("{{\"score\": 0, \"output\": \"cloudgrade no pudo escribir results.json: {e}\", \"tests\": []}}")
    });
    s.push('\n');
    s
}

/// The `results.json` of a run that could not grade: score 0 because
/// Gradescope requires one, and an output that says plainly it is not a
/// grade and why.
pub fn failure(message: &str, execution_time_s: f64) -> String {
    let results = Results {
        score: 0.0,
        execution_time: execution_time_s.ceil().max(0.0) as u64,
        output: format!(
            "### La corrección automática no pudo terminar\n\n\
             Esto **no es tu nota**: cloudgrade no llegó a corregir tu entrega.\n\n\
             Motivo:\n\n```\n{message}\n```\n\n\
             Si el motivo está en tu entrega (p. ej. un error de sintaxis en un archivo .tf), corrígelo y vuelve a entregar; si no, avisa a tu profesor."
        ),
        output_format: "md",
        test_output_format: "md",
        stdout_visibility: "hidden",
        tests: Vec::new(),
        extra_data: serde_json::json!({ "cloudgrade_error": message }),
    };
    to_json(&results)
}

#[derive(Debug, thiserror::Error)]
pub enum GuardedError {
    /// Grading failed or panicked; `results.json` says so.
    #[error("{0}")]
    Grading(String),
    #[error("{path}: no se pudo escribir: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Runs `grade` and writes `dir/results.json` whatever happens: the
/// rendered report, or [`failure`] with the error or the panic's message.
pub fn write_guarded(
    dir: &Path,
    grade: impl FnOnce() -> Result<Report, String>,
) -> Result<Report, GuardedError> {
    let start = Instant::now();
    let outcome = match catch_unwind(AssertUnwindSafe(grade)) {
        Ok(r) => r,
        Err(panic) => Err(format!(
            "error interno de cloudgrade (pánico): {}",
            panic_message(panic.as_ref())
        )),
    };
    let text = match &outcome {
        Ok(report) => render(report),
        Err(message) => failure(message, start.elapsed().as_secs_f64()),
    };
    let path = dir.join(FILE_NAME);
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|source| GuardedError::Write {
            path: path.display().to_string(),
            source,
        })?;
    outcome.map_err(GuardedError::Grading)
}

/// What `panic!` was given, when it was text.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "sin mensaje".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_still_leaves_results_json() {
        let dir = tempfile::tempdir().unwrap();
        let r = write_guarded(dir.path(), || panic!("se rompió el evaluador"));
        assert!(matches!(r, Err(GuardedError::Grading(ref m)) if m.contains("se rompió")));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(v["score"], 0.0);
        assert!(v["output"].as_str().unwrap().contains("no es tu nota"));
        assert!(
            v["output"]
                .as_str()
                .unwrap()
                .contains("se rompió el evaluador")
        );
        assert_eq!(v["tests"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn an_error_still_leaves_results_json() {
        let dir = tempfile::tempdir().unwrap();
        let r = write_guarded(dir.path(), || Err("main.tf:3:1: error de sintaxis".into()));
        assert!(r.is_err());
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("main.tf:3:1"));
    }
}
