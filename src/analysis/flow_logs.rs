//! net-flow-logs: whether a VPC's traffic is recorded. A flow log on the
//! VPC records all of it; so do flow logs on every one of its subnets (each
//! network interface lives in one). Any traffic type counts: `REJECT` is
//! what an investigation needs first, `ALL` what the course asks for, and
//! the evidence says which one it is.

use cloudgrade_model::{Attr, FlowLog, Inventory, ResourceKind, Vpc};

use super::{Finding, Unanswerable, label};

/// How a VPC's traffic is recorded, if it is.
#[derive(Debug, PartialEq)]
pub enum Coverage<'a> {
    /// A flow log on the VPC itself.
    Vpc(&'a FlowLog),
    /// One flow log (at least) on each of its subnets.
    EverySubnet(Vec<&'a FlowLog>),
}

/// The flow logs that record `vpc`'s traffic, a finding that none does (or
/// that one is malformed), or why the source cannot tell.
pub fn coverage<'a>(inv: &'a Inventory, vpc: &Vpc) -> Result<Coverage<'a>, Verdict> {
    let vl = label(&vpc.id, &vpc.tags);
    if inv.gaps_for(ResourceKind::FlowLog).next().is_some() {
        return Err(Verdict::Unknown(super::gaps(
            inv,
            ResourceKind::FlowLog,
            &vl,
        )));
    }
    let on = |id: &str| -> Option<&'a FlowLog> {
        inv.flow_logs
            .iter()
            .find(|f| matches!(&f.resource_id, Attr::Known(r) if r == id))
    };
    if let Some(f) = on(&vpc.id) {
        return typed(f).map(|()| Coverage::Vpc(f));
    }
    let subnets: Vec<_> = inv.subnets.iter().filter(|s| s.vpc_id == vpc.id).collect();
    let per_subnet: Vec<Option<&FlowLog>> = subnets.iter().map(|s| on(&s.id)).collect();
    if !subnets.is_empty()
        && inv.gaps_for(ResourceKind::Subnet).next().is_none()
        && per_subnet.iter().all(Option::is_some)
    {
        let flows: Vec<&FlowLog> = per_subnet.into_iter().flatten().collect();
        for f in &flows {
            typed(f)?;
        }
        return Ok(Coverage::EverySubnet(flows));
    }
    // A flow log whose target is known only after apply may be this VPC's.
    let open: Vec<Unanswerable> = inv
        .flow_logs
        .iter()
        .filter_map(|f| match &f.resource_id {
            Attr::Unknown(u) => Some(Unanswerable::new(
                &vl,
                format!(
                    "el flow log {} vigila algo que solo se conoce tras apply ({}): puede ser la VPC {vl}",
                    f.id, u.unknown
                ),
            )),
            Attr::Known(_) => None,
        })
        .collect();
    if !open.is_empty() {
        return Err(Verdict::Unknown(open));
    }
    let partial: Vec<&str> = subnets
        .iter()
        .zip(&per_subnet)
        .filter(|(_, f)| f.is_some())
        .map(|(s, _)| s.id.as_str())
        .collect();
    let some = if partial.is_empty() {
        String::new()
    } else {
        format!(
            " (solo hay flow logs en las subredes {}: el resto de su tráfico no queda registrado)",
            partial.join(", ")
        )
    };
    Err(Verdict::Missing(Finding::new(
        &vl,
        format!(
            "nada registra su tráfico{some}: sin un flow log, cuando una tarea no llega a la base de datos no hay forma de ver qué paquetes se rechazaron ni dónde"
        ),
        vpc.origin.as_ref(),
    )))
}

/// Why a VPC's coverage is not a yes.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Missing(Finding),
    Unknown(Vec<Unanswerable>),
}

/// A flow log must say what it records; an unknown type is still a flow log.
fn typed(f: &FlowLog) -> Result<(), Verdict> {
    match &f.traffic_type {
        Attr::Known(t) if t.is_empty() => Err(Verdict::Missing(Finding::new(
            &f.id,
            "el flow log no dice qué tráfico registra: traffic_type es obligatorio (ACCEPT, REJECT o ALL)",
            f.origin.as_ref(),
        ))),
        _ => Ok(()),
    }
}

/// What a flow log records, for the evidence.
pub fn records(f: &FlowLog) -> String {
    match &f.traffic_type {
        Attr::Known(t) if t == "ALL" => "todo el tráfico".into(),
        Attr::Known(t) if t == "REJECT" => "el tráfico rechazado".into(),
        Attr::Known(t) if t == "ACCEPT" => "el tráfico aceptado".into(),
        Attr::Known(t) => format!("el tráfico {t}"),
        Attr::Unknown(u) => format!("el tráfico que diga {}", u.unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;

    fn flow(id: &str, on: &str, traffic: &str) -> FlowLog {
        FlowLog {
            id: id.into(),
            resource_id: Attr::Known(on.into()),
            traffic_type: Attr::Known(traffic.into()),
            destination_type: "cloud-watch-logs".into(),
            origin: None,
        }
    }

    fn two_subnets() -> Inventory {
        let mut inv = empty();
        inv.vpcs.push(vpc("vpc-1", "10.0.0.0/16"));
        inv.subnets.push(subnet("a", "vpc-1", "10.0.1.0/24", "a"));
        inv.subnets.push(subnet("b", "vpc-1", "10.0.2.0/24", "b"));
        inv
    }

    fn missing(r: Result<Coverage, Verdict>) -> String {
        match r {
            Err(Verdict::Missing(f)) => f.message,
            other => panic!("expected a missing flow log, got {other:?}"),
        }
    }

    #[test]
    fn a_flow_log_on_the_vpc_covers_it() {
        let mut inv = two_subnets();
        inv.flow_logs.push(flow("fl-1", "vpc-1", "REJECT"));
        let c = coverage(&inv, &inv.vpcs[0]).unwrap();
        assert_eq!(c, Coverage::Vpc(&inv.flow_logs[0]));
        assert_eq!(records(&inv.flow_logs[0]), "el tráfico rechazado");
    }

    #[test]
    fn another_vpcs_flow_log_is_none_of_its_business() {
        let mut inv = two_subnets();
        inv.flow_logs.push(flow("fl-1", "vpc-2", "ALL"));
        assert!(missing(coverage(&inv, &inv.vpcs[0])).contains("nada registra su tráfico"));
    }

    #[test]
    fn flow_logs_on_every_subnet_cover_it_and_on_some_do_not() {
        let mut inv = two_subnets();
        inv.flow_logs.push(flow("fl-a", "a", "ALL"));
        let m = missing(coverage(&inv, &inv.vpcs[0]));
        assert!(m.contains("solo hay flow logs en las subredes a"), "{m}");
        inv.flow_logs.push(flow("fl-b", "b", "ALL"));
        assert!(matches!(
            coverage(&inv, &inv.vpcs[0]),
            Ok(Coverage::EverySubnet(f)) if f.len() == 2
        ));
    }

    #[test]
    fn a_flow_log_without_a_traffic_type_is_named() {
        let mut inv = two_subnets();
        inv.flow_logs.push(flow("aws_flow_log.vpc", "vpc-1", ""));
        assert!(missing(coverage(&inv, &inv.vpcs[0])).contains("traffic_type es obligatorio"));
    }

    #[test]
    fn a_flow_log_on_what_is_known_after_apply_leaves_it_open() {
        let mut inv = two_subnets();
        let mut f = flow("aws_flow_log.x", "", "ALL");
        f.resource_id = Attr::unknown("var.vpc_id");
        inv.flow_logs.push(f);
        assert!(matches!(
            coverage(&inv, &inv.vpcs[0]),
            Err(Verdict::Unknown(u)) if u[0].reason.contains("var.vpc_id")
        ));
    }

    #[test]
    fn unread_flow_logs_are_unknown_not_missing() {
        let mut inv = two_subnets();
        inv.gaps.push(gap(
            ResourceKind::FlowLog,
            "ec2:DescribeFlowLogs",
            "AccessDenied",
        ));
        assert!(matches!(
            coverage(&inv, &inv.vpcs[0]),
            Err(Verdict::Unknown(u)) if u[0].reason.contains("DescribeFlowLogs")
        ));
    }
}
