//! Elastic Load Balancing v2: the load balancers (`aws_lb`, and its older
//! name `aws_alb`), with the groups that guard them and the subnets they
//! live in.

use cloudgrade_model::{LoadBalancer, ResourceKind};

use super::Mapper;
use super::read::Obj;
use crate::eval::Instance;

type ByType<'a> = dyn Fn(&str) -> Vec<&'a Instance> + 'a;

pub(super) fn map<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    let kind = ResourceKind::LoadBalancer;
    for i in by_type("aws_lb").into_iter().chain(by_type("aws_alb")) {
        let o = Obj::of(i);
        let lb_type = o
            .known_str("load_balancer_type")
            .unwrap_or_else(|| "application".into());
        let mut subnet_ids = m.ids(kind, i, &o, "subnets");
        for mapping in o.objects(Some(&i.body), "subnet_mapping") {
            subnet_ids.extend(m.id(kind, i, &mapping, "subnet_id"));
        }
        let mut security_group_ids = m.ids(kind, i, &o, "security_groups");
        if security_group_ids.is_empty() && lb_type == "application" {
            // An ALB given no group gets its VPC's default one.
            security_group_ids.extend(m.default_group_of(&subnet_ids));
        }
        let name = o
            .known_str("name")
            .or_else(|| o.known_str("name_prefix").map(|p| format!("{p}*")))
            .unwrap_or_else(|| i.address.clone());
        m.inv.load_balancers.push(LoadBalancer {
            arn: i.address.clone(),
            name,
            lb_type,
            internal: o.bool_or("internal", false),
            security_group_ids,
            subnet_ids,
            tags: m.tags(&o),
            origin: Mapper::origin(i),
        });
    }
}
