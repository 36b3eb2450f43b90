//! HEADLINE 1: private subnets reach the internet only through a NAT gateway.

use super::state::{ScenarioState, StepResult, conclude};
use crate::analysis::{routing, zones};
use crate::report::EvidenceStatus;

pub fn egress_only_through_nat(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.subnets()?;
    // The gaps of route tables, NAT and internet gateways are weighed by the
    // analysis: what it reports as a problem holds whatever they hide.
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for id in &ids {
        let report = routing::private_egress(state.inv, id);
        if report.ok {
            let origin = state.inv.subnet(id).and_then(|s| s.origin.clone());
            state.push(
                EvidenceStatus::Ok,
                report.subnet.clone(),
                format!("sale a internet solo por NAT: {}", report.path.join(" → ")),
                origin.as_ref(),
            );
        }
        problems.extend(report.problems);
        unknowns.extend(report.unanswerable);
    }
    conclude(state, &problems, &unknowns)
}

pub fn no_public_ip_on_launch(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.subnets()?;
    let mut problems = Vec::new();
    let mut unknowns = Vec::new();
    for id in &ids {
        match routing::public_ip_on_launch_answer(state.inv, id) {
            Ok(None) => {
                let (subject, origin) = subject_of(state, id);
                state.push(
                    EvidenceStatus::Ok,
                    subject,
                    "no asigna IP pública al lanzar",
                    origin.as_ref(),
                );
            }
            Ok(Some(f)) => problems.push(f),
            Err(u) => unknowns.push(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// net-multi-az: the selected subnets (one tier) span two zones or more.
pub fn in_two_zones(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.subnets()?;
    if ids.is_empty() {
        return Ok(());
    }
    let tier = state.subnets_tier();
    match zones::tier_coverage(state.inv, tier, &ids) {
        zones::Coverage::Spans(z) => {
            state.push(
                EvidenceStatus::Ok,
                format!("subredes {tier}"),
                format!(
                    "están en {} zonas de disponibilidad ({})",
                    z.len(),
                    z.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                None,
            );
            Ok(())
        }
        zones::Coverage::Short(f) => conclude(state, &[f], &[]),
        zones::Coverage::Unknown(u) => conclude(state, &[], &u),
    }
}

fn subject_of(state: &ScenarioState, id: &str) -> (String, Option<cloudgrade_model::Origin>) {
    match state.inv.subnet(id) {
        Some(s) => (crate::analysis::label(&s.id, &s.tags), s.origin.clone()),
        None => (id.to_string(), None),
    }
}
