//! RDS: DB subnet groups, parameter and option groups, and DB instances,
//! with the defaults AWS applies when an argument is not set.

use std::collections::BTreeMap;

use cloudgrade_model::{
    Attr, DbInstance, DbOptionGroup, DbParameterGroup, DbSubnetGroup, ResourceKind,
};

use super::Mapper;
use super::read::Obj;
use crate::eval::Instance;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_db_subnet_group") {
        let o = Obj::of(i);
        let subnet_ids = m.ids(ResourceKind::DbSubnetGroup, i, &o, "subnet_ids");
        let vpc_id = subnet_ids
            .iter()
            .find_map(|id| {
                m.inv
                    .subnets
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| s.vpc_id.clone())
            })
            .unwrap_or_default();
        let name = name_of(i, &o);
        m.alias_name(&o, &name);
        m.inv.db_subnet_groups.push(DbSubnetGroup {
            name,
            vpc_id,
            subnet_ids,
            origin: Mapper::origin(i),
        });
    }
    map_settings(m, by_type);
    for i in by_type("aws_db_instance") {
        let kind = ResourceKind::DbInstance;
        let o = Obj::of(i);
        let engine = o.text("engine").unwrap_or_default();
        let port = port(i, &o, &engine);
        let subnet_group = m.id(kind, i, &o, "db_subnet_group_name");
        if subnet_group.is_none() && !o.has("replicate_source_db") {
            m.note(
                ResourceKind::Vpc,
                format!("{}:{} {}", i.file.rel, i.line, i.address),
                format!("`{}` no tiene `db_subnet_group_name`: va a las subredes de la VPC por defecto, que esta configuración no declara", i.address),
            );
        }
        let mut security_group_ids = m.ids(kind, i, &o, "vpc_security_group_ids");
        if security_group_ids.is_empty() {
            // Without groups, RDS uses the VPC's default security group.
            let vpc = subnet_group
                .as_ref()
                .and_then(|g| m.inv.db_subnet_groups.iter().find(|x| &x.name == g))
                .map(|g| g.vpc_id.clone())
                .filter(|v| !v.is_empty());
            security_group_ids.extend(vpc.map(|v| m.default_group(&v)));
        }
        let managed = o.known_bool("manage_master_user_password") == Some(true);
        let parameter_group = group_name(m, kind, i, &o, "parameter_group_name");
        let option_group = group_name(m, kind, i, &o, "option_group_name");
        m.inv.db_instances.push(DbInstance {
            id: i.address.clone(),
            engine,
            engine_version: Some(
                o.attr_string("engine_version")
                    .unwrap_or_else(|| Attr::Known(String::new())),
            ),
            port,
            publicly_accessible: o.bool_or("publicly_accessible", false),
            subnet_group,
            security_group_ids,
            // Off unless set: the provider's default, and AWS's.
            storage_encrypted: Some(o.bool_or("storage_encrypted", false)),
            backup_retention_days: retention(i, &o),
            // Off unless set: the provider's defaults, and AWS's.
            multi_az: Some(o.bool_or("multi_az", false)),
            deletion_protection: Some(o.bool_or("deletion_protection", false)),
            skip_final_snapshot: Some(o.bool_or("skip_final_snapshot", false)),
            final_snapshot_identifier: Some(given(&o, "final_snapshot_identifier")),
            backup_window: Some(given(&o, "backup_window")),
            maintenance_window: Some(given(&o, "maintenance_window")),
            // On unless set off: the provider's default, and AWS's.
            auto_minor_version_upgrade: Some(o.bool_or("auto_minor_version_upgrade", true)),
            master_username: username(
                i,
                &o,
                "username",
                &["snapshot_identifier", "replicate_source_db"],
            ),
            master_user_secret_arn: managed
                .then(|| format!("{}.master_user_secret[0].secret_arn", i.address)),
            parameter_group: Some(parameter_group),
            option_group: Some(option_group),
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
    map_clusters(m, by_type);
    managed_secrets(m);
}

/// The secret RDS makes for a master password it manages
/// (`manage_master_user_password`): a Secrets Manager secret like any
/// other, named by `<address>.master_user_secret[0].secret_arn`, which RDS
/// rotates by itself (every seven days unless told otherwise).
fn managed_secrets(m: &mut Mapper) {
    let made: Vec<cloudgrade_model::Secret> = m
        .inv
        .db_instances
        .iter()
        .filter_map(|db| {
            let arn = db.master_user_secret_arn.clone()?;
            Some(cloudgrade_model::Secret {
                name: format!("rds!{}", db.id),
                arn,
                rotation_enabled: Some(true),
                rotation_days: Some(7),
                kms_key_id: None,
                origin: db.origin.clone(),
            })
        })
        .collect();
    m.inv.secrets.extend(made);
}

/// An Aurora cluster is one database to the rules: its endpoint, groups and
/// subnets are the cluster's, and whether it is reachable from the internet
/// or spans zones is a property of its `aws_rds_cluster_instance`s.
fn map_clusters<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    let members = by_type("aws_rds_cluster_instance");
    for i in by_type("aws_rds_cluster") {
        let kind = ResourceKind::DbInstance;
        let o = Obj::of(i);
        let own_name = o.known_str("cluster_identifier");
        let mine: Vec<Obj> = members
            .iter()
            .map(|x| Obj::of(x))
            .filter(|x| {
                x.text("cluster_identifier").is_some_and(|c| {
                    c == i.address
                        || c.strip_suffix(".id") == Some(i.address.as_str())
                        || own_name.as_deref() == Some(c.as_str())
                })
            })
            .collect();
        let engine = o.text("engine").unwrap_or_else(|| "aurora".into());
        let port = port(i, &o, &engine);
        // Public if any member is; unknown if one is unknown and none is public.
        let mut publicly_accessible = Attr::Known(false);
        for x in &mine {
            match x.bool_or("publicly_accessible", false) {
                Attr::Known(true) => {
                    publicly_accessible = Attr::Known(true);
                    break;
                }
                Attr::Known(false) => {}
                u @ Attr::Unknown(_) => publicly_accessible = u,
            }
        }
        let subnet_group = m.id(kind, i, &o, "db_subnet_group_name");
        let security_group_ids = m.ids(kind, i, &o, "vpc_security_group_ids");
        let managed = o.known_bool("manage_master_user_password") == Some(true);
        let parameter_group = group_name(m, kind, i, &o, "db_cluster_parameter_group_name");
        m.inv.db_instances.push(DbInstance {
            id: i.address.clone(),
            engine,
            engine_version: Some(
                o.attr_string("engine_version")
                    .unwrap_or_else(|| Attr::Known(String::new())),
            ),
            port,
            publicly_accessible,
            subnet_group,
            security_group_ids,
            // Off unless set: the provider's default, and AWS's.
            storage_encrypted: Some(o.bool_or("storage_encrypted", false)),
            backup_retention_days: retention(i, &o),
            // A cluster survives a zone's loss when it has a reader in
            // another zone: two members or more.
            multi_az: Some(Attr::Known(mine.len() >= 2)),
            deletion_protection: Some(o.bool_or("deletion_protection", false)),
            skip_final_snapshot: Some(o.bool_or("skip_final_snapshot", false)),
            final_snapshot_identifier: Some(given(&o, "final_snapshot_identifier")),
            backup_window: Some(given(&o, "preferred_backup_window")),
            maintenance_window: Some(given(&o, "preferred_maintenance_window")),
            auto_minor_version_upgrade: Some(members_all(
                &mine,
                "auto_minor_version_upgrade",
                true,
            )),
            master_username: username(
                i,
                &o,
                "master_username",
                &[
                    "snapshot_identifier",
                    "replication_source_identifier",
                    "global_cluster_identifier",
                ],
            ),
            master_user_secret_arn: managed
                .then(|| format!("{}.master_user_secret[0].secret_arn", i.address)),
            parameter_group: Some(parameter_group),
            // Aurora has no option groups.
            option_group: Some(Attr::Known(String::new())),
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
}

/// The parameter and option groups: what family or engine version each
/// serves, and what it sets.
fn map_settings<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_db_parameter_group")
        .into_iter()
        .chain(by_type("aws_rds_cluster_parameter_group"))
    {
        let o = Obj::of(i);
        let name = name_of(i, &o);
        m.alias_name(&o, &name);
        let parameters: BTreeMap<String, Attr<String>> = o
            .objects(Some(&i.body), "parameter")
            .into_iter()
            .filter_map(|p| {
                let value = p
                    .attr_string("value")
                    .unwrap_or_else(|| Attr::Known(String::new()));
                Some((p.known_str("name")?, value))
            })
            .collect();
        m.inv.db_parameter_groups.push(DbParameterGroup {
            name,
            family: o
                .attr_string("family")
                .unwrap_or_else(|| Attr::unknown(format!("{}.family", i.address))),
            parameters,
            origin: Mapper::origin(i),
        });
    }
    for i in by_type("aws_db_option_group") {
        let o = Obj::of(i);
        let name = name_of(i, &o);
        m.alias_name(&o, &name);
        let options = o
            .objects(Some(&i.body), "option")
            .into_iter()
            .filter_map(|x| x.known_str("option_name"))
            .collect();
        m.inv.db_option_groups.push(DbOptionGroup {
            name,
            engine: o
                .attr_string("engine_name")
                .unwrap_or_else(|| Attr::unknown(format!("{}.engine_name", i.address))),
            major_engine_version: o
                .attr_string("major_engine_version")
                .unwrap_or_else(|| Attr::unknown(format!("{}.major_engine_version", i.address))),
            options,
            origin: Mapper::origin(i),
        });
    }
}

/// The group an instance names in `field`, or empty: its engine's default.
fn group_name(
    m: &mut Mapper,
    kind: ResourceKind,
    i: &Instance,
    o: &Obj,
    field: &str,
) -> Attr<String> {
    Attr::Known(m.id(kind, i, o, field).unwrap_or_default())
}

/// A bool every member must hold (its `default` when unset): false if one
/// is false, unknown if one is unknown and none is false.
fn members_all(members: &[Obj], field: &str, default: bool) -> Attr<bool> {
    let mut all = Attr::Known(true);
    for x in members {
        match x.bool_or(field, default) {
            Attr::Known(false) => return Attr::Known(false),
            Attr::Known(true) => {}
            u @ Attr::Unknown(_) => all = u,
        }
    }
    all
}

/// The master user's name; empty when none is given, which AWS refuses
/// unless the instance takes it from what it is made from (`inherit`: a
/// snapshot, the instance it replicates), whose name is not in the folder.
fn username(i: &Instance, o: &Obj, field: &str, inherit: &[&str]) -> Option<Attr<String>> {
    if let Some(name) = o.attr_string(field) {
        return Some(name);
    }
    match inherit.iter().find(|f| o.has(f)) {
        Some(from) => Some(Attr::unknown(format!("{}.{from}", i.address))),
        None => Some(Attr::Known(String::new())),
    }
}

/// A text argument as written, empty when it is not set.
fn given(o: &Obj, field: &str) -> Attr<String> {
    o.attr_string(field)
        .unwrap_or_else(|| Attr::Known(String::new()))
}

/// The group's name: AWS ids it by name; a generated one stands as the address.
fn name_of(i: &Instance, o: &Obj) -> String {
    o.known_str("name").unwrap_or_else(|| i.address.clone())
}

/// How many days of automated backups a DB instance or cluster keeps: AWS
/// keeps 1 when the argument is not set; an unknown names what it depends
/// on.
fn retention(i: &Instance, o: &Obj) -> Option<Attr<i32>> {
    if !o.has("backup_retention_period") {
        return Some(Attr::Known(1));
    }
    o.attr_int(&i.address, "backup_retention_period")
}

/// The port a DB instance or cluster listens on: the one set, else its
/// engine's default (what AWS assigns), else unknown.
fn port(i: &Instance, o: &Obj, engine: &str) -> Attr<i32> {
    o.attr_int(&i.address, "port").unwrap_or_else(|| {
        default_port(engine)
            .map_or_else(|| Attr::unknown(format!("{}.port", i.address)), Attr::Known)
    })
}

pub(crate) fn default_port(engine: &str) -> Option<i32> {
    let e = engine.to_ascii_lowercase();
    Some(if e.contains("postgres") {
        5432
    } else if e.contains("mysql") || e.contains("mariadb") || e == "aurora" {
        3306
    } else if e.starts_with("oracle") {
        1521
    } else if e.starts_with("sqlserver") {
        1433
    } else if e.starts_with("db2") {
        50000
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_by_engine() {
        assert_eq!(default_port("postgres"), Some(5432));
        assert_eq!(default_port("aurora-postgresql"), Some(5432));
        assert_eq!(default_port("mysql"), Some(3306));
        assert_eq!(default_port("sqlserver-ex"), Some(1433));
        assert_eq!(default_port("${var.engine}"), None);
    }
}
