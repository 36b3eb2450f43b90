//! What a roster row names, as the library's [`Source`], read the way
//! `check` and `grade` read it. Errors are sentences for the class summary
//! ("no corregido: ..."), never panics.

use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::roster::{SourceSpec, Student};
use super::runner::BatchError;
use crate::optional::{Feature, MissingFeature};
use crate::sources::{self, AwsAccount, Read, Reader, Source};

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

/// What every read in a batch shares.
pub struct ReadContext<'a> {
    /// An emulator for every live source (moto, LocalStack).
    pub endpoint_url: Option<String>,
    /// One async runtime for the whole class, started by the first live row.
    pub reader: &'a Reader,
    /// For Terraform folders: the assignment's variables and workspace.
    pub terraform: cloudgrade_terraform::Options,
}

/// The source a roster row names, read as `check` and `grade` read it.
pub fn read(spec: &SourceSpec, ctx: &ReadContext<'_>) -> Result<Read, String> {
    let source = match spec {
        // A student's configuration is graded as written (with the
        // assignment's variables): the instructor's TF_VAR_* must not leak
        // into it.
        SourceSpec::Terraform(dir) => Source::Terraform {
            dir: dir.clone(),
            options: ctx.terraform.clone(),
        },
        SourceSpec::Snapshot(path) => Source::Snapshot(path.clone()),
        SourceSpec::Plan(path) => Source::Plan(path.clone()),
        SourceSpec::AwsRole { role_arn, region } => Source::Aws(AwsAccount {
            endpoint_url: ctx.endpoint_url.clone(),
            region: region.clone(),
            profile: None,
            role_arn: Some(role_arn.clone()),
        }),
        SourceSpec::AwsProfile { profile, region } => Source::Aws(AwsAccount {
            endpoint_url: ctx.endpoint_url.clone(),
            region: region.clone(),
            profile: Some(profile.clone()),
            role_arn: None,
        }),
        SourceSpec::Unavailable { reason, .. } => return Err(reason.clone()),
    };
    sources::read(&source, ctx.reader).map_err(|e| e.to_string())
}

/// A build without the SDK refuses a roster with live rows before anyone is
/// graded, naming the first one, rather than failing them one by one.
pub fn refuse_live_without_sdk(students: &[&Student]) -> Result<(), BatchError> {
    if Feature::Aws.built_in() {
        return Ok(());
    }
    match students.iter().find(|s| s.source.is_live()) {
        Some(first) => Err(MissingFeature::new(
            format!(
                "la línea {} de la lista («{}», {})",
                first.line,
                first.id,
                first.source.describe()
            ),
            Feature::Aws,
        )
        .into()),
        None => Ok(()),
    }
}
