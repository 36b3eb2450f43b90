//! The load balancer as the one way in from the internet: what the world
//! may open (sg-world-only-lb-80-443) and whether the tasks admit the
//! balancer alone (sg-ecs-from-lb-only). That the balancer's traffic gets
//! to the tasks is asked of the reachability layer, like the database's;
//! which balancer sends it is read from the chain AWS follows: a listener
//! forwards to the target group the service registers its tasks in.

use std::collections::BTreeSet;

use cloudgrade_model::{Attr, EcsService, Inventory, ResourceKind, SecurityGroup, SgPeer, SgRule};

use super::reach::{self, Endpoint};
use super::sg::{Proto, describe_rule, ports, protocol, sg_label, world_peer};
use super::{Finding, Unanswerable, gaps};
use crate::standard::Standard;

/// The groups that guard a load balancer of the project.
pub fn balancer_groups(inv: &Inventory) -> BTreeSet<&str> {
    inv.load_balancers
        .iter()
        .flat_map(|lb| lb.security_group_ids.iter().map(String::as_str))
        .collect()
}

/// What one world-open ingress rule means for sg-world-only-lb-80-443.
#[derive(Debug, PartialEq)]
pub enum Exposure {
    /// The balancer's HTTP or HTTPS: what it is for.
    Allowed(String),
    /// The course's design (no balancer, the tasks' port open to the
    /// world): passes the course's standard with a warning.
    CourseDesign(Finding),
    Wrong(Finding),
    Unknown(Unanswerable),
}

/// One [`Exposure`] for each ingress rule of `sg` that admits the whole
/// internet (`0.0.0.0/0`, `::/0`), or could.
pub fn world_ingress(inv: &Inventory, sg: &SecurityGroup, standard: Standard) -> Vec<Exposure> {
    let label = sg_label(sg);
    let balancers_unread = inv.gaps_for(ResourceKind::LoadBalancer).next().is_some();
    let guards_balancer = inv
        .load_balancers
        .iter()
        .any(|lb| lb.security_group_ids.contains(&sg.id));
    let mut out = Vec::new();
    for rule in &sg.ingress {
        let what = describe_rule(inv, rule, true);
        let origin = rule.origin.clone().or_else(|| sg.origin.clone());
        match world_peer(&rule.peer) {
            Ok(false) => continue,
            Err(unknown) => {
                out.push(Exposure::Unknown(Unanswerable::new(
                    &label,
                    format!(
                        "la regla {what} del grupo {label} admitiría a internet si {unknown} fuera 0.0.0.0/0, y solo se conoce tras apply"
                    ),
                )));
                continue;
            }
            Ok(true) => {}
        }
        let web = web_port(rule);
        if guards_balancer {
            out.push(match web {
                Some(p) => Exposure::Allowed(format!(
                    "el grupo {label} del balanceador admite internet solo en el {p}"
                )),
                None => Exposure::Wrong(Finding {
                    subject: label.clone(),
                    message: format!(
                        "el grupo {label} es el del balanceador, pero su regla {what} abre a internet más que el 80 y el 443: un ALB solo escucha en ellos (el 80 para redirigir a HTTPS)"
                    ),
                    origin,
                }),
            });
            continue;
        }
        if balancers_unread && web.is_some() {
            // Named by the read that failed, as every unknown from a gap is.
            out.extend(
                gaps(inv, ResourceKind::LoadBalancer, &label)
                    .into_iter()
                    .map(|g| {
                        Exposure::Unknown(Unanswerable::new(
                            &label,
                            format!(
                                "la regla {what} del grupo {label} está bien si el grupo es el de un balanceador: {}",
                                g.reason
                            ),
                        ))
                    }),
            );
            continue;
        }
        let course = course_design(inv, sg, rule, balancers_unread);
        // Production fails it whichever port it is: only the course's
        // standard waits for the container's port.
        if let (Standard::Curso, Err(unknown)) = (standard, &course) {
            out.push(Exposure::Unknown(Unanswerable::new(
                &label,
                format!(
                    "la regla {what} del grupo {label} sería el diseño del curso si abre el puerto del contenedor, y ese puerto depende de {unknown}, que solo se conoce tras apply"
                ),
            )));
            continue;
        }
        if course == Ok(true) {
            let message = format!(
                "el grupo {label} de las tareas admite internet en su puerto ({what}): es el diseño del curso (ejercicio 4.2, sin balanceador), pero en producción las tareas no se exponen; quedan detrás de un ALB cuyo grupo es el único abierto, en 80 y 443"
            );
            let f = Finding {
                subject: label.clone(),
                message,
                origin,
            };
            out.push(match standard {
                Standard::Curso => Exposure::CourseDesign(f),
                Standard::Produccion => Exposure::Wrong(f),
            });
            continue;
        }
        out.push(Exposure::Wrong(Finding {
            subject: label.clone(),
            message: format!(
                "el grupo {label} no es el de un balanceador y su regla {what} lo abre a cualquiera en internet: solo el grupo del ALB debe admitir 0.0.0.0/0, y solo en 80 y 443; lo demás se admite desde ese grupo"
            ),
            origin,
        }));
    }
    out
}

/// `el puerto 443` when the rule opens exactly HTTP or HTTPS over TCP.
fn web_port(rule: &SgRule) -> Option<String> {
    let proto = protocol(&rule.protocol);
    match ports(&proto, rule.from_port, rule.to_port) {
        (p @ (80 | 443), q) if p == q && proto == Proto::Tcp => Some(format!("puerto {p}")),
        _ => None,
    }
}

/// Whether `rule` is the course's design: a project without any load
/// balancer whose tasks' group opens to the world exactly a port one of
/// those tasks' containers listens on (a range, or every port, never is).
/// `Err` names what an unknown container port depends on.
fn course_design(
    inv: &Inventory,
    sg: &SecurityGroup,
    rule: &SgRule,
    balancers_unread: bool,
) -> Result<bool, String> {
    if balancers_unread || !inv.load_balancers.is_empty() {
        return Ok(false);
    }
    let proto = protocol(&rule.protocol);
    let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
    if proto != Proto::Tcp || lo != hi {
        return Ok(false);
    }
    let services: Vec<_> = inv
        .ecs_services
        .iter()
        .filter(|s| {
            s.network
                .as_ref()
                .is_some_and(|n| n.security_group_ids.contains(&sg.id))
        })
        .collect();
    let definitions: Vec<_> = services
        .iter()
        .filter_map(|s| inv.task_definition(&s.task_definition))
        .collect();
    // A task definition the source could not read may listen on it.
    let mut unknown = match inv.gaps_for(ResourceKind::TaskDefinition).next() {
        Some(g) if !services.is_empty() => Some(format!(
            "las definiciones de tarea ({}: {})",
            g.operation, g.message
        )),
        _ => None,
    };
    for port in definitions
        .iter()
        .flat_map(|td| &td.containers)
        .flat_map(|c| &c.ports)
    {
        match port {
            Attr::Known(p) if i32::from(lo) == *p => return Ok(true),
            Attr::Known(_) => {}
            Attr::Unknown(u) => unknown = Some(u.unknown.clone()),
        }
    }
    unknown.map_or(Ok(false), Err)
}

/// sg-ecs-from-lb-only for one service: what its tasks admit that is not
/// the balancer on the container's port, and whether the balancer's
/// traffic gets there.
pub fn tasks_ingress(inv: &Inventory, svc: &EcsService) -> (Vec<Finding>, Vec<Unanswerable>) {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    let name = &svc.name;
    let Some(net) = &svc.network else {
        unknowns.push(Unanswerable::new(
            name,
            format!(
                "el servicio {name} no usa red awsvpc: sus tareas usan la red de su instancia EC2 y no tienen grupo de seguridad propio"
            ),
        ));
        return (problems, unknowns);
    };
    if svc.load_balancers.is_empty() {
        problems.push(Finding::new(
            name,
            format!(
                "el servicio {name} no está detrás de un balanceador (no tiene load_balancer): sus tareas solo se alcanzan por su IP, que cambia en cada despliegue; el curso lo publica así, pero en producción un ALB en las subredes públicas reparte el tráfico a las tareas en las privadas"
            ),
            svc.origin.as_ref(),
        ));
        return (problems, unknowns);
    }
    let mut container_ports = Vec::new();
    for lb in &svc.load_balancers {
        match &lb.container_port {
            Attr::Known(p) => container_ports.extend(u16::try_from(*p).ok()),
            Attr::Unknown(u) => unknowns.push(Unanswerable::new(
                name,
                format!(
                    "el puerto del contenedor {} depende de {}, que solo se conoce tras apply",
                    lb.container_name, u.unknown
                ),
            )),
        }
    }
    if inv.load_balancers.is_empty() {
        let mut why = gaps(inv, ResourceKind::LoadBalancer, name);
        if why.is_empty() {
            why.push(Unanswerable::new(
                name,
                format!(
                    "el servicio {name} registra sus tareas en un grupo de destino, pero el balanceador que lo usa no está en lo que se leyó"
                ),
            ));
        }
        unknowns.extend(why);
        return (problems, unknowns);
    }
    let senders = senders(inv, svc, &mut problems, &mut unknowns);
    let guards = balancer_groups(inv);
    let shown_ports = container_ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" y ");
    let mut peers: BTreeSet<&str> = BTreeSet::new();
    for gid in &net.security_group_ids {
        let Some(g) = inv.security_group(gid) else {
            let mut why = gaps(inv, ResourceKind::SecurityGroup, gid);
            if why.is_empty() {
                why.push(Unanswerable::new(
                    gid,
                    format!("el grupo {gid} de las tareas de {name} no está en el inventario"),
                ));
            }
            unknowns.extend(why);
            continue;
        };
        let label = sg_label(g);
        for rule in &g.ingress {
            let what = describe_rule(inv, rule, true);
            let origin = rule.origin.clone().or_else(|| g.origin.clone());
            let from_balancer = match &rule.peer {
                SgPeer::SecurityGroup(p) => guards.contains(p.as_str()).then_some(p.as_str()),
                _ => None,
            };
            let proto = protocol(&rule.protocol);
            let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
            let exact = proto == Proto::Tcp && lo == hi && container_ports.contains(&lo);
            match (from_balancer, exact) {
                (Some(p), true) => {
                    peers.insert(p);
                }
                (Some(_), false) if !container_ports.is_empty() => problems.push(Finding {
                    subject: label.clone(),
                    message: format!(
                        "el grupo {label} de las tareas admite al balanceador más que el puerto del contenedor ({shown_ports}): {what}"
                    ),
                    origin,
                }),
                (Some(_), false) => {}
                (None, _) => problems.push(Finding {
                    subject: label.clone(),
                    message: format!(
                        "el grupo {label} de las tareas admite {what}, que no es el balanceador: las tareas deben recibir solo del grupo del ALB, en el puerto del contenedor ({shown_ports})"
                    ),
                    origin,
                }),
            }
        }
    }
    // The balancer's traffic must get there too: its egress, the tasks'
    // ingress, the ACLs both ways, for every pair of subnets. The senders
    // are the balancers whose listeners forward to the service's target
    // groups; without the listeners, those whose group the tasks admit.
    let from: Vec<_> = inv
        .load_balancers
        .iter()
        .filter(|lb| match &senders {
            Some(arns) => arns.contains(lb.arn.as_str()),
            None => {
                peers.is_empty()
                    || lb
                        .security_group_ids
                        .iter()
                        .any(|g| peers.contains(g.as_str()))
            }
        })
        .collect();
    for arn in senders.iter().flatten() {
        if !inv.load_balancers.iter().any(|lb| lb.arn == *arn) {
            unknowns.push(Unanswerable::new(
                name,
                format!(
                    "un listener que envía a {name} es del balanceador {arn}, que no está en lo que se leyó: no se puede seguir su tráfico"
                ),
            ));
        }
    }
    let to = Endpoint {
        label: format!("las tareas de {name}"),
        subnet_ids: net.subnet_ids.clone(),
        security_group_ids: net.security_group_ids.clone(),
    };
    if net.subnet_ids.is_empty() {
        unknowns.push(Unanswerable::new(
            name,
            format!(
                "no se sabe en qué subredes corren las tareas de {name}: la fuente no pudo leerlas"
            ),
        ));
        return (problems, unknowns);
    }
    for lb in from {
        // AWS wants two subnets at least for a balancer: none read is none known.
        if lb.subnet_ids.is_empty() {
            unknowns.push(Unanswerable::new(
                &lb.name,
                format!(
                    "no se sabe en qué subredes está el balanceador {}: la fuente no pudo leerlas, así que no se puede seguir su tráfico hasta las tareas",
                    lb.name
                ),
            ));
            continue;
        }
        let ep = Endpoint {
            label: format!("balanceador {}", lb.name),
            subnet_ids: lb.subnet_ids.clone(),
            security_group_ids: lb.security_group_ids.clone(),
        };
        for port in &container_ports {
            let c = reach::connection(inv, &ep, &to, *port);
            problems.extend(c.blocked);
            unknowns.extend(c.unanswerable);
        }
    }
    (problems, unknowns)
}

/// The balancers that send a service's target groups their traffic, when
/// the listeners were read (`None` when they were not). On the way, each
/// target group must be one an awsvpc task can register in, and something
/// must forward to it.
fn senders<'a>(
    inv: &'a Inventory,
    svc: &EcsService,
    problems: &mut Vec<Finding>,
    unknowns: &mut Vec<Unanswerable>,
) -> Option<BTreeSet<&'a str>> {
    let name = &svc.name;
    let listeners_read = inv.gaps_for(ResourceKind::Listener).next().is_none();
    if !listeners_read {
        // Whether anything forwards to the tasks is not known: never a pass.
        unknowns.extend(gaps(inv, ResourceKind::Listener, name));
    }
    let mut arns = BTreeSet::new();
    for lb in &svc.load_balancers {
        let tg_id = lb.target_group.as_str();
        match inv.target_groups.iter().find(|t| t.arn == tg_id) {
            Some(tg) => match &tg.target_type {
                Attr::Known(t) if t == "ip" => {}
                Attr::Known(t) => problems.push(Finding::new(
                    &tg.name,
                    format!(
                        "el grupo de destino {} es de tipo {t}, pero las tareas de {name} usan red awsvpc y tienen su propia IP: solo se registran en un grupo de tipo ip (target_type = \"ip\"; el de Terraform por defecto es instance), y AWS rechaza el servicio",
                        tg.name
                    ),
                    tg.origin.as_ref(),
                )),
                Attr::Unknown(u) => unknowns.push(Unanswerable::new(
                    &tg.name,
                    format!(
                        "el tipo del grupo de destino {} depende de {}, que solo se conoce tras apply",
                        tg.name, u.unknown
                    ),
                )),
            },
            None => {
                let mut why = gaps(inv, ResourceKind::TargetGroup, name);
                if why.is_empty() {
                    why.push(Unanswerable::new(
                        name,
                        format!(
                            "el grupo de destino {tg_id} de {name} no está en lo que se leyó: no se sabe de qué tipo es ni qué balanceador le envía tráfico"
                        ),
                    ));
                }
                unknowns.extend(why);
                continue;
            }
        }
        let forwarding: Vec<_> = inv
            .listeners
            .iter()
            .filter(|l| l.target_groups.iter().any(|t| t == tg_id))
            .collect();
        if forwarding.is_empty() && listeners_read {
            problems.push(Finding::new(
                name,
                format!(
                    "ningún listener de un balanceador envía tráfico al grupo de destino {tg_id}: sin un aws_lb_listener (o una regla) que reenvíe a él, el grupo no recibe nada, y AWS no deja crear el servicio con un grupo sin balanceador"
                ),
                svc.origin.as_ref(),
            ));
        }
        arns.extend(forwarding.iter().map(|l| l.load_balancer.as_str()));
    }
    listeners_read.then_some(arns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;
    use cloudgrade_model::{Listener, LoadBalancer, ServiceLoadBalancer, TargetGroup};

    fn world(cidr: &str) -> SgPeer {
        SgPeer::Cidr(Attr::Known(cidr.into()))
    }

    fn from_group(g: &str) -> SgPeer {
        SgPeer::SecurityGroup(g.into())
    }

    fn balancer(groups: &[&str], subnets: &[&str]) -> LoadBalancer {
        LoadBalancer {
            arn: "lb".into(),
            name: "alb".into(),
            lb_type: "application".into(),
            internal: Attr::Known(false),
            security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            tags: Default::default(),
            origin: None,
        }
    }

    /// The course's VPC with an ALB in the public subnet forwarding to the
    /// tasks' 8080 in the private one.
    fn behind_alb(tasks_ingress: Vec<SgRule>) -> Inventory {
        let mut inv = course_vpc();
        let all = rule("-1", None, None, world("0.0.0.0/0"));
        inv.security_groups.push(group(
            "sg-alb",
            "alb",
            vec![rule("tcp", Some(443), Some(443), world("0.0.0.0/0"))],
            vec![all.clone()],
        ));
        inv.security_groups
            .push(group("sg-app", "app", tasks_ingress, vec![all]));
        inv.load_balancers
            .push(balancer(&["sg-alb"], &["subnet-pub"]));
        let mut svc = ecs_service(&["subnet-app"], Attr::Known(false));
        svc.network.as_mut().unwrap().security_group_ids = vec!["sg-app".into()];
        svc.load_balancers.push(ServiceLoadBalancer {
            target_group: "tg".into(),
            container_name: "app".into(),
            container_port: Attr::Known(8080),
        });
        inv.ecs_services.push(svc);
        inv.task_definitions.push(task_definition_on(8080));
        inv.target_groups.push(TargetGroup {
            arn: "tg".into(),
            name: "app".into(),
            target_type: Attr::Known("ip".into()),
            port: Some(Attr::Known(8080)),
            protocol: Some("HTTP".into()),
            vpc_id: None,
            origin: None,
        });
        inv.listeners.push(Listener {
            arn: "listener".into(),
            load_balancer: "lb".into(),
            port: Attr::Known(443),
            protocol: Some("HTTPS".into()),
            target_groups: vec!["tg".into()],
            origin: None,
        });
        inv
    }

    fn kinds(e: &[Exposure]) -> Vec<&'static str> {
        e.iter()
            .map(|x| match x {
                Exposure::Allowed(_) => "allowed",
                Exposure::CourseDesign(_) => "course",
                Exposure::Wrong(_) => "wrong",
                Exposure::Unknown(_) => "unknown",
            })
            .collect()
    }

    #[test]
    fn the_balancer_may_open_443_and_nothing_else() {
        let mut inv = behind_alb(vec![rule(
            "tcp",
            Some(8080),
            Some(8080),
            from_group("sg-alb"),
        )]);
        let alb = inv.security_group("sg-alb").unwrap().clone();
        assert_eq!(
            kinds(&world_ingress(&inv, &alb, Standard::Produccion)),
            ["allowed"]
        );
        let g = inv
            .security_groups
            .iter_mut()
            .find(|g| g.id == "sg-alb")
            .unwrap();
        g.ingress.push(rule(
            "tcp",
            Some(8080),
            Some(8080),
            SgPeer::Ipv6Cidr("::/0".into()),
        ));
        g.ingress
            .push(rule("-1", Some(0), Some(0), world("0.0.0.0/0")));
        let alb = g.clone();
        assert_eq!(
            kinds(&world_ingress(&inv, &alb, Standard::Produccion)),
            ["allowed", "wrong", "wrong"]
        );
    }

    #[test]
    fn another_group_open_to_the_world_is_wrong_even_on_443() {
        let inv = behind_alb(vec![rule("tcp", Some(443), Some(443), world("0.0.0.0/0"))]);
        let app = inv.security_group("sg-app").unwrap();
        let e = world_ingress(&inv, app, Standard::Curso);
        assert_eq!(
            kinds(&e),
            ["wrong"],
            "there is a balancer: no course design"
        );
    }

    #[test]
    fn the_course_design_warns_under_the_course_and_fails_production() {
        let mut inv = behind_alb(vec![
            rule("tcp", Some(8080), Some(8080), world("0.0.0.0/0")),
            rule("tcp", Some(9090), Some(9090), world("0.0.0.0/0")),
        ]);
        inv.load_balancers.clear();
        let app = inv.security_group("sg-app").unwrap();
        assert_eq!(
            kinds(&world_ingress(&inv, app, Standard::Curso)),
            ["course", "wrong"],
            "only the port the container listens on is the course's design"
        );
        let e = world_ingress(&inv, app, Standard::Produccion);
        assert!(
            matches!(&e[..], [Exposure::Wrong(f), Exposure::Wrong(_)] if f.message.contains("ejercicio 4.2"))
        );
        // Every port is never the course's design.
        let g = inv
            .security_groups
            .iter_mut()
            .find(|g| g.id == "sg-app")
            .unwrap();
        g.ingress = vec![rule("tcp", Some(0), Some(65535), world("0.0.0.0/0"))];
        let app = g.clone();
        assert_eq!(
            kinds(&world_ingress(&inv, &app, Standard::Curso)),
            ["wrong"]
        );
    }

    #[test]
    fn an_unknown_cidr_or_unread_balancers_leave_it_open() {
        let mut inv = behind_alb(vec![rule(
            "tcp",
            Some(443),
            Some(443),
            SgPeer::Cidr(Attr::unknown("var.allowed")),
        )]);
        let app = inv.security_group("sg-app").unwrap().clone();
        assert_eq!(
            kinds(&world_ingress(&inv, &app, Standard::Curso)),
            ["unknown"]
        );
        inv.load_balancers.clear();
        inv.gaps
            .push(gap(ResourceKind::LoadBalancer, "x", "AccessDenied"));
        let g = inv
            .security_groups
            .iter_mut()
            .find(|g| g.id == "sg-app")
            .unwrap();
        g.ingress = vec![
            rule("tcp", Some(443), Some(443), world("0.0.0.0/0")),
            rule("tcp", Some(22), Some(22), world("0.0.0.0/0")),
        ];
        let app = g.clone();
        assert_eq!(
            kinds(&world_ingress(&inv, &app, Standard::Curso)),
            ["unknown", "wrong"]
        );
    }

    #[test]
    fn tasks_that_admit_only_the_balancer_on_their_port_pass() {
        let inv = behind_alb(vec![rule(
            "tcp",
            Some(8080),
            Some(8080),
            from_group("sg-alb"),
        )]);
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p.is_empty() && u.is_empty(), "{p:?} {u:?}");
    }

    #[test]
    fn tasks_that_admit_a_cidr_or_another_port_fail_naming_the_rule() {
        let inv = behind_alb(vec![
            rule("tcp", Some(8080), Some(8080), from_group("sg-alb")),
            rule("tcp", Some(8080), Some(8080), world("10.0.0.0/16")),
            rule("tcp", Some(0), Some(65535), from_group("sg-alb")),
        ]);
        let (p, _) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].message.contains("que no es el balanceador"),
            "{}",
            p[0].message
        );
        assert!(
            p[1].message
                .contains("más que el puerto del contenedor (8080)")
        );
    }

    #[test]
    fn a_balancer_that_cannot_send_to_the_tasks_is_named_by_the_reachability_layer() {
        let mut inv = behind_alb(vec![rule(
            "tcp",
            Some(8080),
            Some(8080),
            from_group("sg-alb"),
        )]);
        // Terraform's group without egress blocks has none.
        inv.security_groups
            .iter_mut()
            .find(|g| g.id == "sg-alb")
            .unwrap()
            .egress
            .clear();
        let (p, _) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(!p.is_empty(), "the ALB's missing egress blocks it");
    }

    #[test]
    fn a_balancer_in_subnets_the_source_could_not_read_leaves_the_path_open() {
        let mut inv = behind_alb(vec![rule(
            "tcp",
            Some(8080),
            Some(8080),
            from_group("sg-alb"),
        )]);
        inv.load_balancers[0].subnet_ids.clear();
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p.is_empty(), "{p:?}");
        assert!(
            u[0].reason
                .contains("no se sabe en qué subredes está el balanceador")
        );
    }

    #[test]
    fn a_service_without_a_balancer_fails_and_one_on_ec2_is_not_evaluable() {
        let mut inv = behind_alb(vec![]);
        inv.ecs_services[0].load_balancers.clear();
        let (p, _) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p[0].message.contains("no está detrás de un balanceador"));
        inv.ecs_services[0].network = None;
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p.is_empty() && u[0].reason.contains("no usa red awsvpc"));
    }

    fn only_the_balancer() -> Inventory {
        behind_alb(vec![rule(
            "tcp",
            Some(8080),
            Some(8080),
            from_group("sg-alb"),
        )])
    }

    #[test]
    fn a_target_group_of_instances_cannot_take_awsvpc_tasks() {
        let mut inv = only_the_balancer();
        inv.target_groups[0].target_type = Attr::Known("instance".into());
        let (p, _) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("target_type = \"ip\""),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn a_target_group_no_listener_forwards_to_fails_and_unread_listeners_are_unknown() {
        let mut inv = only_the_balancer();
        inv.listeners[0].target_groups.clear();
        let (p, _) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p[0].message.contains("ningún listener"), "{p:?}");
        inv.listeners.clear();
        inv.gaps
            .push(gap(ResourceKind::Listener, "x", "AccessDenied"));
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p.is_empty(), "{p:?}");
        assert!(u[0].reason.contains("listeners"), "{u:?}");
    }

    #[test]
    fn the_sender_is_the_balancer_whose_listener_forwards_not_any_balancer() {
        let mut inv = only_the_balancer();
        // A second balancer behind the same group, in subnets not read,
        // whose listeners forward elsewhere: it is not asked to reach them.
        let mut other = balancer(&["sg-alb"], &[]);
        other.arn = "lb-2".into();
        inv.load_balancers.push(other);
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(p.is_empty() && u.is_empty(), "{p:?} {u:?}");
        // The target group unread: unknown, never passed.
        inv.target_groups.clear();
        let (p, u) = tasks_ingress(&inv, &inv.ecs_services[0]);
        assert!(
            p.is_empty() && u[0].reason.contains("grupo de destino tg"),
            "{u:?}"
        );
    }
}
