//! Security groups: all created first, since their rules refer to each
//! other, then every rule, one call per rule so a rejected one is named.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, UserIdGroupPair};
use futures::future::try_join_all;

use super::network::tag_spec;
use super::{At, Clients, ProvisionError, got};
use cloudgrade_model::SecurityGroup;

use crate::world::{SgRule, World, protocol_number};

pub(super) async fn build(
    c: &Clients,
    w: &World,
    vpc: &str,
) -> Result<Vec<(String, String)>, ProvisionError> {
    let ids: BTreeMap<String, String> =
        try_join_all(w.security_groups.iter().map(|(n, g)| async move {
            let key = format!("security_group.{n}");
            let out = c
                .ec2
                .create_security_group()
                .group_name(g.name.as_deref().unwrap_or(n))
                // What Terraform sends when the configuration gives none,
                // so the world reads alike written as .tf and built here.
                .description(
                    g.description
                        .as_deref()
                        .filter(|d| !d.is_empty())
                        .unwrap_or(SecurityGroup::UNSAID),
                )
                .vpc_id(vpc)
                .set_tag_specifications(tag_spec(ResourceType::SecurityGroup, &g.tags))
                .send()
                .await
                .at(&key, "CreateSecurityGroup")?;
            let id = got(
                out.group_id(),
                &key,
                "CreateSecurityGroup",
                "el id del grupo",
            )?;
            Ok::<_, ProvisionError>((n.clone(), id.to_string()))
        }))
        .await?
        .into_iter()
        .collect();

    try_join_all(w.security_groups.iter().map(|(n, g)| {
        let ids = &ids;
        async move {
            let key = &format!("security_group.{n}");
            let id = group_id(ids, n)?;
            let ingress = try_join_all(g.ingress.iter().map(|(rn, r)| async move {
                let rk = format!("{key}.ingress.{rn}");
                c.ec2
                    .authorize_security_group_ingress()
                    .group_id(id)
                    .ip_permissions(permission(ids, &rk, rn, r)?)
                    .send()
                    .await
                    .at(&rk, "AuthorizeSecurityGroupIngress")?;
                Ok::<_, ProvisionError>(())
            }));
            let egress = async {
                let Some(rules) = &g.egress else {
                    return Ok(());
                };
                // The world lists the egress rules exactly: AWS's default
                // allow-all goes first.
                c.ec2
                    .revoke_security_group_egress()
                    .group_id(id)
                    .ip_permissions(
                        IpPermission::builder()
                            .ip_protocol("-1")
                            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .build(),
                    )
                    .send()
                    .await
                    .at(&format!("{key}.egress"), "RevokeSecurityGroupEgress")?;
                try_join_all(rules.iter().map(|(rn, r)| async move {
                    let rk = format!("{key}.egress.{rn}");
                    c.ec2
                        .authorize_security_group_egress()
                        .group_id(id)
                        .ip_permissions(permission(ids, &rk, rn, r)?)
                        .send()
                        .await
                        .at(&rk, "AuthorizeSecurityGroupEgress")?;
                    Ok::<_, ProvisionError>(())
                }))
                .await
                .map(|_| ())
            };
            tokio::try_join!(ingress, egress)?;
            Ok::<_, ProvisionError>(())
        }
    }))
    .await?;

    Ok(ids
        .into_iter()
        .map(|(n, id)| (format!("security_group.{n}"), id))
        .collect())
}

fn group_id<'a>(ids: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, ProvisionError> {
    ids.get(name)
        .map(String::as_str)
        .ok_or_else(|| ProvisionError::Unresolved {
            resource: format!("security_group.{name}"),
            message: "no se ha creado".into(),
        })
}

fn permission(
    ids: &BTreeMap<String, String>,
    key: &str,
    name: &str,
    r: &SgRule,
) -> Result<IpPermission, ProvisionError> {
    let bad = |message: String| ProvisionError::Unresolved {
        resource: key.to_string(),
        message,
    };
    let protocol = match protocol_number(&r.protocol) {
        // EC2 takes the common protocols by name.
        Some(n) if n == "6" || n == "17" || n == "1" => r.protocol.to_ascii_lowercase(),
        Some(n) => n,
        None => return Err(bad(format!("protocolo «{}» desconocido", r.protocol))),
    };
    let description = Some(r.description.as_deref().unwrap_or(name))
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    match &r.ports {
        Some(ports) => {
            let (from, to) = ports.range().map_err(bad)?;
            p = p.from_port(from).to_port(to);
        }
        // ICMP without ports: every type and code.
        None if protocol == "icmp" => p = p.from_port(-1).to_port(-1),
        None => {}
    }
    p = match (&r.cidr, &r.group) {
        (Some(cidr), _) => p.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .set_description(description)
                .build(),
        ),
        (None, Some(g)) => p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(group_id(ids, g)?)
                .set_description(description)
                .build(),
        ),
        (None, None) => return Err(bad("la regla no tiene origen ni destino".into())),
    };
    Ok(p.build())
}
