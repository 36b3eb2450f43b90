//! The canonical report: everything a run found, as data. Every format is
//! rendered from this, so `cloudgrade report` can re-render any past run.
//! The JSON Schema in `reports/report.schema.json` describes it; bump
//! [`REPORT_SCHEMA`] on any change an old reader would misread.

use serde::{Deserialize, Serialize};

use cloudgrade_model::{Gap, SourceInfo};

use super::NetworkMap;
use crate::standard::Standard;

pub const REPORT_SCHEMA: &str = "cloudgrade.report/4";

/// Every schema [`crate::report::load`] reads. `/2` only added optional
/// fields (`provenance.assignment`, Gherkin keywords, feature lines and
/// tags, step durations), so a `/1` report still reads, with them absent.
/// `/3` added `provenance.standard`: a `/3` report graded against
/// production leaves out the course-only scenarios, which an older reader
/// would not know; older reports read with it absent (they were graded
/// on every scenario, as the course standard is now).
/// `/4` added bonus scenarios: their points count in `points` when passed
/// and never in `max_points`, so `points` may exceed `max_points`, which
/// an older reader would take for a corrupt report; older reports read
/// with no bonus.
pub const READABLE_SCHEMAS: [&str; 4] = [
    "cloudgrade.report/1",
    "cloudgrade.report/2",
    "cloudgrade.report/3",
    REPORT_SCHEMA,
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub provenance: Provenance,
    pub summary: Summary,
    pub scenarios: Vec<ScenarioReport>,
    /// What the source could not read; the scenarios that needed it are
    /// `not_evaluable` and name the gap.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// The student's network, for the picture in the HTML report; absent
    /// when the source read no VPC (and in reports written before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkMap>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub tool: String,
    pub version: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub source: SourceInfo,
    pub features: Vec<FeatureFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// The standard graded against (`curso` or `produccion`); absent in
    /// reports written before there were two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<Standard>,
    pub timings: Timings,
    /// AWS API calls made to collect the facts (live sources only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_calls: Option<u32>,
    /// The `cloudgrade.toml` the run was graded with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<AssignmentRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentRef {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureFile {
    pub path: String,
    pub sha256: String,
    /// The file's `Característica:`/`Feature:` keyword, name, line and own
    /// tags (without `@`), for formats that show features (Cucumber JSON).
    /// Absent in `/1` reports and for a file that does not parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Reading the source into the Inventory.
    pub collect_ms: f64,
    /// Parsing features and running every step.
    pub evaluate_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    /// The source cannot answer (a gap, a value known only after apply).
    /// Never counted as passed, never blamed on the student.
    NotEvaluable,
    /// The grader itself is at fault: undefined or ambiguous step, a feature
    /// that does not parse. Never blamed on the student.
    GraderError,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Passed,
        Verdict::Failed,
        Verdict::NotEvaluable,
        Verdict::GraderError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NotEvaluable => "not_evaluable",
            Verdict::GraderError => "grader_error",
        }
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Verdict::Passed => "superado",
            Verdict::Failed => "fallido",
            Verdict::NotEvaluable => "no evaluable",
            Verdict::GraderError => "error del corrector",
        }
    }

    /// Passed or failed: a verdict about the student's work.
    pub fn is_gradable(self) -> bool {
        matches!(self, Verdict::Passed | Verdict::Failed)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Points earned, bonus included.
    pub points: f64,
    /// The maximum of the scenarios that could be graded (passed or failed),
    /// bonus scenarios left out: a bonus adds to what is earned, never to
    /// what is asked.
    pub max_points: f64,
    /// Points at stake in scenarios that could not be graded (not evaluable,
    /// grader error): neither earned nor lost. Bonus scenarios left out.
    pub ungraded_points: f64,
    /// Of `points`, what bonus scenarios earned.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bonus_points: f64,
    /// What every bonus scenario of the run could have earned.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bonus_max_points: f64,
    /// Of `failed`, the bonus scenarios: they cost nothing.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub bonus_failed: usize,
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub not_evaluable: usize,
    pub grader_error: usize,
}

impl Summary {
    pub fn of(scenarios: &[ScenarioReport]) -> Summary {
        let mut s = Summary {
            total: scenarios.len(),
            ..Default::default()
        };
        for sc in scenarios {
            match sc.verdict {
                Verdict::Passed => s.passed += 1,
                Verdict::Failed => s.failed += 1,
                Verdict::NotEvaluable => s.not_evaluable += 1,
                Verdict::GraderError => s.grader_error += 1,
            }
            if sc.bonus {
                s.bonus_max_points += sc.max_points;
                if sc.verdict == Verdict::Passed {
                    s.points += sc.points;
                    s.bonus_points += sc.points;
                }
                if sc.verdict == Verdict::Failed {
                    s.bonus_failed += 1;
                }
            } else if sc.verdict.is_gradable() {
                s.points += sc.points;
                s.max_points += sc.max_points - sc.ungraded_points;
                s.ungraded_points += sc.ungraded_points;
            } else {
                s.ungraded_points += sc.max_points;
            }
        }
        s
    }

    pub fn count(&self, v: Verdict) -> usize {
        match v {
            Verdict::Passed => self.passed,
            Verdict::Failed => self.failed,
            Verdict::NotEvaluable => self.not_evaluable,
            Verdict::GraderError => self.grader_error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioReport {
    /// Stable: the `@id:` tag, kept across runs and reports.
    pub id: String,
    pub feature: String,
    /// `path:line` of the scenario in its feature file.
    pub location: String,
    /// `Escenario`, `Esquema del escenario`, `Scenario`… as the file says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    pub name: String,
    pub verdict: Verdict,
    pub points: f64,
    pub max_points: f64,
    /// Of `max_points`, what rests on assertions that could not be evaluated
    /// (layers of a `@parcial` scenario): neither earned nor lost.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ungraded_points: f64,
    /// A `@bonus` scenario: passed, it adds its points; otherwise it costs
    /// nothing, and its failure does not fail the run.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bonus: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub steps: Vec<StepReport>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Why a failed scenario matters and how to fix it (Spanish).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// For `failed`, `not_evaluable` and `grader_error`: the one-line reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: StepStatus,
    /// How long the step's check ran; absent for steps that did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ns: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    NotEvaluable,
    Undefined,
    Ambiguous,
    /// Not run: after a selection that selected nothing, or a step the
    /// grader could not run.
    NotReached,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub status: EvidenceStatus,
    /// What was looked at, e.g. `subnet-0a1 (privada-a)`.
    pub subject: String,
    pub message: String,
    /// `file:line` when the source knows where it was declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    Ok,
    Fail,
    Unknown,
    Info,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_count(n: &usize) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}
