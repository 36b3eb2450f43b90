//! The roles of the selected task definitions: whom they trust
//! (`iam-trust-ecs-tasks`), whether one is an administrator
//! (`iam-no-admin`), and whether the task role grants only what the
//! application uses (`iam-task-role-least-privilege`).

use cloudgrade_model::{ResourceKind, TaskDefinition};

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::roles::{self, Grants};
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

/// Which of a task definition's roles a check reads.
#[derive(Clone, Copy)]
enum Roles {
    /// The execution role (the agent's) and the task role (the app's).
    Both,
    /// The task role only.
    Task,
}

/// Each role a definition names, once, with the definitions naming it.
type Named = Vec<(String, Vec<String>)>;

/// The roles the selected task definitions name, and what the source could
/// not read of them.
fn named_roles(
    state: &ScenarioState,
    which: Roles,
) -> Result<(Named, Vec<Unanswerable>), super::StepError> {
    let arns = state.task_definitions()?;
    let fields: &[&str] = match which {
        Roles::Both => &["execution_role_arn", "task_role_arn"],
        Roles::Task => &["task_role_arn"],
    };
    let unknowns = state.gaps_reading(&[(ResourceKind::TaskDefinition, Some(fields))]);
    let mut named: Vec<(String, Vec<String>)> = Vec::new();
    let tds = state
        .inv
        .task_definitions
        .iter()
        .filter(|t| arns.contains(&t.arn));
    for td in tds {
        for role in roles_of(td, which) {
            let label = format!("{}:{}", td.family, td.revision);
            match named.iter_mut().find(|(r, _)| r == role) {
                Some((_, by)) => by.push(label),
                None => named.push((role.clone(), vec![label])),
            }
        }
    }
    Ok((named, unknowns))
}

fn roles_of(td: &TaskDefinition, which: Roles) -> Vec<&String> {
    let mut roles: Vec<&String> = match which {
        Roles::Both => td.execution_role_arn.iter().collect(),
        Roles::Task => Vec::new(),
    };
    // One role as both is one role to judge.
    if let Some(task) = &td.task_role_arn
        && !roles.contains(&task)
    {
        roles.push(task);
    }
    roles
}

/// iam-trust-ecs-tasks: every role the definitions name can be assumed by
/// ECS tasks, and by nobody else.
pub fn roles_trust_only_tasks(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (named, mut unknowns) = named_roles(state, Roles::Both)?;
    if named.is_empty() && unknowns.is_empty() {
        state.push(
            EvidenceStatus::Ok,
            "definiciones de tarea",
            "no nombran ningún rol: no hay confianza que revisar",
            None,
        );
    }
    let mut problems = Vec::new();
    for (role, by) in &named {
        match roles::trusts_only_ecs_tasks(state.inv, role) {
            Ok(why) => state.push(
                EvidenceStatus::Ok,
                role.clone(),
                format!("{why} (lo usa {})", by.join(", ")),
                origin_of(state, role),
            ),
            Err(Ok(f)) => problems.push(f),
            Err(Err(u)) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// iam-no-admin: no role the definitions name is an administrator.
pub fn no_admin_roles(state: &mut ScenarioState, _: &[String]) -> StepResult {
    grants(
        state,
        Roles::Both,
        roles::admin_grants,
        "no tiene permisos de administrador",
    )
}

/// iam-task-role-least-privilege: the task role names the actions and the
/// resources it grants.
pub fn task_role_least_privilege(state: &mut ScenarioState, _: &[String]) -> StepResult {
    grants(
        state,
        Roles::Task,
        roles::too_wide_grants,
        "concede solo acciones concretas sobre recursos concretos",
    )
}

fn grants(
    state: &mut ScenarioState,
    which: Roles,
    check: fn(&cloudgrade_model::Inventory, &str) -> Grants,
    holds: &str,
) -> StepResult {
    let (named, mut unknowns) = named_roles(state, which)?;
    if named.is_empty() && unknowns.is_empty() {
        let none = match which {
            Roles::Both => "no nombran ningún rol: la tarea no recibe permisos de AWS",
            Roles::Task => "no tienen rol de tarea: la aplicación no recibe ningún permiso de AWS",
        };
        state.push(EvidenceStatus::Ok, "definiciones de tarea", none, None);
    }
    let mut problems: Vec<Finding> = Vec::new();
    for (role, by) in &named {
        let (found, unread) = check(state.inv, role);
        if found.is_empty() && unread.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                role.clone(),
                format!("el rol {holds} (lo usa {})", by.join(", ")),
                origin_of(state, role),
            );
        }
        problems.extend(found);
        unknowns.extend(unread);
    }
    conclude(state, &problems, &unknowns)
}

fn origin_of<'a>(state: &ScenarioState<'a>, role: &str) -> Option<&'a cloudgrade_model::Origin> {
    crate::analysis::iam::find_role(state.inv, role).and_then(|r| r.origin.as_ref())
}
