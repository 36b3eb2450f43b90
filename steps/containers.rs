//! The containers of the selected task definitions: where they log
//! (`ecs-awslogs`), how ECS knows they are healthy
//! (`ecs-container-healthcheck`), and how they are limited
//! (`ecs-container-hardening`).

use cloudgrade_model::{ContainerDefinition, Inventory, ResourceKind, TaskDefinition};

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::containers;
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

/// What a check says of one container: `Ok(None)` when it does not apply.
type Check = fn(
    &Inventory,
    &TaskDefinition,
    &ContainerDefinition,
) -> Result<Option<String>, Result<Finding, Unanswerable>>;

/// Runs `check` on every container of the selected definitions; `none` is
/// the evidence when it applies to none of them.
fn each_container(
    state: &mut ScenarioState,
    fields: &[&str],
    also: &[ResourceKind],
    check: Check,
    none: &str,
) -> StepResult {
    let arns = state.task_definitions()?;
    let mut reads = vec![(ResourceKind::TaskDefinition, Some(fields))];
    reads.extend(also.iter().map(|k| (*k, None)));
    let mut unknowns = state.gaps_reading(&reads);
    let mut problems = Vec::new();
    let mut applied = false;
    let inv = state.inv;
    for td in inv
        .task_definitions
        .iter()
        .filter(|t| arns.contains(&t.arn))
    {
        for c in &td.containers {
            match check(inv, td, c) {
                Ok(None) => {}
                Ok(Some(why)) => {
                    applied = true;
                    state.push(
                        EvidenceStatus::Ok,
                        format!("{}:{}/{}", td.family, td.revision, c.name),
                        why,
                        td.origin.as_ref(),
                    );
                }
                Err(Ok(f)) => {
                    applied = true;
                    problems.push(f);
                }
                Err(Err(u)) => {
                    applied = true;
                    unknowns.push(u);
                }
            }
        }
    }
    if !applied && unknowns.is_empty() {
        state.push(EvidenceStatus::Ok, "definiciones de tarea", none, None);
    }
    conclude(state, &problems, &unknowns)
}

/// ecs-awslogs: every container logs with awslogs to a group of the project.
pub fn containers_log_to_project(state: &mut ScenarioState, _: &[String]) -> StepResult {
    each_container(
        state,
        // The execution role matters only to a group created at start,
        // where the check itself asks for it.
        &["container_definitions"],
        &[ResourceKind::LogGroup],
        |inv, td, c| containers::logs_to_project_group(inv, td, c).map(Some),
        "no tienen contenedores",
    )
}

/// ecs-container-healthcheck: every container that serves traffic has a
/// health check on its own port.
pub fn containers_health_checked(state: &mut ScenarioState, _: &[String]) -> StepResult {
    each_container(
        state,
        &["container_definitions"],
        &[],
        |_, td, c| containers::health_checked(td, c),
        "ningún contenedor publica puertos: no sirven tráfico que comprobar",
    )
}

/// ecs-container-hardening: every container is limited.
pub fn containers_hardened(state: &mut ScenarioState, _: &[String]) -> StepResult {
    each_container(
        state,
        &["container_definitions", "pid_mode"],
        &[],
        |_, td, c| containers::hardened(td, c).map(Some),
        "no tienen contenedores",
    )
}
