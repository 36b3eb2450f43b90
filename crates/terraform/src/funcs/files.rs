//! File functions. Paths are relative to the graded directory (Terraform's
//! working directory), and nothing is read outside it, the folders of the
//! modules it loaded and the enclosing repository (`.git` or `--root`): a
//! configuration that reads `~/.ssh/id_rsa` gets an unknown and a gap, not
//! the grader's file.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{FR, FnErr, Impl, arg, s};
use crate::eval::{Cx, Evaluator, Scope};
use crate::source::SourceFile;
use crate::value::Value;

/// The path functions that read nothing.
pub(super) fn lookup_pure(name: &str) -> Option<Impl> {
    Some(match name {
        "basename" => |a| {
            let p = s(arg(a, 0))?;
            Ok(Value::String(
                p.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            ))
        },
        "dirname" => |a| {
            let p = s(arg(a, 0))?;
            Ok(Value::String(
                match p.trim_end_matches('/').rsplit_once('/') {
                    Some(("", _)) => "/".into(),
                    Some((d, _)) => d.to_string(),
                    None => ".".into(),
                },
            ))
        },
        _ => return None,
    })
}

pub(super) fn call(ev: &mut Evaluator, cx: &Cx, name: &str, args: Vec<Value>) -> FR {
    let (first, sensitive) = arg(&args, 0).clone().deep_unmark();
    let path = s(&first.flatten())?;
    let out = match name {
        "fileexists" => Value::Bool(resolve(ev, &path).is_ok_and(|p| p.is_file())),
        "abspath" => Value::String(ev.root_dir.join(&path).display().to_string()),
        "file" => Value::String(read(ev, &path)?),
        "filebase64" => {
            let p = resolve(ev, &path)?;
            let bytes = read_capped(&p, &path)?;
            Value::String(super::encoding::base64_encode(&bytes))
        }
        "templatefile" => {
            let text = read(ev, &path)?;
            let vars = match args.get(1).map(|v| v.clone().unmark()) {
                Some((Value::Object(m), s)) => m.into_iter().map(|(k, v)| (k, v.mark(s))).collect(),
                Some((Value::Resource(r), _)) => r.attrs.clone().into_iter().collect(),
                Some((Value::Unknown(u), _)) => return Err(FnErr::Unknown(u)),
                None | Some((Value::Null, _)) => Vec::new(),
                Some((other, _)) => {
                    return Err(FnErr::Invalid(format!(
                        "las variables deben ser un objeto, no {}",
                        other.type_name()
                    )));
                }
            };
            render_template(ev, cx, path.clone(), text, vars).map_err(FnErr::Invalid)?
        }
        _ => return Err(FnErr::Invalid(format!("función `{name}` desconocida"))),
    };
    Ok(out.mark(sensitive))
}

/// A template's text rendered with `vars` as its only names, the way
/// `templatefile()` and the template provider's `data "template_file"` both
/// do; `name` is what a parse or evaluation error points at.
pub(crate) fn render_template(
    ev: &mut Evaluator,
    cx: &Cx,
    name: String,
    text: String,
    vars: Vec<(String, Value)>,
) -> Result<Value, String> {
    let template = hcl_edit::parser::parse_template(&text).map_err(|e| {
        format!(
            "{name}:{}:{}: plantilla no válida: {}",
            e.location().line(),
            e.location().column(),
            e.message()
        )
    })?;
    let tcx = Cx {
        m: cx.m,
        file: Rc::new(SourceFile::new(name, text)),
        isolated: true,
    };
    let scope = Scope {
        bindings: vars,
        parent: None,
    };
    ev.eval_template(&tcx, &scope, &template)
        .map_err(|e| format!("{}: {}", e.at, e.message))
}

fn read(ev: &Evaluator, path: &str) -> Result<String, FnErr> {
    let p = resolve(ev, path)?;
    let bytes = read_capped(&p, path)?;
    String::from_utf8(bytes).map_err(|_| FnErr::Invalid(format!("`{path}` no es texto UTF-8")))
}

/// `file("/dev/zero")` in a student's `.tf` must not be read forever: the
/// same cap and regular-file rule as the `.tf` files themselves.
fn read_capped(p: &Path, path: &str) -> Result<Vec<u8>, FnErr> {
    cloudgrade_model::input::read_bytes_as(p, path, &cloudgrade_model::input::TERRAFORM)
        .map_err(|e| FnErr::Invalid(e.to_string()))
}

fn resolve(ev: &Evaluator, path: &str) -> Result<PathBuf, FnErr> {
    let root = ev.root_dir.as_path();
    let p = Path::new(path);
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    };
    let canon = full
        .canonicalize()
        .map_err(|e| FnErr::Invalid(format!("no se pudo leer `{path}`: {e}")))?;
    let root = root
        .canonicalize()
        .map_err(|e| FnErr::Invalid(format!("no se pudo resolver el directorio: {e}")))?;
    let inside = canon.starts_with(&root)
        || ev.repository.as_ref().is_some_and(|r| canon.starts_with(r))
        || ev.configs.modules.iter().any(|m| {
            // A configuration read from text has no folder.
            !m.abs_dir.as_os_str().is_empty() && canon.starts_with(&m.abs_dir)
        });
    if !inside {
        return Err(FnErr::Invalid(format!(
            "`{path}` está fuera del directorio de la configuración y de su repositorio, y no se lee; indica la raíz del repositorio con --root"
        )));
    }
    Ok(canon)
}
