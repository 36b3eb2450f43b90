//! From an Inventory and feature files to a [`Report`]: plan the scenarios,
//! run their steps, sum the points. No I/O beyond reading the features.

mod features;
mod network;
mod run;
mod tags;

use std::path::Path;
use std::time::Instant;

use cloudgrade_model::Inventory;

pub use crate::standard::{Standard, UnknownStandard};
pub use features::PlannedScenario;
pub use features::{FeatureSource, FeatureText, FeaturesError, Plan, parse as parse_feature, plan};
pub use run::{DEFAULT_POINTS, is_bonus, is_hidden};
pub use tags::{MAX_TAGS_DEPTH, MAX_TAGS_LEN, TagFilter, TagFilterError};

use crate::assignment::Assignment;
use crate::report::{Provenance, REPORT_SCHEMA, Report, Summary, Timings};

/// What a run knows besides the Inventory, for the report's provenance.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub started_at: String,
    pub collect_ms: f64,
    pub api_calls: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    #[error(
        "ningún escenario de {features} coincide con --tags «{tags}»: no hay nada que corregir"
    )]
    NothingSelected { features: String, tags: String },
}

/// Grades `inv` as every command does: [`grade`], then the assignment's
/// required inputs, looked for in `folder` (the graded folder, when the
/// source is one), and the assignment's reference in the provenance.
pub fn grade_assigned(
    inv: &Inventory,
    plan: &Plan,
    filter: &TagFilter,
    info: RunInfo,
    assignment: Option<&Assignment>,
    folder: Option<&Path>,
) -> Result<Report, GradeError> {
    let mut report = grade(inv, plan, filter, info)?;
    if let Some(a) = assignment {
        if let Some(dir) = folder {
            a.enforce(&mut report, dir);
        }
        report.provenance.assignment = Some(a.reference());
    }
    Ok(report)
}

/// Grades `inv` against planned features (see [`FeatureSource::load`] and
/// [`plan`]), so a batch reads and parses them once for a whole class.
pub fn grade(
    inv: &Inventory,
    plan: &Plan,
    filter: &TagFilter,
    info: RunInfo,
) -> Result<Report, GradeError> {
    let start = Instant::now();
    let scenarios = run::run(plan, inv, filter);
    if scenarios.is_empty() {
        return Err(GradeError::NothingSelected {
            features: plan
                .files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            tags: filter.text().unwrap_or("").to_string(),
        });
    }
    let evaluate_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(Report {
        schema: REPORT_SCHEMA.to_string(),
        provenance: Provenance {
            tool: "cloudgrade".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            started_at: info.started_at,
            source: inv.source.clone(),
            features: plan.files.clone(),
            tags: filter.text().map(str::to_string),
            standard: Some(filter.standard()),
            timings: Timings {
                collect_ms: info.collect_ms,
                evaluate_ms,
            },
            api_calls: info.api_calls,
            assignment: None,
        },
        summary: Summary::of(&scenarios),
        network: network::map(inv, &scenarios),
        scenarios,
        gaps: inv.gaps.clone(),
    })
}
