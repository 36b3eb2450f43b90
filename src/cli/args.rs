use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cloudgrade::grade::Standard;

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
    /// Corrige el Terraform de una carpeta, sin AWS: la comprobación del alumno.
    Check(CheckArgs),
    /// Corrige: lee la fuente, ejecuta las features y escribe el informe.
    Grade(Box<GradeArgs>),
    /// Lee la fuente y guarda el inventario como snapshot, para corregir después sin conexión.
    Collect(CollectArgs),
    /// Vuelve a generar un informe pasado en otro formato.
    Report(ReportArgs),
    /// Lista las frases de paso disponibles (español e inglés).
    Steps(StepsArgs),
    /// Escribe la página de cada actividad: escenarios, puntos, estándar, pasos y fuentes.
    Rules(RulesArgs),
    /// Construye un mundo de `scenarios/` en un emulador de AWS.
    World(WorldArgs),
    /// Corrige una clase entera: una lista de alumnos, su libro de calificaciones y un resumen.
    Batch(super::batch_cmd::BatchArgs),
    /// Compara dos report.json: qué escenarios y recursos cambiaron.
    Diff(super::diff_cmd::DiffArgs),
    /// Combina las carpetas de varios `batch --shard K/N` en una sola clase.
    Merge(super::merge_cmd::MergeArgs),
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
    #[arg(long, conflicts_with_all = ["aws", "terraform", "container", "image", "dockerfile"])]
    pub snapshot: Option<PathBuf>,
    /// Corrige el JSON de `terraform show -json` de un plan guardado o de un estado.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["aws", "snapshot", "terraform", "container", "image", "dockerfile"])]
    pub plan: Option<PathBuf>,
    /// Una carpeta de Terraform: sola, análisis estático (sin AWS ni terraform);
    /// con --container, se aplica con terraform o tofu en el emulador (en una copia).
    #[arg(long, conflicts_with = "aws", value_name = "DIR")]
    pub terraform: Option<PathBuf>,
    /// Corrige en un emulador de AWS dentro de un contenedor (Docker), que se
    /// elimina al terminar: construye en él --world DIR o aplica --terraform DIR.
    #[arg(long, conflicts_with_all = ["aws", "image", "dockerfile"])]
    pub container: bool,
    /// Imagen del emulador para --container (si no, CLOUDGRADE_EMULATOR_IMAGE, y si no, motoserver/moto).
    #[arg(long, value_name = "IMAGEN", requires = "container")]
    pub emulator_image: Option<String>,
    /// Un mundo de scenarios/ que --container construye en el emulador.
    #[arg(
        long,
        value_name = "DIR",
        requires = "container",
        conflicts_with = "terraform"
    )]
    pub world: Option<PathBuf>,
    /// Ejecuta la imagen Docker del alumno y comprueba cómo se comporta (features/docker).
    #[arg(long, value_name = "IMAGEN", conflicts_with = "aws")]
    pub image: Option<String>,
    /// Lee el Dockerfile del alumno, con --image o solo.
    #[arg(long, value_name = "RUTA", conflicts_with = "aws")]
    pub dockerfile: Option<PathBuf>,
    #[command(flatten)]
    pub vars: TerraformVars,
    #[command(flatten)]
    pub run: RunArgs,
    /// Carpeta donde escribir report.json y los demás formatos.
    #[arg(long, default_value = "cloudgrade-report")]
    pub out: PathBuf,
}

/// `cloudgrade check`: the student's command.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// La carpeta con los .tf del alumno (y su Dockerfile, si lo tiene).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub vars: TerraformVars,
    #[command(flatten)]
    pub run: RunArgs,
    /// Si se da, escribe aquí report.json y los demás formatos.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Vuelve a corregir cada vez que cambia un .tf, un .tfvars o el
    /// Dockerfile de la carpeta, y muestra arriba qué cambió (Ctrl-C para salir).
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct TerraformVars {
    /// Valor de una variable de Terraform (NOMBRE=VALOR), como `terraform -var`.
    #[arg(long = "var", value_name = "NOMBRE=VALOR")]
    pub vars: Vec<String>,
    /// Archivo de variables, como `terraform -var-file`.
    #[arg(long = "var-file", value_name = "ARCHIVO")]
    pub var_files: Vec<PathBuf>,
    /// Carpeta desde la que se leen módulos locales (`../../modules/x`). Por defecto, la raíz del repositorio git.
    #[arg(long, value_name = "CARPETA")]
    pub root: Option<PathBuf>,
    /// Valor de `terraform.workspace` (por defecto, `default`).
    #[arg(long, value_name = "NOMBRE")]
    pub workspace: Option<String>,
}

/// What every grading command shares: which scenarios, and how to show them.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Carpeta (o archivo) de features. Por defecto, las del curso, incluidas en cloudgrade.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Expresión de etiquetas, p. ej. "@actividad:redes and not @oculto".
    #[arg(long)]
    pub tags: Option<String>,
    /// Formatos a escribir en --out además de report.json: terminal, junit, markdown, json, html, gradescope, sarif, cucumber-json, github.
    #[arg(long = "format", value_name = "F")]
    pub formats: Vec<String>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// No imprimir el informe en la terminal.
    #[arg(long, short)]
    pub quiet: bool,
    /// Modo profesor: ejecuta también los escenarios @oculto/@hidden.
    #[arg(long)]
    pub instructor: bool,
    /// Estándar con el que corregir: «curso» (lo que enseña el curso; por defecto) o «produccion».
    /// Por defecto, el de la tarea (`standard` en cloudgrade.toml).
    #[arg(long, value_name = "ESTÁNDAR")]
    pub standard: Option<Standard>,
    /// Guarda también el inventario (inventory.json) junto al informe, para `cloudgrade diff`.
    #[arg(long)]
    pub save_inventory: bool,
    /// El archivo de la tarea (docs/assignment.md). Por defecto, cloudgrade.toml en la carpeta corregida.
    #[arg(long, value_name = "ARCHIVO")]
    pub assignment: Option<PathBuf>,
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
    /// Formato: terminal, junit, markdown, json, html, gradescope, sarif, cucumber-json, github.
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
pub struct RulesArgs {
    /// Carpeta (o archivo) de features. Por defecto, las del curso, incluidas en cloudgrade.
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Escribe una página por actividad y un README.md en esta carpeta (p. ej. docs/actividades); sin ella, las muestra.
    #[arg(long, value_name = "CARPETA")]
    pub out: Option<PathBuf>,
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
    /// Escribe un mundo como el proyecto Terraform que lo despliega
    /// (OUT/main.tf) y, con --plans, los JSON de `terraform show -json` de su
    /// primer plan (plan.json) y del plan tras aplicarlo (plan-applied.json).
    Terraform {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        plans: bool,
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
