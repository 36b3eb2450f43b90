//! Numeric functions.

use super::{FR, FnErr, Impl, arg, arity, int, n, s};
use crate::value::Value;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "min" => |a| extremum(a, f64::min),
        "max" => |a| extremum(a, f64::max),
        "abs" => |a| Ok(Value::Number(n(arg(a, 0))?.abs())),
        "ceil" => |a| Ok(Value::Number(n(arg(a, 0))?.ceil())),
        "floor" => |a| Ok(Value::Number(n(arg(a, 0))?.floor())),
        "pow" => |a| Ok(Value::Number(n(arg(a, 0))?.powf(n(arg(a, 1))?))),
        "signum" => |a| {
            let x = n(arg(a, 0))?;
            Ok(Value::Number(if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }))
        },
        "log" => |a| Ok(Value::Number(n(arg(a, 0))?.ln() / n(arg(a, 1))?.ln())),
        "parseint" => |a| {
            arity(a, 2, 2)?;
            let text = s(&a[0])?;
            let base =
                u32::try_from(int(&a[1])?).map_err(|_| FnErr::Invalid("base no válida".into()))?;
            if !(2..=36).contains(&base) {
                return Err(FnErr::Invalid(format!("base {base} no admitida")));
            }
            i64::from_str_radix(&text, base)
                .map(|v| Value::Number(v as f64))
                .map_err(|_| FnErr::Invalid(format!("\"{text}\" no es un entero en base {base}")))
        },
        _ => return None,
    })
}

fn extremum(a: &[Value], pick: fn(f64, f64) -> f64) -> FR {
    arity(a, 1, usize::MAX)?;
    let mut acc = n(&a[0])?;
    for v in &a[1..] {
        acc = pick(acc, n(v)?);
    }
    Ok(Value::Number(acc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        lookup(name).unwrap()(args).unwrap()
    }

    #[test]
    fn numbers() {
        let ns = |v: &[f64]| v.iter().map(|x| Value::Number(*x)).collect::<Vec<_>>();
        assert_eq!(call("min", &ns(&[3.0, 1.0, 2.0])), Value::Number(1.0));
        assert_eq!(call("max", &ns(&[3.0, 1.0, 2.0])), Value::Number(3.0));
        assert_eq!(call("abs", &ns(&[-2.0])), Value::Number(2.0));
        assert_eq!(call("ceil", &ns(&[1.2])), Value::Number(2.0));
        assert_eq!(call("floor", &ns(&[1.8])), Value::Number(1.0));
        assert_eq!(call("pow", &ns(&[2.0, 10.0])), Value::Number(1024.0));
        assert_eq!(call("signum", &ns(&[-7.0])), Value::Number(-1.0));
        assert_eq!(call("log", &ns(&[8.0, 2.0])), Value::Number(3.0));
        assert_eq!(
            call("parseint", &[Value::str("ff"), Value::Number(16.0)]),
            Value::Number(255.0)
        );
        assert_eq!(
            call("max", &[Value::str("5"), Value::Number(4.0)]),
            Value::Number(5.0)
        );
    }
}
