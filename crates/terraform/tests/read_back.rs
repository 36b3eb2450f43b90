//! Data sources that look up what the configuration itself creates: a
//! module that finds the VPC another module made by its CIDR, a
//! `data "aws_subnets"` over a declared VPC, a secret found by its name.
//! A unique, certain match reads as the declared resource; anything else
//! stays a gap that says why.

mod common;

use cloudgrade_model::Inventory;
use common::load;

const NETWORK: &str = r#"
variable "cidr" {
  default = "10.20.0.0/16"
}

resource "aws_vpc" "main" {
  cidr_block = var.cidr
}

resource "aws_subnet" "app_a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

resource "aws_subnet" "app_b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.2.0/24"
}

resource "aws_security_group" "app" {
  name   = "app-tasks"
  vpc_id = aws_vpc.main.id
}
"#;

/// The ECS module finds the network by the values the root passes it,
/// the way multi-module hand-ins do it.
const ECS: &str = r#"
variable "vpc_cidr" {}
variable "subnet_cidrs" {}

data "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

data "aws_subnet" "app" {
  count      = length(var.subnet_cidrs)
  vpc_id     = data.aws_vpc.main.id
  cidr_block = var.subnet_cidrs[count.index]
}

data "aws_security_group" "app" {
  name   = "app-tasks"
  vpc_id = data.aws_vpc.main.id
}

resource "aws_ecs_cluster" "c" {
  name = "c"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  container_definitions    = jsonencode([{ name = "app", image = "app:1" }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = data.aws_subnet.app[*].id
    security_groups = [data.aws_security_group.app.id]
  }
}
"#;

const ROOT: &str = r#"
module "network" {
  source = "./modules/network"
}

module "ecs" {
  source       = "./modules/ecs"
  vpc_cidr     = "10.20.0.0/16"
  subnet_cidrs = ["10.20.1.0/24", "10.20.2.0/24"]
}
"#;

fn layout(root: &str, ecs: &str) -> Inventory {
    load(&[
        ("main.tf", root),
        ("modules/network/main.tf", NETWORK),
        ("modules/ecs/main.tf", ecs),
    ])
}

fn service_network(inv: &Inventory) -> (Vec<String>, Vec<String>) {
    let svc = inv.ecs_services.first().expect("the service is read");
    let net = svc.network.as_ref().expect("awsvpc network");
    (net.subnet_ids.clone(), net.security_group_ids.clone())
}

#[test]
fn a_module_finds_the_network_another_module_declares() {
    let inv = layout(ROOT, ECS);
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    let (subnets, groups) = service_network(&inv);
    assert_eq!(
        subnets,
        [
            "module.network.aws_subnet.app_a",
            "module.network.aws_subnet.app_b"
        ]
    );
    assert_eq!(groups, ["module.network.aws_security_group.app"]);
}

#[test]
fn a_lookup_that_matches_nothing_declared_stays_a_gap_that_says_so() {
    let root = ROOT.replace(
        r#"["10.20.1.0/24", "10.20.2.0/24"]"#,
        r#"["10.20.1.0/24", "10.20.9.0/24"]"#,
    );
    let inv = layout(&root, ECS);
    common::gap_saying(
        &inv,
        &[
            "data.aws_subnet.app[1]` no se resuelve",
            "ningún `aws_subnet` declarado coincide",
        ],
    );
}

#[test]
fn a_lookup_by_a_variable_without_value_is_not_guessed() {
    let root = ROOT.replace("  vpc_cidr     = \"10.20.0.0/16\"\n", "");
    let root = format!(
        "variable \"vpc_cidr\" {{}}\n{}",
        root.replace(
            "source       = \"./modules/ecs\"",
            "source       = \"./modules/ecs\"\n  vpc_cidr     = var.vpc_cidr",
        )
    );
    let inv = layout(&root, ECS);
    common::gap_saying(
        &inv,
        &["data.aws_vpc.main` no se resuelve", "no se puede saber"],
    );
}

#[test]
fn subnets_counted_over_an_unknown_are_named_with_what_they_depend_on() {
    // The network module's subnets come from a variable with no value: the
    // lookup may read one of them, and the reason says which resource and
    // what its count depends on.
    let network = format!(
        "variable \"app_cidrs\" {{}}\n{}",
        NETWORK.replace(
            "resource \"aws_subnet\" \"app_a\" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = \"10.20.1.0/24\"\n}",
            "resource \"aws_subnet\" \"app_a\" {\n  count      = length(var.app_cidrs)\n  vpc_id     = aws_vpc.main.id\n  cidr_block = var.app_cidrs[count.index]\n}",
        )
    );
    assert!(network.contains("count      = length(var.app_cidrs)"));
    let inv = load(&[
        ("main.tf", ROOT),
        ("modules/network/main.tf", &network),
        ("modules/ecs/main.tf", ECS),
    ]);
    common::gap_saying(
        &inv,
        &[
            "no se puede saber si lee las instancias de module.network.aws_subnet.app_a (dependen de",
            "app_cidrs",
        ],
    );
}

#[test]
fn several_matches_are_named_not_chosen() {
    let ecs = ECS.replace(
        "data \"aws_subnet\" \"app\" {\n  count      = length(var.subnet_cidrs)\n  vpc_id     = data.aws_vpc.main.id\n  cidr_block = var.subnet_cidrs[count.index]\n}",
        "data \"aws_subnet\" \"app\" {\n  count  = 1\n  vpc_id = data.aws_vpc.main.id\n}",
    );
    let inv = layout(ROOT, &ecs);
    common::gap_saying(
        &inv,
        &[
            "coinciden 2 `aws_subnet`",
            "module.network.aws_subnet.app_a",
        ],
    );
}

#[test]
fn the_default_vpc_is_never_a_declared_one() {
    let ecs = ECS.replace("cidr_block = var.vpc_cidr", "default = true");
    let inv = layout(ROOT, &ecs);
    common::gap_saying(
        &inv,
        &[
            "data.aws_vpc.main` no se resuelve",
            "creado fuera de esta configuración",
        ],
    );
}

const PLURAL: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "db" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index + 10)
  tags       = { Tier = "db" }
}

resource "aws_vpc" "other" {
  cidr_block = "10.9.0.0/16"
}

resource "aws_subnet" "elsewhere" {
  vpc_id     = aws_vpc.other.id
  cidr_block = "10.9.1.0/24"
  tags       = { Tier = "db" }
}

data "aws_subnets" "db" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  FILTER
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = data.aws_subnets.db.ids
}
"#;

#[test]
fn subnets_of_a_declared_vpc_are_every_declared_subnet_in_it() {
    let text = PLURAL.replace("FILTER", "tags = { Tier = \"db\" }");
    let inv = load(&[("main.tf", &text)]);
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    let group = inv.db_subnet_groups.first().expect("subnet group");
    assert_eq!(group.subnet_ids, ["aws_subnet.db[0]", "aws_subnet.db[1]"]);
}

#[test]
fn subnets_found_by_tag_alone_may_be_anyone_s() {
    let text = PLURAL
        .replace(
            "  filter {\n    name   = \"vpc-id\"\n    values = [aws_vpc.main.id]\n  }\n",
            "",
        )
        .replace("FILTER", "tags = { Tier = \"db\" }");
    let inv = load(&[("main.tf", &text)]);
    common::gap_saying(&inv, &["no filtra por una VPC declarada"]);
}

#[test]
fn an_unknown_filter_is_named() {
    let text = PLURAL.replace(
        "FILTER",
        "filter {\n    name   = \"map-public-ip-on-launch\"\n    values = [\"false\"]\n  }",
    );
    let inv = load(&[("main.tf", &text)]);
    common::gap_saying(&inv, &["filtro `map-public-ip-on-launch`"]);
}

const SECRET: &str = r#"
variable "env" {}

resource "aws_secretsmanager_secret" "db" {
  name = "${var.env}/db/password"
}

data "aws_secretsmanager_secret" "db" {
  name = "${var.env}/db/password"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    secrets = [{ name = "DB_PASSWORD", valueFrom = data.aws_secretsmanager_secret.db.arn }]
  }])
}
"#;

#[test]
fn a_secret_found_by_a_name_built_from_the_same_unknown_is_the_declared_one() {
    let inv = load(&[("main.tf", SECRET)]);
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    let td = inv.task_definitions.first().expect("task definition");
    let refs: Vec<&str> = td
        .containers
        .iter()
        .flat_map(|c| c.secrets.iter().map(|s| s.value_from.as_str()))
        .collect();
    assert_eq!(refs, ["aws_secretsmanager_secret.db"]);
}

#[test]
fn a_secret_made_elsewhere_stays_unknown() {
    let text = SECRET.replace(
        "data \"aws_secretsmanager_secret\" \"db\" {\n  name = \"${var.env}/db/password\"",
        "data \"aws_secretsmanager_secret\" \"db\" {\n  name = \"prod/db/password\"",
    );
    let inv = load(&[("main.tf", &text)]);
    assert!(
        inv.gaps.iter().any(|g| g
            .message
            .contains("data.aws_secretsmanager_secret.db` no se resuelve")),
        "{:#?}",
        inv.gaps
    );
}

#[test]
fn the_version_of_a_declared_secret_hides_nothing_about_the_secret() {
    let text = format!(
        "{SECRET}\ndata \"aws_secretsmanager_secret_version\" \"db\" {{\n  secret_id = data.aws_secretsmanager_secret.db.id\n}}\n"
    );
    let inv = load(&[("main.tf", &text)]);
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    assert_eq!(inv.secrets.len(), 1);
}

#[test]
fn the_version_of_a_secret_made_elsewhere_is_a_gap() {
    let text = format!(
        "{SECRET}\ndata \"aws_secretsmanager_secret_version\" \"other\" {{\n  secret_id = \"prod/other\"\n}}\n"
    );
    let inv = load(&[("main.tf", &text)]);
    assert!(
        inv.gaps.iter().any(|g| g
            .message
            .contains("data.aws_secretsmanager_secret_version.other")),
        "{:#?}",
        inv.gaps
    );
}

#[test]
fn a_rule_that_opens_the_database_s_port_opens_its_engine_s_default() {
    let inv = load(&[(
        "main.tf",
        r#"
resource "aws_security_group" "db" {}
resource "aws_db_instance" "main" {
  engine                 = "postgres"
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = aws_db_instance.main.port
  to_port           = aws_db_instance.main.port
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/16"]
}
"#,
    )]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::SecurityGroup]);
    let sg = &inv.security_groups[0];
    let rule = &sg.ingress[0];
    assert_eq!((rule.from_port, rule.to_port), (Some(5432), Some(5432)));
}

#[test]
fn a_template_of_one_interpolation_keeps_its_type() {
    // Terraform 0.11's spelling, still common in tutorials.
    let inv = load(&[(
        "main.tf",
        r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "db" {
  count      = 2
  vpc_id     = "${aws_vpc.v.id}"
  cidr_block = "${cidrsubnet("10.0.0.0/16", 8, count.index)}"
}
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = ["${aws_subnet.db.*.id}"]
}
"#,
    )]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::DbSubnetGroup]);
    assert_eq!(
        inv.db_subnet_groups[0].subnet_ids,
        ["aws_subnet.db[0]", "aws_subnet.db[1]"]
    );
}

#[test]
fn a_secret_found_by_name_outside_the_configuration_exists() {
    // Made by hand in the console, read by name: the plan fails unless it
    // exists, so it stands in the inventory under the data source's name.
    let inv = load(&[(
        "main.tf",
        r#"
data "aws_secretsmanager_secret" "db" {
  name = "postgres-dbs-top-secret"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{
    name    = "app"
    image   = "app:1"
    secrets = [{ name = "DB_PASSWORD", valueFrom = data.aws_secretsmanager_secret.db.arn }]
  }])
}
"#,
    )]);
    common::no_gap_of(
        &inv,
        &[
            cloudgrade_model::ResourceKind::Secret,
            cloudgrade_model::ResourceKind::TaskDefinition,
        ],
    );
    assert_eq!(inv.secrets.len(), 1);
    assert_eq!(inv.secrets[0].arn, "data.aws_secretsmanager_secret.db");
    assert_eq!(inv.secrets[0].name, "postgres-dbs-top-secret");
    let from = &inv.task_definitions[0].containers[0].secrets[0].value_from;
    assert_eq!(from, "data.aws_secretsmanager_secret.db");
}

#[test]
fn the_version_of_a_secret_found_outside_hides_nothing() {
    let inv = load(&[(
        "main.tf",
        r#"
data "aws_secretsmanager_secret" "db" {
  name = "dev/db"
}
data "aws_secretsmanager_secret_version" "db" {
  secret_id = data.aws_secretsmanager_secret.db.id
}
"#,
    )]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::Secret]);
}

#[test]
fn roles_named_with_format_keep_apart_and_join_their_attachments() {
    let inv = load(&[(
        "main.tf",
        r#"
variable "prefix" {}
resource "aws_iam_role" "exec" {
  name               = format("%s-exec", var.prefix)
  assume_role_policy = "{}"
}
resource "aws_iam_role" "task" {
  name               = format("%s-task", var.prefix)
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
"#,
    )]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::IamRole]);
    let exec = inv
        .iam_roles
        .iter()
        .find(|r| r.arn == "aws_iam_role.exec")
        .unwrap();
    assert_eq!(
        exec.attached_policy_arns,
        ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    );
    let task = inv
        .iam_roles
        .iter()
        .find(|r| r.arn == "aws_iam_role.task")
        .unwrap();
    assert!(task.attached_policy_arns.is_empty());
}

#[test]
fn a_secret_picked_from_a_map_by_an_unknown_key_is_each_of_its_values() {
    // roczyno's shape: one secret per database, the task definitions a
    // for_each whose key picks one.
    let inv = load(&[(
        "main.tf",
        r#"
variable "services" {}
resource "aws_secretsmanager_secret" "users" { name = "users-db" }
resource "aws_secretsmanager_secret" "albums" { name = "albums-db" }
locals {
  arns = {
    users  = aws_secretsmanager_secret.users.arn
    albums = aws_secretsmanager_secret.albums.arn
  }
}
resource "aws_ecs_task_definition" "m" {
  for_each = var.services
  family   = "x-${each.key}"
  container_definitions = jsonencode([{
    name    = "app"
    image   = "app:1"
    secrets = [{ name = "DB_PASSWORD", valueFrom = "${local.arns[each.key]}:password::" }]
  }])
}
"#,
    )]);
    let refs: Vec<(&str, Option<&str>)> = inv.task_definitions[0].containers[0]
        .secrets
        .iter()
        .map(|s| (s.value_from.as_str(), s.only_if.as_deref()))
        .collect();
    assert_eq!(
        refs,
        [
            (
                "aws_secretsmanager_secret.albums:password::",
                Some("each.key")
            ),
            (
                "aws_secretsmanager_secret.users:password::",
                Some("each.key")
            ),
        ]
    );
}
