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

// Plans of projects written with `count` and `for_each`, in the shape
// Terraform 1.x writes them: `aws_subnet.private[count.index].id` is the
// references `aws_subnet.private` and `count.index`, a splat the resource
// alone, and in a first plan every id is unknown. The projects are the
// `main.tf` beside each plan.

fn count_fixture(name: &str) -> PathBuf {
    fixture(&format!("count/{name}"))
}

fn read_doc(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The document, changed, written pretty (so that lines still name
/// resources) and read.
fn load_changed(path: &Path, change: impl FnOnce(&mut serde_json::Value)) -> Inventory {
    let mut doc = read_doc(path);
    change(&mut doc);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    load_plan(&p).unwrap()
}

fn config_of<'a>(doc: &'a mut serde_json::Value, address: &str) -> &'a mut serde_json::Value {
    doc["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no configuration for {address}"))
}

/// Which table each subnet uses, what its default route goes to, and the
/// subnets of the database and of the service: the facts the network and
/// RDS rules read.
fn network_facts(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for s in &inv.subnets {
        let table = inv
            .route_tables
            .iter()
            .find(|t| t.subnet_ids.contains(&s.id))
            .map_or("(principal)".to_string(), |t| {
                format!("{} -> {:?}", t.id, default_route(inv, &t.id))
            });
        out.push(format!("{} {:?} {table}", s.id, s.cidr));
    }
    for n in &inv.nat_gateways {
        out.push(format!("{} en {}", n.id, n.subnet_id));
    }
    for g in &inv.db_subnet_groups {
        out.push(format!("grupo {}: {:?}", g.name, g.subnet_ids));
    }
    for s in &inv.ecs_services {
        out.push(format!("servicio {}: {:?}", s.name, s.network));
    }
    for g in &inv.security_groups {
        out.push(format!(
            "{} entrada {:?}",
            g.id,
            g.ingress.iter().map(|r| &r.peer).collect::<Vec<_>>()
        ));
    }
    for d in &inv.db_instances {
        out.push(format!(
            "{} puerto {:?} grupos {:?}",
            d.id, d.port, d.security_group_ids
        ));
    }
    out.sort();
    out
}

#[test]
fn a_first_plan_with_count_links_each_instance_to_its_own() {
    let inv = load_plan(&count_fixture("first-plan.json")).unwrap();
    for i in 0..2 {
        assert_eq!(
            table_of(&inv, &format!("aws_subnet.private[{i}]")),
            "aws_route_table.private"
        );
        assert_eq!(
            table_of(&inv, &format!("aws_subnet.public[{i}]")),
            "aws_route_table.public"
        );
    }
    // Each association is of its own subnet, none of the other's.
    let private = inv
        .route_tables
        .iter()
        .find(|t| t.id == "aws_route_table.private")
        .unwrap();
    assert_eq!(
        private.subnet_ids,
        ["aws_subnet.private[0]", "aws_subnet.private[1]"]
    );
    // The route through a block written in block syntax: one expression
    // for the whole `route`, its reference told apart by type.
    assert_eq!(
        default_route(&inv, "aws_route_table.private"),
        RouteTarget::NatGateway("aws_nat_gateway.main".into())
    );
    assert_eq!(inv.nat_gateways[0].subnet_id, "aws_subnet.public[0]");
    // Splats are every instance, in order.
    let both = ["aws_subnet.private[0]", "aws_subnet.private[1]"];
    assert_eq!(inv.db_subnet_groups[0].subnet_ids, both);
    let net = inv.ecs_services[0].network.as_ref().unwrap();
    assert_eq!(net.subnet_ids, both);
    assert_eq!(net.security_group_ids, ["aws_security_group.ecs"]);
    let rds = inv
        .security_groups
        .iter()
        .find(|g| g.id == "aws_security_group.rds")
        .unwrap();
    assert_eq!(
        rds.ingress[0].peer,
        cloudgrade_model::SgPeer::SecurityGroup("aws_security_group.ecs".into())
    );
    // Unset in the configuration, unknown in the plan: the engine's port.
    assert_eq!(inv.db_instances[0].port, Attr::Known(5432));
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
}

/// The first plan, the re-plan once applied (every id known) and the
/// static source of the same `main.tf` read the same facts.
#[test]
fn first_plan_replan_and_static_source_agree_on_a_count_project() {
    let first = load_plan(&count_fixture("first-plan.json")).unwrap();
    let replan = load_plan(&count_fixture("replan.json")).unwrap();
    let dir = count_fixture("");
    let tf = cloudgrade_terraform::load_dir(&dir, &Default::default()).unwrap();
    assert!(replan.gaps.is_empty(), "{:#?}", replan.gaps);
    assert_eq!(network_facts(&first), network_facts(&replan));
    assert_eq!(network_facts(&first), network_facts(&tf));
}

#[test]
fn a_first_plan_with_for_each_matches_instances_by_key() {
    let inv = load_plan(&fixture("for_each/first-plan.json")).unwrap();
    for k in ["a", "b"] {
        let subnet = format!("aws_subnet.private[\"{k}\"]");
        let table = format!("aws_route_table.private[\"{k}\"]");
        // `route_table_id = aws_route_table.private[each.key].id`
        assert_eq!(table_of(&inv, &subnet), table);
        // `nat_gateway_id = aws_nat_gateway.this[each.key].id`, inside `route`.
        assert_eq!(
            default_route(&inv, &table),
            RouteTarget::NatGateway(format!("aws_nat_gateway.this[\"{k}\"]"))
        );
        // `subnet_id = aws_subnet.public[each.key].id`
        let nat = inv
            .nat_gateways
            .iter()
            .find(|n| n.id == format!("aws_nat_gateway.this[\"{k}\"]"))
            .unwrap();
        assert_eq!(nat.subnet_id, format!("aws_subnet.public[\"{k}\"]"));
        // `for_each = aws_subnet.public` with `subnet_id = each.value.id`
        assert_eq!(
            table_of(&inv, &format!("aws_subnet.public[\"{k}\"]")),
            "aws_route_table.public"
        );
    }
    // `[for s in aws_subnet.private : s.id]` and `values(...)[*].id`.
    let both = ["aws_subnet.private[\"a\"]", "aws_subnet.private[\"b\"]"];
    assert_eq!(inv.db_subnet_groups[0].subnet_ids, both);
    assert_eq!(
        inv.ecs_services[0].network.as_ref().unwrap().subnet_ids,
        both
    );
    assert_eq!(inv.db_instances[0].port, Attr::Known(3306));
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    let tf = cloudgrade_terraform::load_dir(&fixture("for_each"), &Default::default()).unwrap();
    assert_eq!(network_facts(&inv), network_facts(&tf));
}

/// `element(aws_subnet.public[*].id, 0)` is written as the resource alone:
/// which instance is not in the plan, and the reader says so instead of
/// calling a resource that is declared undeclared.
#[test]
fn a_single_value_from_a_splat_names_the_instances_it_may_be() {
    let inv = load_changed(&count_fixture("first-plan.json"), |doc| {
        config_of(doc, "aws_nat_gateway.main")["expressions"]["subnet_id"] =
            serde_json::json!({"references": ["aws_subnet.public"]});
    });
    let gap = inv
        .gaps
        .iter()
        .find(|g| g.message.contains("aws_nat_gateway.main.subnet_id"))
        .unwrap_or_else(|| panic!("{:#?}", inv.gaps));
    assert!(
        gap.message
            .contains("una de aws_subnet.public[0], aws_subnet.public[1]"),
        "{}",
        gap.message
    );
    // Every instance it may be is declared: nothing says otherwise.
    assert!(
        inv.gaps
            .iter()
            .all(|g| !g.message.contains("no está declarado")),
        "{:#?}",
        inv.gaps
    );
    assert!(gap.operation.contains("plan.json:"), "{}", gap.operation);
    // Nothing else is lost.
    assert_eq!(
        table_of(&inv, "aws_subnet.private[1]"),
        "aws_route_table.private"
    );
}

/// The mistake of associating the private subnets with the public table,
/// in the configuration section of a first plan (the table's id unknown).
#[test]
fn a_private_association_to_the_public_table_is_read_as_written() {
    let inv = load_changed(&count_fixture("first-plan.json"), |doc| {
        config_of(doc, "aws_route_table_association.private")["expressions"]["route_table_id"] = serde_json::json!({"references": ["aws_route_table.public.id", "aws_route_table.public"]});
    });
    for i in 0..2 {
        assert_eq!(
            table_of(&inv, &format!("aws_subnet.private[{i}]")),
            "aws_route_table.public"
        );
    }
    assert_eq!(
        default_route(&inv, "aws_route_table.public"),
        RouteTarget::InternetGateway("aws_internet_gateway.main".into())
    );
}

/// A module called with the VPC's id, whose subnets the root reads through
/// an output: `var.vpc_id` inside, `module.red.private` outside.
#[test]
fn module_outputs_and_inputs_are_followed_to_their_instances() {
    let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
       "values": {"cidr_block": "10.0.0.0/16"}},
      {"address": "aws_db_subnet_group.db", "mode": "managed", "type": "aws_db_subnet_group", "name": "db",
       "values": {"name": "db"}}
    ],
    "child_modules": [{"address": "module.red", "resources": [
      {"address": "module.red.aws_subnet.private[0]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 0,
       "values": {"cidr_block": "10.0.10.0/24"}},
      {"address": "module.red.aws_subnet.private[1]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 1,
       "values": {"cidr_block": "10.0.11.0/24"}}
    ]}]}},
  "resource_changes": [
    {"address": "module.red.aws_subnet.private[0]", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true}}},
    {"address": "module.red.aws_subnet.private[1]", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true}}},
    {"address": "aws_db_subnet_group.db", "change": {"actions": ["create"], "after_unknown": {"subnet_ids": true}}}
  ],
  "configuration": {"root_module": {
    "resources": [
      {"address": "aws_db_subnet_group.db", "mode": "managed", "type": "aws_db_subnet_group", "name": "db",
       "expressions": {"name": {"constant_value": "db"}, "subnet_ids": {"references": ["module.red.private", "module.red"]}}}
    ],
    "module_calls": {"red": {"source": "./red",
      "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}},
      "module": {
        "outputs": {"private": {"expression": {"references": ["aws_subnet.private"]}}},
        "resources": [
          {"address": "aws_subnet.private", "mode": "managed", "type": "aws_subnet", "name": "private",
           "expressions": {"vpc_id": {"references": ["var.vpc_id"]}}, "count_expression": {"constant_value": 2}}
        ],
        "variables": {"vpc_id": {}}
      }}}}}
}"#;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, plan).unwrap();
    let inv = load_plan(&p).unwrap();
    assert_eq!(
        inv.db_subnet_groups[0].subnet_ids,
        [
            "module.red.aws_subnet.private[0]",
            "module.red.aws_subnet.private[1]"
        ]
    );
    for s in &inv.subnets {
        assert_eq!(s.vpc_id, "aws_vpc.main", "{}", s.id);
    }
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
}

/// A list built partly from what a plan cannot follow (a local value) is
/// not read as only the part it can.
#[test]
fn a_list_with_a_part_not_followed_is_not_taken_for_complete() {
    let inv = load_changed(&count_fixture("first-plan.json"), |doc| {
        config_of(doc, "aws_db_subnet_group.main")["expressions"]["subnet_ids"] = serde_json::json!({"references": [
            "aws_subnet.private[0].id",
            "aws_subnet.private[0]",
            "aws_subnet.private",
            "local.extra_subnets"
        ]});
    });
    let gap = inv
        .gaps
        .iter()
        .find(|g| g.message.contains("local.extra_subnets"))
        .unwrap_or_else(|| panic!("{:#?}", inv.gaps));
    assert!(
        gap.message.contains("aws_db_subnet_group.main"),
        "{}",
        gap.message
    );
    // Named once, as what is not known, not also as undeclared.
    assert!(
        inv.gaps
            .iter()
            .all(|g| !g.message.contains("no está declarado")),
        "{:#?}",
        inv.gaps
    );
}

/// Our own writer (the parity test's plans) writes a reference through the
/// instance's own key the way Terraform does, `aws_subnet.private` and
/// `count.index`: its plans of the count and for_each projects read the
/// same facts as their static source, at both stages.
#[test]
fn written_plans_of_count_and_for_each_projects_read_like_their_source() {
    for project in ["count", "for_each"] {
        let dir = fixture(project);
        let tf = cloudgrade_terraform::load_dir(&dir, &Default::default()).unwrap();
        for stage in [
            cloudgrade_terraform::PlanStage::First,
            cloudgrade_terraform::PlanStage::Applied,
        ] {
            let json = cloudgrade_terraform::write_plan(&dir, &Default::default(), stage).unwrap();
            let out = tempfile::tempdir().unwrap();
            let p = out.path().join("plan.json");
            std::fs::write(&p, &json).unwrap();
            let inv = load_plan(&p).unwrap();
            assert!(inv.gaps.is_empty(), "{project} {stage:?}: {:#?}", inv.gaps);
            assert_eq!(
                network_facts(&inv),
                network_facts(&tf),
                "{project} {stage:?}"
            );
        }
    }
}

/// An id read through a local value (which a plan does not hold) is
/// named as what is not known, never as the resource's own attribute.
#[test]
fn an_id_through_a_local_value_names_the_local() {
    let inv = load_changed(&count_fixture("first-plan.json"), |doc| {
        config_of(doc, "aws_route_table_association.private")["expressions"]["subnet_id"] =
            serde_json::json!({"references": ["local.private_subnet_ids", "count.index"]});
    });
    let gaps: Vec<&str> = inv
        .gaps
        .iter()
        .filter(|g| g.message.contains("subnet_id"))
        .map(|g| g.message.as_str())
        .collect();
    assert_eq!(gaps.len(), 2, "{:#?}", inv.gaps);
    for (i, g) in gaps.iter().enumerate() {
        assert!(
            g.contains(&format!(
                "aws_route_table_association.private[{i}].subnet_id"
            )) && g.contains("local.private_subnet_ids"),
            "{g}"
        );
    }
    assert!(
        inv.gaps
            .iter()
            .all(|g| !g.message.contains("no está declarado")),
        "{:#?}",
        inv.gaps
    );
}
