//! The layouts real repositories have: an environment folder calling
//! modules above it, modules unpacked by `terraform init`, and the ways
//! those go wrong (a cycle, a folder that is not there, a stale
//! `modules.json`), each a gap scoped to what is missing.

mod common;

use std::path::Path;

use cloudgrade_model::{Attr, Inventory, ResourceKind};
use cloudgrade_terraform::{Options, load_dir};
use common::write;

/// A small network module of our own: a VPC and one subnet.
const VPC_MODULE: &str = r#"
variable "cidr" { type = string }

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 1)
}

output "vpc_id" { value = aws_vpc.this.id }
output "private_subnets" { value = [aws_subnet.private.id] }
"#;

const DEV: &str = r#"
module "vpc" {
  source = "../../modules/vpc"
  cidr   = "10.1.0.0/16"
}

resource "aws_security_group" "db" {
  vpc_id = module.vpc.vpc_id
}
"#;

fn load_in(dir: &Path, opts: &Options) -> Inventory {
    load_dir(dir, opts).unwrap_or_else(|e| panic!("{e}"))
}

fn gap_text(inv: &Inventory) -> String {
    inv.gaps
        .iter()
        .map(|g| format!("{:?} {} | {}\n", g.kind, g.operation, g.message))
        .collect()
}

#[test]
fn an_environment_reads_modules_above_it_with_relative_paths() {
    let repo = write(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("environments/dev/main.tf", DEV),
        ("modules/vpc/main.tf", VPC_MODULE),
    ]);
    let inv = load_in(&repo.path().join("environments/dev"), &Options::default());
    assert!(inv.gaps.is_empty(), "{}", gap_text(&inv));
    let vpc = inv
        .vpc("module.vpc.aws_vpc.this")
        .expect("the module's VPC");
    assert_eq!(vpc.cidr, Attr::Known("10.1.0.0/16".into()));
    let origin = vpc.origin.as_ref().unwrap();
    // Relative to the graded folder, the way the student finds the file.
    assert_eq!(
        (origin.file.as_str(), origin.line),
        ("../../modules/vpc/main.tf", 4)
    );
    assert_eq!(
        inv.security_group("aws_security_group.db").unwrap().vpc_id,
        "module.vpc.aws_vpc.this"
    );
}

#[test]
fn without_git_modules_up_to_three_folders_above_are_read() {
    let tmp = write(&[
        ("proj/environments/dev/main.tf", DEV),
        ("proj/modules/vpc/main.tf", VPC_MODULE),
    ]);
    let inv = load_in(
        &tmp.path().join("proj/environments/dev"),
        &Options::default(),
    );
    assert!(
        inv.vpc("module.vpc.aws_vpc.this").is_some(),
        "{}",
        gap_text(&inv)
    );
}

#[test]
fn a_module_outside_the_repository_is_a_gap_unless_the_root_is_named() {
    let main =
        "module \"vpc\" {\n  source = \"../../../shared/vpc\"\n  cidr   = \"10.2.0.0/16\"\n}\n";
    let tmp = write(&[
        ("repo/.git/HEAD", "ref: refs/heads/main\n"),
        ("repo/envs/dev/main.tf", main),
        ("shared/vpc/main.tf", VPC_MODULE),
    ]);
    let dev = tmp.path().join("repo/envs/dev");
    let inv = load_in(&dev, &Options::default());
    assert!(inv.vpc("module.vpc.aws_vpc.this").is_none());
    let gap = inv
        .gaps_for(ResourceKind::Vpc)
        .next()
        .expect("what the module declares is a gap");
    assert_eq!(
        gap.operation,
        "main.tf:1 module.vpc (source = \"../../../shared/vpc\")"
    );
    assert!(gap.message.contains("--root"), "{}", gap.message);
    assert!(
        inv.gaps_for(ResourceKind::DbInstance).next().is_none(),
        "a VPC module's gap does not reach the database: {}",
        gap_text(&inv)
    );

    let opts = Options {
        root: Some(tmp.path().to_path_buf()),
        ..Default::default()
    };
    let inv = load_in(&dev, &opts);
    let vpc = inv
        .vpc("module.vpc.aws_vpc.this")
        .expect("read with --root");
    assert_eq!(
        vpc.origin.as_ref().unwrap().file,
        "../../../shared/vpc/main.tf"
    );
}

const MANIFEST: &str = r#"{"Modules":[
  {"Key":"","Source":"","Dir":"."},
  {"Key":"vpc","Source":"terraform-aws-modules/vpc/aws","Version":"5.8.1","Dir":".terraform/modules/vpc"}
]}"#;

const REGISTRY_ROOT: &str = r#"
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  cidr    = "10.3.0.0/16"
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = module.vpc.private_subnets
}
"#;

#[test]
fn an_initialised_registry_module_is_read_from_where_init_put_it() {
    let dir = write(&[
        ("main.tf", REGISTRY_ROOT),
        (".terraform/modules/modules.json", MANIFEST),
        (".terraform/modules/vpc/main.tf", VPC_MODULE),
    ]);
    let inv = load_in(dir.path(), &Options::default());
    assert!(inv.gaps.is_empty(), "{}", gap_text(&inv));
    let subnet = inv
        .subnet("module.vpc.aws_subnet.private")
        .expect("the module's subnet");
    assert_eq!(
        subnet.origin.as_ref().unwrap().file,
        ".terraform/modules/vpc/main.tf"
    );
    let group = &inv.db_subnet_groups[0];
    assert_eq!(group.subnet_ids, vec!["module.vpc.aws_subnet.private"]);
}

#[test]
fn a_registry_module_not_downloaded_asks_for_terraform_init() {
    let dir = write(&[("main.tf", REGISTRY_ROOT)]);
    let inv = load_in(dir.path(), &Options::default());
    let gap = inv.gaps_for(ResourceKind::Subnet).next().expect("a gap");
    assert!(gap.message.contains("terraform init"), "{}", gap.message);
    assert!(inv.gaps_for(ResourceKind::EcsService).next().is_none());
    // Its outputs are unknowns that name the module.
    let group = &inv.db_subnet_groups[0];
    assert!(group.subnet_ids.is_empty());
}

#[test]
fn a_manifest_that_points_nowhere_is_a_gap_naming_it() {
    let dir = write(&[
        ("main.tf", REGISTRY_ROOT),
        (".terraform/modules/modules.json", MANIFEST),
    ]);
    let inv = load_in(dir.path(), &Options::default());
    let gap = inv.gaps_for(ResourceKind::Vpc).next().expect("a gap");
    assert_eq!(
        gap.operation,
        "main.tf:2 module.vpc (source = \"terraform-aws-modules/vpc/aws\")"
    );
    assert!(
        gap.message.contains("modules.json") && gap.message.contains(".terraform/modules/vpc"),
        "{}",
        gap.message
    );
}

#[test]
fn a_malformed_manifest_is_a_gap_with_its_line() {
    let dir = write(&[
        ("main.tf", REGISTRY_ROOT),
        (
            ".terraform/modules/modules.json",
            "{\"Modules\": [\n  {\"Key\": \n",
        ),
    ]);
    let inv = load_in(dir.path(), &Options::default());
    let gap = inv.gaps_for(ResourceKind::Vpc).next().expect("a gap");
    assert!(
        gap.message.contains(".terraform/modules/modules.json:3"),
        "{}",
        gap.message
    );
}

#[test]
fn a_module_cycle_is_a_gap_not_a_hang() {
    let dir = write(&[
        ("main.tf", "module \"a\" {\n  source = \"./modules/a\"\n}\n"),
        (
            "modules/a/main.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nmodule \"b\" {\n  source = \"../b\"\n}\n",
        ),
        (
            "modules/b/main.tf",
            "module \"a\" {\n  source = \"../a\"\n}\n",
        ),
    ]);
    let inv = load_in(dir.path(), &Options::default());
    // What the cycle does not reach is read.
    assert!(inv.vpc("module.a.aws_vpc.a").is_some());
    let gap = inv
        .gaps
        .iter()
        .find(|g| g.message.contains("ciclo"))
        .unwrap_or_else(|| panic!("{}", gap_text(&inv)));
    assert_eq!(
        gap.operation,
        "modules/b/main.tf:1 module.a.module.b.module.a (source = \"../a\")"
    );
}

#[test]
fn a_missing_module_folder_names_the_call() {
    let dir = write(&[(
        "main.tf",
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\nmodule \"vpc\" {\n  source = \"./modules/network-vpc\"\n}\n",
    )]);
    let inv = load_in(dir.path(), &Options::default());
    let gap = inv.gaps_for(ResourceKind::Subnet).next().expect("a gap");
    assert_eq!(
        gap.operation,
        "main.tf:4 module.vpc (source = \"./modules/network-vpc\")"
    );
    assert!(gap.message.contains("no existe"), "{}", gap.message);
    // Part of the hand-in is missing: a failed read, not a construct the
    // source declines to evaluate (that decides the exit code).
    assert_eq!(gap.reason, cloudgrade_model::GapReason::Other);
    // Scoped to what a network module declares.
    assert!(inv.gaps_for(ResourceKind::TaskDefinition).next().is_none());
    assert!(inv.vpc("aws_vpc.v").is_some());
}

#[test]
fn an_unreadable_root_is_an_error() {
    let dir = write(&[("README.md", "nada\n")]);
    let err = load_dir(dir.path(), &Options::default()).unwrap_err();
    assert!(
        err.to_string().contains("no hay ningún fichero .tf"),
        "{err}"
    );
}

#[test]
fn the_workspace_is_the_one_named() {
    let main = r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "red-${terraform.workspace}" }
}
"#;
    let dir = write(&[("main.tf", main)]);
    let inv = load_in(dir.path(), &Options::default());
    assert_eq!(inv.vpc("aws_vpc.v").unwrap().tags["Name"], "red-default");
    let opts = Options {
        workspace: Some("prod".into()),
        ..Default::default()
    };
    let inv = load_in(dir.path(), &opts);
    assert_eq!(inv.vpc("aws_vpc.v").unwrap().tags["Name"], "red-prod");
}

#[test]
fn a_folder_that_declares_nothing_the_rules_read_says_so() {
    let dir = write(&[(
        "main.tf",
        "variable \"x\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"datos\"\n}\n",
    )]);
    let inv = load_in(dir.path(), &Options::default());
    let gap = inv
        .gaps_for(ResourceKind::Vpc)
        .next()
        .expect("said once per kind");
    assert!(
        gap.message.contains("no declaran ningún recurso"),
        "{}",
        gap.message
    );
    assert!(
        inv.gaps_for(ResourceKind::Dockerfile).next().is_none(),
        "a Dockerfile is read by another source"
    );
    // A folder with one network resource is not "nothing".
    let dir = write(&[(
        "main.tf",
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )]);
    assert!(load_in(dir.path(), &Options::default()).gaps.is_empty());
}

/// The module shape most hand-ins have: subnets, NATs and tables counted
/// over a list the root gives no value.
const COUNTED_NETWORK: &str = r#"
variable "azs" { type = list(string) }
variable "private_cidrs" { type = list(string) }

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  count                   = length(var.azs)
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone       = var.azs[count.index]
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  count             = length(var.private_cidrs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = var.private_cidrs[count.index]
  availability_zone = element(var.azs, count.index)
  tags              = { Name = "private-${count.index}" }
}

resource "aws_eip" "nat" {
  count  = length(var.azs)
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  count         = length(var.azs)
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
}

resource "aws_route_table" "private" {
  count  = length(var.private_cidrs)
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat[count.index].id
  }
}

resource "aws_route_table_association" "private" {
  count          = length(var.private_cidrs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = aws_subnet.private[*].id
}
"#;

#[test]
fn a_count_over_an_unknown_list_is_one_representative_instance() {
    let dir = write(&[("main.tf", COUNTED_NETWORK)]);
    let inv = load_in(dir.path(), &Options::default());
    let subnet = inv
        .subnet("aws_subnet.private[0]")
        .expect("one representative subnet");
    assert!(inv.is_representative("aws_subnet.private[0]"));
    assert!(!inv.is_representative("aws_vpc.main"));
    // Index-dependent attributes are unknown; the rest is known.
    assert!(subnet.cidr.as_known().is_none(), "{:?}", subnet.cidr);
    assert_eq!(subnet.vpc_id, "aws_vpc.main");
    assert_eq!(subnet.map_public_ip_on_launch, Attr::Known(false));
    // The representative table is associated with the representative
    // subnet and routes through the representative NAT.
    let table = inv
        .route_tables
        .iter()
        .find(|t| t.id == "aws_route_table.private[0]")
        .expect("the representative table");
    assert_eq!(table.subnet_ids, vec!["aws_subnet.private[0]"]);
    assert_eq!(inv.nat_gateways.len(), 1);
    assert_eq!(inv.nat_gateways[0].subnet_id, "aws_subnet.public[0]");
    // Nothing is a gap: the group's subnets are "each private subnet",
    // the representative standing for them (a rule true of each is decided
    // on it; one that counts them, such as two zones, must ask
    // `is_representative`).
    let kinds: Vec<ResourceKind> = inv.gaps.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, vec![], "{}", gap_text(&inv));
    assert_eq!(
        inv.db_subnet_groups[0].subnet_ids,
        ["aws_subnet.private[0]"]
    );
}

#[test]
fn a_for_each_over_an_unknown_map_is_one_representative_instance() {
    let main = r#"
variable "rules" { type = map(object({ port = number })) }
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_security_group_ingress_rule" "db" {
  for_each                     = var.rules
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}
"#;
    let dir = write(&[("main.tf", main)]);
    let inv = load_in(dir.path(), &Options::default());
    assert!(
        inv.is_representative("aws_vpc_security_group_ingress_rule.db[each.key]"),
        "{:?}",
        inv.representative
    );
    assert!(inv.security_group("aws_security_group.db").is_some());
}
