//! Type constraints of input variables (`type = list(object({...}))`) and
//! the conversion Terraform applies to a value given for one: `"5"` for a
//! number, a missing `optional(...)` attribute filled with its default.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};

use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Any,
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(Vec<ObjAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjAttr {
    pub name: String,
    pub ty: Ty,
    pub optional: bool,
    pub default: Option<Value>,
}

impl Ty {
    /// Whether a value for it given on the command line or in `TF_VAR_` is
    /// taken literally (primitive types) or parsed as HCL.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Ty::String | Ty::Number | Ty::Bool)
    }
}

/// Reads a type expression. Defaults of `optional(T, default)` are constant
/// expressions: `eval` evaluates them.
pub(crate) fn parse(expr: &Expression, eval: &mut dyn FnMut(&Expression) -> Value) -> Ty {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ty::String,
            "number" => Ty::Number,
            "bool" => Ty::Bool,
            _ => Ty::Any,
        },
        Expression::Parenthesis(p) => parse(p.inner(), eval),
        Expression::FuncCall(f) => {
            let args: Vec<&Expression> = f.args.iter().collect();
            let inner = |eval: &mut dyn FnMut(&Expression) -> Value| {
                args.first().map_or(Ty::Any, |a| parse(a, eval))
            };
            match f.name.name.as_str() {
                "list" => Ty::List(Box::new(inner(eval))),
                "set" => Ty::Set(Box::new(inner(eval))),
                "map" => Ty::Map(Box::new(inner(eval))),
                "tuple" => match args.first() {
                    Some(Expression::Array(a)) => {
                        Ty::Tuple(a.iter().map(|e| parse(e, eval)).collect())
                    }
                    _ => Ty::Any,
                },
                "object" => match args.first() {
                    Some(Expression::Object(o)) => Ty::Object(
                        o.iter()
                            .filter_map(|(k, v)| {
                                let name = match k {
                                    ObjectKey::Ident(i) => i.as_str().to_string(),
                                    ObjectKey::Expression(e) => e.as_str()?.to_string(),
                                };
                                Some(attr(name, v.expr(), eval))
                            })
                            .collect(),
                    ),
                    _ => Ty::Any,
                },
                _ => Ty::Any,
            }
        }
        _ => Ty::Any,
    }
}

fn attr(name: String, expr: &Expression, eval: &mut dyn FnMut(&Expression) -> Value) -> ObjAttr {
    if let Expression::FuncCall(f) = expr
        && f.name.name.as_str() == "optional"
    {
        let args: Vec<&Expression> = f.args.iter().collect();
        let ty = args.first().map_or(Ty::Any, |a| parse(a, eval));
        let default = args.get(1).map(|d| eval(d));
        return ObjAttr {
            name,
            ty,
            optional: true,
            default,
        };
    }
    ObjAttr {
        name,
        ty: parse(expr, eval),
        optional: false,
        default: None,
    }
}

/// Converts a value to a type, or says (in Spanish) why it does not fit.
pub(crate) fn convert(v: Value, ty: &Ty) -> Result<Value, String> {
    let (v, sensitive) = v.unmark();
    let out = match (ty, v) {
        (_, v @ (Value::Unknown(_) | Value::Null)) => v,
        (Ty::Any, v) => v,
        (Ty::String, v @ (Value::String(_) | Value::Partial(_) | Value::Encoded(_))) => v,
        (Ty::String, Value::Number(n)) => Value::String(crate::value::fmt_number(n)),
        (Ty::String, Value::Bool(b)) => Value::String(b.to_string()),
        (Ty::Number, Value::Number(n)) => Value::Number(n),
        (Ty::Number, Value::String(s)) => Value::Number(
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("\"{s}\" no es un número"))?,
        ),
        (Ty::Bool, Value::Bool(b)) => Value::Bool(b),
        (Ty::Bool, Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
        (Ty::List(t), Value::List(items)) => Value::List(
            items
                .into_iter()
                .map(|i| convert(i, t))
                .collect::<Result<_, _>>()?,
        ),
        (Ty::Set(t), Value::List(items)) => to_set(
            items
                .into_iter()
                .map(|i| convert(i, t))
                .collect::<Result<_, _>>()?,
        ),
        (Ty::Tuple(ts), Value::List(items)) if ts.len() == items.len() => Value::List(
            items
                .into_iter()
                .zip(ts)
                .map(|(i, t)| convert(i, t))
                .collect::<Result<_, _>>()?,
        ),
        (Ty::Map(t), Value::Object(map)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| Ok((k, convert(v, t)?)))
                .collect::<Result<_, String>>()?,
        ),
        (Ty::Object(attrs), Value::Object(mut map)) => {
            let mut out = BTreeMap::new();
            for a in attrs {
                match map.remove(&a.name) {
                    Some(v) if !(a.optional && v.is_null() && a.default.is_some()) => {
                        out.insert(
                            a.name.clone(),
                            convert(v, &a.ty).map_err(|e| format!("atributo `{}`: {e}", a.name))?,
                        );
                    }
                    _ if a.optional => {
                        let d = a.default.clone().unwrap_or(Value::Null);
                        out.insert(a.name.clone(), convert(d, &a.ty)?);
                    }
                    _ => return Err(format!("falta el atributo obligatorio `{}`", a.name)),
                }
            }
            Value::Object(out)
        }
        (ty, v) => return Err(format!("se esperaba {}, no {}", ty_name(ty), v.type_name())),
    };
    Ok(out.mark(sensitive))
}

fn ty_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Any => "cualquier valor",
        Ty::String => "una cadena",
        Ty::Number => "un número",
        Ty::Bool => "un bool",
        Ty::List(_) | Ty::Tuple(_) => "una lista",
        Ty::Set(_) => "un conjunto",
        Ty::Map(_) => "un mapa",
        Ty::Object(_) => "un objeto",
    }
}

/// Terraform's sets: no duplicates; strings and numbers in order.
pub(crate) fn to_set(items: Vec<Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for i in items {
        if !out
            .iter()
            .any(|o| crate::value::equals(o, &i) == Some(true))
        {
            out.push(i);
        }
    }
    if out.iter().all(|v| matches!(v.unmarked(), Value::String(_))) {
        out.sort_by_key(|v| v.unmarked().text_form());
    } else if out.iter().all(|v| matches!(v.unmarked(), Value::Number(_))) {
        out.sort_by(|a, b| match (a.unmarked(), b.unmarked()) {
            (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    }
    Value::List(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> Ty {
        let e = hcl_edit::parser::parse_expr(src).unwrap();
        parse(&e, &mut |e| match e.as_number() {
            Some(n) => Value::Number(n.as_f64().unwrap()),
            None => e.as_str().map_or(Value::Null, Value::str),
        })
    }

    #[test]
    fn converts_primitives_and_collections() {
        assert_eq!(
            convert(Value::str("5"), &ty("number")).unwrap(),
            Value::Number(5.0)
        );
        assert_eq!(
            convert(Value::Number(5.0), &ty("string")).unwrap(),
            Value::str("5")
        );
        assert!(convert(Value::str("x"), &ty("number")).is_err());
        let set = convert(
            Value::List(vec![Value::str("b"), Value::str("a"), Value::str("b")]),
            &ty("set(string)"),
        )
        .unwrap();
        assert_eq!(set, Value::List(vec![Value::str("a"), Value::str("b")]));
    }

    #[test]
    fn fills_optional_object_attributes() {
        let t = ty(
            r#"object({ port = number, proto = optional(string, "tcp"), note = optional(string) })"#,
        );
        let v = Value::Object(
            [("port".to_string(), Value::str("80"))]
                .into_iter()
                .collect(),
        );
        let Value::Object(o) = convert(v, &t).unwrap() else {
            panic!()
        };
        assert_eq!(o["port"], Value::Number(80.0));
        assert_eq!(o["proto"], Value::str("tcp"));
        assert_eq!(o["note"], Value::Null);
        assert!(
            convert(Value::Object(BTreeMap::new()), &t)
                .unwrap_err()
                .contains("port")
        );
    }

    #[test]
    fn keeps_the_sensitive_mark() {
        assert_eq!(
            convert(Value::str("1").mark(true), &Ty::Number).unwrap(),
            Value::Number(1.0).mark(true)
        );
    }
}
