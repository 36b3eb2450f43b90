//! JUnit XML, for CI systems that show test results: one test suite per
//! feature, one test case per scenario. `not_evaluable` is a skip (with its
//! reason), `grader_error` an error, `failed` a failure.

use std::fmt::Write;

use super::{EvidenceStatus, Report, Verdict, points};

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
            esc(feature),
            cases.len(),
            count(Verdict::Failed),
            count(Verdict::GraderError),
            count(Verdict::NotEvaluable)
        );
        for c in cases {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{} ({}/{} puntos)\" file=\"{}\">",
                esc(&c.id),
                esc(&c.name),
                points(c.points),
                points(c.max_points),
                esc(c
                    .location
                    .rsplit_once(':')
                    .map_or(c.location.as_str(), |(f, _)| f))
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
                        esc(reason),
                        esc(&body)
                    );
                }
                Verdict::NotEvaluable => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"no evaluable: {}\"/>",
                        esc(reason)
                    );
                }
                Verdict::GraderError => {
                    let _ = writeln!(
                        out,
                        "      <error message=\"error del corrector: {}\"/>",
                        esc(reason)
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

/// XML text and attribute escaping; control characters other than tab and
/// newlines are not allowed in XML 1.0 at all, so they are dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(super::esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
