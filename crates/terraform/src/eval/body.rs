//! A block's body evaluated: its arguments as values, its nested blocks
//! (with `dynamic` blocks expanded) as evaluated bodies, each with the line
//! it was written on.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};

use super::{Cx, Evaluator, Scope, error_value};
use crate::value::{Unknown, Value};

#[derive(Debug, Clone, Default)]
pub(crate) struct EvBody {
    pub attrs: BTreeMap<String, EvAttr>,
    pub blocks: Vec<EvBlock>,
    /// `dynamic` blocks whose `for_each` is unknown: how many blocks of that
    /// type there will be, and what they hold, is not known.
    pub unknown_blocks: Vec<(String, Rc<Unknown>)>,
}

#[derive(Debug, Clone)]
pub(crate) struct EvAttr {
    pub value: Value,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct EvBlock {
    pub kind: String,
    pub body: EvBody,
    pub line: u32,
}

/// Arguments that configure Terraform itself, not the resource.
const META_ATTRS: [&str; 4] = ["count", "for_each", "provider", "depends_on"];
const META_BLOCKS: [&str; 3] = ["lifecycle", "provisioner", "connection"];

impl EvBody {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name).map(|a| &a.value)
    }

    pub fn line_of(&self, name: &str) -> Option<u32> {
        self.attrs.get(name).map(|a| a.line)
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a EvBlock> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    pub fn unknown_blocks_of(&self, kind: &str) -> Option<&Rc<Unknown>> {
        self.unknown_blocks
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, u)| u)
    }

    /// The object a reference to the resource reads: arguments, and nested
    /// blocks as lists of objects.
    pub fn as_object_attrs(&self) -> BTreeMap<String, Value> {
        let mut out: BTreeMap<String, Value> = self
            .attrs
            .iter()
            .map(|(k, a)| (k.clone(), a.value.clone()))
            .collect();
        for b in &self.blocks {
            let entry = out
                .entry(b.kind.clone())
                .or_insert_with(|| Value::List(Vec::new()));
            if let Value::List(items) = entry {
                items.push(Value::Object(b.body.as_object_attrs()));
            }
        }
        for (kind, u) in &self.unknown_blocks {
            out.insert(kind.clone(), Value::Unknown(u.clone()));
        }
        out
    }
}

impl Evaluator<'_> {
    /// `top`: the body of a resource, whose meta-arguments are skipped.
    pub fn eval_body(&mut self, cx: &Cx, scope: &Scope, body: &Body, top: bool) -> EvBody {
        let mut out = EvBody::default();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str();
                    if top && META_ATTRS.contains(&name) {
                        continue;
                    }
                    let value = self
                        .eval(cx, scope, &a.value)
                        .unwrap_or_else(|e| error_value(name, e));
                    out.attrs.insert(
                        name.to_string(),
                        EvAttr {
                            value,
                            line: cx.file.line_of(a.span()),
                        },
                    );
                }
                Structure::Block(b) => {
                    let kind = b.ident.as_str();
                    if top && META_BLOCKS.contains(&kind) {
                        continue;
                    }
                    let line = cx.file.line_of(b.span());
                    if kind == "dynamic" {
                        self.expand_dynamic(cx, scope, b, line, &mut out);
                        continue;
                    }
                    let inner = self.eval_body(cx, scope, &b.body, false);
                    out.blocks.push(EvBlock {
                        kind: kind.to_string(),
                        body: inner,
                        line,
                    });
                }
            }
        }
        out
    }

    fn expand_dynamic(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        b: &hcl_edit::structure::Block,
        line: u32,
        out: &mut EvBody,
    ) {
        let Some(label) = b.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            _ => label.clone(),
        };
        let Some(content) = b.body.get_blocks("content").next() else {
            return;
        };
        let reference = format!("dynamic \"{label}\"");
        let coll = match b.body.get_attribute("for_each") {
            Some(a) => self
                .eval(cx, scope, &a.value)
                .unwrap_or_else(|e| error_value(&reference, e)),
            None => Value::Null,
        };
        let (coll, _) = coll.flatten().unmark();
        let items: Vec<(Value, Value)> = match coll {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            Value::Null => Vec::new(),
            Value::Unknown(u) => {
                out.unknown_blocks.push((label, u));
                return;
            }
            other => {
                let u = Unknown::not_modelled(
                    reference,
                    format!(
                        "{} dynamic \"{label}\": for_each es {}, no una colección",
                        cx.at(b.span()),
                        other.type_name()
                    ),
                );
                out.unknown_blocks.push((label, Rc::new(u)));
                return;
            }
        };
        for (k, v) in items {
            let it = Value::Object(
                [("key".to_string(), k), ("value".to_string(), v)]
                    .into_iter()
                    .collect(),
            );
            let inner_scope = scope.child(vec![(iterator.clone(), it)]);
            let body = self.eval_body(cx, &inner_scope, &content.body, false);
            out.blocks.push(EvBlock {
                kind: label.clone(),
                body,
                line,
            });
        }
    }
}
