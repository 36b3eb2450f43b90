//! JSON in and out: `jsonencode` exactly as Terraform writes it (compact,
//! keys in lexical order, `<`, `>`, `&` escaped like Go's encoder), JSON text
//! read back into values, and JSON written in a template whose interpolations
//! are unknown or sensitive, read without losing which field is which.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::value::{Part, Unknown, Value, fmt_number};

/// Encodes a fully known value. `Err` carries the first unknown inside;
/// the `bool` says whether any part was sensitive.
pub(crate) fn encode(v: &Value) -> Result<(String, bool), Rc<Unknown>> {
    let mut out = String::new();
    let mut sensitive = false;
    write(v, &mut out, &mut sensitive, false)?;
    Ok((out, sensitive))
}

/// Encodes with unknowns written as their text form: what a document looks
/// like once the addresses stand for the ids they will be.
pub(crate) fn encode_text(v: &Value) -> Result<String, Rc<Unknown>> {
    let mut out = String::new();
    let mut sensitive = false;
    write(v, &mut out, &mut sensitive, true)?;
    Ok(out)
}

fn write(v: &Value, out: &mut String, sensitive: &mut bool, text: bool) -> Result<(), Rc<Unknown>> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&fmt_number(*n)),
        Value::String(s) => write_str(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out, sensitive, text)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write(item, out, sensitive, text)?;
            }
            out.push('}');
        }
        Value::Sensitive(inner) => {
            *sensitive = true;
            write(inner, out, sensitive, text)?;
        }
        Value::Unknown(u) => {
            if text {
                write_str(&u.text_form(), out);
            } else {
                return Err(u.clone());
            }
        }
        Value::Resource(r) => {
            if text {
                write_str(&r.address, out);
            } else {
                return Err(Rc::new(Unknown::reference(r.address.clone())));
            }
        }
        Value::Partial(_) | Value::Encoded(_) => {
            let flat = v.clone().flatten();
            if let Value::Unknown(u) = flat.unmarked() {
                if text {
                    write_str(&u.text_form(), out);
                } else {
                    return Err(u.clone());
                }
            } else {
                write(&flat, out, sensitive, text)?;
            }
        }
    }
    Ok(())
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JSON text into a value. Spanish error: what is wrong and where.
pub(crate) fn decode(text: &str) -> Result<Value, String> {
    let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "JSON no válido (línea {}, columna {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    Ok(from_serde(&parsed, &[]))
}

const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// JSON written by a template: each interpolated value that is not plain
/// text (unknown, sensitive) is written as a marker, the JSON is parsed, and
/// each marker is put back as the value it stands for, so one unknown
/// `DB_HOST` stays one unknown field.
pub(crate) fn decode_parts(parts: &[Part]) -> Result<Value, String> {
    let mut vals: Vec<Value> = Vec::new();
    let mut text = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for p in parts {
        match p {
            Part::Lit(s) => {
                for c in s.chars() {
                    if in_string {
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '"' {
                            in_string = false;
                        }
                    } else if c == '"' {
                        in_string = true;
                    }
                    text.push(c);
                }
            }
            Part::Val(v) => {
                let idx = vals.len();
                vals.push(v.clone());
                // Outside a JSON string the marker is quoted, so an unknown
                // number (`"cpu": ${var.cpu}`) still parses.
                if in_string {
                    text.push_str(&format!("{MARK_OPEN}{idx}{MARK_CLOSE}"));
                } else {
                    text.push_str(&format!("\"{MARK_OPEN}{idx}{MARK_CLOSE}\""));
                }
            }
        }
    }
    let parsed: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "JSON no válido (línea {}, columna {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    Ok(from_serde(&parsed, &vals))
}

fn from_serde(v: &serde_json::Value, vals: &[Value]) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => restore(s, vals),
        serde_json::Value::Array(items) => {
            Value::List(items.iter().map(|i| from_serde(i, vals)).collect())
        }
        serde_json::Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), from_serde(v, vals)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn restore(s: &str, vals: &[Value]) -> Value {
    if vals.is_empty() || !s.contains(MARK_OPEN) {
        return Value::String(s.to_string());
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(MARK_OPEN) {
        let after = &rest[start + MARK_OPEN.len_utf8()..];
        let Some(end) = after.find(MARK_CLOSE) else {
            break;
        };
        let Some(v) = after[..end].parse::<usize>().ok().and_then(|i| vals.get(i)) else {
            break;
        };
        if start > 0 {
            parts.push(Part::Lit(rest[..start].to_string()));
        }
        parts.push(Part::Val(v.clone()));
        rest = &after[end + MARK_CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    match parts.as_slice() {
        [Part::Val(v)] => v.clone(),
        _ => Value::Partial(Rc::new(parts)),
    }
}

/// A value as a JSON document for the Inventory (policies): unknowns as
/// their text form, marks dropped.
pub(crate) fn to_serde(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e17 {
                serde_json::Value::from(*n as i64)
            } else {
                serde_json::Number::from_f64(*n)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::List(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(map) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect())
        }
        Value::Sensitive(inner) => to_serde(inner),
        Value::Unknown(u) => serde_json::Value::String(u.text_form()),
        Value::Resource(r) => serde_json::Value::String(r.address.clone()),
        Value::Partial(_) | Value::Encoded(_) => {
            serde_json::Value::String(v.text_form().unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn encodes_like_terraform() {
        let v = obj(&[
            ("b", Value::Number(1.0)),
            ("a", Value::str("<x&y>")),
            ("c", Value::List(vec![Value::Bool(true), Value::Null])),
        ]);
        assert_eq!(
            encode(&v).unwrap().0,
            r#"{"a":"\u003cx\u0026y\u003e","b":1,"c":[true,null]}"#
        );
    }

    #[test]
    fn encoding_an_unknown_fails_but_text_form_renders_it() {
        let v = obj(&[(
            "r",
            Value::unknown(Unknown::with_text("aws_s3_bucket.b.arn", "aws_s3_bucket.b")),
        )]);
        assert_eq!(encode(&v).unwrap_err().primary(), "aws_s3_bucket.b.arn");
        assert_eq!(encode_text(&v).unwrap(), r#"{"r":"aws_s3_bucket.b"}"#);
    }

    #[test]
    fn template_json_keeps_unknown_fields_apart() {
        let host = Value::unknown(Unknown::reference("aws_db_instance.main.address"));
        let cpu = Value::unknown(Unknown::reference("var.cpu"));
        let parts = vec![
            Part::Lit(r#"[{"name":"app","cpu":"#.into()),
            Part::Val(cpu),
            Part::Lit(r#","environment":[{"name":"DB_HOST","value":""#.into()),
            Part::Val(host.clone()),
            Part::Lit(r#""},{"name":"URL","value":"http://"#.into()),
            Part::Val(host.clone()),
            Part::Lit(r#":80"}]}]"#.into()),
        ];
        let v = decode_parts(&parts).unwrap();
        let Value::List(items) = v else { panic!() };
        let Value::Object(c) = &items[0] else {
            panic!()
        };
        assert!(matches!(c["cpu"], Value::Unknown(_)));
        let Value::List(env) = &c["environment"] else {
            panic!()
        };
        let Value::Object(e0) = &env[0] else { panic!() };
        assert_eq!(e0["value"], host);
        let Value::Object(e1) = &env[1] else { panic!() };
        assert!(matches!(e1["value"], Value::Partial(_)));
    }

    #[test]
    fn invalid_json_says_where() {
        let e = decode("[{\"a\": }]").unwrap_err();
        assert!(e.contains("línea 1"), "{e}");
    }
}
