//! net-cidr-valid: the address plan AWS accepts. A VPC block and each
//! subnet's are network addresses between /16 and /28, every subnet lies
//! inside a block of its VPC, and no two subnets of a VPC overlap. AWS
//! refuses anything else at `terraform apply`, after a plan that said
//! nothing, and often halfway through: the VPC exists, its subnets do not.

use cloudgrade_model::cidr::{Ipv4Net, fmt_addr, parse_addr};
use cloudgrade_model::{Attr, Inventory, Subnet, Vpc};

use super::{Finding, Unanswerable, label};

/// The prefix lengths AWS takes for a VPC block and for a subnet.
const PREFIXES: std::ops::RangeInclusive<u8> = 16..=28;

/// A block as written, or why AWS would refuse it: not a CIDR, host bits
/// set (`10.0.1.5/24`), or a size AWS does not take.
pub fn block(text: &str, what: &str) -> Result<Ipv4Net, String> {
    let net = Ipv4Net::parse(text)
        .map_err(|e| format!("{what} «{text}» no es un bloque CIDR: {}", e.why))?;
    let written = text.trim().split('/').next().and_then(parse_addr);
    if written != Some(net.network()) {
        return Err(format!(
            "{what} «{text}» no es una dirección de red: con /{} empieza en {}/{} (AWS la rechaza)",
            net.prefix(),
            fmt_addr(net.network()),
            net.prefix()
        ));
    }
    if !PREFIXES.contains(&net.prefix()) {
        return Err(format!(
            "{what} «{text}» es un /{}: AWS solo admite bloques entre /16 y /28",
            net.prefix()
        ));
    }
    Ok(net)
}

/// What is wrong with the address plan of `vpc` and its subnets, and what
/// the source does not know of it. Every problem is reported, not the first.
pub fn plan(inv: &Inventory, vpc: &Vpc) -> (Vec<Finding>, Vec<Unanswerable>) {
    let vl = label(&vpc.id, &vpc.tags);
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    // The VPC's blocks: known and valid ones, and whether some is unknown.
    let mut blocks = Vec::new();
    let mut some_unknown = None;
    for cidr in vpc.blocks() {
        match cidr {
            Attr::Known(text) => match block(text, &format!("el bloque de la VPC {vl}")) {
                Ok(net) => blocks.push(net),
                Err(why) => problems.push(Finding::new(&vl, why, vpc.origin.as_ref())),
            },
            Attr::Unknown(u) => some_unknown = Some(u.unknown.clone()),
        }
    }
    let mut seen: Vec<(Ipv4Net, String)> = Vec::new();
    for subnet in inv.subnets.iter().filter(|s| s.vpc_id == vpc.id) {
        let sl = label(&subnet.id, &subnet.tags);
        let text = match &subnet.cidr {
            Attr::Known(t) => t,
            Attr::Unknown(u) => {
                unknowns.push(Unanswerable::new(
                    &sl,
                    format!(
                        "el bloque de la subred {sl} depende de {}, que solo se conoce tras apply",
                        u.unknown
                    ),
                ));
                continue;
            }
        };
        let net = match block(text, &format!("el bloque de la subred {sl}")) {
            Ok(n) => n,
            Err(why) => {
                problems.push(located(subnet, &sl, why));
                continue;
            }
        };
        if !blocks.iter().any(|b| b.contains_net(net)) {
            match &some_unknown {
                Some(reference) => unknowns.push(Unanswerable::new(
                    &sl,
                    format!(
                        "la subred {sl} ({text}) no cabe en los bloques conocidos de la VPC {vl}, y uno depende de \
                         {reference}, que solo se conoce tras apply"
                    ),
                )),
                None => problems.push(located(
                    subnet,
                    &sl,
                    format!(
                        "la subred {sl} ({text}) no cabe en la VPC {vl} ({}): AWS la rechaza; elige un bloque \
                         dentro del de la VPC, p. ej. con cidrsubnet(aws_vpc.main.cidr_block, 8, n)",
                        blocks.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        if let Some((_, other)) = seen.iter().find(|(n, _)| n.overlaps(net)) {
            problems.push(located(
                subnet,
                &sl,
                format!(
                    "la subred {sl} ({text}) se solapa con {other}: AWS no admite dos subredes de una VPC con \
                     direcciones en común; dale a cada una un bloque distinto (cidrsubnet con otro número)"
                ),
            ));
        }
        seen.push((net, format!("{sl} ({text})")));
    }
    (problems, unknowns)
}

fn located(subnet: &Subnet, sl: &str, message: String) -> Finding {
    Finding::new(sl, message, subnet.origin.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;

    fn messages(inv: &Inventory) -> Vec<String> {
        plan(inv, &inv.vpcs[0])
            .0
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn the_course_plan_is_valid() {
        let (p, u) = plan(&course_vpc(), &course_vpc().vpcs[0]);
        assert!(p.is_empty() && u.is_empty(), "{p:?} {u:?}");
    }

    #[test]
    fn blocks_aws_refuses_are_named_with_why() {
        assert!(
            block("10.0.1.5/24", "x")
                .unwrap_err()
                .contains("empieza en 10.0.1.0/24")
        );
        assert!(block("10.0.0.0/8", "x").unwrap_err().contains("es un /8"));
        assert!(block("10.0.0.0/29", "x").unwrap_err().contains("es un /29"));
        assert!(
            block("10.0.0/24", "x")
                .unwrap_err()
                .contains("no es un bloque CIDR")
        );
        assert!(block("10.0.0.0/16", "x").is_ok() && block("10.0.1.16/28", "x").is_ok());
    }

    #[test]
    fn a_subnet_outside_the_vpc_or_over_another_fails() {
        let mut inv = course_vpc();
        inv.subnets[1].cidr = Attr::Known("10.1.11.0/24".into());
        inv.subnets[2].cidr = Attr::Known("10.0.1.128/25".into());
        let m = messages(&inv);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].contains("no cabe en la VPC"), "{}", m[0]);
        assert!(
            m[1].contains("se solapa con subnet-pub (publica-a) (10.0.1.0/24)"),
            "{}",
            m[1]
        );
    }

    #[test]
    fn a_secondary_block_holds_subnets_and_an_unknown_one_leaves_it_open() {
        let mut inv = course_vpc();
        inv.subnets[1].cidr = Attr::Known("10.1.11.0/24".into());
        inv.vpcs[0]
            .secondary_cidrs
            .push(Attr::Known("10.1.0.0/16".into()));
        assert!(messages(&inv).is_empty());
        inv.vpcs[0].secondary_cidrs = vec![Attr::unknown(
            "aws_vpc_ipv4_cidr_block_association.b.cidr_block",
        )];
        let (p, u) = plan(&inv, &inv.vpcs[0]);
        assert!(p.is_empty(), "{p:?}");
        assert!(
            u[0].reason
                .contains("aws_vpc_ipv4_cidr_block_association.b"),
            "{u:?}"
        );
    }
}
