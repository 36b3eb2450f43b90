//! The course's three-tier solution (`examples/terraform/curso`), loaded
//! whole: every fact the headline rules read, with its origin.

mod common;

use cloudgrade_model::{Attr, EnvValue, Inventory, Origin, RouteTarget, SgPeer};
use common::curso;

fn origin(file: &str, line: u32, address: &str) -> Option<Origin> {
    Some(Origin {
        file: file.into(),
        line,
        address: Some(address.into()),
    })
}

#[test]
fn curso_loads_without_gaps_and_reports_its_time() {
    let start = std::time::Instant::now();
    let inv = curso();
    eprintln!("load_dir(examples/terraform/curso): {:?}", start.elapsed());
    assert!(inv.gaps.is_empty(), "{:#?}", inv.gaps);
    assert_eq!(inv.source.kind, "terraform");
    assert_eq!(inv.source.region.as_deref(), Some("us-east-1"));
}

#[test]
fn vpc_and_subnets_with_addresses_cidrs_zones_and_default_tags() {
    let inv = curso();
    let vpc = inv.vpc("aws_vpc.main").unwrap();
    assert_eq!(vpc.cidr, Attr::Known("10.0.0.0/16".into()));
    assert_eq!(vpc.origin, origin("network.tf", 4, "aws_vpc.main"));
    assert_eq!(vpc.tags["Name"], "mi-proyecto-dev-vpc");
    assert_eq!(
        vpc.tags["ManagedBy"], "terraform",
        "default_tags reach every resource"
    );

    let ids: Vec<&str> = inv.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aws_subnet.public[0]",
            "aws_subnet.public[1]",
            "aws_subnet.private[\"us-east-1a\"]",
            "aws_subnet.private[\"us-east-1b\"]"
        ]
    );
    let p0 = inv.subnet("aws_subnet.public[0]").unwrap();
    assert_eq!(p0.cidr, Attr::Known("10.0.1.0/24".into()));
    assert_eq!(p0.map_public_ip_on_launch, Attr::Known(true));
    assert_eq!(p0.availability_zone, Some(Attr::Known("us-east-1a".into())));
    assert_eq!(p0.origin, origin("network.tf", 22, "aws_subnet.public[0]"));
    let pb = inv.subnet("aws_subnet.private[\"us-east-1b\"]").unwrap();
    assert_eq!(pb.cidr, Attr::Known("10.0.11.0/24".into()));
    assert_eq!(pb.vpc_id, "aws_vpc.main");
    assert_eq!(pb.map_public_ip_on_launch, Attr::Known(false));
    assert_eq!(pb.tags["Name"], "mi-proyecto-dev-private-b");
    assert_eq!(pb.tags["Tier"], "private");
}

#[test]
fn route_tables_routes_and_associations() {
    let inv = curso();
    let main = inv.route_table("aws_vpc.main.main_route_table").unwrap();
    assert!(main.main);
    assert_eq!(main.routes.len(), 1);
    assert_eq!(main.routes[0].target, RouteTarget::Local);
    assert_eq!(
        main.routes[0].destination,
        Some(Attr::Known("10.0.0.0/16".into()))
    );

    let public = inv.route_table("aws_route_table.public").unwrap();
    assert!(!public.main);
    assert_eq!(
        public.subnet_ids,
        ["aws_subnet.public[0]", "aws_subnet.public[1]"]
    );
    let default = public
        .routes
        .iter()
        .find(|r| r.destination == Some(Attr::Known("0.0.0.0/0".into())))
        .unwrap();
    assert_eq!(
        default.target,
        RouteTarget::InternetGateway("aws_internet_gateway.main".into())
    );
    assert_eq!(
        default.origin,
        origin("network.tf", 72, "aws_route_table.public")
    );

    let private_b = inv.route_table("aws_route_table.private[1]").unwrap();
    assert_eq!(private_b.subnet_ids, ["aws_subnet.private[\"us-east-1b\"]"]);
    let nat_route = private_b
        .routes
        .iter()
        .find(|r| r.target != RouteTarget::Local)
        .unwrap();
    assert_eq!(
        nat_route.target,
        RouteTarget::NatGateway("aws_nat_gateway.main[1]".into())
    );
    assert_eq!(
        nat_route.origin,
        origin("network.tf", 97, "aws_route.private_nat[1]")
    );
}

#[test]
fn gateways_nat_in_public_subnets_with_pending_public_ip() {
    let inv = curso();
    let igw = inv.internet_gateway("aws_internet_gateway.main").unwrap();
    assert_eq!(igw.attached_vpc_ids, ["aws_vpc.main"]);
    let nat = inv.nat_gateway("aws_nat_gateway.main[0]").unwrap();
    assert_eq!(nat.subnet_id, "aws_subnet.public[0]");
    assert_eq!(nat.vpc_id, "aws_vpc.main");
    assert_eq!(nat.state, "available");
    assert_eq!(nat.connectivity, "public");
    assert_eq!(
        nat.public_ip,
        Some(Attr::unknown("aws_eip.nat[0].public_ip"))
    );
    assert_eq!(
        nat.origin,
        origin("network.tf", 59, "aws_nat_gateway.main[0]")
    );
}

#[test]
fn security_groups_one_rule_per_peer_with_origins() {
    let inv = curso();
    let alb = inv.security_group("aws_security_group.alb").unwrap();
    let ports: Vec<Option<i32>> = alb.ingress.iter().map(|r| r.from_port).collect();
    assert_eq!(
        ports,
        [Some(80), Some(443)],
        "dynamic ingress expands once per port"
    );
    assert!(alb.ingress.iter().all(|r| r.peer == SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())) && r.protocol == "tcp"));

    let ecs = inv.security_group("aws_security_group.ecs_tasks").unwrap();
    assert_eq!(ecs.ingress.len(), 1);
    assert_eq!(
        ecs.ingress[0].peer,
        SgPeer::SecurityGroup("aws_security_group.alb".into())
    );
    assert_eq!(
        (ecs.ingress[0].from_port, ecs.ingress[0].to_port),
        (Some(8080), Some(8080))
    );
    assert_eq!(ecs.egress[0].protocol, "-1");
    assert_eq!(ecs.egress[0].from_port, None);

    let rds = inv.security_group("aws_security_group.rds").unwrap();
    assert_eq!(rds.ingress.len(), 1);
    let rule = &rds.ingress[0];
    assert_eq!(
        rule.peer,
        SgPeer::SecurityGroup("aws_security_group.ecs_tasks".into())
    );
    assert_eq!(
        (rule.protocol.as_str(), rule.from_port, rule.to_port),
        ("tcp", Some(5432), Some(5432))
    );
    assert_eq!(
        rule.origin,
        origin(
            "security.tf",
            57,
            "aws_vpc_security_group_ingress_rule.rds_from_ecs"
        )
    );
    assert!(
        rds.egress.is_empty(),
        "Terraform removes AWS's allow-all egress"
    );

    let default = inv
        .security_group("aws_vpc.main.default_security_group")
        .unwrap();
    assert_eq!(
        default.ingress[0].peer,
        SgPeer::SecurityGroup(default.id.clone())
    );
}

#[test]
fn default_network_acl_holds_every_subnet_and_allows_all() {
    let inv = curso();
    assert_eq!(inv.network_acls.len(), 1);
    let acl = &inv.network_acls[0];
    assert!(acl.is_default);
    assert_eq!(acl.id, "aws_vpc.main.default_network_acl");
    assert_eq!(acl.subnet_ids.len(), 4);
    let rules: Vec<(bool, i32, bool)> = acl
        .entries
        .iter()
        .map(|e| (e.egress, e.rule_number, e.allow))
        .collect();
    assert_eq!(
        rules,
        [
            (false, 100, true),
            (false, 32767, false),
            (true, 100, true),
            (true, 32767, false)
        ]
    );
}

#[test]
fn rds_in_private_subnet_group_behind_its_group() {
    let inv = curso();
    let db = &inv.db_instances[0];
    assert_eq!(db.id, "aws_db_instance.main");
    assert_eq!(db.engine, "postgres");
    assert_eq!(db.port, Attr::Known(5432));
    assert_eq!(db.publicly_accessible, Attr::Known(false));
    assert_eq!(
        db.subnet_group.as_deref(),
        Some("mi-proyecto-dev-db-subnets")
    );
    assert_eq!(db.security_group_ids, ["aws_security_group.rds"]);
    assert_eq!(
        (
            db.storage_encrypted.clone(),
            db.backup_retention_days.clone(),
            db.multi_az.clone()
        ),
        (
            Some(Attr::Known(true)),
            Some(Attr::Known(7)),
            Some(Attr::Known(false))
        )
    );
    let group = inv.db_subnet_group("mi-proyecto-dev-db-subnets").unwrap();
    assert_eq!(group.vpc_id, "aws_vpc.main");
    assert_eq!(
        group.subnet_ids,
        [
            "aws_subnet.private[\"us-east-1a\"]",
            "aws_subnet.private[\"us-east-1b\"]"
        ]
    );
}

#[test]
fn ecs_service_and_task_definition_from_jsonencode() {
    let inv = curso();
    let cluster = &inv.ecs_clusters[0];
    assert_eq!(
        (cluster.arn.as_str(), cluster.container_insights.clone()),
        ("aws_ecs_cluster.main", Some(Attr::Known(true)))
    );
    let svc = &inv.ecs_services[0];
    assert_eq!(svc.cluster_arn, "aws_ecs_cluster.main");
    assert_eq!(svc.task_definition, "aws_ecs_task_definition.app");
    assert_eq!(
        (svc.launch_type.as_deref(), svc.desired_count),
        (Some("FARGATE"), Some(2))
    );
    let net = svc.network.as_ref().unwrap();
    assert_eq!(
        net.subnet_ids,
        [
            "aws_subnet.private[\"us-east-1a\"]",
            "aws_subnet.private[\"us-east-1b\"]"
        ]
    );
    assert_eq!(net.security_group_ids, ["aws_security_group.ecs_tasks"]);
    assert_eq!(net.assign_public_ip, cloudgrade_model::Attr::Known(false));

    let td = inv.task_definition("aws_ecs_task_definition.app").unwrap();
    assert_eq!(td.family, "mi-proyecto-dev-app");
    assert_eq!(td.network_mode.as_deref(), Some("awsvpc"));
    assert_eq!(td.requires_compatibilities, ["FARGATE"]);
    assert_eq!(
        td.execution_role_arn.as_deref(),
        Some("aws_iam_role.ecs_execution")
    );
    assert_eq!(td.task_role_arn.as_deref(), Some("aws_iam_role.ecs_task"));
    assert_eq!(
        td.origin,
        origin("ecs.tf", 18, "aws_ecs_task_definition.app")
    );
    let c = &td.containers[0];
    assert_eq!(c.name, "app");
    assert_eq!(
        c.image.as_deref(),
        Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/mi-app:1.4.2")
    );
    assert_eq!(
        (c.log_driver.as_deref(), c.has_health_check),
        (Some("awslogs"), true)
    );
    // `containerPort = var.container_port`, its default.
    assert_eq!(c.ports, vec![Attr::Known(8080)]);
    let env = |n: &str| &c.environment.iter().find(|e| e.name == n).unwrap().value;
    match env("APP_ENV") {
        EnvValue::Observed(f) => {
            assert_eq!((f.len, f.masked.as_str(), f.sensitive), (3, "***", false))
        }
        other => panic!("{other:?}"),
    }
    match env("DB_HOST") {
        EnvValue::Unknown {
            reference,
            sensitive,
        } => {
            assert_eq!(reference.unknown, "aws_db_instance.main.address");
            assert!(!sensitive);
        }
        other => panic!("{other:?}"),
    }
    match env("DB_PORT") {
        EnvValue::Observed(f) => {
            assert!(f.formats.contains(&cloudgrade_model::ValueFormat::Number))
        }
        other => panic!("{other:?}"),
    }
    let secrets: Vec<(&str, &str)> = c
        .secrets
        .iter()
        .map(|s| (s.name.as_str(), s.value_from.as_str()))
        .collect();
    assert_eq!(
        secrets,
        [
            ("DB_USER", "aws_secretsmanager_secret.db:username::"),
            ("DB_PASSWORD", "aws_secretsmanager_secret.db:password::")
        ]
    );
    assert!(inv.secret("aws_secretsmanager_secret.db").is_some());
}

#[test]
fn iam_roles_trust_inline_and_attached_policies() {
    let inv = curso();
    let exec = inv.iam_role("aws_iam_role.ecs_execution").unwrap();
    assert_eq!(exec.name, "mi-proyecto-dev-ecs-execution");
    assert_eq!(
        exec.assume_role_policy["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(exec.assume_role_policy["Statement"][0]["Effect"], "Allow");
    assert_eq!(
        exec.attached_policy_arns,
        ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    );
    let inline = &exec.inline_policies[0];
    assert_eq!(inline.name, "read-db-secret");
    assert_eq!(
        inline.document["Statement"][0]["Resource"],
        "aws_secretsmanager_secret.db"
    );
    assert_eq!(
        inline.document["Statement"][0]["Action"][0],
        "secretsmanager:GetSecretValue"
    );

    let task = inv.iam_role("mi-proyecto-dev-ecs-task").unwrap();
    assert_eq!(task.attached_policy_arns, ["aws_iam_policy.app_logs"]);
    let policy = inv.iam_policy("aws_iam_policy.app_logs").unwrap();
    assert_eq!(
        policy.document["Statement"][0]["Resource"],
        "aws_cloudwatch_log_group.app:*"
    );

    let logs = &inv.log_groups[0];
    assert_eq!(
        (logs.name.as_str(), logs.retention_days.clone()),
        ("/ecs/mi-proyecto-dev", Attr::Known(Some(14)))
    );
}

#[test]
fn snapshot_round_trips_and_never_holds_the_password() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/terraform/curso");
    let opts = cloudgrade_terraform::Options {
        env_vars: vec![("TF_VAR_db_password".into(), "Sup3rS3cretPassw0rd!".into())],
        ..Default::default()
    };
    let inv = cloudgrade_terraform::load_dir(&dir, &opts).unwrap();
    let json = inv.to_json();
    assert!(!json.contains("Sup3rS3cretPassw0rd"), "the password leaked");
    let back = Inventory::from_json(&json, "curso.json").unwrap();
    assert_eq!(back, inv);
}
