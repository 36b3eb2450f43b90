use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Corrige los ejercicios del módulo de DevOps y AWS: escenarios Gherkin
/// comprobados contra el trabajo del alumno.
#[derive(Debug, Parser)]
#[command(name = "cloudgrade", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Corrige: lee la fuente, ejecuta las features y escribe el informe.
    Grade(GradeArgs),
    /// Lee la fuente y guarda el inventario como snapshot, para corregir después sin conexión.
    Collect(CollectArgs),
    /// Vuelve a generar un informe pasado en otro formato.
    Report(ReportArgs),
    /// Lista las frases de paso disponibles (español e inglés).
    Steps(StepsArgs),
    /// Construye un mundo de `scenarios/` en un emulador de AWS.
    World(WorldArgs),
}

#[derive(Debug, Args, Clone)]
pub struct AwsArgs {
    /// Lee una cuenta de AWS o un emulador (solo lectura: Describe/List/Get).
    #[arg(long)]
    pub aws: bool,
    /// Un emulador (moto, LocalStack), p. ej. http://127.0.0.1:5000. Sin él: la cuenta real.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    #[arg(long, env = "AWS_REGION")]
    pub region: Option<String>,
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Asume este rol (STS) antes de leer.
    #[arg(long)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Corrige un snapshot escrito por `cloudgrade collect`.
    #[arg(long, conflicts_with = "aws")]
    pub snapshot: Option<PathBuf>,
    /// Carpeta (o archivo) de features. Por defecto, las del curso, incluidas en cloudgrade.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Expresión de etiquetas, p. ej. "@redes and not @oculto".
    #[arg(long)]
    pub tags: Option<String>,
    /// Formatos a escribir en --out además de report.json: terminal, junit, markdown, json.
    #[arg(long = "format", value_name = "F")]
    pub formats: Vec<String>,
    /// Carpeta donde escribir report.json y los demás formatos.
    #[arg(long, default_value = "cloudgrade-report")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// No imprimir el informe en la terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Archivo del snapshot.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Formato: terminal, junit, markdown, json.
    #[arg(long, default_value = "terminal")]
    pub format: String,
    /// El report.json de una corrección anterior.
    pub report: PathBuf,
    /// Archivo de salida (por defecto, la salida estándar).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct StepsArgs {
    /// Idioma de las frases: es, en o ambos.
    #[arg(long, value_enum, default_value_t = Lang::Both)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct WorldArgs {
    #[command(subcommand)]
    pub command: WorldCommand,
}

#[derive(Debug, Subcommand)]
pub enum WorldCommand {
    /// Crea en el emulador los recursos de un mundo (p. ej. scenarios/reference).
    Apply {
        dir: PathBuf,
        #[arg(long, env = "AWS_ENDPOINT_URL")]
        endpoint_url: Option<String>,
        #[arg(long, env = "AWS_REGION")]
        region: Option<String>,
        /// Permite un endpoint que no es un emulador local (¡crea recursos reales!).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Es,
    En,
    Both,
}
