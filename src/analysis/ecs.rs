//! Where an ECS service places its tasks: in private subnets (by what the
//! student says and by the routes), without a public IP. The course places
//! them in its public subnets with a public IP (so they pull their image
//! without a NAT gateway); production does not, and this is the question the
//! production standard asks.

use cloudgrade_model::{Attr, ContainerDefinition, EcsService, Inventory, ResourceKind, image_tag};

use super::routing::routes_to_internet_gateway;
use super::tier::public_by_convention;
use super::{Check, Finding, Unanswerable, gaps, label};

/// What one service's placement showed: each subnet found private is a
/// line of evidence (`private`), each public one a problem.
#[derive(Debug, Default)]
pub struct Placement {
    pub private: Vec<(String, Option<cloudgrade_model::Origin>)>,
    pub problems: Vec<Finding>,
    pub unknowns: Vec<Unanswerable>,
}

/// Whether each subnet the service places its tasks in is private: not
/// marked public by its tags or name, and with no route to an internet
/// gateway. A subnet the source could not read is unknown, not failed.
pub fn subnets_private(inv: &Inventory, svc: &EcsService) -> Placement {
    let mut out = Placement::default();
    let Some(net) = &svc.network else {
        out.unknowns.push(not_awsvpc(svc));
        return out;
    };
    for id in &net.subnet_ids {
        let Some(subnet) = inv.subnet(id) else {
            out.unknowns.push(
                gaps(inv, ResourceKind::Subnet, id)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| {
                        Unanswerable::new(
                            id,
                            format!(
                                "la subred {id} del servicio ECS {} no existe en el inventario",
                                svc.name
                            ),
                        )
                    }),
            );
            continue;
        };
        let sl = label(&subnet.id, &subnet.tags);
        let marked = public_by_convention(subnet);
        let routed = routes_to_internet_gateway(inv, id);
        if marked.is_none() && routed.is_none() {
            out.private.push((sl, subnet.origin.clone()));
            continue;
        }
        if let Some(why) = marked {
            out.problems.push(Finding::new(
                &sl,
                format!(
                    "el servicio ECS {} coloca sus tareas en la subred {sl}, que es pública por su {why}: en producción las tareas van en subredes privadas y salen a internet por el NAT gateway",
                    svc.name
                ),
                subnet.origin.as_ref(),
            ));
        }
        // The routes say it whatever the tags say; a tagged subnet with an
        // IGW route is one problem told twice, so it is told once.
        if let Some(f) = routed.filter(|_| out.problems.last().is_none_or(|p| p.subject != sl)) {
            out.problems.push(Finding::new(
                f.subject,
                format!(
                    "el servicio ECS {} coloca sus tareas allí: {}",
                    svc.name, f.message
                ),
                f.origin.as_ref(),
            ));
        }
    }
    out
}

/// `Ok(())` when the service gives its tasks no public IP, the finding when
/// it does, unknown when the setting is known only after apply.
pub fn no_public_ip(svc: &EcsService) -> Result<(), Result<Finding, Unanswerable>> {
    let Some(net) = &svc.network else {
        return Err(Err(not_awsvpc(svc)));
    };
    match &net.assign_public_ip {
        Attr::Known(false) => Ok(()),
        Attr::Known(true) => Err(Ok(Finding::new(
            &svc.name,
            format!(
                "el servicio ECS {} da una IP pública a cada tarea (assign_public_ip = true): cualquiera en internet puede intentar conectarse a ellas, y solo las protege su grupo de seguridad; en subredes privadas con NAT no la necesitan",
                svc.name
            ),
            svc.origin.as_ref(),
        ))),
        Attr::Unknown(u) => Err(Err(Unanswerable::new(
            &svc.name,
            format!(
                "assign_public_ip del servicio ECS {} depende de {}, que solo se conoce tras apply",
                svc.name, u.unknown
            ),
        ))),
    }
}

/// ecs-circuit-breaker: a deployment whose tasks keep failing goes back by
/// itself to the one that worked: ECS's circuit breaker with rollback, or
/// CodeDeploy's blue/green, which rolls back on its own. `Ok` says how.
pub fn rolls_back(svc: &EcsService) -> Check {
    let name = &svc.name;
    let Some(d) = &svc.deployment else {
        return Err(Err(Unanswerable::new(
            name,
            format!(
                "la fuente no dice cómo despliega el servicio {name} (su deploymentConfiguration): un emulador puede no guardarla"
            ),
        )));
    };
    if d.controller == "CODE_DEPLOY" {
        return Ok(
            "lo despliega CodeDeploy (blue/green), que vuelve atrás un despliegue fallido".into(),
        );
    }
    let unknown = |what: &str, u: &cloudgrade_model::Unknown| {
        Err(Err(Unanswerable::new(
            name,
            format!(
                "{what} del circuit breaker de {name} depende de {}, que solo se conoce tras apply",
                u.unknown
            ),
        )))
    };
    let fail = |why: String| Err(Ok(Finding::new(name, why, svc.origin.as_ref())));
    match (&d.circuit_breaker, &d.rollback) {
        (Attr::Unknown(u), _) => unknown("enable", u),
        (Attr::Known(false), _) => fail(format!(
            "el servicio {name} no tiene deployment_circuit_breaker: si las tareas de un despliegue nuevo no arrancan, ECS sigue reintentándolo sin fin y el servicio se queda a medias; con enable = true y rollback = true vuelve solo a la versión que funcionaba"
        )),
        (Attr::Known(true), Attr::Unknown(u)) => unknown("rollback", u),
        (Attr::Known(true), Attr::Known(false)) => fail(format!(
            "el circuit breaker del servicio {name} para un despliegue fallido pero no vuelve atrás (rollback = false): el servicio se queda con las tareas que fallan; pon rollback = true"
        )),
        (Attr::Known(true), Attr::Known(true)) => {
            Ok("deployment_circuit_breaker con rollback: un despliegue fallido vuelve solo a la versión anterior".into())
        }
    }
}

/// Without awsvpc the tasks share the EC2 instances' network, which the
/// model does not tie to the service yet.
pub(crate) fn not_awsvpc(svc: &EcsService) -> Unanswerable {
    Unanswerable::new(
        &svc.name,
        format!(
            "el servicio ECS {} no usa la red awsvpc (sin network_configuration): sus tareas usan la red de las instancias EC2, que cloudgrade aún no relaciona con el servicio",
            svc.name
        ),
    )
}

/// ecs-image-pinned for one container: `Ok` with the pin (`1.4.2`,
/// `@sha256:…`), or why it is not pinned, or what it waits for.
pub fn image_pin(
    c: &ContainerDefinition,
    subject: &str,
) -> Result<Result<String, String>, Unanswerable> {
    let image = c.image.as_deref().unwrap_or("");
    let tag = match &c.image_tag {
        Some(Attr::Known(t)) => t.clone(),
        Some(Attr::Unknown(u)) => {
            return Err(Unanswerable::new(
                subject,
                format!(
                    "la versión de la imagen del contenedor {} depende de {}, que solo se conoce tras apply",
                    c.name, u.unknown
                ),
            ));
        }
        None if image.is_empty() => {
            return Err(Unanswerable::new(
                subject,
                format!("la fuente no dice qué imagen usa el contenedor {}", c.name),
            ));
        }
        None => image_tag(image),
    };
    let why = match tag.as_str() {
        "" => format!(
            "la imagen del contenedor {} («{image}») no lleva versión: el registro sirve la etiqueta latest, \
             así que dos tareas del mismo servicio pueden correr código distinto y un rollback no vuelve a nada; \
             etiqueta cada imagen con su versión o el commit (…:1.4.2, …:${{var.image_tag}})",
            c.name
        ),
        "latest" => format!(
            "la imagen del contenedor {} («{image}») es :latest, que cambia con cada push: dos tareas pueden \
             correr código distinto y un rollback no vuelve a nada; usa la versión o el commit",
            c.name
        ),
        _ => return Ok(Ok(tag)),
    };
    Ok(Err(why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(image: &str, tag: Option<Attr<String>>) -> ContainerDefinition {
        ContainerDefinition {
            name: "app".into(),
            image: Some(image.into()),
            image_tag: tag,
            environment: vec![],
            secrets: vec![],
            log_driver: None,
            log_options: Default::default(),
            has_health_check: false,
            health_command: None,
            hardening: None,
            ports: vec![],
        }
    }

    #[test]
    fn an_image_is_pinned_by_a_tag_or_a_digest_and_latest_or_none_is_not() {
        let pin = |image: &str| image_pin(&container(image, None), "td").unwrap();
        assert_eq!(
            pin("123.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2"),
            Ok("1.4.2".into())
        );
        assert_eq!(pin("nginx@sha256:abc"), Ok("@sha256:abc".into()));
        assert!(pin("nginx:latest").unwrap_err().contains("es :latest"));
        assert!(pin("nginx").unwrap_err().contains("no lleva versión"));
        assert!(
            pin("registry.local:5000/app")
                .unwrap_err()
                .contains("no lleva versión"),
            "a port is no tag"
        );
        let unknown = container("var.image_tag", Some(Attr::unknown("var.image_tag")));
        assert!(
            image_pin(&unknown, "td")
                .unwrap_err()
                .reason
                .contains("var.image_tag")
        );
    }
    use crate::analysis::testkit::*;

    fn service(subnets: &[&str], public_ip: Attr<bool>) -> EcsService {
        let mut s = ecs_service(subnets, public_ip);
        s.arn = "arn:svc".into();
        s
    }

    #[test]
    fn private_subnets_of_the_course_vpc_pass() {
        let inv = course_vpc();
        let p = subnets_private(&inv, &service(&["subnet-app"], Attr::Known(false)));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.private.len(), 1);
        assert!(no_public_ip(&service(&[], Attr::Known(false))).is_ok());
    }

    #[test]
    fn a_subnet_routed_to_the_internet_gateway_fails_even_untagged() {
        let mut inv = course_vpc();
        inv.subnets
            .push(subnet("subnet-web", "vpc-1", "10.0.2.0/24", "web-a"));
        table_mut(&mut inv, "rtb-pub")
            .subnet_ids
            .push("subnet-web".into());
        let p = subnets_private(&inv, &service(&["subnet-web"], Attr::Known(false)));
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(
            p.problems[0].message.contains("internet gateway"),
            "{}",
            p.problems[0].message
        );
    }

    #[test]
    fn a_subnet_tagged_public_fails_once_though_its_routes_say_it_too() {
        let mut inv = course_vpc();
        let s = inv
            .subnets
            .iter_mut()
            .find(|s| s.id == "subnet-pub")
            .unwrap();
        s.tags.insert("Type".into(), "Public".into());
        let p = subnets_private(&inv, &service(&["subnet-pub"], Attr::Known(false)));
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(
            p.problems[0].message.contains("etiqueta Type=Public"),
            "{}",
            p.problems[0].message
        );
    }

    #[test]
    fn a_public_ip_fails_and_an_unknown_one_is_unknown() {
        let f = no_public_ip(&service(&[], Attr::Known(true)))
            .unwrap_err()
            .unwrap();
        assert!(
            f.message.contains("assign_public_ip = true"),
            "{}",
            f.message
        );
        let u = no_public_ip(&service(&[], Attr::unknown("var.public")))
            .unwrap_err()
            .unwrap_err();
        assert!(u.reason.contains("var.public"), "{}", u.reason);
    }

    #[test]
    fn a_missing_subnet_or_network_is_unknown_not_failed() {
        let inv = course_vpc();
        let p = subnets_private(&inv, &service(&["subnet-nope"], Attr::Known(false)));
        assert!(p.problems.is_empty());
        assert_eq!(p.unknowns.len(), 1);
        let mut bridge = service(&[], Attr::Known(false));
        bridge.network = None;
        assert!(
            subnets_private(&inv, &bridge).unknowns[0]
                .reason
                .contains("awsvpc")
        );
    }

    #[test]
    fn a_deployment_rolls_back_with_the_breaker_and_rollback_or_with_codedeploy() {
        use cloudgrade_model::Deployment;
        let mut svc = ecs_service(&[], Attr::Known(false));
        let with = |breaker: Attr<bool>, rollback: Attr<bool>, controller: &str| Deployment {
            controller: controller.into(),
            circuit_breaker: breaker,
            rollback,
        };
        assert!(matches!(rolls_back(&svc), Err(Err(_))), "unsaid is unknown");
        svc.deployment = Some(with(Attr::Known(true), Attr::Known(true), "ECS"));
        assert!(rolls_back(&svc).is_ok());
        svc.deployment = Some(with(Attr::Known(false), Attr::Known(false), "CODE_DEPLOY"));
        assert!(rolls_back(&svc).is_ok());
        svc.deployment = Some(with(Attr::Known(true), Attr::Known(false), "ECS"));
        match rolls_back(&svc) {
            Err(Ok(f)) => assert!(f.message.contains("rollback = false"), "{}", f.message),
            other => panic!("{other:?}"),
        }
        svc.deployment = Some(with(Attr::Known(false), Attr::Known(false), "ECS"));
        assert!(
            matches!(rolls_back(&svc), Err(Ok(f)) if f.message.contains("no tiene deployment_circuit_breaker"))
        );
        svc.deployment = Some(with(Attr::unknown("var.cb"), Attr::Known(true), "ECS"));
        assert!(matches!(rolls_back(&svc), Err(Err(u)) if u.reason.contains("var.cb")));
    }
}
