//! Whether a service's tasks can pull their image: ECR (or Docker Hub),
//! and CloudWatch for their logs, are on the internet, so each subnet the
//! tasks run in needs a way out (a NAT gateway, or an internet gateway with
//! a public IP on the task) and their groups must let HTTPS out. A task in
//! a public subnet without a public IP is the classic failure: it never
//! starts, with `CannotPullContainerError`. A subnet with no way out at all
//! could still pull through VPC endpoints, which the model does not hold:
//! that is unknown, never failed.

use cloudgrade_model::{Attr, EcsService, Inventory, ResourceKind, SgPeer};

use super::cidr::Ipv4Net;
use super::ecs::not_awsvpc;
use super::routing::{private_egress, public_egress};
use super::sg::{admits_tcp, group_label, groups_label};
use super::{Finding, Unanswerable, gaps, label};

/// What the check of a service found: each way out as evidence, and the
/// problems and unknowns.
#[derive(Debug, Default)]
pub struct Pull {
    pub ways_out: Vec<String>,
    pub problems: Vec<Finding>,
    pub unknowns: Vec<Unanswerable>,
}

/// ecs-can-pull-image for one service: every subnet it places tasks in
/// leads out, and one of its groups lets TCP 443 out to the internet.
pub fn can_pull_image(inv: &Inventory, svc: &EcsService) -> Pull {
    let mut out = Pull::default();
    let Some(net) = &svc.network else {
        out.unknowns.push(not_awsvpc(svc));
        return out;
    };
    let name = &svc.name;
    for subnet in &net.subnet_ids {
        let sl = inv
            .subnet(subnet)
            .map_or_else(|| subnet.clone(), |s| label(&s.id, &s.tags));
        let nat = private_egress(inv, subnet);
        if nat.ok {
            out.ways_out.push(format!(
                "las tareas en {sl} salen por su NAT ({})",
                nat.path.join(" → ")
            ));
            continue;
        }
        match public_egress(inv, subnet) {
            Ok(_) => match &net.assign_public_ip {
                Attr::Known(true) => out.ways_out.push(format!(
                    "las tareas en {sl} salen por el internet gateway, con IP pública"
                )),
                Attr::Known(false) => out.problems.push(Finding::new(
                    name,
                    format!(
                        "el servicio {name} pone tareas en {sl}, que sale por el internet gateway (pública por sus rutas), sin IP pública (assign_public_ip = false): sin NAT ni IP no llegan a ECR y no arrancan (CannotPullContainerError); ponlas en subredes privadas con salida por un NAT gateway, o da IP pública a las tareas"
                    ),
                    svc.origin.as_ref(),
                )),
                Attr::Unknown(u) => out.unknowns.push(Unanswerable::new(
                    name,
                    format!(
                        "{sl} es pública y assign_public_ip de {name} depende de {}, que solo se conoce tras apply",
                        u.unknown
                    ),
                )),
            },
            Err((_, unknown)) if !unknown.is_empty() || !nat.unanswerable.is_empty() => {
                out.unknowns.extend(unknown);
                out.unknowns.extend(nat.unanswerable);
            }
            // No way out to the internet, but VPC endpoints (ecr.api,
            // ecr.dkr, the S3 gateway, logs) would do without one, and the
            // model does not hold them yet: not known, never failed.
            Err(_) => {
                let why = nat
                    .problems
                    .first()
                    .map(|f| format!(" ({})", f.message))
                    .unwrap_or_default();
                out.unknowns.push(Unanswerable::new(
                    name,
                    format!(
                        "las tareas del servicio {name} en {sl} no tienen salida a internet{why}: solo bajarían su imagen por endpoints de VPC (ecr.api, ecr.dkr, s3, logs), que cloudgrade aún no lee"
                    ),
                ));
            }
        }
    }
    https_out(inv, svc, &net.security_group_ids, &mut out);
    out
}

/// One of the tasks' groups lets TCP 443 out to any address (ECR,
/// CloudWatch and Secrets Manager answer there).
fn https_out(inv: &Inventory, svc: &EcsService, groups: &[String], out: &mut Pull) {
    let name = &svc.name;
    let mut unknown = None;
    for id in groups {
        let Some(sg) = inv.security_group(id) else {
            match gaps(inv, ResourceKind::SecurityGroup, id)
                .into_iter()
                .next()
            {
                Some(u) => unknown = Some(u),
                None => {
                    unknown = Some(Unanswerable::new(
                        id,
                        format!("el grupo {id} de las tareas no está en el proyecto"),
                    ))
                }
            }
            continue;
        };
        for rule in sg.egress.iter().filter(|r| admits_tcp(r, (443, 443))) {
            match &rule.peer {
                SgPeer::Cidr(Attr::Known(c))
                    if Ipv4Net::parse(c).is_ok_and(|n| n.prefix() == 0) =>
                {
                    out.ways_out.push(format!(
                        "el grupo {} deja salir el 443 a internet",
                        group_label(inv, id)
                    ));
                    return;
                }
                SgPeer::Cidr(Attr::Unknown(u)) => {
                    unknown = Some(Unanswerable::new(
                        name,
                        format!(
                            "una salida del grupo {} va a {}, que solo se conoce tras apply",
                            group_label(inv, id),
                            u.unknown
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
    match unknown {
        Some(u) => out.unknowns.push(u),
        None => out.problems.push(Finding::new(
            name,
            format!(
                "ningún grupo de las tareas de {name} ({}) deja salir tcp 443 hacia 0.0.0.0/0: no llegan a ECR, CloudWatch ni Secrets Manager; añade egress tcp 443 a 0.0.0.0/0 (un aws_security_group sin egress en Terraform no deja salir nada)",
                groups_label(inv, groups)
            ),
            svc.origin.as_ref(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{course_vpc, ecs_service, group, rule, subnet};

    /// The course's VPC with the tasks' group `sg-ecs` letting `egress` out.
    fn with_group(egress: Vec<cloudgrade_model::SgRule>) -> Inventory {
        let mut inv = course_vpc();
        inv.security_groups
            .push(group("sg-ecs", "ecs", Vec::new(), egress));
        inv
    }

    fn https() -> cloudgrade_model::SgRule {
        rule(
            "tcp",
            Some(443),
            Some(443),
            SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
        )
    }

    fn service(subnets: &[&str], public_ip: bool) -> EcsService {
        let mut svc = ecs_service(subnets, Attr::Known(public_ip));
        svc.network.as_mut().unwrap().security_group_ids = vec!["sg-ecs".into()];
        svc
    }

    fn messages(p: &Pull) -> String {
        p.problems
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_private_subnet_through_its_nat_with_https_out_pulls() {
        let p = can_pull_image(&with_group(vec![https()]), &service(&["subnet-app"], false));
        assert!(p.problems.is_empty() && p.unknowns.is_empty(), "{p:#?}");
        assert!(
            p.ways_out[0].contains("salen por su NAT"),
            "{:?}",
            p.ways_out
        );
        assert!(
            p.ways_out[1].contains("deja salir el 443"),
            "{:?}",
            p.ways_out
        );
    }

    #[test]
    fn a_public_subnet_needs_a_public_ip() {
        let inv = with_group(vec![rule(
            "-1",
            None,
            None,
            SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
        )]);
        let p = can_pull_image(&inv, &service(&["subnet-pub"], true));
        assert!(p.problems.is_empty(), "{p:#?}");
        assert!(p.ways_out[0].contains("con IP pública"));
        let p = can_pull_image(&inv, &service(&["subnet-pub"], false));
        assert!(messages(&p).contains("CannotPullContainerError"), "{p:#?}");
        assert!(messages(&p).contains("sin IP pública"), "{p:#?}");
        let mut unknown = service(&["subnet-pub"], false);
        unknown.network.as_mut().unwrap().assign_public_ip = Attr::unknown("var.public_ip");
        let p = can_pull_image(&inv, &unknown);
        assert!(p.problems.is_empty());
        assert!(p.unknowns[0].reason.contains("var.public_ip"));
    }

    #[test]
    fn a_group_without_https_fails_and_a_subnet_without_a_way_out_is_unknown() {
        let mut inv = with_group(vec![rule(
            "tcp",
            Some(5432),
            Some(5432),
            SgPeer::Cidr(Attr::Known("10.0.0.0/16".into())),
        )]);
        inv.subnets
            .push(subnet("subnet-x", "vpc-1", "10.0.99.0/24", "privada-b"));
        let p = can_pull_image(&inv, &service(&["subnet-x"], false));
        let m = messages(&p);
        assert!(m.contains("ningún grupo de las tareas de app"), "{m}");
        // Without a way out only VPC endpoints could serve it: unknown.
        assert!(
            p.unknowns[0].reason.contains("endpoints de VPC"),
            "{:?}",
            p.unknowns
        );
    }

    #[test]
    fn tasks_outside_awsvpc_are_not_judged() {
        let mut svc = service(&[], false);
        svc.network = None;
        let p = can_pull_image(&with_group(vec![https()]), &svc);
        assert!(p.problems.is_empty());
        assert!(p.unknowns[0].reason.contains("awsvpc"));
    }
}
