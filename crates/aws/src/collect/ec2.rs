//! The network: VPCs, subnets, route tables, gateways, security groups and
//! network ACLs and flow logs, as eight concurrent paginated Describe calls.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as t;
use cloudgrade_model::{
    AclEntry, Attr, FlowLog, Gap, GapField, InternetGateway, Inventory, NatGateway, NetworkAcl,
    ResourceKind, Route, RouteTable, RouteTarget, SecurityGroup, SgPeer, SgRule, Subnet, Tags, Vpc,
};

use super::errors::{Endpoint, gaps};

pub struct Network {
    vpcs: Result<Vec<Vpc>, Vec<Gap>>,
    subnets: Result<Vec<Subnet>, Vec<Gap>>,
    route_tables: Result<Vec<RouteTable>, Vec<Gap>>,
    igws: Result<Vec<InternetGateway>, Vec<Gap>>,
    nats: Result<Vec<NatGateway>, Vec<Gap>>,
    sgs: Result<Vec<SecurityGroup>, Vec<Gap>>,
    acls: Result<Vec<NetworkAcl>, Vec<Gap>>,
    flows: Result<Vec<FlowLog>, Vec<Gap>>,
    /// What DescribeVpcAttribute could not answer (the VPCs' DNS).
    dns_gaps: Vec<Gap>,
}

/// The field of a VPC the DNS attribute reads fill, for gaps scoped to it.
pub const DNS_FIELD: &str = "dns";
const DNS_OPERATION: &str = "ec2:DescribeVpcAttribute";

/// Stores what was read and the gaps of what was not.
pub fn keep<T>(result: Result<Vec<T>, Vec<Gap>>, into: &mut Vec<T>, gaps: &mut Vec<Gap>) {
    match result {
        Ok(v) => *into = v,
        Err(g) => gaps.extend(g),
    }
}

impl Network {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        keep(self.vpcs, &mut inv.vpcs, g);
        keep(self.subnets, &mut inv.subnets, g);
        keep(self.route_tables, &mut inv.route_tables, g);
        keep(self.igws, &mut inv.internet_gateways, g);
        keep(self.nats, &mut inv.nat_gateways, g);
        keep(self.sgs, &mut inv.security_groups, g);
        keep(self.acls, &mut inv.network_acls, g);
        keep(self.flows, &mut inv.flow_logs, g);
        if !self.dns_gaps.is_empty() {
            // Only the DNS questions wait on these: the VPCs themselves were read.
            inv.gap_fields.push(GapField {
                kind: ResourceKind::Vpc,
                operation: DNS_OPERATION.into(),
                field: DNS_FIELD.into(),
            });
            g.extend(self.dns_gaps);
        }
    }
}

// Without MaxResults EC2 answers each of these in one page; the paginator
// still follows a NextToken should one come.
macro_rules! pages {
    ($call:expr, $ep:expr, $op:literal, $kind:expr) => {
        $call
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| gaps(&e, $ep, $op, &[$kind]))
    };
}

pub async fn read(c: &Client, ep: Endpoint) -> Network {
    let (vpcs, subnets, rts, igws, nats, sgs, acls, flows) = tokio::join!(
        async { pages!(c.describe_vpcs(), ep, "ec2:DescribeVpcs", ResourceKind::Vpc) },
        async {
            pages!(
                c.describe_subnets(),
                ep,
                "ec2:DescribeSubnets",
                ResourceKind::Subnet
            )
        },
        async {
            pages!(
                c.describe_route_tables(),
                ep,
                "ec2:DescribeRouteTables",
                ResourceKind::RouteTable
            )
        },
        async {
            pages!(
                c.describe_internet_gateways(),
                ep,
                "ec2:DescribeInternetGateways",
                ResourceKind::InternetGateway
            )
        },
        async {
            pages!(
                c.describe_nat_gateways(),
                ep,
                "ec2:DescribeNatGateways",
                ResourceKind::NatGateway
            )
        },
        async {
            pages!(
                c.describe_security_groups(),
                ep,
                "ec2:DescribeSecurityGroups",
                ResourceKind::SecurityGroup
            )
        },
        async {
            pages!(
                c.describe_network_acls(),
                ep,
                "ec2:DescribeNetworkAcls",
                ResourceKind::NetworkAcl
            )
        },
        async {
            pages!(
                c.describe_flow_logs(),
                ep,
                "ec2:DescribeFlowLogs",
                ResourceKind::FlowLog
            )
        },
    );
    let mut vpcs: Result<Vec<Vpc>, Vec<Gap>> = vpcs.map(|p| {
        p.into_iter()
            .flat_map(|p| p.vpcs.unwrap_or_default())
            .map(vpc)
            .collect()
    });
    let dns_gaps = match &mut vpcs {
        Ok(vpcs) => dns(c, ep, vpcs).await,
        Err(_) => Vec::new(),
    };
    Network {
        vpcs,
        dns_gaps,
        subnets: subnets.map(|p| {
            p.into_iter()
                .flat_map(|p| p.subnets.unwrap_or_default())
                .map(subnet)
                .collect()
        }),
        route_tables: rts.map(|p| {
            p.into_iter()
                .flat_map(|p| p.route_tables.unwrap_or_default())
                .map(route_table)
                .collect()
        }),
        igws: igws.map(|p| {
            p.into_iter()
                .flat_map(|p| p.internet_gateways.unwrap_or_default())
                .map(internet_gateway)
                .collect()
        }),
        nats: nats.map(|p| {
            p.into_iter()
                .flat_map(|p| p.nat_gateways.unwrap_or_default())
                .map(nat_gateway)
                .collect()
        }),
        sgs: sgs.map(|p| {
            p.into_iter()
                .flat_map(|p| p.security_groups.unwrap_or_default())
                .map(security_group)
                .collect()
        }),
        acls: acls.map(|p| {
            p.into_iter()
                .flat_map(|p| p.network_acls.unwrap_or_default())
                .map(network_acl)
                .collect()
        }),
        flows: flows.map(|p| {
            p.into_iter()
                .flat_map(|p| p.flow_logs.unwrap_or_default())
                .map(flow_log)
                .collect()
        }),
    }
}

/// Each VPC's two DNS attributes: EC2 answers one attribute per call, so
/// two calls a VPC, all at once. An answer without the value leaves it
/// unknown, never false.
async fn dns(c: &Client, ep: Endpoint, vpcs: &mut [Vpc]) -> Vec<Gap> {
    use t::VpcAttributeName as Name;
    let ask = |id: String, name: Name| c.describe_vpc_attribute().vpc_id(id).attribute(name).send();
    let answers = futures::future::join_all(vpcs.iter().map(|v| {
        let (support, hostnames) = (
            ask(v.id.clone(), Name::EnableDnsSupport),
            ask(v.id.clone(), Name::EnableDnsHostnames),
        );
        async move { tokio::join!(support, hostnames) }
    }))
    .await;
    let mut out: Vec<Gap> = Vec::new();
    let mut failed = |e: &aws_sdk_ec2::error::SdkError<_, _>| {
        for g in gaps(e, ep, DNS_OPERATION, &[ResourceKind::Vpc]) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
    };
    for (v, (support, hostnames)) in vpcs.iter_mut().zip(answers) {
        match support {
            Ok(o) => v.dns_support = o.enable_dns_support.and_then(|b| b.value).map(Attr::Known),
            Err(e) => failed(&e),
        }
        match hostnames {
            Ok(o) => {
                v.dns_hostnames = o
                    .enable_dns_hostnames
                    .and_then(|b| b.value)
                    .map(Attr::Known)
            }
            Err(e) => failed(&e),
        }
    }
    out
}

fn tags(tags: Option<Vec<t::Tag>>) -> Tags {
    tags.unwrap_or_default()
        .into_iter()
        .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
        .collect()
}

fn vpc(v: t::Vpc) -> Vpc {
    let cidr = v.cidr_block.unwrap_or_default();
    let secondary_cidrs = v
        .cidr_block_association_set
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            a.cidr_block_state.as_ref().and_then(|s| s.state.as_ref())
                == Some(&t::VpcCidrBlockStateCode::Associated)
        })
        .filter_map(|a| a.cidr_block)
        .filter(|c| *c != cidr)
        .map(Attr::Known)
        .collect();
    Vpc {
        id: v.vpc_id.unwrap_or_default(),
        cidr: Attr::Known(cidr),
        secondary_cidrs,
        is_default: v.is_default.unwrap_or(false),
        // Read apart, one DescribeVpcAttribute per attribute (`dns`).
        dns_support: None,
        dns_hostnames: None,
        tags: tags(v.tags),
        origin: None,
    }
}

fn subnet(s: t::Subnet) -> Subnet {
    Subnet {
        id: s.subnet_id.unwrap_or_default(),
        vpc_id: s.vpc_id.unwrap_or_default(),
        cidr: Attr::Known(s.cidr_block.unwrap_or_default()),
        availability_zone: s.availability_zone.map(Attr::Known),
        map_public_ip_on_launch: Attr::Known(s.map_public_ip_on_launch.unwrap_or(false)),
        tags: tags(s.tags),
        origin: None,
    }
}

fn route_table(r: t::RouteTable) -> RouteTable {
    let associations = r.associations.unwrap_or_default();
    RouteTable {
        id: r.route_table_id.unwrap_or_default(),
        vpc_id: r.vpc_id.unwrap_or_default(),
        main: associations.iter().any(|a| a.main == Some(true)),
        subnet_ids: associations
            .into_iter()
            .filter_map(|a| a.subnet_id)
            .collect(),
        routes: r
            .routes
            .unwrap_or_default()
            .into_iter()
            .map(route)
            .collect(),
        tags: tags(r.tags),
        origin: None,
    }
}

fn route(r: t::Route) -> Route {
    // A route names its target in one of several fields; `gateway_id` holds
    // several kinds, told apart by prefix.
    let target = if let Some(g) = r.gateway_id.filter(|g| !g.is_empty()) {
        match g.as_str() {
            "local" => RouteTarget::Local,
            g if g.starts_with("igw-") => RouteTarget::InternetGateway(g.to_string()),
            g if g.starts_with("vgw-") => RouteTarget::VpnGateway(g.to_string()),
            g if g.starts_with("vpce-") => RouteTarget::VpcEndpoint(g.to_string()),
            g if g.starts_with("eigw-") => RouteTarget::EgressOnlyInternetGateway(g.to_string()),
            _ => RouteTarget::Unknown(g),
        }
    } else if let Some(n) = r.nat_gateway_id {
        RouteTarget::NatGateway(n)
    } else if let Some(e) = r.egress_only_internet_gateway_id {
        RouteTarget::EgressOnlyInternetGateway(e)
    // A NAT instance's route carries both its instance and its ENI: the
    // instance is what the analysis names.
    } else if let Some(i) = r.instance_id {
        RouteTarget::Instance(i)
    } else if let Some(p) = r.vpc_peering_connection_id {
        RouteTarget::VpcPeering(p)
    } else if let Some(tg) = r.transit_gateway_id {
        RouteTarget::TransitGateway(tg)
    } else if let Some(n) = r.network_interface_id {
        RouteTarget::NetworkInterface(n)
    } else if let Some(other) = r
        .local_gateway_id
        .or(r.carrier_gateway_id)
        .or(r.core_network_arn)
    {
        RouteTarget::Unknown(other)
    } else {
        RouteTarget::Unknown("destino sin identificar".into())
    };
    Route {
        destination: r.destination_cidr_block.map(Attr::Known),
        destination_ipv6: r.destination_ipv6_cidr_block,
        prefix_list_id: r.destination_prefix_list_id,
        target,
        blackhole: r.state == Some(t::RouteState::Blackhole),
        origin: None,
    }
}

fn internet_gateway(g: t::InternetGateway) -> InternetGateway {
    InternetGateway {
        id: g.internet_gateway_id.unwrap_or_default(),
        // A detached gateway routes nothing: only live attachments count.
        attached_vpc_ids: g
            .attachments
            .unwrap_or_default()
            .into_iter()
            .filter(|a| {
                !matches!(
                    a.state,
                    Some(t::AttachmentStatus::Detached | t::AttachmentStatus::Detaching)
                )
            })
            .filter_map(|a| a.vpc_id)
            .collect(),
        tags: tags(g.tags),
        origin: None,
    }
}

fn nat_gateway(n: t::NatGateway) -> NatGateway {
    NatGateway {
        id: n.nat_gateway_id.unwrap_or_default(),
        subnet_id: n.subnet_id.unwrap_or_default(),
        vpc_id: n.vpc_id.unwrap_or_default(),
        state: n.state.map(|s| s.as_str().to_string()).unwrap_or_default(),
        connectivity: n
            .connectivity_type
            .map(|c| c.as_str().to_string())
            .unwrap_or_else(|| "public".into()),
        public_ip: n
            .nat_gateway_addresses
            .unwrap_or_default()
            .into_iter()
            .find_map(|a| a.public_ip)
            .map(Attr::Known),
        tags: tags(n.tags),
        origin: None,
    }
}

fn flow_log(f: t::FlowLog) -> FlowLog {
    FlowLog {
        id: f.flow_log_id.unwrap_or_default(),
        resource_id: Attr::Known(f.resource_id.unwrap_or_default()),
        traffic_type: Attr::Known(
            f.traffic_type
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        ),
        // AWS's default, which an answer may leave out.
        destination_type: f
            .log_destination_type
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|| "cloud-watch-logs".into()),
        origin: None,
    }
}

fn security_group(g: t::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        id: g.group_id.unwrap_or_default(),
        name: g.group_name.unwrap_or_default(),
        vpc_id: g.vpc_id.unwrap_or_default(),
        description: g.description.map(Attr::Known),
        ingress: g
            .ip_permissions
            .unwrap_or_default()
            .into_iter()
            .flat_map(sg_rules)
            .collect(),
        egress: g
            .ip_permissions_egress
            .unwrap_or_default()
            .into_iter()
            .flat_map(sg_rules)
            .collect(),
        tags: tags(g.tags),
        origin: None,
    }
}

/// One rule per peer, so a verdict can name exactly the one at fault.
fn sg_rules(p: t::IpPermission) -> Vec<SgRule> {
    let protocol = p.ip_protocol.unwrap_or_else(|| "-1".into());
    let (from_port, to_port) = if protocol == "-1" {
        (None, None)
    } else {
        (p.from_port, p.to_port)
    };
    let rule = |peer, description| SgRule {
        protocol: protocol.clone(),
        from_port,
        to_port,
        peer,
        description,
        origin: None,
    };
    let mut out = Vec::new();
    for r in p.ip_ranges.unwrap_or_default() {
        out.push(rule(
            SgPeer::Cidr(Attr::Known(r.cidr_ip.unwrap_or_default())),
            r.description,
        ));
    }
    for r in p.ipv6_ranges.unwrap_or_default() {
        out.push(rule(
            SgPeer::Ipv6Cidr(r.cidr_ipv6.unwrap_or_default()),
            r.description,
        ));
    }
    for g in p.user_id_group_pairs.unwrap_or_default() {
        out.push(rule(
            SgPeer::SecurityGroup(g.group_id.unwrap_or_default()),
            g.description,
        ));
    }
    for l in p.prefix_list_ids.unwrap_or_default() {
        out.push(rule(
            SgPeer::PrefixList(l.prefix_list_id.unwrap_or_default()),
            l.description,
        ));
    }
    out
}

fn network_acl(a: t::NetworkAcl) -> NetworkAcl {
    NetworkAcl {
        id: a.network_acl_id.unwrap_or_default(),
        vpc_id: a.vpc_id.unwrap_or_default(),
        is_default: a.is_default.unwrap_or(false),
        subnet_ids: a
            .associations
            .unwrap_or_default()
            .into_iter()
            .filter_map(|x| x.subnet_id)
            .collect(),
        entries: a
            .entries
            .unwrap_or_default()
            .into_iter()
            // IPv6 entries cannot match IPv4 traffic, and the model's ACL
            // entries are IPv4: they are left out rather than mis-read.
            .filter(|e| e.cidr_block.is_some())
            .map(|e| AclEntry {
                rule_number: e.rule_number.unwrap_or(32767),
                egress: e.egress.unwrap_or(false),
                protocol: e.protocol.unwrap_or_else(|| "-1".into()),
                allow: e.rule_action == Some(t::RuleAction::Allow),
                cidr: Attr::Known(e.cidr_block.unwrap_or_default()),
                from_port: e.port_range.as_ref().and_then(|r| r.from),
                to_port: e.port_range.as_ref().and_then(|r| r.to),
            })
            .collect(),
        tags: tags(a.tags),
        origin: None,
    }
}
