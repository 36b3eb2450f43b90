//! Container environments: read from every way a task definition's JSON is
//! written, reduced to facts, sensitive marks kept, raw values nowhere.

mod common;

use cloudgrade_model::{ContainerDefinition, EnvValue, Inventory, ResourceKind, ValueFormat};
use cloudgrade_terraform::Options;
use common::{load, load_with};

fn container(inv: &Inventory) -> &ContainerDefinition {
    &inv.task_definitions[0].containers[0]
}

fn env<'a>(c: &'a ContainerDefinition, name: &str) -> &'a EnvValue {
    &c.environment
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .value
}

const VARS: &str = r#"
variable "db_password" {
  type      = string
  sensitive = true
}
variable "api_token" {
  type      = string
  sensitive = true
}
variable "plain" { default = "hello" }
resource "aws_db_instance" "db" { engine = "postgres" }
"#;

fn td(defs: &str) -> String {
    format!(
        "{VARS}\nresource \"aws_ecs_task_definition\" \"t\" {{\n  family = \"app\"\n  container_definitions = {defs}\n}}\n"
    )
}

#[test]
fn sensitive_variables_are_marked_known_or_not() {
    let main = td(r#"jsonencode([{
    name  = "app"
    image = "app:1"
    environment = [
      { name = "SETTING", value = var.db_password },
      { name = "TOKEN", value = var.api_token },
      { name = "GREETING", value = var.plain },
      { name = "DB_URL", value = "postgres://app:${var.db_password}@${aws_db_instance.db.address}/app" },
      { name = "PORT", value = 5432 },
    ]
  }])"#);
    let opts = Options {
        vars: vec![("db_password".into(), "Ch4ngeMe!2024".into())],
        ..Default::default()
    };
    let inv = load_with(&[("main.tf", &main)], &opts);
    let c = container(&inv);
    match env(c, "SETTING") {
        EnvValue::Observed(f) => {
            assert!(
                f.sensitive,
                "a sensitive variable is a secret whatever its name"
            );
            assert_eq!((f.len, f.masked.as_str()), (13, "Ch***********"));
        }
        other => panic!("{other:?}"),
    }
    match env(c, "TOKEN") {
        EnvValue::Unknown {
            reference,
            sensitive,
        } => assert_eq!(
            (reference.unknown.as_str(), *sensitive),
            ("var.api_token", true)
        ),
        other => panic!("{other:?}"),
    }
    match env(c, "GREETING") {
        EnvValue::Observed(f) => assert!(!f.sensitive),
        other => panic!("{other:?}"),
    }
    // Its literal parts are known before apply: they already show a URL
    // with a password, whatever the database's address turns out to be.
    match env(c, "DB_URL") {
        EnvValue::Observed(f) => {
            assert!(f.sensitive, "built from a sensitive value");
            assert!(f.formats.contains(&ValueFormat::UrlWithPassword), "{f:?}");
        }
        other => panic!("{other:?}"),
    }
    match env(c, "PORT") {
        EnvValue::Observed(f) => assert_eq!(f.masked, "****"),
        other => panic!("{other:?}"),
    }
    let json = inv.to_json();
    assert!(
        !json.contains("Ch4ngeMe"),
        "the raw value leaked into the Inventory"
    );
    assert!(!json.contains("hello"));
}

#[test]
fn heredoc_container_definitions_keep_unknown_fields_apart() {
    let main = td(r#"<<-EOF
    [
      {
        "name": "app",
        "image": "${var.plain}:latest",
        "cpu": ${length(var.plain)},
        "environment": [
          {"name": "DB_HOST", "value": "${aws_db_instance.db.address}"},
          {"name": "DB_PASSWORD", "value": "${var.db_password}"},
          {"name": "MODE", "value": "prod"}
        ],
        "secrets": [{"name": "API", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/api"}],
        "logConfiguration": {"logDriver": "awslogs"}
      }
    ]
  EOF"#);
    let inv = load(&[("main.tf", &main)]);
    let c = container(&inv);
    assert_eq!(c.image.as_deref(), Some("hello:latest"));
    assert!(
        matches!(env(c, "DB_HOST"), EnvValue::Unknown { reference, sensitive: false } if reference.unknown == "aws_db_instance.db.address")
    );
    assert!(matches!(
        env(c, "DB_PASSWORD"),
        EnvValue::Unknown {
            sensitive: true,
            ..
        }
    ));
    assert!(matches!(env(c, "MODE"), EnvValue::Observed(f) if f.len == 4 && !f.sensitive));
    assert_eq!(
        c.secrets[0].value_from,
        "arn:aws:ssm:us-east-1:123456789012:parameter/api"
    );
    assert_eq!(c.log_driver.as_deref(), Some("awslogs"));
    assert!(!c.has_health_check);
}

#[test]
fn file_and_templatefile_container_definitions() {
    let from_file = td(r#"file("${path.module}/containers.json")"#);
    let inv = load(&[
        ("main.tf", &from_file),
        (
            "containers.json",
            r#"[{"name": "web", "image": "nginx:1.27", "environment": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]}]"#,
        ),
    ]);
    let c = container(&inv);
    assert_eq!(c.name, "web");
    match env(c, "AWS_SECRET_ACCESS_KEY") {
        EnvValue::Observed(f) => assert!(f.credential_format().is_some()),
        other => panic!("{other:?}"),
    }
    assert!(!inv.to_json().contains("wJalrXUtnFEMI"));

    let from_template = td(
        r#"templatefile("${path.module}/containers.json.tpl", { host = aws_db_instance.db.address, image = "api:2", envs = { A = "1", B = "2" } })"#,
    );
    let tpl = r#"[{
  "name": "api",
  "image": "${image}",
  "environment": [
    %{ for k, v in envs ~}
    {"name": "${k}", "value": "${v}"},
    %{ endfor ~}
    {"name": "DB_HOST", "value": "${host}"}
  ]
}]"#;
    let inv = load(&[("main.tf", &from_template), ("containers.json.tpl", tpl)]);
    let c = container(&inv);
    assert_eq!(c.image.as_deref(), Some("api:2"));
    let names: Vec<&str> = c.environment.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "DB_HOST"]);
    assert!(
        matches!(env(c, "DB_HOST"), EnvValue::Unknown { reference, .. } if reference.unknown == "aws_db_instance.db.address")
    );
}

#[test]
fn unreadable_container_definitions_are_gaps() {
    let inv = load(&[("main.tf", &td("\"[{not json\""))]);
    let gap = inv.gaps_for(ResourceKind::TaskDefinition).next().unwrap();
    assert!(gap.operation.starts_with("main.tf:"), "{gap:?}");
    assert!(
        gap.operation
            .ends_with("aws_ecs_task_definition.t.container_definitions"),
        "{gap:?}"
    );
    assert!(gap.message.contains("JSON"), "{gap:?}");
    assert!(inv.task_definitions[0].containers.is_empty());

    let inv = load(&[
        ("main.tf", &td("jsondecode(var.plain_json)")),
        ("vars.tf", "variable \"plain_json\" {}"),
    ]);
    let gap = inv.gaps_for(ResourceKind::TaskDefinition).next().unwrap();
    assert!(gap.message.contains("var.plain_json"), "{gap:?}");
}

#[test]
fn sensitive_function_marks_and_nonsensitive_unmarks() {
    let main = td(r#"jsonencode([{ name = "app", environment = [
    { name = "A", value = sensitive("visible") },
    { name = "B", value = nonsensitive(sensitive("plain")) },
  ] }])"#);
    let inv = load(&[("main.tf", &main)]);
    let c = container(&inv);
    assert!(matches!(env(c, "A"), EnvValue::Observed(f) if f.sensitive));
    assert!(matches!(env(c, "B"), EnvValue::Observed(f) if !f.sensitive));
}

/// A finding about an entry points at the entry's own line, in a
/// `jsonencode` as in a heredoc; an entry not written in the block (here,
/// from a `file()`) points at nothing of its own.
#[test]
fn environment_entries_know_their_line() {
    let main = td(r#"jsonencode([{
    name  = "app"
    image = "app:1"
    environment = [
      { name = "PORT", value = "8080" },
      { name = "DB_PASSWORD", value = "x" },
    ]
  }])"#);
    let inv = load(&[("main.tf", &main)]);
    let c = container(&inv);
    let line = |name: &str| {
        c.environment
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.origin.as_ref())
            .map(|o| (o.file.clone(), o.line))
    };
    let text_line =
        |needle: &str| main.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1;
    assert_eq!(
        line("PORT"),
        Some(("main.tf".into(), text_line("\"PORT\"")))
    );
    assert_eq!(
        line("DB_PASSWORD"),
        Some(("main.tf".into(), text_line("\"DB_PASSWORD\"")))
    );

    let from_file = td(r#"file("defs.json")"#);
    let inv = load(&[
        ("main.tf", &from_file),
        (
            "defs.json",
            r#"[{"name": "app", "image": "a:1", "environment": [{"name": "DB_PASSWORD", "value": "x"}]}]"#,
        ),
    ]);
    let c = container(&inv);
    assert_eq!(c.environment[0].name, "DB_PASSWORD");
    assert_eq!(c.environment[0].origin, None);
}

/// A parameter or a secret's value read by a data source and put in a
/// container's environment: Terraform marks it sensitive, so the entry is a
/// secret in plain sight whatever its name.
#[test]
fn values_read_from_parameter_store_or_secrets_manager_are_sensitive() {
    let text = r#"
data "aws_ssm_parameter" "db" {
  name = "/app/db_password"
}
data "aws_secretsmanager_secret_version" "api" {
  secret_id = "prod/api"
}
resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
    environment = [
      { name = "DB", value = data.aws_ssm_parameter.db.value },
      { name = "API", value = data.aws_secretsmanager_secret_version.api.secret_string },
    ]
  }])
}
"#;
    let inv = common::load(&[("main.tf", text)]);
    let td = cloudgrade_model::ResourceKind::TaskDefinition;
    assert_eq!(
        inv.gaps_reading(td, &["environment", "container_definitions"])
            .count(),
        0,
        "{:?}",
        inv.gaps
    );
    let env = &inv.task_definitions[0].containers[0].environment;
    for e in env {
        assert!(
            matches!(
                e.value,
                cloudgrade_model::EnvValue::Unknown {
                    sensitive: true,
                    ..
                }
            ),
            "{}: {:?}",
            e.name,
            e.value
        );
    }
}
