//! The report as a person reads it in a terminal: grouped by feature, points
//! on the right, and for every scenario that did not pass, what was found and
//! how to fix it. Colours only on a TTY (the caller decides).

use std::fmt::Write;

use super::{
    EvidenceStatus, Report, ScenarioReport, Verdict, bonus_mark, bonus_note, failed_count, points,
};

struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn verdict(&self, v: Verdict, s: &str) -> String {
        self.code(
            match v {
                Verdict::Passed => "32",
                Verdict::Failed => "31",
                Verdict::NotEvaluable => "33",
                Verdict::GraderError => "35",
            },
            s,
        )
    }
}

fn symbol(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "✔",
        Verdict::Failed => "✘",
        Verdict::NotEvaluable => "?",
        Verdict::GraderError => "!",
    }
}

/// ` · estándar producción`, for reports that say which.
pub(crate) fn standard_note(report: &Report) -> String {
    report
        .provenance
        .standard
        .map(|s| format!(" · estándar {}", s.label_es()))
        .unwrap_or_default()
}

pub fn render(report: &Report, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    let src = &report.provenance.source;
    let mut where_ = vec![src.location.clone()];
    where_.extend(src.region.clone());
    where_.extend(src.account_id.as_ref().map(|a| format!("cuenta {a}")));
    let _ = writeln!(
        out,
        "{} {} · fuente {} ({}){}",
        paint.code("1", "cloudgrade"),
        report.provenance.version,
        src.kind,
        where_.join(", "),
        standard_note(report)
    );

    let mut features: Vec<&str> = Vec::new();
    for s in &report.scenarios {
        if !features.contains(&s.feature.as_str()) {
            features.push(&s.feature);
        }
    }
    for feature in features {
        let _ = writeln!(out, "\n{}", paint.code("1", feature));
        for s in report.scenarios.iter().filter(|s| s.feature == feature) {
            scenario(&mut out, &paint, s);
        }
    }

    if !report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.code("33", "Lo que la fuente no pudo leer:")
        );
        for g in &report.gaps {
            let _ = writeln!(
                out,
                "  ? {} ({}): {}",
                g.kind.label_es(),
                g.operation,
                g.message
            );
        }
    }

    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} {}/{} puntos{} · {} superados · {} · {} no evaluables · {} errores del corrector",
        paint.code("1", "Total:"),
        points(s.points),
        points(s.max_points),
        bonus_note(s),
        s.passed,
        failed_count(s),
        s.not_evaluable,
        s.grader_error
    );
    if s.ungraded_points > 0.0 {
        let _ = writeln!(
            out,
            "  {} puntos quedan sin corregir (no evaluables o error del corrector): no cuentan a favor ni en contra",
            points(s.ungraded_points)
        );
    }
    out
}

fn scenario(out: &mut String, paint: &Paint, s: &ScenarioReport) {
    let score = format!(
        "{}/{}{}",
        points(s.points),
        points(s.max_points),
        bonus_mark(s)
    );
    // A bonus not reached is no mistake: not a red cross, but a dim circle.
    let (mark, score) = if s.bonus && s.verdict == Verdict::Failed {
        (paint.code("2", "○"), paint.code("2", &score))
    } else {
        (
            paint.verdict(s.verdict, symbol(s.verdict)),
            paint.verdict(s.verdict, &score),
        )
    };
    let _ = writeln!(
        out,
        "  {mark} {} {}  {score}",
        s.name,
        paint.code("2", &format!("[{}]", s.id)),
    );
    if s.verdict == Verdict::Passed {
        return;
    }
    let shown_as_evidence = s.evidence.iter().any(|e| e.status == EvidenceStatus::Fail);
    // A failure's reason is its first failing evidence: print it once.
    if let Some(reason) = s
        .reason
        .as_ref()
        .filter(|_| !(s.verdict == Verdict::Failed && shown_as_evidence))
    {
        let label = match s.verdict {
            Verdict::NotEvaluable => "no evaluable: ",
            Verdict::GraderError => "error del corrector: ",
            _ => "",
        };
        let _ = writeln!(out, "      {}{}", label, reason);
    }
    for e in s
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Fail | EvidenceStatus::Unknown))
    {
        let mark = if e.status == EvidenceStatus::Fail {
            "✘"
        } else {
            "?"
        };
        let at = e
            .location
            .as_ref()
            .map(|l| format!("{l} "))
            .unwrap_or_default();
        let _ = writeln!(out, "      {mark} {at}{}: {}", e.subject, e.message);
    }
    if let (Some(hint), Verdict::Failed) = (&s.hint, s.verdict) {
        let _ = writeln!(out, "      {} {hint}", paint.code("36", "Pista:"));
    }
}
