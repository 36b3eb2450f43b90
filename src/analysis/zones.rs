//! Which availability zones a DB subnet group spans. AWS refuses a group
//! that does not cover two (a Multi-AZ standby, or a restore after the loss
//! of a zone, needs the second one), so a group in one zone is a hand-in that
//! `terraform apply` rejects; the static sources catch it before.

use std::collections::BTreeMap;

use cloudgrade_model::{Attr, DbSubnetGroup, Inventory, ResourceKind};

use super::{Finding, Unanswerable, gaps, label};

/// How many zones a subnet group is known to cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// Two zones or more: each zone with the subnets the group has there.
    Spans(BTreeMap<String, Vec<String>>),
    /// Fewer than two, and nothing unknown could add one.
    Short(Finding),
    /// Fewer than two known, and some subnet's zone is unknown: it might be
    /// the second.
    Unknown(Vec<Unanswerable>),
}

pub fn subnet_group_coverage(inv: &Inventory, group: &DbSubnetGroup) -> Coverage {
    let mut zones: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unknowns = Vec::new();
    for id in &group.subnet_ids {
        let Some(subnet) = inv.subnet(id) else {
            let mut why = gaps(inv, ResourceKind::Subnet, id);
            if why.is_empty() {
                why.push(Unanswerable::new(
                    id,
                    format!(
                        "la subred {id} del grupo {} no aparece en el inventario",
                        group.name
                    ),
                ));
            }
            unknowns.extend(why);
            continue;
        };
        let sl = label(&subnet.id, &subnet.tags);
        match &subnet.availability_zone {
            Some(Attr::Known(az)) => zones.entry(az.clone()).or_default().push(sl),
            Some(Attr::Unknown(u)) => unknowns.push(Unanswerable::new(
                &sl,
                format!(
                    "la zona de disponibilidad de la subred {sl} depende de {}, que solo se conoce tras apply (sin availability_zone, AWS la elige)",
                    u.unknown
                ),
            )),
            None => unknowns.push(Unanswerable::new(
                &sl,
                format!("la fuente no dice en qué zona de disponibilidad está la subred {sl}"),
            )),
        }
    }
    if zones.len() >= 2 {
        return Coverage::Spans(zones);
    }
    if !unknowns.is_empty() {
        return Coverage::Unknown(unknowns);
    }
    let message = match zones.iter().next() {
        None => format!(
            "el grupo de subredes {} no tiene subredes: AWS exige subredes en al menos dos zonas de disponibilidad",
            group.name
        ),
        Some((az, subnets)) => format!(
            "el grupo de subredes {} tiene todas sus subredes ({}) en la zona {az}: AWS exige al menos dos zonas de disponibilidad (terraform apply falla con DBSubnetGroupDoesNotCoverEnoughAZs) y la base de datos no sobreviviría a la caída de esa zona; añade una subred privada de otra zona",
            group.name,
            subnets.join(", ")
        ),
    };
    Coverage::Short(Finding::new(&group.name, message, group.origin.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;

    fn group(subnets: &[&str]) -> DbSubnetGroup {
        DbSubnetGroup {
            name: "db".into(),
            vpc_id: "vpc-1".into(),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            origin: None,
        }
    }

    fn in_zone(id: &str, az: Option<Attr<String>>) -> cloudgrade_model::Subnet {
        let mut s = subnet(id, "vpc-1", "10.0.1.0/24", id);
        s.availability_zone = az;
        s
    }

    fn known(az: &str) -> Option<Attr<String>> {
        Some(Attr::Known(az.into()))
    }

    #[test]
    fn two_zones_span_and_one_zone_twice_does_not() {
        let mut inv = empty();
        inv.subnets.push(in_zone("a1", known("us-east-1a")));
        inv.subnets.push(in_zone("a2", known("us-east-1a")));
        inv.subnets.push(in_zone("b1", known("us-east-1b")));
        let Coverage::Spans(z) = subnet_group_coverage(&inv, &group(&["a1", "b1"])) else {
            panic!()
        };
        assert_eq!(z.keys().collect::<Vec<_>>(), ["us-east-1a", "us-east-1b"]);
        let Coverage::Short(f) = subnet_group_coverage(&inv, &group(&["a1", "a2"])) else {
            panic!()
        };
        assert!(
            f.message.contains("(a1, a2) en la zona us-east-1a"),
            "{}",
            f.message
        );
    }

    #[test]
    fn an_unknown_zone_might_be_the_second_but_cannot_undo_two_known() {
        let mut inv = empty();
        inv.subnets.push(in_zone("a1", known("us-east-1a")));
        inv.subnets.push(in_zone("b1", known("us-east-1b")));
        inv.subnets.push(in_zone(
            "x",
            Some(Attr::unknown("aws_subnet.x.availability_zone")),
        ));
        let Coverage::Unknown(u) = subnet_group_coverage(&inv, &group(&["a1", "x"])) else {
            panic!()
        };
        assert!(
            u[0].reason.contains("aws_subnet.x.availability_zone"),
            "{}",
            u[0].reason
        );
        assert!(matches!(
            subnet_group_coverage(&inv, &group(&["a1", "b1", "x"])),
            Coverage::Spans(_)
        ));
    }

    #[test]
    fn a_missing_subnet_or_an_empty_group_is_said() {
        let mut inv = empty();
        inv.subnets.push(in_zone("a1", known("us-east-1a")));
        let Coverage::Unknown(u) = subnet_group_coverage(&inv, &group(&["a1", "gone"])) else {
            panic!()
        };
        assert!(
            u[0].reason.contains("gone del grupo db no aparece"),
            "{}",
            u[0].reason
        );
        let Coverage::Short(f) = subnet_group_coverage(&inv, &group(&[])) else {
            panic!()
        };
        assert!(f.message.contains("no tiene subredes"), "{}", f.message);
    }
}
