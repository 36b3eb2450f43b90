//! Encoding functions: JSON (keeping structure, see [`crate::json`]),
//! base64, URL encoding.

use super::{FR, FnErr, Impl, arg, s};
use crate::value::Value;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "jsonencode" => |a| Ok(Value::Encoded(Box::new(arg(a, 0).clone()))),
        "base64encode" => |a| Ok(Value::String(base64_encode(s(arg(a, 0))?.as_bytes()))),
        "base64decode" => |a| {
            let bytes = base64_decode(&s(arg(a, 0))?)
                .ok_or_else(|| FnErr::Invalid("no es base64 válido".into()))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| FnErr::Invalid("el contenido decodificado no es UTF-8".into()))
        },
        "urlencode" => |a| Ok(Value::String(urlencode(&s(arg(a, 0))?))),
        _ => return None,
    })
}

/// `jsondecode` sees its argument as it is: the result of `jsonencode` is
/// given back whole, and JSON written by a template keeps its unknown and
/// sensitive fields apart.
pub(super) fn jsondecode(args: Vec<Value>) -> FR {
    let Some(v) = args.into_iter().next() else {
        return Err(FnErr::Invalid("falta el argumento".into()));
    };
    let (v, sensitive) = v.unmark();
    let out = match v {
        Value::Encoded(inner) => *inner,
        Value::Partial(parts) => crate::json::decode_parts(&parts)?,
        Value::String(text) => crate::json::decode(&text)?,
        Value::Unknown(u) => return Err(FnErr::Unknown(u)),
        other => {
            return Err(FnErr::Invalid(format!(
                "se esperaba una cadena JSON, no {}",
                other.type_name()
            )));
        }
    };
    Ok(out.mark(sensitive))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            let v = match c {
                b'=' => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => B64.iter().position(|&x| x == c)? as u32,
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad.min(2)]);
    }
    Some(out)
}

fn urlencode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for t in ["", "a", "ab", "abc", "hola mundo!"] {
            assert_eq!(
                base64_decode(&base64_encode(t.as_bytes())).unwrap(),
                t.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"hola"), "aG9sYQ==");
        assert!(base64_decode("a").is_none());
    }

    #[test]
    fn json_round_trip_keeps_structure() {
        let v = Value::Object(
            [("a".to_string(), Value::Number(1.0))]
                .into_iter()
                .collect(),
        );
        let enc = lookup("jsonencode").unwrap()(std::slice::from_ref(&v)).unwrap();
        assert_eq!(enc.clone().flatten(), Value::str("{\"a\":1}"));
        assert_eq!(jsondecode(vec![enc]).unwrap(), v);
        assert_eq!(
            jsondecode(vec![Value::str("[1,\"x\"]")]).unwrap(),
            Value::List(vec![Value::Number(1.0), Value::str("x")])
        );
        assert!(matches!(
            jsondecode(vec![Value::str("{nope")]),
            Err(FnErr::Invalid(_))
        ));
    }

    #[test]
    fn url_encoding_is_go_query_escape() {
        assert_eq!(urlencode("a b&c/d"), "a+b%26c%2Fd");
    }
}
