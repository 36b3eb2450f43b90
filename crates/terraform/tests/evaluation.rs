//! Expressions and functions, evaluated through a real configuration: each
//! expression is a tag of a VPC, so what is asserted is what the Inventory
//! holds.

mod common;

use cloudgrade_terraform::Options;
use common::{load, load_with, tags};

fn one(expr: &str) -> String {
    one_with(expr, "")
}

fn one_with(expr: &str, extra: &str) -> String {
    tags(&[("v", expr)], extra)
        .get("v")
        .cloned()
        .unwrap_or_else(|| panic!("no value for {expr}"))
}

#[test]
fn variables_follow_terraform_precedence() {
    let vars = r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "g" { default = "default" }
resource "aws_vpc" "t" {
  cidr_block = "10.0.0.0/16"
  tags = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, f = var.f, g = var.g }
}
"#;
    let dir = common::write(&[
        ("main.tf", vars),
        (
            "terraform.tfvars",
            "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\nf = \"tfvars\"\ng = \"tfvars\"\n",
        ),
        (
            "terraform.tfvars.json",
            r#"{"c": "tfvars.json", "d": "tfvars.json", "e": "tfvars.json", "f": "tfvars.json", "g": "tfvars.json"}"#,
        ),
        (
            "a.auto.tfvars",
            "d = \"a.auto\"\ne = \"a.auto\"\nf = \"a.auto\"\ng = \"a.auto\"\n",
        ),
        (
            "b.auto.tfvars",
            "e = \"b.auto\"\nf = \"b.auto\"\ng = \"b.auto\"\n",
        ),
        ("extra.tfvars", "f = \"var-file\"\ng = \"var-file\"\n"),
    ]);
    let opts = Options {
        vars: vec![("g".into(), "cli".into())],
        var_files: vec![dir.path().join("extra.tfvars")],
        env_vars: vec![
            ("TF_VAR_a".into(), "env".into()),
            ("TF_VAR_b".into(), "env".into()),
            ("a".into(), "no TF_VAR_ prefix: ignored".into()),
        ],
        ..Default::default()
    };
    let inv = cloudgrade_terraform::load_dir(dir.path(), &opts).unwrap();
    let t = &inv.vpc("aws_vpc.t").unwrap().tags;
    let got: Vec<&str> = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|k| t[*k].as_str())
        .collect();
    assert_eq!(
        got,
        [
            "env",
            "tfvars",
            "tfvars.json",
            "a.auto",
            "b.auto",
            "var-file",
            "cli"
        ]
    );
}

#[test]
fn complex_variables_from_the_command_line_are_hcl_and_typed() {
    let main = r#"
variable "ports" { type = list(number) }
variable "count_s" { type = number }
variable "cfg" {
  type = object({ name = string, tier = optional(string, "private") })
}
resource "aws_vpc" "t" {
  cidr_block = "10.0.0.0/16"
  tags = {
    sum  = tostring(sum(var.ports) + var.count_s)
    tier = var.cfg.tier
    name = var.cfg.name
  }
}
"#;
    let opts = Options {
        vars: vec![
            ("ports".into(), "[80, 443]".into()),
            ("count_s".into(), "2".into()),
            ("cfg".into(), "{ name = \"x\" }".into()),
        ],
        ..Default::default()
    };
    let inv = load_with(&[("main.tf", main)], &opts);
    let t = &inv.vpc("aws_vpc.t").unwrap().tags;
    assert_eq!(
        (t["sum"].as_str(), t["tier"].as_str(), t["name"].as_str()),
        ("525", "private", "x")
    );
}

#[test]
fn an_undeclared_cli_variable_is_an_error() {
    let dir = common::write(&[(
        "main.tf",
        "resource \"aws_vpc\" \"t\" { cidr_block = \"10.0.0.0/16\" }\n",
    )]);
    let opts = Options {
        vars: vec![("nope".into(), "1".into())],
        ..Default::default()
    };
    let err = cloudgrade_terraform::load_dir(dir.path(), &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn locals_conditionals_and_operators() {
    let extra = r#"
variable "env" { default = "prod" }
locals {
  is_prod = var.env == "prod"
  size    = local.is_prod ? 3 : 1
  name    = "app-${var.env}"
}
"#;
    let t = tags(
        &[
            ("size", "local.size"),
            ("name", "local.name"),
            ("math", "(local.size * 10 + 4) % 7 - 1"),
            (
                "logic",
                "!local.is_prod || (local.size >= 3 && local.size != 4)",
            ),
            ("cmp", "\"${local.size < 2}-${-local.size}\""),
        ],
        extra,
    );
    assert_eq!(t["size"], "3");
    assert_eq!(t["name"], "app-prod");
    assert_eq!(t["math"], "5");
    assert_eq!(t["logic"], "true");
    assert_eq!(t["cmp"], "false--3");
}

#[test]
fn for_expressions_and_splats() {
    let extra = r#"
locals {
  subnets = [{ name = "a", az = "x" }, { name = "b", az = "y" }, { name = "c", az = "x" }]
  by_name = { for s in local.subnets : s.name => s.az }
  by_az   = { for s in local.subnets : s.az => s.name... }
  upper   = [for i, s in local.subnets : "${i}:${upper(s.name)}" if s.az == "x"]
}
"#;
    let t = tags(
        &[
            ("by_name", "jsonencode(local.by_name)"),
            ("by_az", "jsonencode(local.by_az)"),
            ("upper", "join(\",\", local.upper)"),
            ("splat", "join(\",\", local.subnets[*].name)"),
            ("attr_splat", "join(\",\", local.subnets.*.az)"),
            ("single_splat", "jsonencode(local.by_name[*])"),
        ],
        extra,
    );
    assert_eq!(t["by_name"], r#"{"a":"x","b":"y","c":"x"}"#);
    assert_eq!(t["by_az"], r#"{"x":["a","c"],"y":["b"]}"#);
    assert_eq!(t["upper"], "0:A,2:C");
    assert_eq!(t["splat"], "a,b,c");
    assert_eq!(t["attr_splat"], "x,y,x");
    assert_eq!(t["single_splat"], r#"[{"a":"x","b":"y","c":"x"}]"#);
}

#[test]
fn templates_with_directives_and_strip_markers() {
    let extra = r#"
locals { items = ["a", "b"] }
"#;
    let t = tags(
        &[
            ("loop", "\"%{ for i in local.items ~}[${i}]%{ endfor ~}\""),
            (
                "strip",
                "\"<%{ for i in local.items ~} ${i} %{~ endfor ~} >\"",
            ),
            (
                "cond",
                "\"%{ if length(local.items) > 1 }many%{ else }one%{ endif }\"",
            ),
            (
                "heredoc",
                "trimspace(<<-EOT\n      line ${local.items[0]}\n      EOT\n    )",
            ),
        ],
        extra,
    );
    assert_eq!(t["loop"], "[a][b]");
    assert_eq!(t["strip"], "<ab>");
    assert_eq!(t["cond"], "many");
    assert_eq!(t["heredoc"], "line a");
}

#[test]
fn functions_real_solutions_use() {
    let extra = r#"
locals {
  m  = { a = 1, b = 2 }
  l  = ["x", "y", "x"]
  js = jsonencode({ k = "v", n = [1, 2] })
}
"#;
    let cases: &[(&str, &str)] = &[
        ("jsonencode(local.m)", r#"{"a":1,"b":2}"#),
        ("jsondecode(local.js).k", "v"),
        ("jsondecode(\"{\\\"z\\\": [true]}\").z[0]", "true"),
        (
            "jsonencode(merge(local.m, { c = 3 }, null))",
            r#"{"a":1,"b":2,"c":3}"#,
        ),
        ("lookup(local.m, \"b\", 0)", "2"),
        ("lookup(local.m, \"z\", \"none\")", "none"),
        (
            "jsonencode(concat(local.l, [\"z\"]))",
            r#"["x","y","x","z"]"#,
        ),
        ("length(local.l)", "3"),
        ("element(local.l, 4)", "y"),
        ("format(\"%s-%02d\", \"web\", 3)", "web-03"),
        ("cidrsubnet(\"10.0.0.0/16\", 8, 2)", "10.0.2.0/24"),
        ("cidrhost(\"10.0.1.0/24\", 5)", "10.0.1.5"),
        (
            "jsonencode(cidrsubnets(\"10.0.0.0/16\", 8, 8))",
            r#"["10.0.0.0/24","10.0.1.0/24"]"#,
        ),
        ("tostring(42)", "42"),
        ("tonumber(\"7\") + 1", "8"),
        ("jsonencode(tolist(toset(local.l)))", r#"["x","y"]"#),
        ("try(local.m.zzz, \"fallback\")", "fallback"),
        ("can(local.m.zzz)", "false"),
        ("can(local.m.a)", "true"),
        ("coalesce(\"\", \"first\")", "first"),
        ("lower(\"ABC\")", "abc"),
        ("upper(\"abc\")", "ABC"),
        ("join(\"-\", split(\",\", \"a,b\"))", "a-b"),
        ("jsonencode(keys(local.m))", r#"["a","b"]"#),
        ("jsonencode(values(local.m))", "[1,2]"),
        ("jsonencode(zipmap([\"k\"], [\"v\"]))", r#"{"k":"v"}"#),
        ("jsonencode(flatten([[\"a\"], [[\"b\"]]]))", r#"["a","b"]"#),
        ("jsonencode(distinct(local.l))", r#"["x","y"]"#),
        ("contains(local.l, \"y\")", "true"),
        ("min(3, 1, 2)", "1"),
        ("max(3, 1, 2)", "3"),
        ("replace(\"a-b-c\", \"-\", \"_\")", "a_b_c"),
        ("replace(\"v1.2\", \"/[0-9]/\", \"N\")", "vN.N"),
        ("title(\"hola\")", "Hola"),
        ("trimspace(\"  x  \")", "x"),
        ("substr(\"terraform\", 0, 5)", "terra"),
        ("base64decode(base64encode(\"hola\"))", "hola"),
        ("jsonencode(slice(local.l, 0, 2))", r#"["x","y"]"#),
        ("jsonencode(range(2))", "[0,1]"),
        ("regex(\"[0-9]+\", \"abc123\")", "123"),
        ("abs(-4)", "4"),
        ("jsonencode(reverse([1, 2]))", "[2,1]"),
        ("startswith(\"arn:aws\", \"arn:\")", "true"),
        ("one([\"only\"])", "only"),
    ];
    let exprs: Vec<(String, &str)> = cases
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (format!("t{i}"), *e))
        .collect();
    let refs: Vec<(&str, &str)> = exprs.iter().map(|(k, e)| (k.as_str(), *e)).collect();
    let t = tags(&refs, extra);
    for (i, (expr, expected)) in cases.iter().enumerate() {
        assert_eq!(
            t.get(&format!("t{i}")).map(String::as_str),
            Some(*expected),
            "{expr}"
        );
    }
}

#[test]
fn file_and_templatefile_read_inside_the_directory_only() {
    let main = r#"
resource "aws_vpc" "t" {
  cidr_block = "10.0.0.0/16"
  tags = {
    file     = trimspace(file("${path.module}/files/name.txt"))
    template = templatefile("${path.module}/files/greet.tpl", { who = "mundo", items = ["a", "b"] })
    exists   = fileexists("files/name.txt")
    outside  = try(file("/etc/hostname"), "denied")
  }
}
"#;
    let inv = load(&[
        ("main.tf", main),
        ("files/name.txt", "  nombre  \n"),
        (
            "files/greet.tpl",
            "hola ${who}:%{ for i in items } ${i}%{ endfor ~}\n",
        ),
    ]);
    let t = &inv.vpc("aws_vpc.t").unwrap().tags;
    assert_eq!(t["file"], "nombre");
    assert_eq!(t["template"], "hola mundo: a b");
    assert_eq!(t["exists"], "true");
    assert_eq!(t["outside"], "denied");
}

#[test]
fn unknown_values_propagate_and_keep_their_reference() {
    let extra = r#"
variable "unset" {}
resource "aws_db_instance" "db" { engine = "postgres" }
"#;
    let t = tags(
        &[
            ("addr", "aws_db_instance.db.address"),
            ("fn_of_unknown", "upper(aws_db_instance.db.address)"),
            (
                "template",
                "\"postgres://${aws_db_instance.db.address}:5432\"",
            ),
            ("cond", "var.unset == \"x\" ? \"a\" : \"b\""),
            ("id", "aws_db_instance.db.id"),
            ("tostring_keeps_id", "tostring(aws_db_instance.db.id)"),
        ],
        extra,
    );
    assert_eq!(t["addr"], "aws_db_instance.db.address");
    assert_eq!(t["fn_of_unknown"], "aws_db_instance.db.address");
    assert_eq!(t["template"], "postgres://aws_db_instance.db.address:5432");
    assert_eq!(t["cond"], "var.unset");
    assert_eq!(t["id"], "aws_db_instance.db");
    assert_eq!(t["tostring_keeps_id"], "aws_db_instance.db");
}

#[test]
fn an_unknown_cidr_stays_an_unknown_attribute() {
    let inv = load(&[(
        "main.tf",
        "variable \"cidr\" {}\nresource \"aws_vpc\" \"v\" { cidr_block = cidrsubnet(var.cidr, 4, 1) }\n",
    )]);
    assert_eq!(
        inv.vpc("aws_vpc.v").unwrap().cidr,
        cloudgrade_model::Attr::unknown("var.cidr")
    );
    assert!(
        inv.gaps.is_empty(),
        "a variable without a value is unknown, not a gap: {:?}",
        inv.gaps
    );
}

#[test]
fn count_and_for_each_addresses() {
    let main = r#"
variable "names" { default = ["a", "b"] }
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "c" {
  count      = length(var.names)
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
  tags       = { Name = var.names[count.index] }
}
resource "aws_subnet" "m" {
  for_each   = { x = 10, y = 11 }
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, each.value)
  tags       = { Name = each.key }
}
resource "aws_subnet" "s" {
  for_each   = toset(var.names)
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.${index(var.names, each.value) + 20}.0/24"
}
resource "aws_subnet" "none" {
  count      = 0
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.99.0/24"
}
"#;
    let inv = load(&[("main.tf", main)]);
    let ids: Vec<&str> = inv.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aws_subnet.c[0]",
            "aws_subnet.c[1]",
            "aws_subnet.m[\"x\"]",
            "aws_subnet.m[\"y\"]",
            "aws_subnet.s[\"a\"]",
            "aws_subnet.s[\"b\"]"
        ]
    );
    let cidr = |id: &str| inv.subnet(id).unwrap().cidr.as_known().cloned().unwrap();
    assert_eq!(cidr("aws_subnet.c[1]"), "10.0.1.0/24");
    assert_eq!(cidr("aws_subnet.m[\"y\"]"), "10.0.11.0/24");
    assert_eq!(cidr("aws_subnet.s[\"b\"]"), "10.0.21.0/24");
    assert_eq!(inv.subnet("aws_subnet.m[\"x\"]").unwrap().tags["Name"], "x");
}

#[test]
fn an_unknown_count_is_one_representative_instance_not_an_empty_list() {
    let main = r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_db_instance" "d" { engine = "postgres" }
resource "aws_subnet" "s" {
  count      = length(aws_db_instance.d.address)
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
"#;
    let inv = load(&[("main.tf", main)]);
    // Not an empty list: one instance stands for however many there are.
    let ids: Vec<&str> = inv.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["aws_subnet.s[0]"]);
    let rep = inv.representative("aws_subnet.s[0]").expect("marked");
    assert_eq!(rep.depends_on, "aws_db_instance.d.address");
    let s = inv.subnet("aws_subnet.s[0]").unwrap();
    assert_eq!(s.cidr.as_known().map(String::as_str), Some("10.0.1.0/24"));
    let origin = s.origin.as_ref().unwrap();
    assert_eq!((origin.file.as_str(), origin.line), ("main.tf", 4));
}

#[test]
fn dynamic_blocks_with_iterator_and_nested_values() {
    let main = r#"
locals {
  rules = {
    http  = { port = 80, cidrs = ["0.0.0.0/0"] }
    admin = { port = 22, cidrs = ["10.0.0.0/8", "192.168.0.0/16"] }
  }
}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  dynamic "ingress" {
    for_each = local.rules
    iterator = rule
    content {
      description = rule.key
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = rule.value.cidrs
    }
  }
}
"#;
    let inv = load(&[("main.tf", main)]);
    let g = inv.security_group("aws_security_group.g").unwrap();
    let got: Vec<(String, Option<i32>)> = g
        .ingress
        .iter()
        .map(|r| {
            (
                format!("{}:{:?}", r.description.clone().unwrap(), r.peer),
                r.from_port,
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].1, Some(22));
    assert!(got[0].0.starts_with("admin"));
    assert_eq!(got[2].1, Some(80));
    assert_eq!(g.origin.as_ref().unwrap().line, 9);
}

#[test]
fn an_unsupported_function_is_a_gap_for_that_resource_only() {
    let main = r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "ok" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "weird" {
  vpc_id     = frobnicate(aws_vpc.v.id)
  cidr_block = "10.0.2.0/24"
}
"#;
    let inv = load(&[("main.tf", main)]);
    assert_eq!(inv.subnet("aws_subnet.ok").unwrap().vpc_id, "aws_vpc.v");
    let weird = inv.subnet("aws_subnet.weird").unwrap();
    assert_eq!(
        weird.cidr,
        cloudgrade_model::Attr::Known("10.0.2.0/24".into()),
        "only the facts that depend on it are unknown"
    );
    let gaps: Vec<_> = inv
        .gaps
        .iter()
        .filter(|g| g.operation.contains("frobnicate"))
        .collect();
    assert_eq!(gaps[0].kind, cloudgrade_model::ResourceKind::Subnet);
    assert_eq!(gaps[0].operation, "main.tf:8 función `frobnicate`");
    assert_eq!(gaps[0].reason, cloudgrade_model::GapReason::NotModelled);
}

#[test]
fn override_files_replace_arguments() {
    let inv = load(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { a = \"1\" }\n}\n",
        ),
        (
            "main_override.tf",
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
        ),
    ]);
    let v = inv.vpc("aws_vpc.v").unwrap();
    assert_eq!(v.cidr, cloudgrade_model::Attr::Known("10.9.0.0/16".into()));
    assert_eq!(v.tags["a"], "1");
}

#[test]
fn format_with_an_unknown_argument_reads_like_the_same_template() {
    // As "${var.u}-x" would: the known text stays, so two names built from
    // the same variable are told apart.
    assert_eq!(
        one_with("format(\"%s-x\", var.u)", "variable \"u\" {}"),
        "var.u-x"
    );
    // A verb that changes the text leaves a plain unknown.
    assert_eq!(
        one_with("format(\"%05d\", var.u)", "variable \"u\" {}"),
        "var.u"
    );
    assert_eq!(one("format(\"%d\", 5)"), "5");
}

#[test]
fn a_splat_over_an_unknown_count_lists_the_representative_instance() {
    // The shape of most multi-module hand-ins: subnets counted from a
    // variable the root never sets, handed to ECS and RDS as a splat
    // through a module output.
    let network = r#"
variable "private_cidrs" { type = list(string) }
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private" {
  count      = length(var.private_cidrs)
  vpc_id     = aws_vpc.v.id
  cidr_block = var.private_cidrs[count.index]
}
output "private_ids" { value = aws_subnet.private[*].id }
"#;
    let root = r#"
variable "private_cidrs" { type = list(string) }
module "net" {
  source        = "./net"
  private_cidrs = var.private_cidrs
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_service" "s" {
  name            = "s"
  cluster         = aws_ecs_cluster.c.id
  task_definition = "t:1"
  network_configuration {
    subnets = module.net.private_ids
  }
}
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = module.net.private_ids
}
"#;
    let inv = load(&[("main.tf", root), ("net/main.tf", network)]);
    let rep = "module.net.aws_subnet.private[0]";
    assert!(inv.is_representative(rep));
    let svc = &inv.ecs_services[0];
    assert_eq!(svc.network.as_ref().unwrap().subnet_ids, [rep]);
    assert_eq!(inv.db_subnet_groups[0].subnet_ids, [rep]);
    assert!(
        inv.gaps
            .iter()
            .all(|g| !g.message.contains("no se sabe qué elementos")),
        "{:#?}",
        inv.gaps
    );
    // A splat over a list that is unknown for another reason stays unknown.
    let inv = load(&[(
        "main.tf",
        r#"
variable "ids" { type = list(string) }
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = var.ids[*]
}
"#,
    )]);
    common::gap_saying(&inv, &["no se sabe qué elementos"]);
}

#[test]
fn a_name_built_from_unknown_variables_still_joins_its_references() {
    let main = r#"
variable "project" {}
variable "env" {}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_db_subnet_group" "db" {
  name       = "${var.project}-${var.env}-db"
  subnet_ids = [aws_subnet.a.id]
}
resource "aws_db_instance" "d" {
  engine               = "postgres"
  db_subnet_group_name = "${var.project}-${var.env}-db"
}
"#;
    let inv = load(&[("main.tf", main)]);
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    assert_eq!(
        inv.db_instances[0].subnet_group.as_deref(),
        Some(inv.db_subnet_groups[0].name.as_str())
    );
    // Two groups with the same unknown name: which one is not guessed.
    let twice = main.replace(
        "resource \"aws_db_instance\"",
        "resource \"aws_db_subnet_group\" \"again\" {\n  name       = \"${var.project}-${var.env}-db\"\n  subnet_ids = [aws_subnet.a.id]\n}\nresource \"aws_db_instance\"",
    );
    let inv = load(&[("main.tf", &twice)]);
    common::gap_saying(&inv, &["no está declarado"]);
}

#[test]
fn a_declared_resource_s_id_is_never_null() {
    // `var.x == null ? null : var.x`, the guard of a module that takes an
    // optional security group: given a declared group's id, it is that id.
    let module = r#"
variable "source_sg" {
  type    = string
  default = null
}
variable "vpc_id" {}
resource "aws_security_group" "g" {
  vpc_id = var.vpc_id
}
resource "aws_security_group_rule" "in" {
  type                     = "ingress"
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  security_group_id        = aws_security_group.g.id
  source_security_group_id = var.source_sg == null ? null : var.source_sg
}
output "id" { value = aws_security_group.g.id }
"#;
    let root = r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
module "app" {
  source = "./sg"
  vpc_id = aws_vpc.v.id
}
module "db" {
  source    = "./sg"
  vpc_id    = aws_vpc.v.id
  source_sg = module.app.id
}
"#;
    let inv = load(&[("main.tf", root), ("sg/main.tf", module)]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::SecurityGroup]);
    let db = inv
        .security_group("module.db.aws_security_group.g")
        .unwrap();
    assert_eq!(
        db.ingress[0].peer,
        cloudgrade_model::SgPeer::SecurityGroup("module.app.aws_security_group.g".into())
    );
}

#[test]
fn a_for_each_over_a_representative_resource_sees_its_instance() {
    let main = r#"
variable "private_cidrs" { type = list(string) }
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "private" {
  for_each   = { for i, c in var.private_cidrs : i => c }
  vpc_id     = aws_vpc.v.id
  cidr_block = each.value
}
resource "aws_route_table" "private" {
  for_each = aws_subnet.private
  vpc_id   = aws_vpc.v.id
}
resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}
"#;
    let inv = load(&[("main.tf", main)]);
    common::no_gap_of(
        &inv,
        &[
            cloudgrade_model::ResourceKind::RouteTable,
            cloudgrade_model::ResourceKind::Subnet,
        ],
    );
    let table = &inv.route_tables.iter().find(|t| !t.main).unwrap();
    assert_eq!(table.subnet_ids, ["aws_subnet.private[each.key]"]);

    // `values(...)[*].id`, the usual output of such subnets.
    let grouped = format!(
        "{main}\nresource \"aws_db_subnet_group\" \"db\" {{\n  name       = \"db\"\n  subnet_ids = values(aws_subnet.private)[*].id\n}}\n"
    );
    let inv = load(&[("main.tf", &grouped)]);
    assert_eq!(
        inv.db_subnet_groups[0].subnet_ids,
        ["aws_subnet.private[each.key]"]
    );
}

#[test]
fn a_conditional_on_an_unknown_is_one_of_its_known_branches() {
    let main = r#"
variable "services" {}
resource "aws_ecs_task_definition" "m" {
  for_each = var.services
  family   = "x-${each.key}"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1"
    environment = concat(
      [{ name = "HOST", value = "db.internal" }],
      each.key == "users" ? [{ name = "ALBUMS_URL", value = "http://albums" }] : []
    )
  }])
}
"#;
    let inv = load(&[("main.tf", main)]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::TaskDefinition]);
    let env = &inv.task_definitions[0].containers[0].environment;
    let names: Vec<(&str, Option<&str>)> = env
        .iter()
        .map(|e| (e.name.as_str(), e.only_if.as_deref()))
        .collect();
    assert_eq!(
        names,
        [("HOST", None), ("ALBUMS_URL", Some("each.key"))],
        "the entry of one branch only is marked as such"
    );
    // A branch whose shape is unknown (a whole list from a variable)
    // leaves the value unknown.
    let inv = load(&[(
        "main.tf",
        &main
            .replace(
                "[{ name = \"ALBUMS_URL\", value = \"http://albums\" }]",
                "var.extra_env",
            )
            .replace(
                "variable \"services\" {}",
                "variable \"services\" {}\nvariable \"extra_env\" {}",
            ),
    )]);
    common::gap_saying(&inv, &["no se sabe qué variables de entorno"]);
}

#[test]
fn a_for_over_a_representative_resource_yields_what_its_body_makes() {
    // roczyno's ECR output, indexed by the ECS module's own unknown key.
    let main = r#"
variable "services" {}
resource "aws_ecr_repository" "r" {
  for_each = var.services
  name     = each.key
}
locals {
  urls = { for k, v in aws_ecr_repository.r : k => v.repository_url }
}
resource "aws_ecs_task_definition" "m" {
  for_each = var.services
  family   = "x-${each.key}"
  container_definitions = jsonencode([{
    name  = "app"
    image = "${local.urls[each.key]}:latest"
  }])
}
"#;
    let inv = load(&[("main.tf", main)]);
    common::no_gap_of(&inv, &[cloudgrade_model::ResourceKind::TaskDefinition]);
    let image = inv.task_definitions[0].containers[0].image.clone().unwrap();
    assert_eq!(
        image,
        "aws_ecr_repository.r[each.key].repository_url:latest"
    );
}
