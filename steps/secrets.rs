//! HEADLINE 3: secrets never travel in a task definition's plain
//! environment; the credentials a container needs arrive through `secrets`,
//! from Secrets Manager, readable by the execution role and only there.

use cloudgrade_model::{ContainerDefinition, ResourceKind, SecretRef, TaskDefinition};

use super::state::{ScenarioState, StepError, StepResult, conclude};
use crate::analysis::iam::{self, SecretAccess};
use crate::analysis::secrets::{self, SecretTarget};
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

fn selected<'a>(state: &ScenarioState<'a>) -> Result<Vec<&'a TaskDefinition>, StepError> {
    let inv = state.inv;
    Ok(state
        .task_definitions()?
        .iter()
        .filter_map(|arn| inv.task_definition(arn))
        .collect())
}

/// Every `secrets` entry of a task definition, with its container.
fn secret_refs(td: &TaskDefinition) -> Vec<(&ContainerDefinition, &SecretRef)> {
    td.containers
        .iter()
        .flat_map(|c| c.secrets.iter().map(move |s| (c, s)))
        .collect()
}

fn subject(td: &TaskDefinition, container: &str) -> String {
    format!("{}:{} contenedor {container}", td.family, td.revision)
}

/// An ARN no configuration names: what a policy grants on it, it grants on
/// any secret.
const ANY_SECRET: &str =
    "arn:aws:secretsmanager:cloudgrade-region:000000000000:secret:cloudgrade-ninguno-Xy12Zw";

/// The task definition fields a step reads, to ask for their gaps only.
const CONTAINERS: &[&str] = &["container_definitions", "environment"];
const SECRETS: &[&str] = &["container_definitions", "secrets"];
const SECRETS_AND_ROLE: &[&str] = &["container_definitions", "secrets", "execution_role_arn"];

pub fn no_env_secrets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    // An entry that is a secret is one whatever the entries the source could
    // not read: those only keep a clean environment from being a pass.
    let mut unread = state.gaps_reading(&[(ResourceKind::TaskDefinition, Some(CONTAINERS))]);
    let mut problems = Vec::new();
    for td in selected(state)? {
        for c in &td.containers {
            let found: Vec<_> = c
                .environment
                .iter()
                .filter_map(|v| Some((secrets::env_secret(v)?, v)))
                .collect();
            if found.is_empty() && unread.is_empty() {
                state.push(
                    EvidenceStatus::Ok,
                    subject(td, &c.name),
                    format!(
                        "ninguna de sus {} variables de environment es un secreto",
                        c.environment.len()
                    ),
                    td.origin.as_ref(),
                );
            }
            for (f, var) in found {
                let (entry, why) = (
                    format!("{}={}", f.variable, f.masked),
                    f.in_task_definition(),
                );
                match &var.only_if {
                    // There for some instances only, maybe none.
                    Some(on) => unread.push(Unanswerable {
                        subject: subject(td, &c.name),
                        reason: format!(
                            "{entry} estaría en environment según {on}, que solo se conoce tras apply: {why}"
                        ),
                    }),
                    None => problems.push(Finding {
                        subject: subject(td, &c.name),
                        message: format!("{entry} en environment: {why}"),
                        origin: var.origin.clone().or_else(|| td.origin.clone()),
                    }),
                }
            }
        }
    }
    conclude(state, &problems, &unread)
}

pub fn secrets_from_secrets_manager(state: &mut ScenarioState, _: &[String]) -> StepResult {
    // A reference to a secret that does not exist is judged against the
    // secrets' gaps by `secret_ref_target`; a definition with no `secrets`
    // has none only if its containers' secrets were all read.
    let unread_refs = state.gaps_reading(&[(ResourceKind::TaskDefinition, Some(SECRETS))]);
    let refs_known = unread_refs.is_empty();
    let (mut problems, mut unknowns) = (Vec::new(), unread_refs);
    unknowns.extend(state.gaps_of(&[ResourceKind::Secret]));
    for td in selected(state)? {
        let refs = secret_refs(td);
        if refs.is_empty() && !refs_known {
            continue;
        }
        if refs.is_empty() {
            problems.push(Finding {
                subject: format!("{}:{}", td.family, td.revision),
                message: "ningún contenedor recibe credenciales por `secrets`: la contraseña de la base de datos \
                          debe llegar con valueFrom desde Secrets Manager, no escrita en la definición"
                    .into(),
                origin: td.origin.clone(),
            });
            continue;
        }
        for (c, s) in refs {
            match secrets::secret_ref_target(state.inv, &s.value_from) {
                SecretTarget::SecretsManager(secret) => state.push(
                    EvidenceStatus::Ok,
                    subject(td, &c.name),
                    format!("{} llega desde Secrets Manager: {}", s.name, secret.name),
                    td.origin.as_ref(),
                ),
                SecretTarget::SecretsManagerMissing(arn) => {
                    let f = Finding {
                        subject: subject(td, &c.name),
                        message: format!(
                            "{} apunta a {arn}, que no existe en Secrets Manager: la tarea no arrancará \
                             (ResourceInitializationError); crea el secreto o corrige el ARN",
                            s.name
                        ),
                        origin: td.origin.clone(),
                    };
                    judged(s, f, &mut problems, &mut unknowns);
                }
                SecretTarget::SsmParameter(name) => unknowns.push(Unanswerable {
                    subject: subject(td, &c.name),
                    reason: format!(
                        "{} viene del parámetro SSM {name}; esta fuente no lee Parameter Store, así que no \
                         puede comprobar que exista y sea SecureString",
                        s.name
                    ),
                }),
                SecretTarget::Unknown(reference) => unknowns.push(Unanswerable {
                    subject: subject(td, &c.name),
                    reason: format!("{}: {reference}", s.name),
                }),
            }
        }
    }
    conclude(state, &problems, &unknowns)
}

/// A grant that lets `role` read the secret `name` on a pattern wider than
/// its ARN (named when known).
fn too_broad(role: &str, policy: &str, resource: &str, name: &str, arn: Option<&str>) -> Finding {
    let arn = arn.map(|a| format!(" ({a})")).unwrap_or_default();
    Finding {
        subject: role.to_string(),
        message: format!(
            "la política {policy} permite leer {name} pero sobre {resource}: da acceso a todos los \
             secretos de la cuenta; limita Resource al ARN del secreto{arn}"
        ),
        origin: None,
    }
}

/// A problem with one of the values a reference may take is a problem of
/// some instances, maybe none: not certain.
fn judged(
    s: &SecretRef,
    f: Finding,
    problems: &mut Vec<Finding>,
    unknowns: &mut Vec<Unanswerable>,
) {
    match &s.only_if {
        None => problems.push(f),
        Some(on) => unknowns.push(Unanswerable {
            subject: f.subject,
            reason: format!(
                "si {on} (conocido tras apply) elige este valor: {}",
                f.message
            ),
        }),
    }
}

pub fn execution_role_reads_secrets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    // A grant on `*` is too broad, and a role with no grant at all cannot
    // read, whatever the source could not read (`iam::role_can_read_secret`
    // weighs the roles' and policies' gaps); what is missing from a task
    // definition is missing only if its fields were read.
    let refs_known = state
        .gaps_reading(&[(ResourceKind::TaskDefinition, Some(SECRETS))])
        .is_empty();
    let role_known = state
        .gaps_reading(&[(ResourceKind::TaskDefinition, Some(&["execution_role_arn"]))])
        .is_empty();
    let (mut problems, mut unknowns) = (
        Vec::new(),
        state.gaps_reading(&[
            (ResourceKind::TaskDefinition, Some(SECRETS_AND_ROLE)),
            (ResourceKind::IamRole, None),
            (ResourceKind::IamPolicy, None),
            (ResourceKind::Secret, None),
        ]),
    );
    let selected = selected(state)?;
    if selected
        .iter()
        .all(|td| td.containers.iter().all(|c| c.secrets.is_empty()))
    {
        if !refs_known {
            return conclude(state, &[], &unknowns);
        }
        return Err(StepError::Failed(
            "ninguna definición de tarea usa `secrets`, así que no hay secreto que el rol de ejecución deba leer: \
             las credenciales deben llegar desde Secrets Manager"
                .into(),
        ));
    }
    for td in selected {
        let refs = secret_refs(td);
        if refs.is_empty() {
            continue;
        }
        let Some(role) = td.execution_role_arn.clone() else {
            if !role_known {
                continue;
            }
            problems.push(Finding {
                subject: format!("{}:{}", td.family, td.revision),
                message: "usa `secrets` pero no tiene rol de ejecución (execution_role_arn): ECS no podrá leerlos"
                    .into(),
                origin: td.origin.clone(),
            });
            continue;
        };
        for (c, s) in refs {
            let arn = match secrets::secret_ref_target(state.inv, &s.value_from) {
                SecretTarget::SecretsManager(secret) => secret.arn.clone(),
                // Whether it exists is the previous scenario's business; judge the
                // permission against what the container asks for.
                SecretTarget::SecretsManagerMissing(arn) => arn,
                SecretTarget::SsmParameter(_) => continue,
                SecretTarget::Unknown(why) => {
                    // Which secret is not known; a grant on a pattern that
                    // covers a secret nobody named covers every secret,
                    // this one too: too broad whatever its ARN.
                    match iam::role_can_read_secret(state.inv, &role, ANY_SECRET) {
                        SecretAccess::Broad { policy, resource } => {
                            problems.push(too_broad(&role, &policy, &resource, &s.name, None))
                        }
                        _ => unknowns.push(Unanswerable {
                            subject: subject(td, &c.name),
                            reason: format!("{}: {why}", s.name),
                        }),
                    }
                    continue;
                }
            };
            match iam::role_can_read_secret(state.inv, &role, &arn) {
                SecretAccess::Scoped { policy } => state.push(
                    EvidenceStatus::Ok,
                    subject(td, &c.name),
                    format!("el rol de ejecución puede leer {} ({arn}) por la política {policy}, limitada a su ARN", s.name),
                    td.origin.as_ref(),
                ),
                SecretAccess::Broad { policy, resource } => {
                    problems.push(too_broad(&role, &policy, &resource, &s.name, Some(&arn)))
                }
                SecretAccess::Denied => {
                    let f = Finding {
                        subject: role.clone(),
                        message: format!(
                            "el rol de ejecución no tiene secretsmanager:GetSecretValue sobre {arn}: la tarea no \
                             podrá recibir {} y no arrancará",
                            s.name
                        ),
                        origin: None,
                    };
                    judged(s, f, &mut problems, &mut unknowns);
                }
                SecretAccess::Unanswerable(u) => unknowns.push(u),
            }
        }
    }
    conclude(state, &problems, &unknowns)
}

/// secrets-rotation: every Secrets Manager secret the containers name
/// rotates by itself. SSM parameters do not rotate in Secrets Manager's
/// sense and are left out; no Secrets Manager secret at all earns nothing.
pub fn secrets_rotate(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let refs_known = state
        .gaps_reading(&[(ResourceKind::TaskDefinition, Some(SECRETS))])
        .is_empty();
    let mut unknowns = state.gaps_reading(&[
        (ResourceKind::TaskDefinition, Some(SECRETS)),
        (ResourceKind::Secret, None),
    ]);
    let mut problems = Vec::new();
    let mut judged: Vec<&str> = Vec::new();
    let inv = state.inv;
    for td in selected(state)? {
        for (c, s) in secret_refs(td) {
            match secrets::secret_ref_target(inv, &s.value_from) {
                SecretTarget::SecretsManager(secret) => {
                    if judged.contains(&secret.arn.as_str()) {
                        continue;
                    }
                    judged.push(&secret.arn);
                    match secrets::rotates(secret) {
                        Ok(how) => state.push(
                            EvidenceStatus::Ok,
                            subject(td, &c.name),
                            format!("{}: {how}", s.name),
                            secret.origin.as_ref(),
                        ),
                        Err(Ok(f)) => problems.push(f),
                        Err(Err(u)) => unknowns.push(u),
                    }
                }
                SecretTarget::SecretsManagerMissing(arn) => unknowns.push(Unanswerable {
                    subject: subject(td, &c.name),
                    reason: format!(
                        "{}: el secreto {arn} no está en el proyecto: no se sabe si rota",
                        s.name
                    ),
                }),
                SecretTarget::SsmParameter(_) => {}
                SecretTarget::Unknown(why) => unknowns.push(Unanswerable {
                    subject: subject(td, &c.name),
                    reason: format!("{}: {why}", s.name),
                }),
            }
        }
    }
    if judged.is_empty() && unknowns.is_empty() && refs_known {
        return Err(StepError::Failed(
            "ningún contenedor recibe un secreto de Secrets Manager: no hay credencial que rote sola".into(),
        ));
    }
    conclude(state, &problems, &unknowns)
}
