//! One module's configuration: every `*.tf` of a directory, read into its
//! declarations (variables, locals, resources, data sources, module calls,
//! outputs, providers). Override files (`override.tf`, `*_override.tf`) are
//! merged the way Terraform does: an override's arguments replace the
//! original's, its nested blocks replace all blocks of that type.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

use crate::TerraformError;
use crate::source::{self, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Managed,
    Data,
}

#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub file: Rc<SourceFile>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct VarDecl {
    pub name: String,
    pub at: Decl,
    pub default: Option<Expression>,
    pub ty: Option<Expression>,
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ExprDecl {
    pub name: String,
    pub at: Decl,
    pub expr: Expression,
}

#[derive(Debug, Clone)]
pub(crate) struct ResourceDecl {
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    pub at: Decl,
    pub body: Body,
}

impl ResourceDecl {
    /// `aws_vpc.main` or `data.aws_region.current`.
    pub fn key(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ModuleCallDecl {
    pub name: String,
    pub at: Decl,
    /// The literal `source`, if it is one.
    pub source: Option<String>,
    pub body: Body,
    /// Index into the loaded configurations, for a module that loaded.
    pub child: Option<usize>,
    /// Why a module with a literal `source` was not loaded (`file:line: ...`).
    pub problem: Option<String>,
    /// The problem is that a local module's folder, part of the hand-in, is
    /// not there (or has no `.tf`): a read that failed, not a construct the
    /// source declines to evaluate.
    pub missing: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ProviderDecl {
    pub name: String,
    pub at: Decl,
    pub body: Body,
}

#[derive(Debug, Default)]
pub(crate) struct ModuleConfig {
    /// Relative to the graded directory: `.` for the root, `modules/red`.
    pub rel_dir: String,
    /// Canonical: the file functions may read below it.
    pub abs_dir: PathBuf,
    pub variables: Vec<VarDecl>,
    pub locals: Vec<ExprDecl>,
    pub outputs: Vec<ExprDecl>,
    pub resources: Vec<ResourceDecl>,
    pub modules: Vec<ModuleCallDecl>,
    pub providers: Vec<ProviderDecl>,
    /// `*.tf.json` files: not read (see the gaps they produce).
    pub json_files: Vec<String>,
    pub var_index: HashMap<String, usize>,
    pub local_index: HashMap<String, usize>,
    pub output_index: HashMap<String, usize>,
    pub resource_index: HashMap<String, usize>,
    pub module_index: HashMap<String, usize>,
}

/// Every configuration reachable from the root through local module
/// sources; index 0 is the root.
#[derive(Debug, Default)]
pub(crate) struct Configs {
    pub modules: Vec<ModuleConfig>,
}

/// How deep modules may nest before the loader stops following them.
const MAX_DEPTH: usize = 16;

/// Without a `.git` above the graded folder, local modules are read up to
/// this many folders above it: `environments/dev` calling
/// `../../modules/vpc` needs two, `envs/prod/eu-west-1` three.
pub(crate) const MAX_ANCESTORS: usize = 3;

/// Where `terraform init` records the modules it unpacked.
const MANIFEST: &str = ".terraform/modules/modules.json";

/// What the loader needs besides the root: how far above it local modules
/// may be read from.
struct Loader {
    /// Canonical: no module outside it is read.
    bound: PathBuf,
    root: PathBuf,
    /// Canonical root: its own subfolders are always the student's.
    root_canon: PathBuf,
    /// `modules.json`: module key (`vpc`, `vpc.subnets`) -> its `Dir`,
    /// relative to the root; or why it could not be read.
    manifest: Result<HashMap<String, String>, String>,
    by_path: HashMap<PathBuf, usize>,
    /// Canonical folders of the modules being loaded, outermost first: a
    /// call to one of them is a cycle.
    stack: Vec<PathBuf>,
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// The repository: the folder the caller names, else the nearest ancestor
/// holding `.git`.
pub(crate) fn repository(root: &Path, named: Option<&Path>) -> Option<PathBuf> {
    if let Some(n) = named {
        return Some(canonical(n));
    }
    canonical(root)
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The folder local modules may be read from: the repository, else
/// [`MAX_ANCESTORS`] folders above the graded one (never the file system's
/// root).
fn boundary(root: &Path, named: Option<&Path>) -> PathBuf {
    if let Some(repo) = repository(root, named) {
        return repo;
    }
    let root = canonical(root);
    root.ancestors()
        .take(MAX_ANCESTORS + 1)
        .filter(|a| a.parent().is_some())
        .last()
        .unwrap_or(&root)
        .to_path_buf()
}

pub(crate) fn load(root: &Path, bound: Option<&Path>) -> Result<Configs, TerraformError> {
    let mut configs = Configs::default();
    let mut loader = Loader {
        bound: boundary(root, bound),
        root: root.to_path_buf(),
        root_canon: canonical(root),
        manifest: read_manifest(root),
        by_path: HashMap::new(),
        stack: Vec::new(),
    };
    loader.load_dir(root, ".", "", 0, &mut configs)?;
    Ok(configs)
}

/// `Ok(empty)` when `terraform init` has not run (no manifest at all).
fn read_manifest(root: &Path) -> Result<HashMap<String, String>, String> {
    let path = root.join(MANIFEST);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(HashMap::new());
    };
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{MANIFEST}:{}: no es un modules.json de `terraform init` ({e}); vuelve a ejecutar `terraform init`",
            e.line()
        )
    })?;
    let entries = v
        .get("Modules")
        .and_then(|m| m.as_array())
        .ok_or_else(|| {
            format!("{MANIFEST}:1: no tiene la lista `Modules` de `terraform init`; vuelve a ejecutar `terraform init`")
        })?;
    Ok(entries
        .iter()
        .filter_map(|e| {
            let key = e.get("Key")?.as_str()?;
            let dir = e.get("Dir")?.as_str()?;
            Some((key.to_string(), dir.to_string()))
        })
        .collect())
}
impl Loader {
    fn load_dir(
        &mut self,
        dir: &Path,
        rel_dir: &str,
        key: &str,
        depth: usize,
        configs: &mut Configs,
    ) -> Result<usize, TerraformError> {
        let entries = std::fs::read_dir(dir).map_err(|source| TerraformError::Io {
            path: rel_dir.to_string(),
            source,
        })?;
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| TerraformError::Io {
                path: rel_dir.to_string(),
                source,
            })?;
            let is_file = entry
                .file_type()
                .map(|t| t.is_file() || t.is_symlink())
                .unwrap_or(false);
            if is_file && let Some(name) = entry.file_name().to_str() {
                names.push(name.to_string());
            }
        }
        names.sort();
        let tf: Vec<&String> = names.iter().filter(|n| n.ends_with(".tf")).collect();
        let json: Vec<String> = names
            .iter()
            .filter(|n| n.ends_with(".tf.json"))
            .map(|n| rel_path(rel_dir, n))
            .collect();
        if tf.is_empty() && json.is_empty() {
            return Err(TerraformError::NoTerraform {
                dir: dir.display().to_string(),
            });
        }
        let mut cfg = ModuleConfig {
            rel_dir: rel_dir.to_string(),
            abs_dir: canonical(dir),
            json_files: json,
            ..Default::default()
        };
        let (overrides, normal): (Vec<&String>, Vec<&String>) = tf
            .into_iter()
            .partition(|n| *n == "override.tf" || n.ends_with("_override.tf"));
        for name in normal {
            let file = Rc::new(source::read(&dir.join(name), &rel_path(rel_dir, name))?);
            let body = source::parse(&file)?;
            add_body(&mut cfg, &file, body, false)?;
        }
        for name in overrides {
            let file = Rc::new(source::read(&dir.join(name), &rel_path(rel_dir, name))?);
            let body = source::parse(&file)?;
            add_body(&mut cfg, &file, body, true)?;
        }
        let idx = configs.modules.len();
        let here = canonical(dir);
        self.by_path.insert(here.clone(), idx);
        configs.modules.push(cfg);

        // Children after the parent is registered, so a module that calls
        // itself is found instead of loaded forever.
        self.stack.push(here);
        let calls: Vec<(usize, String, Option<String>)> = configs.modules[idx]
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (i, m.name.clone(), m.source.clone()))
            .collect();
        for (i, name, src) in calls {
            let Some(src) = src else { continue };
            let child_key = if key.is_empty() {
                name
            } else {
                format!("{key}.{name}")
            };
            let found = if is_local(&src) {
                self.local_child(dir, rel_dir, &src)
            } else {
                self.installed_child(&child_key, &src)
            };
            let (child_dir, child_rel) = match found {
                Ok(found) => found,
                Err(problem) => {
                    let missing = is_local(&src) && !dir.join(&src).is_dir();
                    let call = &mut configs.modules[idx].modules[i];
                    call.problem = Some(problem);
                    call.missing = missing;
                    continue;
                }
            };
            let ck = canonical(&child_dir);
            if self.stack.contains(&ck) {
                configs.modules[idx].modules[i].problem = Some(format!(
                    "el módulo `{src}` se llama a sí mismo a través de otros módulos (un ciclo, que Terraform rechaza): no se lee dos veces"
                ));
                continue;
            }
            if depth >= MAX_DEPTH {
                configs.modules[idx].modules[i].problem = Some(format!(
                    "los módulos anidan más de {MAX_DEPTH} niveles: `{src}` no se lee"
                ));
                continue;
            }
            let child = match self.by_path.get(&ck) {
                Some(&c) => c,
                None => {
                    match self.load_dir(&child_dir, &child_rel, &child_key, depth + 1, configs) {
                        Ok(c) => c,
                        Err(TerraformError::NoTerraform { .. }) => {
                            let call = &mut configs.modules[idx].modules[i];
                            call.problem = Some(format!(
                                "la carpeta `{child_rel}` del módulo `{src}` no tiene ficheros .tf"
                            ));
                            call.missing = true;
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            configs.modules[idx].modules[i].child = Some(child);
        }
        self.stack.pop();
        Ok(idx)
    }

    /// A local `source`: its folder, bounded by the repository.
    fn local_child(
        &self,
        dir: &Path,
        rel_dir: &str,
        src: &str,
    ) -> Result<(PathBuf, String), String> {
        let child_dir = dir.join(src);
        let child_rel = normalize(&rel_path(rel_dir, src));
        if !child_dir.is_dir() {
            return Err(format!(
                "la carpeta del módulo local `{src}` (`{child_rel}`) no existe"
            ));
        }
        let ck = canonical(&child_dir);
        if !ck.starts_with(&self.bound) && !ck.starts_with(&self.root_canon) {
            return Err(format!(
                "el módulo local `{src}` está fuera de la raíz del repositorio (`{}`): no se lee; indica otra raíz con --root",
                self.bound.display()
            ));
        }
        Ok((child_dir, child_rel))
    }

    /// A registry or git `source`: where `terraform init` unpacked it.
    fn installed_child(&self, key: &str, src: &str) -> Result<(PathBuf, String), String> {
        let manifest = self.manifest.as_ref().map_err(|why| why.to_string())?;
        let Some(d) = manifest.get(key) else {
            return Err(format!(
                "el módulo `{src}` viene de un registro o de un repositorio y no está descargado: ejecuta `terraform init` en la carpeta para que cloudgrade lo lea"
            ));
        };
        let child_dir = self.root.join(d);
        if !child_dir.is_dir() {
            return Err(format!(
                "{MANIFEST} dice que el módulo `{key}` está en `{d}`, y esa carpeta no existe: vuelve a ejecutar `terraform init`"
            ));
        }
        Ok((child_dir, normalize(d)))
    }
}

/// One file's text as a whole configuration (for the fuzz entry point).
pub(crate) fn from_text(name: &str, text: String) -> Result<Configs, TerraformError> {
    let file = Rc::new(SourceFile::new(name, text));
    let body = source::parse(&file)?;
    let mut cfg = ModuleConfig {
        rel_dir: ".".into(),
        ..Default::default()
    };
    add_body(&mut cfg, &file, body, false)?;
    Ok(Configs { modules: vec![cfg] })
}

pub(crate) fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

fn rel_path(rel_dir: &str, name: &str) -> String {
    if rel_dir == "." {
        name.to_string()
    } else {
        format!("{rel_dir}/{name}")
    }
}

/// `./modules/../modules/red` -> `modules/red`, for display.
fn normalize(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_none_or(|l| *l == "..") {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            s => out.push(s),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

fn invalid(file: &SourceFile, block: &Block, message: String) -> TerraformError {
    TerraformError::Invalid {
        file: file.rel.clone(),
        line: file.line_of(block.span()) as usize,
        message,
    }
}

fn labels(block: &Block) -> Vec<String> {
    block
        .labels
        .iter()
        .map(|l| l.as_str().to_string())
        .collect()
}

fn add_body(
    cfg: &mut ModuleConfig,
    file: &Rc<SourceFile>,
    body: Body,
    is_override: bool,
) -> Result<(), TerraformError> {
    for structure in body.into_iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let at = Decl {
            file: file.clone(),
            line: file.line_of(block.span()),
        };
        let l = labels(&block);
        match block.ident.as_str() {
            "variable" => {
                let [name] = l.as_slice() else {
                    return Err(invalid(
                        file,
                        &block,
                        "un bloque `variable` lleva exactamente una etiqueta: su nombre".into(),
                    ));
                };
                let attr = |k: &str| block.body.get_attribute(k).map(|a| a.value.clone());
                let sensitive = attr("sensitive").and_then(|e| e.as_bool()).unwrap_or(false);
                let decl = VarDecl {
                    name: name.clone(),
                    at,
                    default: attr("default"),
                    ty: attr("type"),
                    sensitive,
                };
                match cfg.var_index.get(name) {
                    Some(&i) if is_override => {
                        let old = &mut cfg.variables[i];
                        if decl.default.is_some() {
                            old.default = decl.default;
                        }
                        if decl.ty.is_some() {
                            old.ty = decl.ty;
                        }
                        if block.body.has_attribute("sensitive") {
                            old.sensitive = decl.sensitive;
                        }
                    }
                    _ => {
                        cfg.var_index.insert(name.clone(), cfg.variables.len());
                        cfg.variables.push(decl);
                    }
                }
            }
            "locals" => {
                for a in block.body.attributes() {
                    let line = file.line_of(a.span());
                    let decl = ExprDecl {
                        name: a.key.as_str().to_string(),
                        at: Decl {
                            file: file.clone(),
                            line,
                        },
                        expr: a.value.clone(),
                    };
                    match cfg.local_index.get(&decl.name) {
                        Some(&i) => cfg.locals[i] = decl,
                        None => {
                            cfg.local_index.insert(decl.name.clone(), cfg.locals.len());
                            cfg.locals.push(decl);
                        }
                    }
                }
            }
            "output" => {
                let [name] = l.as_slice() else {
                    return Err(invalid(
                        file,
                        &block,
                        "un bloque `output` lleva exactamente una etiqueta: su nombre".into(),
                    ));
                };
                let Some(value) = block.body.get_attribute("value") else {
                    if is_override {
                        continue;
                    }
                    return Err(invalid(
                        file,
                        &block,
                        format!("el output `{name}` no tiene `value`"),
                    ));
                };
                let decl = ExprDecl {
                    name: name.clone(),
                    at,
                    expr: value.value.clone(),
                };
                match cfg.output_index.get(name) {
                    Some(&i) => cfg.outputs[i].expr = decl.expr,
                    None => {
                        cfg.output_index.insert(name.clone(), cfg.outputs.len());
                        cfg.outputs.push(decl);
                    }
                }
            }
            kind @ ("resource" | "data") => {
                let [rtype, name] = l.as_slice() else {
                    return Err(invalid(
                        file,
                        &block,
                        format!("un bloque `{kind}` lleva dos etiquetas: el tipo y el nombre"),
                    ));
                };
                let mode = if kind == "resource" {
                    Mode::Managed
                } else {
                    Mode::Data
                };
                let decl = ResourceDecl {
                    mode,
                    rtype: rtype.clone(),
                    name: name.clone(),
                    at,
                    body: block.body,
                };
                let key = decl.key();
                match cfg.resource_index.get(&key) {
                    Some(&i) if is_override => merge_body(&mut cfg.resources[i].body, decl.body),
                    Some(_) => {
                        return Err(TerraformError::Invalid {
                            file: file.rel.clone(),
                            line: decl.at.line as usize,
                            message: format!("`{key}` está declarado dos veces"),
                        });
                    }
                    None => {
                        cfg.resource_index.insert(key, cfg.resources.len());
                        cfg.resources.push(decl);
                    }
                }
            }
            "module" => {
                let [name] = l.as_slice() else {
                    return Err(invalid(
                        file,
                        &block,
                        "un bloque `module` lleva exactamente una etiqueta: su nombre".into(),
                    ));
                };
                let source = block
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str().map(str::to_string));
                let decl = ModuleCallDecl {
                    name: name.clone(),
                    at,
                    source,
                    body: block.body,
                    child: None,
                    problem: None,
                    missing: false,
                };
                match cfg.module_index.get(name) {
                    Some(&i) if is_override => {
                        let old = &mut cfg.modules[i];
                        if decl.source.is_some() {
                            old.source = decl.source;
                        }
                        merge_body(&mut old.body, decl.body);
                    }
                    _ => {
                        cfg.module_index.insert(name.clone(), cfg.modules.len());
                        cfg.modules.push(decl);
                    }
                }
            }
            "provider" => {
                let [name] = l.as_slice() else { continue };
                cfg.providers.push(ProviderDecl {
                    name: name.clone(),
                    at,
                    body: block.body,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

fn merge_body(base: &mut Body, over: Body) {
    for s in over.into_iter() {
        match s {
            Structure::Attribute(a) => {
                base.remove_attribute(a.key.as_str());
                base.push(a);
            }
            Structure::Block(b) => {
                let ident = b.ident.as_str().to_string();
                base.remove_blocks(&ident);
                base.push(b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_module_paths() {
        assert_eq!(normalize("./modules/../modules/red"), "modules/red");
        assert_eq!(normalize("modules/red/./"), "modules/red");
        assert_eq!(normalize("."), ".");
        assert_eq!(normalize("../../modules/vpc"), "../../modules/vpc");
        assert_eq!(normalize("../a/../b"), "../b");
    }

    #[test]
    fn local_sources_are_relative_paths() {
        assert!(is_local("./modules/red"));
        assert!(is_local("../shared"));
        assert!(!is_local("terraform-aws-modules/vpc/aws"));
        assert!(!is_local("git::https://example.com/x.git"));
    }
}
