//! Reading evaluated arguments as the Inventory's types: known values as
//! themselves, values known after apply as [`Attr::Unknown`] or (where the
//! model holds a plain string) as their text form, the address.

use std::collections::BTreeMap;
use std::rc::Rc;

use cloudgrade_model::{Attr, Tags};

use crate::eval::{EvBody, Instance};
use crate::value::{Unknown, Value};

/// A resource's arguments, or one nested block's, or one element of a list
/// written in attribute syntax (`ingress = [{...}]`), with its line.
#[derive(Debug, Clone)]
pub(crate) struct Obj {
    pub fields: BTreeMap<String, Value>,
    pub line: u32,
}

impl Obj {
    pub fn of(inst: &Instance) -> Obj {
        Obj {
            fields: inst.body.as_object_attrs(),
            line: inst.line,
        }
    }

    pub fn get(&self, field: &str) -> &Value {
        self.fields.get(field).unwrap_or(&Value::Null)
    }

    pub fn has(&self, field: &str) -> bool {
        !self.get(field).is_null()
    }

    pub fn known_str(&self, field: &str) -> Option<String> {
        known_str(self.get(field))
    }

    pub fn text(&self, field: &str) -> Option<String> {
        text(self.get(field))
    }

    pub fn attr_string(&self, field: &str) -> Option<Attr<String>> {
        attr_string(self.get(field))
    }

    pub fn bool_or(&self, field: &str, default: bool) -> Attr<bool> {
        match flat(self.get(field)) {
            Value::Bool(b) => Attr::Known(b),
            Value::String(s) if s == "true" || s == "false" => Attr::Known(s == "true"),
            Value::Unknown(u) => Attr::unknown(u.primary()),
            _ => Attr::Known(default),
        }
    }

    pub fn known_bool(&self, field: &str) -> Option<bool> {
        self.bool_or(field, false)
            .as_known()
            .copied()
            .filter(|_| self.has(field))
    }

    pub fn int(&self, field: &str) -> Option<Result<i64, Rc<Unknown>>> {
        match flat(self.get(field)) {
            Value::Number(n) if n.fract() == 0.0 => Some(Ok(n as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok().map(Ok),
            Value::Unknown(u) => Some(Err(u)),
            _ => None,
        }
    }

    /// An integer argument: `None` when not set (or not a number); an
    /// unknown names what it depends on, and one out of range names
    /// `address.field`.
    pub fn attr_int(&self, address: &str, field: &str) -> Option<Attr<i32>> {
        self.int(field).map(|n| match n {
            Ok(v) => i32::try_from(v)
                .map_or_else(|_| Attr::unknown(format!("{address}.{field}")), Attr::Known),
            Err(u) => Attr::unknown(u.primary()),
        })
    }

    pub fn known_int(&self, field: &str) -> Option<i32> {
        self.int(field)
            .and_then(Result::ok)
            .and_then(|n| i32::try_from(n).ok())
    }

    /// Nested blocks of a type, or the same written as a list of objects.
    pub fn objects(&self, inst_body: Option<&EvBody>, field: &str) -> Vec<Obj> {
        if let Some(body) = inst_body {
            let blocks: Vec<Obj> = body
                .blocks(field)
                .map(|b| Obj {
                    fields: b.body.as_object_attrs(),
                    line: b.line,
                })
                .collect();
            if !blocks.is_empty() {
                return blocks;
            }
        }
        let line = inst_body
            .and_then(|b| b.line_of(field))
            .unwrap_or(self.line);
        match flat(self.get(field)) {
            Value::List(items) => items
                .into_iter()
                .filter_map(|i| match i.unmark().0 {
                    Value::Object(fields) => Some(Obj { fields, line }),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Partial and encoded strings as plain values, marks dropped.
pub(crate) fn flat(v: &Value) -> Value {
    v.clone().flatten().unmark().0
}

pub(crate) fn known_str(v: &Value) -> Option<String> {
    match flat(v) {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(crate::value::fmt_number(n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Known text, or an unknown's text form (the address of what it names).
pub(crate) fn text(v: &Value) -> Option<String> {
    match flat(v) {
        Value::Null | Value::List(_) | Value::Object(_) => None,
        other => other.text_form(),
    }
}

pub(crate) fn attr_string(v: &Value) -> Option<Attr<String>> {
    match flat(v) {
        Value::Null => None,
        Value::Unknown(u) => Some(Attr::unknown(u.primary())),
        other => other.text_form().map(Attr::Known),
    }
}

/// The elements of a list argument; `Err` when the list itself is unknown.
/// A list inside the list is spliced in, as Terraform 0.11 did for
/// `["${aws_subnet.db.*.id}"]`, a spelling tutorials still teach.
pub(crate) fn items(v: &Value) -> Result<Vec<Value>, Rc<Unknown>> {
    match flat(v) {
        Value::List(items) => Ok(items
            .into_iter()
            .flat_map(|i| match flat(&i) {
                Value::List(inner) => inner,
                _ => vec![i],
            })
            .collect()),
        // A list as long as an unknown count, every element alike: the
        // representative element stands for each (a rule true of each is
        // decided; the element's id is marked representative).
        Value::Unknown(u) => match &u.each {
            Some(e) => Ok(vec![(**e).clone()]),
            None => Err(u),
        },
        Value::Null => Ok(Vec::new()),
        other => Ok(vec![other]),
    }
}

/// The first unknown inside that stands for a construct not modelled.
pub(crate) fn not_modelled(v: &Value) -> Option<Rc<Unknown>> {
    match v {
        Value::Unknown(u) if u.gap.is_some() => Some(u.clone()),
        Value::Sensitive(inner) | Value::Encoded(inner) => not_modelled(inner),
        Value::List(items) => items.iter().find_map(not_modelled),
        Value::Object(m) => m.values().find_map(not_modelled),
        Value::Partial(parts) => parts.iter().find_map(|p| match p {
            crate::value::Part::Val(v) => not_modelled(v),
            crate::value::Part::Lit(_) => None,
        }),
        _ => None,
    }
}

pub(crate) fn tags_of(v: &Value) -> Tags {
    match flat(v) {
        Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| text(v).map(|t| (k.clone(), t)))
            .collect(),
        _ => Tags::new(),
    }
}

/// The resource type a reference names: `module.red.aws_subnet.a[0].id`
/// -> `aws_subnet`.
pub(crate) fn referenced_type(reference: &str) -> Option<&str> {
    let mut rest = reference;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find('.')?;
        rest = &r[end + 1..];
    }
    if rest.starts_with("data.") {
        return None;
    }
    let t = rest.split(['.', '[']).next()?;
    t.starts_with("aws_").then_some(t)
}

/// The address of the resource a reference reads from:
/// `module.red.aws_eip.e[0].public_ip` -> `module.red.aws_eip.e[0]`.
pub(crate) fn referenced_address(reference: &str) -> Option<String> {
    let mut start = 0;
    while let Some(r) = reference[start..].strip_prefix("module.") {
        start += "module.".len() + r.find('.')? + 1;
    }
    let rest = &reference[start..];
    let t = rest.split('.').next()?;
    let after = rest.get(t.len() + 1..)?;
    let name_len = after.find(['.', '[']).unwrap_or(after.len());
    let mut end = start + t.len() + 1 + name_len;
    if reference[end..].starts_with('[') {
        end += reference[end..].find(']')? + 1;
    }
    Some(reference[..end].to_string())
}

/// The type of what a value refers to, when it is a reference.
pub(crate) fn target_type(v: &Value) -> Option<String> {
    match flat(v) {
        Value::Unknown(u) => u
            .refs
            .iter()
            .find_map(|r| referenced_type(r))
            .map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_types_skip_module_prefixes() {
        assert_eq!(
            referenced_type("aws_internet_gateway.main.id"),
            Some("aws_internet_gateway")
        );
        assert_eq!(
            referenced_type("module.red.aws_nat_gateway.a[0].id"),
            Some("aws_nat_gateway")
        );
        assert_eq!(
            referenced_type("module.red[\"x\"].aws_nat_gateway.a.id"),
            Some("aws_nat_gateway")
        );
        assert_eq!(referenced_type("data.aws_vpc.default.id"), None);
        assert_eq!(referenced_type("var.igw"), None);
        assert_eq!(
            referenced_address("module.red.aws_eip.e[0].public_ip").as_deref(),
            Some("module.red.aws_eip.e[0]")
        );
        assert_eq!(
            referenced_address("aws_eip.e.allocation_id").as_deref(),
            Some("aws_eip.e")
        );
    }
}
