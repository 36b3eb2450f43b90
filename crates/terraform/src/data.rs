//! Data sources: the few whose results this crate can know (or name
//! honestly) without an AWS account, and an unknown with its reason for the
//! rest.
//!
//! `aws_availability_zones` yields a conventional list, `<region>a`,
//! `<region>b`, `<region>c` (`aws-region-a` ... when the provider's region
//! is not known): every commercial region has at least three zones with those
//! letters, solutions index `names[0]` and `names[1]` or take
//! `length(names)`, and the rules only ask whether subnets are in distinct
//! zones. An unknown list would make `count = length(...)` unknown and hide
//! every subnet, which is worse than a symbolic name. `aws_caller_identity`'s
//! account id is unknown (it is the student's account; nothing depends on its
//! value but ARNs, which keep the reference).

use std::collections::BTreeMap;

use crate::eval::{Cx, EvBody, Evaluator};
use crate::value::{Unknown, Value};

pub(crate) struct Computed {
    pub attrs: BTreeMap<String, Value>,
    pub gap: Option<String>,
}

pub(crate) fn evaluate(
    ev: &mut Evaluator,
    cx: &Cx,
    rtype: &str,
    address: &str,
    body: &EvBody,
    at: &str,
) -> Computed {
    let unknown = |attr: &str| Value::unknown(Unknown::reference(format!("{address}.{attr}")));
    let mut attrs = BTreeMap::new();
    let region = ev.region.clone();
    match rtype {
        "aws_availability_zones" => {
            let prefix = region.clone().unwrap_or_else(|| "aws-region-".into());
            let excluded: Vec<String> =
                match body.get("exclude_names").map(|v| v.clone().deep_unmark().0) {
                    Some(Value::List(items)) => items.iter().filter_map(Value::text_form).collect(),
                    _ => Vec::new(),
                };
            let names: Vec<Value> = ["a", "b", "c"]
                .iter()
                .map(|l| format!("{prefix}{l}"))
                .filter(|n| !excluded.contains(n))
                .map(Value::String)
                .collect();
            attrs.insert("names".into(), Value::List(names));
            attrs.insert("zone_ids".into(), unknown("zone_ids"));
            attrs.insert(
                "id".into(),
                region.clone().map_or_else(|| unknown("id"), Value::String),
            );
        }
        "aws_caller_identity" => {
            for a in ["account_id", "arn", "user_id", "id"] {
                attrs.insert(a.into(), unknown(a));
            }
        }
        "aws_region" => {
            let r = body
                .get("name")
                .or_else(|| body.get("region"))
                .cloned()
                .or_else(|| region.clone().map(Value::String));
            for a in ["name", "id", "region"] {
                attrs.insert(a.into(), r.clone().unwrap_or_else(|| unknown(a)));
            }
            attrs.insert("description".into(), unknown("description"));
        }
        "aws_partition" => {
            attrs.insert("partition".into(), Value::str("aws"));
            attrs.insert("id".into(), Value::str("aws"));
            attrs.insert("dns_suffix".into(), Value::str("amazonaws.com"));
        }
        "aws_iam_policy_document" => {
            let doc = policy_document(body);
            attrs.insert("json".into(), Value::Encoded(Box::new(doc.clone())));
            attrs.insert("minified_json".into(), Value::Encoded(Box::new(doc)));
            attrs.insert("id".into(), unknown("id"));
        }
        // The provider marks a parameter's and a secret's value sensitive:
        // whatever reads it carries the mark (an environment entry holding
        // it is a secret in plain sight), and nothing else about it is known.
        "aws_ssm_parameter" => {
            attrs.insert("value".into(), Value::Sensitive(Box::new(unknown("value"))));
            for a in ["arn", "id", "type", "version", "insecure_value"] {
                attrs.insert(a.into(), unknown(a));
            }
            if let Some(n) = body.get("name") {
                attrs.insert("name".into(), n.clone());
            }
        }
        "aws_secretsmanager_secret_version" => {
            for a in ["secret_string", "secret_binary"] {
                attrs.insert(a.into(), Value::Sensitive(Box::new(unknown(a))));
            }
            for a in ["arn", "id", "version_id", "version_stages"] {
                attrs.insert(a.into(), unknown(a));
            }
            if let Some(n) = body.get("secret_id") {
                attrs.insert("secret_id".into(), n.clone());
            }
        }
        "template_file" => {
            let rendered = match render_template(ev, cx, body, at) {
                Ok(v) => v,
                Err(message) => {
                    return Computed {
                        attrs,
                        gap: Some(format!("{at} data source `template_file`: {message}")),
                    };
                }
            };
            attrs.insert("rendered".into(), rendered);
            attrs.insert("id".into(), unknown("id"));
        }
        _ => {
            return Computed {
                attrs,
                gap: Some(format!("{at} data source `{rtype}`")),
            };
        }
    }
    Computed { attrs, gap: None }
}

/// `data "template_file"` (the template provider): its `template` rendered
/// with its `vars` as `templatefile()` would, each variable seen by name
/// only. An unknown template or variable leaves the unknown parts as
/// references.
fn render_template(ev: &mut Evaluator, cx: &Cx, body: &EvBody, at: &str) -> Result<Value, String> {
    let (template, sensitive) = body
        .get("template")
        .cloned()
        .unwrap_or(Value::Null)
        .deep_unmark();
    let text = match template.flatten() {
        Value::String(t) => t,
        Value::Unknown(u) => return Ok(Value::Unknown(u)),
        other => {
            return Err(format!(
                "`template` debe ser un texto, no {}",
                other.type_name()
            ));
        }
    };
    let vars: Vec<(String, Value)> = match body.get("vars").map(|v| v.clone().unmark()) {
        Some((Value::Object(m), s)) => m.into_iter().map(|(k, v)| (k, v.mark(s))).collect(),
        Some((Value::Unknown(u), _)) => return Ok(Value::Unknown(u)),
        None | Some((Value::Null, _)) => Vec::new(),
        Some((other, _)) => {
            return Err(format!(
                "`vars` debe ser un objeto, no {}",
                other.type_name()
            ));
        }
    };
    let out = crate::funcs::render_template(ev, cx, format!("{at} template"), text, vars)?;
    Ok(out.mark(sensitive))
}

/// The JSON policy `aws_iam_policy_document` renders, as a value (so an
/// unknown resource ARN stays a reference). Statements of
/// `source_policy_documents` come first; `override_policy_documents`
/// replace statements with the same `Sid`.
fn policy_document(body: &EvBody) -> Value {
    let mut statements: Vec<Value> = Vec::new();
    for src in doc_list(body.get("source_policy_documents")) {
        statements.extend(statements_of(&src));
    }
    for st in body.blocks("statement") {
        statements.push(statement(&st.body));
    }
    for ov in doc_list(body.get("override_policy_documents")) {
        for st in statements_of(&ov) {
            let sid = sid_of(&st);
            match statements
                .iter_mut()
                .find(|s| sid.is_some() && sid_of(s) == sid)
            {
                Some(slot) => *slot = st,
                None => statements.push(st),
            }
        }
    }
    let mut doc = BTreeMap::new();
    doc.insert(
        "Version".to_string(),
        body.get("version")
            .cloned()
            .unwrap_or_else(|| Value::str("2012-10-17")),
    );
    if let Some(id) = body.get("policy_id") {
        doc.insert("Id".to_string(), id.clone());
    }
    doc.insert("Statement".to_string(), Value::List(statements));
    Value::Object(doc)
}

fn doc_list(v: Option<&Value>) -> Vec<Value> {
    let Some(Value::List(items)) = v.map(|v| v.unmarked().clone()) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|d| match d.unmark().0 {
            Value::Encoded(inner) => Some(*inner),
            Value::String(t) => crate::json::decode(&t).ok(),
            Value::Partial(p) => crate::json::decode_parts(&p).ok(),
            _ => None,
        })
        .collect()
}

fn statements_of(doc: &Value) -> Vec<Value> {
    match doc.unmarked() {
        Value::Object(m) => match m.get("Statement").map(Value::unmarked) {
            Some(Value::List(s)) => s.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn sid_of(st: &Value) -> Option<String> {
    match st.unmarked() {
        Value::Object(m) => m.get("Sid").and_then(Value::text_form),
        _ => None,
    }
}

/// A list of one is written as a plain string, as the provider does.
fn one_or_list(v: &Value) -> Value {
    match v.unmarked() {
        Value::List(items) if items.len() == 1 => items[0].clone(),
        _ => v.clone(),
    }
}

fn statement(b: &EvBody) -> Value {
    let mut st = BTreeMap::new();
    if let Some(sid) = b.get("sid").filter(|v| !v.is_null()) {
        st.insert("Sid".to_string(), sid.clone());
    }
    st.insert(
        "Effect".to_string(),
        b.get("effect")
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or_else(|| Value::str("Allow")),
    );
    for (field, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = b.get(field).filter(|v| !v.is_null()) {
            st.insert(key.to_string(), one_or_list(v));
        }
    }
    for (kind, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks: Vec<_> = b.blocks(kind).collect();
        if blocks.is_empty() {
            continue;
        }
        let mut p: BTreeMap<String, Value> = BTreeMap::new();
        let mut star = false;
        for pb in blocks {
            let ty = pb
                .body
                .get("type")
                .and_then(Value::text_form)
                .unwrap_or_default();
            let ids = pb
                .body
                .get("identifiers")
                .cloned()
                .unwrap_or(Value::List(Vec::new()));
            if ty == "*" {
                star = true;
                continue;
            }
            match p.get_mut(&ty) {
                Some(Value::List(existing)) => {
                    if let Value::List(more) = ids.unmarked() {
                        existing.extend(more.iter().cloned());
                    }
                }
                _ => {
                    p.insert(ty, ids);
                }
            }
        }
        let value = if star && p.is_empty() {
            Value::str("*")
        } else {
            Value::Object(p.into_iter().map(|(k, v)| (k, one_or_list(&v))).collect())
        };
        st.insert(key.to_string(), value);
    }
    let conditions: Vec<_> = b.blocks("condition").collect();
    if !conditions.is_empty() {
        let mut c: BTreeMap<String, Value> = BTreeMap::new();
        for cb in conditions {
            let test = cb
                .body
                .get("test")
                .and_then(Value::text_form)
                .unwrap_or_default();
            let var = cb
                .body
                .get("variable")
                .and_then(Value::text_form)
                .unwrap_or_default();
            let values = one_or_list(
                &cb.body
                    .get("values")
                    .cloned()
                    .unwrap_or(Value::List(Vec::new())),
            );
            if let Value::Object(m) = c
                .entry(test)
                .or_insert_with(|| Value::Object(BTreeMap::new()))
            {
                m.insert(var, values);
            }
        }
        st.insert("Condition".to_string(), Value::Object(c));
    }
    Value::Object(st)
}
