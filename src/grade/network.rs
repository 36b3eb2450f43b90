//! The network picture of a run ([`NetworkMap`]), built from the Inventory
//! when grading. Tiers come from the routing analysis (the effective route
//! table's longest-prefix match for a public address), the same answer the
//! network scenarios get, so the picture can never disagree with a verdict.
//! Elements are named with the analysis's own labels, which is what failed
//! evidence names them by: that is how a failure is pointed at.

use cloudgrade_model::{Attr, Inventory, RouteTarget, Tags, name_tag};

use crate::analysis::label;
use crate::analysis::nacl::{AclChoice, acl_for_subnet};
use crate::analysis::routing::{effective_route_table, lookup};
use crate::analysis::sg::sg_label;
use crate::report::{
    EvidenceStatus, InternetRoute, MapNode, MapSubnet, MapVpc, MapWorkload, NetworkMap,
    ScenarioReport, Tier, Verdict, WorkloadKind,
};

/// An address of the public internet, to ask a table where such traffic
/// goes (any address outside private ranges gives the same answer for the
/// course's tables; one is enough to classify the tier).
const PUBLIC_ADDRESS: u32 = u32::from_be_bytes([8, 8, 8, 8]);

/// The map, or `None` when the inventory has no VPC to draw.
pub fn map(inv: &Inventory, scenarios: &[ScenarioReport]) -> Option<NetworkMap> {
    if inv.vpcs.is_empty() && inv.subnets.is_empty() {
        return None;
    }
    let mut vpc_ids: Vec<&str> = inv.vpcs.iter().map(|v| v.id.as_str()).collect();
    // Subnets of a VPC the source did not read still get drawn.
    for s in &inv.subnets {
        if !vpc_ids.contains(&s.vpc_id.as_str()) {
            vpc_ids.push(&s.vpc_id);
        }
    }
    let mut map = NetworkMap {
        vpcs: vpc_ids.into_iter().map(|id| vpc(inv, id)).collect(),
    };
    flag(&mut map, scenarios);
    Some(map)
}

fn node(label: String) -> MapNode {
    MapNode {
        label,
        name: None,
        flagged_by: Vec::new(),
    }
}

/// A node labelled as the analysis labels it, drawn with its `Name` tag.
fn tagged(id: &str, tags: &Tags) -> MapNode {
    MapNode {
        name: name_tag(tags)
            .filter(|n| !n.is_empty() && *n != id)
            .map(str::to_string),
        ..node(label(id, tags))
    }
}

fn known(a: &Attr<String>) -> Option<String> {
    a.as_known().cloned()
}

fn vpc(inv: &Inventory, id: &str) -> MapVpc {
    let v = inv.vpc(id);
    let subnets: Vec<MapSubnet> = inv
        .subnets
        .iter()
        .filter(|s| s.vpc_id == id)
        .map(|s| subnet(inv, &s.id))
        .collect();
    let subnet_label = |sid: &str| {
        inv.subnet(sid)
            .map(|s| label(&s.id, &s.tags))
            .unwrap_or_else(|| sid.to_string())
    };
    let sgs = |ids: &[String]| -> Vec<MapNode> {
        ids.iter()
            .map(|g| match inv.security_group(g) {
                Some(sg) => MapNode {
                    name: name_tag(&sg.tags)
                        .filter(|n| !n.is_empty())
                        .or((!sg.name.is_empty()).then_some(sg.name.as_str()))
                        .filter(|n| *n != sg.id)
                        .map(str::to_string),
                    ..node(sg_label(sg))
                },
                None => node(g.clone()),
            })
            .collect()
    };
    let in_vpc = |sids: &[String]| {
        sids.iter()
            .any(|s| inv.subnet(s).is_some_and(|s| s.vpc_id == id))
    };
    let mut workloads = Vec::new();
    for svc in &inv.ecs_services {
        let Some(net) = &svc.network else { continue };
        if !in_vpc(&net.subnet_ids) {
            continue;
        }
        workloads.push(MapWorkload {
            kind: WorkloadKind::EcsService,
            node: node(svc.name.clone()),
            subnets: net.subnet_ids.iter().map(|s| subnet_label(s)).collect(),
            security_groups: sgs(&net.security_group_ids),
            // The map draws what is certain.
            public_ip: net.assign_public_ip == Attr::Known(true),
        });
    }
    for db in &inv.db_instances {
        let subnet_ids = db
            .subnet_group
            .as_deref()
            .and_then(|g| inv.db_subnet_group(g))
            .map(|g| g.subnet_ids.clone())
            .unwrap_or_default();
        if !in_vpc(&subnet_ids) {
            continue;
        }
        workloads.push(MapWorkload {
            kind: WorkloadKind::Database,
            node: tagged(&db.id, &db.tags),
            subnets: subnet_ids.iter().map(|s| subnet_label(s)).collect(),
            security_groups: sgs(&db.security_group_ids),
            public_ip: false,
        });
    }
    MapVpc {
        label: v
            .map(|v| label(&v.id, &v.tags))
            .unwrap_or_else(|| id.to_string()),
        cidr: v.and_then(|v| known(&v.cidr)),
        internet_gateways: inv
            .internet_gateways
            .iter()
            .filter(|g| g.attached_vpc_ids.iter().any(|a| a == id))
            .map(|g| tagged(&g.id, &g.tags))
            .collect(),
        subnets,
        workloads,
    }
}

fn subnet(inv: &Inventory, id: &str) -> MapSubnet {
    // Called with ids taken from `inv.subnets`.
    let s = inv.subnet(id);
    let table = effective_route_table(inv, id).table();
    let internet_route = match table {
        None => InternetRoute::Unknown,
        Some(t) => match lookup(t, PUBLIC_ADDRESS).map(|r| &r.target) {
            None => InternetRoute::None,
            Some(RouteTarget::InternetGateway(g)) => InternetRoute::InternetGateway(
                inv.internet_gateway(g)
                    .map(|g| label(&g.id, &g.tags))
                    .unwrap_or_else(|| g.clone()),
            ),
            Some(RouteTarget::NatGateway(n)) => InternetRoute::NatGateway(
                inv.nat_gateway(n)
                    .map(|n| label(&n.id, &n.tags))
                    .unwrap_or_else(|| n.clone()),
            ),
            Some(RouteTarget::Unknown(_)) => InternetRoute::Unknown,
            Some(other) => InternetRoute::Other(other.to_string()),
        },
    };
    let tier = match &internet_route {
        InternetRoute::InternetGateway(_) => Tier::Public,
        InternetRoute::NatGateway(_) | InternetRoute::Other(_) => Tier::Private,
        InternetRoute::None => Tier::Isolated,
        InternetRoute::Unknown => Tier::Unknown,
    };
    MapSubnet {
        node: s
            .map(|s| tagged(&s.id, &s.tags))
            .unwrap_or_else(|| node(id.to_string())),
        cidr: s.and_then(|s| known(&s.cidr)),
        availability_zone: s.and_then(|s| s.availability_zone.as_ref()).and_then(known),
        tier,
        route_table: table.map(|t| tagged(&t.id, &t.tags)),
        internet_route,
        network_acl: match acl_for_subnet(inv, id) {
            AclChoice::Associated(a) | AclChoice::Default(a) => Some(tagged(&a.id, &a.tags)),
            AclChoice::Implicit => None,
        },
        nat_gateways: inv
            .nat_gateways
            .iter()
            .filter(|n| n.subnet_id == id)
            .map(|n| tagged(&n.id, &n.tags))
            .collect(),
    }
}

/// Marks every element that a failed scenario's failing evidence names. A
/// bonus not reached is no mistake to point at.
fn flag(map: &mut NetworkMap, scenarios: &[ScenarioReport]) {
    let failing: Vec<(&str, &str)> = scenarios
        .iter()
        .filter(|sc| sc.verdict == Verdict::Failed && !sc.bonus)
        .flat_map(|sc| {
            sc.evidence
                .iter()
                .filter(|e| e.status == EvidenceStatus::Fail)
                .map(move |e| (sc.id.as_str(), e.subject.as_str()))
        })
        .collect();
    for n in map.nodes_mut() {
        for (id, subject) in &failing {
            if *subject == n.label && !n.flagged_by.iter().any(|f| f == id) {
                n.flagged_by.push(id.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{course_vpc, igw_target, local, route, table_mut};
    use crate::report::Evidence;

    fn failed(id: &str, subject: &str) -> ScenarioReport {
        ScenarioReport {
            id: id.into(),
            feature: "f".into(),
            location: "f.feature:1".into(),
            keyword: None,
            name: id.into(),
            verdict: Verdict::Failed,
            points: 0.0,
            max_points: 10.0,
            ungraded_points: 0.0,
            bonus: false,
            tags: vec![],
            steps: vec![],
            evidence: vec![Evidence {
                status: EvidenceStatus::Fail,
                subject: subject.into(),
                message: "m".into(),
                location: None,
            }],
            hint: None,
            reason: None,
        }
    }

    fn tier_of(map: &NetworkMap, name: &str) -> Tier {
        map.vpcs[0]
            .subnets
            .iter()
            .find(|s| s.node.name.as_deref() == Some(name))
            .unwrap()
            .tier
    }

    #[test]
    fn tiers_come_from_where_the_routes_go() {
        let map = map(&course_vpc(), &[]).unwrap();
        assert_eq!(tier_of(&map, "publica-a"), Tier::Public);
        assert_eq!(tier_of(&map, "privada-a"), Tier::Private);
        let v = &map.vpcs[0];
        assert_eq!(v.internet_gateways.len(), 1);
        let public = v.subnets.iter().find(|s| s.tier == Tier::Public).unwrap();
        assert_eq!(
            public.nat_gateways.len(),
            1,
            "the NAT is drawn where it lives"
        );
        assert!(matches!(
            v.subnets
                .iter()
                .find(|s| s.tier == Tier::Private)
                .unwrap()
                .internet_route,
            InternetRoute::NatGateway(_)
        ));
    }

    #[test]
    fn a_private_subnet_routed_to_the_igw_is_drawn_public_and_flagged() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").routes = vec![
            local("10.0.0.0/16"),
            route("0.0.0.0/0", igw_target("igw-1")),
        ];
        let subject = label(&inv.subnets[1].id, &inv.subnets[1].tags);
        let map = map(&inv, &[failed("net-private-egress-nat", &subject)]).unwrap();
        assert_eq!(tier_of(&map, "privada-a"), Tier::Public);
        let app = map.vpcs[0]
            .subnets
            .iter()
            .find(|s| s.node.label == subject)
            .unwrap();
        assert_eq!(app.node.flagged_by, ["net-private-egress-nat"]);
        // Only what the failing evidence names is flagged.
        let flagged: Vec<&str> = map.vpcs[0]
            .subnets
            .iter()
            .filter(|s| !s.node.flagged_by.is_empty())
            .map(|s| s.node.label.as_str())
            .collect();
        assert_eq!(flagged, [subject.as_str()]);
    }

    #[test]
    fn a_subnet_without_any_route_out_is_isolated_and_no_vpc_draws_nothing() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").routes = vec![local("10.0.0.0/16")];
        assert_eq!(tier_of(&map(&inv, &[]).unwrap(), "datos-a"), Tier::Isolated);
        assert_eq!(map(&crate::analysis::testkit::empty(), &[]), None);
    }
}
