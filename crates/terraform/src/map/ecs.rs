//! ECS: clusters, task definitions (their `container_definitions` read from
//! `jsonencode(...)`, a heredoc, `file()` or `templatefile()`, field by
//! field) and services.

use cloudgrade_model::{
    Attr, AwsVpcConfig, ContainerDefinition, Deployment, EcsCluster, EcsService, EnvValue, EnvVar,
    Hardening, ResourceKind, SecretRef, ServiceLoadBalancer, TaskDefinition,
};

use std::collections::BTreeMap;

use super::Mapper;
use super::read::{self, Obj};
use crate::eval::Instance;
use crate::value::{Part, Value};

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    let account_insights = by_type("aws_ecs_account_setting_default")
        .into_iter()
        .find_map(|i| {
            let o = Obj::of(i);
            (o.known_str("name").as_deref() == Some("containerInsights"))
                .then(|| insights_on(&o.known_str("value")?))?
        });
    for i in by_type("aws_ecs_cluster") {
        let o = Obj::of(i);
        let setting = o
            .objects(Some(&i.body), "setting")
            .into_iter()
            .find(|s| s.known_str("name").as_deref() == Some("containerInsights"));
        // Without a setting the account's default applies: off, unless this
        // configuration turns it on for the account.
        let container_insights = match setting {
            Some(s) => match s.attr_string("value") {
                Some(Attr::Known(v)) => insights_on(&v).map(Attr::Known),
                Some(Attr::Unknown(u)) => Some(Attr::Unknown(u)),
                None => None,
            },
            None => Some(Attr::Known(account_insights.unwrap_or(false))),
        };
        m.inv.ecs_clusters.push(EcsCluster {
            arn: i.address.clone(),
            name: o.known_str("name").unwrap_or_else(|| i.address.clone()),
            container_insights,
            origin: Mapper::origin(i),
        });
    }
    let groups = super::logs::by_expression(by_type);
    for i in by_type("aws_ecs_task_definition") {
        task_definition(m, i, &groups);
    }
    let defaults = cluster_strategies(m, by_type);
    for i in by_type("aws_ecs_service") {
        service(m, i, &defaults);
    }
}

/// Where a strategy of capacity providers runs tasks: `FARGATE` when one of
/// them is FARGATE or FARGATE_SPOT, `EC2` when all are others (an EC2
/// capacity provider's Auto Scaling group); `None` when a provider is not
/// known, or when there is no strategy.
fn strategy_launch(strategies: &[Obj]) -> Option<Option<String>> {
    if strategies.is_empty() {
        return None;
    }
    let providers: Vec<Option<String>> = strategies
        .iter()
        .map(|s| s.known_str("capacity_provider"))
        .collect();
    Some(
        if providers
            .iter()
            .flatten()
            .any(|p| cloudgrade_model::is_fargate_provider(p))
        {
            Some("FARGATE".into())
        } else if providers.iter().all(Option::is_some) {
            Some("EC2".into())
        } else {
            None
        },
    )
}

/// Each cluster's default capacity provider strategy, where a service that
/// names neither a launch type nor a strategy runs: from
/// `aws_ecs_cluster_capacity_providers`, or the cluster's own block (older
/// providers).
fn cluster_strategies<'a>(
    m: &mut Mapper,
    by_type: &ByType<'a>,
) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for i in by_type("aws_ecs_cluster") {
        let o = Obj::of(i);
        let blocks = o.objects(Some(&i.body), "default_capacity_provider_strategy");
        if let Some(launch) = strategy_launch(&blocks) {
            out.insert(i.address.clone(), launch);
        }
    }
    for i in by_type("aws_ecs_cluster_capacity_providers") {
        let o = Obj::of(i);
        let Some(named) = m.id(ResourceKind::EcsCluster, i, &o, "cluster_name") else {
            continue;
        };
        let Some(cluster) = m
            .inv
            .ecs_clusters
            .iter()
            .find(|c| c.arn == named || c.name == named)
            .map(|c| c.arn.clone())
        else {
            continue;
        };
        let blocks = o.objects(Some(&i.body), "default_capacity_provider_strategy");
        if let Some(launch) = strategy_launch(&blocks) {
            out.insert(cluster, launch);
        }
    }
    out
}

fn insights_on(v: &str) -> Option<bool> {
    match v {
        "enabled" | "enhanced" => Some(true),
        "disabled" => Some(false),
        _ => None,
    }
}

fn task_definition(m: &mut Mapper, i: &Instance, groups: &BTreeMap<String, String>) {
    let kind = ResourceKind::TaskDefinition;
    let o = Obj::of(i);
    let requires_compatibilities = match read::items(o.get("requires_compatibilities")) {
        Ok(items) => items.iter().filter_map(read::text).collect(),
        Err(_) => Vec::new(),
    };
    let execution_role_arn = m.id(kind, i, &o, "execution_role_arn");
    let task_role_arn = m.id(kind, i, &o, "task_role_arn");
    let containers = containers(m, i, &o, groups);
    m.inv.task_definitions.push(TaskDefinition {
        arn: i.address.clone(),
        family: o.text("family").unwrap_or_else(|| i.address.clone()),
        // The first apply registers revision 1.
        revision: 1,
        status: "ACTIVE".into(),
        network_mode: o.known_str("network_mode"),
        requires_compatibilities,
        // Unset is empty: Fargate refuses a definition without a size.
        pid_mode: o.known_str("pid_mode"),
        cpu: Some(
            o.attr_string("cpu")
                .unwrap_or_else(|| Attr::Known(String::new())),
        ),
        memory: Some(
            o.attr_string("memory")
                .unwrap_or_else(|| Attr::Known(String::new())),
        ),
        execution_role_arn,
        task_role_arn,
        containers,
        origin: Mapper::origin(i),
    });
}

/// `groups`: the log groups whose name is known only after apply, by the
/// text of that name, which is also what a container's `awslogs-group`
/// referring to one reads as.
fn containers(
    m: &mut Mapper,
    i: &Instance,
    o: &Obj,
    groups: &BTreeMap<String, String>,
) -> Vec<ContainerDefinition> {
    let kind = ResourceKind::TaskDefinition;
    let at = format!(
        "{}:{} {}.container_definitions",
        i.file.rel,
        i.body.line_of("container_definitions").unwrap_or(i.line),
        i.address
    );
    let raw = o.get("container_definitions").clone();
    let (raw, all_sensitive) = raw.unmark();
    let parsed = match raw {
        Value::Encoded(inner) => Ok(*inner),
        Value::String(text) => crate::json::decode(&text),
        Value::Partial(parts) => crate::json::decode_parts(&parts),
        Value::Unknown(u) => {
            m.check(kind, i, "container_definitions", &Value::Unknown(u.clone()));
            m.note(
                kind,
                at,
                format!(
                    "las definiciones de contenedor de `{}` no se conocen: dependen de {}",
                    i.address,
                    u.primary()
                ),
            );
            return Vec::new();
        }
        Value::Null => return Vec::new(),
        other => Err(format!(
            "se esperaba una cadena JSON, no {}",
            other.type_name()
        )),
    };
    let list = match parsed.map(|v| v.unmark().0) {
        Ok(Value::List(items)) => items,
        Ok(one @ Value::Object(_)) => vec![one],
        Ok(other) => {
            m.note(
                kind,
                at,
                format!(
                    "`container_definitions` de `{}` debe ser una lista JSON, no {}",
                    i.address,
                    other.type_name()
                ),
            );
            return Vec::new();
        }
        Err(msg) => {
            m.note(
                kind,
                at,
                format!(
                    "`container_definitions` de `{}` no se pudo leer: {msg}",
                    i.address
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in list {
        let (item, item_sensitive) = item.unmark();
        let Value::Object(fields) = item else {
            continue;
        };
        let c = Obj {
            fields,
            line: o.line,
        };
        let sensitive = all_sensitive || item_sensitive;
        // What a container's field depends on and this crate does not
        // evaluate keeps only the questions about that field from a verdict.
        for (key, v) in &c.fields {
            if !matches!(key.as_str(), "environment" | "secrets") {
                m.check(kind, i, key, v);
            }
        }
        let mut environment = Vec::new();
        let env = c.get("environment");
        // `concat(base, cond ? [x] : [])` with `cond` unknown: every entry
        // of any alternative, those not in all of them marked as such.
        let alternatives = match read::flat(env) {
            Value::Unknown(u) => u.alternatives.as_ref().and_then(|alts| {
                let lists: Option<Vec<Vec<Value>>> =
                    alts.iter().map(|a| read::items(a).ok()).collect();
                Some((lists?, u.primary().to_string()))
            }),
            _ => None,
        };
        match (alternatives, read::items(env)) {
            (Some((lists, on)), _) => {
                let mut union: Vec<&Value> = Vec::new();
                for e in lists.iter().flatten() {
                    if !union.contains(&e) {
                        union.push(e);
                    }
                }
                for e in union {
                    let everywhere = lists.iter().all(|l| l.contains(e));
                    let only_if = (!everywhere).then(|| on.clone());
                    if let Some(v) = env_entry(m, i, sensitive, e.clone(), only_if) {
                        environment.push(v);
                    }
                }
            }
            (None, Ok(entries)) => {
                for e in entries {
                    if let Some(v) = env_entry(m, i, sensitive, e, None) {
                        environment.push(v);
                    }
                }
            }
            (None, Err(u)) => m.note_field(
                kind,
                "environment",
                format!("{at}.environment"),
                format!("no se sabe qué variables de entorno tiene un contenedor de `{}`: dependen de {}", i.address, u.primary()),
            ),
        }
        m.check(kind, i, "secrets", c.get("secrets"));
        let secrets = read::items(c.get("secrets"))
            .unwrap_or_else(|u| {
                m.note_field(
                    kind,
                    "secrets",
                    format!("{at}.secrets"),
                    format!(
                        "no se sabe qué `secrets` tiene un contenedor de `{}`: dependen de {}",
                        i.address,
                        u.primary()
                    ),
                );
                Vec::new()
            })
            .into_iter()
            .flat_map(|s| match s.unmark().0 {
                Value::Object(f) => secret_refs(&f),
                _ => Vec::new(),
            })
            .collect();
        let (log_driver, log_options) = match read::flat(c.get("logConfiguration")) {
            Value::Object(l) => (
                l.get("logDriver").and_then(read::text),
                match l.get("options").map(read::flat) {
                    Some(Value::Object(opts)) => opts
                        .iter()
                        .filter_map(|(k, v)| {
                            let named = match read::flat(v) {
                                Value::Unknown(u) if k == "awslogs-group" => {
                                    groups.get(&u.text_form()).cloned().map(Attr::Known)
                                }
                                _ => None,
                            };
                            Some((k.clone(), named.or_else(|| read::attr_string(v))?))
                        })
                        .collect(),
                    _ => BTreeMap::new(),
                },
            ),
            _ => (None, BTreeMap::new()),
        };
        let ports = match read::items(c.get("portMappings")) {
            Ok(items) => items
                .iter()
                .filter_map(|p| match read::flat(p) {
                    Value::Object(f) => Some(match f.get("containerPort").map(read::flat) {
                        Some(Value::Number(n)) if n.fract() == 0.0 => Attr::Known(n as i32),
                        Some(Value::String(s)) => s
                            .trim()
                            .parse()
                            .map_or_else(|_| Attr::unknown(s.clone()), Attr::Known),
                        Some(Value::Unknown(u)) => Attr::unknown(u.primary()),
                        _ => Attr::unknown(format!("{at}.portMappings")),
                    }),
                    Value::Unknown(u) => Some(Attr::unknown(u.primary())),
                    _ => None,
                })
                .collect(),
            Err(u) => vec![Attr::unknown(u.primary())],
        };
        out.push(ContainerDefinition {
            name: c.text("name").unwrap_or_default(),
            image: c.text("image"),
            image_tag: image_tag(c.get("image")),
            environment,
            secrets,
            log_driver,
            log_options,
            has_health_check: matches!(read::flat(c.get("healthCheck")), Value::Object(_)),
            health_command: health_command(c.get("healthCheck")),
            hardening: Some(Hardening {
                readonly_root_filesystem: c.bool_or("readonlyRootFilesystem", false),
                privileged: c.bool_or("privileged", false),
                user: c
                    .attr_string("user")
                    .unwrap_or_else(|| Attr::Known(String::new())),
            }),
            ports,
        });
    }
    out
}

/// One `secrets` entry of a container: one reference, or one per value it
/// may take (`"${var.arns[each.key]}:password::"`), marked as such.
fn secret_refs(f: &std::collections::BTreeMap<String, Value>) -> Vec<SecretRef> {
    let name = f.get("name").and_then(read::text).unwrap_or_default();
    let from = f.get("valueFrom").cloned().unwrap_or(Value::Null);
    if let Value::Unknown(u) = read::flat(&from)
        && let Some(alternatives) = &u.alternatives
    {
        return alternatives
            .iter()
            .map(|a| SecretRef {
                name: name.clone(),
                value_from: read::text(a).unwrap_or_default(),
                only_if: Some(u.primary().to_string()),
            })
            .collect();
    }
    vec![SecretRef {
        name,
        value_from: read::text(&from).unwrap_or_default(),
        only_if: None,
    }]
}

/// One `environment` entry of a container, as the model holds it.
fn env_entry(
    m: &mut Mapper,
    i: &Instance,
    sensitive: bool,
    e: Value,
    only_if: Option<String>,
) -> Option<EnvVar> {
    let kind = ResourceKind::TaskDefinition;
    let (e, s) = e.unmark();
    let Value::Object(f) = e else { return None };
    // A value marked sensitive is judged a secret whatever it is; any other
    // value not evaluated is not known.
    if !(sensitive || s || f.get("value").is_some_and(Value::is_sensitive_deep)) {
        for v in f.values() {
            m.check(kind, i, "environment", v);
        }
    } else if let Some(n) = f.get("name") {
        m.check(kind, i, "environment", n);
    }
    let name = f.get("name").and_then(read::text).unwrap_or_default();
    let value = env_value(f.get("value").unwrap_or(&Value::Null), sensitive || s);
    let origin = entry_origin(i, &name);
    Some(EnvVar {
        name,
        value,
        origin,
        only_if,
    })
}

/// An environment value reduced to facts at once: the raw text goes no
/// further than this function.
fn env_value(v: &Value, sensitive: bool) -> EnvValue {
    let sensitive = sensitive || v.is_sensitive_deep();
    let (plain, _) = v.clone().deep_unmark();
    // A template whose literal parts already hold a credential
    // (`postgres://app:<password>@${aws_db_instance.app.address}/app`) is
    // judged by them: only the unknown parts wait for apply.
    let literal = literal_parts(&plain);
    match plain.flatten() {
        Value::Unknown(_) if let Some(text) = literal => {
            let mut value = EnvValue::observe(&text);
            if let EnvValue::Observed(facts) = &mut value {
                facts.sensitive = sensitive;
            }
            value
        }
        Value::Unknown(u) => EnvValue::Unknown {
            reference: cloudgrade_model::Unknown {
                unknown: u.primary().to_string(),
            },
            sensitive,
        },
        Value::Null => EnvValue::observe(""),
        other => {
            let mut value = EnvValue::observe(&other.text_form().unwrap_or_default());
            if let EnvValue::Observed(facts) = &mut value {
                facts.sensitive = sensitive;
            }
            value
        }
    }
}

/// The line of the resource's block where an environment entry's name is
/// written as a string (`name = "DB_PASSWORD"` in a `jsonencode`, or
/// `"name": "DB_PASSWORD"` in a heredoc), so a finding points at the entry.
/// Values do not keep their spans; the name, quoted, inside the block is
/// where the entry is. `None` when it is elsewhere (a `file()`, a variable).
fn entry_origin(i: &Instance, name: &str) -> Option<cloudgrade_model::Origin> {
    if name.is_empty() {
        return None;
    }
    let quoted = format!("\"{name}\"");
    let start = usize::try_from(i.line).ok()?.checked_sub(1)?;
    let line = i
        .file
        .text
        .lines()
        .enumerate()
        .skip(start)
        // The block ends at the first `}` in column 0 after its first line.
        .take_while(|(n, l)| *n == start || !l.starts_with('}'))
        .find(|(_, l)| l.contains(&quoted))?
        .0;
    Some(cloudgrade_model::Origin {
        file: i.file.rel.clone(),
        line: u32::try_from(line + 1).ok()?,
        address: Some(i.address.clone()),
    })
}

/// A template's text with each unknown part as one neutral character, when
/// it has literal text to judge.
fn literal_parts(v: &Value) -> Option<String> {
    let Value::Partial(parts) = v else {
        return None;
    };
    let mut text = String::new();
    let mut literal = false;
    for p in parts.iter() {
        match p {
            Part::Lit(s) => {
                literal |= !s.is_empty();
                text.push_str(s);
            }
            Part::Val(v) => match v.clone().flatten() {
                Value::Unknown(_) | Value::Partial(_) => text.push('x'),
                known => text.push_str(&known.text_form().unwrap_or_default()),
            },
        }
    }
    literal.then_some(text)
}

fn service(m: &mut Mapper, i: &Instance, defaults: &BTreeMap<String, Option<String>>) {
    let kind = ResourceKind::EcsService;
    let o = Obj::of(i);
    let cluster_arn = m
        .id(kind, i, &o, "cluster")
        .unwrap_or_else(|| "default".into());
    let task_definition = resolve_task_definition(m, o.get("task_definition"));
    // Its launch type, else its strategy, else its cluster's default; with
    // none of them ECS launches on EC2.
    let strategy = strategy_launch(&o.objects(Some(&i.body), "capacity_provider_strategy"));
    let launch_type = if o.has("launch_type") {
        o.known_str("launch_type")
    } else if let Some(launch) = strategy {
        launch
    } else {
        let cluster = m
            .inv
            .ecs_clusters
            .iter()
            .find(|c| c.arn == cluster_arn || c.name == cluster_arn);
        match cluster.and_then(|c| defaults.get(&c.arn)) {
            Some(launch) => launch.clone(),
            None => Some("EC2".into()),
        }
    };
    let desired_count = if o.has("desired_count") {
        o.known_int("desired_count")
    } else {
        Some(0)
    };
    let network = o
        .objects(Some(&i.body), "network_configuration")
        .into_iter()
        .next()
        .map(|n| {
            let subnet_ids = m.ids(kind, i, &n, "subnets");
            let mut security_group_ids = m.ids(kind, i, &n, "security_groups");
            if security_group_ids.is_empty() {
                // Tasks without groups get their VPC's default group.
                security_group_ids.extend(m.default_group_of(&subnet_ids));
            }
            AwsVpcConfig {
                subnet_ids,
                security_group_ids,
                assign_public_ip: n.bool_or("assign_public_ip", false),
            }
        });
    let load_balancers = o
        .objects(Some(&i.body), "load_balancer")
        .into_iter()
        .map(|lb| ServiceLoadBalancer {
            target_group: m.id(kind, i, &lb, "target_group_arn").unwrap_or_default(),
            container_name: lb.text("container_name").unwrap_or_default(),
            container_port: match lb.int("container_port") {
                Some(Ok(p)) => Attr::Known(i32::try_from(p).unwrap_or(-1)),
                Some(Err(u)) => Attr::unknown(u.primary()),
                None => Attr::unknown(format!("{}.load_balancer.container_port", i.address)),
            },
        })
        .collect();
    // No block: ECS keeps retrying a deployment whose tasks fail.
    let breaker = o.objects(Some(&i.body), "deployment_circuit_breaker");
    let (circuit_breaker, rollback) = match breaker.first() {
        Some(b) => (b.bool_or("enable", false), b.bool_or("rollback", false)),
        None => (Attr::Known(false), Attr::Known(false)),
    };
    let controller = o
        .objects(Some(&i.body), "deployment_controller")
        .first()
        .and_then(|c| c.text("type"))
        .unwrap_or_else(|| "ECS".into());
    m.inv.ecs_services.push(EcsService {
        arn: i.address.clone(),
        name: o.known_str("name").unwrap_or_else(|| i.address.clone()),
        cluster_arn,
        task_definition,
        launch_type,
        desired_count,
        network,
        load_balancers,
        deployment: Some(Deployment {
            controller,
            circuit_breaker,
            rollback,
        }),
        origin: Mapper::origin(i),
    });
}

/// The task definition a service runs: the one its reference names
/// (`aws_ecs_task_definition.app.arn`, or `family:revision` built from it),
/// or the latest revision of a family given by name.
fn resolve_task_definition(m: &Mapper, v: &Value) -> String {
    let tds = &m.inv.task_definitions;
    match read::flat(v) {
        Value::Unknown(u) => u
            .refs
            .iter()
            .find_map(|r| {
                tds.iter()
                    .find(|t| r.starts_with(&format!("{}.", t.arn)))
                    .map(|t| t.arn.clone())
            })
            .unwrap_or_else(|| u.text_form()),
        other => {
            let text = other.text_form().unwrap_or_default();
            let family = text.split(':').next().unwrap_or_default();
            tds.iter()
                .find(|t| t.family == text || t.family == family)
                .map_or(text, |t| t.arn.clone())
        }
    }
}

/// What an image reference pins, from its value rather than its text.
/// `read::flat` turns a template into a string, or into an unknown whose
/// text has each reference in place
/// (`aws_ecr_repository.app.repository_url:latest`): a tag there that is no
/// reference is the student's literal. A repository's URL names no tag;
/// any other reference may hold one.
/// A health check's command, its words joined; unknown when a word is.
fn health_command(v: &Value) -> Option<Attr<String>> {
    let Value::Object(h) = read::flat(v) else {
        return None;
    };
    let words = match h.get("command").map(read::items) {
        None => return Some(Attr::Known(String::new())),
        Some(Err(u)) => return Some(Attr::unknown(u.primary())),
        Some(Ok(words)) => words,
    };
    let mut text = Vec::new();
    for w in &words {
        match read::attr_string(w) {
            Some(Attr::Known(t)) => text.push(t),
            Some(unknown) => return Some(unknown),
            None => {}
        }
    }
    Some(Attr::Known(text.join(" ")))
}

fn image_tag(v: &Value) -> Option<Attr<String>> {
    let u = match read::flat(v) {
        Value::String(s) => return Some(Attr::Known(cloudgrade_model::image_tag(&s))),
        Value::Unknown(u) => u,
        _ => return None,
    };
    let tag = cloudgrade_model::image_tag(&u.text_form());
    let named = u
        .refs
        .iter()
        .find(|r| !tag.is_empty() && tag.contains(r.as_str()));
    Some(if let Some(reference) = named {
        Attr::unknown(reference)
    } else if !tag.is_empty() {
        Attr::Known(tag)
    } else if u.refs.iter().all(|r| r.ends_with(".repository_url")) {
        Attr::Known(String::new())
    } else if u
        .refs
        .iter()
        .all(|r| r.contains("data.aws_ecr_image.") && r.ends_with(".image_uri"))
    {
        // The provider builds it as repository@digest.
        Attr::Known("@digest (data.aws_ecr_image)".into())
    } else {
        Attr::unknown(u.primary())
    })
}
