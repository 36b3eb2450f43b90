//! An unknown the source cannot evaluate (a data source reading what the
//! configuration does not declare, a list known only after apply) is
//! confined to the attribute that reads it: the questions about other
//! attributes of the same resource keep their verdict (issue 9).

mod common;

use cloudgrade_model::ResourceKind;
use common::load;

/// The shape of many hand-ins: the execution role is an existing role read
/// by a data source, the secrets come from a secret read the same way, and
/// the service's subnets are a list from a module output nobody knows.
const TASK: &str = r#"
data "aws_iam_role" "exec" {
  name = "ecsTaskExecutionRole"
}

data "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

variable "subnets" {
  type = list(string)
}

resource "aws_ecs_cluster" "c" {
  name = "c"
}

resource "aws_ecs_task_definition" "app" {
  family             = "app"
  network_mode       = "awsvpc"
  execution_role_arn = data.aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
    environment = [{ name = "DB_HOST", value = "db.internal" }]
    secrets     = [{ name = "DB_PASSWORD", valueFrom = data.aws_secretsmanager_secret.db.arn }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.app.arn
  network_configuration {
    subnets = var.subnets
  }
}
"#;

fn reading(inv: &cloudgrade_model::Inventory, kind: ResourceKind, fields: &[&str]) -> usize {
    inv.gaps_reading(kind, fields).count()
}

#[test]
fn a_data_source_behind_one_field_leaves_the_others_known() {
    let inv = load(&[("main.tf", TASK)]);
    let td = ResourceKind::TaskDefinition;
    // The role (its policies live outside) is unknown ...
    assert!(
        reading(&inv, td, &["execution_role_arn"]) > 0,
        "{:?}",
        inv.gaps
    );
    // ... the secret read by name exists (the plan fails otherwise), and
    // that is what `secrets` needs ...
    assert_eq!(reading(&inv, td, &["secrets"]), 0, "{:?}", inv.gaps);
    assert_eq!(inv.secrets[0].name, "prod/db");
    // ... the environment is not, nor which definition the service runs.
    assert_eq!(
        reading(&inv, td, &["environment", "container_definitions"]),
        0,
        "{:?}",
        inv.gaps
    );
    assert_eq!(reading(&inv, td, &["family"]), 0, "{:?}", inv.gaps);
    let env = &inv.task_definitions[0].containers[0].environment;
    assert_eq!(env.len(), 1);
    // The kind as a whole still says it is incomplete, for any question
    // that reads everything.
    assert!(inv.gaps_for(td).count() > 0);
}

#[test]
fn an_unknown_list_of_subnets_is_confined_to_the_services_subnets() {
    let inv = load(&[("main.tf", TASK)]);
    let svc = ResourceKind::EcsService;
    assert!(reading(&inv, svc, &["subnets"]) > 0, "{:?}", inv.gaps);
    assert_eq!(
        reading(&inv, svc, &["task_definition"]),
        0,
        "{:?}",
        inv.gaps
    );
    assert_eq!(
        inv.ecs_services[0].task_definition,
        "aws_ecs_task_definition.app"
    );
}

#[test]
fn an_environment_value_not_evaluated_keeps_the_environment_unknown() {
    let text = TASK.replace(
        r#"value = "db.internal""#,
        "value = data.aws_iam_role.exec.arn",
    );
    let inv = load(&[("main.tf", &text)]);
    let td = ResourceKind::TaskDefinition;
    assert!(reading(&inv, td, &["environment"]) > 0, "{:?}", inv.gaps);
}

#[test]
fn an_unknown_list_of_secrets_is_not_an_empty_one() {
    let text = TASK.replace(
        "secrets     = [{ name = \"DB_PASSWORD\", valueFrom = data.aws_secretsmanager_secret.db.arn }]",
        "secrets     = var.subnets",
    );
    let inv = load(&[("main.tf", &text)]);
    assert!(
        reading(&inv, ResourceKind::TaskDefinition, &["secrets"]) > 0,
        "{:?}",
        inv.gaps
    );
}

/// A rule whose port is known only after apply (`from_port =
/// aws_db_instance.x.port`) is not in the model as a rule open on every
/// port, which is how the model reads a rule without ports: a failure the
/// student did not write. The gap says the group's rules are not all known.
#[test]
fn a_rule_with_an_unknown_port_is_a_gap_not_an_all_ports_rule() {
    let inv = load(&[(
        "main.tf",
        r#"
variable "db_port" {
  type = number
}

resource "aws_security_group" "db" {
  name = "db"
}

resource "aws_security_group" "app" {
  name = "app"
}

resource "aws_security_group_rule" "from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  protocol                 = "tcp"
  from_port                = var.db_port
  to_port                  = var.db_port
  source_security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["10.0.0.0/16"]
}
"#,
    )]);
    let db = inv
        .security_groups
        .iter()
        .find(|g| g.id == "aws_security_group.db")
        .expect("the DB group is mapped");
    // Only the rule with known ports is there, with its ports.
    assert_eq!(db.ingress.len(), 1, "{:#?}", db.ingress);
    assert_eq!(db.ingress[0].from_port, Some(443));
    let gap = inv
        .gaps_for(ResourceKind::SecurityGroup)
        .find(|g| g.operation.contains("aws_security_group_rule.from_app"))
        .expect("a gap names the rule");
    assert!(gap.message.contains("var.db_port"), "{}", gap.message);
}

/// An association whose table the configuration does not declare may move
/// its subnet off the main table, but adds no route to any table: its gap is
/// confined to which subnets use which table (`subnet_ids`), unlike a route
/// whose table is unknown.
#[test]
fn an_unknown_association_is_a_gap_of_associations_not_of_routes() {
    let inv = load(&[(
        "main.tf",
        r#"
variable "table" {
  type = string
}

resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = var.table
}
"#,
    )]);
    let rt = ResourceKind::RouteTable;
    assert_eq!(reading(&inv, rt, &["subnet_ids"]), 1, "{:#?}", inv.gaps);
    assert_eq!(reading(&inv, rt, &["routes"]), 0, "{:#?}", inv.gap_fields);

    let inv = load(&[(
        "main.tf",
        r#"
variable "table" {
  type = string
}

resource "aws_route" "r" {
  route_table_id         = var.table
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-1"
}
"#,
    )]);
    // A route into an unknown table: a gap of the whole kind.
    assert!(reading(&inv, rt, &["routes"]) >= 1, "{:#?}", inv.gaps);
}
