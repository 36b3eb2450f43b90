//! The roles an ECS task runs with: whom they trust, and what their
//! policies grant too widely (an administrator's permissions, every action
//! of a service, every resource).

use cloudgrade_model::{IamRole, Inventory, ResourceKind};
use serde_json::Value;

use super::iam::{
    Effect, NamedPolicy, Patterns, Statement, UnreadPolicy, aws_managed_name, find_role,
    role_label, role_policies, statements,
};
use super::{Check, Finding, Unanswerable, gaps};

/// The principal ECS tasks assume their roles as.
pub const ECS_TASKS: &str = "ecs-tasks.amazonaws.com";

/// What the checks of a role's grants conclude: the findings, and why some
/// of its policies could not be judged.
pub type Grants = (Vec<Finding>, Vec<Unanswerable>);

/// A role the task definitions name but the inventory does not hold: a
/// literal ARN of a role made elsewhere, or a kind the source could not read.
fn missing(inv: &Inventory, role_ref: &str) -> Unanswerable {
    gaps(inv, ResourceKind::IamRole, role_ref)
        .into_iter()
        .next()
        .unwrap_or_else(|| {
            Unanswerable::new(
                role_ref,
                format!(
                    "el rol {role_ref} no está en el proyecto (un ARN escrito a mano o un rol creado en otra parte): no se pueden leer su confianza ni sus políticas"
                ),
            )
        })
}

/// Why a document the source kept as `null` is not known: the gap it
/// recorded for roles or policies, else the plain fact.
fn unread_document(inv: &Inventory, role: &str, what: &str) -> Unanswerable {
    gaps(inv, ResourceKind::IamRole, role)
        .into_iter()
        .chain(gaps(inv, ResourceKind::IamPolicy, role))
        .next()
        .unwrap_or_else(|| {
            Unanswerable::new(role, format!("no se pudo leer {what} del rol {role}"))
        })
}

/// One principal of a trust statement, as `kind:value` (`Service:…`,
/// `AWS:…`, `Federated:…`), or `*` for anyone.
fn principals(statement: &Value) -> Vec<String> {
    let Some(p) = statement.get("Principal") else {
        return Vec::new();
    };
    match p {
        Value::String(s) => vec![s.clone()],
        Value::Object(map) => map
            .iter()
            .flat_map(|(kind, v)| {
                let values: Vec<String> = match v {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                values.into_iter().map(move |v| format!("{kind}:{v}"))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn statement_list(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

fn is_ecs_tasks(principal: &str) -> bool {
    principal
        .strip_prefix("Service:")
        .is_some_and(|s| s.eq_ignore_ascii_case(ECS_TASKS))
}

/// iam-trust-ecs-tasks: the role can be assumed by ECS tasks
/// (`sts:AssumeRole` from `ecs-tasks.amazonaws.com`) and by nobody else.
/// `ecs.amazonaws.com`, the service's own principal, is the usual mistake:
/// the tasks then cannot assume the role and never start.
pub fn trusts_only_ecs_tasks(inv: &Inventory, role_ref: &str) -> Check {
    let Some(role) = find_role(inv, role_ref) else {
        return Err(Err(missing(inv, role_ref)));
    };
    let label = role_label(role);
    let doc = match &role.assume_role_policy {
        Value::Null => {
            return Err(Err(unread_document(
                inv,
                &label,
                "la política de confianza",
            )));
        }
        Value::String(text) => match serde_json::from_str(text) {
            Ok(doc) => doc,
            // Not JSON: unknown, never "trusts nobody".
            Err(_) => {
                return Err(Err(unread_document(
                    inv,
                    &label,
                    "la política de confianza (no es JSON)",
                )));
            }
        },
        other => other.clone(),
    };
    let mut trusted_by_tasks = false;
    let mut others: Vec<String> = Vec::new();
    for raw in statement_list(&doc) {
        // Parsed one by one: `statements` skips the invalid ones, which
        // would misalign a zip with the raw list.
        let Some(st) = statements(&serde_json::json!({ "Statement": raw })).pop() else {
            continue;
        };
        if st.effect != Effect::Allow || !assumes(&st) {
            continue;
        }
        if raw.get("NotPrincipal").is_some() {
            others.push("todos salvo los de NotPrincipal".into());
            continue;
        }
        for p in principals(raw) {
            if is_ecs_tasks(&p) {
                trusted_by_tasks |= st.allows_action("sts:AssumeRole");
            } else if !others.contains(&p) {
                others.push(p);
            }
        }
    }
    let fail = |message: String| Err(Ok(Finding::new(&label, message, role.origin.as_ref())));
    // Not assumable by the tasks says more than whom else it trusts: the
    // tasks do not start.
    if !trusted_by_tasks {
        let service = statement_list(&doc)
            .iter()
            .flat_map(|s| principals(s))
            .any(|p| p.eq_ignore_ascii_case("Service:ecs.amazonaws.com"));
        return fail(if service {
            format!(
                "el rol {label} confía en ecs.amazonaws.com (el servicio ECS), no en {ECS_TASKS} (sus tareas): ECS no puede asumirlo para las tareas y no arrancan («ECS was unable to assume the role»)"
            )
        } else {
            format!(
                "la política de confianza del rol {label} no permite sts:AssumeRole a {ECS_TASKS}: las tareas no pueden asumirlo y no arrancan"
            )
        });
    }
    if !others.is_empty() {
        let list = others
            .iter()
            .map(|p| if p == "*" { "cualquiera (*)" } else { p })
            .collect::<Vec<_>>()
            .join(", ");
        return fail(format!(
            "el rol {label} confía también en {list}: quien pueda asumirlo recibe sus permisos; su política de confianza debe nombrar solo el servicio {ECS_TASKS}"
        ));
    }
    Ok(format!(
        "el rol {label} confía solo en {ECS_TASKS} (sts:AssumeRole)"
    ))
}

/// A trust statement that lets its principals in at all.
fn assumes(st: &Statement) -> bool {
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
    ]
    .iter()
    .any(|a| st.allows_action(a))
}

/// AWS-managed policies that make a role an administrator (of the account,
/// or of IAM, which is the same thing one step later).
const ADMIN_POLICIES: [&str; 3] = ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"];

/// A role of the inventory with its policies: those whose document is
/// known, and why the others are not.
struct ReadRole<'a> {
    role: &'a IamRole,
    label: String,
    policies: Vec<NamedPolicy>,
    unread: Vec<UnreadPolicy>,
}

fn read_role<'a>(inv: &'a Inventory, role_ref: &str) -> Result<ReadRole<'a>, Unanswerable> {
    let Some(role) = find_role(inv, role_ref) else {
        return Err(missing(inv, role_ref));
    };
    let label = role_label(role);
    let (all, mut unread) = role_policies(inv, role);
    let mut policies = Vec::new();
    for p in all {
        if p.document.is_null() {
            unread.push(UnreadPolicy {
                aws_managed: false,
                why: unread_document(inv, &label, &format!("la política {}", p.name)),
            });
        } else {
            policies.push(p);
        }
    }
    Ok(ReadRole {
        role,
        label,
        policies,
        unread,
    })
}

fn sid(st: &Statement) -> String {
    st.sid
        .as_deref()
        .map(|s| format!(" (declaración {s})"))
        .unwrap_or_default()
}

/// iam-no-admin: none of the role's policies makes it an administrator:
/// `AdministratorAccess`, `IAMFullAccess` or `PowerUserAccess` attached, or
/// an Allow of every action (`*`), of every IAM action (`iam:*`, with which
/// it can grant itself anything), or of everything but some (`NotAction`)
/// on every resource. An AWS-managed policy cloudgrade does not know is
/// known by name not to be one of those.
pub fn admin_grants(inv: &Inventory, role_ref: &str) -> Grants {
    let ReadRole {
        role,
        label,
        policies,
        unread,
    } = match read_role(inv, role_ref) {
        Ok(read) => read,
        Err(u) => return (Vec::new(), vec![u]),
    };
    let mut found = Vec::new();
    for arn in &role.attached_policy_arns {
        if let Some(name) = aws_managed_name(arn).filter(|n| ADMIN_POLICIES.contains(n)) {
            found.push(Finding::new(
                &label,
                format!(
                    "el rol {label} tiene adjunta la política {name} (administrada por AWS): quien tenga el rol administra la cuenta; adjunta solo políticas con las acciones que la tarea usa"
                ),
                role.origin.as_ref(),
            ));
        }
    }
    for p in policies.iter().filter(|p| !p.aws_managed) {
        for st in statements(&p.document)
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let what = match &st.actions {
                Patterns::Only(a) => a
                    .iter()
                    .find(|x| matches!(x.to_ascii_lowercase().as_str(), "*" | "*:*" | "iam:*"))
                    .map(|x| {
                        if x == "*" || x == "*:*" {
                            format!("todas las acciones ({x})")
                        } else {
                            format!("todas las acciones de IAM ({x}), con las que puede darse cualquier permiso")
                        }
                    }),
                Patterns::Except(n) if matches!(&st.resources, Patterns::Only(r) if r.iter().any(|x| x == "*")) => {
                    Some(format!("todas las acciones salvo {} (NotAction) sobre todos los recursos", n.join(", ")))
                }
                Patterns::Except(_) => None,
            };
            if let Some(what) = what {
                found.push(Finding::new(
                    &label,
                    format!(
                        "la política {}{} del rol {label} permite {what}: es un rol de administrador; nombra solo las acciones que la tarea usa",
                        p.name,
                        sid(st)
                    ),
                    p.origin.as_ref(),
                ));
            }
        }
    }
    // An unread customer policy might be the administrator's; an AWS-managed
    // one is known by its name not to be.
    let unknowns = if found.is_empty() {
        unread
            .into_iter()
            .filter(|u| !u.aws_managed)
            .map(|u| u.why)
            .collect()
    } else {
        Vec::new()
    };
    (found, unknowns)
}

/// Actions that accept no resource but `*`: granting them on `*` is as
/// narrow as IAM allows (the service authorization reference lists no
/// resource type for them).
const WITHOUT_RESOURCES: [&str; 14] = [
    "ecr:GetAuthorizationToken",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "ec2:Describe*",
    "logs:DescribeLogGroups",
    "sts:GetCallerIdentity",
];

/// Whether an action written in a policy (itself maybe a pattern) is only
/// ever one of those: `ssmmessages:*Channel` is, `ssmmessages:*` is not.
fn without_resources(action: &str) -> bool {
    WITHOUT_RESOURCES
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
        || action.eq_ignore_ascii_case("ssmmessages:*Channel")
}

/// iam-task-role-least-privilege: the role grants named actions on named
/// resources. Every action (`*`), every action of a service (`s3:*`),
/// everything but some (`NotAction`) and every resource (`*`, `NotResource`)
/// are too wide, one finding per statement; `*` as the resource is what
/// IAM allows for the actions that take no other ([`WITHOUT_RESOURCES`]).
pub fn too_wide_grants(inv: &Inventory, role_ref: &str) -> Grants {
    let ReadRole {
        label,
        policies,
        unread,
        ..
    } = match read_role(inv, role_ref) {
        Ok(read) => read,
        Err(u) => return (Vec::new(), vec![u]),
    };
    let mut found = Vec::new();
    for p in &policies {
        for st in statements(&p.document)
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let (actions, every_action) = match &st.actions {
                Patterns::Only(a) => {
                    let wide: Vec<&str> = a
                        .iter()
                        .map(String::as_str)
                        .filter(|x| *x == "*" || x.ends_with(":*"))
                        .collect();
                    let text = if wide.contains(&"*") {
                        Some("todas las acciones (*)".to_string())
                    } else if !wide.is_empty() {
                        Some(format!(
                            "todas las acciones de un servicio ({})",
                            wide.join(", ")
                        ))
                    } else {
                        None
                    };
                    (text, a.iter().all(|x| without_resources(x)))
                }
                Patterns::Except(n) => (
                    Some(format!(
                        "todas las acciones salvo {} (NotAction)",
                        n.join(", ")
                    )),
                    false,
                ),
            };
            let resources = match &st.resources {
                Patterns::Only(r) if r.iter().any(|x| x == "*") && !every_action => {
                    Some("todos los recursos (*)".to_string())
                }
                Patterns::Only(_) => None,
                Patterns::Except(n) => Some(format!(
                    "todos los recursos salvo {} (NotResource)",
                    n.join(", ")
                )),
            };
            if actions.is_none() && resources.is_none() {
                continue;
            }
            let act_text = actions.unwrap_or_else(|| match &st.actions {
                Patterns::Only(a) => a.join(", "),
                Patterns::Except(_) => String::new(),
            });
            let res_text = resources.unwrap_or_else(|| match &st.resources {
                Patterns::Only(r) => r.join(", "),
                Patterns::Except(_) => String::new(),
            });
            found.push(Finding::new(
                &label,
                format!(
                    "la política {}{} del rol {label} permite {act_text} sobre {res_text}: el mínimo privilegio pide nombrar las acciones que la aplicación usa y los ARN de los recursos concretos",
                    p.name,
                    sid(st)
                ),
                p.origin.as_ref(),
            ));
        }
    }
    let unknowns = if found.is_empty() {
        unread.into_iter().map(|u| u.why).collect()
    } else {
        Vec::new()
    };
    (found, unknowns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{empty, iam_role as role};
    use cloudgrade_model::{Gap, GapReason, IamRole, InlinePolicy, ManagedPolicy};
    use serde_json::json;

    fn trust(principal: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
    }

    fn allow(action: Value, resource: Value) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
    }

    fn with(roles: Vec<IamRole>) -> Inventory {
        let mut inv = empty();
        inv.iam_roles = roles;
        inv
    }

    fn message(v: Check) -> String {
        match v {
            Err(Ok(f)) => f.message,
            other => panic!("expected a finding, got {other:?}"),
        }
    }

    #[test]
    fn a_role_trusting_only_ecs_tasks_passes_in_every_spelling() {
        for principal in [
            json!({"Service": ECS_TASKS}),
            json!({"Service": [ECS_TASKS]}),
            json!({"Service": "ECS-Tasks.amazonaws.com"}),
        ] {
            let inv = with(vec![role("t", trust(principal.clone()), vec![], &[])]);
            assert!(trusts_only_ecs_tasks(&inv, "t").is_ok(), "{principal}");
        }
        // As a JSON string, as some sources keep it, and with a condition
        // (the confused-deputy guard) it still trusts only the tasks.
        let text = Value::String(trust(json!({"Service": ECS_TASKS})).to_string());
        let inv = with(vec![role("t", text, vec![], &[])]);
        assert!(trusts_only_ecs_tasks(&inv, "arn:aws:iam::123456789012:role/t").is_ok());
    }

    #[test]
    fn the_service_principal_instead_of_the_tasks_fails_with_what_ecs_says() {
        let inv = with(vec![role(
            "t",
            trust(json!({"Service": "ecs.amazonaws.com"})),
            vec![],
            &[],
        )]);
        let m = message(trusts_only_ecs_tasks(&inv, "t"));
        assert!(m.contains("ecs.amazonaws.com (el servicio ECS)"), "{m}");
        assert!(m.contains("ECS was unable to assume the role"), "{m}");
    }

    #[test]
    fn any_other_principal_beside_the_tasks_fails() {
        for (principal, shown) in [
            (
                json!({"Service": [ECS_TASKS, "ec2.amazonaws.com"]}),
                "Service:ec2.amazonaws.com",
            ),
            (json!("*"), "cualquiera (*)"),
            (
                json!({"AWS": "arn:aws:iam::111122223333:root"}),
                "AWS:arn:aws:iam::111122223333:root",
            ),
        ] {
            let mut doc = trust(json!({"Service": ECS_TASKS}));
            doc["Statement"]
                .as_array_mut()
                .unwrap()
                .push(trust(principal)["Statement"][0].clone());
            let inv = with(vec![role("t", doc, vec![], &[])]);
            let m = message(trusts_only_ecs_tasks(&inv, "t"));
            assert!(m.contains(&format!("confía también en {shown}")), "{m}");
        }
        // A Deny, or a statement that allows no assuming, trusts nobody.
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"Service": ECS_TASKS}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:TagSession"}
        ]});
        let inv = with(vec![role("t", doc, vec![], &[])]);
        assert!(trusts_only_ecs_tasks(&inv, "t").is_ok());
    }

    #[test]
    fn a_trust_without_assume_role_for_the_tasks_fails() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": ECS_TASKS}, "Action": "sts:TagSession"}]});
        let inv = with(vec![role("t", doc, vec![], &[])]);
        let m = message(trusts_only_ecs_tasks(&inv, "t"));
        assert!(m.contains("no permite sts:AssumeRole"), "{m}");
        let inv = with(vec![role("t", json!({}), vec![], &[])]);
        assert!(message(trusts_only_ecs_tasks(&inv, "t")).contains("no permite"));
    }

    #[test]
    fn a_role_not_in_the_project_or_an_unread_trust_is_unknown() {
        let inv = with(vec![]);
        assert!(
            matches!(trusts_only_ecs_tasks(&inv, "arn:aws:iam::1:role/x"), Err(Err(u)) if u.reason.contains("no está en el proyecto"))
        );
        let text = with(vec![role(
            "t",
            Value::String("{not json".into()),
            vec![],
            &[],
        )]);
        assert!(
            matches!(trusts_only_ecs_tasks(&text, "t"), Err(Err(u)) if u.reason.contains("no es JSON"))
        );
        let mut inv = with(vec![role("t", Value::Null, vec![], &[])]);
        assert!(
            matches!(trusts_only_ecs_tasks(&inv, "t"), Err(Err(u)) if u.reason.contains("política de confianza"))
        );
        inv.gaps.push(Gap {
            kind: ResourceKind::IamRole,
            operation: "iam:GetAccountAuthorizationDetails".into(),
            reason: GapReason::AccessDenied,
            message: "denied".into(),
        });
        assert!(
            matches!(trusts_only_ecs_tasks(&inv, "t"), Err(Err(u)) if u.reason.contains("acceso denegado"))
        );
    }

    fn ok_trust() -> Value {
        trust(json!({"Service": ECS_TASKS}))
    }

    #[test]
    fn administrator_policies_and_grants_of_everything_are_found() {
        let inv = with(vec![role(
            "t",
            ok_trust(),
            vec![
                allow(json!("*"), json!("*")),
                allow(json!(["iam:*"]), json!("arn:aws:iam::1:role/x")),
                json!({"Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}),
                allow(json!("s3:*"), json!("*")),
                json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}),
            ],
            &[
                "arn:aws:iam::aws:policy/AdministratorAccess",
                "arn:aws:iam::aws:policy/AmazonS3FullAccess",
                "arn:aws:iam::aws:policy/SomethingUnknown",
            ],
        )]);
        let (found, unknowns) = admin_grants(&inv, "t");
        let m: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(found.len(), 4, "{m:#?}");
        assert!(
            m[0].contains("AdministratorAccess (administrada por AWS)"),
            "{}",
            m[0]
        );
        assert!(
            m[1].contains("p0 (en línea) del rol t permite todas las acciones (*)"),
            "{}",
            m[1]
        );
        assert!(
            m[2].contains("todas las acciones de IAM (iam:*)"),
            "{}",
            m[2]
        );
        assert!(m[3].contains("salvo s3:* (NotAction)"), "{}", m[3]);
        assert!(unknowns.is_empty());
    }

    #[test]
    fn no_admin_holds_with_narrow_policies_and_is_unknown_while_one_is_unread() {
        let mut inv = with(vec![role(
            "t",
            ok_trust(),
            vec![allow(json!("s3:GetObject"), json!("arn:aws:s3:::b/*"))],
            &[
                "arn:aws:iam::aws:policy/SomethingUnknown",
                "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            ],
        )]);
        assert_eq!(admin_grants(&inv, "t"), (vec![], vec![]));
        inv.iam_roles[0]
            .attached_policy_arns
            .push("aws_iam_policy.app".into());
        let (found, unknowns) = admin_grants(&inv, "t");
        assert!(found.is_empty());
        assert!(
            unknowns[0].reason.contains("aws_iam_policy.app"),
            "{unknowns:?}"
        );
        inv.iam_policies.push(ManagedPolicy {
            arn: "aws_iam_policy.app".into(),
            name: "app".into(),
            document: Value::Null,
            origin: None,
        });
        let (_, unknowns) = admin_grants(&inv, "t");
        assert!(
            unknowns[0].reason.contains("la política app"),
            "{unknowns:?}"
        );
    }

    #[test]
    fn least_privilege_names_every_too_wide_statement() {
        let inv = with(vec![role(
            "t",
            ok_trust(),
            vec![json!({"Statement": [
                {"Sid": "Todo", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "arn:aws:dynamodb:us-east-1:1:table/t"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "ssmmessages:*Channel", "ec2:Describe*"], "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}
            ]})],
            &["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
        )]);
        let (found, unknowns) = too_wide_grants(&inv, "t");
        assert!(unknowns.is_empty());
        let m: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(found.len(), 5, "{m:#?}");
        assert!(m[0].starts_with("la política p0 (en línea) (declaración Todo) del rol t permite todas las acciones (*) sobre todos los recursos (*)"), "{}", m[0]);
        assert!(
            m[1].contains("todas las acciones de un servicio (dynamodb:*) sobre arn:aws:dynamodb"),
            "{}",
            m[1]
        );
        assert!(
            m[2].contains("permite s3:GetObject sobre todos los recursos (*)"),
            "{}",
            m[2]
        );
        assert!(
            m[3].contains("salvo arn:aws:s3:::b/* (NotResource)"),
            "{}",
            m[3]
        );
        assert!(m[4].contains("AmazonS3FullAccess (administrada por AWS) del rol t permite todas las acciones de un servicio (s3:*, s3-object-lambda:*)"), "{}", m[4]);
    }

    #[test]
    fn actions_without_resources_may_take_star_but_not_their_whole_service() {
        assert!(without_resources("ecr:GetAuthorizationToken"));
        assert!(without_resources("XRay:PutTraceSegments"));
        assert!(without_resources("ec2:Describe*"));
        assert!(without_resources("ssmmessages:*Channel"));
        assert!(!without_resources("ssmmessages:*"));
        assert!(!without_resources("ecr:BatchGetImage"));
        let inv = with(vec![role(
            "t",
            ok_trust(),
            vec![],
            &["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        )]);
        let (found, _) = too_wide_grants(&inv, "t");
        assert_eq!(
            found.len(),
            1,
            "the agent's policy on a task role: {found:?}"
        );
        assert!(
            found[0].message.contains("ecr:BatchGetImage"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn least_privilege_is_unknown_only_while_nothing_is_found() {
        let mut inv = with(vec![role(
            "t",
            ok_trust(),
            vec![allow(json!("s3:GetObject"), json!("arn:aws:s3:::b/*"))],
            &["arn:aws:iam::aws:policy/SomethingUnknown"],
        )]);
        let (found, unknowns) = too_wide_grants(&inv, "t");
        assert!(found.is_empty());
        assert!(
            unknowns[0].reason.contains("SomethingUnknown"),
            "{unknowns:?}"
        );
        inv.iam_roles[0].inline_policies.push(InlinePolicy {
            name: "wide".into(),
            document: allow(json!("sqs:*"), json!("*")),
        });
        let (found, unknowns) = too_wide_grants(&inv, "t");
        assert_eq!(found.len(), 1);
        assert!(unknowns.is_empty());
        assert_eq!(too_wide_grants(&with(vec![]), "x").1.len(), 1);
    }
}
