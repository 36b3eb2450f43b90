//! The standard a run grades against. The course teaches some designs that
//! production fails (ECS tasks in public subnets with a public IP, no load
//! balancer): a scenario tagged `@estandar:curso` belongs to the course
//! baseline only, one tagged `@estandar:produccion` to production only, and
//! an untagged one to both. The instructor picks the standard; the report
//! names it, so a grade is never read against the other one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The tag key that places a scenario in one standard (`@estandar:curso`).
pub const TAG: &str = "estandar";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standard {
    /// What the course's activities teach: the default, so a student is
    /// graded on what they were taught.
    #[default]
    Curso,
    /// What a production deployment needs.
    Produccion,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("el estándar «{0}» no existe: usa «curso» (lo que enseña el curso) o «produccion»")]
pub struct UnknownStandard(pub String);

impl Standard {
    pub const ALL: [Standard; 2] = [Standard::Curso, Standard::Produccion];

    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Curso => "curso",
            Standard::Produccion => "produccion",
        }
    }

    /// How the reports name it.
    pub fn label_es(self) -> &'static str {
        match self {
            Standard::Curso => "curso",
            Standard::Produccion => "producción",
        }
    }

    /// Whether a scenario with these (inherited) tags is graded under this
    /// standard: untagged scenarios belong to both; a scenario may name both.
    pub fn admits(self, tags: &[String]) -> bool {
        let mut named = tags.iter().filter_map(|t| {
            t.split_once(':')
                .filter(|(k, _)| *k == TAG || *k == "standard")
                .map(|(_, v)| v)
        });
        let mut any = false;
        let admitted = named.any(|v| {
            any = true;
            v.parse::<Standard>().is_ok_and(|s| s == self)
        });
        admitted || !any
    }
}

impl FromStr for Standard {
    type Err = UnknownStandard;

    /// Spanish or English, with or without the accent.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "curso" | "course" => Ok(Standard::Curso),
            "produccion" | "producción" | "production" => Ok(Standard::Produccion),
            _ => Err(UnknownStandard(s.to_string())),
        }
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn untagged_scenarios_belong_to_both_standards() {
        for s in Standard::ALL {
            assert!(s.admits(&tags(&["id:x", "puntos:2"])));
        }
    }

    #[test]
    fn a_tagged_scenario_belongs_only_to_the_standards_it_names() {
        let prod = tags(&["id:x", "estandar:produccion"]);
        assert!(Standard::Produccion.admits(&prod));
        assert!(!Standard::Curso.admits(&prod));
        let both = tags(&["estandar:curso", "estandar:produccion"]);
        assert!(Standard::ALL.iter().all(|s| s.admits(&both)));
        // A misspelt standard admits the scenario nowhere rather than
        // everywhere; the features test refuses it before it ships.
        assert!(!Standard::Curso.admits(&tags(&["estandar:produción"])));
    }

    #[test]
    fn parses_spanish_and_english_names() {
        assert_eq!("Producción".parse(), Ok(Standard::Produccion));
        assert_eq!("production".parse(), Ok(Standard::Produccion));
        assert_eq!("curso".parse(), Ok(Standard::Curso));
        let e = "prod".parse::<Standard>().unwrap_err().to_string();
        assert!(e.contains("«prod»") && e.contains("curso"), "{e}");
    }
}
