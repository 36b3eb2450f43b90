//! GitHub Actions workflow commands: printed in a job's log, each line
//! becomes an annotation on the student's file and line in the push's
//! "Files changed" view and in the job summary.
//!
//! `::error` for each failing assertion of a failed scenario (`::notice`
//! for a bonus one), `::warning`
//! for what could not be evaluated and for grader errors (neither is the
//! student's mistake), and one `::notice` with the total.

use std::fmt::Write;

use super::source_paths;
use super::{EvidenceStatus, Report, ScenarioReport, Verdict, bonus_note, failed_count, points};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for sc in &report.scenarios {
        match sc.verdict {
            Verdict::Passed => {}
            Verdict::Failed => failed(&mut out, report, sc),
            Verdict::NotEvaluable => {
                let reason = sc
                    .reason
                    .as_deref()
                    .unwrap_or("la fuente no permite evaluarlo");
                let located = sc
                    .evidence
                    .iter()
                    .filter(|e| e.status == EvidenceStatus::Unknown)
                    .find_map(|e| e.location.as_deref());
                command(
                    &mut out,
                    "warning",
                    report,
                    located,
                    &format!("no evaluable: {} [{}]", sc.name, sc.id),
                    &format!("ni suma ni resta: {reason}"),
                );
            }
            Verdict::GraderError => command(
                &mut out,
                "warning",
                report,
                None,
                &format!("error del corrector: {} [{}]", sc.name, sc.id),
                &format!(
                    "no cuenta contra ti: {}",
                    sc.reason.as_deref().unwrap_or("sin motivo")
                ),
            ),
        }
    }
    let s = &report.summary;
    command(
        &mut out,
        "notice",
        report,
        None,
        "cloudgrade",
        &format!(
            "Total: {}/{} puntos{} · {} superados · {} · {} no evaluables · {} errores del corrector",
            points(s.points),
            points(s.max_points),
            bonus_note(s),
            s.passed,
            failed_count(s),
            s.not_evaluable,
            s.grader_error
        ),
    );
    out
}

fn failed(out: &mut String, report: &Report, sc: &ScenarioReport) {
    // A bonus not reached is advice, not a mistake: it does not fail the job.
    let (level, title) = if sc.bonus {
        (
            "notice",
            format!("bonus no conseguido: {} [{}]", sc.name, sc.id),
        )
    } else {
        ("error", format!("{} [{}]", sc.name, sc.id))
    };
    let hint = sc
        .hint
        .as_deref()
        .map(|h| format!("\nPista: {h}"))
        .unwrap_or_default();
    let mut any = false;
    for e in sc
        .evidence
        .iter()
        .filter(|e| e.status == EvidenceStatus::Fail)
    {
        any = true;
        let message = format!("{}: {}{hint}", e.subject, e.message);
        command(out, level, report, e.location.as_deref(), &title, &message);
    }
    if !any {
        let reason = sc.reason.as_deref().unwrap_or("el escenario falla");
        command(out, level, report, None, &title, &format!("{reason}{hint}"));
    }
}

fn command(
    out: &mut String,
    level: &str,
    report: &Report,
    location: Option<&str>,
    title: &str,
    message: &str,
) {
    let mut props = Vec::new();
    if let Some(line) = location.and_then(|l| source_paths::resolve(report, l)) {
        props.push(format!("file={}", escape_property(&line.path)));
        if let Some(n) = line.line {
            props.push(format!("line={n}"));
        }
    }
    props.push(format!("title={}", escape_property(title)));
    let _ = writeln!(
        out,
        "::{level} {}::{}",
        props.join(","),
        escape_data(message)
    );
}

/// The message of a workflow command: `%`, CR and LF would end or corrupt
/// it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` (ends the properties) and `,` (separates
/// them).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_workflow_commands() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a: b, 5%\n"), "a%3A b%2C 5%25%0A");
    }
}
