//! PostgreSQL on RDS: instances and their subnet groups.

use aws_sdk_rds::Client;
use cloudgrade_model::{Attr, DbInstance, DbSubnetGroup, Gap, Inventory, ResourceKind};

use super::ec2::keep;
use super::errors::{Endpoint, gaps};

pub struct Databases {
    instances: Result<Vec<DbInstance>, Vec<Gap>>,
    groups: Result<Vec<DbSubnetGroup>, Vec<Gap>>,
}

impl Databases {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        keep(self.instances, &mut inv.db_instances, g);
        keep(self.groups, &mut inv.db_subnet_groups, g);
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
    Databases {
        instances: instances
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
            }),
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
