//! Where the ECS services place their tasks (`ecs-private-no-public-ip`).

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::ecs;
use crate::report::EvidenceStatus;

pub fn tasks_in_private_subnets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    // A subnet from a data source or a variable is unknown, not public.
    let mut unknowns = state.gaps_reading(&[
        (
            cloudgrade_model::ResourceKind::EcsService,
            Some(&["subnets"]),
        ),
        (cloudgrade_model::ResourceKind::Subnet, Some(&["tags"])),
    ]);
    let mut problems = Vec::new();
    let inv = state.inv;
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        let placed = ecs::subnets_private(inv, svc);
        for (subject, origin) in &placed.private {
            state.push(
                EvidenceStatus::Ok,
                subject.clone(),
                format!("subred privada del servicio ECS {}", svc.name),
                origin.as_ref(),
            );
        }
        problems.extend(placed.problems);
        unknowns.extend(placed.unknowns);
    }
    conclude(state, &problems, &unknowns)
}

pub fn no_public_ip_for_tasks(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    let inv = state.inv;
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        match ecs::no_public_ip(svc) {
            Ok(()) => state.push(
                EvidenceStatus::Ok,
                svc.name.clone(),
                "sus tareas no reciben IP pública (assign_public_ip = false)",
                svc.origin.as_ref(),
            ),
            Err(Ok(f)) => problems.push(f),
            Err(Err(u)) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}
