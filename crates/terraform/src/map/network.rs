//! VPCs, subnets, internet and NAT gateways, route tables and their routes
//! and associations, with each VPC's implicit main route table; flow logs.

use cloudgrade_model::{
    Attr, FlowLog, InternetGateway, NatGateway, Origin, ResourceKind, Route, RouteTable,
    RouteTarget, Subnet, Vpc,
};

use super::read::{self, Obj};
use super::{Mapper, firewall};
use crate::eval::Instance;
use crate::value::Value;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    adopt_defaults(m, by_type);
    vpcs(m, by_type);
    subnets(m, by_type);
    internet_gateways(m, by_type);
    nat_gateways(m, by_type);
    route_tables(m, by_type);
    flow_logs(m, by_type);
}

/// `aws_default_route_table`, `aws_default_network_acl` and
/// `aws_default_security_group` adopt a VPC's implicit resources: their
/// address becomes the id every reference to the implicit one resolves to.
fn adopt_defaults<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for (t, field, suffix) in [
        ("aws_default_route_table", "default_route_table_id", None),
        ("aws_default_network_acl", "default_network_acl_id", None),
        (
            "aws_default_security_group",
            "vpc_id",
            Some(".default_security_group"),
        ),
    ] {
        for i in by_type(t) {
            let o = Obj::of(i);
            if let Some(id) = read::text(o.get(field)) {
                let implicit = match suffix {
                    Some(s) => format!("{id}{s}"),
                    None => id,
                };
                m.alias.insert(implicit, i.address.clone());
            }
        }
    }
}

pub(super) fn local_route(cidr: &Attr<String>) -> Route {
    Route {
        destination: Some(cidr.clone()),
        destination_ipv6: None,
        prefix_list_id: None,
        target: RouteTarget::Local,
        blackhole: false,
        origin: None,
    }
}

fn vpcs<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_vpc") {
        let o = Obj::of(i);
        let cidr = o
            .attr_string("cidr_block")
            .unwrap_or_else(|| Attr::unknown(format!("{}.cidr_block", i.address)));
        let origin = Mapper::origin(i);
        m.inv.vpcs.push(Vpc {
            id: i.address.clone(),
            cidr: cidr.clone(),
            secondary_cidrs: Vec::new(),
            is_default: false,
            // The provider's defaults: support on, host names off.
            dns_support: Some(o.bool_or("enable_dns_support", true)),
            dns_hostnames: Some(o.bool_or("enable_dns_hostnames", false)),
            tags: m.tags(&o),
            origin: origin.clone(),
        });
        let main_id = format!("{}.main_route_table", i.address);
        if !m.alias.contains_key(&main_id) {
            m.inv.route_tables.push(RouteTable {
                id: main_id,
                vpc_id: i.address.clone(),
                main: true,
                subnet_ids: Vec::new(),
                routes: vec![local_route(&cidr)],
                tags: Default::default(),
                origin: implicit_origin(i),
            });
        }
        firewall::implicit_defaults(m, i, &cidr);
    }
    for i in by_type("aws_vpc_ipv4_cidr_block_association") {
        let o = Obj::of(i);
        let Some(vpc) = m.id(ResourceKind::Vpc, i, &o, "vpc_id") else {
            continue;
        };
        // A block from an IPAM pool is known after apply.
        let cidr = o
            .attr_string("cidr_block")
            .unwrap_or_else(|| Attr::unknown(format!("{}.cidr_block", i.address)));
        if let Some(v) = m.inv.vpcs.iter_mut().find(|v| v.id == vpc) {
            v.secondary_cidrs.push(cidr);
        }
    }
}

/// Where an implicit resource comes from: the VPC that brings it.
pub(super) fn implicit_origin(vpc: &Instance) -> Option<Origin> {
    Some(Origin {
        file: vpc.file.rel.clone(),
        line: vpc.line,
        address: None,
    })
}

/// The argument naming what a flow log watches: one of these, by the
/// provider's schema.
const FLOW_LOG_TARGETS: [&str; 5] = [
    "vpc_id",
    "subnet_id",
    "eni_id",
    "transit_gateway_id",
    "transit_gateway_attachment_id",
];

fn flow_logs<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_flow_log") {
        let o = Obj::of(i);
        let field = FLOW_LOG_TARGETS.into_iter().find(|f| o.has(f));
        let resource_id = match field.and_then(|f| m.id(ResourceKind::FlowLog, i, &o, f)) {
            Some(id) => Attr::Known(id),
            None => Attr::unknown(format!("{}.{}", i.address, field.unwrap_or("vpc_id"))),
        };
        m.inv.flow_logs.push(FlowLog {
            id: i.address.clone(),
            resource_id,
            // Required but for transit gateways: an empty one is named as such.
            traffic_type: o
                .attr_string("traffic_type")
                .unwrap_or_else(|| Attr::Known(String::new())),
            destination_type: o
                .known_str("log_destination_type")
                .unwrap_or_else(|| "cloud-watch-logs".into()),
            origin: Mapper::origin(i),
        });
    }
}

fn subnets<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_subnet") {
        let o = Obj::of(i);
        let vpc_id = m
            .id(ResourceKind::Subnet, i, &o, "vpc_id")
            .unwrap_or_default();
        let cidr = o
            .attr_string("cidr_block")
            .unwrap_or_else(|| Attr::unknown(format!("{}.cidr_block", i.address)));
        let az = o
            .attr_string("availability_zone")
            .or_else(|| o.attr_string("availability_zone_id"))
            .unwrap_or_else(|| Attr::unknown(format!("{}.availability_zone", i.address)));
        m.inv.subnets.push(Subnet {
            id: i.address.clone(),
            vpc_id,
            cidr,
            availability_zone: Some(az),
            map_public_ip_on_launch: o.bool_or("map_public_ip_on_launch", false),
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
}

fn internet_gateways<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_internet_gateway") {
        let o = Obj::of(i);
        let attached = m
            .id(ResourceKind::InternetGateway, i, &o, "vpc_id")
            .into_iter()
            .collect();
        m.inv.internet_gateways.push(InternetGateway {
            id: i.address.clone(),
            attached_vpc_ids: attached,
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
    for i in by_type("aws_internet_gateway_attachment") {
        let o = Obj::of(i);
        let (Some(igw), Some(vpc)) = (
            m.id(ResourceKind::InternetGateway, i, &o, "internet_gateway_id"),
            m.id(ResourceKind::InternetGateway, i, &o, "vpc_id"),
        ) else {
            continue;
        };
        match m.inv.internet_gateways.iter_mut().find(|g| g.id == igw) {
            Some(g) => {
                if !g.attached_vpc_ids.contains(&vpc) {
                    g.attached_vpc_ids.push(vpc);
                }
            }
            None => missing(
                m,
                ResourceKind::InternetGateway,
                i,
                &o,
                &igw,
                "internet gateway",
            ),
        }
    }
}

fn nat_gateways<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_nat_gateway") {
        let o = Obj::of(i);
        let subnet_id = m
            .id(ResourceKind::NatGateway, i, &o, "subnet_id")
            .unwrap_or_default();
        let vpc_id = m
            .inv
            .subnets
            .iter()
            .find(|s| s.id == subnet_id)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        let connectivity = o
            .known_str("connectivity_type")
            .unwrap_or_else(|| "public".into());
        // The address is the EIP's: known after apply, but it exists.
        let public_ip = if connectivity == "public" {
            match read::target_type(o.get("allocation_id")).as_deref() {
                Some("aws_eip") => match read::flat(o.get("allocation_id")) {
                    Value::Unknown(u) => u.refs.first().and_then(|r| read::referenced_address(r)),
                    _ => None,
                }
                .map(|eip| Attr::unknown(format!("{eip}.public_ip"))),
                _ if o.has("allocation_id") => {
                    Some(Attr::unknown(format!("{}.public_ip", i.address)))
                }
                _ => None,
            }
        } else {
            None
        };
        m.inv.nat_gateways.push(NatGateway {
            id: i.address.clone(),
            subnet_id,
            vpc_id,
            // A declared NAT gateway is available once applied.
            state: "available".into(),
            connectivity,
            public_ip,
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
}

fn route_tables<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    let kind = ResourceKind::RouteTable;
    for i in by_type("aws_route_table")
        .into_iter()
        .chain(by_type("aws_default_route_table"))
    {
        let o = Obj::of(i);
        let is_default = i.rtype == "aws_default_route_table";
        let vpc_id = if is_default {
            read::text(o.get("default_route_table_id"))
                .and_then(|t| t.strip_suffix(".main_route_table").map(str::to_string))
                .unwrap_or_default()
        } else {
            m.id(kind, i, &o, "vpc_id").unwrap_or_default()
        };
        let cidr = m
            .inv
            .vpcs
            .iter()
            .find(|v| v.id == vpc_id)
            .map(|v| v.cidr.clone());
        let mut routes: Vec<Route> = cidr.iter().map(local_route).collect();
        for r in o.objects(Some(&i.body), "route") {
            if let Some(route) = route(m, i, &r) {
                routes.push(route);
            }
        }
        if let Some(u) = i.body.unknown_blocks_of("route") {
            m.note(
                kind,
                format!("{}:{} {} dynamic \"route\"", i.file.rel, i.line, i.address),
                format!("no se sabe qué rutas tiene `{}`: el `for_each` del bloque dynamic depende de {}", i.address, u.primary()),
            );
        }
        m.inv.route_tables.push(RouteTable {
            id: i.address.clone(),
            vpc_id,
            main: is_default,
            subnet_ids: Vec::new(),
            routes,
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
    for i in by_type("aws_route") {
        let o = Obj::of(i);
        let Some(table) = m.id(kind, i, &o, "route_table_id") else {
            continue;
        };
        let Some(route) = route(m, i, &o) else {
            continue;
        };
        match m.inv.route_tables.iter_mut().find(|t| t.id == table) {
            Some(t) => t.routes.push(route),
            None => missing(m, kind, i, &o, &table, "tabla de rutas"),
        }
    }
    // What an association cannot read is a gap of which subnets use which
    // table (the model's `subnet_ids`), never of any table's routes.
    for i in by_type("aws_route_table_association") {
        let o = Obj::of(i);
        let (Some(table), Some(subnet)) = (
            m.id_as(kind, i, &o, "route_table_id", ASSOCIATIONS),
            m.id_as(kind, i, &o, "subnet_id", ASSOCIATIONS),
        ) else {
            continue;
        };
        match m.inv.route_tables.iter_mut().find(|t| t.id == table) {
            Some(t) => t.subnet_ids.push(subnet),
            None => missing_association(m, i, &o, &table),
        }
    }
    for i in by_type("aws_main_route_table_association") {
        let o = Obj::of(i);
        let (Some(table), Some(vpc)) = (
            m.id_as(kind, i, &o, "route_table_id", ASSOCIATIONS),
            m.id_as(kind, i, &o, "vpc_id", ASSOCIATIONS),
        ) else {
            continue;
        };
        if !m.inv.route_tables.iter().any(|t| t.id == table) {
            missing_association(m, i, &o, &table);
            continue;
        }
        for t in m.inv.route_tables.iter_mut().filter(|t| t.vpc_id == vpc) {
            t.main = t.id == table;
        }
    }
}

/// The field of route tables that associations fill.
const ASSOCIATIONS: &str = "subnet_ids";

/// An association with a table this configuration does not declare.
fn missing_association(m: &mut Mapper, i: &Instance, o: &Obj, id: &str) {
    m.note_field(
        cloudgrade_model::ResourceKind::RouteTable,
        ASSOCIATIONS,
        format!("{}:{} {}", i.file.rel, o.line, i.address),
        format!("`{}` se refiere a la tabla de rutas `{id}`, que esta configuración no declara: su efecto no está en el inventario", i.address),
    );
}

/// A reference to something this configuration does not declare.
pub(super) fn missing(
    m: &mut Mapper,
    kind: cloudgrade_model::ResourceKind,
    i: &Instance,
    o: &Obj,
    id: &str,
    what: &str,
) {
    m.note(
        kind,
        format!("{}:{} {}", i.file.rel, o.line, i.address),
        format!("`{}` se refiere a la {what} `{id}`, que esta configuración no declara: su efecto no está en el inventario", i.address),
    );
}

fn route(m: &mut Mapper, i: &Instance, o: &Obj) -> Option<Route> {
    let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
    let destination = match read::attr_string(o.get("cidr_block"))
        .or_else(|| read::attr_string(o.get("destination_cidr_block")))
    {
        Some(Attr::Known(s)) if s.is_empty() => None,
        other => other,
    };
    let destination_ipv6 = non_empty(o.text("ipv6_cidr_block"))
        .or_else(|| non_empty(o.text("destination_ipv6_cidr_block")));
    let prefix_list_id = non_empty(o.text("destination_prefix_list_id"));
    if destination.is_none() && destination_ipv6.is_none() && prefix_list_id.is_none() {
        return None;
    }
    let mut origin = Mapper::origin(i);
    if let Some(or) = origin.as_mut() {
        or.line = o.line;
    }
    Some(Route {
        destination,
        destination_ipv6,
        prefix_list_id,
        target: target(m, i, o),
        blackhole: false,
        origin,
    })
}

fn target(m: &mut Mapper, i: &Instance, o: &Obj) -> RouteTarget {
    type Make = fn(String) -> RouteTarget;
    let fields: [(&str, Make); 11] = [
        ("gateway_id", RouteTarget::Unknown),
        ("nat_gateway_id", RouteTarget::NatGateway),
        (
            "egress_only_gateway_id",
            RouteTarget::EgressOnlyInternetGateway,
        ),
        ("instance_id", RouteTarget::Instance),
        ("network_interface_id", RouteTarget::NetworkInterface),
        ("vpc_peering_connection_id", RouteTarget::VpcPeering),
        ("transit_gateway_id", RouteTarget::TransitGateway),
        ("vpc_endpoint_id", RouteTarget::VpcEndpoint),
        ("carrier_gateway_id", RouteTarget::Unknown),
        ("local_gateway_id", RouteTarget::Unknown),
        ("core_network_arn", RouteTarget::Unknown),
    ];
    for (field, by_field) in fields {
        let v = o.get(field).clone();
        let Some(id) = read::text(&v).filter(|t| !t.is_empty()) else {
            continue;
        };
        m.check(ResourceKind::RouteTable, i, field, &v);
        if id == "local" {
            return RouteTarget::Local;
        }
        let id = m.canon(id);
        // What the id is decides the target, whichever argument holds it:
        // AWS reports a NAT gateway given as `gateway_id` as a NAT gateway.
        let by_type = match read::target_type(&v).as_deref() {
            Some("aws_internet_gateway") => Some(RouteTarget::InternetGateway(id.clone())),
            Some("aws_nat_gateway") => Some(RouteTarget::NatGateway(id.clone())),
            Some("aws_egress_only_internet_gateway") => {
                Some(RouteTarget::EgressOnlyInternetGateway(id.clone()))
            }
            Some("aws_instance") => Some(RouteTarget::Instance(id.clone())),
            Some("aws_network_interface") => Some(RouteTarget::NetworkInterface(id.clone())),
            Some("aws_vpc_peering_connection") => Some(RouteTarget::VpcPeering(id.clone())),
            Some("aws_ec2_transit_gateway") => Some(RouteTarget::TransitGateway(id.clone())),
            Some("aws_vpn_gateway") => Some(RouteTarget::VpnGateway(id.clone())),
            Some("aws_vpc_endpoint") => Some(RouteTarget::VpcEndpoint(id.clone())),
            _ => None,
        };
        if let Some(t) = by_type {
            return t;
        }
        let by_prefix: &[(&str, Make)] = &[
            ("igw-", RouteTarget::InternetGateway),
            ("nat-", RouteTarget::NatGateway),
            ("eigw-", RouteTarget::EgressOnlyInternetGateway),
            ("i-", RouteTarget::Instance),
            ("eni-", RouteTarget::NetworkInterface),
            ("pcx-", RouteTarget::VpcPeering),
            ("tgw-", RouteTarget::TransitGateway),
            ("vgw-", RouteTarget::VpnGateway),
            ("vpce-", RouteTarget::VpcEndpoint),
        ];
        if let Some((_, make)) = by_prefix.iter().find(|(p, _)| id.starts_with(p)) {
            return make(id);
        }
        return by_field(id);
    }
    RouteTarget::Unknown("(ruta sin destino)".into())
}
