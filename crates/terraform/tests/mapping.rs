//! Resources into the Inventory: implicit AWS defaults, routes and their
//! targets, security group and network ACL rules in every syntax, and the
//! gaps for what is not declared.

mod common;

use cloudgrade_model::{Attr, ResourceKind, RouteTarget, SgPeer};
use common::load;

const VPC: &str = "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";

#[test]
fn a_subnet_without_association_uses_the_implicit_main_table() {
    let inv = load(&[(
        "main.tf",
        &format!(
            "{VPC}resource \"aws_subnet\" \"s\" {{\n  vpc_id = aws_vpc.v.id\n  cidr_block = \"10.0.1.0/24\"\n}}\n"
        ),
    )]);
    let main = inv.route_table("aws_vpc.v.main_route_table").unwrap();
    assert!(main.main);
    assert_eq!(main.vpc_id, "aws_vpc.v");
    assert!(main.subnet_ids.is_empty());
    assert_eq!(main.routes.len(), 1);
    assert_eq!(main.routes[0].target, RouteTarget::Local);
    assert!(
        inv.route_tables
            .iter()
            .all(|t| !t.subnet_ids.contains(&"aws_subnet.s".to_string()))
    );
}

#[test]
fn default_route_table_adopts_the_main_table_and_main_association_moves_it() {
    let main = format!(
        r#"{VPC}
resource "aws_internet_gateway" "g" {{ vpc_id = aws_vpc.v.id }}
resource "aws_default_route_table" "d" {{
  default_route_table_id = aws_vpc.v.default_route_table_id
  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.g.id
  }}
}}
resource "aws_route" "extra" {{
  route_table_id         = aws_vpc.v.main_route_table_id
  destination_cidr_block = "192.168.0.0/16"
  gateway_id             = aws_internet_gateway.g.id
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    assert!(
        inv.route_table("aws_vpc.v.main_route_table").is_none(),
        "adopted, not duplicated"
    );
    let d = inv.route_table("aws_default_route_table.d").unwrap();
    assert!(d.main);
    assert_eq!(d.vpc_id, "aws_vpc.v");
    let targets: Vec<&RouteTarget> = d.routes.iter().map(|r| &r.target).collect();
    assert_eq!(
        targets,
        [
            &RouteTarget::Local,
            &RouteTarget::InternetGateway("aws_internet_gateway.g".into()),
            &RouteTarget::InternetGateway("aws_internet_gateway.g".into())
        ]
    );

    let moved = format!(
        r#"{VPC}
resource "aws_route_table" "other" {{ vpc_id = aws_vpc.v.id }}
resource "aws_main_route_table_association" "m" {{
  vpc_id         = aws_vpc.v.id
  route_table_id = aws_route_table.other.id
}}
"#
    );
    let inv = load(&[("main.tf", &moved)]);
    assert!(inv.route_table("aws_route_table.other").unwrap().main);
    assert!(!inv.route_table("aws_vpc.v.main_route_table").unwrap().main);
}

#[test]
fn route_targets_follow_what_the_id_is() {
    let main = format!(
        r#"{VPC}
resource "aws_subnet" "pub" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.0.0/24"
}}
resource "aws_eip" "e" {{ domain = "vpc" }}
resource "aws_nat_gateway" "n" {{
  allocation_id = aws_eip.e.id
  subnet_id     = aws_subnet.pub.id
}}
resource "aws_egress_only_internet_gateway" "e6" {{ vpc_id = aws_vpc.v.id }}
resource "aws_route_table" "t" {{
  vpc_id = aws_vpc.v.id
  route {{
    cidr_block = "0.0.0.0/1"
    gateway_id = aws_nat_gateway.n.id
  }}
  route {{
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.e6.id
  }}
  route {{
    cidr_block = "172.16.0.0/12"
    gateway_id = "vgw-0123456789"
  }}
  route {{
    cidr_block         = "10.1.0.0/16"
    transit_gateway_id = "tgw-1"
  }}
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    let t = inv.route_table("aws_route_table.t").unwrap();
    assert_eq!(
        t.routes[1].target,
        RouteTarget::NatGateway("aws_nat_gateway.n".into()),
        "a NAT id in gateway_id is a NAT"
    );
    assert_eq!(
        t.routes[1].destination,
        Some(Attr::Known("0.0.0.0/1".into()))
    );
    assert_eq!(t.routes[2].destination_ipv6.as_deref(), Some("::/0"));
    assert_eq!(
        t.routes[2].target,
        RouteTarget::EgressOnlyInternetGateway("aws_egress_only_internet_gateway.e6".into())
    );
    assert_eq!(
        t.routes[3].target,
        RouteTarget::VpnGateway("vgw-0123456789".into())
    );
    assert_eq!(
        t.routes[4].target,
        RouteTarget::TransitGateway("tgw-1".into())
    );
    assert_eq!(t.routes[1].origin.as_ref().unwrap().line, 17);
    let nat = inv.nat_gateway("aws_nat_gateway.n").unwrap();
    assert_eq!(nat.public_ip, Some(Attr::unknown("aws_eip.e.public_ip")));
}

#[test]
fn security_group_rules_in_all_three_syntaxes() {
    let main = format!(
        r#"{VPC}
resource "aws_security_group" "app" {{
  vpc_id = aws_vpc.v.id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "6"
    cidr_blocks = ["10.0.0.0/16", "192.168.1.0/24"]
    self        = true
  }}
}}
resource "aws_security_group" "db" {{
  name_prefix = "db-"
  vpc_id      = aws_vpc.v.id
  ingress = [{{
    description      = "attribute syntax"
    from_port        = 5432
    to_port          = 5432
    protocol         = "tcp"
    cidr_blocks      = []
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = [aws_security_group.app.id]
    self             = false
  }}]
}}
resource "aws_security_group_rule" "db_out" {{
  type                     = "egress"
  security_group_id        = aws_security_group.db.id
  from_port                = 0
  to_port                  = 65535
  protocol                 = "all"
  source_security_group_id = aws_security_group.app.id
}}
resource "aws_vpc_security_group_egress_rule" "app_to_db" {{
  security_group_id            = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}}
resource "aws_vpc_security_group_ingress_rule" "ssh" {{
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/0"
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    let app = inv.security_group("aws_security_group.app").unwrap();
    let peers: Vec<&SgPeer> = app.ingress.iter().map(|r| &r.peer).collect();
    assert_eq!(
        peers,
        [
            &SgPeer::Cidr(Attr::Known("10.0.0.0/16".into())),
            &SgPeer::Cidr(Attr::Known("192.168.1.0/24".into())),
            &SgPeer::SecurityGroup("aws_security_group.app".into()),
            &SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
        ]
    );
    assert_eq!(app.ingress[0].protocol, "tcp");
    assert_eq!(
        app.ingress[3].origin.as_ref().unwrap().address.as_deref(),
        Some("aws_vpc_security_group_ingress_rule.ssh")
    );
    assert_eq!(app.egress.len(), 1);
    assert_eq!(
        app.egress[0].peer,
        SgPeer::SecurityGroup("aws_security_group.db".into())
    );

    let db = inv.security_group("aws_security_group.db").unwrap();
    assert_eq!(db.name, "db-*");
    assert_eq!(db.ingress.len(), 1);
    assert_eq!(
        db.ingress[0].description.as_deref(),
        Some("attribute syntax")
    );
    assert_eq!(
        db.ingress[0].peer,
        SgPeer::SecurityGroup("aws_security_group.app".into())
    );
    assert_eq!(db.egress[0].protocol, "-1");
    assert_eq!((db.egress[0].from_port, db.egress[0].to_port), (None, None));
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn network_acls_with_rules_associations_and_the_default() {
    let main = format!(
        r#"{VPC}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}}
resource "aws_subnet" "b" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.2.0/24"
}}
resource "aws_network_acl" "private" {{
  vpc_id = aws_vpc.v.id
  ingress {{
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.0.0.0/16"
    from_port  = 5432
    to_port    = 5432
  }}
  egress {{
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.0.0.0/16"
    from_port  = 1024
    to_port    = 65535
  }}
}}
resource "aws_network_acl_rule" "deny_ssh" {{
  network_acl_id = aws_network_acl.private.id
  rule_number    = 50
  egress         = false
  protocol       = "6"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 22
  to_port        = 22
}}
resource "aws_network_acl_association" "b" {{
  network_acl_id = aws_network_acl.private.id
  subnet_id      = aws_subnet.b.id
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    let acl = inv
        .network_acls
        .iter()
        .find(|a| a.id == "aws_network_acl.private")
        .unwrap();
    assert_eq!(acl.subnet_ids, ["aws_subnet.b"]);
    let ingress: Vec<(i32, &str, bool, Option<i32>)> = acl
        .entries
        .iter()
        .filter(|e| !e.egress)
        .map(|e| (e.rule_number, e.protocol.as_str(), e.allow, e.from_port))
        .collect();
    assert_eq!(
        ingress,
        [
            (50, "6", false, Some(22)),
            (100, "6", true, Some(5432)),
            (32767, "-1", false, None)
        ]
    );
    let default = inv.network_acls.iter().find(|a| a.is_default).unwrap();
    assert_eq!(
        default.subnet_ids,
        ["aws_subnet.a"],
        "the association moved b out of the default ACL"
    );
}

#[test]
fn default_network_acl_resource_replaces_the_allow_all_rules() {
    let main = format!(
        r#"{VPC}
resource "aws_default_network_acl" "d" {{
  default_network_acl_id = aws_vpc.v.default_network_acl_id
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    assert_eq!(inv.network_acls.len(), 1);
    let d = &inv.network_acls[0];
    assert_eq!(
        (d.id.as_str(), d.is_default, d.vpc_id.as_str()),
        ("aws_default_network_acl.d", true, "aws_vpc.v")
    );
    assert!(
        d.entries.iter().all(|e| !e.allow),
        "without rules the default ACL denies everything"
    );
}

#[test]
fn references_to_undeclared_resources_are_gaps() {
    let main = r#"
resource "aws_subnet" "s" {
  vpc_id     = "vpc-0abc1234"
  cidr_block = "10.0.1.0/24"
}
resource "aws_db_instance" "d" {
  engine                 = "postgres"
  vpc_security_group_ids = ["sg-0123"]
  db_subnet_group_name   = "legacy"
}
"#;
    let inv = load(&[("main.tf", main)]);
    let vpc_gap = inv.gaps_for(ResourceKind::Vpc).next().unwrap();
    assert_eq!(vpc_gap.operation, "main.tf:2 aws_subnet.s.vpc_id");
    assert!(vpc_gap.message.contains("vpc-0abc1234"));
    assert!(
        inv.gaps_for(ResourceKind::SecurityGroup)
            .any(|g| g.message.contains("sg-0123"))
    );
    assert!(
        inv.gaps_for(ResourceKind::DbSubnetGroup)
            .any(|g| g.message.contains("legacy"))
    );
}

#[test]
fn rds_defaults_and_managed_password() {
    let main = format!(
        r#"{VPC}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}}
resource "aws_db_subnet_group" "g" {{ subnet_ids = [aws_subnet.a.id] }}
resource "aws_db_instance" "d" {{
  engine                      = "mysql"
  db_subnet_group_name        = aws_db_subnet_group.g.name
  manage_master_user_password = true
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    let d = &inv.db_instances[0];
    assert_eq!(d.port, Attr::Known(3306));
    assert_eq!(
        d.subnet_group.as_deref(),
        Some("aws_db_subnet_group.g"),
        "a generated name stands as the address"
    );
    assert_eq!(
        d.security_group_ids,
        ["aws_vpc.v.default_security_group"],
        "no groups: the VPC's default one"
    );
    assert_eq!(
        (
            d.storage_encrypted.clone(),
            d.backup_retention_days.clone(),
            d.deletion_protection.clone()
        ),
        (
            Some(Attr::Known(false)),
            Some(Attr::Known(1)),
            Some(Attr::Known(false))
        )
    );
    assert_eq!(
        d.master_user_secret_arn.as_deref(),
        Some("aws_db_instance.d.master_user_secret[0].secret_arn")
    );
    // The secret RDS makes for it is a secret of the project, which RDS
    // rotates.
    let s = inv
        .secret("aws_db_instance.d.master_user_secret[0].secret_arn")
        .expect("the managed secret");
    assert_eq!((s.rotation_enabled, s.rotation_days), (Some(true), Some(7)));
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn a_rotation_gives_its_secret_its_days() {
    let main = r#"
resource "aws_secretsmanager_secret" "db" { name = "app/db" }
resource "aws_secretsmanager_secret" "api" { name = "app/api" }
resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
"#;
    let inv = load(&[("main.tf", main)]);
    let db = inv.secret("app/db").unwrap();
    assert_eq!(
        (db.rotation_enabled, db.rotation_days),
        (Some(true), Some(30))
    );
    let api = inv.secret("app/api").unwrap();
    assert_eq!(
        (api.rotation_enabled, api.rotation_days),
        (Some(false), None)
    );
}

#[test]
fn iam_policy_document_data_source_renders_policies() {
    let main = r#"
data "aws_caller_identity" "me" {}
resource "aws_secretsmanager_secret" "s" { name = "app/db" }
resource "aws_secretsmanager_secret_rotation" "r" {
  secret_id           = aws_secretsmanager_secret.s.id
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
}
data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "Ecs"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.me.account_id]
    }
  }
}
data "aws_iam_policy_document" "read" {
  statement {
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
    resources = [aws_secretsmanager_secret.s.arn]
  }
}
resource "aws_iam_role" "r" {
  name               = "exec"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  inline_policy {
    name   = "read"
    policy = data.aws_iam_policy_document.read.json
  }
}
"#;
    let inv = load(&[("main.tf", main)]);
    let r = inv.iam_role("exec").unwrap();
    let st = &r.assume_role_policy["Statement"][0];
    assert_eq!(r.assume_role_policy["Version"], "2012-10-17");
    assert_eq!(st["Sid"], "Ecs");
    assert_eq!(st["Effect"], "Allow");
    assert_eq!(st["Action"], "sts:AssumeRole");
    assert_eq!(st["Principal"]["Service"], "ecs-tasks.amazonaws.com");
    assert_eq!(
        st["Condition"]["StringEquals"]["aws:SourceAccount"],
        "data.aws_caller_identity.me.account_id"
    );
    let read = &r.inline_policies[0].document["Statement"][0];
    assert_eq!(read["Resource"], "aws_secretsmanager_secret.s");
    assert_eq!(read["Action"][1], "kms:Decrypt");
    assert_eq!(inv.secret("app/db").unwrap().rotation_enabled, Some(true));
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn ecs_service_by_family_and_default_security_group() {
    let main = format!(
        r#"{VPC}
resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}}
resource "aws_ecs_cluster" "c" {{ name = "c" }}
resource "aws_ecs_task_definition" "t" {{
  family                = "web"
  container_definitions = jsonencode([{{ name = "web", image = "nginx:1.27" }}])
}}
resource "aws_ecs_service" "s" {{
  name            = "web"
  cluster         = aws_ecs_cluster.c.arn
  task_definition = "${{aws_ecs_task_definition.t.family}}:${{aws_ecs_task_definition.t.revision}}"
  capacity_provider_strategy {{
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }}
  network_configuration {{
    subnets = [aws_subnet.a.id]
  }}
}}
"#
    );
    let inv = load(&[("main.tf", &main)]);
    let s = &inv.ecs_services[0];
    assert_eq!(s.task_definition, "aws_ecs_task_definition.t");
    assert_eq!(s.launch_type.as_deref(), Some("FARGATE"));
    assert_eq!(s.desired_count, Some(0));
    let n = s.network.as_ref().unwrap();
    assert_eq!(n.security_group_ids, ["aws_vpc.v.default_security_group"]);
    assert_eq!(n.assign_public_ip, cloudgrade_model::Attr::Known(false));
    assert_eq!(
        inv.ecs_clusters[0].container_insights,
        Some(Attr::Known(false))
    );
}

/// Where a service runs: its launch type, else its strategy, else its
/// cluster's default strategy, else EC2; and the task's size as written.
#[test]
fn launch_type_from_strategy_cluster_default_or_ec2_and_task_size() {
    let main = r#"
variable "provider_name" {}
resource "aws_ecs_cluster" "spot" { name = "spot" }
resource "aws_ecs_cluster_capacity_providers" "spot" {
  cluster_name       = aws_ecs_cluster.spot.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
resource "aws_ecs_cluster" "plain" { name = "plain" }
resource "aws_ecs_task_definition" "t" {
  family                = "web"
  cpu                   = 512
  memory                = "1 GB"
  container_definitions = jsonencode([{ name = "web", image = "nginx:1.27" }])
}
resource "aws_ecs_task_definition" "unsized" {
  family                = "old"
  container_definitions = jsonencode([{ name = "old", image = "nginx:1.27" }])
}
resource "aws_ecs_service" "by_default" {
  name            = "by-default"
  cluster         = aws_ecs_cluster.spot.id
  task_definition = aws_ecs_task_definition.t.arn
}
resource "aws_ecs_service" "on_ec2" {
  name            = "on-ec2"
  cluster         = aws_ecs_cluster.plain.id
  task_definition = aws_ecs_task_definition.t.arn
}
resource "aws_ecs_service" "unknown" {
  name            = "unknown"
  cluster         = aws_ecs_cluster.plain.id
  task_definition = aws_ecs_task_definition.t.arn
  capacity_provider_strategy {
    capacity_provider = var.provider_name
  }
}
resource "aws_ecs_service" "asg" {
  name            = "asg"
  cluster         = aws_ecs_cluster.spot.id
  task_definition = aws_ecs_task_definition.t.arn
  capacity_provider_strategy {
    capacity_provider = "my-asg-provider"
  }
}
"#;
    let inv = load(&[("main.tf", main)]);
    let launch = |name: &str| {
        inv.ecs_services
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .launch_type
            .clone()
    };
    assert_eq!(launch("by-default").as_deref(), Some("FARGATE"));
    assert_eq!(launch("on-ec2").as_deref(), Some("EC2"));
    assert_eq!(launch("unknown"), None);
    assert_eq!(launch("asg").as_deref(), Some("EC2"));
    let t = inv.task_definition("aws_ecs_task_definition.t").unwrap();
    assert_eq!(t.cpu, Some(Attr::Known("512".into())));
    assert_eq!(t.memory, Some(Attr::Known("1 GB".into())));
    let old = inv
        .task_definition("aws_ecs_task_definition.unsized")
        .unwrap();
    assert_eq!(old.cpu, Some(Attr::Known(String::new())), "unset is empty");
}

#[test]
fn heredoc_policies_attachments_and_gateway_attachments() {
    let main = format!(
        r#"{VPC}
resource "aws_internet_gateway" "g" {{}}
resource "aws_internet_gateway_attachment" "a" {{
  internet_gateway_id = aws_internet_gateway.g.id
  vpc_id              = aws_vpc.v.id
}}
resource "aws_secretsmanager_secret" "s" {{ name = "db" }}
resource "aws_iam_role" "r" {{
  name                = "task"
  assume_role_policy  = file("${{path.module}}/trust.json")
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}}
resource "aws_iam_role_policy" "p" {{
  role   = aws_iam_role.r.id
  policy = <<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "${{aws_secretsmanager_secret.s.arn}}"}}]
    }}
  EOT
}}
resource "aws_iam_policy" "admin" {{
  name   = "admin"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "*", Resource = "*" }}] }})
}}
resource "aws_iam_policy_attachment" "all" {{
  name       = "all"
  roles      = [aws_iam_role.r.name]
  policy_arn = aws_iam_policy.admin.arn
}}
"#
    );
    let inv = load(&[
        ("main.tf", &main),
        (
            "trust.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        ),
    ]);
    assert_eq!(
        inv.internet_gateway("aws_internet_gateway.g")
            .unwrap()
            .attached_vpc_ids,
        ["aws_vpc.v"]
    );
    let r = inv.iam_role("task").unwrap();
    assert_eq!(
        r.assume_role_policy["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(r.inline_policies[0].name, "aws_iam_role_policy.p");
    assert_eq!(
        r.inline_policies[0].document["Statement"][0]["Resource"],
        "aws_secretsmanager_secret.s"
    );
    assert_eq!(
        r.attached_policy_arns,
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "aws_iam_policy.admin"
        ]
    );
    assert_eq!(
        inv.iam_policy("aws_iam_policy.admin").unwrap().document["Statement"][0]["Action"],
        "*"
    );
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn json_syntax_files_are_gaps_for_every_kind() {
    let inv = load(&[("main.tf", VPC), ("extra.tf.json", r#"{"resource": {}}"#)]);
    assert_eq!(inv.gaps.len(), ResourceKind::ALL.len());
    assert!(inv.gaps.iter().all(|g| g.operation == "extra.tf.json"));
    assert!(inv.vpc("aws_vpc.v").is_some());
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_fine() {
    let inv = load(&[(
        "main.tf",
        "\u{feff}resource \"aws_vpc\" \"v\" {\r\n  cidr_block = \"10.0.0.0/16\"\r\n}\r\n\r\nresource \"aws_vpc\" \"w\" {\r\n  cidr_block = \"10.1.0.0/16\"\r\n}\r\n",
    )]);
    assert_eq!(
        inv.vpc("aws_vpc.w").unwrap().origin.as_ref().unwrap().line,
        5
    );
}
