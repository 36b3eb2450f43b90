//! HEADLINE 1: private subnets reach the internet only through a NAT gateway.

use super::state::{ScenarioState, StepResult, conclude};
use cloudgrade_model::{Attr, ResourceKind};

use crate::analysis::flow_logs::{self, Coverage, Verdict};
use crate::analysis::{Finding, Unanswerable, addressing, routing, zones};
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

/// net-vpc-dns: DNS support and host names on, so that the tasks resolve
/// the database's endpoint and the interface endpoints their private names.
pub fn vpc_dns(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.vpcs()?;
    let inv = state.inv;
    let unread = state.gaps_reading(&[(ResourceKind::Vpc, Some(&["dns"]))]);
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for v in inv.vpcs.iter().filter(|v| ids.contains(&v.id)) {
        let vl = crate::analysis::label(&v.id, &v.tags);
        let mut off = Vec::new();
        let mut known = true;
        for (attr, name, why) in [
            (
                &v.dns_support,
                "enable_dns_support",
                "nada en la VPC resuelve nombres, ni siquiera el endpoint de RDS",
            ),
            (
                &v.dns_hostnames,
                "enable_dns_hostnames",
                "los endpoints de VPC no tienen su nombre privado y las tareas no llegan a ECR ni a Secrets Manager por ellos",
            ),
        ] {
            match attr {
                Some(Attr::Known(true)) => {}
                Some(Attr::Known(false)) => off.push(format!("{name} está desactivado: {why}")),
                Some(Attr::Unknown(u)) => {
                    known = false;
                    unknowns.push(Unanswerable::new(
                        &vl,
                        format!(
                            "{name} de la VPC {vl} solo se conoce tras apply ({})",
                            u.unknown
                        ),
                    ));
                }
                None => {
                    known = false;
                    if unread.is_empty() {
                        unknowns.push(Unanswerable::new(
                            &vl,
                            format!("la fuente no dice si la VPC {vl} tiene {name}"),
                        ));
                    }
                }
            }
        }
        if !off.is_empty() {
            problems.push(Finding::new(
                &vl,
                format!(
                    "la VPC {vl}: {}; pon enable_dns_support = true y enable_dns_hostnames = true en el aws_vpc (Terraform deja el segundo desactivado si no se dice)",
                    off.join("; ")
                ),
                v.origin.as_ref(),
            ));
        } else if known {
            state.push(
                EvidenceStatus::Ok,
                vl,
                "resuelve nombres DNS (enable_dns_support y enable_dns_hostnames)",
                v.origin.as_ref(),
            );
        }
    }
    if !unread.is_empty()
        && inv
            .vpcs
            .iter()
            .any(|v| v.dns_support.is_none() || v.dns_hostnames.is_none())
    {
        unknowns.extend(unread);
    }
    conclude(state, &problems, &unknowns)
}

/// net-flow-logs: something records each selected VPC's traffic.
pub fn flow_logged(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.vpcs()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for v in inv.vpcs.iter().filter(|v| ids.contains(&v.id)) {
        let vl = crate::analysis::label(&v.id, &v.tags);
        match flow_logs::coverage(inv, v) {
            Ok(Coverage::Vpc(f)) => state.push(
                EvidenceStatus::Ok,
                vl,
                format!(
                    "el flow log {} registra {} de la VPC",
                    f.id,
                    flow_logs::records(f)
                ),
                f.origin.as_ref().or(v.origin.as_ref()),
            ),
            Ok(Coverage::EverySubnet(fs)) => state.push(
                EvidenceStatus::Ok,
                vl,
                format!(
                    "cada subred tiene su flow log: {}",
                    fs.iter()
                        .map(|f| format!("{} ({})", f.id, flow_logs::records(f)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                v.origin.as_ref(),
            ),
            Err(Verdict::Missing(f)) => problems.push(f),
            Err(Verdict::Unknown(u)) => unknowns.extend(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

/// net-cidr-valid: each selected VPC's blocks and subnets are a plan AWS
/// accepts. Subnets the source could not read may overlap the others.
pub fn address_plan(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.vpcs()?;
    let inv = state.inv;
    let (mut problems, mut unknowns) = (Vec::new(), state.gaps_of(&[ResourceKind::Subnet]));
    for v in inv.vpcs.iter().filter(|v| ids.contains(&v.id)) {
        let (p, u) = addressing::plan(inv, v);
        if p.is_empty() && u.is_empty() {
            let n = inv.subnets.iter().filter(|s| s.vpc_id == v.id).count();
            state.push(
                EvidenceStatus::Ok,
                crate::analysis::label(&v.id, &v.tags),
                format!("sus bloques son válidos y sus {n} subredes caben en ellos sin solaparse"),
                v.origin.as_ref(),
            );
        }
        problems.extend(p);
        unknowns.extend(u);
    }
    conclude(state, &problems, &unknowns)
}

/// net-public-igw: each selected subnet leaves through an internet gateway
/// of its own VPC.
pub fn through_own_igw(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.subnets()?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for id in &ids {
        match routing::public_egress(state.inv, id) {
            Ok(how) => {
                let (subject, origin) = subject_of(state, id);
                state.push(EvidenceStatus::Ok, subject, how, origin.as_ref());
            }
            Err((p, u)) => {
                problems.extend(p);
                unknowns.extend(u);
            }
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

/// net-nat-per-az: each selected private subnet leaves through a NAT
/// gateway of its own zone.
pub fn nat_in_own_zone(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let ids = state.subnets()?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for id in &ids {
        match zones::nat_zone(state.inv, id) {
            zones::NatZone::Same(how) => {
                let (subject, origin) = subject_of(state, id);
                state.push(EvidenceStatus::Ok, subject, how, origin.as_ref());
            }
            zones::NatZone::Other(f) => problems.push(f),
            zones::NatZone::Unknown(u) => unknowns.extend(u),
        }
    }
    conclude(state, &problems, &unknowns)
}

fn subject_of(state: &ScenarioState, id: &str) -> (String, Option<cloudgrade_model::Origin>) {
    match state.inv.subnet(id) {
        Some(s) => (crate::analysis::label(&s.id, &s.tags), s.origin.clone()),
        None => (id.to_string(), None),
    }
}
