//! PostgreSQL on RDS: instances, their subnet groups, and the parameter
//! and option groups they use.

use std::collections::BTreeSet;

use aws_sdk_rds::Client;
use cloudgrade_model::{
    Attr, DbInstance, DbOptionGroup, DbParameterGroup, DbSubnetGroup, Gap, Inventory, ResourceKind,
    is_own_db_group,
};
use futures::future::join_all;

use super::ec2::keep;
use super::errors::{Endpoint, collect_all, gaps};

pub struct Databases {
    instances: Result<Vec<DbInstance>, Vec<Gap>>,
    groups: Result<Vec<DbSubnetGroup>, Vec<Gap>>,
    parameters: Result<Vec<DbParameterGroup>, Vec<Gap>>,
    options: Result<Vec<DbOptionGroup>, Vec<Gap>>,
}

impl Databases {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        keep(self.instances, &mut inv.db_instances, g);
        keep(self.groups, &mut inv.db_subnet_groups, g);
        keep(self.parameters, &mut inv.db_parameter_groups, g);
        keep(self.options, &mut inv.db_option_groups, g);
    }
}

pub async fn read(c: &Client, ep: Endpoint) -> Databases {
    let (instances, groups) = tokio::join!(
        c.describe_db_instances()
            .max_records(100)
            .into_paginator()
            .send()
            .try_collect(),
        c.describe_db_subnet_groups()
            .max_records(100)
            .into_paginator()
            .send()
            .try_collect(),
    );
    let instances: Result<Vec<DbInstance>, Vec<Gap>> = instances
        .map_err(|e| {
            gaps(
                &e,
                ep,
                "rds:DescribeDBInstances",
                &[ResourceKind::DbInstance],
            )
        })
        .map(|p| {
            p.into_iter()
                .flat_map(|p| p.db_instances.unwrap_or_default())
                .map(instance)
                .collect()
        });
    let used = |pick: fn(&DbInstance) -> &Option<Attr<String>>| -> BTreeSet<String> {
        instances
            .iter()
            .flatten()
            .filter_map(|d| pick(d).as_ref()?.as_known().cloned())
            // Only a project's own groups are read: a run costs nothing
            // more when it has none.
            .filter(|n| is_own_db_group(n))
            .collect()
    };
    let (parameters, options) = tokio::join!(
        parameter_groups(c, ep, used(|d| &d.parameter_group)),
        option_groups(c, ep, used(|d| &d.option_group)),
    );
    Databases {
        instances,
        parameters,
        options,
        groups: groups
            .map_err(|e| {
                gaps(
                    &e,
                    ep,
                    "rds:DescribeDBSubnetGroups",
                    &[ResourceKind::DbSubnetGroup],
                )
            })
            .map(|p| {
                p.into_iter()
                    .flat_map(|p| p.db_subnet_groups.unwrap_or_default())
                    .map(group)
                    .collect()
            }),
    }
}

/// Each group's family and the parameters the project set (`Source=user`):
/// two calls a group.
async fn parameter_groups(
    c: &Client,
    ep: Endpoint,
    names: BTreeSet<String>,
) -> Result<Vec<DbParameterGroup>, Vec<Gap>> {
    let kinds = &[ResourceKind::DbParameterGroup];
    let reads = join_all(names.into_iter().map(|name| async move {
        let (group, values) = tokio::join!(
            c.describe_db_parameter_groups()
                .db_parameter_group_name(&name)
                .send(),
            c.describe_db_parameters()
                .db_parameter_group_name(&name)
                .source("user")
                .into_paginator()
                .send()
                .try_collect(),
        );
        let group = group.map_err(|e| gaps(&e, ep, "rds:DescribeDBParameterGroups", kinds))?;
        let values = values.map_err(|e| gaps(&e, ep, "rds:DescribeDBParameters", kinds))?;
        let family = group
            .db_parameter_groups
            .unwrap_or_default()
            .into_iter()
            .find_map(|g| g.db_parameter_group_family);
        Ok(DbParameterGroup {
            family: family.map_or_else(|| Attr::unknown(format!("{name}.family")), Attr::Known),
            parameters: values
                .into_iter()
                .flat_map(|p| p.parameters.unwrap_or_default())
                .filter_map(|p| {
                    let value = p.parameter_value.unwrap_or_default();
                    Some((p.parameter_name?, Attr::Known(value)))
                })
                .collect(),
            name,
            origin: None,
        })
    }))
    .await;
    collect_all(reads)
}

async fn option_groups(
    c: &Client,
    ep: Endpoint,
    names: BTreeSet<String>,
) -> Result<Vec<DbOptionGroup>, Vec<Gap>> {
    let reads = join_all(names.into_iter().map(|name| async move {
        let out = c
            .describe_option_groups()
            .option_group_name(&name)
            .send()
            .await
            .map_err(|e| {
                gaps(
                    &e,
                    ep,
                    "rds:DescribeOptionGroups",
                    &[ResourceKind::DbOptionGroup],
                )
            })?;
        let g = out
            .option_groups_list
            .unwrap_or_default()
            .into_iter()
            .next();
        let known = |v: Option<String>, what: &str| {
            v.map_or_else(|| Attr::unknown(format!("{name}.{what}")), Attr::Known)
        };
        Ok(DbOptionGroup {
            engine: known(
                g.as_ref().and_then(|g| g.engine_name.clone()),
                "engine_name",
            ),
            major_engine_version: known(
                g.as_ref().and_then(|g| g.major_engine_version.clone()),
                "major_engine_version",
            ),
            options: g
                .and_then(|g| g.options)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| o.option_name)
                .collect(),
            name,
            origin: None,
        })
    }))
    .await;
    collect_all(reads)
}

fn instance(d: aws_sdk_rds::types::DbInstance) -> DbInstance {
    let id = d.db_instance_identifier.unwrap_or_default();
    // An instance still being created has no endpoint yet and a port of 0:
    // its port is unknown, not the engine's default.
    let port = d
        .endpoint
        .as_ref()
        .and_then(|e| e.port)
        .or(d.db_instance_port)
        .filter(|p| *p > 0);
    DbInstance {
        port: port.map_or_else(|| Attr::unknown(format!("{id}.endpoint.port")), Attr::Known),
        id,
        engine: d.engine.unwrap_or_default(),
        engine_version: d.engine_version.map(Attr::Known),
        publicly_accessible: Attr::Known(d.publicly_accessible.unwrap_or(false)),
        subnet_group: d.db_subnet_group.and_then(|g| g.db_subnet_group_name),
        security_group_ids: d
            .vpc_security_groups
            .unwrap_or_default()
            .into_iter()
            .filter_map(|g| g.vpc_security_group_id)
            .collect(),
        storage_encrypted: d.storage_encrypted.map(Attr::Known),
        backup_retention_days: d.backup_retention_period.map(Attr::Known),
        multi_az: d.multi_az.map(Attr::Known),
        deletion_protection: d.deletion_protection.map(Attr::Known),
        // Arguments of Terraform's own, which no API returns.
        skip_final_snapshot: None,
        final_snapshot_identifier: None,
        backup_window: d.preferred_backup_window.map(Attr::Known),
        maintenance_window: d.preferred_maintenance_window.map(Attr::Known),
        auto_minor_version_upgrade: d.auto_minor_version_upgrade.map(Attr::Known),
        master_username: d.master_username.map(Attr::Known),
        master_user_secret_arn: d.master_user_secret.and_then(|s| s.secret_arn),
        parameter_group: d.db_parameter_groups.map(|g| {
            Attr::Known(
                g.into_iter()
                    .find_map(|g| g.db_parameter_group_name)
                    .unwrap_or_default(),
            )
        }),
        option_group: d.option_group_memberships.map(|g| {
            Attr::Known(
                g.into_iter()
                    .find_map(|g| g.option_group_name)
                    .unwrap_or_default(),
            )
        }),
        tags: d
            .tag_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
            .collect(),
        origin: None,
    }
}

fn group(g: aws_sdk_rds::types::DbSubnetGroup) -> DbSubnetGroup {
    DbSubnetGroup {
        name: g.db_subnet_group_name.unwrap_or_default(),
        vpc_id: g.vpc_id.unwrap_or_default(),
        subnet_ids: g
            .subnets
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.subnet_identifier)
            .collect(),
        origin: None,
    }
}
