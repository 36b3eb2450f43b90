//! String functions: format, join, split, replace (with `/regex/`), regex,
//! case and trimming.

use super::{FR, FnErr, Impl, arg, arity, int, n, s, strs};
use crate::value::{Value, fmt_number};

/// Padding wider than this is a mistake, not a format.
const MAX_PAD: usize = 4096;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "format" => format,
        "formatlist" => formatlist,
        "join" => join,
        "split" => split,
        "lower" => |a| Ok(Value::String(s(arg(a, 0))?.to_lowercase())),
        "upper" => |a| Ok(Value::String(s(arg(a, 0))?.to_uppercase())),
        "title" => title,
        "trimspace" => |a| Ok(Value::String(s(arg(a, 0))?.trim().to_string())),
        "trim" => |a| {
            let cut: Vec<char> = s(arg(a, 1))?.chars().collect();
            Ok(Value::String(
                s(arg(a, 0))?.trim_matches(|c| cut.contains(&c)).to_string(),
            ))
        },
        "trimprefix" => |a| {
            let x = s(arg(a, 0))?;
            let p = s(arg(a, 1))?;
            Ok(Value::String(
                x.strip_prefix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        },
        "trimsuffix" => |a| {
            let x = s(arg(a, 0))?;
            let p = s(arg(a, 1))?;
            Ok(Value::String(
                x.strip_suffix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        },
        "chomp" => |a| {
            Ok(Value::String(
                s(arg(a, 0))?.trim_end_matches(['\n', '\r']).to_string(),
            ))
        },
        "strrev" => |a| Ok(Value::String(s(arg(a, 0))?.chars().rev().collect())),
        "substr" => substr,
        "indent" => |a| {
            let pad = " ".repeat(usize::try_from(int(arg(a, 0))?).unwrap_or(0).min(MAX_PAD));
            let text = s(arg(a, 1))?;
            Ok(Value::String(
                text.split('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            l.to_string()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ))
        },
        "startswith" => |a| Ok(Value::Bool(s(arg(a, 0))?.starts_with(&s(arg(a, 1))?))),
        "endswith" => |a| Ok(Value::Bool(s(arg(a, 0))?.ends_with(&s(arg(a, 1))?))),
        "strcontains" => |a| Ok(Value::Bool(s(arg(a, 0))?.contains(&s(arg(a, 1))?))),
        "replace" => replace,
        "regex" => |a| regex_fn(a, false),
        "regexall" => |a| regex_fn(a, true),
        _ => return None,
    })
}

fn join(a: &[Value]) -> FR {
    arity(a, 2, usize::MAX)?;
    let sep = s(&a[0])?;
    let mut parts = Vec::new();
    for l in &a[1..] {
        parts.extend(strs(l)?);
    }
    Ok(Value::String(parts.join(&sep)))
}

fn split(a: &[Value]) -> FR {
    arity(a, 2, 2)?;
    let sep = s(&a[0])?;
    let text = s(&a[1])?;
    if text.is_empty() {
        return Ok(Value::List(vec![Value::str("")]));
    }
    if sep.is_empty() {
        return Ok(Value::List(
            text.chars().map(|c| Value::String(c.to_string())).collect(),
        ));
    }
    Ok(Value::List(
        text.split(sep.as_str()).map(Value::str).collect(),
    ))
}

fn title(a: &[Value]) -> FR {
    let text = s(arg(a, 0))?;
    let mut out = String::new();
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    Ok(Value::String(out))
}

fn substr(a: &[Value]) -> FR {
    arity(a, 3, 3)?;
    let chars: Vec<char> = s(&a[0])?.chars().collect();
    let len = chars.len() as i64;
    let mut off = int(&a[1])?;
    let count = int(&a[2])?;
    if off < 0 {
        off += len;
    }
    if off < 0 || off > len {
        return Err(FnErr::Invalid(format!(
            "el desplazamiento {off} queda fuera de la cadena"
        )));
    }
    let end = if count < 0 {
        len
    } else {
        (off + count).min(len)
    };
    Ok(Value::String(
        chars[off as usize..end as usize].iter().collect(),
    ))
}

fn replace(a: &[Value]) -> FR {
    arity(a, 3, 3)?;
    let text = s(&a[0])?;
    let pat = s(&a[1])?;
    let rep = s(&a[2])?;
    if pat.len() >= 2 && pat.starts_with('/') && pat.ends_with('/') {
        let re = compile(&pat[1..pat.len() - 1])?;
        return Ok(Value::String(
            re.replace_all(&text, rep.as_str()).into_owned(),
        ));
    }
    Ok(Value::String(text.replace(&pat, &rep)))
}

fn compile(pattern: &str) -> Result<regex::Regex, FnErr> {
    regex::Regex::new(pattern)
        .map_err(|e| FnErr::Invalid(format!("expresión regular no válida: {e}")))
}

fn regex_fn(a: &[Value], all: bool) -> FR {
    arity(a, 2, 2)?;
    let re = compile(&s(&a[0])?)?;
    let text = s(&a[1])?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let shape = |c: regex::Captures| -> Value {
        if names.is_empty() {
            Value::str(c.get(0).map_or("", |m| m.as_str()))
        } else if names.iter().all(Option::is_some) {
            Value::Object(
                names
                    .iter()
                    .flatten()
                    .map(|n| {
                        (
                            n.to_string(),
                            c.name(n).map_or(Value::Null, |m| Value::str(m.as_str())),
                        )
                    })
                    .collect(),
            )
        } else {
            Value::List(
                (1..=names.len())
                    .map(|i| c.get(i).map_or(Value::Null, |m| Value::str(m.as_str())))
                    .collect(),
            )
        }
    };
    if all {
        return Ok(Value::List(re.captures_iter(&text).map(shape).collect()));
    }
    match re.captures(&text) {
        Some(c) => Ok(shape(c)),
        None => Err(FnErr::Invalid(
            "la expresión regular no encaja con la cadena".into(),
        )),
    }
}

fn formatlist(a: &[Value]) -> FR {
    arity(a, 1, usize::MAX)?;
    let fmt = s(&a[0])?;
    let mut len: Option<usize> = None;
    for v in &a[1..] {
        if let Value::List(items) = v.unmarked() {
            match len {
                Some(l) if l != items.len() => {
                    return Err(FnErr::Invalid(
                        "todas las listas deben tener la misma longitud".into(),
                    ));
                }
                _ => len = Some(items.len()),
            }
        }
    }
    let Some(len) = len else {
        return Ok(Value::List(vec![Value::String(render(&fmt, &a[1..])?)]));
    };
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let row: Vec<Value> = a[1..]
            .iter()
            .map(|v| match v.unmarked() {
                Value::List(items) => items[i].clone(),
                other => other.clone(),
            })
            .collect();
        out.push(Value::String(render(&fmt, &row)?));
    }
    Ok(Value::List(out))
}

fn format(a: &[Value]) -> FR {
    arity(a, 1, usize::MAX)?;
    Ok(Value::String(render(&s(&a[0])?, &a[1..])?))
}

/// Go-style verbs as Terraform's `format` knows them: `%s %v %q %d %f %e
/// %g %t %b %o %x %X %%`, flags `-+ 0#`, width, precision and `%[n]`.
fn render(fmt: &str, args: &[Value]) -> Result<String, FnErr> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut next = 0usize;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let (mut minus, mut plus, mut zero, mut space) = (false, false, false, false);
        while let Some(&c) = chars.get(i) {
            match c {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                ' ' => space = true,
                '#' => {}
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'[') {
            let close = chars[i..]
                .iter()
                .position(|&c| c == ']')
                .ok_or_else(|| FnErr::Invalid("falta `]` en el formato".into()))?;
            let idx: String = chars[i + 1..i + close].iter().collect();
            next = idx
                .parse::<usize>()
                .map_err(|_| FnErr::Invalid(format!("índice de argumento `{idx}` no válido")))?
                .saturating_sub(1);
            i += close + 1;
        }
        let mut width = 0usize;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            width = width * 10 + d as usize;
            i += 1;
        }
        let mut precision: Option<usize> = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                p = p * 10 + d as usize;
                i += 1;
            }
            precision = Some(p);
        }
        let Some(&verb) = chars.get(i) else {
            return Err(FnErr::Invalid("el formato termina a medias".into()));
        };
        i += 1;
        let v = args
            .get(next)
            .ok_or_else(|| FnErr::Invalid(format!("faltan argumentos para `%{verb}`")))?;
        next += 1;
        let sign = |x: f64, body: String| -> String {
            if x < 0.0 || body.starts_with('-') {
                body
            } else if plus {
                format!("+{body}")
            } else if space {
                format!(" {body}")
            } else {
                body
            }
        };
        let mut piece = match verb {
            's' => {
                let mut t = s(v)?;
                if let Some(p) = precision {
                    t = t.chars().take(p).collect();
                }
                t
            }
            'v' => match v.unmarked() {
                Value::List(_) | Value::Object(_) => {
                    crate::json::encode(v).map_err(FnErr::Unknown)?.0
                }
                _ => s(v)?,
            },
            'q' => {
                crate::json::encode(&Value::String(s(v)?))
                    .map_err(FnErr::Unknown)?
                    .0
            }
            'd' => {
                let x = n(v)?;
                if x.fract() != 0.0 {
                    return Err(FnErr::Invalid(format!(
                        "`%d` necesita un entero, no {}",
                        fmt_number(x)
                    )));
                }
                sign(x, format!("{}", x as i64))
            }
            'f' | 'F' => {
                let x = n(v)?;
                sign(x, format!("{:.*}", precision.unwrap_or(6).min(MAX_PAD), x))
            }
            'e' | 'E' => {
                let x = n(v)?;
                let t = go_exp(&format!("{:.*e}", precision.unwrap_or(6).min(MAX_PAD), x));
                sign(x, if verb == 'E' { t.to_uppercase() } else { t })
            }
            'g' | 'G' => {
                let x = n(v)?;
                sign(x, fmt_number(x))
            }
            't' => match v.unmarked() {
                Value::Bool(b) => b.to_string(),
                Value::Unknown(u) => return Err(FnErr::Unknown(u.clone())),
                other => {
                    return Err(FnErr::Invalid(format!(
                        "`%t` necesita un bool, no {}",
                        other.type_name()
                    )));
                }
            },
            'b' | 'o' | 'x' | 'X' => match v.unmarked() {
                Value::String(t) if matches!(verb, 'x' | 'X') => {
                    let h: String = t.bytes().map(|b| format!("{b:02x}")).collect();
                    if verb == 'X' { h.to_uppercase() } else { h }
                }
                _ => {
                    let x = int(v)?;
                    let body = match verb {
                        'b' => format!("{:b}", x.unsigned_abs()),
                        'o' => format!("{:o}", x.unsigned_abs()),
                        'x' => format!("{:x}", x.unsigned_abs()),
                        _ => format!("{:X}", x.unsigned_abs()),
                    };
                    sign(x as f64, if x < 0 { format!("-{body}") } else { body })
                }
            },
            other => {
                return Err(FnErr::Invalid(format!(
                    "verbo de formato `%{other}` no admitido"
                )));
            }
        };
        if width > MAX_PAD {
            return Err(FnErr::Invalid(format!("anchura {width} demasiado grande")));
        }
        let len = piece.chars().count();
        if len < width {
            let pad = width - len;
            if minus {
                piece.push_str(&" ".repeat(pad));
            } else if zero && !matches!(verb, 's' | 'q' | 'v' | 't') {
                let (sgn, rest) = match piece.chars().next() {
                    Some(c @ ('-' | '+' | ' ')) => (c.to_string(), piece[1..].to_string()),
                    _ => (String::new(), piece.clone()),
                };
                piece = format!("{sgn}{}{rest}", "0".repeat(pad));
            } else {
                piece = format!("{}{piece}", " ".repeat(pad));
            }
        }
        out.push_str(&piece);
    }
    Ok(out)
}

/// Rust writes `1.5e3`; Go (and Terraform) `1.5e+03`.
fn go_exp(t: &str) -> String {
    match t.split_once('e') {
        Some((m, e)) => {
            let (sgn, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sgn}{digits:0>2}")
        }
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        lookup(name).unwrap()(args).unwrap()
    }

    #[test]
    fn format_handles_go_verbs() {
        assert_eq!(
            call(
                "format",
                &[Value::str("%s-%03d"), Value::str("app"), Value::Number(7.0)]
            ),
            Value::str("app-007")
        );
        assert_eq!(
            call(
                "format",
                &[
                    Value::str("%.2f|%5s|%-4s|"),
                    Value::Number(1.23456),
                    Value::str("ab"),
                    Value::str("c")
                ]
            ),
            Value::str("1.23|   ab|c   |")
        );
        assert_eq!(
            call(
                "format",
                &[
                    Value::str("%q %t %x %%"),
                    Value::str("a\"b"),
                    Value::Bool(true),
                    Value::Number(255.0)
                ]
            ),
            Value::str("\"a\\\"b\" true ff %")
        );
        assert_eq!(
            call(
                "format",
                &[Value::str("%[2]s %[1]s"), Value::str("a"), Value::str("b")]
            ),
            Value::str("b a")
        );
        assert_eq!(
            call("format", &[Value::str("%e"), Value::Number(1500.0)]),
            Value::str("1.500000e+03")
        );
        assert!(lookup("format").unwrap()(&[Value::str("%d"), Value::Number(1.5)]).is_err());
    }

    #[test]
    fn join_split_replace_regex() {
        let l = Value::List(vec![Value::str("a"), Value::str("b")]);
        assert_eq!(
            call("join", &[Value::str(","), l.clone()]),
            Value::str("a,b")
        );
        assert_eq!(call("split", &[Value::str(","), Value::str("a,b")]), l);
        assert_eq!(
            call(
                "replace",
                &[Value::str("a-b-c"), Value::str("-"), Value::str("_")]
            ),
            Value::str("a_b_c")
        );
        assert_eq!(
            call(
                "replace",
                &[Value::str("a1b22"), Value::str("/[0-9]+/"), Value::str("#")]
            ),
            Value::str("a#b#")
        );
        assert_eq!(
            call("regex", &[Value::str("[a-z]+"), Value::str("123abc456")]),
            Value::str("abc")
        );
        assert_eq!(
            call("regexall", &[Value::str("(\\d)"), Value::str("a1b2")]),
            Value::List(vec![
                Value::List(vec![Value::str("1")]),
                Value::List(vec![Value::str("2")])
            ])
        );
    }

    #[test]
    fn case_trim_and_substrings() {
        assert_eq!(call("lower", &[Value::str("AbC")]), Value::str("abc"));
        assert_eq!(call("upper", &[Value::str("AbC")]), Value::str("ABC"));
        assert_eq!(
            call("title", &[Value::str("hola mundo")]),
            Value::str("Hola Mundo")
        );
        assert_eq!(call("trimspace", &[Value::str("  x \n")]), Value::str("x"));
        assert_eq!(
            call("trim", &[Value::str("?!x!?"), Value::str("!?")]),
            Value::str("x")
        );
        assert_eq!(
            call("trimprefix", &[Value::str("arn:x"), Value::str("arn:")]),
            Value::str("x")
        );
        assert_eq!(
            call("trimsuffix", &[Value::str("a.tf"), Value::str(".tf")]),
            Value::str("a")
        );
        assert_eq!(call("chomp", &[Value::str("x\n")]), Value::str("x"));
        assert_eq!(
            call(
                "substr",
                &[Value::str("hello"), Value::Number(1.0), Value::Number(3.0)]
            ),
            Value::str("ell")
        );
        assert_eq!(
            call(
                "substr",
                &[
                    Value::str("hello"),
                    Value::Number(-3.0),
                    Value::Number(-1.0)
                ]
            ),
            Value::str("llo")
        );
        assert_eq!(call("strrev", &[Value::str("abc")]), Value::str("cba"));
        assert_eq!(
            call("startswith", &[Value::str("abc"), Value::str("ab")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(
                "formatlist",
                &[
                    Value::str("%s-x"),
                    Value::List(vec![Value::str("a"), Value::str("b")])
                ]
            ),
            Value::List(vec![Value::str("a-x"), Value::str("b-x")])
        );
    }
}
