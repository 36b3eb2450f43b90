//! IAM roles with their trust policy, inline policies and attached policies
//! (customer-managed ones with their default version's document).
//! Service-linked roles (path `/aws-service-role/`) are AWS's, not the
//! student's, and are skipped: in a real account they are most of the roles.

use aws_sdk_iam::Client;
use cloudgrade_model::{Gap, GapReason, IamRole, InlinePolicy, Inventory, ManagedPolicy, ResourceKind};
use futures::future::join_all;

use super::errors::gaps;

#[derive(Default)]
pub struct Iam {
    roles: Vec<IamRole>,
    policies: Vec<ManagedPolicy>,
    gaps: Vec<Gap>,
}

impl Iam {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        inv.iam_roles = self.roles;
        inv.iam_policies = self.policies;
        g.extend(self.gaps);
    }
}

pub async fn read(c: &Client, _referenced: &[String]) -> Iam {
    let mut iam = Iam::default();
    let listed = match c.list_roles().into_paginator().send().try_collect().await {
        Ok(p) => p.into_iter().flat_map(|p| p.roles).collect::<Vec<_>>(),
        Err(e) => {
            iam.gaps.extend(gaps(&e, "iam:ListRoles", &[ResourceKind::IamRole, ResourceKind::IamPolicy]));
            return iam;
        }
    };
    let listed: Vec<_> = listed.into_iter().filter(|r| !r.path.starts_with("/aws-service-role/")).collect();
    for r in join_all(listed.into_iter().map(|r| role(c, r))).await {
        iam.gaps.extend(r.1);
        iam.roles.push(r.0);
    }
    let mut customer: Vec<String> = iam
        .roles
        .iter()
        .flat_map(|r| r.attached_policy_arns.iter())
        .filter(|a| !a.contains(":aws:policy/"))
        .cloned()
        .collect();
    customer.sort();
    customer.dedup();
    for r in join_all(customer.iter().map(|arn| managed_policy(c, arn))).await {
        match r {
            Ok(p) => iam.policies.push(p),
            Err(g) => iam.gaps.extend(g),
        }
    }
    iam
}

async fn role(c: &Client, r: aws_sdk_iam::types::Role) -> (IamRole, Vec<Gap>) {
    let mut gaps_out = Vec::new();
    let name = r.role_name.clone();
    let (inline, attached) = tokio::join!(
        async {
            let names: Vec<String> = match c.list_role_policies().role_name(&name).into_paginator().send().try_collect().await {
                Ok(p) => p.into_iter().flat_map(|p| p.policy_names).collect(),
                Err(e) => return Err(gaps(&e, "iam:ListRolePolicies", &[ResourceKind::IamRole])),
            };
            let docs = join_all(names.iter().map(|p| c.get_role_policy().role_name(&name).policy_name(p).send())).await;
            let mut out = Vec::new();
            for (pname, d) in names.iter().zip(docs) {
                match d {
                    Ok(d) => out.push(InlinePolicy { name: pname.clone(), document: document(&d.policy_document) }),
                    Err(e) => return Err(gaps(&e, "iam:GetRolePolicy", &[ResourceKind::IamRole])),
                }
            }
            Ok(out)
        },
        c.list_attached_role_policies().role_name(&name).into_paginator().send().try_collect(),
    );
    let inline = inline.unwrap_or_else(|g| {
        gaps_out.extend(g);
        Vec::new()
    });
    let attached = match attached {
        Ok(p) => p.into_iter().flat_map(|p| p.attached_policies.unwrap_or_default()).filter_map(|a| a.policy_arn).collect(),
        Err(e) => {
            gaps_out.extend(gaps(&e, "iam:ListAttachedRolePolicies", &[ResourceKind::IamRole]));
            Vec::new()
        }
    };
    let role = IamRole {
        arn: r.arn,
        name,
        assume_role_policy: r.assume_role_policy_document.as_deref().map(document).unwrap_or(serde_json::Value::Null),
        inline_policies: inline,
        attached_policy_arns: attached,
        origin: None,
    };
    (role, gaps_out)
}

async fn managed_policy(c: &Client, arn: &str) -> Result<ManagedPolicy, Vec<Gap>> {
    let p = c
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| gaps(&e, "iam:GetPolicy", &[ResourceKind::IamPolicy]))?
        .policy
        .ok_or_else(|| incomplete(arn))?;
    let version = p.default_version_id.clone().ok_or_else(|| incomplete(arn))?;
    let v = c
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| gaps(&e, "iam:GetPolicyVersion", &[ResourceKind::IamPolicy]))?;
    let doc = v.policy_version.and_then(|v| v.document).ok_or_else(|| incomplete(arn))?;
    Ok(ManagedPolicy { arn: arn.to_string(), name: p.policy_name.unwrap_or_default(), document: document(&doc), origin: None })
}

fn incomplete(arn: &str) -> Vec<Gap> {
    vec![Gap {
        kind: ResourceKind::IamPolicy,
        operation: "iam:GetPolicyVersion".into(),
        reason: GapReason::Other,
        message: format!("{arn}: la respuesta no trae el documento de la política"),
    }]
}

/// IAM returns documents URL-encoded; emulators sometimes plain JSON.
fn document(raw: &str) -> serde_json::Value {
    serde_json::from_str(raw)
        .or_else(|_| serde_json::from_str(&percent_decode(raw)))
        .unwrap_or_else(|_| serde_json::Value::String(raw.to_string()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_url_encoded_and_plain_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%7D";
        assert_eq!(document(enc)["Version"], "2012-10-17");
        assert_eq!(document(r#"{"Version":"2012-10-17"}"#)["Version"], "2012-10-17");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
