//! The student's network as the report keeps it, for the picture in the
//! HTML report: each VPC with its subnets by availability zone and tier,
//! the gateways, where the ECS services and the databases run, and which
//! element a failed scenario named. It is computed once when grading (see
//! `grade::network`), so a renderer draws it from `report.json` alone and
//! `cloudgrade report --format html old.json` draws the same picture.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkMap {
    pub vpcs: Vec<MapVpc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapVpc {
    /// How evidence names the VPC: `id (Name)`.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(default)]
    pub internet_gateways: Vec<MapNode>,
    #[serde(default)]
    pub subnets: Vec<MapSubnet>,
    /// ECS services and databases, with the subnets they run in.
    #[serde(default)]
    pub workloads: Vec<MapWorkload>,
}

/// Anything drawn as one box or badge. `flagged_by` lists the scenarios
/// whose failing evidence names it, so the picture can point at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapNode {
    pub label: String,
    /// The short name drawn in the box (its `Name` tag), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flagged_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSubnet {
    pub node: MapNode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// `None` when the source does not know it (a value known after apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    pub tier: Tier,
    /// The table the subnet uses and the route its internet traffic takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table: Option<MapNode>,
    pub internet_route: InternetRoute,
    /// The network ACL the subnet uses (its own, else the VPC's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<MapNode>,
    /// NAT gateways that live in this subnet.
    #[serde(default)]
    pub nat_gateways: Vec<MapNode>,
}

/// Where a subnet's traffic to the internet goes, by its effective route
/// table's longest-prefix match for a public address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "target")]
pub enum InternetRoute {
    InternetGateway(String),
    NatGateway(String),
    /// Another target (a NAT instance, peering, transit gateway ...).
    Other(String),
    /// No route: the subnet cannot reach the internet.
    None,
    /// The table, or the route's target, is not known to the source.
    Unknown,
}

/// The tier a subnet is drawn in, from its routes (not from its name: a
/// subnet called private that routes to an internet gateway is public, and
/// the picture must show it where it really is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Public,
    Private,
    Isolated,
    Unknown,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Public, Tier::Private, Tier::Isolated, Tier::Unknown];

    /// The row's title and what puts a subnet in it.
    pub fn label_es(self) -> (&'static str, &'static str) {
        match self {
            Tier::Public => ("públicas", "ruta a un IGW"),
            Tier::Private => ("privadas", "salida por NAT"),
            Tier::Isolated => ("aisladas", "sin salida"),
            Tier::Unknown => ("sin clasificar", "ruta desconocida"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapWorkload {
    pub kind: WorkloadKind,
    pub node: MapNode,
    /// Labels of the subnets it runs in, as in [`MapSubnet::node`].
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<MapNode>,
    /// ECS tasks given a public IP.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_ip: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadKind {
    EcsService,
    Database,
}

impl MapNode {
    /// What the picture shows: the short name, else the whole label.
    pub fn shown(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.label)
    }
}

impl NetworkMap {
    /// The short name of the node with this label, for a route's target.
    pub fn shown<'a>(vpc: &'a MapVpc, label: &'a str) -> &'a str {
        vpc.internet_gateways
            .iter()
            .chain(vpc.subnets.iter().flat_map(|s| s.nat_gateways.iter()))
            .find(|n| n.label == label)
            .map(MapNode::shown)
            .unwrap_or(label)
    }

    /// Every node of the map, to mark the ones failing evidence names.
    pub fn nodes_mut(&mut self) -> impl Iterator<Item = &mut MapNode> {
        self.vpcs.iter_mut().flat_map(|v| {
            v.internet_gateways
                .iter_mut()
                .chain(v.subnets.iter_mut().flat_map(|s| {
                    std::iter::once(&mut s.node)
                        .chain(s.route_table.iter_mut())
                        .chain(s.network_acl.iter_mut())
                        .chain(s.nat_gateways.iter_mut())
                }))
                .chain(
                    v.workloads.iter_mut().flat_map(|w| {
                        std::iter::once(&mut w.node).chain(w.security_groups.iter_mut())
                    }),
                )
        })
    }
}
