//! Small builders for the Inventories the analysis tests reason about.

use cloudgrade_model::*;

pub fn tags(name: &str) -> Tags {
    let mut t = Tags::new();
    if !name.is_empty() {
        t.insert("Name".into(), name.into());
    }
    t
}

/// A PostgreSQL instance on 5432, private, in no subnet group, of which
/// the source said nothing else.
pub fn db_instance(id: &str) -> DbInstance {
    DbInstance {
        id: id.into(),
        engine: "postgres".into(),
        engine_version: None,
        port: Attr::Known(5432),
        publicly_accessible: Attr::Known(false),
        subnet_group: None,
        security_group_ids: Vec::new(),
        storage_encrypted: None,
        backup_retention_days: None,
        multi_az: None,
        deletion_protection: None,
        skip_final_snapshot: None,
        final_snapshot_identifier: None,
        backup_window: None,
        maintenance_window: None,
        auto_minor_version_upgrade: None,
        master_username: None,
        master_user_secret_arn: None,
        parameter_group: None,
        option_group: None,
        tags: Tags::new(),
        origin: None,
    }
}

/// A task definition `td` whose container `app` listens on `port`.
pub fn task_definition_on(port: i32) -> TaskDefinition {
    serde_json::from_value(serde_json::json!({
        "arn": "td", "family": "app", "revision": 1, "status": "ACTIVE",
        "containers": [{"name": "app", "ports": [port]}]
    }))
    .expect("a task definition")
}

pub fn empty() -> Inventory {
    Inventory::new(SourceInfo {
        kind: "test".into(),
        location: "memoria".into(),
        region: None,
        account_id: None,
    })
}

pub fn vpc(id: &str, cidr: &str) -> Vpc {
    Vpc {
        id: id.into(),
        cidr: Attr::Known(cidr.into()),
        secondary_cidrs: Vec::new(),
        is_default: false,
        dns_support: None,
        dns_hostnames: None,
        tags: Tags::new(),
        origin: None,
    }
}

pub fn subnet(id: &str, vpc: &str, cidr: &str, name: &str) -> Subnet {
    Subnet {
        id: id.into(),
        vpc_id: vpc.into(),
        cidr: Attr::Known(cidr.into()),
        availability_zone: Some(Attr::Known("us-east-1a".into())),
        map_public_ip_on_launch: Attr::Known(false),
        tags: tags(name),
        origin: None,
    }
}

/// A subnet with these tags and nothing else said of it.
pub fn tagged_subnet(id: &str, tags: &[(&str, &str)]) -> Subnet {
    Subnet {
        id: id.into(),
        vpc_id: "vpc-1".into(),
        cidr: Attr::Known("10.0.1.0/24".into()),
        availability_zone: None,
        map_public_ip_on_launch: Attr::Known(false),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        origin: None,
    }
}

/// A Fargate service `app` placing its tasks in `subnets`.
pub fn ecs_service(subnets: &[&str], public_ip: Attr<bool>) -> EcsService {
    EcsService {
        arn: "svc".into(),
        name: "app".into(),
        cluster_arn: "c".into(),
        task_definition: "td".into(),
        launch_type: Some("FARGATE".into()),
        desired_count: Some(1),
        network: Some(AwsVpcConfig {
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: vec![],
            assign_public_ip: public_ip,
        }),
        load_balancers: Vec::new(),
        deployment: None,
        origin: None,
    }
}

pub fn route(dest: &str, target: RouteTarget) -> Route {
    Route {
        destination: Some(Attr::Known(dest.into())),
        destination_ipv6: None,
        prefix_list_id: None,
        target,
        blackhole: false,
        origin: None,
    }
}

pub fn local(cidr: &str) -> Route {
    route(cidr, RouteTarget::Local)
}

pub fn igw_target(id: &str) -> RouteTarget {
    RouteTarget::InternetGateway(id.into())
}

pub fn nat_target(id: &str) -> RouteTarget {
    RouteTarget::NatGateway(id.into())
}

pub fn table(id: &str, vpc: &str, main: bool, subnets: &[&str], routes: Vec<Route>) -> RouteTable {
    RouteTable {
        id: id.into(),
        vpc_id: vpc.into(),
        main,
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        routes,
        tags: Tags::new(),
        origin: None,
    }
}

pub fn igw(id: &str, vpc: &str) -> InternetGateway {
    InternetGateway {
        id: id.into(),
        attached_vpc_ids: vec![vpc.into()],
        tags: Tags::new(),
        origin: None,
    }
}

pub fn nat(id: &str, subnet: &str, vpc: &str) -> NatGateway {
    NatGateway {
        id: id.into(),
        subnet_id: subnet.into(),
        vpc_id: vpc.into(),
        state: "available".into(),
        connectivity: "public".into(),
        public_ip: Some(Attr::Known("54.10.20.30".into())),
        tags: Tags::new(),
        origin: None,
    }
}

/// A VPC 10.0.0.0/16 the way the course builds it: a public subnet with the
/// NAT gateway, a private one for the tasks, another for the database.
/// The main table keeps only the local route.
pub fn course_vpc() -> Inventory {
    let mut inv = empty();
    inv.vpcs.push(vpc("vpc-1", "10.0.0.0/16"));
    inv.subnets
        .push(subnet("subnet-pub", "vpc-1", "10.0.1.0/24", "publica-a"));
    inv.subnets
        .push(subnet("subnet-app", "vpc-1", "10.0.11.0/24", "privada-a"));
    inv.subnets
        .push(subnet("subnet-db", "vpc-1", "10.0.21.0/24", "datos-a"));
    inv.internet_gateways.push(igw("igw-1", "vpc-1"));
    inv.nat_gateways.push(nat("nat-1", "subnet-pub", "vpc-1"));
    inv.route_tables.push(table(
        "rtb-main",
        "vpc-1",
        true,
        &[],
        vec![local("10.0.0.0/16")],
    ));
    inv.route_tables.push(table(
        "rtb-pub",
        "vpc-1",
        false,
        &["subnet-pub"],
        vec![
            local("10.0.0.0/16"),
            route("0.0.0.0/0", igw_target("igw-1")),
        ],
    ));
    inv.route_tables.push(table(
        "rtb-priv",
        "vpc-1",
        false,
        &["subnet-app", "subnet-db"],
        vec![
            local("10.0.0.0/16"),
            route("0.0.0.0/0", nat_target("nat-1")),
        ],
    ));
    inv
}

pub fn table_mut<'a>(inv: &'a mut Inventory, id: &str) -> &'a mut RouteTable {
    inv.route_tables.iter_mut().find(|t| t.id == id).unwrap()
}

/// One security-group rule for one peer.
pub fn rule(proto: &str, from: Option<i32>, to: Option<i32>, peer: SgPeer) -> SgRule {
    SgRule {
        protocol: proto.into(),
        from_port: from,
        to_port: to,
        peer,
        description: None,
        origin: None,
    }
}

/// A security group of `vpc-1` with these rules, its description unsaid.
pub fn group(id: &str, name: &str, ingress: Vec<SgRule>, egress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: name.into(),
        vpc_id: "vpc-1".into(),
        description: None,
        ingress,
        egress,
        tags: Tags::new(),
        origin: None,
    }
}

/// One network ACL entry.
pub fn entry(
    n: i32,
    egress: bool,
    proto: &str,
    allow: bool,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> AclEntry {
    AclEntry {
        rule_number: n,
        egress,
        protocol: proto.into(),
        allow,
        cidr: Attr::Known(cidr.into()),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
    }
}

/// A gap of something the source did not model.
pub fn gap(kind: ResourceKind, operation: &str, message: &str) -> Gap {
    Gap {
        kind,
        operation: operation.into(),
        reason: GapReason::NotModelled,
        message: message.into(),
    }
}

/// A role `name` with this trust policy, one inline policy `p0`, `p1`... per
/// document, and these managed policies attached by ARN.
pub fn iam_role(
    name: &str,
    trust: serde_json::Value,
    inline: Vec<serde_json::Value>,
    attached: &[&str],
) -> IamRole {
    IamRole {
        arn: format!("arn:aws:iam::123456789012:role/{name}"),
        name: name.into(),
        assume_role_policy: trust,
        inline_policies: inline
            .into_iter()
            .enumerate()
            .map(|(i, document)| InlinePolicy {
                name: format!("p{i}"),
                document,
            })
            .collect(),
        attached_policy_arns: attached.iter().map(|s| s.to_string()).collect(),
        origin: None,
    }
}
