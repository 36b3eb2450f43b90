//! HEADLINE 2: RDS is reachable only from the ECS tasks' security group, and
//! the intended path from those tasks works.

use cloudgrade_model::{Attr, DbInstance, ResourceKind};

use super::state::{ScenarioState, StepError, StepResult, conclude};
use crate::analysis::deletion::{self, Safety};
use crate::analysis::engine_versions::{self, Availability};
use crate::analysis::reach::{self, Endpoint};
use crate::analysis::{Finding, Unanswerable, master_user, routing, windows, zones};
use crate::report::EvidenceStatus;

fn instances<'a>(state: &ScenarioState<'a>) -> Result<Vec<&'a DbInstance>, StepError> {
    let inv = state.inv;
    Ok(state
        .db_instances()?
        .iter()
        .filter_map(|id| inv.db_instances.iter().find(|d| &d.id == id))
        .collect())
}

pub fn not_publicly_accessible(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match &db.publicly_accessible {
            Attr::Known(false) => {
                state.push(EvidenceStatus::Ok, db.id.clone(), "no es accesible públicamente", db.origin.as_ref())
            }
            Attr::Known(true) => problems.push(Finding {
                subject: db.id.clone(),
                message: "publicly_accessible está activado: la base de datos recibe un nombre DNS público; \
                          desactívalo para que solo se alcance desde dentro de la VPC"
                    .into(),
                origin: db.origin.clone(),
            }),
            Attr::Unknown(u) => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!("publicly_accessible solo se conoce tras apply ({})", u.unknown),
            }),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// What a must-be-on fact is called: the argument, what a source that did
/// not say leaves open, and the evidence when on and when off.
struct OnOff<'t> {
    argument: &'t str,
    unsaid: &'t str,
    on: &'t str,
    off: &'t str,
}

/// An on/off fact of each instance that must be on: on passes, off fails,
/// an unknown names what it waits for, and a source that did not say is not
/// evaluable.
fn must_be_on(
    state: &mut ScenarioState,
    fact: fn(&DbInstance) -> &Option<Attr<bool>>,
    t: OnOff,
) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match fact(db) {
            Some(Attr::Known(true)) => {
                state.push(EvidenceStatus::Ok, db.id.clone(), t.on, db.origin.as_ref())
            }
            Some(Attr::Known(false)) => problems.push(Finding {
                subject: db.id.clone(),
                message: t.off.into(),
                origin: db.origin.clone(),
            }),
            Some(Attr::Unknown(u)) => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!("{} solo se conoce tras apply ({})", t.argument, u.unknown),
            }),
            None => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!("la fuente no dice {}", t.unsaid),
            }),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// rds-encrypted: `storage_encrypted`, off unless asked for (the provider's
/// default and AWS's), and only settable when the instance is created.
pub fn storage_encrypted(state: &mut ScenarioState, _: &[String]) -> StepResult {
    must_be_on(
        state,
        |db| &db.storage_encrypted,
        OnOff {
            argument: "storage_encrypted",
            unsaid: "si cifra su almacenamiento (storage_encrypted)",
            on: "cifra su almacenamiento (storage_encrypted)",
            off: "storage_encrypted está desactivado (es lo que Terraform y AWS ponen si no se dice): \
             el disco, las copias automáticas y los snapshots quedan sin cifrar; pon \
             storage_encrypted = true al crearla, porque cambiarlo después reemplaza la instancia",
        },
    )
}

/// rds-backups-7-35: the course asks for 7 to 35 days of automated
/// backups; AWS keeps 1 when it is not set, and 0 turns them off.
pub fn backups_retained(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match &db.backup_retention_days {
            Some(Attr::Known(d)) if (7..=35).contains(d) => state.push(
                EvidenceStatus::Ok,
                db.id.clone(),
                format!("guarda {d} días de copias automáticas"),
                db.origin.as_ref(),
            ),
            Some(Attr::Known(d)) => problems.push(Finding {
                subject: db.id.clone(),
                message: match d {
                    0 => "backup_retention_period = 0 desactiva las copias automáticas: no se puede volver a un \
                          momento anterior; pon entre 7 y 35 días"
                        .to_string(),
                    1..=6 => format!(
                        "guarda {d} día{} de copias automáticas (backup_retention_period; 1 si no se dice): \
                         un error descubierto más tarde ya no tiene copia; pon entre 7 y 35 días",
                        if *d == 1 { "" } else { "s" }
                    ),
                    _ => format!(
                        "backup_retention_period = {d}: AWS admite como mucho 35 días; pon entre 7 y 35"
                    ),
                },
                origin: db.origin.clone(),
            }),
            Some(Attr::Unknown(u)) => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!(
                    "backup_retention_period solo se conoce tras apply ({})",
                    u.unknown
                ),
            }),
            None => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: "la fuente no dice cuántos días de copias guarda (backup_retention_period)".into(),
            }),
        }
    }
    conclude(state, &problems, &unknowns)
}

pub fn subnets_private(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let dbs = instances(state)?;
    // A public subnet in a group stays public whatever else the group holds;
    // with route tables unread, only one whose table is explicitly
    // associated is known to be (see `routing::private_egress`). A DB known
    // to have no subnet group has none unless its own argument is unread.
    let table_gaps = state.gaps_of(&[ResourceKind::RouteTable]);
    // Unread associations move no subnet that has its own; unread routes
    // may make any table public.
    let mut tables_matter = routing::routes_may_be_unread(state.inv);
    let group_unread =
        state.gaps_reading(&[(ResourceKind::DbInstance, Some(&["db_subnet_group_name"]))]);
    let (mut problems, mut unknowns) = (
        Vec::new(),
        state.gaps_of(&[ResourceKind::DbSubnetGroup, ResourceKind::Subnet]),
    );
    for db in dbs {
        let Some(group) = db
            .subnet_group
            .as_deref()
            .and_then(|g| state.inv.db_subnet_group(g))
        else {
            match &db.subnet_group {
                Some(name) => unknowns.push(Unanswerable {
                    subject: db.id.clone(),
                    reason: format!("su grupo de subredes {name} no aparece en el inventario"),
                }),
                None if !group_unread.is_empty() => unknowns.extend(group_unread.clone()),
                None => problems.push(Finding {
                    subject: db.id.clone(),
                    message: "no tiene grupo de subredes: RDS la pondría en la VPC por defecto; \
                              crea un aws_db_subnet_group con las subredes privadas"
                        .into(),
                    origin: db.origin.clone(),
                }),
            }
            continue;
        };
        let before = problems.len();
        for subnet in &group.subnet_ids {
            let explicit = matches!(
                routing::effective_route_table(state.inv, subnet),
                routing::TableChoice::Explicit(_)
            );
            if !table_gaps.is_empty() && !explicit {
                tables_matter = true;
                continue;
            }
            if let Some(f) = routing::routes_to_internet_gateway(state.inv, subnet) {
                problems.push(Finding {
                    subject: db.id.clone(),
                    message: format!(
                        "su grupo de subredes {} incluye {}, que es pública: {}",
                        group.name, f.subject, f.message
                    ),
                    origin: f.origin,
                });
            }
        }
        if problems.len() == before
            && unknowns.is_empty()
            && (!tables_matter || table_gaps.is_empty())
        {
            state.push(
                EvidenceStatus::Ok,
                db.id.clone(),
                format!("todas las subredes de {} son privadas", group.name),
                group.origin.as_ref(),
            );
        }
    }
    if tables_matter {
        unknowns.extend(table_gaps);
    }
    conclude(state, &problems, &unknowns)
}

/// rds-auto-minor-upgrade: AWS applies minor versions (security fixes) in
/// the maintenance window unless this is off.
pub fn auto_minor_upgrades(state: &mut ScenarioState, _: &[String]) -> StepResult {
    must_be_on(
        state,
        |db| &db.auto_minor_version_upgrade,
        OnOff {
            argument: "auto_minor_version_upgrade",
            unsaid: "si aplica las versiones menores (auto_minor_version_upgrade)",
            on: "aplica las versiones menores en su ventana de mantenimiento",
            off: "auto_minor_version_upgrade = false: los parches de seguridad de las versiones \
             menores del motor no se aplican nunca solos; quítalo (Terraform y AWS lo dejan \
             activado) y elige la ventana con maintenance_window",
        },
    )
}

/// rds-multi-az: a standby in another zone takes over when the primary's
/// zone fails; an Aurora cluster has one when it has two members.
pub fn multi_az(state: &mut ScenarioState, _: &[String]) -> StepResult {
    must_be_on(
        state,
        |db| &db.multi_az,
        OnOff {
            argument: "multi_az",
            unsaid: "si tiene una réplica en otra zona (multi_az)",
            on: "tiene una réplica en espera en otra zona de disponibilidad (multi_az)",
            off: "multi_az está desactivado (lo que Terraform y AWS ponen si no se dice): si cae la zona de \
             la instancia, la base de datos cae con ella; multi_az = true mantiene una réplica en otra \
             zona que toma el relevo sola (el curso lo deja comentado porque duplica el coste)",
        },
    )
}

/// rds-deletion-safety: a delete is refused, or leaves a final snapshot.
pub fn deletion_safe(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match deletion::safety(db) {
            Safety::Protected(why) | Safety::FinalSnapshot(why) => {
                state.push(EvidenceStatus::Ok, db.id.clone(), why, db.origin.as_ref())
            }
            Safety::Unsafe(f) => problems.push(f),
            Safety::Unknown(u) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// rds-windows-no-overlap: each window AWS would take, and the weekly
/// maintenance clear of the daily backup. An unset window is AWS's to
/// choose, and it chooses one clear of the other.
pub fn windows_apart(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        let fail = |message: String| Finding {
            subject: db.id.clone(),
            message: format!("{message}; terraform apply fallaría al crear la instancia"),
            origin: db.origin.clone(),
        };
        let mut known = |argument: &str, w: &'_ Option<Attr<String>>| match w {
            Some(Attr::Known(text)) => Some(text.clone()),
            other => {
                unknowns.push(Unanswerable {
                    subject: db.id.clone(),
                    reason: match other {
                        Some(Attr::Unknown(u)) => {
                            format!("{argument} solo se conoce tras apply ({})", u.unknown)
                        }
                        _ => format!("la fuente no dice su {argument}"),
                    },
                });
                None
            }
        };
        let backup = known("backup_window", &db.backup_window);
        let maintenance = known("maintenance_window", &db.maintenance_window);
        let before = problems.len();
        let read = |text: &Option<String>, parse: fn(&str) -> Result<windows::Window, String>| {
            text.as_deref().filter(|t| !t.is_empty()).map(parse)
        };
        let (b, m) = (
            read(&backup, windows::backup),
            read(&maintenance, windows::maintenance),
        );
        for refused in [&b, &m]
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_ref().err())
        {
            problems.push(fail(refused.clone()));
        }
        if let (Some(Ok(b)), Some(Ok(m))) = (b, m)
            && windows::overlap(b, m)
        {
            problems.push(fail(format!(
                "maintenance_window = \"{}\" se solapa con backup_window = \"{}\", que se repite cada día: \
                 AWS no lo admite; pon el mantenimiento fuera de la copia, por ejemplo justo después",
                maintenance.as_deref().unwrap_or_default(),
                backup.as_deref().unwrap_or_default()
            )));
        }
        let (Some(backup), Some(maintenance)) = (backup, maintenance) else {
            continue;
        };
        if problems.len() == before {
            let said = match (backup.is_empty(), maintenance.is_empty()) {
                (true, true) => "no fija ventanas: AWS elige unas que no se solapan".to_string(),
                (false, true) => {
                    format!("copias en {backup}; AWS elige el mantenimiento fuera de ellas")
                }
                (true, false) => {
                    format!("mantenimiento en {maintenance}; AWS elige las copias fuera de él")
                }
                (false, false) => {
                    format!("copias en {backup} y mantenimiento en {maintenance}, sin solaparse")
                }
            };
            state.push(EvidenceStatus::Ok, db.id.clone(), said, db.origin.as_ref());
        }
    }
    conclude(state, &problems, &unknowns)
}

/// rds-master-username-valid: what RDS accepts as the master user's name.
pub fn master_username_valid(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match &db.master_username {
            Some(Attr::Known(name)) => match master_user::username_problem(&db.engine, name) {
                None => state.push(
                    EvidenceStatus::Ok,
                    db.id.clone(),
                    format!("su usuario maestro «{name}» es válido"),
                    db.origin.as_ref(),
                ),
                Some(why) => problems.push(Finding {
                    subject: db.id.clone(),
                    message: format!("{why}; terraform apply fallaría al crear la instancia"),
                    origin: db.origin.clone(),
                }),
            },
            Some(Attr::Unknown(u)) => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!(
                    "su usuario maestro depende de {}, que solo se conoce tras apply",
                    u.unknown
                ),
            }),
            None => unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: "la fuente no dice cuál es su usuario maestro".into(),
            }),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// rds-engine-version-available: RDS still creates each instance's version.
pub fn engine_version_available(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        match engine_versions::availability(db) {
            Availability::Creatable(why) => {
                state.push(EvidenceStatus::Ok, db.id.clone(), why, db.origin.as_ref())
            }
            Availability::Retired(f) => problems.push(f),
            Availability::Unknown(u) => unknowns.push(u),
        }
        let groups = engine_versions::settings(state.inv, db);
        for why in groups.fit {
            state.push(EvidenceStatus::Ok, db.id.clone(), why, db.origin.as_ref());
        }
        problems.extend(groups.problems);
        unknowns.extend(groups.unknowns);
    }
    conclude(state, &problems, &unknowns)
}

/// rds-subnet-group-2az: each instance's subnet group spans two zones or
/// more. Which subnets are private is rds-not-public's question, not this one.
pub fn subnet_group_two_zones(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let dbs = instances(state)?;
    let group_unread =
        state.gaps_reading(&[(ResourceKind::DbInstance, Some(&["db_subnet_group_name"]))]);
    let (mut problems, mut unknowns) = (Vec::new(), state.gaps_of(&[ResourceKind::DbSubnetGroup]));
    // A group whose subnets come from a module not downloaded reads as
    // empty: short of zones only as far as the source knows.
    let members_unread =
        state.gaps_reading(&[(ResourceKind::DbSubnetGroup, Some(&["subnet_ids"]))]);
    let mut seen = Vec::new();
    for db in dbs {
        let Some(name) = db.subnet_group.as_deref() else {
            if group_unread.is_empty() {
                state.push(
                    EvidenceStatus::Info,
                    db.id.clone(),
                    "no tiene grupo de subredes: RDS usa el de la VPC por defecto, que cubre sus zonas \
                     (que sus subredes sean privadas lo califica rds-not-public)",
                    db.origin.as_ref(),
                );
            } else {
                unknowns.extend(group_unread.clone());
            }
            continue;
        };
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let Some(group) = state.inv.db_subnet_group(name) else {
            unknowns.push(Unanswerable {
                subject: db.id.clone(),
                reason: format!("su grupo de subredes {name} no aparece en el inventario"),
            });
            continue;
        };
        match zones::subnet_group_coverage(state.inv, group) {
            zones::Coverage::Spans(z) => state.push(
                EvidenceStatus::Ok,
                group.name.clone(),
                format!(
                    "cubre {} zonas de disponibilidad ({})",
                    z.len(),
                    z.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                group.origin.as_ref(),
            ),
            zones::Coverage::Short(_) if !members_unread.is_empty() => {
                unknowns.extend(members_unread.clone())
            }
            zones::Coverage::Short(f) => problems.push(f),
            zones::Coverage::Unknown(u) => unknowns.extend(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// The security groups the ECS services give their tasks.
fn ecs_endpoint(state: &mut ScenarioState) -> Result<Endpoint, StepError> {
    let services: Vec<_> = state
        .inv
        .ecs_services
        .iter()
        .filter(|s| s.network.is_some())
        .collect();
    if services.is_empty() {
        // With services unread, the one with its tasks' group may be among them.
        state.require(&[ResourceKind::EcsService])?;
        // Tasks in bridge or host mode (the EC2 launch type) leave through
        // the container instances' group, which is not tied to the service
        // here: the DB may well admit exactly that group. Not the student's
        // fault that the grader cannot see it.
        let on_instances: Vec<&str> = state
            .inv
            .ecs_services
            .iter()
            .filter(|s| {
                state
                    .inv
                    .task_definition(&s.task_definition)
                    .is_some_and(|t| t.network_mode.as_deref() != Some("awsvpc"))
            })
            .map(|s| s.name.as_str())
            .collect();
        // A service whose task definition was not read may be one of them.
        if state
            .inv
            .ecs_services
            .iter()
            .any(|s| state.inv.task_definition(&s.task_definition).is_none())
        {
            state.require(&[ResourceKind::TaskDefinition])?;
        }
        if !on_instances.is_empty() {
            return Err(StepError::NotEvaluable(format!(
                "los servicios ECS {} no usan red awsvpc (sus tareas corren en instancias EC2 con red bridge o host) \
                 y salen con el grupo de seguridad de esas instancias, que cloudgrade aún no relaciona con el servicio; \
                 el curso usa Fargate con red awsvpc, donde el grupo es el del servicio",
                on_instances.join(", ")
            )));
        }
        return Err(StepError::Failed(
            "no hay ningún servicio ECS con red awsvpc, así que no hay grupo de seguridad de las tareas \
             desde el que la base de datos deba aceptar conexiones"
                .into(),
        ));
    }
    let mut ep = Endpoint {
        label: services
            .iter()
            .map(|s| format!("tareas de {}", s.name))
            .collect::<Vec<_>>()
            .join(", "),
        subnet_ids: Vec::new(),
        security_group_ids: Vec::new(),
    };
    for net in services.iter().filter_map(|s| s.network.as_ref()) {
        for id in &net.subnet_ids {
            if !ep.subnet_ids.contains(id) {
                ep.subnet_ids.push(id.clone());
            }
        }
        for id in &net.security_group_ids {
            if !ep.security_group_ids.contains(id) {
                ep.security_group_ids.push(id.clone());
            }
        }
    }
    Ok(ep)
}

pub fn only_from_ecs(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let dbs = instances(state)?;
    let rule_gaps = state.gaps_of(&[ResourceKind::SecurityGroup]);
    let ecs_gaps = state.gaps_of(&[ResourceKind::EcsService]);
    let mut known = reach::Known {
        db_groups: state
            .gaps_reading(&[(ResourceKind::DbInstance, Some(&["vpc_security_group_ids"]))])
            .is_empty(),
        rules: rule_gaps.is_empty(),
        allowed_groups: ecs_gaps.is_empty(),
    };
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    // Without the tasks' group, a rule from a CIDR still admits what it
    // should not: judged as if the tasks' group were unknown, beside the
    // reason there is none.
    let ecs = match ecs_endpoint(state) {
        Ok(ecs) => ecs,
        Err(e) => {
            known.allowed_groups = false;
            for db in &dbs {
                let (p, _) = reach::db_ingress_violations(state.inv, db, &[], known);
                problems.extend(p);
            }
            if problems.is_empty() {
                return Err(e);
            }
            return match e {
                StepError::Failed(m) => {
                    problems.push(Finding {
                        subject: "servicios ECS".into(),
                        message: m,
                        origin: None,
                    });
                    conclude(state, &problems, &[])
                }
                StepError::NotEvaluable(m) => {
                    unknowns.push(Unanswerable {
                        subject: "servicios ECS".into(),
                        reason: m,
                    });
                    conclude(state, &problems, &unknowns)
                }
                misuse => Err(misuse),
            };
        }
    };
    unknowns.extend(rule_gaps);
    unknowns.extend(ecs_gaps);
    for db in dbs {
        let (p, u) = reach::db_ingress_violations(state.inv, db, &ecs.security_group_ids, known);
        if p.is_empty() && u.is_empty() && unknowns.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                db.id.clone(),
                format!(
                    "solo admite conexiones desde {} ({})",
                    ecs.security_group_ids.join(", "),
                    ecs.label
                ),
                db.origin.as_ref(),
            );
        }
        problems.extend(p);
        unknowns.extend(u);
    }
    conclude(state, &problems, &unknowns)
}

pub fn reachable_from_ecs(state: &mut ScenarioState, _: &[String]) -> StepResult {
    state.require(&[
        ResourceKind::SecurityGroup,
        ResourceKind::NetworkAcl,
        ResourceKind::EcsService,
        ResourceKind::DbSubnetGroup,
        ResourceKind::Subnet,
    ])?;
    let ecs = ecs_endpoint(state)?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for db in instances(state)? {
        let port = match &db.port {
            Attr::Known(p) => match u16::try_from(*p) {
                Ok(p) => p,
                Err(_) => {
                    problems.push(Finding {
                        subject: db.id.clone(),
                        message: format!("su puerto {p} no es un puerto TCP válido"),
                        origin: db.origin.clone(),
                    });
                    continue;
                }
            },
            Attr::Unknown(u) => {
                unknowns.push(Unanswerable {
                    subject: db.id.clone(),
                    reason: format!("su puerto solo se conoce tras apply ({})", u.unknown),
                });
                continue;
            }
        };
        let subnet_ids = db
            .subnet_group
            .as_deref()
            .and_then(|g| state.inv.db_subnet_group(g))
            .map(|g| g.subnet_ids.clone())
            .unwrap_or_default();
        let target = Endpoint {
            label: format!("{} (puerto {port})", db.id),
            subnet_ids,
            security_group_ids: db.security_group_ids.clone(),
        };
        let conn = reach::connection(state.inv, &ecs, &target, port);
        if conn.reachable {
            state.push(
                EvidenceStatus::Ok,
                db.id.clone(),
                format!(
                    "{} alcanzan la base de datos: {}",
                    ecs.label,
                    conn.path.join(" → ")
                ),
                db.origin.as_ref(),
            );
        }
        problems.extend(conn.blocked);
        unknowns.extend(conn.unanswerable);
    }
    conclude(state, &problems, &unknowns)
}
