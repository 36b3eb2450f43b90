//! The VPC and what routes and filters its traffic: subnets, internet and NAT
//! gateways, route tables and network ACLs. Security groups are built
//! beside them ([`super::security`]) once the VPC exists.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, ConnectivityType, DomainType, Filter, FlowLogsResourceType,
    IcmpTypeCode, LogDestinationType, PortRange, ResourceType, RuleAction, Tag, TagSpecification,
    TrafficType,
};
use futures::future::try_join_all;

use super::{At, Built, Clients, ProvisionError, got, security};
use crate::world::{AclEntry, RouteTarget, Tags, World, protocol_number};

type Pairs = Vec<(String, String)>;

/// The tags of a resource as EC2 takes them at creation; none when empty.
pub(super) fn tag_spec(kind: ResourceType, tags: &Tags) -> Option<Vec<TagSpecification>> {
    (!tags.is_empty()).then(|| {
        vec![
            TagSpecification::builder()
                .resource_type(kind)
                .set_tags(Some(
                    tags.iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .build(),
        ]
    })
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

/// `emulator`: the target is an emulator, which honours a stated Elastic IP.
pub(super) async fn build(
    c: &Clients,
    w: &World,
    region: &str,
    emulator: bool,
) -> Result<Pairs, ProvisionError> {
    let out = c
        .ec2
        .create_vpc()
        .cidr_block(&w.vpc.cidr)
        .set_tag_specifications(tag_spec(ResourceType::Vpc, &w.vpc.tags))
        .send()
        .await
        .at("vpc", "CreateVpc")?;
    let vpc = got(
        out.vpc().and_then(|v| v.vpc_id()),
        "vpc",
        "CreateVpc",
        "el id de la VPC",
    )?
    .to_string();
    dns(c, w, &vpc).await?;
    let (mut pairs, groups) = tokio::try_join!(
        layout(c, w, region, emulator, &vpc),
        security::build(c, w, &vpc)
    )?;
    pairs.push(("vpc".into(), vpc));
    pairs.extend(groups);
    Ok(pairs)
}

/// The VPC's DNS attributes as the world says: EC2 creates a VPC with DNS
/// support on and host names off, and sets one attribute per call.
async fn dns(c: &Clients, w: &World, vpc: &str) -> Result<(), ProvisionError> {
    let set = |on: bool| AttributeBooleanValue::builder().value(on).build();
    if !w.vpc.enable_dns_support {
        c.ec2
            .modify_vpc_attribute()
            .vpc_id(vpc)
            .enable_dns_support(set(false))
            .send()
            .await
            .at("vpc", "ModifyVpcAttribute")?;
    }
    if w.vpc.enable_dns_hostnames {
        c.ec2
            .modify_vpc_attribute()
            .vpc_id(vpc)
            .enable_dns_hostnames(set(true))
            .send()
            .await
            .at("vpc", "ModifyVpcAttribute")?;
    }
    Ok(())
}

/// Everything inside the VPC but its security groups.
async fn layout(
    c: &Clients,
    w: &World,
    region: &str,
    emulator: bool,
    vpc: &str,
) -> Result<Pairs, ProvisionError> {
    let (defaults, subnets, igws) = tokio::try_join!(
        vpc_defaults(c, vpc),
        // One after another: moto checks a new subnet's block against the
        // subnets it already has, so two overlapping ones created at once can
        // both pass (seen under load). AWS's check is atomic.
        sequentially(w.subnets.iter().map(|(n, s)| async move {
            let key = format!("subnet.{n}");
            let out = c
                .ec2
                .create_subnet()
                .vpc_id(vpc)
                .cidr_block(&s.cidr)
                .availability_zone(World::availability_zone(&s.az, region))
                .set_tag_specifications(tag_spec(ResourceType::Subnet, &s.tags))
                .send()
                .await
                .at(&key, "CreateSubnet")?;
            let id = got(
                out.subnet().and_then(|s| s.subnet_id()),
                &key,
                "CreateSubnet",
                "el id de la subred",
            )?
            .to_string();
            if s.map_public_ip_on_launch {
                c.ec2
                    .modify_subnet_attribute()
                    .subnet_id(&id)
                    .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
                    .send()
                    .await
                    .at(&key, "ModifySubnetAttribute")?;
            }
            Ok::<_, ProvisionError>((n.clone(), id))
        })),
        try_join_all(w.internet_gateways.iter().map(|(n, g)| async move {
            let key = format!("internet_gateway.{n}");
            let out = c
                .ec2
                .create_internet_gateway()
                .set_tag_specifications(tag_spec(ResourceType::InternetGateway, &g.tags))
                .send()
                .await
                .at(&key, "CreateInternetGateway")?;
            let id = got(
                out.internet_gateway().and_then(|g| g.internet_gateway_id()),
                &key,
                "CreateInternetGateway",
                "el id del internet gateway",
            )?
            .to_string();
            if g.attached {
                c.ec2
                    .attach_internet_gateway()
                    .internet_gateway_id(&id)
                    .vpc_id(vpc)
                    .send()
                    .await
                    .at(&key, "AttachInternetGateway")?;
            }
            Ok::<_, ProvisionError>((n.clone(), id))
        })),
    )?;
    let subnets: BTreeMap<String, String> = subnets.into_iter().collect();
    let igws: BTreeMap<String, String> = igws.into_iter().collect();
    let sub = |n: &str| pick(&subnets, n, "subnet");

    let (nats, tables, acls) = tokio::try_join!(
        try_join_all(w.nat_gateways.iter().map(|(n, nat)| async move {
            let key = format!("nat_gateway.{n}");
            let mut pairs = Vec::new();
            let mut req = c
                .ec2
                .create_nat_gateway()
                .subnet_id(sub(&nat.subnet)?)
                .set_tag_specifications(tag_spec(ResourceType::Natgateway, &nat.tags));
            if nat.connectivity == "public" {
                // A public NAT gateway needs an Elastic IP of its own.
                let eip = c
                    .ec2
                    .allocate_address()
                    .domain(DomainType::Vpc)
                    .set_address(nat.public_ip.clone().filter(|_| emulator))
                    .send()
                    .await
                    .at(&format!("eip.{n}"), "AllocateAddress")?;
                let alloc = got(
                    eip.allocation_id(),
                    &key,
                    "AllocateAddress",
                    "la asignación de la IP elástica",
                )?;
                pairs.push((format!("eip.{n}"), alloc.to_string()));
                req = req
                    .allocation_id(alloc)
                    .connectivity_type(ConnectivityType::Public);
            } else {
                req = req.connectivity_type(ConnectivityType::Private);
            }
            let out = req.send().await.at(&key, "CreateNatGateway")?;
            let id = got(
                out.nat_gateway().and_then(|g| g.nat_gateway_id()),
                &key,
                "CreateNatGateway",
                "el id del NAT gateway",
            )?;
            pairs.push((key.clone(), id.to_string()));
            Ok::<_, ProvisionError>((n.clone(), id.to_string(), pairs))
        })),
        try_join_all(w.route_tables.iter().map(|(n, rt)| async move {
            let key = format!("route_table.{n}");
            let out = c
                .ec2
                .create_route_table()
                .vpc_id(vpc)
                .set_tag_specifications(tag_spec(ResourceType::RouteTable, &rt.tags))
                .send()
                .await
                .at(&key, "CreateRouteTable")?;
            let id = got(
                out.route_table().and_then(|t| t.route_table_id()),
                &key,
                "CreateRouteTable",
                "el id de la tabla de rutas",
            )?;
            Ok::<_, ProvisionError>((n.clone(), id.to_string()))
        })),
        try_join_all(w.network_acls.iter().map(|(n, acl)| async move {
            let key = format!("network_acl.{n}");
            let out = c
                .ec2
                .create_network_acl()
                .vpc_id(vpc)
                .set_tag_specifications(tag_spec(ResourceType::NetworkAcl, &acl.tags))
                .send()
                .await
                .at(&key, "CreateNetworkAcl")?;
            let id = got(
                out.network_acl().and_then(|a| a.network_acl_id()),
                &key,
                "CreateNetworkAcl",
                "el id de la ACL",
            )?
            .to_string();
            try_join_all(acl.entries.iter().map(|(en, e)| {
                let (id, key) = (&id, &key);
                async move { acl_entry(c, id, &format!("{key}.entries.{en}"), e).await }
            }))
            .await?;
            try_join_all(
                acl.subnets
                    .iter()
                    .map(|s| async { move_subnet_acl(c, &key, sub(s)?, &id).await }),
            )
            .await?;
            Ok::<_, ProvisionError>((n.clone(), id))
        })),
    )?;
    let nat_ids: BTreeMap<String, String> = nats
        .iter()
        .map(|(n, id, _)| (n.clone(), id.clone()))
        .collect();
    let table_ids: BTreeMap<String, String> = tables.into_iter().collect();

    try_join_all(w.route_tables.iter().map(|(n, rt)| {
        let (nat_ids, igws, table_ids, sub) = (&nat_ids, &igws, &table_ids, &sub);
        let defaults = &defaults;
        async move {
            let key = &format!("route_table.{n}");
            let id = pick(table_ids, n, "route_table")?;
            try_join_all(rt.routes.iter().map(|(dest, target)| async move {
                let req = c
                    .ec2
                    .create_route()
                    .route_table_id(id)
                    .destination_cidr_block(dest);
                let req = match RouteTarget::parse(target) {
                    Some(RouteTarget::InternetGateway(g)) => {
                        req.gateway_id(pick(igws, &g, "internet_gateway")?)
                    }
                    Some(RouteTarget::NatGateway(g)) => {
                        req.nat_gateway_id(pick(nat_ids, &g, "nat_gateway")?)
                    }
                    None => {
                        return Err(ProvisionError::Unresolved {
                            resource: format!("{key}.routes.{dest}"),
                            message: format!("destino «{target}» desconocido"),
                        });
                    }
                };
                req.send()
                    .await
                    .at(&format!("{key}.routes.{dest}"), "CreateRoute")?;
                Ok(())
            }))
            .await?;
            try_join_all(rt.subnets.iter().map(|s| async move {
                c.ec2
                    .associate_route_table()
                    .route_table_id(id)
                    .subnet_id(sub(s)?)
                    .send()
                    .await
                    .at(&format!("{key}.subnets.{s}"), "AssociateRouteTable")?;
                Ok::<_, ProvisionError>(())
            }))
            .await?;
            if rt.main {
                c.ec2
                    .replace_route_table_association()
                    .association_id(&defaults.main_association)
                    .route_table_id(id)
                    .send()
                    .await
                    .at(key, "ReplaceRouteTableAssociation")?;
            }
            Ok::<_, ProvisionError>(())
        }
    }))
    .await?;

    let mut pairs: Pairs = vec![
        ("vpc.main_route_table".into(), defaults.main_table.clone()),
        ("vpc.default_network_acl".into(), defaults.acl.clone()),
    ];
    pairs.extend(
        subnets
            .iter()
            .map(|(n, id)| (format!("subnet.{n}"), id.clone())),
    );
    pairs.extend(
        igws.iter()
            .map(|(n, id)| (format!("internet_gateway.{n}"), id.clone())),
    );
    pairs.extend(nats.into_iter().flat_map(|(_, _, p)| p));
    pairs.extend(
        table_ids
            .into_iter()
            .map(|(n, id)| (format!("route_table.{n}"), id)),
    );
    pairs.extend(
        acls.into_iter()
            .map(|(n, id)| (format!("network_acl.{n}"), id)),
    );
    Ok(pairs)
}

/// The id built for a logical name; validation makes a miss impossible, so a
/// miss is reported rather than sent to AWS as an empty id.
fn pick<'a>(
    ids: &'a BTreeMap<String, String>,
    name: &str,
    kind: &str,
) -> Result<&'a str, ProvisionError> {
    ids.get(name)
        .map(String::as_str)
        .ok_or_else(|| ProvisionError::Unresolved {
            resource: format!("{kind}.{name}"),
            message: "no se ha creado".into(),
        })
}

/// What AWS creates with every VPC: its main route table (local route only)
/// and its default network ACL (allows everything).
struct VpcDefaults {
    main_table: String,
    main_association: String,
    acl: String,
}

async fn vpc_defaults(c: &Clients, vpc: &str) -> Result<VpcDefaults, ProvisionError> {
    let key = "vpc.main_route_table";
    let (tables, acls) = tokio::try_join!(
        async {
            c.ec2
                .describe_route_tables()
                .filters(filter("vpc-id", vpc))
                .filters(filter("association.main", "true"))
                .send()
                .await
                .at(key, "DescribeRouteTables")
        },
        async {
            c.ec2
                .describe_network_acls()
                .filters(filter("vpc-id", vpc))
                .filters(filter("default", "true"))
                .send()
                .await
                .at("vpc.default_network_acl", "DescribeNetworkAcls")
        },
    )?;
    let main = got(
        tables.route_tables().first(),
        key,
        "DescribeRouteTables",
        "la tabla principal de la VPC",
    )?;
    let main_association = got(
        main.associations()
            .iter()
            .find(|a| a.main() == Some(true))
            .and_then(|a| a.route_table_association_id()),
        key,
        "DescribeRouteTables",
        "la asociación de la tabla principal",
    )?;
    let acl = got(
        acls.network_acls().first().and_then(|a| a.network_acl_id()),
        "vpc.default_network_acl",
        "DescribeNetworkAcls",
        "la ACL por defecto de la VPC",
    )?;
    Ok(VpcDefaults {
        main_table: got(
            main.route_table_id(),
            key,
            "DescribeRouteTables",
            "el id de la tabla principal",
        )?
        .to_string(),
        main_association: main_association.to_string(),
        acl: acl.to_string(),
    })
}

async fn acl_entry(c: &Clients, acl: &str, key: &str, e: &AclEntry) -> Result<(), ProvisionError> {
    let protocol = protocol_number(&e.protocol).ok_or_else(|| ProvisionError::Unresolved {
        resource: key.to_string(),
        message: format!("protocolo «{}» desconocido", e.protocol),
    })?;
    let mut req = c
        .ec2
        .create_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(e.rule)
        .egress(e.egress)
        .protocol(&protocol)
        .rule_action(if e.action == "allow" {
            RuleAction::Allow
        } else {
            RuleAction::Deny
        })
        .cidr_block(&e.cidr);
    if let Some(p) = &e.ports {
        let (from, to) = p.range().map_err(|message| ProvisionError::Unresolved {
            resource: key.to_string(),
            message,
        })?;
        req = req.port_range(PortRange::builder().from(from).to(to).build());
    }
    if protocol == "1" {
        req = req.icmp_type_code(IcmpTypeCode::builder().r#type(-1).code(-1).build());
    }
    req.send().await.at(key, "CreateNetworkAclEntry")?;
    Ok(())
}

/// A subnet always has one ACL: moving it replaces its current association.
async fn move_subnet_acl(
    c: &Clients,
    key: &str,
    subnet: &str,
    acl: &str,
) -> Result<(), ProvisionError> {
    let out = c
        .ec2
        .describe_network_acls()
        .filters(filter("association.subnet-id", subnet))
        .send()
        .await
        .at(key, "DescribeNetworkAcls")?;
    let assoc = got(
        out.network_acls()
            .iter()
            .flat_map(|a| a.associations())
            .find(|a| a.subnet_id() == Some(subnet))
            .and_then(|a| a.network_acl_association_id()),
        key,
        "DescribeNetworkAcls",
        "la asociación actual de la subred con su ACL",
    )?;
    c.ec2
        .replace_network_acl_association()
        .association_id(assoc)
        .network_acl_id(acl)
        .send()
        .await
        .at(key, "ReplaceNetworkAclAssociation")?;
    Ok(())
}

/// The VPC's flow logs, once the log groups they write to and the roles
/// they deliver with exist.
pub(super) async fn flow_logs(c: &Clients, w: &World, b: &Built) -> Result<Pairs, ProvisionError> {
    try_join_all(w.flow_logs.iter().map(|(n, f)| async move {
        let key = format!("flow_log.{n}");
        const ACTION: &str = "CreateFlowLogs";
        let out = c
            .ec2
            .create_flow_logs()
            .resource_type(FlowLogsResourceType::Vpc)
            .resource_ids(b.id("vpc")?)
            .traffic_type(TrafficType::from(f.traffic_type.as_str()))
            .log_destination_type(LogDestinationType::CloudWatchLogs)
            // The name the log group was built with; a name the world does
            // not declare is an Unresolved error, not a panic.
            .log_group_name(b.id(&format!("log_group.{}", f.log_group))?)
            .deliver_logs_permission_arn(b.id(&format!("iam_role.{}", f.role))?)
            .send()
            .await
            .at(&key, ACTION)?;
        // A refused resource is an item of the answer, not an error.
        if let Some(refused) = out.unsuccessful().first() {
            return Err(ProvisionError::Api {
                resource: key,
                action: ACTION,
                message: refused
                    .error()
                    .and_then(|e| e.message())
                    .unwrap_or("rechazado sin motivo")
                    .to_string(),
            });
        }
        let id = got(
            out.flow_log_ids().first(),
            &key,
            ACTION,
            "el id del flow log",
        )?
        .clone();
        Ok::<_, ProvisionError>((key, id))
    }))
    .await
}

/// Runs `tasks` one at a time, in order, stopping at the first error.
async fn sequentially<T, F>(tasks: impl IntoIterator<Item = F>) -> Result<Vec<T>, ProvisionError>
where
    F: std::future::Future<Output = Result<T, ProvisionError>>,
{
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await?);
    }
    Ok(out)
}
