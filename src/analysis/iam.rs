//! IAM policy documents: statements read tolerantly, wildcard matching of
//! actions and resources, the policies of a role, and who may read a secret.

use cloudgrade_model::{IamRole, Inventory, Origin, ResourceKind};
use serde_json::{Value, json};

use super::{Unanswerable, gaps};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` / `Resource` (the listed ones) or `NotAction` / `NotResource`
/// (everything except the listed ones).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Patterns {
    Only(Vec<String>),
    Except(Vec<String>),
}

impl Patterns {
    /// The pattern that lets `value` in (`Only`), or the `Except` list when
    /// none excludes it; `None` when it does not apply.
    fn matching(&self, value: &str, case_insensitive: bool) -> Option<String> {
        match self {
            Patterns::Only(ps) => ps
                .iter()
                .find(|p| wildcard_match(p, value, case_insensitive))
                .cloned(),
            Patterns::Except(ps) => (!ps
                .iter()
                .any(|p| wildcard_match(p, value, case_insensitive)))
            .then(|| format!("todo salvo {}", ps.join(", "))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Patterns,
    /// An absent `Resource` (as in a trust policy) matches nothing.
    pub resources: Patterns,
    /// Conditions are not evaluated, only noticed.
    pub has_condition: bool,
}

impl Statement {
    pub fn allows_action(&self, action: &str) -> bool {
        self.actions.matching(action, true).is_some()
    }
    /// The pattern that makes the statement apply to `resource`.
    pub fn resource_pattern(&self, resource: &str) -> Option<String> {
        self.resources.matching(resource, false)
    }
}

/// `*` matches any run of characters, `?` exactly one. IAM compares actions
/// case-insensitively and ARNs case-sensitively.
pub fn wildcard_match(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if case_insensitive {
            s.to_ascii_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, v) = (norm(pattern), norm(value));
    let (mut pi, mut vi) = (0usize, 0usize);
    // Where the last `*` was, and how much of the value it has eaten.
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

/// The statements of a policy document. Tolerant: `Statement` as an object
/// or an array, `Action`/`NotAction` and `Resource`/`NotResource` as a
/// string or an array, the document itself as JSON text. Statements without
/// a valid `Effect` or any action are skipped (IAM would reject them).
pub fn statements(doc: &Value) -> Vec<Statement> {
    let parsed;
    let doc = match doc {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return Vec::new(),
        },
        other => other,
    };
    let list: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    list.into_iter()
        .filter_map(|st| {
            let effect = match st.get("Effect").and_then(Value::as_str) {
                Some(e) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
                Some(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
                _ => return None,
            };
            let actions = match (strings(st.get("Action")), strings(st.get("NotAction"))) {
                (Some(a), _) => Patterns::Only(a),
                (None, Some(n)) => Patterns::Except(n),
                (None, None) => return None,
            };
            let resources = match (strings(st.get("Resource")), strings(st.get("NotResource"))) {
                (Some(r), _) => Patterns::Only(r),
                (None, Some(n)) => Patterns::Except(n),
                (None, None) => Patterns::Only(Vec::new()),
            };
            Some(Statement {
                sid: st.get("Sid").and_then(Value::as_str).map(str::to_string),
                effect,
                actions,
                resources,
                has_condition: st.get("Condition").is_some_and(|c| !c.is_null()),
            })
        })
        .collect()
}

/// A policy attached to a role, with its document.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    /// How it is shown, e.g. `leer-secreto (en línea)` or a managed policy's name.
    pub name: String,
    pub document: Value,
    pub origin: Option<Origin>,
    /// AWS-managed: known by ARN, its document is cloudgrade's copy.
    pub aws_managed: bool,
}

/// The documents of the AWS-managed policies the course's rules meet. Only
/// these are known; any other AWS-managed policy is reported as unknown.
fn aws_managed_document(name: &str) -> Option<Value> {
    Some(match name {
        "AdministratorAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        }
        "AWSDenyAll" => json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
        "PowerUserAccess" => json!({"Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"], "Resource": "*"}
        ]}),
        "SecretsManagerReadWrite" => json!({"Statement": [
            {"Effect": "Allow", "Action": ["secretsmanager:*", "kms:DescribeKey", "kms:ListAliases", "kms:ListKeys",
                "rds:DescribeDBInstances", "rds:DescribeDBClusters", "tag:GetResources"], "Resource": "*"}
        ]}),
        "AmazonECSTaskExecutionRolePolicy" => json!({"Statement": [
            {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}
        ]}),
        "CloudWatchLogsFullAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["logs:*", "cloudwatch:GenerateQuery"], "Resource": "*"}]})
        }
        "AmazonSSMReadOnlyAccess" => {
            json!({"Statement": [{"Effect": "Allow", "Action": ["ssm:Describe*", "ssm:Get*", "ssm:List*"], "Resource": "*"}]})
        }
        "AmazonEC2ContainerRegistryReadOnly" => json!({"Statement": [
            {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
                "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource",
                "ecr:DescribeImageScanFindings"], "Resource": "*"}
        ]}),
        // The "full access" policies tutorials attach to a task role: what
        // matters to the rules is their grant of every action of a service
        // on every resource.
        "AmazonS3FullAccess" => full_access(&["s3:*", "s3-object-lambda:*"]),
        "AmazonDynamoDBFullAccess" => full_access(&["dynamodb:*", "dax:*"]),
        "AmazonSQSFullAccess" => full_access(&["sqs:*"]),
        "AmazonSNSFullAccess" => full_access(&["sns:*"]),
        "AmazonRDSFullAccess" => full_access(&["rds:*"]),
        "IAMFullAccess" => full_access(&["iam:*"]),
        "AmazonS3ReadOnlyAccess" => json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], "Resource": "*"}
        ]}),
        _ => return None,
    })
}

fn full_access(actions: &[&str]) -> Value {
    json!({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})
}

/// `arn:aws:iam::aws:policy/service-role/X` -> `X`, for AWS-managed ARNs.
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let path = rest.strip_prefix("iam::aws:policy/")?;
    path.rsplit('/').next()
}

/// A role by ARN or name (an ARN is also tried by its name).
pub fn find_role<'a>(inv: &'a Inventory, arn_or_name: &str) -> Option<&'a IamRole> {
    inv.iam_role(arn_or_name).or_else(|| {
        let name = arn_or_name
            .strip_prefix("arn:")
            .and_then(|_| arn_or_name.rsplit('/').next())?;
        inv.iam_role(name)
    })
}

/// Why some of a role's policies are not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadPolicy {
    /// AWS-managed: it could only grant (AWS-managed policies do not deny,
    /// except `AWSDenyAll`, which is known).
    pub aws_managed: bool,
    pub why: Unanswerable,
}

/// Inline, customer-managed and known AWS-managed policies of the role, and
/// those whose document is not known.
pub fn role_policies(inv: &Inventory, role: &IamRole) -> (Vec<NamedPolicy>, Vec<UnreadPolicy>) {
    let rl = role_label(role);
    let mut out: Vec<NamedPolicy> = role
        .inline_policies
        .iter()
        .map(|p| NamedPolicy {
            name: format!("{} (en línea)", p.name),
            document: p.document.clone(),
            origin: role.origin.clone(),
            aws_managed: false,
        })
        .collect();
    let mut unread = Vec::new();
    for arn in &role.attached_policy_arns {
        if let Some(p) = inv.iam_policy(arn) {
            out.push(NamedPolicy {
                name: p.name.clone(),
                document: p.document.clone(),
                origin: p.origin.clone(),
                aws_managed: false,
            });
        } else if let Some(name) = aws_managed_name(arn) {
            match aws_managed_document(name) {
                Some(document) => out.push(NamedPolicy {
                    name: format!("{name} (administrada por AWS)"),
                    document,
                    origin: role.origin.clone(),
                    aws_managed: true,
                }),
                None => unread.push(UnreadPolicy {
                    aws_managed: true,
                    why: Unanswerable::new(
                        &rl,
                        format!("el rol {rl} tiene la política administrada por AWS {name}, cuyo contenido cloudgrade no conoce"),
                    ),
                }),
            }
        } else {
            let g = gaps(inv, ResourceKind::IamPolicy, &rl);
            let why = g.into_iter().next().unwrap_or_else(|| {
                Unanswerable::new(
                    &rl,
                    format!(
                        "el rol {rl} tiene adjunta la política {arn}, que no está en el inventario"
                    ),
                )
            });
            unread.push(UnreadPolicy {
                aws_managed: false,
                why,
            });
        }
    }
    (out, unread)
}

pub(crate) fn role_label(role: &IamRole) -> String {
    if role.name.is_empty() {
        role.arn.clone()
    } else {
        role.name.clone()
    }
}

/// Whether a role may read a secret, and how widely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretAccess {
    /// Allowed by a statement whose resource is this secret only.
    Scoped {
        policy: String,
    },
    /// Allowed through `*` or a wildcard wider than the secret.
    Broad {
        policy: String,
        resource: String,
    },
    /// Not allowed, or explicitly denied.
    Denied,
    Unanswerable(Unanswerable),
}

pub const READ_SECRET_ACTION: &str = "secretsmanager:GetSecretValue";

/// Whether the role's policies allow `secretsmanager:GetSecretValue` on the
/// secret: inline, customer-managed and known AWS-managed policies; an
/// explicit unconditional Deny wins. A conditional Deny that would decide the
/// answer, or an unread customer policy (it might deny), is unanswerable.
/// Resource policies, permission boundaries and SCPs are not modelled.
pub fn role_can_read_secret(
    inv: &Inventory,
    role_arn_or_name: &str,
    secret_arn: &str,
) -> SecretAccess {
    let Some(role) = find_role(inv, role_arn_or_name) else {
        let why = gaps(inv, ResourceKind::IamRole, role_arn_or_name).into_iter().next().unwrap_or_else(|| {
            Unanswerable::new(
                role_arn_or_name,
                format!("el rol {role_arn_or_name} no está en el inventario: no se pueden leer sus políticas"),
            )
        });
        return SecretAccess::Unanswerable(why);
    };
    let (policies, unread) = role_policies(inv, role);
    let mut scoped: Option<String> = None;
    let mut broad: Option<(String, String)> = None;
    let mut conditional_deny: Option<String> = None;
    for p in &policies {
        for st in statements(&p.document) {
            if !st.allows_action(READ_SECRET_ACTION) {
                continue;
            }
            let Some(pattern) = st.resource_pattern(secret_arn) else {
                continue;
            };
            match (st.effect, st.has_condition) {
                (Effect::Deny, false) => return SecretAccess::Denied,
                (Effect::Deny, true) => {
                    conditional_deny = conditional_deny.or(Some(p.name.clone()))
                }
                (Effect::Allow, _) if is_scoped(inv, &st.resources, &pattern, secret_arn) => {
                    scoped = scoped.or(Some(p.name.clone()));
                }
                (Effect::Allow, _) => broad = broad.or(Some((p.name.clone(), pattern))),
            }
        }
    }
    let allowed = scoped.is_some() || broad.is_some();
    if let Some(u) = unread.iter().find(|u| !u.aws_managed || !allowed) {
        return SecretAccess::Unanswerable(u.why.clone());
    }
    if allowed && let Some(name) = conditional_deny {
        return SecretAccess::Unanswerable(Unanswerable::new(
            role_label(role),
            format!(
                "la política {name} deniega la lectura del secreto bajo una condición, y cloudgrade no evalúa condiciones"
            ),
        ));
    }
    match (broad, scoped) {
        (Some((policy, resource)), _) => SecretAccess::Broad { policy, resource },
        (None, Some(policy)) => SecretAccess::Scoped { policy },
        // An inline policy the source could not read might be the grant.
        (None, None) => match gaps(inv, ResourceKind::IamRole, &role_label(role))
            .into_iter()
            .next()
        {
            Some(u) => SecretAccess::Unanswerable(u),
            None => SecretAccess::Denied,
        },
    }
}

/// A resource pattern that names this secret and no other: its ARN, its ARN
/// without the six random characters Secrets Manager appends (then followed
/// by `-??????`, `-*` or `*`), or the ARN followed by `*`; and no other
/// secret of the inventory matches it.
fn is_scoped(inv: &Inventory, resources: &Patterns, pattern: &str, secret_arn: &str) -> bool {
    if matches!(resources, Patterns::Except(_)) {
        return false;
    }
    let base = strip_random_suffix(secret_arn);
    let shape_ok = pattern == secret_arn
        || pattern == base
        || [
            format!("{base}-??????"),
            format!("{base}-*"),
            format!("{base}*"),
            format!("{secret_arn}*"),
        ]
        .iter()
        .any(|p| p == pattern);
    shape_ok
        && !inv
            .secrets
            .iter()
            .any(|s| s.arn != secret_arn && wildcard_match(pattern, &s.arn, false))
}

fn strip_random_suffix(arn: &str) -> &str {
    match arn.rsplit_once('-') {
        Some((base, suffix))
            if suffix.len() == 6 && suffix.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            base
        }
        _ => arn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::empty;
    use cloudgrade_model::{Gap, GapReason, ManagedPolicy, Secret};

    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";

    fn role(inline: Vec<Value>, attached: &[&str]) -> IamRole {
        crate::analysis::testkit::iam_role("exec", json!({}), inline, attached)
    }

    fn inv_with(r: IamRole) -> Inventory {
        let mut inv = empty();
        inv.secrets.push(Secret {
            arn: SECRET.into(),
            name: "prod/db".into(),
            rotation_enabled: None,
            rotation_days: None,
            kms_key_id: None,
            origin: None,
        });
        inv.iam_roles.push(r);
        inv
    }

    fn allow(action: &str, resource: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match(
            "secretsmanager:Get*",
            "secretsmanager:GetSecretValue",
            true
        ));
        assert!(wildcard_match(
            "SecretsManager:getsecretvalue",
            "secretsmanager:GetSecretValue",
            true
        ));
        assert!(!wildcard_match(
            "secretsmanager:List*",
            "secretsmanager:GetSecretValue",
            true
        ));
        assert!(wildcard_match("*", "anything", true));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(wildcard_match("arn:*:secret:prod/*", SECRET, false));
        assert!(
            !wildcard_match("arn:*:secret:Prod/*", SECRET, false),
            "ARNs are case-sensitive"
        );
        assert!(wildcard_match("*db-*", SECRET, false));
        assert!(wildcard_match("", "", false));
        assert!(!wildcard_match("", "x", false));
    }

    #[test]
    fn statements_are_read_tolerantly() {
        let doc = json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": ["a", "b"], "Condition": {"Bool": {}}}});
        let s = statements(&doc);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].actions, Patterns::Except(vec!["iam:*".into()]));
        assert_eq!(s[0].resources, Patterns::Only(vec!["a".into(), "b".into()]));
        assert!(s[0].has_condition);
        let text = Value::String(allow("s3:GetObject", "*").to_string());
        assert_eq!(statements(&text).len(), 1);
        let bad =
            json!({"Statement": [{"Effect": "Maybe", "Action": "*"}, {"Effect": "Allow"}, 3]});
        assert!(statements(&bad).is_empty());
        assert!(statements(&Value::String("not json".into())).is_empty());
        assert!(statements(&json!(null)).is_empty());
    }

    #[test]
    fn scoped_access_to_the_secret_arn() {
        for resource in [
            SECRET,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-??????",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-*",
        ] {
            let inv = inv_with(role(
                vec![allow("secretsmanager:GetSecretValue", resource)],
                &[],
            ));
            assert_eq!(
                role_can_read_secret(&inv, "exec", SECRET),
                SecretAccess::Scoped {
                    policy: "p0 (en línea)".into()
                },
                "{resource}"
            );
        }
    }

    #[test]
    fn course_policy_with_star_resource_is_broad() {
        let inv = inv_with(role(vec![allow("secretsmanager:*", "*")], &[]));
        assert_eq!(
            role_can_read_secret(&inv, "arn:aws:iam::123456789012:role/exec", SECRET),
            SecretAccess::Broad {
                policy: "p0 (en línea)".into(),
                resource: "*".into()
            }
        );
    }

    #[test]
    fn a_wildcard_wider_than_the_secret_is_broad() {
        let mut inv = inv_with(role(
            vec![allow(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*",
            )],
            &[],
        ));
        assert!(matches!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Broad { .. }
        ));
        // `prod/db-*` also matches `prod/db-replica-...`: then it is broad too.
        inv.iam_roles[0] = role(
            vec![allow(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-*",
            )],
            &[],
        );
        inv.secrets.push(Secret {
            arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-replica-XyZ123"
                .into(),
            name: "prod/db-replica".into(),
            rotation_enabled: None,
            rotation_days: None,
            kms_key_id: None,
            origin: None,
        });
        assert!(matches!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Broad { .. }
        ));
    }

    #[test]
    fn aws_managed_policies_are_known_by_arn() {
        for arn in [
            "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess",
        ] {
            let inv = inv_with(role(vec![], &[arn]));
            assert!(
                matches!(
                    role_can_read_secret(&inv, "exec", SECRET),
                    SecretAccess::Broad { .. }
                ),
                "{arn}"
            );
        }
        let inv = inv_with(role(
            vec![],
            &["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        ));
        assert_eq!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Denied
        );
        let inv = inv_with(role(vec![], &["arn:aws:iam::aws:policy/SomethingElse"]));
        assert!(
            matches!(role_can_read_secret(&inv, "exec", SECRET), SecretAccess::Unanswerable(u) if u.reason.contains("SomethingElse"))
        );
        // An unknown AWS-managed policy cannot deny, so a grant elsewhere stands.
        let inv = inv_with(role(
            vec![allow("secretsmanager:GetSecretValue", SECRET)],
            &["arn:aws:iam::aws:policy/SomethingElse"],
        ));
        assert!(matches!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Scoped { .. }
        ));
    }

    #[test]
    fn customer_managed_policies_are_read_from_the_inventory() {
        let arn = "arn:aws:iam::123456789012:policy/read-db";
        let mut inv = inv_with(role(vec![], &[arn]));
        inv.iam_policies.push(ManagedPolicy {
            arn: arn.into(),
            name: "read-db".into(),
            document: allow("secretsmanager:GetSecretValue", SECRET),
            origin: None,
        });
        assert_eq!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Scoped {
                policy: "read-db".into()
            }
        );
        inv.iam_policies.clear();
        assert!(
            matches!(role_can_read_secret(&inv, "exec", SECRET), SecretAccess::Unanswerable(u) if u.reason.contains("no está en el inventario"))
        );
        inv.gaps.push(Gap {
            kind: ResourceKind::IamPolicy,
            operation: "iam:GetPolicyVersion".into(),
            reason: GapReason::AccessDenied,
            message: "x".into(),
        });
        assert!(
            matches!(role_can_read_secret(&inv, "exec", SECRET), SecretAccess::Unanswerable(u) if u.reason.contains("iam:GetPolicyVersion"))
        );
    }

    #[test]
    fn explicit_deny_wins_and_conditional_deny_is_unanswerable() {
        let deny =
            json!({"Statement": {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}});
        let inv = inv_with(role(
            vec![allow("secretsmanager:GetSecretValue", SECRET), deny],
            &[],
        ));
        assert_eq!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Denied
        );
        let cond = json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}});
        let inv = inv_with(role(
            vec![allow("secretsmanager:GetSecretValue", SECRET), cond],
            &[],
        ));
        assert!(matches!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Unanswerable(_)
        ));
        let inv = inv_with(role(
            vec![],
            &[
                "arn:aws:iam::aws:policy/AWSDenyAll",
                "arn:aws:iam::aws:policy/AdministratorAccess",
            ],
        ));
        assert_eq!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Denied
        );
    }

    #[test]
    fn other_actions_or_resources_do_not_grant() {
        let inv = inv_with(role(
            vec![
                allow("secretsmanager:DescribeSecret", SECRET),
                allow(
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-*",
                ),
            ],
            &[],
        ));
        assert_eq!(
            role_can_read_secret(&inv, "exec", SECRET),
            SecretAccess::Denied
        );
        let not_res = json!({"Statement": {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "NotResource": "arn:aws:s3:::x"}});
        let inv = inv_with(role(vec![not_res], &[]));
        assert!(
            matches!(role_can_read_secret(&inv, "exec", SECRET), SecretAccess::Broad { resource, .. } if resource.contains("todo salvo"))
        );
    }

    #[test]
    fn no_grant_with_unread_role_details_is_unanswerable() {
        let mut inv = inv_with(role(vec![], &[]));
        inv.gaps.push(Gap {
            kind: ResourceKind::IamRole,
            operation: "iam:GetRolePolicy".into(),
            reason: GapReason::AccessDenied,
            message: "x".into(),
        });
        assert!(
            matches!(role_can_read_secret(&inv, "exec", SECRET), SecretAccess::Unanswerable(u) if u.reason.contains("iam:GetRolePolicy"))
        );
    }

    #[test]
    fn missing_role_is_unanswerable() {
        let inv = inv_with(role(vec![], &[]));
        assert!(
            matches!(role_can_read_secret(&inv, "nope", SECRET), SecretAccess::Unanswerable(u) if u.reason.contains("nope"))
        );
    }

    #[test]
    fn aws_managed_names_are_parsed_from_arns() {
        assert_eq!(
            aws_managed_name(
                "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
            ),
            Some("AmazonECSTaskExecutionRolePolicy")
        );
        assert_eq!(
            aws_managed_name("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"),
            Some("AdministratorAccess")
        );
        assert_eq!(
            aws_managed_name("arn:aws:iam::123456789012:policy/mine"),
            None
        );
    }
}
