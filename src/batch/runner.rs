//! Grading a class: every student of the roster (or of this shard) read and
//! graded concurrently, each into their own folder, then the gradebook and
//! the class summary. A student whose source cannot be read is "no
//! corregido" with the reason, never a zero, and never replaces a good
//! report from an earlier run unless `--force`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use cloudgrade_model::{Inventory, SourceInfo};

use super::manifest::{
    ClassResults, MANIFEST_FILE, MANIFEST_SCHEMA, Manifest, NOT_GRADED_FILE, RosterInfo,
    ScenarioInfo, Status, StudentEntry, StudentResult, activity_of, is_hidden,
};
use super::marker::{self, GRADEBOOKS, Running};
use super::progress::Progress;
use super::queue::AccountQueue;
use super::roster::{Roster, SourceSpec, Student};
use super::shard::Shard;
use super::source::{self, ReadContext};
use super::{gradebook, summary};
use crate::assignment::{self, Assignment};
use crate::exit::Exit;
use crate::grade::{self, GradeError, Plan, RunInfo, Standard, TagFilter, TagFilterError};
use crate::report::{self, Format, Report, Verdict, gradescope};
use crate::sources::Reader;

pub const INVENTORY_FILE: &str = "inventory.json";

#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub out: PathBuf,
    /// Students graded at once.
    pub jobs: usize,
    /// Students of one AWS account read at once.
    pub per_account: usize,
    /// Written per student besides `report.json`.
    pub formats: Vec<Format>,
    /// Run and count `@oculto`/`@hidden` scenarios.
    pub instructor: bool,
    /// Let a failed read replace an earlier good report.
    pub force: bool,
    pub shard: Option<Shard>,
    /// Write `inventory.json` beside each report (for `cloudgrade diff`).
    pub save_inventory: bool,
    /// An emulator for every live source.
    pub endpoint_url: Option<String>,
    pub tags: Option<String>,
    /// `--standard`; else the assignment's, else the course's.
    pub standard: Option<Standard>,
    /// The class's `cloudgrade.toml`: activities, points, hidden scenarios,
    /// required files, Terraform variables. A `cloudgrade.toml` inside a
    /// student's folder is never read: the rules are the instructor's.
    pub assignment: Option<Assignment>,
    /// Set (by a Ctrl-C handler) to stop taking students: those graded are
    /// written, the others are "no corregido", and the outputs are partial.
    pub interrupt: Option<std::sync::Arc<AtomicBool>>,
}

impl BatchOptions {
    fn interrupted(&self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|i| i.load(Ordering::SeqCst))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Tags(#[from] TagFilterError),
    #[error(transparent)]
    NothingSelected(#[from] GradeError),
    /// The features themselves are broken: every student would get the
    /// same grader errors, so nobody is graded.
    #[error("las features tienen errores; no se ha corregido a nadie:\n{}", .0.join("\n"))]
    BrokenFeatures(Vec<String>),
    #[error("{path}: no se pudo escribir: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    /// A live row in a build without the AWS SDK: nobody is graded.
    #[error(transparent)]
    MissingFeature(#[from] crate::optional::MissingFeature),
}

impl BatchError {
    /// Broken features are the grader's fault; the rest is the input given
    /// (a roster, a selection, an output folder, a build without the SDK).
    pub fn exit(&self) -> Exit {
        match self {
            BatchError::BrokenFeatures(_) => Exit::GraderError,
            _ => Exit::BadInput,
        }
    }
}

/// What a finished batch wrote.
pub struct BatchOutcome {
    pub manifest: Manifest,
    pub class: ClassResults,
}

/// The plan with the assignment's points and hidden scenarios written in.
fn planned(plan: &Plan, assignment: Option<&Assignment>) -> Plan {
    let mut p = Plan {
        scenarios: plan.scenarios.clone(),
        broken: plan.broken.clone(),
        files: plan.files.clone(),
    };
    if let Some(a) = assignment {
        a.apply(&mut p);
    }
    p
}

/// The folder a student's source is, when it is one: what decides whether
/// the Docker activity is theirs to be graded on, as in `check`.
fn folder_of(s: &Student) -> Option<&Path> {
    match &s.source {
        SourceSpec::Terraform(dir) => Some(dir),
        _ => None,
    }
}

/// `--tags` plus, for students, everything but the hidden scenarios.
pub fn student_filter(
    tags: Option<&str>,
    instructor: bool,
    standard: Standard,
) -> Result<TagFilter, TagFilterError> {
    const VISIBLE: &str = "not @oculto and not @hidden";
    let tags = tags.map(str::trim).filter(|t| !t.is_empty());
    let expr = match (tags, instructor) {
        (t, true) => t.map(str::to_string),
        (Some(t), false) => Some(format!("({t}) and {VISIBLE}")),
        (None, false) => Some(VISIBLE.to_string()),
    };
    TagFilter::parse(expr.as_deref()).map(|f| f.with_instructor(instructor).with_standard(standard))
}

/// The scenarios every student is graded on, with their maxima: the plan
/// run against an empty Inventory, so points and activities come from the
/// engine itself.
pub fn scenarios_of(plan: &Plan, filter: &TagFilter) -> Result<Vec<ScenarioInfo>, BatchError> {
    let empty = Inventory::new(SourceInfo {
        kind: "plantilla".into(),
        location: String::new(),
        region: None,
        account_id: None,
    });
    let template = grade::grade(&empty, plan, filter, RunInfo::default())?;
    let broken: Vec<String> = template
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::GraderError && s.id.starts_with("feature:"))
        .filter_map(|s| s.reason.clone())
        .collect();
    if !broken.is_empty() {
        return Err(BatchError::BrokenFeatures(broken));
    }
    Ok(template
        .scenarios
        .iter()
        .map(|s| ScenarioInfo {
            id: s.id.clone(),
            name: s.name.clone(),
            activity: activity_of(&s.tags),
            max_points: s.max_points,
            hidden: is_hidden(&s.tags),
            bonus: s.bonus,
        })
        .collect())
}

pub fn run(
    roster: &Roster,
    plan: &Plan,
    opts: &BatchOptions,
    progress: &dyn Progress,
) -> Result<BatchOutcome, BatchError> {
    let start = Instant::now();
    let started_at = now();
    let plan = &planned(plan, opts.assignment.as_ref());
    let in_shard = |i: usize| opts.shard.is_none_or(|s| s.contains(i));
    let mine: Vec<&Student> = roster
        .students
        .iter()
        .enumerate()
        .filter(|(i, _)| in_shard(*i))
        .map(|(_, s)| s)
        .collect();
    // Before the output folder: a build that cannot read a row writes nothing.
    source::refuse_live_without_sdk(&mine)?;
    let reader = Reader::new();

    // Each student is graded on what `check` would grade in their folder;
    // the class's columns are every scenario anyone in the roster is graded
    // on (the whole roster, so that every shard has the same columns).
    // One standard for the class: the flag's, else the assignment's.
    let standard = assignment::select(opts.assignment.as_ref(), None, opts.standard, None).standard;
    let mut filters: Vec<(Option<String>, TagFilter)> = Vec::new();
    let mut student_filters = Vec::with_capacity(mine.len());
    for (k, s) in roster.students.iter().enumerate() {
        let sel = assignment::select(
            opts.assignment.as_ref(),
            opts.tags.as_deref(),
            opts.standard,
            folder_of(s),
        );
        let i = match filters.iter().position(|(t, _)| *t == sel.tags) {
            Some(i) => i,
            None => {
                let f = student_filter(sel.tags.as_deref(), opts.instructor, standard)?;
                filters.push((sel.tags, f));
                filters.len() - 1
            }
        };
        if in_shard(k) {
            student_filters.push(i);
        }
    }
    if filters.is_empty() {
        let f = student_filter(opts.tags.as_deref(), opts.instructor, standard)?;
        filters.push((opts.tags.clone(), f));
    }
    let mut scenarios: Vec<ScenarioInfo> = Vec::new();
    let mut first_error = None;
    for (_, f) in &filters {
        match scenarios_of(plan, f) {
            Ok(list) => {
                for info in list {
                    if !scenarios.iter().any(|s| s.id == info.id) {
                        scenarios.push(info);
                    }
                }
            }
            // A selection that leaves a student nothing is theirs to be
            // told about; the class stops only if nobody has anything.
            Err(BatchError::NothingSelected(e)) => first_error = first_error.or(Some(e)),
            Err(e) => return Err(e),
        }
    }
    if scenarios.is_empty()
        && let Some(e) = first_error
    {
        return Err(BatchError::NothingSelected(e));
    }
    let order = |id: &str| plan.scenarios.iter().position(|p| p.id == id);
    scenarios.sort_by_key(|s| order(&s.id));

    std::fs::create_dir_all(&opts.out).map_err(|source| BatchError::Write {
        path: opts.out.display().to_string(),
        source,
    })?;
    marker::begin(
        &opts.out,
        &Running {
            started_at: started_at.clone(),
            pid: std::process::id(),
            roster: roster.path.display().to_string(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
        },
    )
    .map_err(|source| BatchError::Write {
        path: opts.out.join(marker::RUNNING_FILE).display().to_string(),
        source,
    })?;

    let ctx = ReadContext {
        endpoint_url: opts.endpoint_url.clone(),
        reader: &reader,
        terraform: terraform_options(opts.assignment.as_ref()),
    };

    let queue = AccountQueue::new(
        mine.iter()
            .enumerate()
            .map(|(i, s)| (i, s.source.account_key())),
        opts.per_account,
    );
    let results: Mutex<Vec<Option<StudentEntry>>> = Mutex::new(vec![None; mine.len()]);
    progress.start(mine.len());
    let workers = opts.jobs.clamp(1, mine.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !opts.interrupted() {
                    let Some(ticket) = queue.take() else { break };
                    if opts.interrupted() {
                        queue.done(ticket);
                        break;
                    }
                    let student = mine[ticket.position];
                    let filter = &filters[student_filters[ticket.position]].1;
                    let (entry, points) = grade_one(student, plan, filter, &ctx, opts);
                    progress.finished(&entry, points);
                    if let Ok(mut r) = results.lock() {
                        r[ticket.position] = Some(entry);
                    }
                    queue.done(ticket);
                }
            });
        }
    });
    progress.end();
    let partial = opts.interrupted();

    let students: Vec<StudentEntry> = results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .zip(&mine)
        .map(|(entry, s)| {
            // A hole: the run was interrupted first, or a worker died
            // outside grade_one.
            entry.unwrap_or_else(|| {
                let why = if partial {
                    "la corrección se interrumpió (Ctrl-C) antes de llegar a este alumno"
                } else {
                    "el corrector no llegó a este alumno"
                };
                base_entry(s, Status::NotGraded, Some(why.into()), 0.0)
            })
        })
        .collect();
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        roster: RosterInfo {
            path: roster.path.display().to_string(),
            sha256: roster.sha256.clone(),
            students: roster.students.len(),
        },
        shard: opts.shard,
        started_at,
        wall_ms: start.elapsed().as_secs_f64() * 1000.0,
        instructor: opts.instructor,
        tags: opts.tags.clone(),
        standard: Some(standard),
        scenarios,
        students,
        partial,
        assignment: opts.assignment.as_ref().map(Assignment::reference),
    };
    let class = ClassResults::from_manifest(&manifest, &opts.out);
    write_outputs(&opts.out, &manifest, &class)?;
    marker::finish(&opts.out).map_err(|source| BatchError::Write {
        path: opts.out.join(marker::RUNNING_FILE).display().to_string(),
        source,
    })?;
    Ok(BatchOutcome { manifest, class })
}

/// The assignment's variables and workspace; never the grader's `TF_VAR_*`.
fn terraform_options(a: Option<&Assignment>) -> cloudgrade_terraform::Options {
    a.map(|a| cloudgrade_terraform::Options {
        vars: a.vars.clone(),
        var_files: a.var_files.clone(),
        env_vars: Vec::new(),
        workspace: a.workspace.clone(),
        // Each submission's modules: from its own repository (the default).
        root: None,
    })
    .unwrap_or_default()
}

/// `batch.json`, both gradebooks and the summary in Markdown and HTML. A
/// partial run (interrupted) writes its gradebooks as `*.partial.csv` and
/// says so at the top of the summary.
pub fn write_outputs(
    out: &Path,
    manifest: &Manifest,
    class: &ClassResults,
) -> Result<(), BatchError> {
    let mut class = class.clone();
    let [(canvas, canvas_partial, _), (moodle, moodle_partial, _)] = GRADEBOOKS;
    let (canvas, moodle) = if manifest.partial {
        let graded = manifest
            .students
            .iter()
            .filter(|s| !s.status.is_missing())
            .count();
        class.warnings.insert(
            0,
            format!(
                "PARCIAL: la corrección se interrumpió; {graded} de {} alumnos tienen resultado. Los libros de calificaciones son {canvas_partial} y {moodle_partial} (los demás alumnos, sin nota: nunca un cero). Vuelve a ejecutar `cloudgrade batch` para la clase entera.",
                manifest.students.len()
            ),
        );
        (canvas_partial, moodle_partial)
    } else {
        marker::remove_partial(out).map_err(|source| BatchError::Write {
            path: out.display().to_string(),
            source,
        })?;
        (canvas, moodle)
    };
    let class = &class;
    let files = [
        (MANIFEST_FILE, manifest.to_json()),
        (canvas, gradebook::canvas(class)),
        (moodle, gradebook::moodle(class)),
        ("summary.md", summary::markdown(class)),
        ("summary.html", summary::html(class)),
    ];
    for (name, text) in files {
        let path = out.join(name);
        write_atomic(&path, &text).map_err(|source| BatchError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

fn base_entry(
    s: &Student,
    status: Status,
    reason: Option<String>,
    elapsed_ms: f64,
) -> StudentEntry {
    StudentEntry {
        student_id: s.id.clone(),
        name: s.name.clone(),
        email: s.email.clone(),
        login: s.login.clone(),
        section: s.section.clone(),
        roster_line: s.line,
        source: s.source.describe(),
        status,
        reason,
        report: None,
        elapsed_ms,
        api_calls: None,
        incomplete: None,
    }
}

enum Outcome {
    Graded(Box<(Report, Inventory)>),
    Failed(String),
}

/// A report in which every scenario was not evaluable: not a grade to
/// replace a real one with.
fn nothing_gradable(r: &Report) -> bool {
    r.summary.passed + r.summary.failed == 0 && r.summary.not_evaluable > 0
}

fn grade_one(
    student: &Student,
    plan: &Plan,
    filter: &TagFilter,
    ctx: &ReadContext<'_>,
    opts: &BatchOptions,
) -> (StudentEntry, Option<(f64, f64)>) {
    let start = Instant::now();
    let dir = opts.out.join(&student.id);
    let elapsed = || start.elapsed().as_secs_f64() * 1000.0;
    let mut api_calls = None;
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Outcome {
        let started_at = now();
        let read = match source::read(&student.source, ctx) {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        };
        api_calls = read.api_calls;
        let info = RunInfo {
            started_at,
            collect_ms: read.collect_ms,
            api_calls: read.api_calls,
        };
        let assignment = opts.assignment.as_ref();
        match grade::grade_assigned(
            &read.inventory,
            plan,
            filter,
            info,
            assignment,
            folder_of(student),
        ) {
            Ok(r) => Outcome::Graded(Box::new((r, read.inventory))),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }))
    .unwrap_or_else(|panic| {
        Outcome::Failed(format!(
            "error interno de cloudgrade (pánico): {}",
            gradescope::panic_message(panic.as_ref())
        ))
    });

    let previous = report::load(&dir.join(Format::Json.file_name()))
        .ok()
        .filter(|r| !nothing_gradable(r));
    let outcome = match outcome {
        // Everything not evaluable (credentials revoked, an account wiped):
        // a real grade from before is worth more than this one.
        Outcome::Graded(g) if nothing_gradable(&g.0) && previous.is_some() && !opts.force => {
            let r = &g.0;
            Err(format!(
                "la fuente no dejó evaluar ningún escenario ({} lecturas fallidas{})",
                r.gaps.len(),
                r.gaps
                    .first()
                    .map(|g| format!(", p. ej. {}: {}", g.operation, g.message))
                    .unwrap_or_default()
            ))
        }
        Outcome::Graded(g) => Ok(*g),
        Outcome::Failed(e) => Err(e),
    };
    match outcome {
        Ok((report, inv)) => {
            let mut entry = base_entry(student, Status::Graded, None, 0.0);
            entry.api_calls = api_calls;
            entry.incomplete = crate::exit::incomplete(&report);
            let written = write_student(&dir, &report, &inv, opts);
            entry.elapsed_ms = elapsed();
            match written {
                Ok(()) => {
                    entry.report = Some(format!("{}/{}", student.id, Format::Json.file_name()));
                    (
                        entry,
                        Some((report.summary.points, report.summary.max_points)),
                    )
                }
                Err(e) => {
                    entry.status = Status::NotGraded;
                    entry.reason = Some(e);
                    (entry, None)
                }
            }
        }
        Err(reason) => match previous {
            Some(prev) if !opts.force => {
                let mut entry = base_entry(
                    student,
                    Status::KeptPrevious,
                    Some(format!(
                        "esta vez: {reason}; se conserva la corrección del {} (usa --force para descartarla)",
                        prev.provenance.started_at
                    )),
                    elapsed(),
                );
                entry.report = Some(format!("{}/{}", student.id, Format::Json.file_name()));
                entry.api_calls = api_calls;
                (entry, Some((prev.summary.points, prev.summary.max_points)))
            }
            _ => {
                let status = match student.source {
                    SourceSpec::Unavailable {
                        submitted: false, ..
                    } => Status::NotSubmitted,
                    _ => Status::NotGraded,
                };
                let mut entry = base_entry(student, status, Some(reason.clone()), 0.0);
                entry.api_calls = api_calls;
                if let Err(e) = write_not_graded(&dir, &reason, opts) {
                    entry.reason = Some(format!("{reason}; además, {e}"));
                }
                entry.elapsed_ms = elapsed();
                (entry, None)
            }
        },
    }
}

fn write_student(
    dir: &Path,
    report: &Report,
    inv: &Inventory,
    opts: &BatchOptions,
) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: no se pudo crear la carpeta: {e}", dir.display()))?;
    let mut formats = vec![Format::Json];
    formats.extend(opts.formats.iter().copied().filter(|f| *f != Format::Json));
    for f in formats {
        let path = dir.join(f.file_name());
        write_atomic(&path, &report::render(report, f, false))
            .map_err(|e| format!("{}: no se pudo escribir: {e}", path.display()))?;
    }
    if opts.save_inventory {
        let path = dir.join(INVENTORY_FILE);
        write_atomic(&path, &inv.to_json())
            .map_err(|e| format!("{}: no se pudo escribir: {e}", path.display()))?;
    }
    let stale = dir.join(NOT_GRADED_FILE);
    if stale.exists() {
        std::fs::remove_file(&stale)
            .map_err(|e| format!("{}: no se pudo borrar: {e}", stale.display()))?;
    }
    Ok(())
}

/// `not-graded.json` with the reason; with `--force`, the earlier report
/// and its renderings go, so nothing stale looks current.
fn write_not_graded(dir: &Path, reason: &str, opts: &BatchOptions) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: no se pudo crear la carpeta: {e}", dir.display()))?;
    if opts.force {
        for f in Format::ALL {
            let p = dir.join(f.file_name());
            if p.exists() {
                std::fs::remove_file(&p)
                    .map_err(|e| format!("{}: no se pudo borrar: {e}", p.display()))?;
            }
        }
    }
    let body = serde_json::json!({
        "status": "not_graded",
        "reason": reason,
        "at": now(),
    });
    let path = dir.join(NOT_GRADED_FILE);
    write_atomic(&path, &format!("{body:#}\n"))
        .map_err(|e| format!("{}: no se pudo escribir: {e}", path.display()))?;
    if opts.formats.contains(&Format::Gradescope) {
        let path = dir.join(gradescope::FILE_NAME);
        write_atomic(&path, &gradescope::failure(reason, 0.0))
            .map_err(|e| format!("{}: no se pudo escribir: {e}", path.display()))?;
    }
    Ok(())
}

/// Written beside, then renamed: a crash mid-write never leaves half a
/// report where a whole one was.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// The class results as a list, for callers that want them in roster order.
pub fn in_roster_order(class: &ClassResults) -> Vec<&StudentResult> {
    let mut v: Vec<&StudentResult> = class.students.iter().collect();
    v.sort_by_key(|s| s.entry.roster_line);
    v
}
