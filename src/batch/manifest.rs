//! `batch.json`: what one batch (or one shard of it) did for every student,
//! so the gradebook and the summary can be rebuilt, and shards merged,
//! from files alone.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::shard::Shard;
use crate::report::{self, Report};

pub const MANIFEST_SCHEMA: &str = "cloudgrade.batch/1";
pub const MANIFEST_FILE: &str = "batch.json";
/// Written instead of a report when a student could not be graded.
pub const NOT_GRADED_FILE: &str = "not-graded.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub tool_version: String,
    pub roster: RosterInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    pub started_at: String,
    pub wall_ms: f64,
    /// Hidden scenarios were run and counted.
    pub instructor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// The standard the class was graded against (absent before there
    /// were two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<crate::standard::Standard>,
    /// Every scenario a student is graded on, with its activity and points.
    pub scenarios: Vec<ScenarioInfo>,
    pub students: Vec<StudentEntry>,
    /// Interrupted (Ctrl-C): the students not reached are "no corregido"
    /// and the gradebooks are written as `*.partial.csv`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The `cloudgrade.toml` the class was graded with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<crate::report::AssignmentRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterInfo {
    pub path: String,
    pub sha256: String,
    /// In the whole roster, not only this shard.
    pub students: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub id: String,
    pub name: String,
    pub activity: String,
    pub max_points: f64,
    #[serde(default)]
    pub hidden: bool,
    /// A `@bonus` scenario: its points are not part of the activity's
    /// maximum (absent in manifests written before there were bonuses).
    #[serde(default)]
    pub bonus: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Graded,
    /// The source could not be read this time; the report of an earlier
    /// run stands (re-running never replaces a good report with a failure).
    KeptPrevious,
    /// No report: "no corregido", never a zero.
    NotGraded,
    /// Nothing handed in at the roster's path (no folder, or one without a
    /// `.tf`): "no entregado", with the reason, never a zero either (the
    /// roster may point at the wrong folder).
    NotSubmitted,
}

impl Status {
    pub fn label_es(self) -> &'static str {
        match self {
            Status::Graded => "corregido",
            Status::KeptPrevious => "se conserva la corrección anterior",
            Status::NotGraded => "no corregido",
            Status::NotSubmitted => "no entregado",
        }
    }

    /// No report to count: not graded this time, or nothing handed in.
    pub fn is_missing(self) -> bool {
        matches!(self, Status::NotGraded | Status::NotSubmitted)
    }

    /// `No corregido`, `No entregado`: how a gradebook cell starts.
    pub fn label_capitalized(self) -> String {
        let l = self.label_es();
        let mut c = l.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentEntry {
    pub student_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub roster_line: usize,
    pub source: String,
    pub status: Status,
    /// Why the student was not graded, or why the earlier report was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The report, relative to the manifest's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub elapsed_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_calls: Option<u32>,
    /// Graded, but not whole: a failed read left a scenario not evaluable,
    /// or nothing could be graded (what `grade` exits 3 for), in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
}

impl StudentEntry {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.student_id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: no es un batch.json de cloudgrade: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: es un «{found}»; esta versión lee «{MANIFEST_SCHEMA}»")]
    Schema { path: String, found: String },
    #[error("{path}: no se pudo escribir: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl Manifest {
    pub fn load(dir: &Path) -> Result<Manifest, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Io {
            path: shown.clone(),
            source,
        })?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| ManifestError::Parse {
            path: shown.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if m.schema != MANIFEST_SCHEMA {
            return Err(ManifestError::Schema {
                path: shown,
                found: m.schema,
            });
        }
        Ok(m)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}

/// One student with their report, if there is one.
#[derive(Debug, Clone)]
pub struct StudentResult {
    pub entry: StudentEntry,
    pub report: Option<Report>,
}

/// Everything the gradebook and the summary are made from: one batch, or
/// the merge of several shards.
#[derive(Debug, Clone)]
pub struct ClassResults {
    pub title: String,
    pub started_at: String,
    pub instructor: bool,
    pub roster_students: usize,
    pub scenarios: Vec<ScenarioInfo>,
    pub students: Vec<StudentResult>,
    /// Shown at the top of the summary (a missing shard, a short roster).
    pub warnings: Vec<String>,
}

impl ClassResults {
    /// Reads the reports a manifest points at. A report that has gone
    /// missing or does not parse makes its student "no corregido" with that
    /// reason: it is never silently dropped.
    pub fn from_manifest(m: &Manifest, dir: &Path) -> ClassResults {
        let students = m.students.iter().map(|e| student_result(e, dir)).collect();
        ClassResults {
            title: m.roster.path.clone(),
            started_at: m.started_at.clone(),
            instructor: m.instructor,
            roster_students: m.roster.students,
            scenarios: m.scenarios.clone(),
            students,
            warnings: Vec::new(),
        }
    }

    /// The activities in first-seen order, with their maximum: bonus
    /// scenarios add to what a student earns, never to the maximum.
    pub fn activities(&self) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = Vec::new();
        for s in &self.scenarios {
            let max = if s.bonus { 0.0 } else { s.max_points };
            match out.iter_mut().find(|(a, _)| *a == s.activity) {
                Some((_, m)) => *m += max,
                None => out.push((s.activity.clone(), max)),
            }
        }
        out
    }
}

fn student_result(e: &StudentEntry, dir: &Path) -> StudentResult {
    let mut entry = e.clone();
    let report = match (&e.report, e.status) {
        (Some(rel), Status::Graded | Status::KeptPrevious) => {
            let path: PathBuf = dir.join(rel);
            match report::load(&path) {
                Ok(r) => Some(r),
                Err(err) => {
                    entry.status = Status::NotGraded;
                    entry.reason = Some(format!("su informe no se pudo leer: {err}"));
                    None
                }
            }
        }
        _ => None,
    };
    StudentResult { entry, report }
}

/// `@actividad:redes` / `@activity:redes`; scenarios without one are
/// grouped as `general`.
pub fn activity_of(tags: &[String]) -> String {
    tags.iter()
        .rev()
        .find_map(|t| {
            t.strip_prefix("actividad:")
                .or_else(|| t.strip_prefix("activity:"))
        })
        .filter(|a| !a.is_empty())
        .unwrap_or("general")
        .to_string()
}

/// `@oculto` / `@hidden`: run only for the instructor.
pub fn is_hidden(tags: &[String]) -> bool {
    tags.iter().any(|t| t == "oculto" || t == "hidden")
}
