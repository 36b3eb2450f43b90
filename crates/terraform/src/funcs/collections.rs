//! Collection functions and type conversions.

use std::collections::BTreeMap;

use super::{FR, FnErr, Impl, arg, arity, b, int, list, n, obj, s, strs};
use crate::types::to_set;
use crate::value::{Value, equals};

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "length" => length,
        "element" => element,
        "index" => index,
        "concat" => concat,
        "merge" => merge,
        "lookup" => lookup_fn,
        "keys" => |a| {
            Ok(Value::List(
                obj(arg(a, 0))?.into_keys().map(Value::String).collect(),
            ))
        },
        "values" => |a| Ok(Value::List(obj(arg(a, 0))?.into_values().collect())),
        "zipmap" => zipmap,
        "flatten" => |a| {
            let mut out = Vec::new();
            flatten_into(arg(a, 0), &mut out)?;
            Ok(Value::List(out))
        },
        "distinct" => |a| {
            let mut out: Vec<Value> = Vec::new();
            for v in list(arg(a, 0))? {
                match contains_value(&out, &v) {
                    Some(true) => {}
                    Some(false) => out.push(v),
                    None => return Err(unknown_in(&v)),
                }
            }
            Ok(Value::List(out))
        },
        "contains" => |a| {
            let l = list(arg(a, 0))?;
            match contains_value(&l, arg(a, 1)) {
                Some(x) => Ok(Value::Bool(x)),
                None => Err(unknown_in(&Value::List(l))),
            }
        },
        "slice" => slice,
        "reverse" => |a| Ok(Value::List(list(arg(a, 0))?.into_iter().rev().collect())),
        "sort" => |a| {
            let mut v = strs(arg(a, 0))?;
            v.sort();
            Ok(Value::List(v.into_iter().map(Value::String).collect()))
        },
        "range" => range,
        "compact" => |a| {
            let l = list(arg(a, 0))?;
            Ok(Value::List(
                l.into_iter()
                    .filter(|v| {
                        !v.is_null() && !matches!(v.unmarked(), Value::String(s) if s.is_empty())
                    })
                    .collect(),
            ))
        },
        "coalesce" => |a| {
            for v in a {
                match v.unmarked() {
                    Value::Null => continue,
                    Value::String(s) if s.is_empty() => continue,
                    _ => return Ok(v.clone()),
                }
            }
            Err(FnErr::Invalid(
                "todos los argumentos son null o cadenas vacías".into(),
            ))
        },
        "coalescelist" => |a| {
            for v in a {
                if !list(v)?.is_empty() {
                    return Ok(v.clone());
                }
            }
            Ok(Value::List(Vec::new()))
        },
        "one" => |a| {
            let l = list(arg(a, 0))?;
            match l.len() {
                0 => Ok(Value::Null),
                1 => Ok(l.into_iter().next().unwrap_or(Value::Null)),
                k => Err(FnErr::Invalid(format!(
                    "la lista tiene {k} elementos; one() admite 0 o 1"
                ))),
            }
        },
        "alltrue" => |a| {
            let mut all = true;
            for v in list(arg(a, 0))? {
                all &= b(&v)?;
            }
            Ok(Value::Bool(all))
        },
        "anytrue" => |a| {
            let mut any = false;
            for v in list(arg(a, 0))? {
                any |= b(&v)?;
            }
            Ok(Value::Bool(any))
        },
        "sum" => |a| {
            let l = list(arg(a, 0))?;
            if l.is_empty() {
                return Err(FnErr::Invalid("sum() de una lista vacía".into()));
            }
            let mut t = 0.0;
            for v in &l {
                t += n(v)?;
            }
            Ok(Value::Number(t))
        },
        "chunklist" => |a| {
            let l = list(arg(a, 0))?;
            let size = usize::try_from(int(arg(a, 1))?).unwrap_or(0);
            if size == 0 {
                return Ok(Value::List(vec![Value::List(l)]));
            }
            Ok(Value::List(
                l.chunks(size).map(|c| Value::List(c.to_vec())).collect(),
            ))
        },
        "setunion" => |a| {
            let mut all = Vec::new();
            for v in a {
                all.extend(list(v)?);
            }
            Ok(to_set(all))
        },
        "setintersection" => |a| set_filter(a, true),
        "setsubtract" => |a| {
            arity(a, 2, 2)?;
            let other = list(&a[1])?;
            let mut out = Vec::new();
            for v in list(&a[0])? {
                match contains_value(&other, &v) {
                    Some(true) => {}
                    Some(false) => out.push(v),
                    None => return Err(unknown_in(&v)),
                }
            }
            Ok(to_set(out))
        },
        "setproduct" => setproduct,
        "transpose" => transpose,
        "matchkeys" => matchkeys,
        "tolist" => |a| Ok(Value::List(list(arg(a, 0))?)),
        "toset" => |a| Ok(to_set(list(arg(a, 0))?)),
        "tomap" => |a| Ok(Value::Object(obj(arg(a, 0))?)),
        "tostring" => |a| match arg(a, 0).unmarked() {
            Value::Null => Ok(Value::Null),
            v => Ok(Value::String(s(v)?)),
        },
        "tonumber" => |a| match arg(a, 0).unmarked() {
            Value::Null => Ok(Value::Null),
            v => Ok(Value::Number(n(v)?)),
        },
        "tobool" => |a| match arg(a, 0).unmarked() {
            Value::Null => Ok(Value::Null),
            v => Ok(Value::Bool(b(v)?)),
        },
        _ => return None,
    })
}

fn unknown_in(v: &Value) -> FnErr {
    match v.first_unknown() {
        Some(u) => FnErr::Unknown(u),
        None => FnErr::Invalid("valor no comparable".into()),
    }
}

fn contains_value(l: &[Value], v: &Value) -> Option<bool> {
    let mut undecided = false;
    for x in l {
        match equals(x, v) {
            Some(true) => return Some(true),
            None => undecided = true,
            Some(false) => {}
        }
    }
    if undecided { None } else { Some(false) }
}

fn length(a: &[Value]) -> FR {
    arity(a, 1, 1)?;
    Ok(Value::Number(match a[0].unmarked() {
        Value::List(l) => l.len(),
        Value::Object(m) => m.len(),
        Value::String(t) => t.chars().count(),
        Value::Resource(r) => r.attrs.len(),
        Value::Null => return Err(FnErr::Invalid("length() de null".into())),
        other => return Err(FnErr::Invalid(format!("length() de {}", other.type_name()))),
    } as f64))
}

fn element(a: &[Value]) -> FR {
    arity(a, 2, 2)?;
    let l = list(&a[0])?;
    if l.is_empty() {
        return Err(FnErr::Invalid("element() de una lista vacía".into()));
    }
    let i = int(&a[1])?;
    if i < 0 {
        return Err(FnErr::Invalid(
            "element() no admite índices negativos".into(),
        ));
    }
    // Terraform wraps around: element(list, length(list)) is the first.
    Ok(l[(i as usize) % l.len()].clone())
}

fn index(a: &[Value]) -> FR {
    arity(a, 2, 2)?;
    let l = list(&a[0])?;
    for (i, x) in l.iter().enumerate() {
        match equals(x, &a[1]) {
            Some(true) => return Ok(Value::Number(i as f64)),
            None => return Err(unknown_in(x)),
            Some(false) => {}
        }
    }
    Err(FnErr::Invalid("el valor no está en la lista".into()))
}

fn concat(a: &[Value]) -> FR {
    let mut out = Vec::new();
    for v in a {
        out.extend(list(v)?);
    }
    Ok(Value::List(out))
}

fn merge(a: &[Value]) -> FR {
    let mut out = BTreeMap::new();
    for v in a {
        if v.is_null() {
            continue;
        }
        out.extend(obj(v)?);
    }
    Ok(Value::Object(out))
}

fn lookup_fn(a: &[Value]) -> FR {
    arity(a, 2, 3)?;
    let m = obj(&a[0])?;
    let k = s(&a[1])?;
    match m.get(&k) {
        Some(v) => Ok(v.clone()),
        None => a.get(2).cloned().ok_or_else(|| {
            FnErr::Invalid(format!(
                "no existe la clave \"{k}\" y no hay valor por defecto"
            ))
        }),
    }
}

fn zipmap(a: &[Value]) -> FR {
    arity(a, 2, 2)?;
    let k = strs(&a[0])?;
    let v = list(&a[1])?;
    if k.len() != v.len() {
        return Err(FnErr::Invalid(format!(
            "{} claves y {} valores",
            k.len(),
            v.len()
        )));
    }
    Ok(Value::Object(k.into_iter().zip(v).collect()))
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) -> Result<(), FnErr> {
    for item in list(v)? {
        match item.unmarked() {
            Value::List(_) => flatten_into(&item, out)?,
            Value::Unknown(u) => return Err(FnErr::Unknown(u.clone())),
            _ => out.push(item),
        }
    }
    Ok(())
}

fn slice(a: &[Value]) -> FR {
    arity(a, 3, 3)?;
    let l = list(&a[0])?;
    let start = int(&a[1])?;
    let end = int(&a[2])?;
    if start < 0 || end < start || end as usize > l.len() {
        return Err(FnErr::Invalid(format!(
            "slice({start}, {end}) fuera de una lista de {}",
            l.len()
        )));
    }
    Ok(Value::List(l[start as usize..end as usize].to_vec()))
}

fn range(a: &[Value]) -> FR {
    arity(a, 1, 3)?;
    let (start, end, step) = match a.len() {
        1 => (0.0, n(&a[0])?, 1.0),
        2 => (n(&a[0])?, n(&a[1])?, 1.0),
        _ => (n(&a[0])?, n(&a[1])?, n(&a[2])?),
    };
    let step = if a.len() < 3 && end < start {
        -1.0
    } else {
        step
    };
    if step == 0.0 {
        return Err(FnErr::Invalid("el paso no puede ser 0".into()));
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(Value::Number(x));
        x += step;
        if out.len() > 1024 {
            return Err(FnErr::Invalid("range() de más de 1024 elementos".into()));
        }
    }
    Ok(Value::List(out))
}

fn set_filter(a: &[Value], keep_common: bool) -> FR {
    let Some(first) = a.first() else {
        return Ok(Value::List(Vec::new()));
    };
    let mut out = Vec::new();
    'outer: for v in list(first)? {
        for other in &a[1..] {
            match contains_value(&list(other)?, &v) {
                Some(found) if found != keep_common => continue 'outer,
                Some(_) => {}
                None => return Err(unknown_in(&v)),
            }
        }
        out.push(v);
    }
    Ok(to_set(out))
}

fn setproduct(a: &[Value]) -> FR {
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for v in a {
        let items = list(v)?;
        if out.len().saturating_mul(items.len()) > 10_000 {
            return Err(FnErr::Invalid(
                "setproduct() de más de 10000 combinaciones".into(),
            ));
        }
        out = out
            .into_iter()
            .flat_map(|prefix| {
                items
                    .iter()
                    .map(move |i| [prefix.clone(), vec![i.clone()]].concat())
            })
            .collect();
    }
    Ok(Value::List(out.into_iter().map(Value::List).collect()))
}

fn transpose(a: &[Value]) -> FR {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in obj(arg(a, 0))? {
        for item in strs(&v)? {
            out.entry(item).or_default().push(Value::String(k.clone()));
        }
    }
    Ok(Value::Object(
        out.into_iter().map(|(k, v)| (k, Value::List(v))).collect(),
    ))
}

fn matchkeys(a: &[Value]) -> FR {
    arity(a, 3, 3)?;
    let values = list(&a[0])?;
    let keys = list(&a[1])?;
    let search = list(&a[2])?;
    if values.len() != keys.len() {
        return Err(FnErr::Invalid(
            "values y keys deben tener la misma longitud".into(),
        ));
    }
    let mut out = Vec::new();
    for (v, k) in values.into_iter().zip(keys) {
        match contains_value(&search, &k) {
            Some(true) => out.push(v),
            Some(false) => {}
            None => return Err(unknown_in(&k)),
        }
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        lookup(name).unwrap()(args).unwrap()
    }
    fn l(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::str(*s)).collect())
    }
    fn o(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn lists() {
        assert_eq!(call("length", &[l(&["a", "b"])]), Value::Number(2.0));
        assert_eq!(call("length", &[Value::str("héllo")]), Value::Number(5.0));
        assert_eq!(
            call("element", &[l(&["a", "b"]), Value::Number(3.0)]),
            Value::str("b")
        );
        assert_eq!(
            call("concat", &[l(&["a"]), l(&["b", "c"])]),
            l(&["a", "b", "c"])
        );
        assert_eq!(
            call(
                "flatten",
                &[Value::List(vec![l(&["a"]), Value::List(vec![l(&["b"])])])]
            ),
            l(&["a", "b"])
        );
        assert_eq!(call("distinct", &[l(&["a", "b", "a"])]), l(&["a", "b"]));
        assert_eq!(
            call("contains", &[l(&["a", "b"]), Value::str("b")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(
                "slice",
                &[l(&["a", "b", "c"]), Value::Number(1.0), Value::Number(3.0)]
            ),
            l(&["b", "c"])
        );
        assert_eq!(call("reverse", &[l(&["a", "b"])]), l(&["b", "a"]));
        assert_eq!(call("sort", &[l(&["b", "a"])]), l(&["a", "b"]));
        assert_eq!(
            call("range", &[Value::Number(3.0)]),
            Value::List(vec![
                Value::Number(0.0),
                Value::Number(1.0),
                Value::Number(2.0)
            ])
        );
        assert_eq!(call("compact", &[l(&["a", "", "b"])]), l(&["a", "b"]));
        assert_eq!(
            call("index", &[l(&["a", "b"]), Value::str("b")]),
            Value::Number(1.0)
        );
        assert_eq!(call("one", &[l(&["a"])]), Value::str("a"));
        assert_eq!(
            call("chunklist", &[l(&["a", "b", "c"]), Value::Number(2.0)]),
            Value::List(vec![l(&["a", "b"]), l(&["c"])])
        );
        assert_eq!(call("toset", &[l(&["b", "a", "b"])]), l(&["a", "b"]));
        assert_eq!(
            call("setunion", &[l(&["a"]), l(&["b", "a"])]),
            l(&["a", "b"])
        );
        assert_eq!(
            call("setintersection", &[l(&["a", "b"]), l(&["b", "c"])]),
            l(&["b"])
        );
        assert_eq!(call("setsubtract", &[l(&["a", "b"]), l(&["b"])]), l(&["a"]));
        assert_eq!(
            call("setproduct", &[l(&["a", "b"]), l(&["x"])]),
            Value::List(vec![l(&["a", "x"]), l(&["b", "x"])])
        );
        assert_eq!(
            call(
                "alltrue",
                &[Value::List(vec![Value::Bool(true), Value::str("true")])]
            ),
            Value::Bool(true)
        );
        assert_eq!(
            call("anytrue", &[Value::List(vec![Value::Bool(false)])]),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                "sum",
                &[Value::List(vec![Value::Number(1.0), Value::Number(2.5)])]
            ),
            Value::Number(3.5)
        );
        assert_eq!(call("coalescelist", &[l(&[]), l(&["x"])]), l(&["x"]));
        assert_eq!(
            call("matchkeys", &[l(&["i1", "i2"]), l(&["a", "b"]), l(&["b"])]),
            l(&["i2"])
        );
    }

    #[test]
    fn maps() {
        let m = o(&[("a", Value::Number(1.0)), ("b", Value::Number(2.0))]);
        assert_eq!(call("keys", std::slice::from_ref(&m)), l(&["a", "b"]));
        assert_eq!(
            call("values", std::slice::from_ref(&m)),
            Value::List(vec![Value::Number(1.0), Value::Number(2.0)])
        );
        assert_eq!(
            call("lookup", &[m.clone(), Value::str("a")]),
            Value::Number(1.0)
        );
        assert_eq!(
            call("lookup", &[m.clone(), Value::str("z"), Value::str("d")]),
            Value::str("d")
        );
        assert!(lookup("lookup").unwrap()(&[m.clone(), Value::str("z")]).is_err());
        let merged = call(
            "merge",
            &[m.clone(), o(&[("b", Value::Number(3.0))]), Value::Null],
        );
        assert_eq!(
            merged,
            o(&[("a", Value::Number(1.0)), ("b", Value::Number(3.0))])
        );
        assert_eq!(
            call("zipmap", &[l(&["x", "y"]), l(&["1", "2"])]),
            o(&[("x", Value::str("1")), ("y", Value::str("2"))])
        );
        assert_eq!(
            call(
                "transpose",
                &[o(&[("a", l(&["1", "2"])), ("b", l(&["1"]))])]
            ),
            o(&[("1", l(&["a", "b"])), ("2", l(&["a"]))])
        );
        assert_eq!(
            call("coalesce", &[Value::Null, Value::str(""), Value::str("x")]),
            Value::str("x")
        );
    }

    #[test]
    fn conversions() {
        assert_eq!(call("tostring", &[Value::Number(5.0)]), Value::str("5"));
        assert_eq!(call("tonumber", &[Value::str("5")]), Value::Number(5.0));
        assert_eq!(call("tobool", &[Value::str("true")]), Value::Bool(true));
        assert!(lookup("tonumber").unwrap()(&[Value::str("x")]).is_err());
        assert_eq!(call("tolist", &[l(&["a"])]), l(&["a"]));
        assert_eq!(
            call("tomap", &[o(&[("a", Value::str("b"))])]),
            o(&[("a", Value::str("b"))])
        );
    }
}
