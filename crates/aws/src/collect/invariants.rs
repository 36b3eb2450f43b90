//! What AWS always answers, checked on what was read. A response can be a
//! whole document and still not be a whole answer (an emulator that drops a
//! field, a proxy that rewrites a body, a read that raced a deletion): then
//! a resource comes back without its id, a network ACL without the `*` rules
//! every ACL has, a route table associated with a subnet the subnet read did
//! not return. Grading that would blame the student for a broken read, so
//! each violation is a [`Gap`] naming the read it makes doubtful, and the
//! resource that breaks it is dropped: never data.
//!
//! Cross-references are checked only between two reads that both succeeded
//! (a kind with a gap is already unknown) and only where AWS enforces them:
//! a subnet cannot be deleted while a route table or an ACL is associated
//! with it, nor a VPC while it has subnets.

use std::collections::BTreeSet;

use cloudgrade_model::{Gap, GapReason, Inventory, ResourceKind};

use super::errors::Endpoint;

/// The read each kind comes from, for the gaps' `operation`.
fn operation(kind: ResourceKind) -> &'static str {
    use ResourceKind::*;
    match kind {
        Vpc => "ec2:DescribeVpcs",
        Subnet => "ec2:DescribeSubnets",
        RouteTable => "ec2:DescribeRouteTables",
        InternetGateway => "ec2:DescribeInternetGateways",
        NatGateway => "ec2:DescribeNatGateways",
        FlowLog => "ec2:DescribeFlowLogs",
        LoadBalancer => "elasticloadbalancing:DescribeLoadBalancers",
        TargetGroup => "elasticloadbalancing:DescribeTargetGroups",
        Listener => "elasticloadbalancing:DescribeListeners",
        DbParameterGroup => "rds:DescribeDBParameterGroups",
        DbOptionGroup => "rds:DescribeOptionGroups",
        SecurityGroup => "ec2:DescribeSecurityGroups",
        NetworkAcl => "ec2:DescribeNetworkAcls",
        DbInstance => "rds:DescribeDBInstances",
        DbSubnetGroup => "rds:DescribeDBSubnetGroups",
        EcsCluster => "ecs:DescribeClusters",
        EcsService => "ecs:DescribeServices",
        TaskDefinition => "ecs:DescribeTaskDefinition",
        Secret => "secretsmanager:ListSecrets",
        IamRole => "iam:GetAccountAuthorizationDetails",
        IamPolicy => "iam:GetAccountAuthorizationDetails",
        LogGroup => "logs:DescribeLogGroups",
        DockerImage | Dockerfile => "",
    }
}

fn gap(kind: ResourceKind, message: String) -> Gap {
    Gap {
        kind,
        operation: operation(kind).to_string(),
        reason: GapReason::Other,
        message,
    }
}

/// Drops what breaks an invariant and records why, in `inv.gaps`.
pub fn check(inv: &mut Inventory, ep: Endpoint) {
    let mut found = Vec::new();
    ids(inv, &mut found);
    acl_default_rules(inv, ep, &mut found);
    references(inv, &mut found);
    inv.gaps.extend(found);
}

/// Removes the items without an id, one gap per kind that had any.
fn drop_unnamed<T>(
    items: &mut Vec<T>,
    kind: ResourceKind,
    id: impl Fn(&T) -> &str,
    found: &mut Vec<Gap>,
) {
    let before = items.len();
    items.retain(|x| !id(x).trim().is_empty());
    let dropped = before - items.len();
    if dropped > 0 {
        found.push(gap(
            kind,
            format!(
                "{dropped} de {before} {} llegaron sin identificador: AWS siempre lo devuelve, así que la respuesta está incompleta",
                kind.label_es()
            ),
        ));
    }
}

fn ids(inv: &mut Inventory, found: &mut Vec<Gap>) {
    use ResourceKind as K;
    drop_unnamed(&mut inv.vpcs, K::Vpc, |x| &x.id, found);
    drop_unnamed(&mut inv.subnets, K::Subnet, |x| &x.id, found);
    drop_unnamed(&mut inv.route_tables, K::RouteTable, |x| &x.id, found);
    drop_unnamed(
        &mut inv.internet_gateways,
        K::InternetGateway,
        |x| &x.id,
        found,
    );
    drop_unnamed(&mut inv.nat_gateways, K::NatGateway, |x| &x.id, found);
    drop_unnamed(&mut inv.security_groups, K::SecurityGroup, |x| &x.id, found);
    drop_unnamed(&mut inv.network_acls, K::NetworkAcl, |x| &x.id, found);
    drop_unnamed(&mut inv.db_instances, K::DbInstance, |x| &x.id, found);
    drop_unnamed(
        &mut inv.db_subnet_groups,
        K::DbSubnetGroup,
        |x| &x.name,
        found,
    );
    drop_unnamed(&mut inv.ecs_clusters, K::EcsCluster, |x| &x.arn, found);
    drop_unnamed(&mut inv.ecs_services, K::EcsService, |x| &x.arn, found);
    drop_unnamed(
        &mut inv.task_definitions,
        K::TaskDefinition,
        |x| &x.arn,
        found,
    );
    drop_unnamed(&mut inv.secrets, K::Secret, |x| &x.arn, found);
    drop_unnamed(&mut inv.iam_roles, K::IamRole, |x| &x.arn, found);
    drop_unnamed(&mut inv.iam_policies, K::IamPolicy, |x| &x.arn, found);
    drop_unnamed(&mut inv.log_groups, K::LogGroup, |x| &x.name, found);
    drop_unnamed(&mut inv.flow_logs, K::FlowLog, |x| &x.id, found);
    drop_unnamed(&mut inv.load_balancers, K::LoadBalancer, |x| &x.arn, found);
    drop_unnamed(&mut inv.target_groups, K::TargetGroup, |x| &x.arn, found);
    drop_unnamed(&mut inv.listeners, K::Listener, |x| &x.arn, found);
    drop_unnamed(
        &mut inv.db_parameter_groups,
        K::DbParameterGroup,
        |x| &x.name,
        found,
    );
    drop_unnamed(
        &mut inv.db_option_groups,
        K::DbOptionGroup,
        |x| &x.name,
        found,
    );
}

/// Every network ACL ends with rule `*` (32767) denying all IPv4 traffic,
/// inbound and outbound; AWS lists both and no call can remove them. An ACL
/// without them was not read whole, and its other rules cannot be trusted
/// to be all there either. Emulators are held to what they do: moto (and
/// LocalStack, which bundles it) gives the `*` rules to each VPC's default
/// ACL only, so there only the default ACL is checked.
fn acl_default_rules(inv: &mut Inventory, ep: Endpoint, found: &mut Vec<Gap>) {
    let mut broken = Vec::new();
    inv.network_acls.retain(|acl| {
        if ep == Endpoint::Emulator && !acl.is_default {
            return true;
        }
        let has = |egress: bool| {
            acl.entries
                .iter()
                .any(|e| e.rule_number == 32767 && e.egress == egress && !e.allow)
        };
        let ok = has(false) && has(true);
        if !ok {
            broken.push(acl.id.clone());
        }
        ok
    });
    if !broken.is_empty() {
        found.push(gap(
            ResourceKind::NetworkAcl,
            format!(
                "{} llegó sin sus reglas `*` (32767) de entrada y de salida, que toda network ACL tiene: la respuesta está incompleta",
                broken.join(", ")
            ),
        ));
    }
}

fn read_whole(inv: &Inventory, kind: ResourceKind) -> bool {
    inv.gaps_for(kind).next().is_none()
}

/// A reference from a resource of `from` to an id of `to` that the read of
/// `to` did not return. The gap goes on `to`: its list is the one missing
/// something.
fn dangling<'a>(
    inv: &Inventory,
    from: ResourceKind,
    to: ResourceKind,
    known: &BTreeSet<&str>,
    refs: impl Iterator<Item = (&'a str, &'a str)>,
    found: &mut Vec<Gap>,
) {
    if !read_whole(inv, from) || !read_whole(inv, to) {
        return;
    }
    let missing: Vec<String> = refs
        .filter(|(_, id)| !id.is_empty() && !known.contains(id))
        .map(|(who, id)| format!("{who} → {id}"))
        .collect();
    if !missing.is_empty() {
        found.push(gap(
            to,
            format!(
                "{} hace referencia a {} que {} no devolvió ({}): la respuesta está incompleta",
                from.label_es(),
                to.label_es(),
                operation(to),
                missing.join(", ")
            ),
        ));
    }
}

fn references(inv: &Inventory, found: &mut Vec<Gap>) {
    use ResourceKind as K;
    let vpcs: BTreeSet<&str> = inv.vpcs.iter().map(|v| v.id.as_str()).collect();
    let subnets: BTreeSet<&str> = inv.subnets.iter().map(|s| s.id.as_str()).collect();
    let groups: BTreeSet<&str> = inv
        .db_subnet_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let clusters: BTreeSet<&str> = inv.ecs_clusters.iter().map(|c| c.arn.as_str()).collect();
    let mut out = Vec::new();
    dangling(
        inv,
        K::Subnet,
        K::Vpc,
        &vpcs,
        inv.subnets
            .iter()
            .map(|s| (s.id.as_str(), s.vpc_id.as_str())),
        &mut out,
    );
    dangling(
        inv,
        K::RouteTable,
        K::Subnet,
        &subnets,
        inv.route_tables
            .iter()
            .flat_map(|r| r.subnet_ids.iter().map(|s| (r.id.as_str(), s.as_str()))),
        &mut out,
    );
    dangling(
        inv,
        K::NetworkAcl,
        K::Subnet,
        &subnets,
        inv.network_acls
            .iter()
            .flat_map(|a| a.subnet_ids.iter().map(|s| (a.id.as_str(), s.as_str()))),
        &mut out,
    );
    dangling(
        inv,
        K::NatGateway,
        K::Subnet,
        &subnets,
        inv.nat_gateways
            .iter()
            // A deleted NAT gateway is listed for an hour after its subnet
            // may be gone.
            .filter(|n| n.state != "deleted" && n.state != "deleting")
            .map(|n| (n.id.as_str(), n.subnet_id.as_str())),
        &mut out,
    );
    dangling(
        inv,
        K::DbSubnetGroup,
        K::Subnet,
        &subnets,
        inv.db_subnet_groups
            .iter()
            .flat_map(|g| g.subnet_ids.iter().map(|s| (g.name.as_str(), s.as_str()))),
        &mut out,
    );
    dangling(
        inv,
        K::DbInstance,
        K::DbSubnetGroup,
        &groups,
        inv.db_instances
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.subnet_group.as_deref()?))),
        &mut out,
    );
    dangling(
        inv,
        K::EcsService,
        K::EcsCluster,
        &clusters,
        inv.ecs_services
            .iter()
            .map(|s| (s.name.as_str(), s.cluster_arn.as_str())),
        &mut out,
    );
    found.extend(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudgrade_model::{AclEntry, Attr, NetworkAcl, RouteTable, SourceInfo, Subnet, Vpc};

    fn acl(id: &str, entries: &[(i32, bool, bool)], subnets: &[&str]) -> NetworkAcl {
        NetworkAcl {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            entries: entries
                .iter()
                .map(|&(rule_number, egress, allow)| {
                    AclEntry::all_traffic(rule_number, egress, allow)
                })
                .collect(),
            tags: Default::default(),
            origin: None,
        }
    }

    fn world() -> Inventory {
        let mut inv = Inventory::new(SourceInfo::default());
        inv.vpcs.push(Vpc {
            id: "vpc-1".into(),
            cidr: Attr::Known("10.0.0.0/16".into()),
            secondary_cidrs: Vec::new(),
            is_default: false,
            dns_support: None,
            dns_hostnames: None,
            tags: Default::default(),
            origin: None,
        });
        inv.subnets.push(Subnet {
            id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            cidr: Attr::Known("10.0.1.0/24".into()),
            availability_zone: None,
            map_public_ip_on_launch: Attr::Known(false),
            tags: Default::default(),
            origin: None,
        });
        inv.route_tables.push(RouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec!["subnet-1".into()],
            routes: vec![],
            tags: Default::default(),
            origin: None,
        });
        inv.network_acls.push(acl(
            "acl-1",
            &[
                (100, false, true),
                (32767, false, false),
                (32767, true, false),
            ],
            &["subnet-1"],
        ));
        inv
    }

    #[test]
    fn a_whole_answer_passes_untouched() {
        let mut inv = world();
        check(&mut inv, Endpoint::Aws);
        assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
        assert_eq!(inv.network_acls.len(), 1);
    }

    #[test]
    fn an_acl_without_its_star_rules_is_a_gap_and_is_dropped() {
        // What a DescribeNetworkAcls cut after its first entries reads as.
        let mut inv = world();
        inv.network_acls
            .push(acl("acl-2", &[(100, false, true)], &[]));
        check(&mut inv, Endpoint::Aws);
        assert_eq!(inv.network_acls.len(), 1);
        let g: Vec<_> = inv.gaps_for(ResourceKind::NetworkAcl).collect();
        assert_eq!(g.len(), 1, "{:?}", inv.gaps);
        assert_eq!(g[0].operation, "ec2:DescribeNetworkAcls");
        assert!(
            g[0].message.starts_with("acl-2 llegó sin sus reglas `*`"),
            "{}",
            g[0].message
        );
        // moto lists them for default ACLs only: on an emulator, only those count.
        let mut inv = world();
        inv.network_acls
            .push(acl("acl-2", &[(100, false, true)], &[]));
        check(&mut inv, Endpoint::Emulator);
        assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
        inv.network_acls[1].is_default = true;
        check(&mut inv, Endpoint::Emulator);
        assert_eq!(inv.gaps_for(ResourceKind::NetworkAcl).count(), 1);
    }

    #[test]
    fn a_resource_without_an_id_is_a_gap_not_data() {
        let mut inv = world();
        inv.network_acls[0].id.clear();
        check(&mut inv, Endpoint::Aws);
        assert!(inv.network_acls.is_empty());
        let g: Vec<_> = inv.gaps_for(ResourceKind::NetworkAcl).collect();
        assert!(
            g[0].message
                .starts_with("1 de 1 network ACLs llegaron sin identificador"),
            "{}",
            g[0].message
        );
    }

    #[test]
    fn an_association_to_a_subnet_not_read_is_a_gap_on_the_subnets() {
        // What a DescribeSubnets cut after its first subnet reads as.
        let mut inv = world();
        inv.route_tables[0].subnet_ids.push("subnet-2".into());
        check(&mut inv, Endpoint::Aws);
        let g: Vec<_> = inv.gaps_for(ResourceKind::Subnet).collect();
        assert_eq!(g.len(), 1, "{:?}", inv.gaps);
        assert_eq!(g[0].operation, "ec2:DescribeSubnets");
        assert!(
            g[0].message.contains("rtb-1 → subnet-2"),
            "{}",
            g[0].message
        );
        // A subnet list already known to be incomplete is not blamed twice.
        let mut inv = world();
        inv.route_tables[0].subnet_ids.push("subnet-2".into());
        inv.gaps.push(gap(ResourceKind::Subnet, "denegado".into()));
        check(&mut inv, Endpoint::Aws);
        assert_eq!(inv.gaps_for(ResourceKind::Subnet).count(), 1);
    }
}
