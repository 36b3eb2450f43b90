//! The observabilidad activity: what CloudWatch keeps of the service.

use cloudgrade_model::Attr;

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

/// The retentions the course accepts: a week to a month. Longer costs
/// storage for logs nobody reads in a lab; never expiring costs forever.
const RETENTIONS: [i32; 3] = [7, 14, 30];

/// obs-container-insights: `enabled` or `enhanced` (a naive `== "enabled"`
/// fails the second, which is more, not less).
pub fn container_insights_on(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let arns = state.ecs_clusters()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for c in inv.ecs_clusters.iter().filter(|c| arns.contains(&c.arn)) {
        match &c.container_insights {
            Some(Attr::Known(true)) => state.push(
                EvidenceStatus::Ok,
                c.name.clone(),
                "tiene Container Insights activado",
                c.origin.as_ref(),
            ),
            Some(Attr::Known(false)) => problems.push(Finding::new(
                &c.name,
                format!(
                    "el clúster {} no tiene Container Insights (es lo que AWS pone si no se dice): sin él no hay \
                     métricas de CPU y memoria por tarea para ver por qué se reinicia o va lenta; añade setting \
                     {{ name = \"containerInsights\", value = \"enabled\" }} al aws_ecs_cluster",
                    c.name
                ),
                c.origin.as_ref(),
            )),
            Some(Attr::Unknown(u)) => unknowns.push(Unanswerable::new(
                &c.name,
                format!("Container Insights del clúster {} solo se conoce tras apply ({})", c.name, u.unknown),
            )),
            None => unknowns.push(Unanswerable::new(
                &c.name,
                format!("la fuente no dice si el clúster {} tiene Container Insights", c.name),
            )),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// obs-log-retention-7-30: every group keeps its events 7, 14 or 30 days.
/// Never expiring is the default, and the trap of the usual tools: checkov
/// asks for a year (failing every course) and Prowler passes forever.
pub fn log_retention(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let names = state.log_groups()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for g in inv.log_groups.iter().filter(|g| names.contains(&g.name)) {
        match &g.retention_days {
            Attr::Known(Some(d)) if RETENTIONS.contains(d) => state.push(
                EvidenceStatus::Ok,
                g.name.clone(),
                format!("guarda sus eventos {d} días"),
                g.origin.as_ref(),
            ),
            Attr::Known(days) => problems.push(Finding::new(
                &g.name,
                match days {
                    None => format!(
                        "el grupo de logs {} no tiene retention_in_days: sus eventos no caducan nunca y se \
                         pagan cada mes para siempre; pon retention_in_days = 7 (o 14, o 30)",
                        g.name
                    ),
                    Some(d) => format!(
                        "el grupo de logs {} guarda sus eventos {d} días: el curso pide entre una semana y un \
                         mes (7, 14 o 30)",
                        g.name
                    ),
                },
                g.origin.as_ref(),
            )),
            Attr::Unknown(u) => unknowns.push(Unanswerable::new(
                &g.name,
                format!("la retención del grupo de logs {} solo se conoce tras apply ({})", g.name, u.unknown),
            )),
        }
    }
    conclude(state, &problems, &unknowns)
}
