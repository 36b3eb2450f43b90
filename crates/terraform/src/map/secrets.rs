//! Secrets Manager secrets: metadata only, never a value.

use cloudgrade_model::{ResourceKind, Secret};

use super::Mapper;
use super::read::Obj;
use crate::eval::Instance;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    // Each rotated secret, with its days between rotations when they are
    // days (a schedule_expression is a cron or rate instead).
    let mut rotated: Vec<(String, Option<i32>)> = Vec::new();
    for i in by_type("aws_secretsmanager_secret_rotation") {
        let o = Obj::of(i);
        if let Some(id) = m.id(ResourceKind::Secret, i, &o, "secret_id") {
            let days = o
                .objects(Some(&i.body), "rotation_rules")
                .first()
                .and_then(|r| r.known_int("automatically_after_days"));
            rotated.push((id, days));
        }
    }
    for i in by_type("aws_secretsmanager_secret") {
        let o = Obj::of(i);
        let name = o
            .known_str("name")
            .or_else(|| o.known_str("name_prefix").map(|p| format!("{p}*")))
            .unwrap_or_else(|| i.address.clone());
        let rotation = rotated.iter().find(|(r, _)| r == &i.address || r == &name);
        m.inv.secrets.push(Secret {
            arn: i.address.clone(),
            name,
            rotation_enabled: Some(rotation.is_some()),
            rotation_days: rotation.and_then(|(_, days)| *days),
            kms_key_id: o.text("kms_key_id"),
            origin: Mapper::origin(i),
        });
    }
}

/// A secret a data source found outside the configuration: it exists, by
/// the name the data source asks for (its ARN reads as the data source's
/// address, which is how the task definitions and policies name it).
pub(super) fn outside(m: &mut Mapper, i: &Instance) {
    let o = Obj::of(i);
    m.inv.secrets.push(Secret {
        arn: i.address.clone(),
        name: o.known_str("name").unwrap_or_else(|| i.address.clone()),
        rotation_enabled: None,
        rotation_days: None,
        kms_key_id: None,
        origin: Mapper::origin(i),
    });
}
