//! Reading one student's source into an Inventory, whatever it is. Errors
//! are sentences for the class summary ("no corregido: ..."), never panics.

use std::path::Path;
use std::time::Instant;

use cloudgrade_model::Inventory;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::live::{self, Live};
use super::roster::SourceSpec;

/// What a JSON file holds, told apart by its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Snapshot,
    Plan,
}

#[derive(Deserialize)]
struct Keys {
    schema_version: Option<IgnoredAny>,
    format_version: Option<IgnoredAny>,
    terraform_version: Option<IgnoredAny>,
    planned_values: Option<IgnoredAny>,
    values: Option<IgnoredAny>,
    resource_changes: Option<IgnoredAny>,
    schema: Option<String>,
}

/// Far above any class's plan or snapshot (tens of MiB at most).
const MAX_JSON_BYTES: u64 = 256 << 20;

/// A cloudgrade snapshot has `schema_version`; `terraform show -json` has
/// `format_version` and the plan's or state's values.
pub fn detect_json(path: &Path) -> Result<JsonKind, String> {
    // A device or a pipe (`/dev/zero`) would be read until memory runs out.
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("{}: no se pudo leer ({e})", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{}: no es un archivo normal ni una carpeta",
            path.display()
        ));
    }
    if meta.len() > MAX_JSON_BYTES {
        return Err(format!(
            "{}: ocupa {} MiB; un snapshot o un plan no pasa de {} MiB",
            path.display(),
            meta.len() >> 20,
            MAX_JSON_BYTES >> 20
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: no se pudo leer ({e})", path.display()))?;
    let keys: Keys = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: no es una carpeta Terraform ni un JSON válido ({e})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if keys.schema_version.is_some() {
        return Ok(JsonKind::Snapshot);
    }
    let plan_like = keys.planned_values.is_some()
        || keys.values.is_some()
        || keys.resource_changes.is_some()
        || keys.terraform_version.is_some();
    if keys.format_version.is_some() && plan_like {
        return Ok(JsonKind::Plan);
    }
    if keys
        .schema
        .is_some_and(|s| s.starts_with("cloudgrade.report"))
    {
        return Err(format!(
            "{}: es un informe de cloudgrade (report.json), no la fuente de un alumno; usa su snapshot o su carpeta Terraform",
            path.display()
        ));
    }
    Err(format!(
        "{}: JSON que no es un snapshot de cloudgrade (falta `schema_version`) ni un plan de `terraform show -json` (falta `format_version`)",
        path.display()
    ))
}

/// The Inventory of one student and what reading it cost.
pub struct Read {
    pub inventory: Inventory,
    pub collect_ms: f64,
    pub api_calls: Option<u32>,
}

/// What every read in a batch shares.
pub struct ReadContext<'a> {
    /// An emulator for every live source (moto, LocalStack).
    pub endpoint_url: Option<String>,
    /// The runtime the AWS SDK runs on; `None` when the roster has no live source.
    pub live: Option<&'a Live>,
    /// For Terraform folders: the assignment's variables and workspace.
    pub terraform: cloudgrade_terraform::Options,
}

pub fn read(spec: &SourceSpec, ctx: &ReadContext<'_>) -> Result<Read, String> {
    let start = Instant::now();
    let file = |inventory: Inventory| Read {
        inventory,
        collect_ms: start.elapsed().as_secs_f64() * 1000.0,
        api_calls: None,
    };
    match spec {
        SourceSpec::Terraform(dir) => {
            // A student's configuration is graded as written (with the
            // assignment's variables): the instructor's TF_VAR_* must not
            // leak into it.
            crate::sources::terraform_folder(dir, &ctx.terraform)
                .map(file)
                .map_err(|e| e.to_string())
        }
        SourceSpec::Snapshot(path) => Inventory::load(path).map(file).map_err(|e| e.to_string()),
        SourceSpec::Plan(path) => cloudgrade_terraform::load_plan(path)
            .map(file)
            .map_err(|e| e.to_string()),
        SourceSpec::AwsRole { .. } | SourceSpec::AwsProfile { .. } => live::read(spec, ctx),
        SourceSpec::Unavailable { reason, .. } => Err(reason.clone()),
    }
}
