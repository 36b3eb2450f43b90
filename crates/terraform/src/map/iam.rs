//! IAM: roles with their trust policy, inline policies (in the role or as
//! `aws_iam_role_policy`) and attached managed policies; customer-managed
//! policies. Policy documents are read from `jsonencode(...)`, a heredoc,
//! `file()` or an `aws_iam_policy_document` data source, with unknown ARNs
//! written as the address of what they name.

use cloudgrade_model::{IamRole, InlinePolicy, ManagedPolicy, ResourceKind};

use super::Mapper;
use super::read::Obj;
use crate::eval::Instance;
use crate::value::Value;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_iam_policy") {
        let o = Obj::of(i);
        let document = document(m, ResourceKind::IamPolicy, i, &o, "policy");
        m.inv.iam_policies.push(ManagedPolicy {
            arn: i.address.clone(),
            name: name_of(i, &o),
            document,
            origin: Mapper::origin(i),
        });
    }
    for i in by_type("aws_iam_role") {
        let kind = ResourceKind::IamRole;
        let o = Obj::of(i);
        let assume_role_policy = document(m, kind, i, &o, "assume_role_policy");
        let mut inline_policies = Vec::new();
        for p in o.objects(Some(&i.body), "inline_policy") {
            if !p.has("policy") {
                continue;
            }
            let name = p.text("name").unwrap_or_default();
            inline_policies.push(InlinePolicy {
                name,
                document: document(m, kind, i, &p, "policy"),
            });
        }
        let attached_policy_arns = if o.has("managed_policy_arns") {
            m.ids(kind, i, &o, "managed_policy_arns")
        } else {
            Vec::new()
        };
        let name = name_of(i, &o);
        m.alias_name(&o, &name);
        m.inv.iam_roles.push(IamRole {
            arn: i.address.clone(),
            name,
            assume_role_policy,
            inline_policies,
            attached_policy_arns,
            origin: Mapper::origin(i),
        });
    }
    for i in by_type("aws_iam_role_policy") {
        let kind = ResourceKind::IamRole;
        let o = Obj::of(i);
        let Some(role) = m.id(kind, i, &o, "role") else {
            continue;
        };
        let name = o.text("name").unwrap_or_else(|| i.address.clone());
        let doc = document(m, kind, i, &o, "policy");
        match find_role(m, &role) {
            Some(r) => r.inline_policies.push(InlinePolicy {
                name,
                document: doc,
            }),
            None => super::network::missing(m, kind, i, &o, &role, "rol IAM"),
        }
    }
    for i in by_type("aws_iam_role_policy_attachment") {
        let kind = ResourceKind::IamRole;
        let o = Obj::of(i);
        let (Some(role), Some(arn)) = (m.id(kind, i, &o, "role"), m.id(kind, i, &o, "policy_arn"))
        else {
            continue;
        };
        match find_role(m, &role) {
            Some(r) => r.attached_policy_arns.push(arn),
            None => super::network::missing(m, kind, i, &o, &role, "rol IAM"),
        }
    }
    for i in by_type("aws_iam_policy_attachment") {
        let kind = ResourceKind::IamRole;
        let o = Obj::of(i);
        let Some(arn) = m.id(kind, i, &o, "policy_arn") else {
            continue;
        };
        for role in m.ids(kind, i, &o, "roles") {
            match find_role(m, &role) {
                Some(r) => r.attached_policy_arns.push(arn.clone()),
                None => super::network::missing(m, kind, i, &o, &role, "rol IAM"),
            }
        }
    }
}

/// A role given by name (`aws_iam_role.x.name`, known) or by its address
/// (its id or ARN, known after apply).
fn find_role<'m>(m: &'m mut Mapper, role: &str) -> Option<&'m mut IamRole> {
    m.inv
        .iam_roles
        .iter_mut()
        .find(|r| r.arn == role || r.name == role)
}

fn name_of(i: &Instance, o: &Obj) -> String {
    o.known_str("name").unwrap_or_else(|| i.address.clone())
}

/// A policy document as JSON. A document that cannot be read is recorded
/// as a gap and kept as `null`.
fn document(
    m: &mut Mapper,
    kind: ResourceKind,
    i: &Instance,
    o: &Obj,
    field: &str,
) -> serde_json::Value {
    let at = format!("{}:{} {}.{field}", i.file.rel, o.line, i.address);
    let v = o.get(field).clone();
    m.check(kind, i, field, &v);
    let parsed = match v.unmark().0 {
        Value::Encoded(inner) => Ok(*inner),
        Value::String(text) => crate::json::decode(&text),
        Value::Partial(parts) => crate::json::decode_parts(&parts),
        Value::Unknown(u) => {
            m.note(
                kind,
                at,
                format!(
                    "la política `{field}` de `{}` no se conoce: depende de {}",
                    i.address,
                    u.primary()
                ),
            );
            return serde_json::Value::Null;
        }
        Value::Null => return serde_json::Value::Null,
        other => Err(format!(
            "se esperaba un documento JSON, no {}",
            other.type_name()
        )),
    };
    match parsed {
        Ok(doc) => crate::json::to_serde(&doc),
        Err(msg) => {
            m.note(
                kind,
                at,
                format!(
                    "la política `{field}` de `{}` no se pudo leer: {msg}",
                    i.address
                ),
            );
            serde_json::Value::Null
        }
    }
}
