//! The static Terraform source: a directory of `*.tf` files read into the
//! Inventory without a terraform binary, an AWS account or the network, in
//! milliseconds.
//!
//! The configuration is parsed with hcl-edit (which keeps spans, so every
//! resource, rule and gap points at its file and line) and evaluated the way
//! `terraform plan` sees it before apply: variables with Terraform's
//! precedence, locals, references, `count`/`for_each`, `dynamic` blocks,
//! local modules and the built-in functions solutions use. A value known only
//! after apply stays a reference ([`cloudgrade_model::Attr::Unknown`]); where
//! the model holds a plain id, the id of a declared resource is its address
//! (`aws_vpc.main`, `module.red.aws_subnet.a[0]`). Whatever cannot be
//! evaluated becomes a [`cloudgrade_model::Gap`] naming the file, the line
//! and the construct, never a silent empty list.

mod computed;
mod config;
mod data;
mod error;
mod eval;
mod funcs;
mod json;
mod map;
pub mod plan;
mod plan_out;
mod plan_refs;
mod prescan;
mod source;
mod types;
mod value;
mod vars;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cloudgrade_model::Inventory;

pub use error::TerraformError;
pub use plan_out::PlanStage;

/// Inputs the way the terraform CLI takes them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `-var-file`, in order (relative paths: to the caller, else to the directory).
    pub var_files: Vec<PathBuf>,
    /// The caller's environment; only `TF_VAR_*` entries are used.
    pub env_vars: Vec<(String, String)>,
    /// The folder local modules may be read from (`--root`); `None`: the
    /// enclosing repository (the nearest ancestor with `.git`), else three
    /// folders above the graded one.
    pub root: Option<PathBuf>,
    /// `terraform.workspace` (`--workspace`, or an assignment's
    /// `[terraform]`); `None`: `default`.
    pub workspace: Option<String>,
}

/// Deep enough for any real configuration and for adversarial nesting:
/// parsing and evaluation recurse, and run on a thread with this stack.
const STACK: usize = 64 << 20;

/// Reads and evaluates the configuration in `dir` (the root module).
pub fn load_dir(dir: &Path, opts: &Options) -> Result<Inventory, TerraformError> {
    let dir = dir.to_path_buf();
    let opts = opts.clone();
    on_big_stack(move || load_dir_inner(&dir, &opts))
}

fn load_dir_inner(dir: &Path, opts: &Options) -> Result<Inventory, TerraformError> {
    evaluate_dir(dir, opts, |ev, instances| map::build(ev, instances, dir))
}

/// Evaluates the root module in `dir` and hands every instance to `then`.
fn evaluate_dir<T>(
    dir: &Path,
    opts: &Options,
    then: impl FnOnce(&mut eval::Evaluator, &[std::rc::Rc<eval::Instance>]) -> T,
) -> Result<T, TerraformError> {
    if !dir.is_dir() {
        return Err(TerraformError::NoTerraform {
            dir: dir.display().to_string(),
        });
    }
    let configs = config::load(dir, opts.root.as_deref())?;
    let mut ev = eval::Evaluator::new(&configs, dir.to_path_buf(), HashMap::new());
    ev.repository = config::repository(dir, opts.root.as_deref());
    if let Some(w) = &opts.workspace {
        ev.workspace.clone_from(w);
    }
    ev.root_vars = vars::resolve(&mut ev, dir, opts)?;
    let instances = ev.evaluate_all();
    Ok(then(&mut ev, &instances))
}

/// Reads the JSON `terraform show -json` writes for a saved plan or a
/// state into the Inventory (source kind `plan`).
pub fn load_plan(path: &Path) -> Result<Inventory, TerraformError> {
    let path = path.to_path_buf();
    on_big_stack(move || plan::load(&path))
}

/// Writes the JSON `terraform show -json` would give for a plan of the
/// configuration in `dir`, from the static evaluation (see [`PlanStage`]).
/// It is how the plan reader is proven where no terraform binary exists.
pub fn write_plan(dir: &Path, opts: &Options, stage: PlanStage) -> Result<String, TerraformError> {
    let dir = dir.to_path_buf();
    let opts = opts.clone();
    on_big_stack(move || {
        evaluate_dir(&dir, &opts, |ev, instances| {
            let default_tags = ev.default_tags();
            plan_out::write(instances, ev.region.as_deref(), &default_tags, stage)
        })
    })
}

/// Parses and evaluates one file's text as a whole configuration, touching
/// no file system beyond failing to find what it references. It never
/// panics, whatever the input: the entry point for `cargo fuzz`.
pub fn parse_str_for_fuzz(text: &str) -> Result<Inventory, TerraformError> {
    let text = text.to_string();
    on_big_stack(move || {
        let configs = config::from_text("fuzz.tf", text)?;
        let dir = Path::new("/nonexistent/cloudgrade-fuzz");
        let mut ev = eval::Evaluator::new(&configs, dir.to_path_buf(), HashMap::new());
        ev.root_vars = vars::resolve_defaults(&mut ev);
        let instances = ev.evaluate_all();
        Ok(map::build(&mut ev, &instances, dir))
    })
}

/// Reads one text as the JSON `terraform show -json` writes for a plan or a
/// state, touching no file system. It never panics, whatever the input: the
/// entry point for `cargo fuzz` (target `plan`).
pub fn parse_plan_for_fuzz(text: &str) -> Result<Inventory, TerraformError> {
    let text = text.to_string();
    on_big_stack(move || plan::from_text("fuzz.json", &text))
}

fn on_big_stack<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, TerraformError> + Send + 'static,
) -> Result<T, TerraformError> {
    let handle = std::thread::Builder::new()
        .name("cloudgrade-terraform".into())
        .stack_size(STACK)
        .spawn(f);
    match handle {
        Ok(h) => match h.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        // No thread to be had: the caller's stack will do.
        Err(_) => Err(TerraformError::Io {
            path: "(hilo de evaluación)".into(),
            source: std::io::Error::other("no se pudo crear el hilo de evaluación"),
        }),
    }
}
