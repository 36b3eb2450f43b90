//! `cloudgrade check --watch`: the student's loop. Grades once, then again
//! each time a `.tf`, `.tfvars` or Dockerfile under the folder changes
//! (debounced, so an editor's save-as-rename-and-write is one change), and
//! prints what changed since the last run above the new report. The
//! comparison is `cloudgrade diff`'s, over the reports and inventories of
//! the two runs.
//!
//! A run that fails (a syntax error half-way through an edit) prints its
//! message and the loop keeps watching. A folder that disappears ends it
//! (exit 2); Ctrl-C ends it cleanly (exit 0).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use cloudgrade::diff;
use cloudgrade::exit::Exit;
use cloudgrade::report::{self, Format, Report};
use cloudgrade::sources::{self, Inventory};
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use super::Failure;
use super::args::CheckArgs;
use super::grade_cmd::{check_once, docker_note};
use super::output::use_color;

/// Long enough to fold an editor's burst of writes into one, short enough
/// to feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// How often the loop looks up from waiting: for Ctrl-C and for a folder
/// that disappeared without an event for it.
const TICK: Duration = Duration::from_millis(250);

pub fn watch(a: &CheckArgs) -> Result<Exit, Failure> {
    if !a.dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: la carpeta no existe o no es una carpeta",
            a.dir.display()
        )));
    }
    let color = use_color(a.run.color);
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = Arc::clone(&interrupted);
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .map_err(|e| Failure::input(format!("no se pudo atender Ctrl-C para --watch: {e}")))?;
    }
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(|e| {
        Failure::input(format!(
            "{}: no se puede vigilar la carpeta: {e}",
            a.dir.display()
        ))
    })?;
    debouncer
        .watcher()
        .watch(&a.dir, RecursiveMode::Recursive)
        .map_err(|e| {
            Failure::input(format!(
                "{}: no se puede vigilar la carpeta: {e}",
                a.dir.display()
            ))
        })?;

    // Events name absolute paths: strip the folder's to show `network.tf`.
    let root = std::fs::canonicalize(&a.dir).unwrap_or_else(|_| a.dir.clone());
    let mut seen = stamps(&a.dir);
    let mut last = grade(a, color, None, &[]);
    loop {
        if interrupted.load(Ordering::SeqCst) {
            println!("\nFin de la vigilancia de {}.", a.dir.display());
            return Ok(Exit::Passed);
        }
        if !a.dir.is_dir() {
            return Err(gone(&a.dir));
        }
        let events = match rx.recv_timeout(TICK) {
            Ok(Ok(events)) => events,
            Ok(Err(e)) => {
                if !a.dir.is_dir() {
                    return Err(gone(&a.dir));
                }
                eprintln!("--watch: {}: {e}", a.dir.display());
                continue;
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Err(gone(&a.dir)),
        };
        // Reading the files to grade them raises access events too: only a
        // graded input whose size or modification time moved is a change.
        if !events.iter().any(|e| is_graded_input(&e.path)) {
            continue;
        }
        let now = stamps(&a.dir);
        let mut changed: Vec<PathBuf> = now
            .iter()
            .filter(|(p, st)| seen.get(*p) != Some(*st))
            .map(|(p, _)| p.clone())
            .chain(seen.keys().filter(|p| !now.contains_key(*p)).cloned())
            .collect();
        changed.sort();
        changed.dedup();
        seen = now;
        if changed.is_empty() {
            continue;
        }
        if !a.dir.is_dir() {
            return Err(gone(&a.dir));
        }
        let shown: Vec<String> = changed
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .or_else(|_| p.strip_prefix(&a.dir))
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        // A run that could not grade keeps the last good one to compare with.
        if let Some(now) = grade(a, color, last.as_ref(), &shown) {
            last = Some(now);
        }
    }
}

/// Grades, clears the screen and prints what changed since `previous` (if
/// any) above the report. Returns this run's report and inventory, or
/// `None` when it could not grade (the message is printed).
fn grade(
    a: &CheckArgs,
    color: bool,
    previous: Option<&(Report, Inventory)>,
    changed: &[String],
) -> Option<(Report, Inventory)> {
    let result = check_once(a);
    let mut out = String::new();
    if std::io::stdout().is_terminal() {
        // Clear the screen and go home: the new report replaces the old.
        out.push_str("\x1b[2J\x1b[H");
    }
    out.push_str(&format!(
        "cloudgrade check --watch {} (Ctrl-C para salir)\n",
        a.dir.display()
    ));
    if !changed.is_empty() {
        out.push_str(&format!("Cambiado: {}\n", changed.join(", ")));
    }
    let kept = match result {
        Ok((report, inv, docker_left_out)) => {
            if let Some((old, old_inv)) = previous {
                let mut d = diff::compare(old, &report);
                d.resources = Some(diff::compare_inventories(old_inv, &inv));
                out.push_str(&diff::render_terminal(&d, color));
                out.push('\n');
            }
            out.push_str(&report::render(&report, Format::Terminal, color));
            if docker_left_out {
                out.push_str(&docker_note(&a.dir));
                out.push('\n');
            }
            Some((report, inv))
        }
        Err(f) => {
            out.push_str(&format!(
                "{}\n(se corregirá de nuevo al guardar)\n",
                f.message
            ));
            None
        }
    };
    print!("{out}");
    let _ = std::io::stdout().flush();
    kept
}

type Stamp = (Option<std::time::SystemTime>, u64);

/// Size and modification time of every graded input under `dir`.
fn stamps(dir: &Path) -> std::collections::BTreeMap<PathBuf, Stamp> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(p);
            } else if is_graded_input(&p) {
                out.insert(p, (meta.modified().ok(), meta.len()));
            }
        }
    }
    out
}

/// What `check` reads: Terraform files, variable files and the Dockerfile.
fn is_graded_input(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == sources::DOCKERFILE
        || name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

fn gone(dir: &Path) -> Failure {
    Failure::input(format!(
        "{}: la carpeta vigilada ya no existe; fin de --watch",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_check_reads_triggers_a_run() {
        for yes in [
            "a/main.tf",
            "x.tfvars",
            "prod.auto.tfvars",
            "Dockerfile",
            "v.tf.json",
        ] {
            assert!(is_graded_input(Path::new(yes)), "{yes}");
        }
        for no in [
            "main.tf~",
            ".main.tf.swp",
            "report.json",
            "README.md",
            "informe/report.md",
        ] {
            assert!(!is_graded_input(Path::new(no)), "{no}");
        }
    }
}
