//! Terraform's built-in functions. Unknown propagates: a function of an
//! unknown argument is unknown and keeps the reference. Sensitive marks
//! propagate too: functions that only move values around (`merge`,
//! `concat`, `element`, `jsonencode` ...) keep marks where they were; the
//! others mark their whole result. A function this crate does not implement
//! yields an unknown that records the gap, never a guess.

mod collections;
mod encoding;
mod files;
mod network;
mod numeric;
mod strings;

pub(crate) use files::render_template;

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::FuncCall;

use crate::eval::{Cx, EvalError, Evaluator, R, Scope};
use crate::value::{Unknown, Value, fmt_number};

/// Why a function gave no value: an argument is not known yet, or the call
/// is wrong (a Terraform error, which `try` and `can` catch).
#[derive(Debug)]
pub(crate) enum FnErr {
    Unknown(Rc<Unknown>),
    Invalid(String),
}

pub(crate) type FR = Result<Value, FnErr>;

impl From<String> for FnErr {
    fn from(s: String) -> Self {
        FnErr::Invalid(s)
    }
}

/// Functions that move values without reading them: marks stay on the
/// parts that carry them.
const STRUCTURAL: &[&str] = &[
    "merge",
    "concat",
    "lookup",
    "element",
    "keys",
    "values",
    "zipmap",
    "flatten",
    "slice",
    "reverse",
    "tolist",
    "toset",
    "tomap",
    "coalesce",
    "coalescelist",
    "one",
    "jsonencode",
    "distinct",
    "chunklist",
    "setunion",
    "setintersection",
    "setsubtract",
    "setproduct",
    "matchkeys",
    "compact",
];

/// Conversions that hand an unknown on unchanged, so `tostring(aws_vpc.main.id)`
/// still reads as the VPC's address.
const PASS_UNKNOWN: &[&str] = &[
    "tostring",
    "tonumber",
    "tobool",
    "tolist",
    "toset",
    "tomap",
    "jsonencode",
];

/// Functions whose result is different on every run: unknown at plan time,
/// as Terraform shows them, and not a gap.
const VOLATILE: &[&str] = &["timestamp", "plantimestamp", "uuid", "bcrypt"];

pub(crate) fn call(ev: &mut Evaluator, cx: &Cx, scope: &Scope, fc: &FuncCall) -> R {
    let name = fc.name.name.as_str();
    let at = cx.at(fc.span());
    if fc.name.is_namespaced() {
        let full: Vec<&str> = fc
            .name
            .namespace
            .iter()
            .map(|n| n.as_str())
            .chain([name])
            .collect();
        let full = full.join("::");
        return Ok(Value::unknown(Unknown::not_modelled(
            format!("{full}(…)"),
            format!("{at} función de proveedor `{full}`"),
        )));
    }
    match name {
        "try" => {
            for a in fc.args.iter() {
                if let Ok(v) = ev.eval(cx, scope, a) {
                    return Ok(v);
                }
            }
            return Err(EvalError {
                at,
                message: "try(): ninguna de las expresiones se pudo evaluar".into(),
            });
        }
        "can" => {
            let Some(a) = fc.args.iter().next() else {
                return Err(EvalError {
                    at,
                    message: "can() necesita una expresión".into(),
                });
            };
            return Ok(match ev.eval(cx, scope, a) {
                Ok(v) => match v.flatten().unmark().0 {
                    Value::Unknown(u) => Value::Unknown(u),
                    _ => Value::Bool(true),
                },
                Err(_) => Value::Bool(false),
            });
        }
        _ => {}
    }
    let mut args = Vec::with_capacity(fc.args.len());
    for a in fc.args.iter() {
        args.push(ev.eval(cx, scope, a)?);
    }
    if fc.args.expand_final()
        && let Some(last) = args.pop()
    {
        match last.flatten().unmark() {
            (Value::List(items), s) => args.extend(items.into_iter().map(|i| i.mark(s))),
            (Value::Unknown(u), s) => return Ok(Value::Unknown(u).mark(s)),
            (other, _) => {
                return Err(EvalError {
                    at,
                    message: format!(
                        "{name}(...): `...` necesita una lista, no {}",
                        other.type_name()
                    ),
                });
            }
        }
    }
    let fail = |e: FnErr| match e {
        FnErr::Unknown(u) => Ok(Value::Unknown(u)),
        FnErr::Invalid(m) => Err(EvalError {
            at: at.clone(),
            message: format!("{name}(): {m}"),
        }),
    };

    // Functions that see marks and string composites as they are.
    match name {
        "sensitive" => return Ok(args.into_iter().next().unwrap_or(Value::Null).mark(true)),
        "nonsensitive" => {
            return Ok(args
                .into_iter()
                .next()
                .unwrap_or(Value::Null)
                .deep_unmark()
                .0);
        }
        "issensitive" => {
            return Ok(Value::Bool(
                args.first().is_some_and(Value::is_sensitive_deep),
            ));
        }
        "jsondecode" => return encoding::jsondecode(args).or_else(fail),
        "file" | "templatefile" | "fileexists" | "filebase64" | "abspath" => {
            return files::call(ev, cx, name, args).or_else(fail);
        }
        n if VOLATILE.contains(&n) => {
            return Ok(Value::unknown(Unknown::reference(format!("{n}()"))));
        }
        _ => {}
    }

    let structural = STRUCTURAL.contains(&name);
    let mut sensitive = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            let (a, s) = if structural {
                a.unmark()
            } else {
                a.deep_unmark()
            };
            sensitive |= s;
            if name == "jsonencode" {
                a
            } else {
                a.flatten().unmark().0
            }
        })
        .collect();
    let unknowns: Vec<Rc<Unknown>> = args
        .iter()
        .filter_map(|a| {
            if let Value::Unknown(u) = a {
                Some(u.clone())
            } else {
                None
            }
        })
        .collect();
    // One argument that is one of several known values, the rest known:
    // the result is one of the results (`concat(base, cond ? [x] : [])`).
    if let [u] = unknowns.as_slice()
        && let Some(alternatives) = &u.alternatives
    {
        let at_arg = args
            .iter()
            .position(|a| matches!(a, Value::Unknown(x) if Rc::ptr_eq(x, u)));
        if let Some(at_arg) = at_arg {
            let results: Option<Vec<Value>> = alternatives
                .iter()
                .map(|alt| {
                    let mut each = args.clone();
                    each[at_arg] = alt.clone();
                    match dispatch(name, &each) {
                        Some(Ok(v)) if v.has_known_shape() => Some(v),
                        _ => None,
                    }
                })
                .collect();
            if let Some(results) = results {
                return Ok(Value::one_of(u, results).mark(sensitive));
            }
        }
    }
    if !unknowns.is_empty() {
        if PASS_UNKNOWN.contains(&name) && args.len() == 1 {
            return Ok(args
                .into_iter()
                .next()
                .unwrap_or(Value::Null)
                .mark(sensitive));
        }
        // The instances of a representative resource (a `for_each` of
        // unknown keys) as a list: each element is its instance.
        if name == "values"
            && let [Value::Unknown(u)] = args.as_slice()
            && let Some(r) = &u.rep
        {
            return Ok(Value::unknown(Unknown {
                rep: None,
                each: Some(Rc::new(Value::Resource(r.clone()))),
                ..u.extend("[*]")
            })
            .mark(sensitive));
        }
        // `format("%s-db", var.prefix)`: the text around the unknowns is
        // known, so names built this way stay apart and join their
        // references (a name read by the same expression).
        if name == "format"
            && let Some(parts) = format_parts(&args)
        {
            return Ok(Value::Partial(Rc::new(parts)).mark(sensitive));
        }
        if is_known_function(name) {
            return Ok(
                Value::unknown(Unknown::combine(unknowns.iter().map(|u| u.as_ref())))
                    .mark(sensitive),
            );
        }
    }
    match dispatch(name, &args) {
        Some(Ok(v)) => Ok(v.mark(sensitive)),
        Some(Err(e)) => fail(e).map(|v| v.mark(sensitive)),
        None => Ok(Value::unknown(Unknown::not_modelled(
            format!("{name}(…)"),
            format!("{at} función `{name}`"),
        ))),
    }
}

/// `format`'s result with unknown arguments as a template: literal text
/// and the arguments in order. Only `%s`, `%d`, `%v` and `%%`: any other
/// verb (widths, `%q`, indexes) changes the text, and the result stays a
/// plain unknown.
fn format_parts(args: &[Value]) -> Option<Vec<crate::value::Part>> {
    use crate::value::Part;
    let (Value::String(spec), rest) = args.split_first()? else {
        return None;
    };
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut next = rest.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        match chars.next()? {
            '%' => lit.push('%'),
            's' | 'd' | 'v' => {
                let v = next.next()?;
                if matches!(v, Value::List(_) | Value::Object(_)) {
                    return None;
                }
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Val(v.clone()));
            }
            _ => return None,
        }
    }
    if next.next().is_some() {
        return None;
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Some(parts)
}

fn is_known_function(name: &str) -> bool {
    dispatch_table(name).is_some()
}

type Impl = fn(&[Value]) -> FR;

fn dispatch(name: &str, args: &[Value]) -> Option<FR> {
    dispatch_table(name).map(|f| f(args))
}

fn dispatch_table(name: &str) -> Option<Impl> {
    strings::lookup(name)
        .or_else(|| collections::lookup(name))
        .or_else(|| numeric::lookup(name))
        .or_else(|| network::lookup(name))
        .or_else(|| encoding::lookup(name))
        .or_else(|| files::lookup_pure(name))
}

// ---- argument helpers ----------------------------------------------------

pub(crate) fn arity(args: &[Value], min: usize, max: usize) -> Result<(), FnErr> {
    if args.len() < min || args.len() > max {
        let expected = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("al menos {min}")
        } else {
            format!("de {min} a {max}")
        };
        return Err(FnErr::Invalid(format!(
            "se esperaban {expected} argumentos, no {}",
            args.len()
        )));
    }
    Ok(())
}

pub(crate) fn s(v: &Value) -> Result<String, FnErr> {
    match v.unmarked() {
        Value::String(x) => Ok(x.clone()),
        Value::Number(n) => Ok(fmt_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Unknown(u) => Err(FnErr::Unknown(u.clone())),
        Value::Partial(_) | Value::Encoded(_) => s(&v.clone().flatten()),
        Value::Null => Err(FnErr::Invalid("se esperaba una cadena, no null".into())),
        other => Err(FnErr::Invalid(format!(
            "se esperaba una cadena, no {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn n(v: &Value) -> Result<f64, FnErr> {
    match v.unmarked() {
        Value::Number(n) => Ok(*n),
        Value::String(x) => x
            .trim()
            .parse()
            .map_err(|_| FnErr::Invalid(format!("\"{x}\" no es un número"))),
        Value::Unknown(u) => Err(FnErr::Unknown(u.clone())),
        other => Err(FnErr::Invalid(format!(
            "se esperaba un número, no {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn int(v: &Value) -> Result<i64, FnErr> {
    let x = n(v)?;
    if x.fract() != 0.0 {
        return Err(FnErr::Invalid(format!(
            "se esperaba un número entero, no {}",
            fmt_number(x)
        )));
    }
    Ok(x as i64)
}

pub(crate) fn b(v: &Value) -> Result<bool, FnErr> {
    match v.unmarked() {
        Value::Bool(x) => Ok(*x),
        Value::String(x) if x == "true" || x == "false" => Ok(x == "true"),
        Value::Unknown(u) => Err(FnErr::Unknown(u.clone())),
        other => Err(FnErr::Invalid(format!(
            "se esperaba un bool, no {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn list(v: &Value) -> Result<Vec<Value>, FnErr> {
    match v.unmarked() {
        Value::List(items) => Ok(items.clone()),
        Value::Unknown(u) => Err(FnErr::Unknown(u.clone())),
        other => Err(FnErr::Invalid(format!(
            "se esperaba una lista, no {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn obj(v: &Value) -> Result<BTreeMap<String, Value>, FnErr> {
    match v.unmarked() {
        Value::Object(m) => Ok(m.clone()),
        Value::Resource(r) => Ok(r.attrs.clone()),
        Value::Unknown(u) => Err(FnErr::Unknown(u.clone())),
        other => Err(FnErr::Invalid(format!(
            "se esperaba un mapa u objeto, no {}",
            other.type_name()
        ))),
    }
}

/// Every element known, as strings.
pub(crate) fn strs(v: &Value) -> Result<Vec<String>, FnErr> {
    list(v)?.iter().map(s).collect()
}

pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}
