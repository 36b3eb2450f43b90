//! Elastic Load Balancing v2: the load balancers (`aws_lb`, and its older
//! name `aws_alb`), with the groups that guard them and the subnets they
//! live in; their target groups, and their listeners with what each
//! forwards to (its default action and its rules').

use cloudgrade_model::{Attr, Listener, LoadBalancer, ResourceKind, TargetGroup};

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

pub(super) fn map_targets<'a>(m: &mut Mapper, by_type: &ByType<'a>) {
    let kind = ResourceKind::TargetGroup;
    for i in by_type("aws_lb_target_group")
        .into_iter()
        .chain(by_type("aws_alb_target_group"))
    {
        let o = Obj::of(i);
        let target_type = o
            .attr_string("target_type")
            // The provider's default, and AWS's.
            .unwrap_or_else(|| Attr::Known("instance".into()));
        let vpc_id = m.id(kind, i, &o, "vpc_id");
        m.inv.target_groups.push(TargetGroup {
            arn: i.address.clone(),
            name: o.known_str("name").unwrap_or_else(|| i.address.clone()),
            target_type,
            port: o.attr_int(&i.address, "port"),
            protocol: o.known_str("protocol"),
            vpc_id,
            origin: Mapper::origin(i),
        });
    }
    let kind = ResourceKind::Listener;
    for i in by_type("aws_lb_listener")
        .into_iter()
        .chain(by_type("aws_alb_listener"))
    {
        let o = Obj::of(i);
        let actions = o.objects(Some(&i.body), "default_action");
        let target_groups = forwards(m, kind, i, &actions);
        let load_balancer = m.id(kind, i, &o, "load_balancer_arn").unwrap_or_default();
        m.inv.listeners.push(Listener {
            arn: i.address.clone(),
            load_balancer,
            // Without a port, a listener takes its protocol's.
            port: o.attr_int(&i.address, "port").unwrap_or_else(|| {
                match o.known_str("protocol").as_deref() {
                    Some("HTTPS" | "TLS") => Attr::Known(443),
                    Some("HTTP") | None => Attr::Known(80),
                    Some(_) => Attr::unknown(format!("{}.port", i.address)),
                }
            }),
            protocol: o.known_str("protocol"),
            target_groups,
            origin: Mapper::origin(i),
        });
    }
    // A rule adds what its actions forward to to its listener's.
    for i in by_type("aws_lb_listener_rule")
        .into_iter()
        .chain(by_type("aws_alb_listener_rule"))
    {
        let o = Obj::of(i);
        let actions = o.objects(Some(&i.body), "action");
        let target_groups = forwards(m, kind, i, &actions);
        let listener = m.id(kind, i, &o, "listener_arn");
        match m
            .inv
            .listeners
            .iter_mut()
            .find(|l| Some(&l.arn) == listener.as_ref())
        {
            Some(l) => {
                l.target_groups.extend(target_groups);
                l.target_groups.sort();
                l.target_groups.dedup();
            }
            None => m.note(
                kind,
                format!("{}:{} {}", i.file.rel, i.line, i.address),
                format!(
                    "`{}` es una regla de un listener que esta configuración no declara: no se sabe a qué balanceador pertenece",
                    i.address
                ),
            ),
        }
    }
}

/// The target groups a listener's actions forward to: `target_group_arn`,
/// or the weighted `forward { target_group { arn } }`.
fn forwards(m: &mut Mapper, kind: ResourceKind, i: &Instance, actions: &[Obj]) -> Vec<String> {
    let mut out = Vec::new();
    for a in actions {
        if let Some(tg) = m.id(kind, i, a, "target_group_arn") {
            out.push(tg);
        }
        for f in a.objects(None, "forward") {
            for tg in f.objects(None, "target_group") {
                out.extend(m.id(kind, i, &tg, "arn"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
