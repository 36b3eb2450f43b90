//! References to things the configuration does not declare (a literal
//! `subnet-0abc`, a data source, a variable): whatever AWS has there is not
//! in the Inventory, so the kind it belongs to gets a gap instead of a
//! silent "not found".

use std::collections::HashSet;

use cloudgrade_model::{Origin, ResourceKind, RouteTarget, SgPeer};

use super::Mapper;

struct Dangling {
    kind: ResourceKind,
    operation: String,
    message: String,
}

fn at(origin: &Option<Origin>, field: &str) -> (String, String) {
    match origin {
        Some(o) => {
            let who = o.address.clone().unwrap_or_else(|| "(implícito)".into());
            (
                format!("{}:{} {who}.{field}", o.file, o.line),
                format!("{who}.{field}"),
            )
        }
        None => (field.to_string(), field.to_string()),
    }
}

pub(super) fn check_dangling(m: &mut Mapper) {
    let inv = &m.inv;
    let vpcs: HashSet<&str> = inv.vpcs.iter().map(|v| v.id.as_str()).collect();
    let subnets: HashSet<&str> = inv.subnets.iter().map(|v| v.id.as_str()).collect();
    let igws: HashSet<&str> = inv
        .internet_gateways
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    let nats: HashSet<&str> = inv.nat_gateways.iter().map(|v| v.id.as_str()).collect();
    let sgs: HashSet<&str> = inv.security_groups.iter().map(|v| v.id.as_str()).collect();
    let groups: HashSet<&str> = inv
        .db_subnet_groups
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    let clusters: HashSet<&str> = inv
        .ecs_clusters
        .iter()
        .flat_map(|c| [c.arn.as_str(), c.name.as_str()])
        .collect();
    let tds: HashSet<&str> = inv
        .task_definitions
        .iter()
        .map(|t| t.arn.as_str())
        .collect();
    let roles: HashSet<&str> = inv
        .iam_roles
        .iter()
        .flat_map(|r| [r.arn.as_str(), r.name.as_str()])
        .collect();
    let policies: HashSet<&str> = inv.iam_policies.iter().map(|p| p.arn.as_str()).collect();

    let mut out: Vec<Dangling> = Vec::new();
    let mut check = |known: &HashSet<&str>,
                     kind: ResourceKind,
                     origin: &Option<Origin>,
                     field: &str,
                     id: &str| {
        if id.is_empty() || known.contains(id) {
            return;
        }
        let (operation, place) = at(origin, field);
        out.push(Dangling {
            kind,
            operation,
            message: format!(
                "`{id}` (en `{place}`) no está declarado en esta configuración: si existe fuera de ella, sus datos no están en el inventario"
            ),
        });
    };

    for s in &inv.subnets {
        check(&vpcs, ResourceKind::Vpc, &s.origin, "vpc_id", &s.vpc_id);
    }
    for t in &inv.route_tables {
        check(&vpcs, ResourceKind::Vpc, &t.origin, "vpc_id", &t.vpc_id);
        for s in &t.subnet_ids {
            check(&subnets, ResourceKind::Subnet, &t.origin, "subnet_id", s);
        }
        for r in &t.routes {
            let origin = r.origin.as_ref().or(t.origin.as_ref()).cloned();
            match &r.target {
                RouteTarget::InternetGateway(id) => check(
                    &igws,
                    ResourceKind::InternetGateway,
                    &origin,
                    "gateway_id",
                    id,
                ),
                RouteTarget::NatGateway(id) => check(
                    &nats,
                    ResourceKind::NatGateway,
                    &origin,
                    "nat_gateway_id",
                    id,
                ),
                _ => {}
            }
        }
    }
    for g in &inv.internet_gateways {
        for v in &g.attached_vpc_ids {
            check(&vpcs, ResourceKind::Vpc, &g.origin, "vpc_id", v);
        }
    }
    for n in &inv.nat_gateways {
        check(
            &subnets,
            ResourceKind::Subnet,
            &n.origin,
            "subnet_id",
            &n.subnet_id,
        );
    }
    for g in &inv.security_groups {
        check(&vpcs, ResourceKind::Vpc, &g.origin, "vpc_id", &g.vpc_id);
        for r in g.ingress.iter().chain(&g.egress) {
            if let SgPeer::SecurityGroup(id) = &r.peer {
                let origin = r.origin.as_ref().or(g.origin.as_ref()).cloned();
                check(
                    &sgs,
                    ResourceKind::SecurityGroup,
                    &origin,
                    "security_groups",
                    id,
                );
            }
        }
    }
    for a in &inv.network_acls {
        check(&vpcs, ResourceKind::Vpc, &a.origin, "vpc_id", &a.vpc_id);
        for s in &a.subnet_ids {
            check(&subnets, ResourceKind::Subnet, &a.origin, "subnet_ids", s);
        }
    }
    for g in &inv.db_subnet_groups {
        for s in &g.subnet_ids {
            check(&subnets, ResourceKind::Subnet, &g.origin, "subnet_ids", s);
        }
    }
    for d in &inv.db_instances {
        if let Some(g) = &d.subnet_group {
            check(
                &groups,
                ResourceKind::DbSubnetGroup,
                &d.origin,
                "db_subnet_group_name",
                g,
            );
        }
        for s in &d.security_group_ids {
            check(
                &sgs,
                ResourceKind::SecurityGroup,
                &d.origin,
                "vpc_security_group_ids",
                s,
            );
        }
    }
    for s in &inv.ecs_services {
        check(
            &clusters,
            ResourceKind::EcsCluster,
            &s.origin,
            "cluster",
            &s.cluster_arn,
        );
        check(
            &tds,
            ResourceKind::TaskDefinition,
            &s.origin,
            "task_definition",
            &s.task_definition,
        );
        if let Some(n) = &s.network {
            for x in &n.subnet_ids {
                check(
                    &subnets,
                    ResourceKind::Subnet,
                    &s.origin,
                    "network_configuration.subnets",
                    x,
                );
            }
            for x in &n.security_group_ids {
                check(
                    &sgs,
                    ResourceKind::SecurityGroup,
                    &s.origin,
                    "network_configuration.security_groups",
                    x,
                );
            }
        }
    }
    for t in &inv.task_definitions {
        for (field, role) in [
            ("execution_role_arn", &t.execution_role_arn),
            ("task_role_arn", &t.task_role_arn),
        ] {
            if let Some(r) = role {
                check(&roles, ResourceKind::IamRole, &t.origin, field, r);
            }
        }
    }
    for r in &inv.iam_roles {
        for p in &r.attached_policy_arns {
            // AWS-managed policies are known by ARN and never collected.
            if !p.starts_with("arn:aws:iam::aws:policy/") {
                check(
                    &policies,
                    ResourceKind::IamPolicy,
                    &r.origin,
                    "policy_arn",
                    p,
                );
            }
        }
    }
    for d in out {
        m.note(d.kind, d.operation, d.message);
    }
}
