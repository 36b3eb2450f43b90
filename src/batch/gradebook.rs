//! The gradebook, one column per activity (`@actividad:`), in the CSV
//! formats Canvas and Moodle import (docs/gradebook.md says how).
//!
//! Fairness is decided here: a cell holds a number only when every scenario
//! of that activity could be graded. A student whose source could not be
//! read, or an activity with a scenario the grader could not evaluate, gets
//! an empty cell (Canvas and Moodle read it as "no grade", not zero) and the
//! reason goes to the feedback column and the summary.

use super::manifest::{ClassResults, Status, StudentResult};
use crate::report::Verdict;

/// One activity of one student.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Score(f64),
    /// No number: why, in Spanish, for the feedback column.
    Pending(String),
}

#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub student: &'a StudentResult,
    pub cells: Vec<Cell>,
    pub feedback: Vec<String>,
    /// Only when every activity has a number.
    pub total: Option<f64>,
}

/// `7.5`, `10`, `3.25`: what both platforms parse.
pub fn number(p: f64) -> String {
    let s = format!("{:.2}", (p * 100.0).round() / 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn rows(class: &ClassResults) -> Vec<Row<'_>> {
    let activities = class.activities();
    class
        .students
        .iter()
        .map(|student| {
            let (cells, feedback): (Vec<Cell>, Vec<String>) = activities
                .iter()
                .map(|(activity, max)| cell(class, student, activity, *max))
                .unzip();
            let total = cells
                .iter()
                .map(|c| match c {
                    Cell::Score(p) => Some(*p),
                    Cell::Pending(_) => None,
                })
                .sum::<Option<f64>>();
            Row {
                student,
                cells,
                feedback,
                total,
            }
        })
        .collect()
}

fn cell(class: &ClassResults, student: &StudentResult, activity: &str, max: f64) -> (Cell, String) {
    let Some(report) = &student.report else {
        let why = student
            .entry
            .reason
            .clone()
            .unwrap_or_else(|| "sin informe".into());
        let label = student.entry.status.label_capitalized();
        let label = if student.entry.status == Status::NotSubmitted {
            label
        } else {
            "No corregido".to_string()
        };
        return (
            Cell::Pending(format!("{label}: {why}")),
            format!("{label}: {why}"),
        );
    };
    let mut earned = 0.0;
    // (why, ids): one reason shared by several scenarios is said once.
    let mut pending: Vec<(String, Vec<&str>)> = Vec::new();
    let mut pending_points = 0.0;
    let mut failed: Vec<&str> = Vec::new();
    let mut bonus: Vec<&str> = Vec::new();
    for info in class.scenarios.iter().filter(|s| s.activity == activity) {
        let found = report.scenarios.iter().find(|s| s.id == info.id);
        // A bonus earns what it passed and holds nothing back: one that
        // could not be evaluated leaves the cell a number.
        if info.bonus {
            if let Some(sc) = found.filter(|sc| sc.verdict == Verdict::Passed) {
                earned += sc.points;
                bonus.push(&info.id);
            }
            continue;
        }
        let why = match found {
            None => {
                pending_points += info.max_points;
                "no está en su informe".to_string()
            }
            // A @parcial scenario with layers the source could not evaluate:
            // what it earned counts, the rest waits like any pending scenario.
            Some(sc) if sc.verdict.is_gradable() && sc.ungraded_points > 0.0 => {
                earned += sc.points;
                pending_points += sc.ungraded_points;
                "partes no evaluables".to_string()
            }
            Some(sc) if sc.verdict.is_gradable() => {
                earned += sc.points;
                if sc.verdict == Verdict::Failed {
                    failed.push(&info.id);
                }
                continue;
            }
            Some(sc) => {
                pending_points += sc.max_points;
                format!(
                    "{}{}",
                    sc.verdict.label_es(),
                    sc.reason
                        .as_deref()
                        .map(|r| format!(": {}", first_line(r)))
                        .unwrap_or_default()
                )
            }
        };
        match pending.iter_mut().find(|(w, _)| *w == why) {
            Some((_, ids)) => ids.push(&info.id),
            None => pending.push((why, vec![&info.id])),
        }
    }
    if !pending.is_empty() {
        let text = format!(
            "Pendiente de revisión: {} de {} puntos no se pudieron evaluar ({}). Obtenidos en lo evaluado: {}.",
            number(pending_points),
            number(max),
            pending
                .iter()
                .map(|(why, ids)| format!("{}: {why}", ids.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
            number(earned)
        );
        return (Cell::Pending(text.clone()), text);
    }
    let mut text = format!("{}/{} puntos.", number(earned), number(max));
    if !failed.is_empty() {
        text.push_str(&format!(" No superados: {}.", failed.join(", ")));
    }
    if !bonus.is_empty() {
        text.push_str(&format!(" Bonus conseguido: {}.", bonus.join(", ")));
    }
    if student.entry.status == Status::KeptPrevious {
        text.push_str(" (Corrección anterior: la última lectura falló.)");
    }
    (Cell::Score(earned), text)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    // Writing into memory cannot fail; an empty file would be the tell.
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Canvas (Grades > Import): `Student, ID, SIS User ID, SIS Login ID,
/// Section`, one column per activity, and a `Points Possible` row that
/// gives a new assignment its maximum. `Current Points` carries the total;
/// Canvas treats it as read-only and skips it on import.
pub fn canvas(class: &ClassResults) -> String {
    let activities = class.activities();
    let mut w = writer();
    let mut header = vec!["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];
    header.extend(activities.iter().map(|(a, _)| a.as_str()));
    header.push("Current Points");
    let _ = w.write_record(&header);
    let mut pp: Vec<String> = vec![
        "Points Possible".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    pp.extend(activities.iter().map(|(_, m)| number(*m)));
    pp.push(number(activities.iter().map(|(_, m)| m).sum()));
    let _ = w.write_record(&pp);
    for row in rows(class) {
        let e = &row.student.entry;
        let mut rec = vec![
            e.display_name().to_string(),
            // Canvas's own numeric user id is unknown to us; the SIS ids match.
            String::new(),
            e.student_id.clone(),
            e.login
                .clone()
                .or_else(|| e.email.clone())
                .unwrap_or_default(),
            e.section.clone().unwrap_or_default(),
        ];
        rec.extend(row.cells.iter().map(|c| match c {
            Cell::Score(p) => number(*p),
            Cell::Pending(_) => String::new(),
        }));
        rec.push(row.total.map(number).unwrap_or_default());
        let _ = w.write_record(&rec);
    }
    finish(w)
}

/// Moodle (Grades > Import > CSV file): an identifier column to map from
/// (ID number, and username / email address when the roster has them), one
/// score column per activity with its maximum in the heading, and one
/// feedback column per activity. `-` is Moodle's "no grade".
pub fn moodle(class: &ClassResults) -> String {
    let activities = class.activities();
    let with_login = class.students.iter().any(|s| s.entry.login.is_some());
    let with_email = class.students.iter().any(|s| s.entry.email.is_some());
    let mut w = writer();
    let mut header: Vec<String> = vec!["ID number".into()];
    if with_login {
        header.push("Username".into());
    }
    if with_email {
        header.push("Email address".into());
    }
    header.push("Full name".into());
    for (a, max) in &activities {
        header.push(format!("{a} (máx. {})", number(*max)));
    }
    for (a, _) in &activities {
        header.push(format!("{a} - comentarios"));
    }
    header.push(format!(
        "Total (máx. {})",
        number(activities.iter().map(|(_, m)| m).sum())
    ));
    let _ = w.write_record(&header);
    for row in rows(class) {
        let e = &row.student.entry;
        let mut rec = vec![e.student_id.clone()];
        if with_login {
            rec.push(e.login.clone().unwrap_or_default());
        }
        if with_email {
            rec.push(e.email.clone().unwrap_or_default());
        }
        rec.push(e.display_name().to_string());
        rec.extend(row.cells.iter().map(|c| match c {
            Cell::Score(p) => number(*p),
            Cell::Pending(_) => "-".to_string(),
        }));
        rec.extend(row.feedback.iter().cloned());
        rec.push(row.total.map(number).unwrap_or_else(|| "-".into()));
        let _ = w.write_record(&rec);
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_platforms_read_them() {
        assert_eq!(number(10.0), "10");
        assert_eq!(number(7.5), "7.5");
        assert_eq!(number(3.3333), "3.33");
        assert_eq!(number(0.0), "0");
    }
}
