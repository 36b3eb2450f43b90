//! CloudWatch log groups.

use cloudgrade_model::{Attr, LogGroup};

use std::collections::BTreeMap;

use super::Mapper;
use super::read::{self, Obj};
use crate::eval::Instance;
use crate::value::Value;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

/// The name the model gives a log group: its own, its prefix and `*`, or,
/// when it is known only after apply, its address.
fn name_of(i: &Instance, o: &Obj) -> String {
    o.known_str("name")
        .or_else(|| o.known_str("name_prefix").map(|p| format!("{p}*")))
        .unwrap_or_else(|| i.address.clone())
}

/// The groups whose name is known only after apply (`"/ecs/${var.app}"`),
/// by the text of that name, with the name the model gives them: a
/// container whose `awslogs-group` reads the same writes to that group.
pub(super) fn by_expression<'a>(by_type: &ByType<'a>) -> BTreeMap<String, String> {
    by_type("aws_cloudwatch_log_group")
        .into_iter()
        .filter_map(|i| {
            let o = Obj::of(i);
            match read::flat(o.get("name")) {
                Value::Unknown(u) => Some((u.text_form(), name_of(i, &o))),
                _ => None,
            }
        })
        .collect()
}

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_cloudwatch_log_group") {
        let o = Obj::of(i);
        let name = name_of(i, &o);
        // 0, or no value, keeps logs forever: AWS reports no retention.
        let retention_days = match o.int("retention_in_days") {
            Some(Ok(d)) => Attr::Known(i32::try_from(d).ok().filter(|d| *d > 0)),
            Some(Err(u)) => Attr::unknown(u.primary()),
            None => Attr::Known(None),
        };
        m.inv.log_groups.push(LogGroup {
            name,
            retention_days,
            origin: Mapper::origin(i),
        });
    }
}
