//! The database tier: DB subnet and parameter groups, then the instances
//! in them.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{ApplyMethod, Parameter, Tag};
use futures::future::try_join_all;

use super::{At, Built, Clients, ProvisionError, got, random};
use crate::world::{World, dashed};

#[derive(Default)]
pub(super) struct Databases {
    pub ids: Vec<(String, String)>,
    /// Logical instance name -> endpoint host name, for `${db.<name>.address}`.
    pub addresses: BTreeMap<String, String>,
    pub ports: BTreeMap<String, i32>,
}

pub(super) async fn build(
    c: &Clients,
    w: &World,
    built: &Built,
) -> Result<Databases, ProvisionError> {
    let subnet_groups = try_join_all(w.db_subnet_groups.iter().map(|(n, g)| async move {
        let key = format!("db_subnet_group.{n}");
        let name = g.name.clone().unwrap_or_else(|| dashed(n));
        let subnets = g
            .subnets
            .iter()
            .map(|s| built.id(&format!("subnet.{s}")).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        c.rds
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(g.description.as_deref().unwrap_or(&name))
            .set_subnet_ids(Some(subnets))
            .send()
            .await
            .at(&key, "CreateDBSubnetGroup")?;
        Ok::<_, ProvisionError>((n.clone(), name))
    }));
    let parameter_groups = try_join_all(w.db_parameter_groups.iter().map(|(n, g)| async move {
        let key = format!("db_parameter_group.{n}");
        let name = g.name.clone().unwrap_or_else(|| dashed(n));
        c.rds
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(&g.family)
            .description(&name)
            .send()
            .await
            .at(&key, "CreateDBParameterGroup")?;
        if !g.parameters.is_empty() {
            let parameters = g
                .parameters
                .iter()
                .map(|(p, v)| {
                    Parameter::builder()
                        .parameter_name(p)
                        .parameter_value(v)
                        .apply_method(ApplyMethod::PendingReboot)
                        .build()
                })
                .collect();
            c.rds
                .modify_db_parameter_group()
                .db_parameter_group_name(&name)
                .set_parameters(Some(parameters))
                .send()
                .await
                .at(&key, "ModifyDBParameterGroup")?;
        }
        Ok::<_, ProvisionError>((n.clone(), name))
    }));
    let (groups, parameter_groups) = tokio::try_join!(subnet_groups, parameter_groups)?;
    let groups: BTreeMap<String, String> = groups.into_iter().collect();
    let parameter_groups: BTreeMap<String, String> = parameter_groups.into_iter().collect();

    let instances = try_join_all(w.db_instances.iter().map(|(n, d)| {
        let groups = &groups;
        let parameter_groups = &parameter_groups;
        async move {
            let key = format!("db_instance.{n}");
            let identifier = d.identifier.clone().unwrap_or_else(|| dashed(n));
            let password = match &d.password_secret {
                Some(s) => built.secret_values.get(s).cloned().ok_or_else(|| {
                    ProvisionError::Unresolved {
                        resource: key.clone(),
                        message: format!("el secreto {s} de su contraseña no se ha creado"),
                    }
                })?,
                None => random::secret_value(&key, 32)?,
            };
            let security_groups = d
                .security_groups
                .iter()
                .map(|g| built.id(&format!("security_group.{g}")).map(str::to_string))
                .collect::<Result<Vec<_>, _>>()?;
            let subnet_group =
                groups
                    .get(&d.subnet_group)
                    .ok_or_else(|| ProvisionError::Unresolved {
                        resource: key.clone(),
                        message: format!("el grupo de subredes {} no se ha creado", d.subnet_group),
                    })?;
            let out = c
                .rds
                .create_db_instance()
                .db_instance_identifier(&identifier)
                .engine(&d.engine)
                .set_engine_version(d.engine_version.clone())
                .db_instance_class(&d.instance_class)
                .allocated_storage(d.allocated_storage)
                .master_username(&d.username)
                .master_user_password(password)
                .set_db_name(d.db_name.clone())
                .db_subnet_group_name(subnet_group)
                .set_db_parameter_group_name(
                    d.parameter_group
                        .as_ref()
                        .and_then(|g| parameter_groups.get(g))
                        .cloned(),
                )
                .set_vpc_security_group_ids(Some(security_groups))
                .publicly_accessible(d.publicly_accessible)
                .port(d.port)
                .storage_encrypted(d.storage_encrypted)
                .backup_retention_period(d.backup_retention_days)
                .multi_az(d.multi_az)
                .deletion_protection(d.deletion_protection)
                .set_preferred_backup_window(d.backup_window.clone())
                .set_preferred_maintenance_window(d.maintenance_window.clone())
                .auto_minor_version_upgrade(d.auto_minor_version_upgrade)
                .set_tags(Some(
                    d.tags
                        .iter()
                        .map(|(k, v)| Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .send()
                .await
                .at(&key, "CreateDBInstance")?;
            let inst = got(out.db_instance(), &key, "CreateDBInstance", "la instancia")?;
            // Real RDS has no endpoint until the instance is available; an
            // emulator has it at once. Only a world that names it needs it.
            let endpoint = inst.endpoint();
            Ok::<_, ProvisionError>((
                n.clone(),
                identifier,
                endpoint.and_then(|e| e.address()).map(str::to_string),
                endpoint.and_then(|e| e.port()).unwrap_or(d.port),
            ))
        }
    }))
    .await?;

    let mut dbs = Databases::default();
    dbs.ids.extend(
        groups
            .into_iter()
            .map(|(n, name)| (format!("db_subnet_group.{n}"), name)),
    );
    dbs.ids.extend(
        parameter_groups
            .into_iter()
            .map(|(n, name)| (format!("db_parameter_group.{n}"), name)),
    );
    for (n, identifier, address, port) in instances {
        dbs.ids.push((format!("db_instance.{n}"), identifier));
        if let Some(a) = address {
            dbs.addresses.insert(n.clone(), a);
        }
        dbs.ports.insert(n, port);
    }
    Ok(dbs)
}
