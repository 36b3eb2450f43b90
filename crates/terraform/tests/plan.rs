//! `terraform show -json` output (plans and states) read into the Inventory.

use std::path::{Path, PathBuf};

use cloudgrade_model::{Attr, Inventory, RouteTarget};
use cloudgrade_terraform::{TerraformError, load_plan};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plan")
        .join(name)
}

fn default_route(inv: &Inventory, table: &str) -> RouteTarget {
    let t = inv
        .route_tables
        .iter()
        .find(|t| t.id == table)
        .unwrap_or_else(|| panic!("no route table {table}"));
    t.routes
        .iter()
        .find(|r| r.destination == Some(Attr::Known("0.0.0.0/0".into())))
        .unwrap_or_else(|| panic!("{table} has no default route"))
        .target
        .clone()
}

fn table_of<'a>(inv: &'a Inventory, subnet: &str) -> &'a str {
    &inv.route_tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet))
        .unwrap_or_else(|| panic!("{subnet} has no table"))
        .id
}

#[test]
fn first_plan_links_resources_by_address() {
    let inv = load_plan(&fixture("first-plan.json")).unwrap();
    assert_eq!(inv.source.kind, "plan");
    assert_eq!(inv.source.region.as_deref(), Some("us-east-1"));
    assert_eq!(inv.vpcs.len(), 1);
    assert_eq!(inv.vpcs[0].id, "aws_vpc.main");
    assert_eq!(inv.vpcs[0].cidr, Attr::Known("10.0.0.0/16".into()));
    let public = inv
        .subnets
        .iter()
        .find(|s| s.id == "aws_subnet.public")
        .unwrap();
    assert_eq!(public.vpc_id, "aws_vpc.main");
    assert_eq!(public.map_public_ip_on_launch, Attr::Known(true));
    let private = inv
        .subnets
        .iter()
        .find(|s| s.id == "aws_subnet.private")
        .unwrap();
    assert_eq!(private.map_public_ip_on_launch, Attr::Known(false));

    let nat = inv
        .nat_gateways
        .iter()
        .find(|n| n.id == "aws_nat_gateway.a")
        .unwrap();
    assert_eq!(nat.subnet_id, "aws_subnet.public");
    assert_eq!(inv.internet_gateways[0].id, "aws_internet_gateway.igw");

    assert_eq!(
        table_of(&inv, "aws_subnet.public"),
        "aws_route_table.public"
    );
    assert_eq!(
        table_of(&inv, "aws_subnet.private"),
        "aws_route_table.private"
    );
    // The NAT's id is unknown in a first plan: the route names it by address.
    assert_eq!(
        default_route(&inv, "aws_route_table.private"),
        RouteTarget::NatGateway("aws_nat_gateway.a".into())
    );
    assert_eq!(
        default_route(&inv, "aws_route_table.public"),
        RouteTarget::InternetGateway("aws_internet_gateway.igw".into())
    );
    // A value known only after apply is an unknown naming the reference,
    // never a guess.
    assert_eq!(nat.public_ip, Some(Attr::unknown("aws_eip.nat.public_ip")));
}

#[test]
fn unknown_values_name_what_they_read() {
    let inv = load_plan(&fixture("first-plan.json")).unwrap();
    // The VPC's main table is implicit and its id unknown: named by the VPC.
    let main = inv.route_tables.iter().find(|t| t.main).unwrap();
    assert_eq!(main.id, "aws_vpc.main.main_route_table");
    assert_eq!(main.vpc_id, "aws_vpc.main");
}

#[test]
fn state_with_real_ids_links_the_same_way() {
    let plan = load_plan(&fixture("first-plan.json")).unwrap();
    let state = load_plan(&fixture("state.json")).unwrap();
    assert_eq!(
        default_route(&state, "aws_route_table.private"),
        RouteTarget::NatGateway("aws_nat_gateway.a".into())
    );
    assert_eq!(
        default_route(&state, "aws_route_table.public"),
        RouteTarget::InternetGateway("aws_internet_gateway.igw".into())
    );
    assert_eq!(
        table_of(&state, "aws_subnet.private"),
        "aws_route_table.private"
    );
    let nat = state
        .nat_gateways
        .iter()
        .find(|n| n.id == "aws_nat_gateway.a")
        .unwrap();
    assert_eq!(nat.subnet_id, "aws_subnet.public");
    let ids = |inv: &Inventory| {
        let mut v: Vec<String> = inv
            .subnets
            .iter()
            .map(|s| format!("{} {} {}", s.id, s.vpc_id, s.cidr.as_known().unwrap()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&plan), ids(&state));
}

#[test]
fn pretty_and_one_line_read_the_same() {
    let text = std::fs::read_to_string(fixture("first-plan.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let one_line = dir.path().join("first-plan.json");
    std::fs::write(&one_line, serde_json::to_string(&doc).unwrap()).unwrap();
    assert!(!std::fs::read_to_string(&one_line).unwrap().contains('\n'));
    let mut a = load_plan(&fixture("first-plan.json")).unwrap();
    let mut b = load_plan(&one_line).unwrap();
    // Only where the file is and the lines resources are on may differ.
    for inv in [&mut a, &mut b] {
        inv.source.location.clear();
    }
    let strip = |inv: &Inventory| {
        let mut v = serde_json::to_value(inv).unwrap();
        strip_origins(&mut v);
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

fn strip_origins(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("origin");
            m.values_mut().for_each(strip_origins);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_origins),
        _ => {}
    }
}

#[test]
fn malformed_json_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(
        &p,
        "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,\n}",
    )
    .unwrap();
    let err = load_plan(&p).unwrap_err();
    let TerraformError::Json { line, col, .. } = &err else {
        panic!("expected a JSON error, got {err:?}");
    };
    assert_eq!((*line, *col), (3, 22));
    assert!(err.to_string().contains("plan.json:3:22"), "{err}");
}

#[test]
fn json_that_is_not_a_plan_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("other.json");
    std::fs::write(&p, r#"{"resources": []}"#).unwrap();
    let err = load_plan(&p).unwrap_err();
    assert!(matches!(err, TerraformError::NotPlan { .. }), "{err:?}");
    std::fs::write(&p, r#"{"format_version": "1.2", "planned_values": {}}"#).unwrap();
    assert!(matches!(
        load_plan(&p).unwrap_err(),
        TerraformError::NotPlan { .. }
    ));
    std::fs::write(&p, "[1, 2]").unwrap();
    assert!(matches!(
        load_plan(&p).unwrap_err(),
        TerraformError::NotPlan { .. }
    ));
}

#[test]
fn module_resources_and_references_get_module_addresses() {
    let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "planned_values": {"root_module": {"child_modules": [{
    "address": "module.red",
    "resources": [
      {"address": "module.red.aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
       "values": {"cidr_block": "10.1.0.0/16"}},
      {"address": "module.red.aws_subnet.s[0]", "mode": "managed", "type": "aws_subnet", "name": "s", "index": 0,
       "values": {"availability_zone": "eu-west-1a"}}
    ]}]}},
  "resource_changes": [
    {"address": "module.red.aws_subnet.s[0]", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true, "cidr_block": true}}}
  ],
  "configuration": {"root_module": {"module_calls": {"red": {"source": "./red", "module": {"resources": [
    {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
     "expressions": {"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}}
  ]}}}}}
}"#;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, plan).unwrap();
    let inv = load_plan(&p).unwrap();
    let s = &inv.subnets[0];
    assert_eq!(s.id, "module.red.aws_subnet.s[0]");
    assert_eq!(s.vpc_id, "module.red.aws_vpc.v");
    assert_eq!(s.availability_zone, Some(Attr::Known("eu-west-1a".into())));
    // Unknown and referring to nothing configured: the subnet's own attribute.
    assert_eq!(
        s.cidr,
        Attr::unknown("module.red.aws_subnet.s[0].cidr_block")
    );
}

/// Terraform writes a set of ids not yet made as unknown as a whole
/// (`"subnet_ids": true`); the configuration lists what it references, in
/// order. And an ARN inside a policy document is the resource it names.
#[test]
fn sets_unknown_as_a_whole_and_ids_inside_documents_name_their_resources() {
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "values": {"cidr_block": "10.0.1.0/24"}},
    {"address": "aws_subnet.b", "mode": "managed", "type": "aws_subnet", "name": "b", "values": {"cidr_block": "10.0.2.0/24"}},
    {"address": "aws_db_subnet_group.g", "mode": "managed", "type": "aws_db_subnet_group", "name": "g", "values": {"name": "g"}},
    {"address": "aws_secretsmanager_secret.s", "mode": "managed", "type": "aws_secretsmanager_secret", "name": "s",
     "values": {"name": "db", "arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}},
    {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "values": {"name": "r", "assume_role_policy": "{}"}},
    {"address": "aws_iam_role_policy.p", "mode": "managed", "type": "aws_iam_role_policy", "name": "p",
     "values": {"role": "r", "name": "p", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\"}]}"}}
  ]}},
  "resource_changes": [
    {"address": "aws_db_subnet_group.g", "change": {"actions": ["create"], "after_unknown": {"subnet_ids": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_db_subnet_group.g", "mode": "managed", "type": "aws_db_subnet_group", "name": "g",
     "expressions": {"subnet_ids": {"references": ["aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"]}}}
  ]}}
}"#;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, plan).unwrap();
    let inv = load_plan(&p).unwrap();
    assert_eq!(
        inv.db_subnet_groups[0].subnet_ids,
        vec!["aws_subnet.a".to_string(), "aws_subnet.b".to_string()]
    );
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
    let policy = serde_json::to_string(&inv.iam_roles).unwrap();
    assert!(policy.contains("aws_secretsmanager_secret.s"), "{policy}");
    assert!(!policy.contains("secret:db-AbCdEf"), "{policy}");
}

/// The provider's default_tags reach a plan only through `tags_all`; a
/// subnet selected by its Tier tag must keep it when graded from the plan.
#[test]
fn default_tags_survive_the_plan_through_tags_all() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Tier = "private", Curso = "devops" }
  }
}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
  tags       = { Name = "privada" }
}
"#,
    )
    .unwrap();
    for stage in [
        cloudgrade_terraform::PlanStage::First,
        cloudgrade_terraform::PlanStage::Applied,
    ] {
        let json =
            cloudgrade_terraform::write_plan(dir.path(), &Default::default(), stage).unwrap();
        let p = dir.path().join("plan.json");
        std::fs::write(&p, json).unwrap();
        let inv = load_plan(&p).unwrap();
        let s = &inv.subnets[0];
        assert_eq!(
            s.tags.get("Tier").map(String::as_str),
            Some("private"),
            "{stage:?}"
        );
        assert_eq!(
            s.tags.get("Name").map(String::as_str),
            Some("privada"),
            "{stage:?}"
        );
        assert_eq!(s.vpc_id, "aws_vpc.v", "{stage:?}");
        std::fs::remove_file(&p).unwrap();
    }
}
