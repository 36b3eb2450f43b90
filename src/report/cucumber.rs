//! Cucumber JSON, the format cucumber's HTML reporters and CI plugins read:
//! an array of features (`uri`, `id`, `keyword`, `name`, `line`, `tags`),
//! each with its scenarios as `elements` (`type: scenario`) and their
//! steps with a `result` (`status`, `duration` in nanoseconds, and
//! `error_message`).
//!
//! Step statuses map as cucumber means them:
//! - `failed` → `failed`, with the scenario's reason;
//! - `not_reached` (after a selection that selected nothing, or a step the
//!   grader could not run) → `skipped`;
//! - `undefined`, `ambiguous` → the same: the step's definition is missing
//!   or double, the grader's fault, as in cucumber;
//! - `not_evaluable` → `skipped` with the reason as its message: cucumber's
//!   `skipped` is the one status that neither passes nor fails a run, which
//!   is what a check the source cannot answer is. `pending` would say the
//!   step definition is unfinished, which is not true.
//!
//! A feature file that does not parse is an element with one failed step
//! carrying the parse error, as cucumber itself reports it.

use serde_json::{Value, json};

use super::{FeatureFile, Report, ScenarioReport, StepStatus, Verdict};

/// For `/1` reports, which do not record keywords: the course's language.
const FEATURE_KEYWORD: &str = "Característica";
const SCENARIO_KEYWORD: &str = "Escenario";

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&document(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

pub fn document(report: &Report) -> Value {
    // Features in the order their first scenario appears.
    let mut files: Vec<&str> = Vec::new();
    for sc in &report.scenarios {
        let file = file_of(sc);
        if !files.contains(&file) {
            files.push(file);
        }
    }
    let features: Vec<Value> = files
        .into_iter()
        .map(|file| {
            let scenarios: Vec<&ScenarioReport> = report
                .scenarios
                .iter()
                .filter(|sc| file_of(sc) == file)
                .collect();
            feature(report, file, &scenarios)
        })
        .collect();
    Value::Array(features)
}

fn feature(report: &Report, file: &str, scenarios: &[&ScenarioReport]) -> Value {
    let meta: Option<&FeatureFile> = report.provenance.features.iter().find(|f| f.path == file);
    let name = meta
        .and_then(|m| m.name.clone())
        .or_else(|| scenarios.first().map(|s| s.feature.clone()))
        .unwrap_or_else(|| file.to_string());
    let line = meta.and_then(|m| m.line).unwrap_or(1);
    let id = slug(&name);
    let elements: Vec<Value> = scenarios.iter().map(|sc| element(&id, sc)).collect();
    json!({
        "uri": file,
        "id": id,
        "keyword": meta.and_then(|m| m.keyword.clone()).unwrap_or_else(|| FEATURE_KEYWORD.into()),
        "name": name,
        "description": "",
        "line": line,
        "tags": tags(meta.map(|m| m.tags.as_slice()).unwrap_or_default(), line),
        "elements": elements,
    })
}

fn element(feature_id: &str, sc: &ScenarioReport) -> Value {
    let line = line_of(sc);
    let steps: Vec<Value> = if sc.steps.is_empty() {
        // Nothing ran (a feature that does not parse, a scenario without
        // steps): one failed step with why, or the run would look green.
        vec![json!({
            "keyword": "",
            "name": sc.name,
            "line": line,
            "result": {
                "status": if sc.verdict == Verdict::Passed { "passed" } else { "failed" },
                "duration": 0,
                "error_message": sc.reason.clone().unwrap_or_else(|| sc.verdict.label_es().into()),
            },
        })]
    } else {
        sc.steps
            .iter()
            .map(|st| {
                let (status, message) = match st.status {
                    StepStatus::Passed => ("passed", None),
                    StepStatus::Failed => ("failed", Some(failure_message(sc))),
                    StepStatus::NotEvaluable => (
                        "skipped",
                        Some(format!(
                            "no evaluable (ni suma ni resta): {}",
                            sc.reason
                                .as_deref()
                                .unwrap_or("la fuente no permite evaluarlo")
                        )),
                    ),
                    StepStatus::Undefined => ("undefined", None),
                    StepStatus::Ambiguous => ("ambiguous", sc.reason.clone()),
                    StepStatus::NotReached => ("skipped", None),
                };
                let mut result = json!({ "status": status });
                if let Some(ns) = st.duration_ns {
                    result["duration"] = json!(ns);
                }
                if let Some(m) = message {
                    result["error_message"] = json!(m);
                }
                json!({
                    // Cucumber's keywords carry their trailing space
                    // ("Given "): reporters print keyword and name joined.
                    "keyword": format!("{} ", st.keyword),
                    "name": st.text,
                    "line": st.line,
                    "result": result,
                })
            })
            .collect()
    };
    json!({
        "id": format!("{feature_id};{}", sc.id),
        "keyword": sc.keyword.clone().unwrap_or_else(|| SCENARIO_KEYWORD.into()),
        "type": "scenario",
        "name": sc.name,
        "description": sc.hint.as_deref().map(|h| format!("Pista: {h}")).unwrap_or_default(),
        "line": line,
        "tags": tags(&sc.tags, line),
        "steps": steps,
    })
}

/// The reason and what failed, or, for a grader error, that it does not
/// count.
fn failure_message(sc: &ScenarioReport) -> String {
    let reason = sc.reason.as_deref().unwrap_or("el paso falla");
    match sc.verdict {
        Verdict::GraderError => {
            format!("error del corrector (no cuenta contra el alumno): {reason}")
        }
        _ => reason.to_string(),
    }
}

/// Gherkin does not record a tag's own line; the element's stands in, as
/// cucumber-rs does.
fn tags(tags: &[String], line: usize) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({ "name": format!("@{t}"), "line": line }))
        .collect()
}

fn file_of(sc: &ScenarioReport) -> &str {
    sc.location
        .rsplit_once(':')
        .map_or(sc.location.as_str(), |(f, _)| f)
}

fn line_of(sc: &ScenarioReport) -> usize {
    sc.location
        .rsplit_once(':')
        .and_then(|(_, l)| l.parse().ok())
        .unwrap_or(1)
}

/// Cucumber's ids: the name in lower case, words joined by `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for w in name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}
