//! `cloudgrade diff OLD.json NEW.json`: what changed between two runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cloudgrade::diff;
use cloudgrade::exit::Exit;

use super::Failure;
use super::args::Color;
use super::output::use_color;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// El report.json de antes.
    pub old: PathBuf,
    /// El report.json de ahora.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Terminal)]
    pub format: DiffFormat,
    /// Escribe aquí (p. ej. $GITHUB_STEP_SUMMARY) en vez de en la salida estándar.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Exits 1 when something regressed, so a nightly job fails on it.
pub fn diff(a: DiffArgs) -> Result<Exit, Failure> {
    let d = diff::load_and_compare(&a.old, &a.new).map_err(Failure::input)?;
    let text = match a.format {
        DiffFormat::Markdown => diff::render_markdown(&d),
        DiffFormat::Terminal => diff::render_terminal(&d, a.out.is_none() && use_color(a.color)),
    };
    match &a.out {
        Some(path) => {
            use std::io::Write;
            // Appending: $GITHUB_STEP_SUMMARY collects every step's output.
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| {
                    Failure::input(format!("{}: no se pudo escribir: {e}", path.display()))
                })?
        }
        None => print!("{text}"),
    }
    Ok(if d.regressed() {
        Exit::Failed
    } else {
        Exit::Passed
    })
}
