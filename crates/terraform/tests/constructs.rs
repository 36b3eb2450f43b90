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
    assert_eq!(db.storage_encrypted, Some(true));
    assert_eq!(db.multi_az, Some(true), "two members");
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
    assert_eq!(db.multi_az, Some(false));
    assert_eq!(db.publicly_accessible, Attr::Known(false));
}
