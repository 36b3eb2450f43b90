//! Telling a current gradebook from a stale one. A run writes
//! `batch.running.json` before grading anyone and removes it once its
//! outputs are written. Meanwhile the previous run's gradebooks are moved
//! aside (`gradebook.stale.csv`) and its summary says, at the top, that it is
//! older than the run in progress, so a run that is killed halfway never
//! leaves last week's gradebook looking like today's. A run stopped with
//! Ctrl-C writes what it graded as `gradebook.partial.csv`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::manifest::{ClassResults, Manifest};
use super::runner::write_atomic;
use super::summary;

pub const RUNNING_FILE: &str = "batch.running.json";

/// The gradebooks a complete run writes, and where a partial run writes
/// them instead; `(complete, partial, stale)`.
pub const GRADEBOOKS: [(&str, &str, &str); 2] = [
    (
        "gradebook.csv",
        "gradebook.partial.csv",
        "gradebook.stale.csv",
    ),
    (
        "gradebook-moodle.csv",
        "gradebook-moodle.partial.csv",
        "gradebook-moodle.stale.csv",
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Running {
    pub started_at: String,
    pub pid: u32,
    pub roster: String,
    pub tool_version: String,
}

/// The marker of a run that has not finished (or was killed), if any.
pub fn running(out: &Path) -> Option<Running> {
    let text = std::fs::read_to_string(out.join(RUNNING_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Before the first student: the marker, and the previous outputs marked
/// as older than this run.
pub fn begin(out: &Path, run: &Running) -> std::io::Result<()> {
    let interrupted = running(out);
    let body = serde_json::to_string_pretty(run).unwrap_or_default();
    write_atomic(&out.join(RUNNING_FILE), &format!("{body}\n"))?;
    for (complete, partial, stale) in GRADEBOOKS {
        for name in [complete, partial] {
            let p = out.join(name);
            if p.exists() {
                std::fs::rename(&p, out.join(stale))?;
            }
        }
    }
    let Ok(previous) = Manifest::load(out) else {
        return Ok(());
    };
    let mut class = ClassResults::from_manifest(&previous, out);
    class.warnings.insert(
        0,
        format!(
            "DESACTUALIZADO: este resumen es de la corrección del {}; otra corrección empezó el {} y no ha terminado{}. Sus libros de calificaciones están en {}. Si esa corrección ya no está en marcha, vuelve a ejecutar `cloudgrade batch`.",
            previous.started_at,
            run.started_at,
            interrupted
                .map(|r| format!(
                    " (y otra anterior, del {}, tampoco terminó)",
                    r.started_at
                ))
                .unwrap_or_default(),
            GRADEBOOKS
                .iter()
                .map(|(_, _, s)| *s)
                .collect::<Vec<_>>()
                .join(" y ")
        ),
    );
    write_atomic(&out.join("summary.md"), &summary::markdown(&class))?;
    write_atomic(&out.join("summary.html"), &summary::html(&class))?;
    Ok(())
}

/// After the outputs: the marker and the stale copies go (a partial run's
/// gradebooks are its own, and stay).
pub fn finish(out: &Path) -> std::io::Result<()> {
    for (_, _, stale) in GRADEBOOKS {
        remove_if_there(&out.join(stale))?;
    }
    remove_if_there(&out.join(RUNNING_FILE))
}

/// A complete run's outputs replace a partial one's.
pub fn remove_partial(out: &Path) -> std::io::Result<()> {
    for (_, partial, _) in GRADEBOOKS {
        remove_if_there(&out.join(partial))?;
    }
    Ok(())
}

fn remove_if_there(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
