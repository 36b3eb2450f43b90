//! The root module's input variables, with Terraform's precedence (later
//! wins): the `default`, then `TF_VAR_` environment variables, then
//! `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and
//! `*.auto.tfvars.json` in lexical order, then `-var-file`s in order, then
//! `-var`s in order. (Terraform interleaves `-var` and `-var-file` as they
//! appear on the command line; [`crate::Options`] keeps them apart, so files
//! come first.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl_edit::structure::Structure;

use crate::Options;
use crate::TerraformError;
use crate::eval::{Cx, Evaluator, Scope, error_value};
use crate::source::{self, SourceFile};
use crate::value::{Unknown, Value};

/// Defaults only: no files, no environment.
pub(crate) fn resolve_defaults(ev: &mut Evaluator) -> HashMap<String, Value> {
    resolve_from(ev, None, &Options::default()).unwrap_or_default()
}

pub(crate) fn resolve(
    ev: &mut Evaluator,
    dir: &Path,
    opts: &Options,
) -> Result<HashMap<String, Value>, TerraformError> {
    resolve_from(ev, Some(dir), opts)
}

fn resolve_from(
    ev: &mut Evaluator,
    dir: Option<&Path>,
    opts: &Options,
) -> Result<HashMap<String, Value>, TerraformError> {
    let configs = ev.configs;
    let cfg = &configs.modules[0];
    let mut given: HashMap<String, Value> = HashMap::new();

    // Defaults.
    for v in &cfg.variables {
        if let Some(d) = &v.default {
            let cx = Cx {
                m: 0,
                file: v.at.file.clone(),
                isolated: true,
            };
            let value = ev
                .eval(&cx, &Scope::root(), d)
                .unwrap_or_else(|e| error_value(&format!("var.{}", v.name), e));
            given.insert(v.name.clone(), value);
        }
    }
    // TF_VAR_name from the caller's environment.
    for (k, raw) in &opts.env_vars {
        let Some(name) = k.strip_prefix("TF_VAR_") else {
            continue;
        };
        if cfg.var_index.contains_key(name) {
            let value = literal(ev, name, raw, "TF_VAR")?;
            given.insert(name.to_string(), value);
        }
    }
    // Files in the directory, then -var-file.
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(dir) = dir {
        for f in ["terraform.tfvars", "terraform.tfvars.json"] {
            if dir.join(f).is_file() {
                files.push(dir.join(f));
            }
        }
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut auto: Vec<String> = entries
                .filter_map(|e| {
                    e.ok()
                        .and_then(|e| e.file_name().to_str().map(str::to_string))
                })
                .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                .collect();
            auto.sort();
            files.extend(auto.into_iter().map(|n| dir.join(n)));
        }
    }
    for f in &opts.var_files {
        let p = match dir {
            Some(d) if !f.is_file() && !f.is_absolute() => d.join(f),
            _ => f.clone(),
        };
        files.push(p);
    }
    for f in files {
        let shown = dir
            .and_then(|d| f.strip_prefix(d).ok())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| f.display().to_string());
        for (name, value) in read_tfvars(ev, &f, &shown)? {
            if cfg.var_index.contains_key(&name) {
                given.insert(name, value);
            }
        }
    }
    // -var name=value.
    for (name, raw) in &opts.vars {
        if !cfg.var_index.contains_key(name) {
            return Err(TerraformError::Invalid {
                file: "-var".into(),
                line: 0,
                message: format!(
                    "`-var {name}=...`: la configuración no declara la variable `{name}`"
                ),
            });
        }
        let value = literal(ev, name, raw, "-var")?;
        given.insert(name.clone(), value);
    }

    let mut out = HashMap::new();
    for v in &cfg.variables {
        let value = given
            .remove(&v.name)
            .unwrap_or_else(|| Value::unknown(Unknown::reference(format!("var.{}", v.name))));
        let typed = ev.typed(0, v, value);
        out.insert(v.name.clone(), typed);
    }
    Ok(out)
}

/// A value given as text (`-var`, `TF_VAR_`): literal for primitive types,
/// an HCL expression for collections, as Terraform reads it.
fn literal(
    ev: &mut Evaluator,
    name: &str,
    raw: &str,
    origin: &str,
) -> Result<Value, TerraformError> {
    let configs = ev.configs;
    let cfg = &configs.modules[0];
    let Some(&idx) = cfg.var_index.get(name) else {
        return Ok(Value::str(raw));
    };
    let decl = &cfg.variables[idx];
    let complex = match &decl.ty {
        Some(t) => {
            let ty = ev.parse_type(0, &decl.at.file, t);
            !ty.is_primitive() && ty != crate::types::Ty::Any
        }
        None => false,
    };
    if !complex {
        return Ok(Value::str(raw));
    }
    let file = Rc::new(SourceFile::new(format!("{origin} {name}"), raw.to_string()));
    let expr = source::parse_expr(&file)?;
    let cx = Cx {
        m: 0,
        file,
        isolated: true,
    };
    Ok(ev
        .eval(&cx, &Scope::root(), &expr)
        .unwrap_or_else(|e| error_value(&format!("var.{name}"), e)))
}

fn read_tfvars(
    ev: &mut Evaluator,
    path: &Path,
    shown: &str,
) -> Result<Vec<(String, Value)>, TerraformError> {
    let file = Rc::new(source::read(path, shown)?);
    if shown.ends_with(".json") {
        let parsed: serde_json::Value =
            serde_json::from_str(&file.text).map_err(|e| TerraformError::Syntax {
                file: shown.to_string(),
                line: e.line(),
                col: e.column(),
                message: e.to_string(),
            })?;
        let serde_json::Value::Object(map) = parsed else {
            return Err(TerraformError::Invalid {
                file: shown.to_string(),
                line: 1,
                message: "se esperaba un objeto JSON".into(),
            });
        };
        return Ok(map
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    crate::json::decode(&v.to_string()).unwrap_or(Value::Null),
                )
            })
            .collect());
    }
    let body = source::parse(&file)?;
    let cx = Cx {
        m: 0,
        file: file.clone(),
        isolated: true,
    };
    let mut out = Vec::new();
    for s in body.iter() {
        if let Structure::Attribute(a) = s {
            let name = a.key.as_str().to_string();
            let v = ev
                .eval(&cx, &Scope::root(), &a.value)
                .unwrap_or_else(|e| error_value(&format!("var.{name}"), e));
            out.push((name, v));
        }
    }
    Ok(out)
}
