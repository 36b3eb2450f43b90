//! The values Terraform expressions evaluate to, as this crate models them.
//!
//! Besides cty's null, bool, number, string, list and object, a static source
//! needs four more shapes: a value known only after apply ([`Unknown`], which
//! keeps the reference it depends on), a value marked sensitive (Terraform's
//! marks: it propagates through every operation), a string built from a
//! template with unknown or sensitive parts ([`Part`]s, so a heredoc of JSON
//! can still be read field by field), and the result of `jsonencode` (the
//! string keeps its structure, so an unknown `DB_HOST` does not turn a whole
//! task definition into one unknown string).

use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets (a set is kept sorted and without duplicates).
    List(Vec<Value>),
    /// Objects and maps: Terraform iterates both in lexical key order.
    Object(BTreeMap<String, Value>),
    /// A resource or data source instance: reading an attribute it does not
    /// configure yields an unknown that names it, instead of an error.
    Resource(Rc<ResObj>),
    Unknown(Rc<Unknown>),
    /// A string with unknown or sensitive parts.
    Partial(Rc<Vec<Part>>),
    Sensitive(Box<Value>),
    /// `jsonencode(v)`: a JSON string that remembers `v`.
    Encoded(Box<Value>),
}

/// A value known only after apply, or one this crate cannot evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unknown {
    /// What the value depends on; never empty. The first one is what a
    /// verdict names (`aws_db_instance.main.address`).
    pub refs: Vec<String>,
    /// How the value reads where the Inventory holds a plain string: the
    /// address for the id or ARN of a declared resource, a template with its
    /// unknown parts so rendered. `None`: the reference itself.
    pub text: Option<String>,
    /// Set when the value is unknown because a construct is not modelled
    /// (`main.tf:12 función \`foo\``), not because Terraform itself would not
    /// know it before apply: where it matters, it becomes a recorded gap.
    pub gap: Option<String>,
    /// Set on the value of a resource whose `count`/`for_each` is unknown:
    /// its one representative instance, which any index of it yields.
    pub rep: Option<Rc<ResObj>>,
    /// Set on a list of unknown length whose every element is like this
    /// one: a splat over a representative resource
    /// (`aws_subnet.private[*].id` with an unknown `count`).
    pub each: Option<Rc<Value>>,
    /// Set when the value is one of these, each fully known, which one
    /// depending on the unknown (`cond ? [a] : []` with `cond` unknown).
    pub alternatives: Option<Rc<Vec<Value>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Lit(String),
    Val(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResObj {
    pub address: String,
    pub rtype: String,
    /// Configured arguments, nested blocks as lists of objects, and whatever
    /// this crate computes (a data source's results).
    pub attrs: BTreeMap<String, Value>,
    /// For a data source this crate does not model: why its results are unknown.
    pub gap: Option<String>,
}

/// At most this many references are kept on a combined unknown: enough to
/// explain it, not a dump.
const MAX_REFS: usize = 4;

impl Unknown {
    pub fn reference(r: impl Into<String>) -> Self {
        Unknown {
            refs: vec![r.into()],
            text: None,
            gap: None,
            rep: None,
            each: None,
            alternatives: None,
        }
    }

    pub fn with_text(r: impl Into<String>, text: impl Into<String>) -> Self {
        Unknown {
            refs: vec![r.into()],
            text: Some(text.into()),
            gap: None,
            rep: None,
            each: None,
            alternatives: None,
        }
    }

    pub fn not_modelled(r: impl Into<String>, gap: impl Into<String>) -> Self {
        Unknown {
            refs: vec![r.into()],
            text: None,
            gap: Some(gap.into()),
            rep: None,
            each: None,
            alternatives: None,
        }
    }

    /// An attribute a declared resource gets at apply (its id, ARN or
    /// generated name): its reference is `<address>.<attribute>` and it
    /// reads as the address. Never null, and equal only to itself.
    pub fn is_computed_attribute(&self) -> bool {
        match &self.text {
            Some(t) => self
                .primary()
                .strip_prefix(t.as_str())
                .is_some_and(|rest| rest.starts_with('.')),
            None => false,
        }
    }

    pub fn primary(&self) -> &str {
        self.refs.first().map(String::as_str).unwrap_or("?")
    }

    /// The string the model stores where it cannot hold an unknown.
    pub fn text_form(&self) -> String {
        self.text
            .clone()
            .unwrap_or_else(|| self.primary().to_string())
    }

    /// The unknown that results from combining several.
    pub fn combine<'a>(items: impl IntoIterator<Item = &'a Unknown>) -> Unknown {
        let mut out = Unknown {
            refs: Vec::new(),
            text: None,
            gap: None,
            rep: None,
            each: None,
            alternatives: None,
        };
        for u in items {
            for r in &u.refs {
                if out.refs.len() < MAX_REFS && !out.refs.contains(r) {
                    out.refs.push(r.clone());
                }
            }
            if out.gap.is_none() {
                out.gap.clone_from(&u.gap);
            }
        }
        if out.refs.is_empty() {
            out.refs.push("?".into());
        }
        out
    }

    /// The unknown one step further down, `x.y` then `x.y[0]`: a plain
    /// reference grows, anything else keeps what it depends on.
    pub fn extend(&self, step: &str) -> Unknown {
        if self.refs.len() == 1 && self.text.is_none() {
            Unknown {
                refs: vec![format!("{}{step}", self.refs[0])],
                text: None,
                gap: self.gap.clone(),
                rep: None,
                each: None,
                alternatives: None,
            }
        } else {
            Unknown {
                refs: self.refs.clone(),
                text: None,
                gap: self.gap.clone(),
                rep: None,
                each: None,
                alternatives: None,
            }
        }
    }
}

impl Value {
    /// Whether the value itself is not unknown: a list or object whose
    /// elements may be, a string with unknown parts, a number (marks aside).
    pub fn has_known_shape(&self) -> bool {
        match self {
            Value::Unknown(_) | Value::Resource(_) => false,
            Value::Sensitive(inner) => inner.has_known_shape(),
            _ => true,
        }
    }

    /// One of `alternatives`, which one depending on `on`; a single
    /// distinct alternative is the value itself.
    pub fn one_of(on: &Unknown, mut alternatives: Vec<Value>) -> Value {
        alternatives.dedup();
        if alternatives.len() == 1 {
            return alternatives.remove(0);
        }
        Value::unknown(Unknown {
            refs: on.refs.clone(),
            text: None,
            gap: on.gap.clone(),
            rep: None,
            each: None,
            alternatives: Some(Rc::new(alternatives)),
        })
    }

    pub fn unknown(u: Unknown) -> Value {
        Value::Unknown(Rc::new(u))
    }

    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn mark(self, sensitive: bool) -> Value {
        if sensitive && !matches!(self, Value::Sensitive(_)) {
            Value::Sensitive(Box::new(self))
        } else {
            self
        }
    }

    /// The value without its top-level sensitive mark, and whether it had one.
    pub fn unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(inner) => (inner.unmark().0, true),
            v => (v, false),
        }
    }

    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Sensitive(inner) => inner.unmarked(),
            v => v,
        }
    }

    /// The value with every sensitive mark removed, and whether there was one.
    pub fn deep_unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(inner) => (inner.deep_unmark().0, true),
            Value::List(items) => {
                let mut any = false;
                let items = items
                    .into_iter()
                    .map(|v| {
                        let (v, s) = v.deep_unmark();
                        any |= s;
                        v
                    })
                    .collect();
                (Value::List(items), any)
            }
            Value::Object(map) => {
                let mut any = false;
                let map = map
                    .into_iter()
                    .map(|(k, v)| {
                        let (v, s) = v.deep_unmark();
                        any |= s;
                        (k, v)
                    })
                    .collect();
                (Value::Object(map), any)
            }
            Value::Encoded(inner) => {
                let (v, s) = inner.deep_unmark();
                (Value::Encoded(Box::new(v)), s)
            }
            Value::Partial(parts) => {
                let mut any = false;
                let parts = parts
                    .iter()
                    .map(|p| match p {
                        Part::Lit(s) => Part::Lit(s.clone()),
                        Part::Val(v) => {
                            let (v, s) = v.clone().deep_unmark();
                            any |= s;
                            Part::Val(v)
                        }
                    })
                    .collect();
                (Value::Partial(Rc::new(parts)), any)
            }
            v => (v, false),
        }
    }

    pub fn is_sensitive_deep(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) => items.iter().any(Value::is_sensitive_deep),
            Value::Object(map) => map.values().any(Value::is_sensitive_deep),
            Value::Encoded(inner) => inner.is_sensitive_deep(),
            Value::Partial(parts) => parts
                .iter()
                .any(|p| matches!(p, Part::Val(v) if v.is_sensitive_deep())),
            _ => false,
        }
    }

    /// The first unknown anywhere inside, which is what an operation that
    /// needs the whole value waits for.
    pub fn first_unknown(&self) -> Option<Rc<Unknown>> {
        match self {
            Value::Unknown(u) => Some(u.clone()),
            Value::Sensitive(inner) | Value::Encoded(inner) => inner.first_unknown(),
            Value::List(items) => items.iter().find_map(Value::first_unknown),
            Value::Object(map) => map.values().find_map(Value::first_unknown),
            Value::Partial(parts) => parts.iter().find_map(|p| match p {
                Part::Val(v) => v.first_unknown(),
                Part::Lit(_) => None,
            }),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), Value::Null)
    }

    /// Turns string-like composites into plain values: a [`Value::Partial`]
    /// or [`Value::Encoded`] becomes its string when every part is known,
    /// else an unknown that names what is missing. Marks are kept.
    pub fn flatten(self) -> Value {
        match self {
            Value::Sensitive(inner) => inner.flatten().mark(true),
            Value::Partial(parts) => flatten_parts(&parts),
            Value::Encoded(inner) => match crate::json::encode(&inner) {
                Ok((s, sensitive)) => Value::String(s).mark(sensitive),
                Err(u) => Value::unknown(Unknown {
                    refs: u.refs.clone(),
                    text: crate::json::encode_text(&inner).ok(),
                    gap: u.gap.clone(),
                    rep: None,
                    each: None,
                    alternatives: None,
                }),
            },
            v => v,
        }
    }

    /// How the value reads where the Inventory holds a plain string.
    pub fn text_form(&self) -> Option<String> {
        match self {
            Value::Null | Value::List(_) | Value::Object(_) => None,
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(fmt_number(*n)),
            Value::String(s) => Some(s.clone()),
            Value::Resource(r) => Some(r.address.clone()),
            Value::Unknown(u) => Some(u.text_form()),
            Value::Sensitive(inner) => inner.text_form(),
            Value::Partial(parts) => Some(
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Lit(s) => s.clone(),
                        Part::Val(v) => v.text_form().unwrap_or_default(),
                    })
                    .collect(),
            ),
            Value::Encoded(inner) => crate::json::encode_text(inner).ok(),
        }
    }

    /// Spanish: the kind of value, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "número",
            Value::String(_) | Value::Partial(_) | Value::Encoded(_) => "cadena",
            Value::List(_) => "lista",
            Value::Object(_) => "objeto",
            Value::Resource(_) => "recurso",
            Value::Unknown(_) => "valor desconocido",
            Value::Sensitive(inner) => inner.type_name(),
        }
    }
}

fn flatten_parts(parts: &[Part]) -> Value {
    let mut out = String::new();
    let mut sensitive = false;
    let mut unknowns: Vec<Rc<Unknown>> = Vec::new();
    let mut text = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => {
                out.push_str(s);
                text.push_str(s);
            }
            Part::Val(v) => {
                let (v, s) = v.clone().flatten().unmark();
                sensitive |= s;
                match &v {
                    Value::Unknown(u) => {
                        text.push_str(&u.text_form());
                        unknowns.push(u.clone());
                    }
                    other => {
                        let t = other.text_form().unwrap_or_default();
                        out.push_str(&t);
                        text.push_str(&t);
                    }
                }
            }
        }
    }
    if unknowns.is_empty() {
        Value::String(out).mark(sensitive)
    } else {
        let mut u = Unknown::combine(unknowns.iter().map(|u| u.as_ref()));
        u.text = Some(text);
        Value::unknown(u).mark(sensitive)
    }
}

/// Terraform prints whole numbers without a fraction.
pub(crate) fn fmt_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Deep equality; `None` when an unknown keeps it from being decided.
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    let a = a.clone().flatten();
    let b = b.clone().flatten();
    match (a.unmarked(), b.unmarked()) {
        (Value::Unknown(u), Value::Null) | (Value::Null, Value::Unknown(u))
            if u.is_computed_attribute() =>
        {
            Some(false)
        }
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.values().zip(y.values()) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Value::Resource(x), Value::Resource(y)) => Some(x.address == y.address),
        _ => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_flattens_to_string_or_unknown_with_text() {
        let known = Value::Partial(Rc::new(vec![
            Part::Lit("a-".into()),
            Part::Val(Value::str("b")),
        ]));
        assert_eq!(known.flatten(), Value::str("a-b"));
        let unk = Value::Partial(Rc::new(vec![
            Part::Val(Value::unknown(Unknown::with_text(
                "aws_secretsmanager_secret.db.arn",
                "aws_secretsmanager_secret.db",
            ))),
            Part::Lit(":password::".into()),
        ]));
        match unk.flatten() {
            Value::Unknown(u) => {
                assert_eq!(u.primary(), "aws_secretsmanager_secret.db.arn");
                assert_eq!(u.text_form(), "aws_secretsmanager_secret.db:password::");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sensitive_parts_mark_the_flattened_string() {
        let v = Value::Partial(Rc::new(vec![
            Part::Lit("x".into()),
            Part::Val(Value::str("pw").mark(true)),
        ]));
        assert_eq!(v.flatten(), Value::str("xpw").mark(true));
    }

    #[test]
    fn equality_is_undecided_with_unknowns() {
        let u = Value::unknown(Unknown::reference("var.x"));
        assert_eq!(equals(&u, &Value::str("a")), None);
        assert_eq!(
            equals(
                &Value::List(vec![Value::Number(1.0)]),
                &Value::List(vec![Value::Number(1.0)])
            ),
            Some(true)
        );
        assert_eq!(fmt_number(3.0), "3");
        assert_eq!(fmt_number(2.5), "2.5");
    }
}
