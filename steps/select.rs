//! `Given` steps: choose what the checks look at. A selector that matches
//! nothing fails with its own message: an empty selection would make every
//! check pass vacuously, the way other tools pass students silently.

use std::collections::BTreeMap;

use cloudgrade_model::{Inventory, ResourceKind, name_tag};

use super::state::{ScenarioState, Selection, StepError, StepResult};
use crate::analysis::label;
use crate::analysis::tier::{private_by_convention, public_by_convention};
use crate::report::EvidenceStatus;

fn select_subnets(
    state: &mut ScenarioState,
    chosen: BTreeMap<String, Vec<String>>,
    what: &str,
) -> StepResult {
    if chosen.is_empty() {
        return Err(StepError::Failed(format!(
            "no hay {what}: ninguna subred coincide, así que no hay nada que comprobar"
        )));
    }
    for (id, why) in &chosen {
        let subject = state
            .inv
            .subnet(id)
            .map_or_else(|| id.clone(), |s| label(&s.id, &s.tags));
        let origin = state.inv.subnet(id).and_then(|s| s.origin.clone());
        state.push(
            EvidenceStatus::Info,
            subject,
            format!("seleccionada: {}", why.join(", ")),
            origin.as_ref(),
        );
    }
    state.selection = Some(Selection::Subnets {
        ids: chosen.into_keys().collect(),
        what: what.to_string(),
    });
    Ok(())
}

fn add(chosen: &mut BTreeMap<String, Vec<String>>, id: &str, why: String) {
    chosen.entry(id.to_string()).or_default().push(why);
}

pub fn private_subnets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    // Services and subnet groups are read only for where they run.
    let reads: &[(ResourceKind, Option<&[&str]>)] = &[
        (ResourceKind::Subnet, Some(&["tags"])),
        (ResourceKind::EcsService, Some(&["subnets"])),
        (ResourceKind::DbSubnetGroup, Some(&["subnet_ids"])),
    ];
    let mut chosen = BTreeMap::new();
    for s in &state.inv.subnets {
        if let Some(why) = private_by_convention(s) {
            add(&mut chosen, &s.id, why);
        }
    }
    // The course runs its tasks in subnets it tags public, and a student may
    // put the database there: each is graded where it is, by the scenario of
    // what runs in it, not as a failing private subnet.
    for role in role_subnets(state) {
        let public = state
            .inv
            .subnet(&role.subnet)
            .and_then(|s| public_by_convention(s).map(|why| (s, why)));
        let Some((s, convention)) = public else {
            add(&mut chosen, &role.subnet, role.why);
            continue;
        };
        let (subject, origin) = (label(&s.id, &s.tags), s.origin.clone());
        state.push(
            EvidenceStatus::Info,
            subject,
            format!(
                "no se selecciona como privada aunque {}: es pública por su {convention}; lo califica el escenario {}",
                role.why, role.graded_by
            ),
            origin.as_ref(),
        );
    }
    select_known(
        state,
        chosen,
        "subredes privadas (ni por etiqueta o nombre, ni por ser de un servicio ECS o de RDS)",
        reads,
    )
}

/// Selects the subnets known to belong, and says the selection may miss
/// some when the source has gaps in what it reads; with gaps and none
/// known, nothing can be selected and the step is not evaluable.
fn select_known(
    state: &mut ScenarioState,
    chosen: BTreeMap<String, Vec<String>>,
    what: &str,
    reads: &[(ResourceKind, Option<&[&str]>)],
) -> StepResult {
    let gaps = state.gaps_reading(reads);
    if chosen.is_empty() && !gaps.is_empty() {
        return state.require_fields(reads);
    }
    select_subnets(state, chosen, what)?;
    state.select_incomplete("subredes", gaps)
}

/// Each subnet an ECS service places its tasks in, with the service's name.
fn ecs_subnets(state: &ScenarioState) -> Vec<(String, String)> {
    state
        .inv
        .ecs_services
        .iter()
        .flat_map(|svc| {
            svc.network
                .iter()
                .flat_map(|n| &n.subnet_ids)
                .map(|id| (id.clone(), svc.name.clone()))
        })
        .collect()
}

/// A subnet that must be private because of what runs in it.
struct Role {
    subnet: String,
    /// What runs there, as the evidence says it.
    why: String,
    /// The scenario that grades where that runs.
    graded_by: &'static str,
}

/// Subnets that must be private because of what runs in them: the ECS
/// services' and the DB subnet groups'.
fn role_subnets(state: &ScenarioState) -> Vec<Role> {
    let services = ecs_subnets(state).into_iter().map(|(subnet, svc)| Role {
        subnet,
        why: format!("aloja las tareas del servicio ECS {svc}"),
        graded_by: "ecs-private-no-public-ip",
    });
    let databases = state.inv.db_subnet_groups.iter().flat_map(|g| {
        g.subnet_ids.iter().map(|id| Role {
            subnet: id.clone(),
            why: format!("pertenece al grupo de subredes de RDS {}", g.name),
            graded_by: "rds-not-public",
        })
    });
    services.chain(databases).collect()
}

/// Which subnets exist, and their tags: an attribute gap (a subnet's
/// `vpc_id` from a data source) hides no subnet.
const SUBNETS: &[(ResourceKind, Option<&[&str]>)] = &[(ResourceKind::Subnet, Some(&["tags"]))];

/// The subnets their author marked public (tag or name). None is no
/// failure: a VPC may have no public tier, and what needs one (the NAT, the
/// load balancer) is graded by its own scenario.
pub fn public_subnets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut chosen = BTreeMap::new();
    for s in &state.inv.subnets {
        if let Some(why) = public_by_convention(s) {
            add(&mut chosen, &s.id, why);
        }
    }
    let gaps = state.gaps_reading(SUBNETS);
    if chosen.is_empty() {
        if !gaps.is_empty() {
            return state.require_fields(SUBNETS);
        }
        state.push(
            EvidenceStatus::Info,
            "subredes públicas".to_string(),
            "ninguna subred está etiquetada ni nombrada como pública",
            None,
        );
        state.selection = Some(Selection::Subnets {
            ids: Vec::new(),
            what: "subredes públicas".into(),
        });
        return Ok(());
    }
    select_subnets(state, chosen, "subredes públicas (por etiqueta o nombre)")?;
    state.select_incomplete("subredes", gaps)
}

/// The subnets that must be public: those marked public, and every one that
/// holds a NAT gateway (a NAT in a private subnet is HEADLINE 1's failure;
/// here it is the subnet that must reach the internet gateway). A subnet
/// marked private is never one of them.
pub fn subnets_that_must_be_public(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let reads: &[(ResourceKind, Option<&[&str]>)] = &[
        (ResourceKind::Subnet, Some(&["tags"])),
        (ResourceKind::NatGateway, Some(&["subnet_id"])),
    ];
    let mut chosen = BTreeMap::new();
    for s in &state.inv.subnets {
        if let Some(why) = public_by_convention(s) {
            add(&mut chosen, &s.id, why);
        }
    }
    for nat in &state.inv.nat_gateways {
        let marked_private = state
            .inv
            .subnet(&nat.subnet_id)
            .is_some_and(|s| private_by_convention(s).is_some());
        if !marked_private {
            let nl = label(&nat.id, &nat.tags);
            add(
                &mut chosen,
                &nat.subnet_id,
                format!("aloja el NAT gateway {nl}"),
            );
        }
    }
    select_known(
        state,
        chosen,
        "subredes públicas (ni por etiqueta o nombre, ni por alojar un NAT gateway)",
        reads,
    )
}

pub fn subnets_tagged(state: &mut ScenarioState, args: &[String]) -> StepResult {
    let (key, value) = (arg(args, 0)?, arg(args, 1)?);
    let mut chosen = BTreeMap::new();
    for s in &state.inv.subnets {
        if s.tags
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
        {
            add(&mut chosen, &s.id, format!("etiqueta {key}={value}"));
        }
    }
    select_known(
        state,
        chosen,
        &format!("subredes con la etiqueta {key}={value}"),
        SUBNETS,
    )
}

pub fn subnets_named(state: &mut ScenarioState, args: &[String]) -> StepResult {
    let needle = arg(args, 0)?.to_lowercase();
    let mut chosen = BTreeMap::new();
    for s in &state.inv.subnets {
        if let Some(name) = name_tag(&s.tags).filter(|n| n.to_lowercase().contains(&needle)) {
            add(&mut chosen, &s.id, format!("nombre {name}"));
        }
    }
    select_known(
        state,
        chosen,
        &format!("subredes cuyo nombre contenga «{needle}»"),
        SUBNETS,
    )
}

pub fn subnets_of_ecs_services(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let reads: &[(ResourceKind, Option<&[&str]>)] = &[(ResourceKind::EcsService, None)];
    let mut chosen = BTreeMap::new();
    for svc in &state.inv.ecs_services {
        for id in svc.network.iter().flat_map(|n| &n.subnet_ids) {
            add(
                &mut chosen,
                id,
                format!("aloja las tareas del servicio ECS {}", svc.name),
            );
        }
    }
    select_known(
        state,
        chosen,
        "subredes de servicios ECS (¿hay un servicio ECS con red awsvpc?)",
        reads,
    )
}

pub fn subnets_of_db_subnet_groups(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let reads: &[(ResourceKind, Option<&[&str]>)] = &[(ResourceKind::DbSubnetGroup, None)];
    let mut chosen = BTreeMap::new();
    for g in &state.inv.db_subnet_groups {
        for id in &g.subnet_ids {
            add(
                &mut chosen,
                id,
                format!("pertenece al grupo de subredes de RDS {}", g.name),
            );
        }
    }
    select_known(
        state,
        chosen,
        "subredes de grupos de subredes de RDS (¿hay un aws_db_subnet_group?)",
        reads,
    )
}

/// Selects every resource of `kind`, whose ids are `ids`. Only a gap of the
/// whole kind can hide one (a gap confined to an attribute, such as security
/// groups from a data source, hides none); with none at all and nothing
/// unread, the step fails with `none`: an empty account or folder did not
/// do the exercise, and nothing to check is no pass.
fn select_every(
    state: &mut ScenarioState,
    kind: ResourceKind,
    ids: Vec<String>,
    selection: fn(Vec<String>) -> Selection,
    (noun, none): (&str, &str),
) -> StepResult {
    let gaps = state.gaps_reading(&[(kind, Some(&[]))]);
    if ids.is_empty() && !gaps.is_empty() {
        return state.require(&[kind]);
    }
    if ids.is_empty() {
        return Err(StepError::Failed(none.into()));
    }
    state.selection = Some(selection(ids));
    state.select_incomplete(noun, gaps)
}

pub fn db_instances(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let inv = state.inv;
    for d in &inv.db_instances {
        state.push(
            EvidenceStatus::Info,
            d.id.clone(),
            format!("seleccionada: instancia {}", d.engine),
            d.origin.as_ref(),
        );
    }
    select_every(
        state,
        ResourceKind::DbInstance,
        inv.db_instances.iter().map(|d| d.id.clone()).collect(),
        |ids| Selection::DbInstances { ids },
        (
            "instancias RDS",
            "no hay ninguna instancia RDS: el ejercicio pide una base de datos PostgreSQL en RDS",
        ),
    )
}

/// Every ECS cluster.
pub fn ecs_clusters(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state
        .inv
        .ecs_clusters
        .iter()
        .map(|c| c.arn.clone())
        .collect();
    select_every(
        state,
        ResourceKind::EcsCluster,
        arns,
        |arns| Selection::EcsClusters { arns },
        (
            "clústeres ECS",
            "no hay ningún clúster ECS: el ejercicio pide un aws_ecs_cluster para el servicio",
        ),
    )
}

/// Every CloudWatch Logs group: the project's, and in a live account every
/// other one too.
pub fn log_groups(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let names = state
        .inv
        .log_groups
        .iter()
        .map(|g| g.name.clone())
        .collect();
    select_every(
        state,
        ResourceKind::LogGroup,
        names,
        |names| Selection::LogGroups { names },
        (
            "grupos de logs",
            "no hay ningún grupo de logs: el ejercicio pide un aws_cloudwatch_log_group para los logs \
             de los contenedores (awslogs)",
        ),
    )
}

/// Every VPC: the student's, and in a live account the default one too.
/// The project's VPCs: the account's default VPC (a live account always
/// has one) only when something of the project lives in it.
pub fn vpcs(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let inv = state.inv;
    let mut ids = Vec::new();
    for v in &inv.vpcs {
        if v.is_default && !hosts_the_project(inv, &v.id) {
            state.push(
                EvidenceStatus::Info,
                v.id.clone(),
                "es la VPC por defecto de la cuenta, que crea AWS, y nada del proyecto vive en ella: no cuenta",
                v.origin.as_ref(),
            );
            continue;
        }
        ids.push(v.id.clone());
    }
    select_every(
        state,
        ResourceKind::Vpc,
        ids,
        |ids| Selection::Vpcs { ids },
        (
            "VPC",
            "no hay ninguna VPC: el ejercicio pide una aws_vpc propia, no la VPC por defecto",
        ),
    )
}

/// Whether a service, a database or a load balancer of the project has a
/// subnet in the VPC `vpc_id`.
fn hosts_the_project(inv: &Inventory, vpc_id: &str) -> bool {
    let services = inv
        .ecs_services
        .iter()
        .filter_map(|s| s.network.as_ref())
        .flat_map(|n| &n.subnet_ids);
    let databases = inv.db_subnet_groups.iter().flat_map(|g| &g.subnet_ids);
    let balancers = inv.load_balancers.iter().flat_map(|l| &l.subnet_ids);
    services
        .chain(databases)
        .chain(balancers)
        .any(|s| inv.subnet(s).is_some_and(|s| s.vpc_id == vpc_id))
}

/// Every security group: those of the course's resources and any other, since
/// a group open to the internet is a door whatever it is attached to. (A live
/// account always has its default VPC's group.)
pub fn security_groups(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state
        .inv
        .security_groups
        .iter()
        .map(|g| g.id.clone())
        .collect();
    select_every(
        state,
        ResourceKind::SecurityGroup,
        ids,
        |ids| Selection::SecurityGroups { ids },
        (
            "grupos de seguridad",
            "no hay ningún grupo de seguridad: el ejercicio pide uno para el balanceador, otro para las \
             tareas ECS y otro para la base de datos",
        ),
    )
}

pub fn ecs_services(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let inv = state.inv;
    for svc in &inv.ecs_services {
        let launch = svc
            .launch_type
            .as_deref()
            .unwrap_or("sin tipo de lanzamiento");
        state.push(
            EvidenceStatus::Info,
            svc.name.clone(),
            format!("seleccionado: servicio ECS ({launch})"),
            svc.origin.as_ref(),
        );
    }
    select_every(
        state,
        ResourceKind::EcsService,
        inv.ecs_services.iter().map(|s| s.arn.clone()).collect(),
        |arns| Selection::EcsServices { arns },
        (
            "servicios ECS",
            "no hay ningún servicio ECS: el ejercicio pide un aws_ecs_service que ejecute la aplicación",
        ),
    )
}

/// The revision each service runs, and the latest ACTIVE revision of each
/// family: an old revision a service no longer runs is not graded, but the
/// one the next deployment would pick is.
pub fn task_definitions_in_use(state: &mut ScenarioState, _: &[String]) -> StepResult {
    // Which definitions are in use depends on the services' task
    // definition and nothing else; the steps after it ask for the fields
    // they read.
    let reads: &[(ResourceKind, Option<&[&str]>)] = &[
        (ResourceKind::TaskDefinition, Some(&["family"])),
        (ResourceKind::EcsService, Some(&["task_definition"])),
    ];
    let gaps = state.gaps_reading(reads);
    let mut chosen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for svc in &state.inv.ecs_services {
        if state.inv.task_definition(&svc.task_definition).is_some() {
            add(
                &mut chosen,
                &svc.task_definition,
                format!("la ejecuta el servicio {}", svc.name),
            );
        }
    }
    let mut latest: BTreeMap<&str, &cloudgrade_model::TaskDefinition> = BTreeMap::new();
    for td in state
        .inv
        .task_definitions
        .iter()
        .filter(|t| t.status.eq_ignore_ascii_case("ACTIVE"))
    {
        let slot = latest.entry(&td.family).or_insert(td);
        if td.revision > slot.revision {
            *slot = td;
        }
    }
    for td in latest.values() {
        add(
            &mut chosen,
            &td.arn,
            "última revisión activa de su familia".into(),
        );
    }
    if chosen.is_empty() && !gaps.is_empty() {
        return state.require_fields(reads);
    }
    if chosen.is_empty() {
        return Err(StepError::Failed(
            "no hay ninguna definición de tarea ECS en uso: el ejercicio pide un servicio ECS Fargate".into(),
        ));
    }
    for (arn, why) in &chosen {
        let (subject, origin) = match state.inv.task_definition(arn) {
            Some(td) => (format!("{}:{}", td.family, td.revision), td.origin.clone()),
            None => (arn.clone(), None),
        };
        state.push(
            EvidenceStatus::Info,
            subject,
            format!("seleccionada: {}", why.join(", ")),
            origin.as_ref(),
        );
    }
    state.selection = Some(Selection::TaskDefinitions {
        arns: chosen.into_keys().collect(),
    });
    state.select_incomplete("definiciones de tarea en uso", gaps)
}

fn arg(args: &[String], i: usize) -> Result<&str, StepError> {
    args.get(i)
        .map(String::as_str)
        .ok_or_else(|| StepError::Misuse(format!("al paso le falta el argumento {}", i + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{ecs_service, tagged_subnet};
    use cloudgrade_model::{Attr, EcsService, Subnet};

    fn subnet(id: &str, tags: &[(&str, &str)]) -> Subnet {
        tagged_subnet(id, tags)
    }

    #[test]
    fn selecting_nothing_fails_with_its_own_message() {
        let mut inv = cloudgrade_model::Inventory::default();
        inv.subnets.push(subnet("a", &[("Name", "public-a")]));
        let mut w = ScenarioState::new(&inv);
        let err = private_subnets(&mut w, &[]).unwrap_err();
        assert!(
            matches!(&err, StepError::Failed(m) if m.contains("no hay subredes privadas")),
            "{err:?}"
        );
    }

    fn service_in(subnets: &[&str]) -> EcsService {
        ecs_service(subnets, Attr::Known(true))
    }

    #[test]
    fn the_default_vpc_counts_only_when_the_project_lives_in_it() {
        let mut inv = cloudgrade_model::Inventory::default();
        let mut default = crate::analysis::testkit::vpc("vpc-def", "172.31.0.0/16");
        default.is_default = true;
        inv.vpcs.push(default);
        inv.vpcs
            .push(crate::analysis::testkit::vpc("vpc-1", "10.0.0.0/16"));
        inv.subnets.push(crate::analysis::testkit::subnet(
            "s-def",
            "vpc-def",
            "172.31.0.0/20",
            "",
        ));
        let mut w = ScenarioState::new(&inv);
        vpcs(&mut w, &[]).unwrap();
        assert_eq!(w.vpcs().unwrap(), vec!["vpc-1"]);
        assert!(w.evidence[0].message.contains("VPC por defecto"));
        inv.ecs_services.push(service_in(&["s-def"]));
        let mut w = ScenarioState::new(&inv);
        vpcs(&mut w, &[]).unwrap();
        assert_eq!(w.vpcs().unwrap(), vec!["vpc-def", "vpc-1"]);
    }

    #[test]
    fn an_ecs_service_subnet_tagged_public_is_not_selected_as_private() {
        // The course: tasks in `Type = "Public"` subnets, the DB in private ones.
        let mut inv = cloudgrade_model::Inventory::default();
        inv.subnets.push(subnet("pub", &[("Type", "Public")]));
        inv.subnets.push(subnet("priv", &[("Type", "Private")]));
        inv.subnets.push(subnet("app", &[("Name", "app-a")]));
        inv.ecs_services.push(service_in(&["pub", "app"]));
        let mut w = ScenarioState::new(&inv);
        private_subnets(&mut w, &[]).unwrap();
        assert_eq!(w.subnets().unwrap(), vec!["app", "priv"]);
        let note = w.evidence.iter().find(|e| e.subject == "pub").unwrap();
        assert_eq!(note.status, EvidenceStatus::Info);
        assert!(
            note.message.contains("etiqueta Type=Public"),
            "{}",
            note.message
        );
        assert!(
            note.message.contains("ecs-private-no-public-ip"),
            "{}",
            note.message
        );
    }

    #[test]
    fn a_db_subnet_group_in_public_subnets_is_graded_by_rds_not_public() {
        let mut inv = cloudgrade_model::Inventory::default();
        inv.subnets
            .push(subnet("pub", &[("Name", "tienda-public-a")]));
        inv.subnets.push(subnet("app", &[("Tier", "private")]));
        inv.db_subnet_groups.push(cloudgrade_model::DbSubnetGroup {
            name: "db".into(),
            vpc_id: "vpc-1".into(),
            subnet_ids: vec!["pub".into(), "app".into()],
            origin: None,
        });
        let mut w = ScenarioState::new(&inv);
        private_subnets(&mut w, &[]).unwrap();
        assert_eq!(w.subnets().unwrap(), vec!["app"]);
        let note = w
            .evidence
            .iter()
            .find(|e| e.subject.contains("pub"))
            .unwrap();
        assert_eq!(note.status, EvidenceStatus::Info);
        assert!(
            note.message.contains("grupo de subredes de RDS db"),
            "{}",
            note.message
        );
        assert!(note.message.contains("rds-not-public"), "{}", note.message);
    }
}
