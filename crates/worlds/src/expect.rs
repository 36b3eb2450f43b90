//! `expect.toml`: the grade a world must get, scenario by scenario, and the
//! secret values planted in it that no output may ever contain.
//!
//! A world that `extends` another (in its `world.toml`) expects what its
//! base expects except where its own `expect.toml` says otherwise: a broken
//! world names only the scenarios its mistake changes, so a new rule is
//! written into the reference's expectation once, not into every world's.
//! The exit code follows from the verdicts and need not be written: 1 when a
//! scenario fails that is not a bonus.
//!
//! Two things no emulator can show are said here rather than left out:
//! `live`, what a live source gives for a fact Terraform alone holds (what
//! `terraform destroy` does), and `static_only`, a world whose mistake the
//! emulator refuses to build, as AWS would at apply; it is graded from its
//! Terraform and plans.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{WorldError, key_path, load};

/// A world's expectation, its base's merged in.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// One line: the realistic mistake the world plants (or none).
    pub description: String,
    /// The grader's exit code: 0 when nothing failed, 1 otherwise.
    pub exit_code: i32,
    /// Values planted in the world that must appear in no report.
    pub planted_secrets: Vec<String>,
    /// Scenario id -> the verdict it must get.
    pub scenarios: BTreeMap<String, ScenarioExpectation>,
    /// Why the world cannot be built in an emulator, when it cannot.
    pub static_only: Option<String>,
}

/// `expect.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    description: String,
    /// Optional: derived from the verdicts; checked against them if given.
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    planted_secrets: Vec<String>,
    #[serde(default)]
    scenarios: BTreeMap<String, ScenarioExpectation>,
    /// The world's own: a base that an emulator refuses says nothing of
    /// the worlds that extend it.
    #[serde(default)]
    static_only: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioExpectation {
    pub verdict: Verdict,
    /// A substring the scenario's evidence must contain.
    #[serde(default)]
    pub message: Option<String>,
    /// The scenario is a `@bonus` one: its failure leaves the exit code 0.
    /// The report must agree, so this cannot drift from the feature.
    #[serde(default)]
    pub bonus: bool,
    /// What a live source gives instead, where the fact is Terraform's
    /// alone and no API returns it.
    #[serde(default)]
    pub live: Option<LiveExpectation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveExpectation {
    pub verdict: Verdict,
    #[serde(default)]
    pub message: Option<String>,
}

impl ScenarioExpectation {
    /// The verdict and message a source must give: a live one's own where
    /// the world states it.
    pub fn for_source(&self, live: bool) -> (Verdict, Option<&str>) {
        match (&self.live, live) {
            (Some(l), true) => (l.verdict, l.message.as_deref()),
            _ => (self.verdict, self.message.as_deref()),
        }
    }
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

/// Bases deeper than this are a mistake (the same bound as `world.toml`'s).
const MAX_DEPTH: usize = 8;

impl Expectation {
    /// Reads `dir/expect.toml`, merges in the expectation of the world its
    /// `world.toml` extends, and checks the result agrees with itself.
    pub fn load(dir: &Path) -> Result<Expectation, WorldError> {
        let file = dir.join("expect.toml");
        let own: ExpectFile = load::read_typed(&file)?;
        let mut scenarios = inherited(dir, &mut Vec::new())?;
        scenarios.extend(own.scenarios);
        let failing: Vec<String> = scenarios
            .iter()
            .filter(|(_, s)| s.verdict == Verdict::Failed && !s.bonus)
            .map(|(id, _)| id.clone())
            .collect();
        let want = if failing.is_empty() { 0 } else { 1 };
        let e = Expectation {
            description: own.description,
            exit_code: own.exit_code.unwrap_or(want),
            planted_secrets: own.planted_secrets,
            scenarios,
            static_only: own.static_only,
        };
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
        if e.static_only
            .as_deref()
            .is_some_and(|w| w.trim().is_empty())
        {
            return Err(invalid(
                "static_only",
                "está vacío: di por qué el emulador no puede construir el mundo".into(),
            ));
        }
        for (id, s) in &e.scenarios {
            let live_message = s.live.as_ref().and_then(|l| l.message.as_deref());
            if [s.message.as_deref(), live_message]
                .into_iter()
                .flatten()
                .any(|m| m.trim().is_empty())
            {
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

/// The scenarios the bases of the world in `dir` expect, nearest base
/// last: a world's own entry replaces its base's whole (a message expected
/// of a failure is not inherited by a pass).
fn inherited(
    dir: &Path,
    chain: &mut Vec<PathBuf>,
) -> Result<BTreeMap<String, ScenarioExpectation>, WorldError> {
    let Some(base) = base_of(dir)? else {
        return Ok(BTreeMap::new());
    };
    let canonical = base.canonicalize().unwrap_or_else(|_| base.clone());
    if chain.contains(&canonical) || chain.len() > MAX_DEPTH {
        return Err(WorldError::Extends {
            file: dir.join("world.toml"),
            message: "«extends» forma un ciclo".into(),
        });
    }
    chain.push(canonical);
    let mut scenarios = inherited(&base, chain)?;
    let file = base.join("expect.toml");
    let theirs: ExpectFile = load::read_typed(&file)?;
    scenarios.extend(theirs.scenarios);
    Ok(scenarios)
}

/// The sibling directory `dir/world.toml` extends, if it extends one.
fn base_of(dir: &Path) -> Result<Option<PathBuf>, WorldError> {
    let file = dir.join("world.toml");
    if !file.is_file() {
        return Ok(None);
    }
    let mut table = load::read_table(&file)?;
    Ok(load::take_extends(&file, &mut table)?.map(|name| load::sibling(dir, &name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sibling worlds in a fresh directory: `base` and `broken`, which
    /// extends it.
    fn worlds(base: &str, broken: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "cloudgrade-expect-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        for (name, world, expect) in [
            ("base", "[vpc]\ncidr = \"10.0.0.0/16\"\n", base),
            ("broken", "extends = \"base\"\n", broken),
        ] {
            let d = root.join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("world.toml"), world).unwrap();
            std::fs::write(d.join("expect.toml"), expect).unwrap();
        }
        root
    }

    const BASE: &str = "description = \"bien\"\n[scenarios.a]\nverdict = \"passed\"\n[scenarios.b]\nverdict = \"failed\"\nmessage = \"sale por el IGW\"\n";

    #[test]
    fn a_broken_world_states_only_what_its_mistake_changes() {
        let root = worlds(
            BASE,
            "description = \"mal\"\n[scenarios.a]\nverdict = \"failed\"\nmessage = \"abierto\"\n[scenarios.b]\nverdict = \"passed\"\n",
        );
        let e = Expectation::load(&root.join("broken")).unwrap();
        assert_eq!(e.scenarios.len(), 2);
        assert_eq!(e.scenarios["a"].verdict, Verdict::Failed);
        // An entry replaces its base's whole: no message of a failure
        // hangs on a pass.
        assert_eq!(e.scenarios["b"].verdict, Verdict::Passed);
        assert_eq!(e.scenarios["b"].message, None);
        assert_eq!(e.exit_code, 1, "derived from the verdicts");
        let base = Expectation::load(&root.join("base")).unwrap();
        assert_eq!(base.exit_code, 1);
        std::fs::remove_dir_all(root).ok();
    }

    #[test]
    fn a_written_exit_code_must_agree_with_the_inherited_verdicts() {
        let root = worlds(BASE, "description = \"mal\"\nexit_code = 0\n");
        let e = Expectation::load(&root.join("broken"))
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("exit_code: es 0 pero fallan b: debe ser 1"),
            "{e}"
        );
        std::fs::remove_dir_all(root).ok();
    }
}
