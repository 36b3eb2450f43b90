//! `expect.toml`: the grade a world must get, scenario by scenario, and the
//! secret values planted in it that no output may ever contain.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{WorldError, key_path, load};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// One line: the realistic mistake the world plants (or none).
    pub description: String,
    /// The grader's exit code: 0 when nothing failed, 1 otherwise.
    pub exit_code: i32,
    /// Values planted in the world that must appear in no report.
    #[serde(default)]
    pub planted_secrets: Vec<String>,
    /// Scenario id -> the verdict it must get.
    #[serde(default)]
    pub scenarios: BTreeMap<String, ScenarioExpectation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioExpectation {
    pub verdict: Verdict,
    /// A substring the scenario's evidence must contain.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    NotEvaluable,
}

impl Verdict {
    /// As the canonical report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NotEvaluable => "not_evaluable",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A planted value shorter than this would match innocent text in a report.
const MIN_PLANTED_LEN: usize = 8;

impl Expectation {
    /// Reads `dir/expect.toml` and checks it agrees with itself.
    pub fn load(dir: &Path) -> Result<Expectation, WorldError> {
        let file = dir.join("expect.toml");
        let e: Expectation = load::read_typed(&file)?;
        let invalid = |path: &str, message: String| WorldError::Invalid {
            file: file.clone(),
            path: path.to_string(),
            message,
        };
        if e.description.trim().is_empty() || e.description.contains('\n') {
            return Err(invalid(
                "description",
                "debe ser una sola línea que diga el error que planta el mundo".into(),
            ));
        }
        if e.scenarios.is_empty() {
            return Err(invalid(
                "scenarios",
                "no espera ningún escenario: añade [scenarios.<id>] verdict = ...".into(),
            ));
        }
        let failing: Vec<&str> = e
            .scenarios
            .iter()
            .filter(|(_, s)| s.verdict == Verdict::Failed)
            .map(|(id, _)| id.as_str())
            .collect();
        let want = if failing.is_empty() { 0 } else { 1 };
        if e.exit_code != want {
            return Err(invalid(
                "exit_code",
                if failing.is_empty() {
                    format!("es {} pero ningún escenario falla: debe ser 0", e.exit_code)
                } else {
                    format!(
                        "es {} pero fallan {}: debe ser 1",
                        e.exit_code,
                        failing.join(", ")
                    )
                },
            ));
        }
        for (id, s) in &e.scenarios {
            if s.message.as_deref().is_some_and(|m| m.trim().is_empty()) {
                return Err(invalid(
                    &key_path(&["scenarios", id, "message"]),
                    "está vacío: quítalo o di qué texto debe aparecer".into(),
                ));
            }
        }
        for (i, s) in e.planted_secrets.iter().enumerate() {
            if s.chars().count() < MIN_PLANTED_LEN {
                return Err(invalid(
                    &format!("planted_secrets[{i}]"),
                    format!(
                        "un valor de menos de {MIN_PLANTED_LEN} caracteres aparecería por casualidad en cualquier informe"
                    ),
                ));
            }
        }
        Ok(e)
    }
}
