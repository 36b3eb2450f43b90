//! Constructs common in hand-ins that the course's own solution does not
//! use: Aurora clusters, SSM parameters as secrets, the template provider.

mod common;

use cloudgrade_model::Attr;
use common::load;

const AURORA: &str = r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.v.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = aws_subnet.db[*].id
}

resource "aws_security_group" "db" {
  vpc_id = aws_vpc.v.id
}

resource "aws_rds_cluster" "main" {
  cluster_identifier     = "curso-aurora"
  engine                 = "aurora-postgresql"
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [aws_security_group.db.id]
  storage_encrypted      = true
  master_username        = "app"
  manage_master_user_password = true
}

resource "aws_rds_cluster_instance" "member" {
  count               = 2
  cluster_identifier  = aws_rds_cluster.main.id
  instance_class      = "db.t4g.medium"
  engine              = aws_rds_cluster.main.engine
  publicly_accessible = count.index == 1
}
"#;

#[test]
fn an_aurora_cluster_is_one_database_with_its_members_properties() {
    let inv = load(&[("main.tf", AURORA)]);
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
    assert_eq!(
        inv.db_instances.len(),
        1,
        "the members are not databases of their own"
    );
    let db = &inv.db_instances[0];
    assert_eq!(db.id, "aws_rds_cluster.main");
    assert_eq!(db.engine, "aurora-postgresql");
    assert_eq!(db.port, Attr::Known(5432), "the engine's default port");
    assert_eq!(db.subnet_group.as_deref(), Some("db"));
    assert_eq!(db.security_group_ids, vec!["aws_security_group.db"]);
    assert_eq!(db.storage_encrypted, Some(Attr::Known(true)));
    assert_eq!(db.multi_az, Some(Attr::Known(true)), "two members");
    assert_eq!(
        db.publicly_accessible,
        Attr::Known(true),
        "one public member makes the cluster reachable"
    );
    assert_eq!(
        db.master_user_secret_arn.as_deref(),
        Some("aws_rds_cluster.main.master_user_secret[0].secret_arn")
    );
}

#[test]
fn a_mysql_aurora_cluster_with_one_private_member() {
    let text = AURORA
        .replace("aurora-postgresql", "aurora-mysql")
        .replace("count               = 2", "count               = 1");
    let inv = load(&[("main.tf", &text)]);
    let db = &inv.db_instances[0];
    assert_eq!(db.port, Attr::Known(3306));
    assert_eq!(db.multi_az, Some(Attr::Known(false)));
    assert_eq!(db.publicly_accessible, Attr::Known(false));
}

/// The template provider's `data "template_file"`, still in many tutorials:
/// the container definitions come from a JSON template file rendered with
/// `vars`, one of them the database password.
const TEMPLATE_FILE: &str = r#"
variable "db_password" {
  default = "s3cr3t-Pa55word"
}

data "template_file" "app" {
  template = file("templates/app.json.tpl")
  vars = {
    image       = "nginx:1.27"
    db_password = var.db_password
    db_host     = aws_db_instance.db.address
  }
}

resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = data.template_file.app.rendered
}
"#;

const APP_TPL: &str = r#"[
  {
    "name": "app",
    "image": "${image}",
    "environment": [
      { "name": "DB_HOST", "value": "${db_host}" },
      { "name": "DB_PASSWORD", "value": "${db_password}" }
    ]
  }
]
"#;

#[test]
fn a_template_file_is_rendered_with_its_vars() {
    let inv = load(&[
        ("main.tf", TEMPLATE_FILE),
        ("templates/app.json.tpl", APP_TPL),
    ]);
    let td = cloudgrade_model::ResourceKind::TaskDefinition;
    assert_eq!(inv.gaps_for(td).count(), 0, "{:?}", inv.gaps);
    let c = &inv.task_definitions[0].containers[0];
    assert_eq!(c.image.as_deref(), Some("nginx:1.27"));
    let names: Vec<&str> = c.environment.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["DB_HOST", "DB_PASSWORD"]);
    match &c.environment[1].value {
        cloudgrade_model::EnvValue::Observed(f) => assert_eq!(f.len, "s3cr3t-Pa55word".len()),
        other => panic!("the password is a known value: {other:?}"),
    }
    assert!(
        matches!(
            c.environment[0].value,
            cloudgrade_model::EnvValue::Unknown { .. }
        ),
        "the host is known after apply"
    );
}

#[test]
fn a_template_file_that_is_not_a_template_is_a_gap_naming_it() {
    // `$${` is a literal `${` in HCL: the template the provider reads is
    // an unterminated interpolation.
    let text = TEMPLATE_FILE.replace(r#"file("templates/app.json.tpl")"#, r#""$${image""#);
    let inv = load(&[("main.tf", &text)]);
    let td = cloudgrade_model::ResourceKind::TaskDefinition;
    let g: Vec<_> = inv.gaps_for(td).collect();
    assert!(
        g.iter().any(|g| g
            .operation
            .starts_with("main.tf:6 data source `template_file`")),
        "{g:?}"
    );
}

/// The one DB instance of a configuration whose `aws_db_instance` has
/// `line` among its arguments, beside a variable `x` with no value.
fn db_with(line: &str) -> cloudgrade_model::DbInstance {
    let text = format!(
        "variable \"x\" {{}}\nresource \"aws_db_instance\" \"d\" {{\n  engine = \"postgres\"\n{line}\n}}\n"
    );
    load(&[("main.tf", &text)]).db_instances.remove(0)
}

#[test]
fn storage_encryption_is_off_unless_set_and_an_unknown_names_its_reference() {
    let db = |line: &str| db_with(line).storage_encrypted;
    assert_eq!(db(""), Some(Attr::Known(false)), "the provider's default");
    assert_eq!(db("  storage_encrypted = true"), Some(Attr::Known(true)));
    assert_eq!(
        db("  storage_encrypted = var.x"),
        Some(Attr::unknown("var.x"))
    );
}

#[test]
fn what_a_destroy_does_is_read_with_the_providers_defaults() {
    let db = db_with("");
    assert_eq!(db.deletion_protection, Some(Attr::Known(false)));
    assert_eq!(
        db.skip_final_snapshot,
        Some(Attr::Known(false)),
        "the provider's default"
    );
    assert_eq!(
        db.final_snapshot_identifier,
        Some(Attr::Known(String::new())),
        "none given"
    );
    let db = db_with("  skip_final_snapshot = true\n  final_snapshot_identifier = \"d-final\"");
    assert_eq!(db.skip_final_snapshot, Some(Attr::Known(true)));
    assert_eq!(
        db.final_snapshot_identifier,
        Some(Attr::Known("d-final".into()))
    );
    // A variable without a value keeps its name, where an Option<bool> lost it.
    assert_eq!(
        db_with("  deletion_protection = var.x").deletion_protection,
        Some(Attr::unknown("var.x"))
    );
    assert_eq!(
        db_with("  multi_az = var.x").multi_az,
        Some(Attr::unknown("var.x"))
    );
}

#[test]
fn a_log_retention_from_a_variable_names_it_and_zero_is_forever() {
    let retention = |line: &str| {
        let text = format!(
            "variable \"x\" {{}}\nresource \"aws_cloudwatch_log_group\" \"l\" {{\n  name = \"/ecs/app\"\n{line}\n}}\n"
        );
        load(&[("main.tf", &text)])
            .log_groups
            .remove(0)
            .retention_days
    };
    assert_eq!(retention("  retention_in_days = 7"), Attr::Known(Some(7)));
    assert_eq!(
        retention("  retention_in_days = 0"),
        Attr::Known(None),
        "never expires"
    );
    assert_eq!(retention(""), Attr::Known(None));
    assert_eq!(
        retention("  retention_in_days = var.x"),
        Attr::unknown("var.x")
    );
}

#[test]
fn windows_are_read_as_written_and_empty_when_aws_chooses() {
    let db = db_with("  backup_window = \"03:00-04:00\"\n  maintenance_window = var.x");
    assert_eq!(db.backup_window, Some(Attr::Known("03:00-04:00".into())));
    assert_eq!(db.maintenance_window, Some(Attr::unknown("var.x")));
    assert_eq!(db_with("").backup_window, Some(Attr::Known(String::new())));
}

#[test]
fn backups_are_one_day_unless_set_and_an_unknown_names_its_reference() {
    let days = |line: &str| db_with(line).backup_retention_days;
    assert_eq!(days(""), Some(Attr::Known(1)), "AWS's default");
    assert_eq!(
        days("  backup_retention_period = 14"),
        Some(Attr::Known(14))
    );
    assert_eq!(
        days("  backup_retention_period = var.x"),
        Some(Attr::unknown("var.x"))
    );
}

/// The image of the one container of a task definition whose image is
/// `image` (HCL), beside an ECR repository and a variable `x` with no value.
fn image_tag_of(image: &str) -> Option<Attr<String>> {
    let text = format!(
        r#"variable "x" {{}}
resource "aws_ecr_repository" "app" {{
  name = "app"
}}
data "aws_ecr_image" "img" {{
  repository_name = "app"
  most_recent     = true
}}
resource "aws_ecs_task_definition" "t" {{
  family = "t"
  container_definitions = jsonencode([{{ name = "app", image = {image} }}])
}}
"#
    );
    let inv = load(&[("main.tf", &text)]);
    inv.task_definitions[0].containers[0].image_tag.clone()
}

#[test]
fn an_images_tag_is_read_from_its_value_not_its_text() {
    let repo = "aws_ecr_repository.app.repository_url";
    assert_eq!(
        image_tag_of(&format!("\"${{{repo}}}:latest\"")),
        Some(Attr::Known("latest".into()))
    );
    assert_eq!(
        image_tag_of(&format!("\"${{{repo}}}:1.4.2\"")),
        Some(Attr::Known("1.4.2".into()))
    );
    // A repository URL alone names no tag: the registry serves latest.
    assert_eq!(
        image_tag_of(&format!("\"${{{repo}}}\"")),
        Some(Attr::Known(String::new()))
    );
    assert_eq!(
        image_tag_of(&format!("\"${{{repo}}}:${{var.x}}\"")),
        Some(Attr::unknown("var.x"))
    );
    // A whole image from a variable may hold a tag: unknown, named.
    assert_eq!(image_tag_of("var.x"), Some(Attr::unknown("var.x")));
    assert_eq!(image_tag_of("\"nginx\""), Some(Attr::Known(String::new())));
    // The provider's data source builds image_uri as repository@digest.
    assert_eq!(
        image_tag_of("data.aws_ecr_image.img.image_uri"),
        Some(Attr::Known("@digest (data.aws_ecr_image)".into()))
    );
}

const BALANCED: &str = r#"
resource "aws_lb" "web" {
  name    = "web"
  subnets = []
}

resource "aws_lb_target_group" "app" {
  name     = "app"
  port     = 8080
  protocol = "HTTP"
}

resource "aws_lb_target_group" "api" {
  name        = "api"
  port        = 9000
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  protocol          = "HTTPS"
  default_action {
    type = "forward"
    forward {
      target_group {
        arn = aws_lb_target_group.app.arn
      }
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}
"#;

#[test]
fn listeners_forward_through_their_default_action_and_their_rules() {
    let inv = load(&[("main.tf", BALANCED)]);
    let types: Vec<_> = inv
        .target_groups
        .iter()
        .map(|t| (t.name.as_str(), t.target_type.clone()))
        .collect();
    // Unset, the provider's default: instance, which Fargate tasks cannot use.
    assert_eq!(
        types,
        [
            ("app", Attr::Known("instance".into())),
            ("api", Attr::Known("ip".into()))
        ]
    );
    let l = &inv.listeners[0];
    assert_eq!(l.load_balancer, "aws_lb.web");
    assert_eq!(l.port, Attr::Known(443), "HTTPS without a port is 443");
    assert_eq!(
        l.target_groups,
        ["aws_lb_target_group.api", "aws_lb_target_group.app"]
    );
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn a_db_instance_names_its_parameter_and_option_groups_as_declared() {
    let text = r#"
resource "aws_db_parameter_group" "pg" {
  name   = "app-pg15"
  family = "postgres15"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_option_group" "og" {
  name_prefix          = "app-"
  engine_name          = "mysql"
  major_engine_version = "8.0"
  option {
    option_name = "MARIADB_AUDIT_PLUGIN"
  }
}

resource "aws_db_instance" "d" {
  engine               = "postgres"
  engine_version       = "16.3"
  parameter_group_name = aws_db_parameter_group.pg.name
  option_group_name    = aws_db_option_group.og.name
}

resource "aws_db_instance" "plain" {
  engine = "postgres"
}
"#;
    let inv = load(&[("main.tf", text)]);
    let g = &inv.db_parameter_groups[0];
    assert_eq!(g.family, Attr::Known("postgres15".into()));
    assert_eq!(g.parameters["rds.force_ssl"], Attr::Known("1".into()));
    let o = &inv.db_option_groups[0];
    assert_eq!(o.options, ["MARIADB_AUDIT_PLUGIN"]);
    let d = &inv.db_instances[0];
    assert_eq!(d.parameter_group, Some(Attr::Known("app-pg15".into())));
    // A generated name (name_prefix) stands as the address, on both sides.
    assert_eq!(o.name, "aws_db_option_group.og");
    assert_eq!(d.option_group, Some(Attr::Known(o.name.clone())));
    assert_eq!(
        inv.db_instances[1].parameter_group,
        Some(Attr::Known(String::new())),
        "no group: the engine's default"
    );
}
