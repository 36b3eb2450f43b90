//! The ECS services and task definitions: where the services place their
//! tasks (`ecs-private-no-public-ip`), whether they run on Fargate, how a
//! failed deployment ends, and the images and roles of the definitions.

use cloudgrade_model::{EcsService, Inventory, ResourceKind};

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::{Check, Unanswerable, ecs, fargate, pull};
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
    // A subnet is private by its routes too: with route tables unread (cut,
    // denied), one not marked public may still route to an internet gateway.
    let tables_unread = state.gaps_of(&[cloudgrade_model::ResourceKind::RouteTable]);
    let mut unproven = false;
    let mut problems = Vec::new();
    let inv = state.inv;
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        let placed = ecs::subnets_private(inv, svc);
        if !tables_unread.is_empty() {
            unproven |= !placed.private.is_empty();
        } else {
            for (subject, origin) in &placed.private {
                state.push(
                    EvidenceStatus::Ok,
                    subject.clone(),
                    format!("subred privada del servicio ECS {}", svc.name),
                    origin.as_ref(),
                );
            }
        }
        problems.extend(placed.problems);
        unknowns.extend(placed.unknowns);
    }
    if unproven {
        unknowns.extend(tables_unread);
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

/// ecs-fargate-awsvpc: every service runs on Fargate, with a task
/// definition Fargate registers.
pub fn services_on_fargate(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    let unknowns = state.gaps_reading(&[
        (
            ResourceKind::EcsService,
            Some(&[
                "launch_type",
                "capacity_provider_strategy",
                "task_definition",
            ]),
        ),
        (
            ResourceKind::TaskDefinition,
            Some(&["requires_compatibilities", "network_mode", "cpu", "memory"]),
        ),
    ]);
    judge_services(state, &arns, unknowns, fargate::on_fargate)
}

/// Each selected service through `check`: what holds is evidence, what
/// does not a finding, what cannot be told an unknown beside `unknowns`.
fn judge_services(
    state: &mut ScenarioState,
    arns: &[String],
    mut unknowns: Vec<Unanswerable>,
    check: impl Fn(&Inventory, &EcsService) -> Check,
) -> StepResult {
    let mut problems = Vec::new();
    let inv = state.inv;
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        match check(inv, svc) {
            Ok(how) => state.push(
                EvidenceStatus::Ok,
                svc.name.clone(),
                how,
                svc.origin.as_ref(),
            ),
            Err(Ok(f)) => problems.push(f),
            Err(Err(u)) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// ecs-circuit-breaker: every service goes back by itself from a failed
/// deployment.
pub fn deployments_roll_back(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    judge_services(state, &arns, Vec::new(), |_, svc| ecs::rolls_back(svc))
}

/// ecs-image-pinned: every container of the selected definitions runs an
/// image pinned by a tag other than `latest`, or by digest.
pub fn images_pinned(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.task_definitions()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for td in inv
        .task_definitions
        .iter()
        .filter(|t| arns.contains(&t.arn))
    {
        let label = format!("{}:{}", td.family, td.revision);
        for c in &td.containers {
            match ecs::image_pin(c, &label) {
                Ok(Ok(pin)) => state.push(
                    EvidenceStatus::Ok,
                    format!("{label} contenedor {}", c.name),
                    format!("usa una imagen fijada ({pin})"),
                    td.origin.as_ref(),
                ),
                Ok(Err(why)) => problems.push(crate::analysis::Finding::new(
                    format!("{label} contenedor {}", c.name),
                    why,
                    td.origin.as_ref(),
                )),
                Err(u) => unknowns.push(u),
            }
        }
    }
    conclude(state, &problems, &unknowns)
}

/// ecs-task-role-separate: the app's role is not the agent's. The execution
/// role pulls the image and reads the secrets for the container; as the task
/// role it hands all of that to the application's own code.
pub fn task_role_separate(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.task_definitions()?;
    let inv = state.inv;
    let mut problems = Vec::new();
    for td in inv
        .task_definitions
        .iter()
        .filter(|t| arns.contains(&t.arn))
    {
        let label = format!("{}:{}", td.family, td.revision);
        match (&td.task_role_arn, &td.execution_role_arn) {
            (Some(task), Some(exec)) if task == exec => problems.push(crate::analysis::Finding::new(
                &label,
                format!(
                    "la definición de tarea {label} usa el mismo rol ({task}) como rol de tarea y de ejecución: \
                     el código de la aplicación recibe los permisos del agente (bajar imágenes de ECR, leer los \
                     secretos de la base de datos); crea un aws_iam_role aparte para task_role_arn, con solo lo \
                     que la app llama"
                ),
                td.origin.as_ref(),
            )),
            (None, _) => state.push(
                EvidenceStatus::Ok,
                label,
                "no tiene rol de tarea: la aplicación no recibe ningún permiso de AWS",
                td.origin.as_ref(),
            ),
            _ => state.push(
                EvidenceStatus::Ok,
                label,
                "su rol de tarea no es su rol de ejecución",
                td.origin.as_ref(),
            ),
        }
    }
    conclude(state, &problems, &[])
}

/// ecs-can-pull-image: every service's tasks have a way out to ECR and
/// CloudWatch, from every subnet they run in, and HTTPS out of their groups.
pub fn tasks_can_pull(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_services()?;
    let mut unknowns = state.gaps_reading(&[
        (
            ResourceKind::EcsService,
            Some(&[
                "network_configuration",
                "subnets",
                "security_groups",
                "assign_public_ip",
            ]),
        ),
        (ResourceKind::Subnet, None),
        (ResourceKind::RouteTable, None),
        (ResourceKind::NatGateway, None),
        (ResourceKind::InternetGateway, None),
        (ResourceKind::SecurityGroup, None),
    ]);
    let mut problems = Vec::new();
    let inv = state.inv;
    for svc in inv.ecs_services.iter().filter(|s| arns.contains(&s.arn)) {
        let pull = pull::can_pull_image(inv, svc);
        if pull.problems.is_empty() && pull.unknowns.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                svc.name.clone(),
                pull.ways_out.join("; "),
                svc.origin.as_ref(),
            );
        }
        problems.extend(pull.problems);
        unknowns.extend(pull.unknowns);
    }
    conclude(state, &problems, &unknowns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{ecs_service, empty, subnet};
    use crate::steps::StepError;
    use cloudgrade_model::{Attr, Gap, GapReason, ResourceKind};

    fn course_service() -> cloudgrade_model::Inventory {
        let mut inv = empty();
        inv.subnets
            .push(subnet("subnet-a", "vpc-1", "10.0.11.0/24", "privada-a"));
        inv.ecs_services
            .push(ecs_service(&["subnet-a"], Attr::Known(false)));
        inv
    }

    fn placement(inv: &cloudgrade_model::Inventory) -> StepResult {
        let mut w = ScenarioState::new(inv);
        super::super::select::ecs_services(&mut w, &[]).unwrap();
        tasks_in_private_subnets(&mut w, &[])
    }

    /// Found by the fault suite: a cut DescribeRouteTables hid the route to
    /// the internet gateway, and a public subnet passed as private.
    #[test]
    fn with_route_tables_unread_a_subnet_not_marked_public_is_not_proven_private() {
        let mut inv = course_service();
        assert!(placement(&inv).is_ok());
        inv.gaps.push(Gap {
            kind: ResourceKind::RouteTable,
            operation: "ec2:DescribeRouteTables".into(),
            reason: GapReason::Throttled,
            message: "respuesta cortada".into(),
        });
        match placement(&inv) {
            Err(StepError::NotEvaluable(why)) => {
                assert!(why.contains("ec2:DescribeRouteTables"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }
}
