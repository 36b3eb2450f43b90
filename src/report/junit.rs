//! JUnit XML, for CI systems that show test results: one test suite per
//! feature, one test case per scenario. `not_evaluable` is a skip (with its
//! reason), `grader_error` an error, `failed` a failure.

use std::fmt::Write;

use super::{EvidenceStatus, Report, Verdict, escape_markup, points};

pub fn render(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let s = &report.summary;
    let secs =
        (report.provenance.timings.collect_ms + report.provenance.timings.evaluate_ms) / 1000.0;
    let _ = writeln!(
        out,
        "<testsuites name=\"cloudgrade\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{secs:.3}\">",
        s.total, s.failed, s.grader_error, s.not_evaluable
    );
    let mut features: Vec<&str> = Vec::new();
    for sc in &report.scenarios {
        if !features.contains(&sc.feature.as_str()) {
            features.push(&sc.feature);
        }
    }
    for feature in features {
        let cases: Vec<_> = report
            .scenarios
            .iter()
            .filter(|sc| sc.feature == feature)
            .collect();
        let count = |v| cases.iter().filter(|c| c.verdict == v).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape_markup(feature),
            cases.len(),
            count(Verdict::Failed),
            count(Verdict::GraderError),
            count(Verdict::NotEvaluable)
        );
        for c in cases {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{} ({}/{} puntos)\" file=\"{}\">",
                escape_markup(&c.id),
                escape_markup(&c.name),
                points(c.points),
                points(c.max_points),
                escape_markup(
                    c.location
                        .rsplit_once(':')
                        .map_or(c.location.as_str(), |(f, _)| f)
                )
            );
            let reason = c.reason.as_deref().unwrap_or("");
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
            match c.verdict {
                Verdict::Passed => {}
                Verdict::Failed => {
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\">{}</failure>",
                        escape_markup(reason),
                        escape_markup(&body)
                    );
                }
                Verdict::NotEvaluable => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"no evaluable: {}\"/>",
                        escape_markup(reason)
                    );
                }
                Verdict::GraderError => {
                    let _ = writeln!(
                        out,
                        "      <error message=\"error del corrector: {}\"/>",
                        escape_markup(reason)
                    );
                }
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            super::escape_markup("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }
}
