//! The class summary, for the instructor: how the class did on each
//! scenario, the failures most students share (what to explain again
//! tomorrow), and who could not be graded and why.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::LazyLock;

use regex::Regex;

use super::gradebook::{self, Cell, number};
use super::manifest::{ClassResults, ScenarioInfo, Status, StudentResult};
use crate::report::Verdict;
use crate::report::html::{anchor, badge, escape, page};

/// How one scenario went across the class.
#[derive(Debug, Clone)]
pub struct ScenarioStats<'a> {
    pub info: &'a ScenarioInfo,
    pub passed: usize,
    pub failed: usize,
    pub not_evaluable: usize,
    pub grader_error: usize,
    /// Sum over the students it could be graded for.
    pub points: f64,
    /// Failure reasons with ids masked, most common first.
    pub reasons: Vec<(String, usize)>,
}

impl ScenarioStats<'_> {
    pub fn gradable(&self) -> usize {
        self.passed + self.failed
    }
    pub fn mean(&self) -> Option<f64> {
        (self.gradable() > 0).then(|| self.points / self.gradable() as f64)
    }
}

/// Per-student ids make every reason unique; masked, the same mistake in
/// thirty accounts reads as one line.
fn normalize(reason: &str) -> String {
    static AWS_ID: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"\b(?:vpc|subnet|rtb|igw|eigw|nat|sg|acl|eni|eipalloc|i|tgw|pcx|vpce|vgw|db)-[0-9a-f]{4,}\b").ok()
    });
    static ARN: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"arn:aws[a-z-]*:[^\s,;)»]+").ok());
    static ACCOUNT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\b\d{12}\b").ok());
    let mut s = reason.lines().next().unwrap_or("").to_string();
    for (re, with) in [
        (&*ARN, "<arn>"),
        (&*AWS_ID, "<id>"),
        (&*ACCOUNT, "<cuenta>"),
    ] {
        if let Some(re) = re {
            s = re.replace_all(&s, with).into_owned();
        }
    }
    s
}

pub fn scenario_stats(class: &ClassResults) -> Vec<ScenarioStats<'_>> {
    class
        .scenarios
        .iter()
        .map(|info| {
            let mut st = ScenarioStats {
                info,
                passed: 0,
                failed: 0,
                not_evaluable: 0,
                grader_error: 0,
                points: 0.0,
                reasons: Vec::new(),
            };
            let mut reasons: HashMap<String, usize> = HashMap::new();
            for r in class.students.iter().filter_map(|s| s.report.as_ref()) {
                let Some(sc) = r.scenarios.iter().find(|s| s.id == info.id) else {
                    continue;
                };
                match sc.verdict {
                    Verdict::Passed => st.passed += 1,
                    Verdict::Failed => {
                        st.failed += 1;
                        let why = normalize(sc.reason.as_deref().unwrap_or("sin motivo"));
                        *reasons.entry(why).or_insert(0) += 1;
                    }
                    Verdict::NotEvaluable => st.not_evaluable += 1,
                    Verdict::GraderError => st.grader_error += 1,
                }
                if sc.verdict.is_gradable() {
                    st.points += sc.points;
                }
            }
            let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            st.reasons = reasons;
            st
        })
        .collect()
}

/// Totals of the students with a complete grade.
struct Totals {
    n: usize,
    mean: f64,
    median: f64,
    min: f64,
    max: f64,
}

fn totals(values: &mut [f64]) -> Option<Totals> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    Some(Totals {
        n,
        mean: values.iter().sum::<f64>() / n as f64,
        median,
        min: values[0],
        max: values[n - 1],
    })
}

struct Overview {
    graded: usize,
    kept: usize,
    not_graded: usize,
    max_total: f64,
    totals: Option<Totals>,
    /// (student id, name, activity, why) for every empty gradebook cell of
    /// a student who was graded.
    pending: Vec<(String, String, String, String)>,
}

/// Without a report: not graded this time or nothing handed in.
fn missing(class: &ClassResults) -> Vec<&StudentResult> {
    class
        .students
        .iter()
        .filter(|s| s.entry.status.is_missing())
        .collect()
}

/// The reason of a student without a report; "no entregado" is said, "no
/// corregido" is the section's title already.
fn missing_reason(s: &StudentResult) -> String {
    let why = s.entry.reason.as_deref().unwrap_or("");
    if s.entry.status == Status::NotSubmitted {
        format!("No entregado: {why}")
    } else {
        why.to_string()
    }
}

fn with_status(class: &ClassResults, status: Status) -> Vec<&StudentResult> {
    class
        .students
        .iter()
        .filter(|s| s.entry.status == status)
        .collect()
}

/// The scenarios that failed for someone, most failures first.
fn most_failed<'a, 'c>(stats: &'a [ScenarioStats<'c>]) -> Vec<&'a ScenarioStats<'c>> {
    let mut failing: Vec<_> = stats.iter().filter(|s| s.failed > 0).collect();
    failing.sort_by_key(|s| std::cmp::Reverse(s.failed));
    failing
}

fn overview(class: &ClassResults) -> Overview {
    let count = |st: Status| with_status(class, st).len();
    let activities = class.activities();
    let rows = gradebook::rows(class);
    let mut complete: Vec<f64> = rows.iter().filter_map(|r| r.total).collect();
    let mut pending = Vec::new();
    for row in &rows {
        if row.student.report.is_none() {
            continue;
        }
        for ((activity, _), cell) in activities.iter().zip(&row.cells) {
            if let Cell::Pending(why) = cell {
                pending.push((
                    row.student.entry.student_id.clone(),
                    row.student.entry.display_name().to_string(),
                    activity.clone(),
                    why.clone(),
                ));
            }
        }
    }
    Overview {
        graded: count(Status::Graded),
        kept: count(Status::KeptPrevious),
        not_graded: count(Status::NotGraded) + count(Status::NotSubmitted),
        max_total: activities.iter().map(|(_, m)| m).sum(),
        totals: totals(&mut complete),
        pending,
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.0} %", part as f64 * 100.0 / whole as f64)
    }
}

pub fn markdown(class: &ClassResults) -> String {
    let o = overview(class);
    let stats = scenario_stats(class);
    let mut out = String::new();
    let _ = writeln!(out, "# Resumen de la clase: {}\n", class.title);
    let _ = writeln!(
        out,
        "{} · {} alumnos en esta corrección ({} en la lista) · {} corregidos · {} con la corrección anterior · **{} no corregidos**{}\n",
        class.started_at,
        class.students.len(),
        class.roster_students,
        o.graded,
        o.kept,
        o.not_graded,
        if class.instructor {
            " · modo profesor: incluye los escenarios ocultos"
        } else {
            ""
        }
    );
    for w in &class.warnings {
        let _ = writeln!(out, "> ⚠️ {w}\n");
    }
    out.push_str("## Notas\n\n");
    match &o.totals {
        Some(t) => {
            let _ = writeln!(
                out,
                "Sobre {} puntos, {} alumnos con nota completa: media {}, mediana {}, mínima {}, máxima {}.\n",
                number(o.max_total),
                t.n,
                number(t.mean),
                number(t.median),
                number(t.min),
                number(t.max)
            );
        }
        None => out.push_str("Ningún alumno tiene aún una nota completa.\n\n"),
    }
    out.push_str("## Puntos por escenario\n\n| Escenario | Actividad | Máx. | Superados | Fallidos | No evaluables | Errores del corrector | Media |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for s in &stats {
        let _ = writeln!(
            out,
            "| {} `{}`{} | {} | {} | {} ({}) | {} | {} | {} | {} |",
            cell(&s.info.name),
            s.info.id,
            if s.info.hidden { " (oculto)" } else { "" },
            cell(&s.info.activity),
            number(s.info.max_points),
            s.passed,
            pct(s.passed, s.gradable()),
            s.failed,
            s.not_evaluable,
            s.grader_error,
            s.mean().map(number).unwrap_or_else(|| "–".into())
        );
    }
    let failing = most_failed(&stats);
    out.push_str("\n## Fallos más comunes\n\n");
    if failing.is_empty() {
        out.push_str("Ningún escenario ha fallado.\n");
    }
    for (i, s) in failing.iter().take(10).enumerate() {
        let _ = writeln!(
            out,
            "{}. **{}** (`{}`): falla en {} de {} alumnos ({})",
            i + 1,
            cell(&s.info.name),
            s.info.id,
            s.failed,
            s.gradable(),
            pct(s.failed, s.gradable())
        );
        for (why, n) in s.reasons.iter().take(3) {
            let _ = writeln!(out, "   - {n} × {}", cell(why));
        }
    }
    out.push_str("\n## No corregidos\n\n");
    let not: Vec<_> = missing(class);
    if not.is_empty() {
        out.push_str("Todos los alumnos se han podido corregir.\n");
    } else {
        out.push_str("Sin nota en el libro de calificaciones (nunca un cero) hasta que se resuelva:\n\n| Alumno | Nombre | Fuente | Motivo |\n|---|---|---|---|\n");
        for s in not {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                s.entry.student_id,
                cell(s.entry.display_name()),
                s.entry.source,
                cell(&missing_reason(s))
            );
        }
    }
    let kept: Vec<_> = with_status(class, Status::KeptPrevious);
    if !kept.is_empty() {
        out.push_str("\n## Con la corrección anterior\n\nLa lectura de hoy falló; cuenta la última corrección buena.\n\n| Alumno | Nombre | Motivo |\n|---|---|---|\n");
        for s in kept {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                s.entry.student_id,
                cell(s.entry.display_name()),
                cell(s.entry.reason.as_deref().unwrap_or(""))
            );
        }
    }
    if !o.pending.is_empty() {
        out.push_str("\n## Pendientes de revisión\n\nActividades sin nota porque algún escenario no se pudo evaluar:\n\n| Alumno | Nombre | Actividad | Motivo |\n|---|---|---|---|\n");
        for (id, name, activity, why) in &o.pending {
            let _ = writeln!(
                out,
                "| {id} | {} | {} | {} |",
                cell(name),
                cell(activity),
                cell(why)
            );
        }
    }
    out
}

pub fn html(class: &ClassResults) -> String {
    let o = overview(class);
    let stats = scenario_stats(class);
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>Resumen de la clase</h1>\n<p class=\"meta\"><code>{}</code> · {}</p>",
        escape(&class.title),
        escape(&class.started_at)
    );
    let _ = writeln!(
        b,
        "<p class=\"counts\"><span>{} alumnos en esta corrección ({} en la lista)</span> · <span>{} corregidos</span> · <span>{} con la corrección anterior</span> · <strong>{} no corregidos</strong>{}</p>",
        class.students.len(),
        class.roster_students,
        o.graded,
        o.kept,
        o.not_graded,
        if class.instructor {
            " · modo profesor: incluye los escenarios ocultos"
        } else {
            ""
        }
    );
    for w in &class.warnings {
        let _ = writeln!(b, "<p class=\"notice\">{}</p>", escape(w));
    }
    b.push_str("<h2>Notas</h2>\n");
    match &o.totals {
        Some(t) => {
            let _ = writeln!(
                b,
                "<p>Sobre {} puntos, {} alumnos con nota completa: media <strong>{}</strong>, mediana {}, mínima {}, máxima {}.</p>",
                number(o.max_total),
                t.n,
                number(t.mean),
                number(t.median),
                number(t.min),
                number(t.max)
            );
        }
        None => b.push_str("<p>Ningún alumno tiene aún una nota completa.</p>\n"),
    }
    b.push_str("<h2>Puntos por escenario</h2>\n<table>\n<thead><tr><th>Escenario</th><th>Actividad</th><th class=\"num\">Máx.</th><th>Superados</th><th class=\"num\">Fallidos</th><th class=\"num\">No evaluables</th><th class=\"num\">Errores</th><th class=\"num\">Media</th></tr></thead>\n<tbody>\n");
    for s in &stats {
        let share = if s.gradable() == 0 {
            0.0
        } else {
            s.passed as f64 * 100.0 / s.gradable() as f64
        };
        let _ = writeln!(
            b,
            "<tr id=\"sc-{}\"><td>{}<br><code>{}</code>{}</td><td>{}</td><td class=\"num\">{}</td><td><div class=\"bar\" title=\"{:.0} %\"><span style=\"width:{:.0}%\"></span></div>{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            anchor(&s.info.id),
            escape(&s.info.name),
            escape(&s.info.id),
            if s.info.hidden {
                " <span class=\"meta\">(oculto)</span>"
            } else {
                ""
            },
            escape(&s.info.activity),
            number(s.info.max_points),
            share,
            share,
            s.passed,
            pct(s.passed, s.gradable()),
            s.failed,
            s.not_evaluable,
            s.grader_error,
            s.mean().map(number).unwrap_or_else(|| "–".into())
        );
    }
    b.push_str("</tbody>\n</table>\n<h2>Fallos más comunes</h2>\n");
    let failing = most_failed(&stats);
    if failing.is_empty() {
        b.push_str("<p>Ningún escenario ha fallado.</p>\n");
    } else {
        b.push_str("<ol>\n");
        for s in failing.iter().take(10) {
            let _ = writeln!(
                b,
                "<li>{} <strong>{}</strong> (<code>{}</code>): falla en {} de {} alumnos ({})<ul>",
                badge(Verdict::Failed),
                escape(&s.info.name),
                escape(&s.info.id),
                s.failed,
                s.gradable(),
                pct(s.failed, s.gradable())
            );
            for (why, n) in s.reasons.iter().take(3) {
                let _ = writeln!(b, "<li>{n} × {}</li>", escape(why));
            }
            b.push_str("</ul></li>\n");
        }
        b.push_str("</ol>\n");
    }
    b.push_str("<h2 id=\"no-corregidos\">No corregidos</h2>\n");
    let not: Vec<_> = missing(class);
    if not.is_empty() {
        b.push_str("<p>Todos los alumnos se han podido corregir.</p>\n");
    } else {
        b.push_str("<p>Sin nota en el libro de calificaciones (nunca un cero) hasta que se resuelva:</p>\n<table>\n<thead><tr><th>Alumno</th><th>Nombre</th><th>Fuente</th><th>Motivo</th></tr></thead>\n<tbody>\n");
        for s in not {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&s.entry.student_id),
                escape(s.entry.display_name()),
                escape(&s.entry.source),
                escape(&missing_reason(s))
            );
        }
        b.push_str("</tbody>\n</table>\n");
    }
    let kept: Vec<_> = with_status(class, Status::KeptPrevious);
    if !kept.is_empty() {
        b.push_str("<h2>Con la corrección anterior</h2>\n<table>\n<thead><tr><th>Alumno</th><th>Nombre</th><th>Motivo</th></tr></thead>\n<tbody>\n");
        for s in kept {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&s.entry.student_id),
                escape(s.entry.display_name()),
                escape(s.entry.reason.as_deref().unwrap_or(""))
            );
        }
        b.push_str("</tbody>\n</table>\n");
    }
    if !o.pending.is_empty() {
        b.push_str("<h2>Pendientes de revisión</h2>\n<table>\n<thead><tr><th>Alumno</th><th>Nombre</th><th>Actividad</th><th>Motivo</th></tr></thead>\n<tbody>\n");
        for (id, name, activity, why) in &o.pending {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(id),
                escape(name),
                escape(activity),
                escape(why)
            );
        }
        b.push_str("</tbody>\n</table>\n");
    }
    page(&format!("Resumen de la clase: {}", class.title), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_masked_so_the_same_mistake_groups() {
        assert_eq!(
            normalize("subnet-0a1b2c3d (privada-a) sale por igw-99aa88bb en 123456789012"),
            "<id> (privada-a) sale por <id> en <cuenta>"
        );
        assert_eq!(
            normalize("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC; x"),
            "<arn>; x"
        );
    }
}
