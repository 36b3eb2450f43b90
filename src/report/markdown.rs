//! Markdown that reads well as a GitHub job summary (`$GITHUB_STEP_SUMMARY`):
//! a points table first, then the details of what did not pass, folded.

use std::fmt::Write;

use super::{EvidenceStatus, Report, Verdict, bonus_mark, bonus_note, failed_count, points};

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "✅",
        Verdict::Failed => "❌",
        Verdict::NotEvaluable => "⚠️",
        Verdict::GraderError => "🛠️",
    }
}

/// Table cells cannot hold `|` or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## cloudgrade: {} / {} puntos{}\n",
        points(s.points),
        points(s.max_points),
        bonus_note(s)
    );
    let _ = writeln!(
        out,
        "{} superados · {} · {} no evaluables · {} errores del corrector · fuente `{}` ({}){}\n",
        s.passed,
        failed_count(s),
        s.not_evaluable,
        s.grader_error,
        report.provenance.source.kind,
        report.provenance.source.location,
        super::terminal::standard_note(report)
    );
    out.push_str("| | Escenario | Actividad | Puntos |\n|---|---|---|---:|\n");
    for sc in &report.scenarios {
        let _ = writeln!(
            out,
            "| {} | {} `{}` | {} | {}/{}{} |",
            icon(sc.verdict),
            cell(&sc.name),
            sc.id,
            cell(&sc.feature),
            points(sc.points),
            points(sc.max_points),
            bonus_mark(sc)
        );
    }
    let open: Vec<_> = report
        .scenarios
        .iter()
        .filter(|sc| sc.verdict != Verdict::Passed)
        .collect();
    if !open.is_empty() {
        out.push_str("\n### Qué revisar\n");
    }
    for sc in open {
        let _ = writeln!(
            out,
            "\n<details open><summary>{} <b>{}</b> ({})</summary>\n",
            icon(sc.verdict),
            cell(&sc.name),
            sc.verdict.label_es()
        );
        if let Some(r) = &sc.reason {
            let _ = writeln!(out, "{}\n", r);
        }
        for e in sc
            .evidence
            .iter()
            .filter(|e| matches!(e.status, EvidenceStatus::Fail | EvidenceStatus::Unknown))
        {
            let at = e
                .location
                .as_ref()
                .map(|l| format!(" `{l}`"))
                .unwrap_or_default();
            let _ = writeln!(out, "- **{}**{at}: {}", e.subject, e.message);
        }
        if let (Some(h), Verdict::Failed) = (&sc.hint, sc.verdict) {
            let _ = writeln!(out, "\n> **Pista:** {h}");
        }
        out.push_str("\n</details>\n");
    }
    if !report.gaps.is_empty() {
        out.push_str("\n### Lo que la fuente no pudo leer\n\n");
        for g in &report.gaps {
            let _ = writeln!(
                out,
                "- {} (`{}`): {}",
                g.kind.label_es(),
                g.operation,
                g.message
            );
        }
    }
    out
}
