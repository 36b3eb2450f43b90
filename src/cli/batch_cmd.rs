//! `cloudgrade batch ROSTER.csv --out DIR`: a whole class at once.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use cloudgrade::assignment::Assignment;
use cloudgrade::batch::{self, BatchOptions, Manifest, Roster, Shard, Status, progress};
use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource, Standard};

use super::Failure;
use super::output::parse_formats;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Lista de alumnos (CSV): student_id, source y, opcionales, name, email, login, section.
    pub roster: PathBuf,
    /// Carpeta de salida: una subcarpeta por alumno, gradebook.csv, summary.md y summary.html.
    #[arg(long)]
    pub out: PathBuf,
    /// Alumnos a la vez (por defecto, uno por núcleo; con fuentes AWS conviene más).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Alumnos de una misma cuenta de AWS leídos a la vez.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub per_account: usize,
    /// Formatos por alumno además de report.json: terminal, junit, markdown, gradescope, html.
    #[arg(long = "format", value_name = "F")]
    pub formats: Vec<String>,
    /// Ejecuta y cuenta también los escenarios @oculto/@hidden.
    #[arg(long)]
    pub instructor: bool,
    /// Si la lectura de un alumno falla, descarta su corrección anterior en vez de conservarla.
    #[arg(long)]
    pub force: bool,
    /// Corrige solo el fragmento K de N (1 ≤ K ≤ N), para repartir la clase entre máquinas.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Guarda inventory.json junto a cada report.json (para `cloudgrade diff`).
    #[arg(long)]
    pub save_inventory: bool,
    /// Un emulador (moto, LocalStack) para todas las fuentes aws-role:// y aws-profile://.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Carpeta (o archivo) de features. Por defecto, las del curso.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Expresión de etiquetas, p. ej. "@redes".
    #[arg(long)]
    pub tags: Option<String>,
    /// Estándar con el que corregir: «curso» (por defecto) o «produccion»; por defecto, el de la tarea.
    #[arg(long, value_name = "ESTÁNDAR")]
    pub standard: Option<Standard>,
    /// Sin barra de progreso ni líneas por alumno.
    #[arg(long, short)]
    pub quiet: bool,
    /// El archivo de la tarea para toda la clase (docs/assignment.md). Por defecto,
    /// cloudgrade.toml junto a la lista de alumnos; nunca el de la carpeta de un alumno.
    #[arg(long, value_name = "ARCHIVO")]
    pub assignment: Option<PathBuf>,
}

pub fn batch(a: BatchArgs) -> Result<Exit, Failure> {
    // Everything typed is checked before the first student is read.
    let formats = parse_formats(&a.formats)?;
    let roster = Roster::load(&a.roster).map_err(Failure::input)?;
    let features = a
        .features
        .clone()
        .map_or(FeatureSource::Embedded, FeatureSource::Dir);
    let plan = grade::plan(&features.load().map_err(Failure::input)?);
    let assignment = a
        .assignment
        .clone()
        .or_else(|| a.roster.parent().and_then(Assignment::find))
        .map(|p| Assignment::load(&p, &plan).map_err(Failure::input))
        .transpose()?;
    let interrupt = on_ctrl_c()?;
    let opts = BatchOptions {
        out: a.out.clone(),
        jobs: a
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        per_account: a.per_account,
        formats,
        instructor: a.instructor,
        force: a.force,
        shard: a.shard,
        save_inventory: a.save_inventory,
        endpoint_url: a.endpoint_url.clone(),
        tags: a.tags.clone(),
        standard: a.standard,
        assignment,
        interrupt: Some(interrupt),
    };
    let progress: Box<dyn progress::Progress> = if a.quiet {
        Box::new(progress::Silent)
    } else {
        progress::for_stderr()
    };
    let outcome = batch::run(&roster, &plan, &opts, progress.as_ref())
        .map_err(|e| Failure::new(e.exit(), e))?;
    if !a.quiet {
        print!("{}", report_line(&outcome.manifest, &a.out));
    }
    Ok(exit_of(&outcome.manifest))
}

/// Ctrl-C stops taking students: those in progress finish, the gradebook of
/// what was graded is written as partial, and the run exits 130. A second
/// Ctrl-C exits at once (the run marker then says the outputs are stale).
fn on_ctrl_c() -> Result<Arc<AtomicBool>, Failure> {
    let flag = Arc::new(AtomicBool::new(false));
    let failed =
        |e: std::io::Error| Failure::input(format!("no se pudo preparar la espera de Ctrl-C: {e}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(failed)?;
    // The handler is installed here, before any student, so a Ctrl-C that
    // comes early is never the default "die at once, write nothing".
    #[cfg(unix)]
    let mut signal = rt
        .block_on(async {
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        })
        .map_err(failed)?;
    let set = flag.clone();
    std::thread::spawn(move || {
        rt.block_on(async {
            #[cfg(unix)]
            let mut next = async || signal.recv().await.is_some();
            #[cfg(not(unix))]
            let next = async || tokio::signal::ctrl_c().await.is_ok();
            if next().await {
                set.store(true, Ordering::SeqCst);
                eprintln!(
                    "\nInterrumpido: se terminan los alumnos en curso y se escribe el libro de calificaciones parcial (otro Ctrl-C sale sin escribirlo)."
                );
            }
            if next().await {
                std::process::exit(Exit::Interrupted as i32);
            }
        });
    });
    Ok(flag)
}

/// The batch did its job when every student has a whole grade; a student
/// who could not be read this time, or whose grade a failed read left
/// incomplete (what `grade` exits 3 for), is the documented "source
/// unreadable".
pub fn exit_of(m: &Manifest) -> Exit {
    if m.partial {
        return Exit::Interrupted;
    }
    if m.students
        .iter()
        .any(|s| s.status != Status::Graded || s.incomplete.is_some())
    {
        Exit::SourceUnreadable
    } else {
        Exit::Passed
    }
}

pub fn report_line(m: &Manifest, out: &std::path::Path) -> String {
    let count = |st: Status| m.students.iter().filter(|s| s.status == st).count();
    let calls: u64 = m
        .students
        .iter()
        .filter_map(|s| s.api_calls)
        .map(u64::from)
        .sum();
    let secs = m.wall_ms / 1000.0;
    let rate = if secs > 0.0 {
        m.students.len() as f64 / secs
    } else {
        0.0
    };
    format!(
        "{} alumnos{}: {} corregidos, {} con la corrección anterior, {} no corregidos · {:.1} s · {:.1} alumnos/s{}\n\
         Resumen: {} · Libro de calificaciones: {} (Canvas), {} (Moodle)\n",
        m.students.len(),
        m.shard
            .map(|s| format!(" (fragmento {s})"))
            .unwrap_or_default(),
        count(Status::Graded),
        count(Status::KeptPrevious),
        count(Status::NotGraded) + count(Status::NotSubmitted),
        secs,
        rate,
        if calls > 0 {
            format!(" · {calls} llamadas a la API")
        } else {
            String::new()
        },
        out.join("summary.md").display(),
        out.join("gradebook.csv").display(),
        out.join("gradebook-moodle.csv").display(),
    )
}
