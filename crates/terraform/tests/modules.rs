//! Local modules evaluated with their inputs, registry modules and data
//! sources as gaps, and the data sources this source answers itself.

mod common;

use cloudgrade_model::{Attr, ResourceKind, RouteTarget};
use common::load;

const NETWORK_MODULE: &str = r#"
variable "cidr" { type = string }
variable "name" { type = string }
variable "azs" { type = list(string) }

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index + 10)
  availability_zone = var.azs[count.index]
}

output "vpc_id" { value = aws_vpc.this.id }
output "private_subnet_ids" { value = aws_subnet.private[*].id }
"#;

#[test]
fn local_modules_get_their_inputs_and_prefixed_addresses() {
    let root = r#"
provider "aws" { region = "eu-west-1" }
data "aws_availability_zones" "az" {}
module "red" {
  source = "./modules/red"
  cidr   = "10.20.0.0/16"
  name   = "curso"
  azs    = slice(data.aws_availability_zones.az.names, 0, 2)
}
resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = module.red.private_subnet_ids
}
resource "aws_security_group" "app" {
  vpc_id = module.red.vpc_id
}
"#;
    let inv = load(&[("main.tf", root), ("modules/red/main.tf", NETWORK_MODULE)]);
    let vpc = inv.vpc("module.red.aws_vpc.this").unwrap();
    assert_eq!(vpc.cidr, Attr::Known("10.20.0.0/16".into()));
    assert_eq!(vpc.tags["Name"], "curso");
    let origin = vpc.origin.as_ref().unwrap();
    assert_eq!(
        (origin.file.as_str(), origin.line),
        ("modules/red/main.tf", 6)
    );
    let ids: Vec<&str> = inv.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "module.red.aws_subnet.private[0]",
            "module.red.aws_subnet.private[1]"
        ]
    );
    assert_eq!(
        inv.subnets[1].availability_zone,
        Some(Attr::Known("eu-west-1b".into()))
    );
    assert_eq!(inv.subnets[1].cidr, Attr::Known("10.20.11.0/24".into()));
    assert_eq!(inv.db_subnet_group("db").unwrap().subnet_ids, ids);
    assert_eq!(
        inv.security_group("aws_security_group.app").unwrap().vpc_id,
        "module.red.aws_vpc.this"
    );
    assert!(
        inv.route_table("module.red.aws_vpc.this.main_route_table")
            .is_some()
    );
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[test]
fn modules_with_for_each_have_keyed_addresses() {
    let root = r#"
module "red" {
  for_each = { a = "10.1.0.0/16", b = "10.2.0.0/16" }
  source   = "./modules/red"
  cidr     = each.value
  name     = each.key
  azs      = ["x"]
}
"#;
    let inv = load(&[("main.tf", root), ("modules/red/main.tf", NETWORK_MODULE)]);
    let ids: Vec<&str> = inv.vpcs.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "module.red[\"a\"].aws_vpc.this",
            "module.red[\"b\"].aws_vpc.this"
        ]
    );
    assert_eq!(
        inv.subnet("module.red[\"b\"].aws_subnet.private[0]")
            .unwrap()
            .vpc_id,
        "module.red[\"b\"].aws_vpc.this"
    );
}

#[test]
fn registry_modules_are_gaps_naming_them() {
    let root = r#"
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  cidr    = "10.0.0.0/16"
}
resource "aws_security_group" "app" {
  vpc_id = module.vpc.vpc_id
}
"#;
    let inv = load(&[("main.tf", root)]);
    let gap = inv
        .gaps_for(ResourceKind::Subnet)
        .next()
        .expect("the module's subnets are unknown");
    assert_eq!(
        gap.operation,
        "main.tf:2 module.vpc (source = \"terraform-aws-modules/vpc/aws\")"
    );
    assert!(gap.message.contains("terraform-aws-modules/vpc/aws"));
    assert!(inv.gaps_for(ResourceKind::NatGateway).next().is_some());
    assert!(
        inv.gaps_for(ResourceKind::DbInstance).next().is_none(),
        "a VPC module declares no database"
    );
    // The group is still there; its VPC is the module's unknown output.
    assert_eq!(
        inv.security_group("aws_security_group.app").unwrap().vpc_id,
        "module.vpc.vpc_id"
    );
}

#[test]
fn a_registry_module_that_declares_nothing_the_rules_read_leaves_them_alone() {
    // A state bucket from the registry, next to a network of the student's
    // own: not downloaded, it can hide no subnet, database or task.
    let root = r#"
module "state" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "tfstate"
}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  tags       = { Bucket = module.state.s3_bucket_id }
}
"#;
    let inv = load(&[("main.tf", root)]);
    for kind in [
        ResourceKind::Subnet,
        ResourceKind::DbInstance,
        ResourceKind::TaskDefinition,
    ] {
        assert!(
            inv.gaps_for(kind).next().is_none(),
            "{kind:?}: {:?}",
            inv.gaps
        );
    }
    // A load balancer from the registry may declare a security group only.
    let alb = root.replace("s3-bucket/aws", "alb/aws");
    let inv = load(&[("main.tf", &alb)]);
    assert!(inv.gaps_for(ResourceKind::Subnet).next().is_none());
    assert!(inv.gaps_for(ResourceKind::SecurityGroup).next().is_some());
    // A module of another namespace with the same name may declare anything.
    let other = root.replace("terraform-aws-modules/s3-bucket/aws", "acme/s3-bucket/aws");
    let inv = load(&[("main.tf", &other)]);
    assert!(inv.gaps_for(ResourceKind::Subnet).next().is_some());
}

#[test]
fn data_sources_for_existing_resources_are_gaps() {
    let root = r#"
data "aws_vpc" "default" { default = true }
resource "aws_subnet" "s" {
  vpc_id     = data.aws_vpc.default.id
  cidr_block = "172.31.200.0/24"
}
"#;
    let inv = load(&[("main.tf", root)]);
    let gaps: Vec<_> = inv.gaps_for(ResourceKind::Vpc).collect();
    assert!(
        gaps.iter()
            .any(|g| g.operation == "main.tf:2 data.aws_vpc.default"),
        "{gaps:?}"
    );
    assert_eq!(
        inv.subnet("aws_subnet.s").unwrap().vpc_id,
        "data.aws_vpc.default.id"
    );
}

#[test]
fn availability_zones_caller_identity_region_and_partition() {
    let extra = r#"
provider "aws" { region = "sa-east-1" }
data "aws_availability_zones" "az" {}
data "aws_caller_identity" "me" {}
data "aws_region" "r" {}
data "aws_partition" "p" {}
"#;
    let t = common::tags(
        &[
            ("azs", "join(\",\", data.aws_availability_zones.az.names)"),
            ("n", "length(data.aws_availability_zones.az.names)"),
            ("account", "data.aws_caller_identity.me.account_id"),
            (
                "arn",
                "\"arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:root\"",
            ),
            ("region", "data.aws_region.r.name"),
        ],
        extra,
    );
    assert_eq!(t["azs"], "sa-east-1a,sa-east-1b,sa-east-1c");
    assert_eq!(t["n"], "3");
    assert_eq!(t["account"], "data.aws_caller_identity.me.account_id");
    assert_eq!(
        t["arn"],
        "arn:aws:iam::data.aws_caller_identity.me.account_id:root"
    );
    assert_eq!(t["region"], "sa-east-1");
}

#[test]
fn a_missing_local_module_is_a_gap() {
    let inv = load(&[(
        "main.tf",
        "module \"x\" {\n  source = \"./modules/nope\"\n}\n",
    )]);
    assert!(
        inv.gaps
            .iter()
            .any(|g| g.operation.contains("module.x") && g.message.contains("./modules/nope")),
        "{:?}",
        inv.gaps
    );
}

#[test]
fn nat_in_a_module_and_routes_from_the_root() {
    let module = r#"
variable "vpc_id" {}
resource "aws_subnet" "pub" {
  vpc_id     = var.vpc_id
  cidr_block = "10.0.0.0/24"
}
resource "aws_eip" "e" {}
resource "aws_nat_gateway" "n" {
  allocation_id = aws_eip.e.allocation_id
  subnet_id     = aws_subnet.pub.id
}
output "nat_id" { value = aws_nat_gateway.n.id }
"#;
    let root = r#"
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
module "edge" {
  source = "./edge"
  vpc_id = aws_vpc.v.id
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = module.edge.nat_id
  }
}
"#;
    let inv = load(&[("main.tf", root), ("edge/nat.tf", module)]);
    let t = inv.route_table("aws_route_table.private").unwrap();
    assert_eq!(
        t.routes[1].target,
        RouteTarget::NatGateway("module.edge.aws_nat_gateway.n".into())
    );
    let nat = inv.nat_gateway("module.edge.aws_nat_gateway.n").unwrap();
    assert_eq!(nat.vpc_id, "aws_vpc.v");
    assert_eq!(
        nat.public_ip,
        Some(Attr::unknown("module.edge.aws_eip.e.public_ip"))
    );
}
