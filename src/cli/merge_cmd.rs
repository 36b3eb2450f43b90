//! `cloudgrade merge DIR... --out DIR`: shards into one class.

use std::path::PathBuf;

use clap::Args;
use cloudgrade::batch::{self, BatchError};
use cloudgrade::exit::Exit;

use super::Failure;
use super::batch_cmd::{exit_of, report_line};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Carpetas escritas por `cloudgrade batch --shard K/N`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Dónde escribir el libro de calificaciones y el resumen de toda la clase.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn merge(a: MergeArgs) -> Result<Exit, Failure> {
    let merged = batch::merge(&a.dirs, &a.out).map_err(Failure::input)?;
    std::fs::create_dir_all(&a.out).map_err(|e| {
        Failure::input(format!(
            "{}: no se pudo crear la carpeta: {e}",
            a.out.display()
        ))
    })?;
    batch::write_outputs(&a.out, &merged.manifest, &merged.class)
        .map_err(|e: BatchError| Failure::input(e))?;
    for w in &merged.class.warnings {
        eprintln!("aviso: {w}");
    }
    if !a.quiet {
        print!("{}", report_line(&merged.manifest, &a.out));
    }
    Ok(exit_of(&merged.manifest))
}
