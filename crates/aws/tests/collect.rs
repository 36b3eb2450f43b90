//! The `aws` source against a real moto server: a world built through the
//! SDK is read back exactly, every call is a read the published policy
//! allows, an unreachable endpoint fails fast, and reads the endpoint cannot
//! answer become gaps (an unimplemented operation, throttling past retries).

mod collect_support;

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_ecs::types as ecst;
use cloudgrade_aws::collect::{CollectError, collect};
use cloudgrade_aws::config::{ConfigError, Target};
use cloudgrade_model::{
    AclEntry, Attr, EnvValue, GapReason, Inventory, ResourceKind, RouteTarget, SgPeer, SgRule,
    ValueFormat,
};
use collect_support::{ACLS_XML, Answer, Fake, Moto, assert_read_only, free_port, sdk};

/// The kinds of resource the `aws` source reads (the model holds more,
/// from other sources).
const AWS_KINDS: [ResourceKind; 20] = [
    ResourceKind::Vpc,
    ResourceKind::Subnet,
    ResourceKind::RouteTable,
    ResourceKind::InternetGateway,
    ResourceKind::NatGateway,
    ResourceKind::FlowLog,
    ResourceKind::LoadBalancer,
    ResourceKind::TargetGroup,
    ResourceKind::Listener,
    ResourceKind::SecurityGroup,
    ResourceKind::NetworkAcl,
    ResourceKind::DbInstance,
    ResourceKind::DbSubnetGroup,
    ResourceKind::EcsCluster,
    ResourceKind::EcsService,
    ResourceKind::TaskDefinition,
    ResourceKind::Secret,
    ResourceKind::IamRole,
    ResourceKind::IamPolicy,
    ResourceKind::LogGroup,
];

const DB_PASSWORD: &str = "Sup3rS3cretPassw0rd!";

/// What the test built, by the ids AWS gave it.
struct Built {
    vpc: String,
    public_a: String,
    public_b: String,
    private_a: String,
    private_b: String,
    igw: String,
    nat: String,
    nat_ip: String,
    public_rt: String,
    private_rt: String,
    main_rt: String,
    sg_alb: String,
    sg_app: String,
    sg_db: String,
    acl: String,
    secret_arn: String,
    execution_role: String,
    task_role: String,
    app_policy: String,
    cluster: String,
    service: String,
    app_rev1: String,
    app_rev2: String,
    worker_rev1: String,
}

fn role_trust() -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    })
    .to_string()
}

async fn build(conf: &SdkConfig) -> Built {
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    ec2.create_tags()
        .resources(&vpc)
        .tags(ec2t::Tag::builder().key("Name").value("curso").build())
        .send()
        .await
        .unwrap();
    let subnet = |cidr: &'static str, az: &'static str| {
        let ec2 = ec2.clone();
        let vpc = vpc.clone();
        async move {
            ec2.create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone(az)
                .send()
                .await
                .unwrap()
                .subnet
                .unwrap()
                .subnet_id
                .unwrap()
        }
    };
    let public_a = subnet("10.0.1.0/24", "us-east-1a").await;
    let public_b = subnet("10.0.2.0/24", "us-east-1b").await;
    let private_a = subnet("10.0.11.0/24", "us-east-1a").await;
    let private_b = subnet("10.0.12.0/24", "us-east-1b").await;
    ec2.modify_subnet_attribute()
        .subnet_id(&public_a)
        .map_public_ip_on_launch(ec2t::AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();

    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway
        .unwrap()
        .internet_gateway_id
        .unwrap();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let eip = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    let nat_ip = eip.public_ip.unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&public_a)
        .allocation_id(eip.allocation_id.unwrap())
        .send()
        .await
        .unwrap()
        .nat_gateway
        .unwrap()
        .nat_gateway_id
        .unwrap();

    let main_rt = ec2
        .describe_route_tables()
        .filters(ec2t::Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .unwrap()
        .route_tables
        .unwrap()
        .into_iter()
        .find(|t| t.associations().iter().any(|a| a.main == Some(true)))
        .unwrap()
        .route_table_id
        .unwrap();
    let new_rt = || async {
        ec2.create_route_table()
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap()
            .route_table
            .unwrap()
            .route_table_id
            .unwrap()
    };
    let public_rt = new_rt().await;
    let private_rt = new_rt().await;
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    ec2.create_route()
        .route_table_id(&private_rt)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat)
        .send()
        .await
        .unwrap();
    for (rt, sn) in [
        (&public_rt, &public_a),
        (&public_rt, &public_b),
        (&private_rt, &private_a),
        (&private_rt, &private_b),
    ] {
        ec2.associate_route_table()
            .route_table_id(rt)
            .subnet_id(sn)
            .send()
            .await
            .unwrap();
    }

    let sg = |name: &'static str| {
        let ec2 = ec2.clone();
        let vpc = vpc.clone();
        async move {
            ec2.create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id
                .unwrap()
        }
    };
    let sg_alb = sg("alb").await;
    let sg_app = sg("app").await;
    let sg_db = sg("db").await;
    ec2.authorize_security_group_ingress()
        .group_id(&sg_alb)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(80)
                .to_port(80)
                .ip_ranges(
                    ec2t::IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .description("web")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(&sg_app)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(8080)
                .to_port(8080)
                .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(&sg_alb).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // One permission with two peers: the collector must flatten it.
    ec2.authorize_security_group_ingress()
        .group_id(&sg_db)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(&sg_app).build())
                .ip_ranges(ec2t::IpRange::builder().cidr_ip("10.0.11.0/24").build())
                .build(),
        )
        .send()
        .await
        .unwrap();

    let acl = ec2
        .create_network_acl()
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .network_acl
        .unwrap()
        .network_acl_id
        .unwrap();
    let entry = |n: i32,
                 egress: bool,
                 proto: &'static str,
                 allow: bool,
                 cidr: &'static str,
                 ports: Option<(i32, i32)>| {
        let ec2 = ec2.clone();
        let acl = acl.clone();
        async move {
            let mut b = ec2
                .create_network_acl_entry()
                .network_acl_id(acl)
                .rule_number(n)
                .egress(egress)
                .protocol(proto)
                .rule_action(if allow {
                    ec2t::RuleAction::Allow
                } else {
                    ec2t::RuleAction::Deny
                })
                .cidr_block(cidr);
            if let Some((from, to)) = ports {
                b = b.port_range(ec2t::PortRange::builder().from(from).to(to).build());
            }
            b.send().await.unwrap();
        }
    };
    entry(100, false, "6", true, "10.0.0.0/16", Some((5432, 5432))).await;
    entry(200, false, "-1", false, "0.0.0.0/0", None).await;
    entry(100, true, "-1", true, "0.0.0.0/0", None).await;
    // Move private_b from the default ACL to the new one.
    let default_assoc = ec2
        .describe_network_acls()
        .filters(
            ec2t::Filter::builder()
                .name("association.subnet-id")
                .values(&private_b)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .network_acls
        .unwrap()
        .into_iter()
        .flat_map(|a| a.associations.unwrap_or_default())
        .find(|a| a.subnet_id.as_deref() == Some(private_b.as_str()))
        .unwrap()
        .network_acl_association_id
        .unwrap();
    ec2.replace_network_acl_association()
        .association_id(default_assoc)
        .network_acl_id(&acl)
        .send()
        .await
        .unwrap();

    let rds = aws_sdk_rds::Client::new(conf);
    rds.create_db_subnet_group()
        .db_subnet_group_name("curso-db")
        .db_subnet_group_description("db")
        .subnet_ids(&private_a)
        .subnet_ids(&private_b)
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier("curso-db")
        .engine("postgres")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("not-the-secret-1")
        .db_subnet_group_name("curso-db")
        .vpc_security_group_ids(&sg_db)
        .publicly_accessible(false)
        .storage_encrypted(true)
        .backup_retention_period(7)
        .multi_az(false)
        .deletion_protection(false)
        .send()
        .await
        .unwrap();

    let sm = aws_sdk_secretsmanager::Client::new(conf);
    let secret_arn = sm
        .create_secret()
        .name("curso/db")
        .secret_string(DB_PASSWORD)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    // moto rotates on a schedule without the Lambda AWS would want (not at
    // once, which leaves moto's current version without its value).
    sm.rotate_secret()
        .secret_id(&secret_arn)
        .rotate_immediately(false)
        .rotation_rules(
            aws_sdk_secretsmanager::types::RotationRulesType::builder()
                .automatically_after_days(30)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let iam = aws_sdk_iam::Client::new(conf);
    let execution_role = iam
        .create_role()
        .role_name("curso-execution")
        .assume_role_policy_document(role_trust())
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.put_role_policy()
        .role_name("curso-execution")
        .policy_name("read-db-secret")
        .policy_document(
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arn}]
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let task_role = iam
        .create_role()
        .role_name("curso-task")
        .assume_role_policy_document(role_trust())
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let app_policy = iam
        .create_policy()
        .policy_name("curso-app-logs")
        .policy_document(
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    iam.attach_role_policy()
        .role_name("curso-task")
        .policy_arn(&app_policy)
        .send()
        .await
        .unwrap();

    let logs = aws_sdk_cloudwatchlogs::Client::new(conf);
    logs.create_log_group()
        .log_group_name("/ecs/curso-app")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name("/ecs/curso-app")
        .retention_in_days(14)
        .send()
        .await
        .unwrap();

    let ecs = aws_sdk_ecs::Client::new(conf);
    let cluster = ecs
        .create_cluster()
        .cluster_name("curso")
        .settings(
            ecst::ClusterSetting::builder()
                .name(ecst::ClusterSettingName::ContainerInsights)
                .value("enabled")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .cluster
        .unwrap()
        .cluster_arn
        .unwrap();
    let register = |family: &'static str, log_level: &'static str| {
        let ecs = ecs.clone();
        let (execution_role, task_role, secret_arn) = (
            execution_role.clone(),
            task_role.clone(),
            secret_arn.clone(),
        );
        async move {
            let container = ecst::ContainerDefinition::builder()
                .name(family)
                .image("nginx:1.27")
                .environment(
                    ecst::KeyValuePair::builder()
                        .name("DB_PASSWORD")
                        .value(DB_PASSWORD)
                        .build(),
                )
                .environment(
                    ecst::KeyValuePair::builder()
                        .name("LOG_LEVEL")
                        .value(log_level)
                        .build(),
                )
                .secrets(
                    ecst::Secret::builder()
                        .name("DB_PASS")
                        .value_from(&secret_arn)
                        .build()
                        .unwrap(),
                )
                .log_configuration(
                    ecst::LogConfiguration::builder()
                        .log_driver(ecst::LogDriver::Awslogs)
                        .options("awslogs-group", "/ecs/curso-app")
                        .build()
                        .unwrap(),
                )
                .health_check(
                    ecst::HealthCheck::builder()
                        .command("CMD-SHELL")
                        .command("curl -f http://localhost/ || exit 1")
                        .build()
                        .unwrap(),
                )
                .build();
            ecs.register_task_definition()
                .family(family)
                .network_mode(ecst::NetworkMode::Awsvpc)
                .requires_compatibilities(ecst::Compatibility::Fargate)
                .cpu("256")
                .memory("512")
                .execution_role_arn(execution_role)
                .task_role_arn(task_role)
                .container_definitions(container)
                .send()
                .await
                .unwrap()
                .task_definition
                .unwrap()
                .task_definition_arn
                .unwrap()
        }
    };
    let app_rev1 = register("curso-app", "info").await;
    let app_rev2 = register("curso-app", "debug").await;
    let worker_rev1 = register("curso-worker", "info").await;
    // The service keeps running revision 1: both it and the latest (2) must be read.
    let service = ecs
        .create_service()
        .cluster(&cluster)
        .service_name("curso-app")
        .task_definition(&app_rev1)
        .desired_count(2)
        .launch_type(ecst::LaunchType::Fargate)
        .network_configuration(
            ecst::NetworkConfiguration::builder()
                .awsvpc_configuration(
                    ecst::AwsVpcConfiguration::builder()
                        .subnets(&private_a)
                        .subnets(&private_b)
                        .security_groups(&sg_app)
                        .assign_public_ip(ecst::AssignPublicIp::Disabled)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .service
        .unwrap()
        .service_arn
        .unwrap();

    Built {
        vpc,
        public_a,
        public_b,
        private_a,
        private_b,
        igw,
        nat,
        nat_ip,
        public_rt,
        private_rt,
        main_rt,
        sg_alb,
        sg_app,
        sg_db,
        acl,
        secret_arn,
        execution_role,
        task_role,
        app_policy,
        cluster,
        service,
        app_rev1,
        app_rev2,
        worker_rev1,
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn tcp(port: i32, peer: SgPeer) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        peer,
        description: None,
        origin: None,
    }
}

fn assert_world(inv: &Inventory, b: &Built) {
    assert!(inv.gaps.is_empty(), "unexpected gaps: {:?}", inv.gaps);
    assert_eq!(inv.source.kind, "aws");
    assert_eq!(inv.source.account_id.as_deref(), Some("123456789012"));
    assert_eq!(inv.source.region.as_deref(), Some("us-east-1"));

    // moto has a default VPC of its own: find ours by id, and check it is all of ours.
    let vpc = inv.vpc(&b.vpc).expect("our VPC");
    assert_eq!(vpc.cidr, Attr::Known("10.0.0.0/16".to_string()));
    assert_eq!(vpc.tags.get("Name").map(String::as_str), Some("curso"));
    // As EC2 creates a VPC: DNS support on, host names off.
    assert_eq!(vpc.dns_support, Some(Attr::Known(true)));
    assert_eq!(vpc.dns_hostnames, Some(Attr::Known(false)));
    let ours: Vec<String> = inv
        .subnets
        .iter()
        .filter(|s| s.vpc_id == b.vpc)
        .map(|s| s.id.clone())
        .collect();
    assert_eq!(
        sorted(ours),
        sorted(vec![
            b.public_a.clone(),
            b.public_b.clone(),
            b.private_a.clone(),
            b.private_b.clone()
        ])
    );
    let pa = inv.subnet(&b.public_a).unwrap();
    assert_eq!(pa.cidr, Attr::Known("10.0.1.0/24".to_string()));
    assert_eq!(pa.map_public_ip_on_launch, Attr::Known(true));
    assert_eq!(
        pa.availability_zone,
        Some(Attr::Known("us-east-1a".to_string()))
    );
    assert_eq!(
        inv.subnet(&b.private_b).unwrap().map_public_ip_on_launch,
        Attr::Known(false)
    );

    let igw = inv.internet_gateway(&b.igw).unwrap();
    assert_eq!(igw.attached_vpc_ids, vec![b.vpc.clone()]);
    let nat = inv.nat_gateway(&b.nat).unwrap();
    assert_eq!(
        (nat.subnet_id.as_str(), nat.vpc_id.as_str()),
        (b.public_a.as_str(), b.vpc.as_str())
    );
    assert_eq!(nat.public_ip, Some(Attr::Known(b.nat_ip.clone())));
    assert_eq!(nat.connectivity, "public");

    // Route tables: the main one, and two with explicit associations.
    let tables: Vec<String> = inv
        .route_tables
        .iter()
        .filter(|t| t.vpc_id == b.vpc)
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(
        sorted(tables),
        sorted(vec![
            b.main_rt.clone(),
            b.public_rt.clone(),
            b.private_rt.clone()
        ])
    );
    let main = inv.route_table(&b.main_rt).unwrap();
    assert!(main.main && main.subnet_ids.is_empty());
    assert_eq!(main.routes.len(), 1);
    assert_eq!(main.routes[0].target, RouteTarget::Local);
    let public = inv.route_table(&b.public_rt).unwrap();
    assert!(!public.main);
    assert_eq!(
        sorted(public.subnet_ids.clone()),
        sorted(vec![b.public_a.clone(), b.public_b.clone()])
    );
    let default_route = |t: &cloudgrade_model::RouteTable| {
        t.routes
            .iter()
            .find(|r| r.destination == Some(Attr::Known("0.0.0.0/0".into())))
            .unwrap()
            .clone()
    };
    assert_eq!(
        default_route(public).target,
        RouteTarget::InternetGateway(b.igw.clone())
    );
    assert!(!default_route(public).blackhole);
    let local = public
        .routes
        .iter()
        .find(|r| r.destination == Some(Attr::Known("10.0.0.0/16".into())))
        .unwrap();
    assert_eq!(local.target, RouteTarget::Local);
    let private = inv.route_table(&b.private_rt).unwrap();
    assert_eq!(
        sorted(private.subnet_ids.clone()),
        sorted(vec![b.private_a.clone(), b.private_b.clone()])
    );
    assert_eq!(
        default_route(private).target,
        RouteTarget::NatGateway(b.nat.clone())
    );

    // Security groups: rules flattened to one per peer, group references kept.
    let alb = inv.security_group(&b.sg_alb).unwrap();
    assert_eq!(alb.name, "alb");
    assert_eq!(alb.vpc_id, b.vpc);
    assert_eq!(
        alb.ingress,
        vec![SgRule {
            description: Some("web".into()),
            ..tcp(80, SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())))
        }]
    );
    assert_eq!(
        alb.egress,
        vec![SgRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            peer: SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
            description: None,
            origin: None
        }]
    );
    assert_eq!(
        inv.security_group(&b.sg_app).unwrap().ingress,
        vec![tcp(8080, SgPeer::SecurityGroup(b.sg_alb.clone()))]
    );
    let mut db_rules = inv.security_group(&b.sg_db).unwrap().ingress.clone();
    db_rules.sort_by_key(|r| format!("{:?}", r.peer));
    assert_eq!(
        db_rules,
        vec![
            tcp(5432, SgPeer::Cidr(Attr::Known("10.0.11.0/24".into()))),
            tcp(5432, SgPeer::SecurityGroup(b.sg_app.clone()))
        ]
    );

    // The custom network ACL, its entries (plus AWS's implicit deny-all at
    // 32767 that every ACL carries), and the subnet moved onto it.
    let acl = inv.network_acls.iter().find(|a| a.id == b.acl).unwrap();
    assert!(!acl.is_default);
    assert_eq!(acl.subnet_ids, vec![b.private_b.clone()]);
    let entry = |n, egress| {
        acl.entries
            .iter()
            .find(|e| e.rule_number == n && e.egress == egress)
            .unwrap()
            .clone()
    };
    assert_eq!(
        entry(100, false),
        AclEntry {
            rule_number: 100,
            egress: false,
            protocol: "6".into(),
            allow: true,
            cidr: Attr::Known("10.0.0.0/16".into()),
            from_port: Some(5432),
            to_port: Some(5432)
        }
    );
    let deny = entry(200, false);
    assert!(!deny.allow && deny.protocol == "-1" && deny.cidr == Attr::Known("0.0.0.0/0".into()));
    let out = entry(100, true);
    assert!(out.allow && out.egress && out.protocol == "-1");
    let default_acl = inv
        .network_acls
        .iter()
        .find(|a| a.vpc_id == b.vpc && a.is_default)
        .unwrap();
    assert!(
        default_acl.subnet_ids.contains(&b.private_a)
            && !default_acl.subnet_ids.contains(&b.private_b)
    );

    // RDS.
    assert_eq!(inv.db_instances.len(), 1);
    let db = &inv.db_instances[0];
    assert_eq!(
        (db.id.as_str(), db.engine.as_str()),
        ("curso-db", "postgres")
    );
    assert_eq!(db.port, Attr::Known(5432));
    assert_eq!(db.publicly_accessible, Attr::Known(false));
    assert_eq!(db.subnet_group.as_deref(), Some("curso-db"));
    assert_eq!(db.security_group_ids, vec![b.sg_db.clone()]);
    assert_eq!(db.storage_encrypted, Some(Attr::Known(true)));
    assert_eq!(db.backup_retention_days, Some(Attr::Known(7)));
    assert_eq!(db.multi_az, Some(Attr::Known(false)));
    assert_eq!(db.deletion_protection, Some(Attr::Known(false)));
    // Terraform's own arguments: no API holds them.
    assert_eq!(db.skip_final_snapshot, None);
    assert_eq!(db.final_snapshot_identifier, None);
    // AWS (and moto) choose the windows when none is given.
    assert!(db.backup_window.is_some() && db.maintenance_window.is_some());
    let group = inv.db_subnet_group("curso-db").unwrap();
    assert_eq!(group.vpc_id, b.vpc);
    assert_eq!(
        sorted(group.subnet_ids.clone()),
        sorted(vec![b.private_a.clone(), b.private_b.clone()])
    );

    // ECS: the cluster's setting, the service's network, and three task
    // definition revisions: the one the service runs and each family's latest.
    assert_eq!(inv.ecs_clusters.len(), 1);
    assert_eq!(inv.ecs_clusters[0].arn, b.cluster);
    assert_eq!(inv.ecs_clusters[0].name, "curso");
    assert_eq!(
        inv.ecs_clusters[0].container_insights,
        Some(Attr::Known(true))
    );
    assert_eq!(inv.ecs_services.len(), 1);
    let svc = &inv.ecs_services[0];
    assert_eq!(
        (svc.arn.as_str(), svc.name.as_str()),
        (b.service.as_str(), "curso-app")
    );
    assert_eq!(svc.cluster_arn, b.cluster);
    assert_eq!(svc.task_definition, b.app_rev1);
    assert_eq!(svc.launch_type.as_deref(), Some("FARGATE"));
    assert_eq!(svc.desired_count, Some(2));
    let net = svc.network.as_ref().unwrap();
    assert_eq!(
        sorted(net.subnet_ids.clone()),
        sorted(vec![b.private_a.clone(), b.private_b.clone()])
    );
    assert_eq!(net.security_group_ids, vec![b.sg_app.clone()]);
    assert_eq!(net.assign_public_ip, cloudgrade_model::Attr::Known(false));
    let arns: Vec<String> = inv.task_definitions.iter().map(|t| t.arn.clone()).collect();
    assert_eq!(
        sorted(arns),
        sorted(vec![
            b.app_rev1.clone(),
            b.app_rev2.clone(),
            b.worker_rev1.clone()
        ])
    );
    let rev1 = inv.task_definition(&b.app_rev1).unwrap();
    assert_eq!((rev1.family.as_str(), rev1.revision), ("curso-app", 1));
    assert_eq!(inv.task_definition(&b.app_rev2).unwrap().revision, 2);
    assert_eq!(rev1.network_mode.as_deref(), Some("awsvpc"));
    assert_eq!(rev1.requires_compatibilities, vec!["FARGATE".to_string()]);
    assert_eq!(
        rev1.execution_role_arn.as_deref(),
        Some(b.execution_role.as_str())
    );
    assert_eq!(rev1.task_role_arn.as_deref(), Some(b.task_role.as_str()));
    let c = &rev1.containers[0];
    assert_eq!(
        (c.name.as_str(), c.image.as_deref()),
        ("curso-app", Some("nginx:1.27"))
    );
    assert_eq!(c.log_driver.as_deref(), Some("awslogs"));
    assert!(c.has_health_check);
    assert_eq!(c.secrets.len(), 1);
    assert_eq!(
        (c.secrets[0].name.as_str(), c.secrets[0].value_from.as_str()),
        ("DB_PASS", b.secret_arn.as_str())
    );
    let env = |name: &str| {
        c.environment
            .iter()
            .find(|e| e.name == name)
            .unwrap()
            .value
            .clone()
    };
    match env("DB_PASSWORD") {
        EnvValue::Observed(f) => {
            assert_eq!(f.len, DB_PASSWORD.chars().count());
            assert_eq!(f.masked, "Su******************");
            assert!(f.class_count() >= 3);
        }
        other => panic!("{other:?}"),
    }
    match env("LOG_LEVEL") {
        EnvValue::Observed(f) => {
            assert!(!f.formats.contains(&ValueFormat::AwsSecretAccessKey) && f.len == 4)
        }
        other => panic!("{other:?}"),
    }

    // Secrets Manager: metadata only, and the value appears nowhere.
    assert_eq!(inv.secrets.len(), 1);
    assert_eq!(
        (inv.secrets[0].arn.as_str(), inv.secrets[0].name.as_str()),
        (b.secret_arn.as_str(), "curso/db")
    );
    // Its schedule, from ListSecrets' RotationRules.
    assert_eq!(
        (
            inv.secrets[0].rotation_enabled,
            inv.secrets[0].rotation_days
        ),
        (Some(true), Some(30))
    );
    assert!(
        !inv.to_json().contains(DB_PASSWORD),
        "a raw secret value reached the inventory"
    );

    // IAM: both roles, their trust policy, the inline policy decoded, the
    // customer-managed policy with its default version.
    let exec = inv.iam_role(&b.execution_role).unwrap();
    assert_eq!(exec.name, "curso-execution");
    assert_eq!(
        exec.assume_role_policy["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(exec.inline_policies.len(), 1);
    assert_eq!(exec.inline_policies[0].name, "read-db-secret");
    assert_eq!(
        exec.inline_policies[0].document["Statement"][0]["Resource"],
        b.secret_arn.as_str()
    );
    assert!(exec.attached_policy_arns.is_empty());
    let task = inv.iam_role(&b.task_role).unwrap();
    assert_eq!(task.attached_policy_arns, vec![b.app_policy.clone()]);
    assert!(task.inline_policies.is_empty());
    let policy = inv.iam_policy(&b.app_policy).unwrap();
    assert_eq!(policy.name, "curso-app-logs");
    assert_eq!(
        policy.document["Statement"][0]["Action"][1],
        "logs:PutLogEvents"
    );

    let lg = inv
        .log_groups
        .iter()
        .find(|g| g.name == "/ecs/curso-app")
        .unwrap();
    assert_eq!(lg.retention_days, Attr::Known(Some(14)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_exactly_the_world_built_in_moto() {
    let moto = Moto::start();
    let built = build(&sdk(&moto.url(), "testing", "testing").await).await;
    let target = Target {
        endpoint_url: Some(moto.url()),
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let collected = collect(&target).await.unwrap();
    assert_world(&collected.inventory, &built);
    assert_eq!(collected.inventory.source.location, moto.url());

    // Every read once: identity, 8 EC2 (flow logs among them), 2 RDS, ECS (list + describe clusters,
    // list + describe services, families, 2 latest + 1 in-use revision),
    // 1 secrets, 1 IAM, 1 logs, 1 load balancers and 1 target groups (no balancer, so no
    // listener to ask for; RDS's own parameter group, so no parameter read); and two DNS
    // attributes for each of the two VPCs (the default one and the world's).
    let ops = collected.calls.operations();
    eprintln!(
        "collect: {} API calls in {:?} ({} retries): {ops:?}",
        collected.calls.total(),
        collected.elapsed,
        collected.calls.retries()
    );
    assert_eq!(collected.calls.retries(), 0);
    assert!(ops.values().all(|&n| n == 1 || n == 3 || n == 4), "{ops:?}");
    assert_eq!(ops.get("ecs:DescribeTaskDefinition"), Some(&3));
    assert_eq!(ops.get("ec2:DescribeVpcAttribute"), Some(&4));
    assert_eq!(collected.calls.total(), 28, "{ops:?}");
    assert!(collected.calls.total() <= 30);
}

/// A MySQL instance on groups of its own: each group is read once, with
/// the family, engine and settings the instance's version is checked against.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_databases_own_parameter_and_option_groups_are_read() {
    let moto = Moto::start();
    let rds = aws_sdk_rds::Client::new(&sdk(&moto.url(), "testing", "testing").await);
    rds.create_db_parameter_group()
        .db_parameter_group_name("app-mysql")
        .db_parameter_group_family("mysql8.0")
        .description("app")
        .send()
        .await
        .unwrap();
    rds.modify_db_parameter_group()
        .db_parameter_group_name("app-mysql")
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("require_secure_transport")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .unwrap();
    rds.create_option_group()
        .option_group_name("app-options")
        .engine_name("mysql")
        .major_engine_version("8.0")
        .option_group_description("app")
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier("app")
        .engine("mysql")
        .engine_version("8.0.39")
        .db_instance_class("db.t4g.micro")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password(DB_PASSWORD)
        .db_parameter_group_name("app-mysql")
        .option_group_name("app-options")
        .send()
        .await
        .unwrap();
    let collected = collect(&Target {
        endpoint_url: Some(moto.url()),
        region: Some("us-east-1".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let inv = &collected.inventory;
    let db = &inv.db_instances[0];
    assert_eq!(db.parameter_group, Some(Attr::Known("app-mysql".into())));
    assert_eq!(db.option_group, Some(Attr::Known("app-options".into())));
    let g = &inv.db_parameter_groups[0];
    assert_eq!(g.family, Attr::Known("mysql8.0".into()));
    assert_eq!(
        g.parameters.get("require_secure_transport"),
        Some(&Attr::Known("1".into())),
        "{:?}",
        g.parameters
    );
    let o = &inv.db_option_groups[0];
    assert_eq!(
        (&o.engine, &o.major_engine_version),
        (&Attr::Known("mysql".into()), &Attr::Known("8.0".into()))
    );
    let ops = collected.calls.operations();
    for op in [
        "rds:DescribeDBParameterGroups",
        "rds:DescribeDBParameters",
        "rds:DescribeOptionGroups",
    ] {
        assert_eq!(ops.get(op), Some(&1), "{ops:?}");
    }
    assert_read_only(&ops);
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_is_a_read_the_published_policy_allows() {
    let moto = Moto::start();
    build(&sdk(&moto.url(), "testing", "testing").await).await;
    let target = Target {
        endpoint_url: Some(moto.url()),
        ..Default::default()
    };
    let collected = collect(&target).await.unwrap();
    let ops = collected.calls.operations();
    assert_read_only(&ops);
    // Every service was read: the check above is not vacuous.
    for service in ["sts", "ec2", "rds", "ecs", "secretsmanager", "iam", "logs"] {
        assert!(
            ops.keys().any(|k| k.starts_with(&format!("{service}:"))),
            "{service} not read: {ops:?}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_fast_with_one_spanish_line() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let start = Instant::now();
    let err = match collect(&Target {
        endpoint_url: Some(url.clone()),
        ..Default::default()
    })
    .await
    {
        Err(e) => e,
        Ok(_) => panic!("collected from a closed port"),
    };
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, CollectError::Unreachable { .. }), "{err:?}");
    let line = err.to_string();
    assert!(
        line.starts_with(&format!("no se pudo conectar con {url}")),
        "{line}"
    );
    assert!(
        line.contains("¿está en marcha el emulador?") && !line.contains('\n'),
        "{line}"
    );
}

#[tokio::test]
async fn a_malformed_endpoint_is_a_configuration_error() {
    let err = collect(&Target {
        endpoint_url: Some("localhost:4566".into()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    assert!(
        matches!(err, CollectError::Config(ConfigError::BadEndpoint { .. })),
        "{err:?}"
    );
}

/// Moto implements every operation the collector uses, so a missing one is
/// played by a fake endpoint answering like moto does (HTTP 500 and an HTML
/// page); EC2's DescribeVpcs is throttled on every attempt.
#[tokio::test]
async fn reads_the_endpoint_cannot_answer_become_gaps_not_empty_lists() {
    let fake = Fake::start(|action| match action {
        "GetCallerIdentity" => Answer::Identity,
        "DescribeVpcs" => Answer::Throttle,
        _ => Answer::Crash,
    });
    let start = Instant::now();
    let collected = collect(&Target {
        endpoint_url: Some(fake.url()),
        ..Default::default()
    })
    .await
    .unwrap();
    let inv = &collected.inventory;

    let vpc_gap: Vec<_> = inv.gaps_for(ResourceKind::Vpc).collect();
    assert_eq!(vpc_gap.len(), 1, "{:?}", inv.gaps);
    assert_eq!(vpc_gap[0].operation, "ec2:DescribeVpcs");
    assert_eq!(vpc_gap[0].reason, GapReason::Throttled);
    // Throttling is retried (eight attempts, each counted); the crashes are not.
    assert_eq!(
        collected.calls.operations().get("ec2:DescribeVpcs"),
        Some(&8)
    );
    assert_eq!(
        collected.calls.operations().get("ec2:DescribeSubnets"),
        Some(&1)
    );
    assert_eq!(collected.calls.retries(), 7);

    // Every other kind is unknown, as unsupported, under the operation that failed.
    for kind in AWS_KINDS.into_iter().filter(|k| *k != ResourceKind::Vpc) {
        let g: Vec<_> = inv.gaps_for(kind).collect();
        assert!(!g.is_empty(), "{kind:?} has no gap: {:?}", inv.gaps);
        assert!(
            g.iter().all(|g| g.reason == GapReason::Unsupported),
            "{g:?}"
        );
    }
    assert_eq!(
        inv.gaps_for(ResourceKind::NetworkAcl)
            .next()
            .unwrap()
            .operation,
        "ec2:DescribeNetworkAcls"
    );
    assert_eq!(
        inv.gaps_for(ResourceKind::Secret).next().unwrap().operation,
        "secretsmanager:ListSecrets"
    );
    // IAM tries the bulk call, then the per-role fallback: the gap names the fallback.
    assert_eq!(
        inv.gaps_for(ResourceKind::IamRole)
            .next()
            .unwrap()
            .operation,
        "iam:ListRoles"
    );
    assert!(inv.vpcs.is_empty() && inv.subnets.is_empty());
    assert_eq!(inv.source.account_id.as_deref(), Some("123456789012"));
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        fake.seen
            .lock()
            .unwrap()
            .iter()
            .all(|a| a != "GetSecretValue")
    );
}

/// The SDK's XML reader takes a DescribeNetworkAcls cut at half as a list
/// with fewer ACLs (or one without its rules), its JSON reader an empty 200
/// as "no clusters": both must be gaps naming the read, never data.
#[tokio::test]
async fn a_cut_or_empty_answer_is_a_gap_not_fewer_resources() {
    let fake = Fake::start(|action| match action {
        "GetCallerIdentity" => Answer::Identity,
        "DescribeNetworkAcls" => Answer::CutAcls,
        "ListClusters" => Answer::EmptyOk,
        _ => Answer::Crash,
    });
    let collected = collect(&Target {
        endpoint_url: Some(fake.url()),
        ..Default::default()
    })
    .await
    .unwrap();
    let inv = &collected.inventory;
    assert!(inv.network_acls.is_empty(), "{:?}", inv.network_acls);
    let acl: Vec<_> = inv.gaps_for(ResourceKind::NetworkAcl).collect();
    assert_eq!(acl.len(), 1, "{:?}", inv.gaps);
    assert_eq!(acl[0].operation, "ec2:DescribeNetworkAcls");
    assert_eq!(acl[0].reason, GapReason::Other);
    assert!(
        acl[0].message.starts_with(&format!(
            "la respuesta (HTTP 200, {} bytes) no es un documento XML completo",
            ACLS_XML.len() / 2
        )),
        "{}",
        acl[0].message
    );
    let ecs: Vec<_> = inv.gaps_for(ResourceKind::EcsCluster).collect();
    assert_eq!(ecs.len(), 1, "{:?}", inv.gaps);
    assert_eq!(ecs[0].operation, "ecs:ListClusters");
    assert_eq!(ecs[0].reason, GapReason::Other);
    assert!(
        ecs[0]
            .message
            .contains("no es un documento JSON completo: el cuerpo está vacío"),
        "{}",
        ecs[0].message
    );
    // Services live in clusters: unknown too, under the same read.
    assert!(
        inv.gaps_for(ResourceKind::EcsService)
            .any(|g| g.operation == "ecs:ListClusters"),
        "{:?}",
        inv.gaps
    );
}

/// The first call: throttling gets the whole retry budget, and neither it
/// nor a server error is "credenciales rechazadas".
#[tokio::test]
async fn a_throttled_or_crashing_first_call_says_what_it_is() {
    let fake = Fake::start(|action| match action {
        "GetCallerIdentity" => Answer::Throttle,
        _ => Answer::Crash,
    });
    let err = match collect(&Target {
        endpoint_url: Some(fake.url()),
        ..Default::default()
    })
    .await
    {
        Err(e) => e,
        Ok(_) => panic!("collected past a throttled first call"),
    };
    let line = err.to_string();
    assert!(matches!(err, CollectError::FirstCall { .. }), "{err:?}");
    assert!(
        line.contains(
            "no respondió a la primera llamada (sts:GetCallerIdentity): limitó la frecuencia"
        ) && line.contains("RequestLimitExceeded")
            && !line.contains("credenciales"),
        "{line}"
    );
    let attempts = fake
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|a| *a == "GetCallerIdentity")
        .count();
    assert_eq!(attempts, 8, "the first call's retry budget");

    let fake = Fake::start(|_| Answer::Crash);
    let err = collect(&Target {
        endpoint_url: Some(fake.url()),
        ..Default::default()
    })
    .await
    .err()
    .unwrap();
    let line = err.to_string();
    assert!(
        line.ends_with("el endpoint respondió HTTP 500 sin un error de AWS reconocible")
            && !line.contains("credenciales"),
        "{line}"
    );
}
