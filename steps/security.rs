//! The seguridad activity: what the security groups open to the internet.

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::sg::{admin_exposure, describe_rule, sg_label, undescribed};
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
