//! SARIF 2.1.0, the format code scanning reads (GitHub's among others): one
//! rule per scenario (its id, its name, the hint as help) and one result per
//! failed assertion, on the student's `file:line` when the source knows it.
//!
//! - `failed`: a `fail` result (level `error`) per failing evidence; a
//!   resource with no file (live sources) is a logical location.
//! - `not_evaluable`: one `notApplicable` result (level `none`, as SARIF
//!   requires for any kind but `fail`) with the reason: never a pass, never
//!   an error blamed on the student.
//! - `grader_error`: a tool execution notification, not a result: the
//!   grader failed, not the student's work.
//! - `passed`: nothing; code scanning closes an alert whose result is gone.

use serde_json::{Value, json};

use super::source_paths::{self, SourceLine};
use super::{Evidence, EvidenceStatus, Report, ScenarioReport, Verdict};

/// Where the run started: relative URIs resolve against it, which in CI is
/// the repository's checkout.
const SRCROOT: &str = "%SRCROOT%";

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&document(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

pub fn document(report: &Report) -> Value {
    let rules: Vec<Value> = report.scenarios.iter().map(rule).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (index, sc) in report.scenarios.iter().enumerate() {
        match sc.verdict {
            Verdict::Passed => {}
            Verdict::Failed => results.extend(failed_results(report, sc, index)),
            Verdict::NotEvaluable => results.push(not_evaluable_result(report, sc, index)),
            Verdict::GraderError => notifications.push(json!({
                "level": "error",
                "message": { "text": format!(
                    "error del corrector en «{}» (no cuenta contra el alumno): {}",
                    sc.name,
                    sc.reason.as_deref().unwrap_or("sin motivo")
                )},
                "associatedRule": { "id": sc.id, "index": index },
            })),
        }
    }
    let p = &report.provenance;
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": p.tool,
                "version": p.version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.summary.grader_error == 0,
                "startTimeUtc": p.started_at,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "source": p.source.kind,
                "points": report.summary.points,
                "maxPoints": report.summary.max_points,
            },
        }],
    })
}

fn rule(sc: &ScenarioReport) -> Value {
    let mut r = json!({
        "id": sc.id,
        "name": pascal_case(&sc.id),
        "shortDescription": { "text": sc.name },
        "fullDescription": { "text": sc.feature },
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": sc.tags, "points": sc.max_points },
    });
    if let Some(hint) = &sc.hint {
        r["help"] = json!({ "text": hint });
    }
    r
}

fn failed_results(report: &Report, sc: &ScenarioReport, index: usize) -> Vec<Value> {
    let failing: Vec<&Evidence> = sc
        .evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Fail)
        .collect();
    if failing.is_empty() {
        // A failure no resource carries (e.g. "there is no NAT gateway"):
        // the reason, on the scenario as a whole.
        let text = sc.reason.clone().unwrap_or_else(|| sc.name.clone());
        return vec![result(sc, index, "fail", "error", text, Vec::new())];
    }
    failing
        .into_iter()
        .map(|e| {
            let text = format!("{}: {}", e.subject, e.message);
            result(sc, index, "fail", "error", text, location(report, e))
        })
        .collect()
}

fn not_evaluable_result(report: &Report, sc: &ScenarioReport, index: usize) -> Value {
    let reason = sc
        .reason
        .as_deref()
        .unwrap_or("la fuente no permite evaluarlo");
    let text = format!("no evaluable (ni suma ni resta): {reason}");
    let locations = sc
        .evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Unknown)
        .flat_map(|e| location(report, e))
        .collect();
    result(sc, index, "notApplicable", "none", text, locations)
}

fn result(
    sc: &ScenarioReport,
    index: usize,
    kind: &str,
    level: &str,
    text: String,
    locations: Vec<Value>,
) -> Value {
    let mut r = json!({
        "ruleId": sc.id,
        "ruleIndex": index,
        "kind": kind,
        "level": level,
        "message": { "text": text },
    });
    if !locations.is_empty() {
        r["locations"] = Value::Array(locations);
    }
    r
}

/// The evidence's file and line, or the resource it names.
fn location(report: &Report, e: &Evidence) -> Vec<Value> {
    match e
        .location
        .as_deref()
        .and_then(|l| source_paths::resolve(report, l))
    {
        Some(line) => vec![physical(&line, &e.subject)],
        None => vec![json!({
            "logicalLocations": [{ "name": e.subject, "kind": "resource" }],
        })],
    }
}

fn physical(line: &SourceLine, subject: &str) -> Value {
    let artifact = if line.is_absolute() {
        json!({ "uri": format!("file://{}", encode_uri_path(&line.path)) })
    } else {
        json!({ "uri": encode_uri_path(&line.path), "uriBaseId": SRCROOT })
    };
    let mut phys = json!({ "artifactLocation": artifact });
    if let Some(n) = line.line {
        phys["region"] = json!({ "startLine": n });
    }
    json!({
        "physicalLocation": phys,
        "logicalLocations": [{ "name": subject, "kind": "resource" }],
    })
}

/// A path as a URI reference: unreserved characters and `/` as they are,
/// every other byte percent-encoded (a space in a folder name, an `ñ`).
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `rds-only-from-ecs` → `RdsOnlyFromEcs`: SARIF's rule name is an
/// identifier, the id is already one in kebab case.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_names() {
        assert_eq!(encode_uri_path("a b/ñ.tf"), "a%20b/%C3%B1.tf");
        assert_eq!(pascal_case("rds-only-from-ecs"), "RdsOnlyFromEcs");
        assert_eq!(pascal_case("feature:f.feature"), "FeatureFFeature");
    }
}
