//! A world written as the Terraform project a student would hand in for it:
//! the same resources, names, CIDRs and mistakes, with the world's
//! placeholders as the Terraform references they stand for (`${secret.db}`
//! is `aws_secretsmanager_secret.db.arn`). Grading it with the static source
//! must give the verdicts the world's `expect.toml` gives the live one.
//!
//! Choices a course solution would make, where the world leaves room:
//! security group rules are separate `aws_vpc_security_group_*_rule`
//! resources (the ECS and RDS groups refer to each other, which inline rules
//! would make a cycle), and a group whose world leaves `egress` out gets the
//! allow-all egress rule AWS adds and the provider removes.

use std::fmt::Write;

use super::placeholder::{self, Piece, Ref};
use super::{Ports, RouteTarget, SecretSource, SgRule, Tags, World, dashed};

/// The region the project's `var.region` defaults to.
const REGION: &str = "us-east-1";

/// The project as one `main.tf`, or the placeholder that cannot be written.
pub fn main_tf(world: &World) -> Result<String, String> {
    let mut w = Writer::default();
    w.header(world);
    w.network(world);
    w.security(world)?;
    w.data(world);
    w.identity(world)?;
    w.balancing(world);
    w.containers(world)?;
    Ok(w.out)
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn block(&mut self, head: &str, lines: &[String]) {
        let _ = writeln!(self.out, "{head} {{");
        for l in lines {
            for part in l.lines() {
                if part.is_empty() {
                    self.out.push('\n');
                } else {
                    let _ = writeln!(self.out, "  {part}");
                }
            }
        }
        self.out.push_str("}\n\n");
    }

    fn resource(&mut self, rtype: &str, name: &str, lines: &[String]) {
        self.block(&format!("resource \"{rtype}\" \"{name}\""), lines);
    }

    fn header(&mut self, world: &World) {
        let _ = writeln!(
            self.out,
            "# The world `{}` written as Terraform (`cloudgrade world terraform`).\n",
            world.name
        );
        self.block(
            "terraform",
            &["required_providers {\n  aws = {\n    source = \"hashicorp/aws\"\n  }\n  random = {\n    source = \"hashicorp/random\"\n  }\n}".into()],
        );
        self.block(
            "variable \"region\"",
            &[format!("type    = string\ndefault = {}", quoted(REGION))],
        );
        self.block("provider \"aws\"", &["region = var.region".into()]);
        self.block("data \"aws_caller_identity\" \"current\"", &[]);
    }

    fn network(&mut self, world: &World) {
        let mut vpc = vec![
            format!("cidr_block           = {}", quoted(&world.vpc.cidr)),
            format!("enable_dns_support   = {}", world.vpc.enable_dns_support),
            format!("enable_dns_hostnames = {}", world.vpc.enable_dns_hostnames),
        ];
        vpc.extend(tags(&world.vpc.tags));
        self.resource("aws_vpc", "main", &vpc);

        for (name, s) in &world.subnets {
            let az = if s.az.len() <= 2 {
                format!("\"${{var.region}}{}\"", s.az)
            } else {
                quoted(&s.az)
            };
            let mut lines = vec![
                "vpc_id                  = aws_vpc.main.id".into(),
                format!("cidr_block              = {}", quoted(&s.cidr)),
                format!("availability_zone       = {az}"),
                format!("map_public_ip_on_launch = {}", s.map_public_ip_on_launch),
            ];
            lines.extend(tags(&s.tags));
            self.resource("aws_subnet", name, &lines);
        }

        for (name, igw) in &world.internet_gateways {
            let mut lines = Vec::new();
            if igw.attached {
                lines.push("vpc_id = aws_vpc.main.id".into());
            }
            lines.extend(tags(&igw.tags));
            self.resource("aws_internet_gateway", name, &lines);
        }

        for (name, nat) in &world.nat_gateways {
            let mut lines = vec![format!("subnet_id         = aws_subnet.{}.id", nat.subnet)];
            if nat.connectivity == "private" {
                lines.push("connectivity_type = \"private\"".into());
            } else {
                self.resource(
                    "aws_eip",
                    &format!("nat_{name}"),
                    &["domain = \"vpc\"".into()],
                );
                lines.push(format!("allocation_id     = aws_eip.nat_{name}.id"));
            }
            lines.extend(tags(&nat.tags));
            self.resource("aws_nat_gateway", name, &lines);
        }

        for (name, rt) in &world.route_tables {
            let mut lines = vec!["vpc_id = aws_vpc.main.id".to_string()];
            for (cidr, target) in &rt.routes {
                let target = match RouteTarget::parse(target) {
                    Some(RouteTarget::InternetGateway(g)) => {
                        format!("gateway_id     = aws_internet_gateway.{g}.id")
                    }
                    Some(RouteTarget::NatGateway(n)) => {
                        format!("nat_gateway_id = aws_nat_gateway.{n}.id")
                    }
                    // The world was validated: every target parses.
                    None => continue,
                };
                lines.push(format!(
                    "\nroute {{\n  cidr_block     = {}\n  {target}\n}}",
                    quoted(cidr)
                ));
            }
            lines.extend(tags(&rt.tags));
            self.resource("aws_route_table", name, &lines);
            if rt.main {
                self.resource(
                    "aws_main_route_table_association",
                    name,
                    &[
                        "vpc_id         = aws_vpc.main.id".into(),
                        format!("route_table_id = aws_route_table.{name}.id"),
                    ],
                );
            }
            for subnet in &rt.subnets {
                self.resource(
                    "aws_route_table_association",
                    subnet,
                    &[
                        format!("subnet_id      = aws_subnet.{subnet}.id"),
                        format!("route_table_id = aws_route_table.{name}.id"),
                    ],
                );
            }
        }
    }

    fn security(&mut self, world: &World) -> Result<(), String> {
        for (name, sg) in &world.security_groups {
            let mut lines = vec![
                format!(
                    "name        = {}",
                    quoted(sg.name.as_deref().unwrap_or(name))
                ),
                "vpc_id      = aws_vpc.main.id".into(),
            ];
            if let Some(d) = sg.description.as_ref().filter(|d| !d.is_empty()) {
                lines.insert(1, format!("description = {}", quoted(d)));
            }
            lines.extend(tags(&sg.tags));
            self.resource("aws_security_group", name, &lines);
            for (rule, r) in &sg.ingress {
                self.sg_rule("ingress", name, rule, r)?;
            }
            match &sg.egress {
                Some(rules) => {
                    for (rule, r) in rules {
                        self.sg_rule("egress", name, rule, r)?;
                    }
                }
                None => self.resource(
                    "aws_vpc_security_group_egress_rule",
                    &format!("{name}_all"),
                    &[
                        format!("security_group_id = aws_security_group.{name}.id"),
                        "ip_protocol       = \"-1\"".into(),
                        "cidr_ipv4         = \"0.0.0.0/0\"".into(),
                    ],
                ),
            }
        }

        for (name, acl) in &world.network_acls {
            let mut lines = vec![
                "vpc_id     = aws_vpc.main.id".to_string(),
                format!("subnet_ids = {}", ids("aws_subnet", &acl.subnets, "id")),
            ];
            for e in acl.entries.values() {
                let (protocol, from, to) = protocol_and_ports(&e.protocol, e.ports.as_ref())?;
                lines.push(format!(
                    "\n{} {{\n  rule_no    = {}\n  action     = {}\n  protocol   = {}\n  cidr_block = {}\n  from_port  = {from}\n  to_port    = {to}\n}}",
                    if e.egress { "egress" } else { "ingress" },
                    e.rule,
                    quoted(&e.action),
                    quoted(&protocol),
                    quoted(&e.cidr),
                ));
            }
            lines.extend(tags(&acl.tags));
            self.resource("aws_network_acl", name, &lines);
        }
        Ok(())
    }

    fn sg_rule(
        &mut self,
        direction: &str,
        group: &str,
        rule: &str,
        r: &SgRule,
    ) -> Result<(), String> {
        let (protocol, from, to) = protocol_and_ports(&r.protocol, r.ports.as_ref())?;
        let mut lines = vec![format!("security_group_id = aws_security_group.{group}.id")];
        // `description = ""` in the world: a rule written without one.
        if let Some(d) = Some(r.description.as_deref().unwrap_or(rule)).filter(|d| !d.is_empty()) {
            lines.push(format!("description       = {}", quoted(d)));
        }
        lines.push(format!("ip_protocol       = {}", quoted(&protocol)));
        if protocol != "-1" {
            lines.push(format!("from_port         = {from}"));
            lines.push(format!("to_port           = {to}"));
        }
        match (&r.group, &r.cidr) {
            (Some(peer), _) => lines.push(format!(
                "referenced_security_group_id = aws_security_group.{peer}.id"
            )),
            (None, Some(cidr)) => lines.push(format!("cidr_ipv4         = {}", quoted(cidr))),
            (None, None) => {}
        }
        self.resource(
            &format!("aws_vpc_security_group_{direction}_rule"),
            &format!("{group}_{rule}"),
            &lines,
        );
        Ok(())
    }

    fn data(&mut self, world: &World) {
        for (name, g) in &world.db_subnet_groups {
            let mut lines = vec![
                format!(
                    "name       = {}",
                    quoted(&g.name.clone().unwrap_or_else(|| dashed(name)))
                ),
                format!("subnet_ids = {}", ids("aws_subnet", &g.subnets, "id")),
            ];
            if let Some(d) = &g.description {
                lines.push(format!("description = {}", quoted(d)));
            }
            self.resource("aws_db_subnet_group", name, &lines);
        }

        for (name, s) in &world.secrets {
            let mut lines = vec![format!("name = {}", quoted(&s.name))];
            if let Some(d) = &s.description {
                lines.push(format!("description = {}", quoted(d)));
            }
            self.resource("aws_secretsmanager_secret", name, &lines);
            // The value is made when applied, never written in the project.
            self.resource(
                "random_password",
                name,
                &["length  = 32".into(), "special = false".into()],
            );
            self.resource(
                "aws_secretsmanager_secret_version",
                name,
                &[
                    format!("secret_id     = aws_secretsmanager_secret.{name}.id"),
                    format!("secret_string = random_password.{name}.result"),
                ],
            );
            if let Some(days) = s.rotation_days {
                // The Lambda that rotates it is the student's to write; the
                // world names where it would be.
                self.resource(
                    "aws_secretsmanager_secret_rotation",
                    name,
                    &[
                        format!("secret_id           = aws_secretsmanager_secret.{name}.id"),
                        format!(
                            "rotation_lambda_arn = {}",
                            template("arn:aws:lambda:${region}:${account}:function:rotate-secret")
                                .expect("a constant's placeholders are known")
                        ),
                        format!("rotation_rules {{\n  automatically_after_days = {days}\n}}"),
                    ],
                );
            }
        }

        for (name, g) in &world.db_parameter_groups {
            let mut lines = vec![
                format!(
                    "name   = {}",
                    quoted(&g.name.clone().unwrap_or_else(|| dashed(name)))
                ),
                format!("family = {}", quoted(&g.family)),
            ];
            for (p, v) in &g.parameters {
                lines.push(format!(
                    "parameter {{\n  name  = {}\n  value = {}\n}}",
                    quoted(p),
                    quoted(v)
                ));
            }
            self.resource("aws_db_parameter_group", name, &lines);
        }

        for (name, db) in &world.db_instances {
            let password = match &db.password_secret {
                Some(secret) => format!("random_password.{secret}.result"),
                None => {
                    self.resource(
                        "random_password",
                        &format!("{name}_master"),
                        &["length  = 32".into(), "special = false".into()],
                    );
                    format!("random_password.{name}_master.result")
                }
            };
            let mut lines = vec![
                format!(
                    "identifier              = {}",
                    quoted(&db.identifier.clone().unwrap_or_else(|| dashed(name)))
                ),
                format!("engine                  = {}", quoted(&db.engine)),
                format!("instance_class          = {}", quoted(&db.instance_class)),
                format!("allocated_storage       = {}", db.allocated_storage),
                format!("port                    = {}", db.port),
                format!("username                = {}", quoted(&db.username)),
                format!("password                = {password}"),
                format!("publicly_accessible     = {}", db.publicly_accessible),
                format!(
                    "db_subnet_group_name    = aws_db_subnet_group.{}.name",
                    db.subnet_group
                ),
                format!(
                    "vpc_security_group_ids  = {}",
                    ids("aws_security_group", &db.security_groups, "id")
                ),
                format!("storage_encrypted       = {}", db.storage_encrypted),
                format!("backup_retention_period = {}", db.backup_retention_days),
                format!("multi_az                = {}", db.multi_az),
                format!("deletion_protection     = {}", db.deletion_protection),
                format!(
                    "auto_minor_version_upgrade = {}",
                    db.auto_minor_version_upgrade
                ),
                format!("skip_final_snapshot     = {}", db.skip_final_snapshot),
            ];
            if let Some(n) = &db.db_name {
                lines.insert(4, format!("db_name                 = {}", quoted(n)));
            }
            if let Some(g) = &db.parameter_group {
                lines.push(format!(
                    "parameter_group_name = aws_db_parameter_group.{g}.name"
                ));
            }
            for (argument, value) in [
                ("engine_version", &db.engine_version),
                ("final_snapshot_identifier", &db.final_snapshot_identifier),
                ("backup_window", &db.backup_window),
                ("maintenance_window", &db.maintenance_window),
            ] {
                if let Some(v) = value {
                    lines.push(format!("{argument} = {}", quoted(v)));
                }
            }
            lines.extend(tags(&db.tags));
            self.resource("aws_db_instance", name, &lines);
        }

        for (name, g) in &world.log_groups {
            let mut lines = vec![format!("name              = {}", quoted(&g.name))];
            if let Some(days) = g.retention_days {
                lines.push(format!("retention_in_days = {days}"));
            }
            self.resource("aws_cloudwatch_log_group", name, &lines);
        }

        for (name, f) in &world.flow_logs {
            self.resource(
                "aws_flow_log",
                name,
                &[
                    "vpc_id          = aws_vpc.main.id".into(),
                    format!("traffic_type    = {}", quoted(&f.traffic_type)),
                    format!(
                        "log_destination = aws_cloudwatch_log_group.{}.arn",
                        f.log_group
                    ),
                    format!("iam_role_arn    = aws_iam_role.{}.arn", f.role),
                ],
            );
        }
    }

    fn identity(&mut self, world: &World) -> Result<(), String> {
        for (name, role) in &world.iam_roles {
            let services = role
                .trust
                .iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join(", ");
            self.resource(
                "aws_iam_role",
                name,
                &[
                    format!(
                        "name = {}",
                        quoted(role.name.as_deref().unwrap_or(name))
                    ),
                    format!(
                        "assume_role_policy = jsonencode({{\n  Version = \"2012-10-17\"\n  Statement = [{{\n    Effect    = \"Allow\"\n    Action    = \"sts:AssumeRole\"\n    Principal = {{ Service = [{services}] }}\n  }}]\n}})"
                    ),
                ],
            );
            for (policy, document) in &role.policies {
                self.resource(
                    "aws_iam_role_policy",
                    &format!("{name}_{policy}"),
                    &[
                        format!("name   = {}", quoted(policy)),
                        format!("role   = aws_iam_role.{name}.id"),
                        format!("policy = <<-EOT\n{}\nEOT", heredoc(document.trim())?),
                    ],
                );
            }
            for (i, arn) in role.managed_policies.iter().enumerate() {
                self.resource(
                    "aws_iam_role_policy_attachment",
                    &format!("{name}_{i}"),
                    &[
                        format!("role       = aws_iam_role.{name}.name"),
                        format!("policy_arn = {}", template(arn)?),
                    ],
                );
            }
        }
        Ok(())
    }

    fn containers(&mut self, world: &World) -> Result<(), String> {
        for (name, c) in &world.ecs_clusters {
            let mut lines = vec![format!(
                "name = {}",
                quoted(c.name.as_deref().unwrap_or(name))
            )];
            if c.container_insights {
                lines.push(
                    "\nsetting {\n  name  = \"containerInsights\"\n  value = \"enabled\"\n}".into(),
                );
            }
            self.resource("aws_ecs_cluster", name, &lines);
        }

        for (name, td) in &world.task_definitions {
            let mut containers = Vec::new();
            for (cname, c) in &td.containers {
                containers.push(container(cname, c, world)?);
            }
            let compat = td
                .requires_compatibilities
                .iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join(", ");
            let mut lines = vec![
                format!(
                    "family                   = {}",
                    quoted(td.family.as_deref().unwrap_or(name))
                ),
                format!("cpu                      = {}", quoted(&td.cpu)),
                format!("memory                   = {}", quoted(&td.memory)),
                format!("network_mode             = {}", quoted(&td.network_mode)),
                format!("requires_compatibilities = [{compat}]"),
            ];
            if let Some(r) = &td.execution_role {
                lines.push(format!("execution_role_arn       = aws_iam_role.{r}.arn"));
            }
            if let Some(r) = &td.task_role {
                lines.push(format!("task_role_arn            = aws_iam_role.{r}.arn"));
            }
            lines.push(format!(
                "\ncontainer_definitions = jsonencode([\n{}\n])",
                containers.join(",\n")
            ));
            self.resource("aws_ecs_task_definition", name, &lines);
        }

        for (name, s) in &world.ecs_services {
            self.resource(
                "aws_ecs_service",
                name,
                &[
                    format!("name            = {}", quoted(s.name.as_deref().unwrap_or(name))),
                    format!("cluster         = aws_ecs_cluster.{}.id", s.cluster),
                    format!(
                        "task_definition = aws_ecs_task_definition.{}.arn",
                        s.task_definition
                    ),
                    format!("desired_count   = {}", s.desired_count),
                    format!("launch_type     = {}", quoted(&s.launch_type)),
                    // Bridge or host mode: no awsvpc network to configure.
                    if s.subnets.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "\nnetwork_configuration {{\n  subnets          = {}\n  security_groups  = {}\n  assign_public_ip = {}\n}}",
                            ids("aws_subnet", &s.subnets, "id"),
                            ids("aws_security_group", &s.security_groups, "id"),
                            s.assign_public_ip
                        )
                    },
                    match &s.load_balancer {
                        None => String::new(),
                        Some(lb) => format!(
                            "\nload_balancer {{\n  target_group_arn = aws_lb_target_group.{}.arn\n  container_name   = {}\n  container_port   = {}\n}}",
                            lb.target_group,
                            quoted(&lb.container),
                            lb.port
                        ),
                    },
                    match &s.circuit_breaker {
                        None => String::new(),
                        Some(b) => format!(
                            "\ndeployment_circuit_breaker {{\n  enable   = {}\n  rollback = {}\n}}",
                            b.enable, b.rollback
                        ),
                    },
                ],
            );
        }
        Ok(())
    }

    fn balancing(&mut self, world: &World) {
        for (name, lb) in &world.load_balancers {
            self.resource(
                "aws_lb",
                name,
                &[
                    format!("name               = {}", quoted(&lb.name)),
                    "load_balancer_type = \"application\"".into(),
                    format!("internal           = {}", lb.internal),
                    format!(
                        "subnets            = {}",
                        ids("aws_subnet", &lb.subnets, "id")
                    ),
                    format!(
                        "security_groups    = {}",
                        ids("aws_security_group", &lb.security_groups, "id")
                    ),
                ],
            );
        }
        for (name, tg) in &world.target_groups {
            self.resource(
                "aws_lb_target_group",
                name,
                &[
                    format!("name        = {}", quoted(&tg.name)),
                    format!("port        = {}", tg.port),
                    format!("protocol    = {}", quoted(&tg.protocol)),
                    format!("target_type = {}", quoted(&tg.target_type)),
                    "vpc_id      = aws_vpc.main.id".into(),
                ],
            );
        }
        for (name, l) in &world.listeners {
            let action = match &l.forward {
                Some(tg) => format!(
                    "default_action {{\n  type             = \"forward\"\n  target_group_arn = aws_lb_target_group.{tg}.arn\n}}"
                ),
                None => "default_action {\n  type = \"fixed-response\"\n  fixed_response {\n    content_type = \"text/plain\"\n    status_code  = \"404\"\n  }\n}".into(),
            };
            self.resource(
                "aws_lb_listener",
                name,
                &[
                    format!("load_balancer_arn = aws_lb.{}.arn", l.load_balancer),
                    format!("port              = {}", l.port),
                    format!("protocol          = {}", quoted(&l.protocol)),
                    action,
                ],
            );
        }
    }
}

/// One container definition, as an HCL object inside `jsonencode`.
fn container(name: &str, c: &super::Container, world: &World) -> Result<String, String> {
    let mut fields = vec![
        format!("name      = {}", quoted(name)),
        format!("image     = {}", template(&c.image)?),
        format!("essential = {}", c.essential),
    ];
    if let Some(port) = c.port {
        fields.push(format!(
            "portMappings = [{{ containerPort = {port}, protocol = \"tcp\" }}]"
        ));
    }
    if !c.environment.is_empty() {
        let env = c
            .environment
            .iter()
            .map(|(k, v)| {
                Ok(format!(
                    "  {{ name = {}, value = {} }}",
                    quoted(k),
                    template(v)?
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        fields.push(format!("environment = [\n{}\n]", env.join(",\n")));
    }
    if !c.secrets.is_empty() {
        let secrets = c
            .secrets
            .iter()
            .map(|(k, v)| {
                let from = match SecretSource::parse(v) {
                    SecretSource::Secret(s) if world.secrets.contains_key(&s) => {
                        format!("aws_secretsmanager_secret.{s}.arn")
                    }
                    SecretSource::Secret(s) | SecretSource::Arn(s) => template(&s)?,
                };
                Ok(format!("  {{ name = {}, valueFrom = {from} }}", quoted(k)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        fields.push(format!("secrets = [\n{}\n]", secrets.join(",\n")));
    }
    if let Some(group) = &c.log_group {
        let group = match &c.awslogs_group {
            Some(literal) => quoted(literal),
            None => format!("aws_cloudwatch_log_group.{group}.name"),
        };
        fields.push(format!(
            "logConfiguration = {{\n  logDriver = \"awslogs\"\n  options = {{\n    awslogs-group         = {group}\n    awslogs-region        = var.region\n    awslogs-stream-prefix = {}\n  }}\n}}",
            quoted(name)
        ));
    }
    if c.readonly_root_filesystem {
        fields.push("readonlyRootFilesystem = true".into());
    }
    if c.privileged {
        fields.push("privileged = true".into());
    }
    if let Some(user) = &c.user {
        fields.push(format!("user = {}", quoted(user)));
    }
    if let Some(cmd) = &c.health_check {
        let cmd = cmd.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", ");
        fields.push(format!("healthCheck = {{ command = [{cmd}] }}"));
    }
    let body = fields
        .iter()
        .flat_map(|f| f.lines().map(|l| format!("    {l}")).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(format!("  {{\n{body}\n  }}"))
}

/// `tags = { ... }`, when there are any.
fn tags(tags: &Tags) -> Vec<String> {
    if tags.is_empty() {
        return Vec::new();
    }
    let width = tags.keys().map(String::len).max().unwrap_or(0);
    let body = tags
        .iter()
        .map(|(k, v)| format!("  {k:<width$} = {}", quoted(v)))
        .collect::<Vec<_>>()
        .join("\n");
    vec![format!("\ntags = {{\n{body}\n}}")]
}

/// `[aws_subnet.a.id, aws_subnet.b.id]`.
fn ids(rtype: &str, names: &[String], attr: &str) -> String {
    let items = names
        .iter()
        .map(|n| format!("{rtype}.{n}.{attr}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("[{items}]")
}

/// Terraform's protocol and port range for a world rule.
fn protocol_and_ports(protocol: &str, ports: Option<&Ports>) -> Result<(String, i32, i32), String> {
    let number = super::protocol_number(protocol)
        .ok_or_else(|| format!("protocolo «{protocol}» desconocido"))?;
    let name = match number.as_str() {
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        other => other,
    };
    let (from, to) = match ports {
        Some(p) => p.range()?,
        None => (0, 0),
    };
    Ok((name.to_string(), from, to))
}

/// A quoted HCL string: no interpolation.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_escaped(s, &mut out);
    out.push('"');
    out
}

fn push_escaped(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// A world string with placeholders as a quoted HCL template.
fn template(s: &str) -> Result<String, String> {
    let mut out = String::from("\"");
    for piece in placeholder::parse(s)? {
        match piece {
            Piece::Text(t) => push_escaped(t, &mut out),
            Piece::Ref(r) => {
                let _ = write!(out, "${{{}}}", expression(&r));
            }
        }
    }
    out.push('"');
    Ok(out)
}

/// A policy document for a heredoc: placeholders become interpolations,
/// a literal `${` is escaped.
fn heredoc(s: &str) -> Result<String, String> {
    let mut out = String::new();
    for piece in placeholder::parse(s)? {
        match piece {
            Piece::Text(t) => out.push_str(&t.replace("${", "$${").replace("%{", "%%{")),
            Piece::Ref(r) => {
                let _ = write!(out, "${{{}}}", expression(&r));
            }
        }
    }
    Ok(out)
}

/// The Terraform expression a placeholder stands for.
fn expression(r: &Ref) -> String {
    match r {
        Ref::Region => "var.region".into(),
        Ref::Account => "data.aws_caller_identity.current.account_id".into(),
        Ref::SecretArn(n) => format!("aws_secretsmanager_secret.{n}.arn"),
        Ref::RoleArn(n) => format!("aws_iam_role.{n}.arn"),
        Ref::DbAddress(n) => format!("aws_db_instance.{n}.address"),
        Ref::DbPort(n) => format!("aws_db_instance.{n}.port"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_placeholders_become_references() {
        assert_eq!(quoted("a\"b ${x} %{y}"), r#""a\"b $${x} %%{y}""#);
        assert_eq!(
            template("arn:aws:secretsmanager:${region}:${account}:secret:x").unwrap(),
            "\"arn:aws:secretsmanager:${var.region}:${data.aws_caller_identity.current.account_id}:secret:x\""
        );
        assert_eq!(
            heredoc(r#"{"Resource": "${secret.db}"}"#).unwrap(),
            r#"{"Resource": "${aws_secretsmanager_secret.db.arn}"}"#
        );
        assert!(template("${nope}").is_err());
    }
}
