//! The seguridad activity: what the security groups open to the internet.

use super::state::{ScenarioState, StepResult, conclude};
use cloudgrade_model::{Attr, ResourceKind, SecurityGroup};

use crate::analysis::balancer::{self, Exposure};
use crate::analysis::cidr::Ipv4Net;
use crate::analysis::sg::{
    TaskNeeds, admin_exposure, db_egress, describe_rule, sg_label, task_egress, undescribed,
};
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

/// sg-no-admin-ports: no ingress rule opens SSH, RDP or every port to
/// `0.0.0.0/0` or `::/0`. Other world-open ports (the load balancer's 443)
/// are another rule's question.
pub fn no_admin_ports_from_internet(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.security_groups()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for sg in inv.security_groups.iter().filter(|g| ids.contains(&g.id)) {
        let label = sg_label(sg);
        let before = (problems.len(), unknowns.len());
        for rule in &sg.ingress {
            match admin_exposure(rule) {
                Ok(None) => {}
                Ok(Some(what)) => problems.push(Finding {
                    subject: label.clone(),
                    message: format!(
                        "el grupo {label} tiene la regla {}: abre {what} a cualquiera en internet, \
                         que es lo primero que prueban los escáneres; quítala, o limita el origen a \
                         tu IP (/32) o a un grupo de seguridad (un bastión), o usa ECS Exec o \
                         Session Manager, que no abren puertos",
                        describe_rule(inv, rule, true)
                    ),
                    origin: rule.origin.clone().or_else(|| sg.origin.clone()),
                }),
                Err(unknown) => unknowns.push(Unanswerable {
                    subject: label.clone(),
                    reason: format!(
                        "la regla {} del grupo {label} abriría puertos de administración si \
                         {unknown} fuera 0.0.0.0/0, y solo se conoce tras apply",
                        describe_rule(inv, rule, true)
                    ),
                }),
            }
        }
        if (problems.len(), unknowns.len()) == before {
            state.push(
                EvidenceStatus::Ok,
                label,
                "no abre SSH, RDP ni todos los puertos a internet",
                sg.origin.as_ref(),
            );
        }
    }
    conclude(state, &problems, &unknowns)
}

/// sg-world-only-lb-80-443: only the load balancer's group admits the
/// internet, and only on 80 and 443. The course's design (no balancer,
/// the tasks' port open) is said as a warning under the course's standard.
pub fn world_only_to_balancer(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.security_groups()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for sg in inv.security_groups.iter().filter(|g| ids.contains(&g.id)) {
        let found = balancer::world_ingress(inv, sg, state.standard);
        if found.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                sg_label(sg),
                "no admite a nadie de internet",
                sg.origin.as_ref(),
            );
        }
        for e in found {
            match e {
                Exposure::Allowed(what) => {
                    state.push(EvidenceStatus::Ok, sg_label(sg), what, sg.origin.as_ref())
                }
                Exposure::CourseDesign(f) => state.push(
                    EvidenceStatus::Info,
                    f.subject,
                    format!("aviso: {}", f.message),
                    f.origin.as_ref(),
                ),
                Exposure::Wrong(f) => problems.push(f),
                Exposure::Unknown(u) => unknowns.push(u),
            }
        }
    }
    conclude(state, &problems, &unknowns)
}

/// sg-ecs-from-lb-only: each service's tasks admit the balancer alone, on
/// the container's port, and the balancer's traffic gets there.
pub fn tasks_only_from_balancer(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        let (p, u) = balancer::tasks_ingress(inv, svc);
        if p.is_empty() && u.is_empty() {
            let ports: Vec<String> = svc
                .load_balancers
                .iter()
                .filter_map(|l| l.container_port.as_known().map(i32::to_string))
                .collect();
            state.push(
                EvidenceStatus::Ok,
                svc.name.clone(),
                format!(
                    "sus tareas solo admiten al balanceador, en el puerto {}, y el balanceador llega a ellas",
                    ports.join(" y ")
                ),
                svc.origin.as_ref(),
            );
        }
        problems.extend(p);
        unknowns.extend(u);
    }
    conclude(state, &problems, &unknowns)
}

/// sg-descriptions: every group the project declares, and each of its
/// rules, says what it is for. The VPC's default group is AWS's, not the
/// student's.
pub fn described(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.security_groups()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for sg in inv.security_groups.iter().filter(|g| ids.contains(&g.id)) {
        if sg.name == "default" {
            state.push(
                EvidenceStatus::Info,
                sg_label(sg),
                "es el grupo por defecto de la VPC, que crea AWS: no cuenta",
                sg.origin.as_ref(),
            );
            continue;
        }
        match undescribed(inv, sg) {
            Ok(found) if found.is_empty() => state.push(
                EvidenceStatus::Ok,
                sg_label(sg),
                "el grupo y todas sus reglas tienen descripción",
                sg.origin.as_ref(),
            ),
            Ok(found) => problems.extend(found),
            Err(u) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// The groups named by `ids`, each once, and what the source could not
/// read of the ones it does not have.
fn groups<'a>(
    state: &ScenarioState<'a>,
    ids: impl IntoIterator<Item = &'a String>,
    owner: &str,
    unknowns: &mut Vec<Unanswerable>,
) -> Vec<&'a SecurityGroup> {
    let mut found: Vec<&SecurityGroup> = Vec::new();
    for id in ids {
        match state.inv.security_group(id) {
            Some(g) if !found.iter().any(|f| f.id == g.id) => found.push(g),
            Some(_) => {}
            None => {
                let mut why = state.gaps_of(&[ResourceKind::SecurityGroup]);
                if why.is_empty() {
                    why.push(Unanswerable::new(
                        id,
                        format!("el grupo {id} {owner} no aparece en el inventario"),
                    ));
                }
                unknowns.extend(why);
            }
        }
    }
    found
}

/// sg-egress-minimal, the database's half: its groups allow no egress.
pub fn db_groups_no_egress(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.db_instances()?;
    let inv = state.inv;
    let mut unknowns = Vec::new();
    let named = inv
        .db_instances
        .iter()
        .filter(|d| ids.contains(&d.id))
        .flat_map(|d| &d.security_group_ids);
    let mut problems = Vec::new();
    for sg in groups(state, named, "de la base de datos", &mut unknowns) {
        let found = db_egress(inv, sg);
        if found.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                sg_label(sg),
                "no permite ninguna salida",
                sg.origin.as_ref(),
            );
        }
        problems.extend(found);
    }
    conclude(state, &problems, &unknowns)
}

/// sg-egress-minimal, the tasks' half: their groups let out only 443 and
/// the database's port towards it.
pub fn task_groups_minimal_egress(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.ecs_services()?;
    let inv = state.inv;
    let db_groups: Vec<String> = inv
        .db_instances
        .iter()
        .flat_map(|d| d.security_group_ids.iter().cloned())
        .collect();
    let db_ports: Vec<u16> = inv
        .db_instances
        .iter()
        .filter_map(|d| d.port.as_known().and_then(|p| u16::try_from(*p).ok()))
        .collect();
    let vpc_cidrs: Vec<Ipv4Net> = inv
        .vpcs
        .iter()
        .flat_map(|v| v.blocks())
        .filter_map(|c| match c {
            Attr::Known(c) => Ipv4Net::parse(c).ok(),
            Attr::Unknown(_) => None,
        })
        .collect();
    // What cut reads leave out may be the database a rule points at.
    let unread: Vec<String> = state
        .gaps_of(&[ResourceKind::DbInstance, ResourceKind::Vpc])
        .into_iter()
        .map(|u| u.reason)
        .collect();
    let unread = unread.join("; ");
    let needs = TaskNeeds {
        db_groups: &db_groups,
        db_ports: &db_ports,
        vpc_cidrs: &vpc_cidrs,
        unread: (!unread.is_empty()).then_some(unread.as_str()),
    };
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    let mut named = Vec::new();
    for svc in inv.ecs_services.iter().filter(|s| ids.contains(&s.arn)) {
        match &svc.network {
            Some(n) => named.extend(&n.security_group_ids),
            None => unknowns.push(Unanswerable::new(
                &svc.name,
                format!(
                    "el servicio ECS {} no usa la red awsvpc: sus tareas salen con el grupo de las instancias \
                     EC2, que cloudgrade aún no relaciona",
                    svc.name
                ),
            )),
        }
    }
    for sg in groups(state, named, "de las tareas ECS", &mut unknowns) {
        let (p, u) = task_egress(inv, sg, &needs);
        if p.is_empty() && u.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                sg_label(sg),
                "solo deja salir al 443 y a la base de datos",
                sg.origin.as_ref(),
            );
        }
        problems.extend(p);
        unknowns.extend(u);
    }
    conclude(state, &problems, &unknowns)
}

#[cfg(test)]
mod tests {
    use super::super::state::{Selection, StepError};
    use super::*;
    use crate::analysis::testkit::*;
    use crate::standard::Standard;
    use cloudgrade_model::SgPeer;

    /// The course's exercise 4.2: no balancer, the tasks' 8080 open.
    fn course_design() -> cloudgrade_model::Inventory {
        let mut inv = course_vpc();
        let open = rule(
            "tcp",
            Some(8080),
            Some(8080),
            SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
        );
        inv.security_groups
            .push(group("sg-app", "app", vec![open], vec![]));
        let mut svc = ecs_service(&["subnet-pub"], Attr::Known(true));
        svc.network.as_mut().unwrap().security_group_ids = vec!["sg-app".into()];
        inv.ecs_services.push(svc);
        inv.task_definitions.push(task_definition_on(8080));
        inv
    }

    fn graded(inv: &cloudgrade_model::Inventory, standard: Standard) -> (StepResult, Vec<String>) {
        let mut state = ScenarioState::new(inv);
        state.standard = standard;
        state.selection = Some(Selection::SecurityGroups {
            ids: vec!["sg-app".into()],
        });
        let result = world_only_to_balancer(&mut state, &[]);
        let notes = state.evidence.iter().map(|e| e.message.clone()).collect();
        (result, notes)
    }

    #[test]
    fn the_course_design_is_a_warning_of_the_course_and_a_failure_of_production() {
        let inv = course_design();
        let (result, notes) = graded(&inv, Standard::Curso);
        assert!(result.is_ok(), "{result:?}");
        assert!(notes.iter().any(|n| n.starts_with("aviso: ")), "{notes:?}");
        let (result, _) = graded(&inv, Standard::Produccion);
        assert!(
            matches!(&result, Err(StepError::Failed(m)) if m.contains("ejercicio 4.2")),
            "{result:?}"
        );
    }
}
