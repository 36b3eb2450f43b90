//! Which availability zones a set of subnets spans: a DB subnet group (AWS
//! refuses one that does not cover two: a Multi-AZ standby, or a restore
//! after the loss of a zone, needs the second one, so a group in one zone is
//! a hand-in that `terraform apply` rejects; the static sources catch it
//! before), or a tier of subnets, which must not all fall with one zone; and
//! whether a private subnet leaves through a NAT gateway of its own zone.

use std::collections::BTreeMap;

use cloudgrade_model::{Attr, DbSubnetGroup, Inventory, ResourceKind, RouteTarget, Subnet};

use super::routing::{self, TableChoice};
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
    let owner = format!("del grupo {}", group.name);
    cover(inv, &group.subnet_ids, &owner, |zones| {
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
        Finding::new(&group.name, message, group.origin.as_ref())
    })
}

/// net-multi-az: the subnets of one tier (`tier`, e.g. "privadas"), which
/// must not all die with one zone. An empty tier is the selection's concern.
pub fn tier_coverage(inv: &Inventory, tier: &str, subnet_ids: &[String]) -> Coverage {
    let owner = format!("de las subredes {tier}");
    // Located where the first of them is declared: the one to copy.
    let origin = subnet_ids
        .first()
        .and_then(|id| inv.subnet(id))
        .and_then(|s| s.origin.clone());
    cover(inv, subnet_ids, &owner, |zones| {
        let (az, subnets) = zones
            .iter()
            .next()
            .map(|(az, s)| (az.as_str(), s.join(", ")))
            .unwrap_or(("(ninguna)", String::new()));
        Finding::new(
            format!("subredes {tier}"),
            format!(
                "las subredes {tier} ({subnets}) están todas en la zona {az}: si esa zona cae, cae con ella todo lo que corre en ellas; crea una subred {single} en otra zona (por ejemplo con availability_zone = data.aws_availability_zones.disponibles.names[count.index]) y reparte ahí lo que corre en esta capa",
                single = tier.strip_suffix('s').unwrap_or(tier),
            ),
            origin.as_ref(),
        )
    })
}

/// net-nat-per-az for one private subnet: what its route to the internet
/// finds, told by zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NatZone {
    /// Through a NAT gateway of its own zone: the evidence's sentence.
    Same(String),
    Other(Finding),
    Unknown(Vec<Unanswerable>),
}

/// An address of the internet, to ask a table where 0.0.0.0/0 goes.
const INTERNET: u32 = u32::from_be_bytes([8, 8, 8, 8]);

/// Whether the private subnet `subnet_id` leaves through a NAT gateway in
/// its own zone: with one NAT for every zone, the loss of another zone
/// leaves it connected, and its traffic does not cross zones (which AWS
/// charges). Where it does not leave through a NAT at all is
/// net-private-egress-nat's to explain; here it only misses the bonus.
pub fn nat_zone(inv: &Inventory, subnet_id: &str) -> NatZone {
    let Some(subnet) = inv.subnet(subnet_id) else {
        return NatZone::Unknown(gaps(inv, ResourceKind::Subnet, subnet_id));
    };
    let sl = label(&subnet.id, &subnet.tags);
    // Asked only once a NAT is found: a subnet that leaves through none
    // misses the bonus whatever its zone.
    let zone = zone_of(subnet, &sl);
    let choice = routing::effective_route_table(inv, subnet_id);
    let explicit = matches!(choice, TableChoice::Explicit(_));
    let table_gaps = gaps(inv, ResourceKind::RouteTable, &sl);
    // As in private_egress: unread associations move no subnet that has its own.
    let decided_anyway = explicit && !routing::routes_may_be_unread(inv);
    if !table_gaps.is_empty() && !decided_anyway {
        return NatZone::Unknown(table_gaps);
    }
    let no_nat = |why: String| {
        NatZone::Other(Finding::new(
            &sl,
            format!(
                "la subred {sl} {why}: no sale a internet por un NAT gateway de su zona \
                 (net-private-egress-nat dice qué le falta)"
            ),
            subnet.origin.as_ref(),
        ))
    };
    let Some(table) = choice.table() else {
        return no_nat("no tiene tabla de rutas".into());
    };
    let tl = label(&table.id, &table.tags);
    let nat_id = match routing::lookup(table, INTERNET).map(|r| &r.target) {
        Some(RouteTarget::NatGateway(id)) => id,
        Some(RouteTarget::Unknown(reference)) => {
            return NatZone::Unknown(vec![Unanswerable::new(
                &sl,
                format!(
                    "la ruta a internet de la tabla {tl} va a {reference}, que solo se conoce tras apply"
                ),
            )]);
        }
        Some(other) => {
            return no_nat(format!(
                "usa la tabla {tl}, cuya ruta a internet va {}",
                routing::towards(other)
            ));
        }
        None => return no_nat(format!("usa la tabla {tl}, que no tiene ruta a internet")),
    };
    let nat_subnet = inv
        .nat_gateway(nat_id)
        .and_then(|n| inv.subnet(&n.subnet_id).map(|s| (n, s)));
    let Some((nat, home)) = nat_subnet else {
        let mut why = gaps(inv, ResourceKind::NatGateway, &sl);
        why.extend(gaps(inv, ResourceKind::Subnet, &sl));
        if why.is_empty() {
            return no_nat(format!(
                "usa la tabla {tl}, cuya ruta a internet va al NAT {nat_id}, que no existe"
            ));
        }
        return NatZone::Unknown(why);
    };
    let nl = label(&nat.id, &nat.tags);
    let hl = label(&home.id, &home.tags);
    let (zone, nat_zone) = match (zone, zone_of(home, &hl)) {
        (Ok(z), Ok(n)) => (z, n),
        (z, n) => return NatZone::Unknown([z.err(), n.err()].into_iter().flatten().collect()),
    };
    if nat_zone == zone {
        return NatZone::Same(format!("sale por el NAT {nl}, de su misma zona ({zone})"));
    }
    NatZone::Other(Finding::new(
        &sl,
        format!(
            "la subred {sl} (zona {zone}) sale a internet por el NAT {nl}, que está en {hl}, de la zona \
             {nat_zone}: si cae {nat_zone}, esta subred se queda sin internet aunque su zona siga en pie, y su \
             tráfico cruza de zona (AWS lo cobra); pon un NAT gateway en una subred pública de {zone} y \
             apunta a él la tabla de esta subred"
        ),
        table.origin.as_ref().or(subnet.origin.as_ref()),
    ))
}

fn zone_of(subnet: &Subnet, sl: &str) -> Result<String, Unanswerable> {
    match &subnet.availability_zone {
        Some(Attr::Known(az)) => Ok(az.clone()),
        Some(Attr::Unknown(u)) => Err(Unanswerable::new(
            sl,
            format!(
                "la zona de disponibilidad de la subred {sl} depende de {}, que solo se conoce tras apply (sin availability_zone, AWS la elige)",
                u.unknown
            ),
        )),
        None => Err(Unanswerable::new(
            sl,
            format!("la fuente no dice en qué zona de disponibilidad está la subred {sl}"),
        )),
    }
}

/// The zones of `ids`, and what the source does not know of them; `short`
/// words the failure when fewer than two zones are known and nothing
/// unknown could add one.
fn cover(
    inv: &Inventory,
    ids: &[String],
    owner: &str,
    short: impl FnOnce(&BTreeMap<String, Vec<String>>) -> Finding,
) -> Coverage {
    let mut zones: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unknowns = Vec::new();
    for id in ids {
        let Some(subnet) = inv.subnet(id) else {
            let mut why = gaps(inv, ResourceKind::Subnet, id);
            if why.is_empty() {
                why.push(Unanswerable::new(
                    id,
                    format!("la subred {id} {owner} no aparece en el inventario"),
                ));
            }
            unknowns.extend(why);
            continue;
        };
        let sl = label(&subnet.id, &subnet.tags);
        match zone_of(subnet, &sl) {
            Ok(az) => zones.entry(az).or_default().push(sl),
            Err(u) => unknowns.push(u),
        }
    }
    if zones.len() >= 2 {
        return Coverage::Spans(zones);
    }
    if !unknowns.is_empty() {
        return Coverage::Unknown(unknowns);
    }
    Coverage::Short(short(&zones))
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

    #[test]
    fn a_tier_in_one_zone_is_short_and_names_its_subnets() {
        let mut inv = empty();
        inv.subnets.push(in_zone("a1", known("us-east-1a")));
        inv.subnets.push(in_zone("a2", known("us-east-1a")));
        inv.subnets.push(in_zone("b1", known("us-east-1b")));
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Coverage::Short(f) = tier_coverage(&inv, "privadas", &ids(&["a1", "a2"])) else {
            panic!()
        };
        assert!(
            f.message
                .starts_with("las subredes privadas (a1, a2) están todas en la zona us-east-1a"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("crea una subred privada en otra zona"),
            "{}",
            f.message
        );
        assert!(matches!(
            tier_coverage(&inv, "públicas", &ids(&["a1", "b1"])),
            Coverage::Spans(_)
        ));
    }

    fn zoned(mut inv: Inventory, zones: &[(&str, &str)]) -> Inventory {
        for (id, az) in zones {
            inv.subnets
                .iter_mut()
                .find(|s| s.id == *id)
                .unwrap()
                .availability_zone = known(az);
        }
        inv
    }

    #[test]
    fn a_nat_of_the_same_zone_passes_and_one_of_another_zone_is_named() {
        let inv = zoned(course_vpc(), &[("subnet-pub", "a"), ("subnet-app", "a")]);
        assert!(
            matches!(nat_zone(&inv, "subnet-app"), NatZone::Same(s) if s.contains("misma zona (a)"))
        );
        let inv = zoned(course_vpc(), &[("subnet-pub", "a"), ("subnet-app", "b")]);
        match nat_zone(&inv, "subnet-app") {
            NatZone::Other(f) => assert!(
                f.message.contains("de la zona a: si cae a"),
                "{}",
                f.message
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_nat_misses_the_bonus_and_an_unknown_zone_is_named() {
        let mut inv = zoned(course_vpc(), &[("subnet-pub", "a"), ("subnet-app", "a")]);
        table_mut(&mut inv, "rtb-priv").routes.truncate(1);
        assert!(
            matches!(nat_zone(&inv, "subnet-app"), NatZone::Other(f) if f.message.contains("no tiene ruta a internet"))
        );
        // With no NAT to compare with, the zone does not matter.
        let mut inv = course_vpc();
        inv.subnets
            .iter_mut()
            .find(|s| s.id == "subnet-app")
            .unwrap()
            .availability_zone = Some(Attr::unknown("var.az"));
        table_mut(&mut inv, "rtb-priv").routes.truncate(1);
        assert!(matches!(nat_zone(&inv, "subnet-app"), NatZone::Other(_)));
        let mut inv = zoned(course_vpc(), &[("subnet-app", "a")]);
        inv.subnets
            .iter_mut()
            .find(|s| s.id == "subnet-pub")
            .unwrap()
            .availability_zone = Some(Attr::unknown("var.az"));
        match nat_zone(&inv, "subnet-app") {
            NatZone::Unknown(u) => assert!(u[0].reason.contains("var.az"), "{u:?}"),
            other => panic!("{other:?}"),
        }
    }
}
