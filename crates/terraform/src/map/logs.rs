//! CloudWatch log groups.

use cloudgrade_model::{Attr, LogGroup};

use super::Mapper;
use super::read::Obj;
use crate::eval::Instance;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    for i in by_type("aws_cloudwatch_log_group") {
        let o = Obj::of(i);
        let name = o
            .known_str("name")
            .or_else(|| o.known_str("name_prefix").map(|p| format!("{p}*")))
            .unwrap_or_else(|| i.address.clone());
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
