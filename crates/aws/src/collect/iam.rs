//! IAM roles with their trust policy, inline policies and attached policies
//! (customer-managed ones with their default version's document).
//!
//! One call reads it all: `GetAccountAuthorizationDetails` returns every
//! role with its inline and attached policies, and every customer-managed
//! policy with its versions, paginated. The per-role alternative costs three
//! calls per role plus two per policy (25 for the reference world, hundreds
//! in a real account), and reading only the roles task definitions use would
//! leave the others' policies silently empty. So that is only the fallback,
//! for a caller whose policy denies the bulk call (or an emulator lacking
//! it): then every role is read, one by one, and a failure is a gap.
//! Service-linked roles (path `/aws-service-role/`) are AWS's, not the
//! student's, and are skipped either way: in a real account they are most of
//! the roles.

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{EntityType, ManagedPolicyDetail, RoleDetail};
use cloudgrade_model::{
    Gap, GapReason, IamRole, InlinePolicy, Inventory, ManagedPolicy, ResourceKind,
};
use futures::StreamExt;
use futures::future::join_all;

use super::errors::{Endpoint, gaps};

/// Requests in flight at once in the per-role fallback: enough to overlap
/// latency, few enough not to trip IAM's throttling.
const FALLBACK_CONCURRENCY: usize = 8;

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

pub async fn read(c: &Client, ep: Endpoint) -> Iam {
    match c
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .max_items(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => {
            let mut roles = Vec::new();
            let mut policies = Vec::new();
            for p in pages {
                roles.extend(p.role_detail_list.unwrap_or_default());
                policies.extend(p.policies.unwrap_or_default());
            }
            from_details(roles, policies)
        }
        Err(_) => one_by_one(c, ep).await,
    }
}

fn is_service_linked(path: Option<&str>) -> bool {
    path.is_some_and(|p| p.starts_with("/aws-service-role/"))
}

fn from_details(roles: Vec<RoleDetail>, policies: Vec<ManagedPolicyDetail>) -> Iam {
    let mut iam = Iam::default();
    for r in roles
        .into_iter()
        .filter(|r| !is_service_linked(r.path.as_deref()))
    {
        let name = r.role_name.unwrap_or_default();
        let inline = r
            .role_policy_list
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let policy = p.policy_name.unwrap_or_default();
                let doc = document(p.policy_document.as_deref().unwrap_or(""));
                note_unparsed(
                    &mut iam.gaps,
                    ResourceKind::IamRole,
                    "iam:GetAccountAuthorizationDetails",
                    &format!("{name}/{policy}"),
                    &doc,
                );
                InlinePolicy {
                    name: policy,
                    document: doc,
                }
            })
            .collect();
        let trust = r
            .assume_role_policy_document
            .as_deref()
            .map(document)
            .unwrap_or(serde_json::Value::Null);
        note_unparsed(
            &mut iam.gaps,
            ResourceKind::IamRole,
            "iam:GetAccountAuthorizationDetails",
            &name,
            &trust,
        );
        iam.roles.push(IamRole {
            arn: r.arn.unwrap_or_default(),
            name,
            assume_role_policy: trust,
            inline_policies: inline,
            attached_policy_arns: r
                .attached_managed_policies
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| a.policy_arn)
                .collect(),
            origin: None,
        });
    }
    // The policies the collected roles use: the same set the fallback reads.
    let attached: std::collections::BTreeSet<String> = iam
        .roles
        .iter()
        .flat_map(|r| r.attached_policy_arns.iter().cloned())
        .collect();
    for p in policies {
        let Some(arn) = p.arn.filter(|a| attached.contains(a)) else {
            continue;
        };
        let default = p
            .policy_version_list
            .unwrap_or_default()
            .into_iter()
            .find(|v| v.is_default_version);
        match default.and_then(|v| v.document) {
            Some(raw) => {
                let doc = document(&raw);
                note_unparsed(
                    &mut iam.gaps,
                    ResourceKind::IamPolicy,
                    "iam:GetAccountAuthorizationDetails",
                    &arn,
                    &doc,
                );
                // moto leaves PolicyName out here; the ARN ends with it.
                let name = p
                    .policy_name
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string());
                iam.policies.push(ManagedPolicy {
                    arn,
                    name,
                    document: doc,
                    origin: None,
                });
            }
            None => iam
                .gaps
                .extend(incomplete(&arn, "iam:GetAccountAuthorizationDetails")),
        }
    }
    iam
}

async fn one_by_one(c: &Client, ep: Endpoint) -> Iam {
    let mut iam = Iam::default();
    let listed = match c
        .list_roles()
        .max_items(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(p) => p.into_iter().flat_map(|p| p.roles).collect::<Vec<_>>(),
        Err(e) => {
            iam.gaps.extend(gaps(
                &e,
                ep,
                "iam:ListRoles",
                &[ResourceKind::IamRole, ResourceKind::IamPolicy],
            ));
            return iam;
        }
    };
    let listed: Vec<_> = listed
        .into_iter()
        .filter(|r| !is_service_linked(Some(&r.path)))
        .collect();
    let read: Vec<(IamRole, Vec<Gap>)> =
        futures::stream::iter(listed.into_iter().map(|r| role(c, ep, r)))
            .buffered(FALLBACK_CONCURRENCY)
            .collect()
            .await;
    for (role, role_gaps) in read {
        iam.gaps.extend(role_gaps);
        note_unparsed(
            &mut iam.gaps,
            ResourceKind::IamRole,
            "iam:ListRoles",
            &role.name,
            &role.assume_role_policy,
        );
        for p in &role.inline_policies {
            note_unparsed(
                &mut iam.gaps,
                ResourceKind::IamRole,
                "iam:GetRolePolicy",
                &format!("{}/{}", role.name, p.name),
                &p.document,
            );
        }
        iam.roles.push(role);
    }
    let mut customer: Vec<String> = iam
        .roles
        .iter()
        .flat_map(|r| r.attached_policy_arns.iter())
        .filter(|a| !is_aws_managed(a))
        .cloned()
        .collect();
    customer.sort();
    customer.dedup();
    let read: Vec<Result<ManagedPolicy, Vec<Gap>>> =
        futures::stream::iter(customer.iter().map(|arn| managed_policy(c, ep, arn)))
            .buffered(FALLBACK_CONCURRENCY)
            .collect()
            .await;
    for r in read {
        match r {
            Ok(p) => {
                note_unparsed(
                    &mut iam.gaps,
                    ResourceKind::IamPolicy,
                    "iam:GetPolicyVersion",
                    &p.arn,
                    &p.document,
                );
                iam.policies.push(p)
            }
            Err(g) => iam.gaps.extend(g),
        }
    }
    iam
}

/// AWS-managed policies (`arn:aws:iam::aws:policy/...`, in any partition)
/// are known by ARN and not collected.
fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// A document that is neither JSON nor URL-encoded JSON is kept as text; the
/// gap says its statements could not be read.
fn note_unparsed(
    gaps_out: &mut Vec<Gap>,
    kind: ResourceKind,
    operation: &str,
    what: &str,
    doc: &serde_json::Value,
) {
    if doc.is_string() {
        gaps_out.push(Gap {
            kind,
            operation: operation.into(),
            reason: GapReason::Other,
            message: format!("{what}: el documento de la política no es JSON"),
        });
    }
}

async fn role(c: &Client, ep: Endpoint, r: aws_sdk_iam::types::Role) -> (IamRole, Vec<Gap>) {
    let mut gaps_out = Vec::new();
    let name = r.role_name.clone();
    let (inline, attached) = tokio::join!(
        async {
            let names: Vec<String> = match c
                .list_role_policies()
                .role_name(&name)
                .max_items(1000)
                .into_paginator()
                .send()
                .try_collect()
                .await
            {
                Ok(p) => p.into_iter().flat_map(|p| p.policy_names).collect(),
                Err(e) => {
                    return Err(gaps(
                        &e,
                        ep,
                        "iam:ListRolePolicies",
                        &[ResourceKind::IamRole],
                    ));
                }
            };
            let docs = join_all(
                names
                    .iter()
                    .map(|p| c.get_role_policy().role_name(&name).policy_name(p).send()),
            )
            .await;
            let mut out = Vec::new();
            for (pname, d) in names.iter().zip(docs) {
                match d {
                    Ok(d) => out.push(InlinePolicy {
                        name: pname.clone(),
                        document: document(&d.policy_document),
                    }),
                    Err(e) => {
                        return Err(gaps(&e, ep, "iam:GetRolePolicy", &[ResourceKind::IamRole]));
                    }
                }
            }
            Ok(out)
        },
        c.list_attached_role_policies()
            .role_name(&name)
            .max_items(1000)
            .into_paginator()
            .send()
            .try_collect(),
    );
    let inline = inline.unwrap_or_else(|g| {
        gaps_out.extend(g);
        Vec::new()
    });
    let attached = match attached {
        Ok(p) => p
            .into_iter()
            .flat_map(|p| p.attached_policies.unwrap_or_default())
            .filter_map(|a| a.policy_arn)
            .collect(),
        Err(e) => {
            gaps_out.extend(gaps(
                &e,
                ep,
                "iam:ListAttachedRolePolicies",
                &[ResourceKind::IamRole],
            ));
            Vec::new()
        }
    };
    let role = IamRole {
        arn: r.arn,
        name,
        assume_role_policy: r
            .assume_role_policy_document
            .as_deref()
            .map(document)
            .unwrap_or(serde_json::Value::Null),
        inline_policies: inline,
        attached_policy_arns: attached,
        origin: None,
    };
    (role, gaps_out)
}

async fn managed_policy(c: &Client, ep: Endpoint, arn: &str) -> Result<ManagedPolicy, Vec<Gap>> {
    let p = c
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| gaps(&e, ep, "iam:GetPolicy", &[ResourceKind::IamPolicy]))?
        .policy
        .ok_or_else(|| incomplete(arn, "iam:GetPolicyVersion"))?;
    let version = p
        .default_version_id
        .clone()
        .ok_or_else(|| incomplete(arn, "iam:GetPolicyVersion"))?;
    let v = c
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| gaps(&e, ep, "iam:GetPolicyVersion", &[ResourceKind::IamPolicy]))?;
    let doc = v
        .policy_version
        .and_then(|v| v.document)
        .ok_or_else(|| incomplete(arn, "iam:GetPolicyVersion"))?;
    Ok(ManagedPolicy {
        arn: arn.to_string(),
        name: p.policy_name.unwrap_or_default(),
        document: document(&doc),
        origin: None,
    })
}

fn incomplete(arn: &str, operation: &str) -> Vec<Gap> {
    vec![Gap {
        kind: ResourceKind::IamPolicy,
        operation: operation.into(),
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
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
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
        assert_eq!(
            document(r#"{"Version":"2012-10-17"}"#)["Version"],
            "2012-10-17"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
