//! One run as one HTML file a student can open anywhere: no script, no
//! external font, stylesheet or image (a Content-Security-Policy forbids
//! loading any), every text escaped. What did not pass comes first and
//! open; what passed is folded below.

use std::fmt::Write;

use super::gradescope::repeats_evidence;
use super::{
    Evidence, EvidenceStatus, Report, ScenarioReport, Verdict, bonus_mark, bonus_note, points,
};
use crate::batch::manifest::activity_of;

/// Text as HTML text or attribute value.
pub use super::escape_markup as escape;

/// An `id` attribute from any text: scenario ids come from feature files.
pub fn anchor(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

const STYLE: &str = r#"
:root{--ok:#1a7f37;--fail:#b42318;--warn:#9a6700;--err:#6e40c9;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;color:#1f2328;max-width:960px;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}h3{font-size:1.05rem;margin:.2rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--bg);padding:.05rem .3rem;border-radius:4px;overflow-wrap:anywhere}
.meta{color:var(--muted);font-size:.9rem}
.score{font-size:2.2rem;font-weight:700}
.badge{display:inline-block;border-radius:1rem;padding:.05rem .6rem;font-size:.85rem;font-weight:600;color:#fff;white-space:nowrap}
.passed{background:var(--ok)}.failed{background:var(--fail)}.not_evaluable{background:var(--warn)}.grader_error{background:var(--err)}
.counts span{margin-right:.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:var(--bg)}
td.num,th.num{text-align:right;white-space:nowrap}
.scenario{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.scenario.v-passed{border-left-color:var(--ok)}.scenario.v-failed{border-left-color:var(--fail)}.scenario.v-not_evaluable{border-left-color:var(--warn)}.scenario.v-grader_error{border-left-color:var(--err)}
.scenario header{display:flex;justify-content:space-between;gap:1rem;align-items:baseline;flex-wrap:wrap}
.pts{font-weight:700;white-space:nowrap}
.reason{margin:.5rem 0}
ol.blocked li,ul.evidence li{margin:.3rem 0}
.ev-fail{color:var(--fail)}.ev-unknown{color:var(--warn)}.ev-ok{color:var(--ok)}.ev-info{color:var(--muted)}
.hint{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.5rem .75rem;margin:.75rem 0}
.notice{background:#ddf4ff;border:1px solid #54aeff;border-radius:6px;padding:.5rem .75rem;margin:1rem 0}
details{margin:.5rem 0}summary{cursor:pointer;color:var(--muted)}
.bar{background:var(--bg);border:1px solid var(--line);border-radius:4px;height:.8rem;min-width:6rem;overflow:hidden}.bar>span{display:block;height:100%;background:var(--ok)}
@media print{details{display:block}details>summary{display:none}}
"#;

/// A whole document around `body`. The policy blocks every network load,
/// so the file shows the same offline, in a mail client or in a CI artifact.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

pub fn badge(v: Verdict) -> String {
    let mark = match v {
        Verdict::Passed => "✔",
        Verdict::Failed => "✘",
        Verdict::NotEvaluable => "⚠",
        Verdict::GraderError => "⚙",
    };
    format!(
        "<span class=\"badge {}\">{mark} {}</span>",
        v.as_str(),
        v.label_es()
    )
}

fn order(v: Verdict) -> u8 {
    match v {
        Verdict::Failed => 0,
        Verdict::NotEvaluable => 1,
        Verdict::GraderError => 2,
        Verdict::Passed => 3,
    }
}

pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let p = &report.provenance;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header>\n<h1>Resultado de cloudgrade</h1>\n<p class=\"score\" id=\"total\">{} / {} puntos{}</p>",
        points(s.points),
        points(s.max_points),
        bonus_note(s)
    );
    let _ = writeln!(
        b,
        "<p class=\"counts\">{}</p>",
        Verdict::ALL
            .iter()
            .map(|v| format!("<span>{} {}</span>", badge(*v), s.count(*v)))
            .collect::<String>()
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">Fuente: <code>{}</code> {}{}{} · {} · cloudgrade {}</p>\n</header>",
        escape(&p.source.kind),
        escape(&p.source.location),
        p.source
            .account_id
            .as_deref()
            .map(|a| format!(" (cuenta {})", escape(a)))
            .unwrap_or_default(),
        super::terminal::standard_note(report),
        escape(&p.started_at),
        escape(&p.version)
    );
    if s.ungraded_points > 0.0 {
        let _ = writeln!(
            b,
            "<p class=\"notice\">{} puntos no se pudieron evaluar (escenarios no evaluables o con un error del corrector): no cuentan ni a favor ni en contra, y el profesor los revisará.</p>",
            points(s.ungraded_points)
        );
    }

    if let Some(net) = report.network.as_ref().filter(|n| !n.vpcs.is_empty()) {
        b.push_str("<h2>Tu red</h2>\n");
        b.push_str(&super::network_svg::render(net));
    }

    b.push_str("<h2>Escenarios</h2>\n<table>\n<thead><tr><th>Resultado</th><th>Escenario</th><th>Actividad</th><th class=\"num\">Puntos</th></tr></thead>\n<tbody>\n");
    for sc in &report.scenarios {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td><a href=\"#sc-{}\">{}</a><br><code>{}</code></td><td>{}</td><td class=\"num\">{} / {}{}</td></tr>",
            badge(sc.verdict),
            anchor(&sc.id),
            escape(&sc.name),
            escape(&sc.id),
            escape(&activity_of(&sc.tags)),
            points(sc.points),
            points(sc.max_points),
            bonus_mark(sc)
        );
    }
    b.push_str("</tbody>\n</table>\n");

    let mut ordered: Vec<&ScenarioReport> = report.scenarios.iter().collect();
    ordered.sort_by_key(|sc| order(sc.verdict));
    let open = ordered
        .iter()
        .filter(|sc| sc.verdict != Verdict::Passed)
        .count();
    if open > 0 {
        b.push_str("<h2>Qué revisar</h2>\n");
    }
    for (i, sc) in ordered.iter().enumerate() {
        if i == open {
            b.push_str("<h2>Superados</h2>\n");
        }
        scenario(&mut b, sc);
    }

    if !report.gaps.is_empty() {
        b.push_str("<h2>Lo que la fuente no pudo leer</h2>\n<ul class=\"evidence\">\n");
        for g in &report.gaps {
            let _ = writeln!(
                b,
                "<li><strong>{}</strong> (<code>{}</code>): {}</li>",
                escape(g.kind.label_es()),
                escape(&g.operation),
                escape(&g.message)
            );
        }
        b.push_str("</ul>\n");
    }
    page(
        &format!(
            "cloudgrade: {} / {} puntos{}",
            points(s.points),
            points(s.max_points),
            bonus_note(s)
        ),
        &b,
    )
}

fn scenario(b: &mut String, sc: &ScenarioReport) {
    let _ = writeln!(
        b,
        "<article class=\"scenario v-{}\" id=\"sc-{}\">\n<header><h3>{}</h3><span>{} <span class=\"pts\">{} / {} puntos{}</span></span></header>",
        sc.verdict.as_str(),
        anchor(&sc.id),
        escape(&sc.name),
        badge(sc.verdict),
        points(sc.points),
        points(sc.max_points),
        bonus_mark(sc)
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\"><code>{}</code> · {} · <code>{}</code></p>",
        escape(&sc.id),
        escape(&sc.feature),
        escape(&sc.location)
    );
    if let Some(r) = sc.reason.as_ref().filter(|r| !repeats_evidence(sc, r)) {
        let _ = writeln!(b, "<p class=\"reason\">{}</p>", escape(r));
    }
    let of = |st: EvidenceStatus| sc.evidence.iter().filter(move |e| e.status == st);
    let fails: Vec<&Evidence> = of(EvidenceStatus::Fail).collect();
    if !fails.is_empty() {
        // For a reachability check these are the blocked path: every
        // setting in the way, in the order the packet meets them.
        b.push_str("<p><strong>Qué lo impide:</strong></p>\n<ol class=\"blocked\">\n");
        for e in fails {
            evidence_item(b, e, "ev-fail", "✘");
        }
        b.push_str("</ol>\n");
    }
    let unknown: Vec<&Evidence> = of(EvidenceStatus::Unknown).collect();
    if !unknown.is_empty() {
        b.push_str(
            "<p><strong>Lo que no se pudo comprobar:</strong></p>\n<ul class=\"evidence\">\n",
        );
        for e in unknown {
            evidence_item(b, e, "ev-unknown", "?");
        }
        b.push_str("</ul>\n");
    }
    if let (Some(h), true) = (&sc.hint, sc.verdict == Verdict::Failed) {
        let _ = writeln!(
            b,
            "<div class=\"hint\"><strong>Pista:</strong> {}</div>",
            escape(h)
        );
    }
    let fine: Vec<&Evidence> = sc
        .evidence
        .iter()
        .filter(|e| matches!(e.status, EvidenceStatus::Ok | EvidenceStatus::Info))
        .collect();
    if !fine.is_empty() {
        let _ = writeln!(
            b,
            "<details{}><summary>Lo que se comprobó ({})</summary>\n<ul class=\"evidence\">",
            if sc.verdict == Verdict::Passed {
                " open"
            } else {
                ""
            },
            fine.len()
        );
        for e in fine {
            let (class, mark) = if e.status == EvidenceStatus::Ok {
                ("ev-ok", "✔")
            } else {
                ("ev-info", "·")
            };
            evidence_item(b, e, class, mark);
        }
        b.push_str("</ul>\n</details>\n");
    }
    if !sc.steps.is_empty() {
        b.push_str("<details><summary>Pasos</summary>\n<ol>\n");
        for st in &sc.steps {
            let status = serde_json::to_value(st.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<li><strong>{}</strong> {} <span class=\"meta\">({})</span></li>",
                escape(&st.keyword),
                escape(&st.text),
                escape(&status.replace('_', " "))
            );
        }
        b.push_str("</ol>\n</details>\n");
    }
    b.push_str("</article>\n");
}

fn evidence_item(b: &mut String, e: &Evidence, class: &str, mark: &str) {
    let _ = writeln!(
        b,
        "<li class=\"{class}\"><span aria-hidden=\"true\">{mark}</span> <strong>{}</strong>{}: {}</li>",
        escape(&e.subject),
        e.location
            .as_deref()
            .map(|l| format!(" <code>{}</code>", escape(l)))
            .unwrap_or_default(),
        escape(&e.message)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_become_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(anchor("rds only/ecs\"x"), "rds-only-ecs-x");
    }
}
