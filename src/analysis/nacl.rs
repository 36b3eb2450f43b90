//! Network ACLs: stateless, numbered rules, first match wins. A flow is
//! evaluated as the set (peer block x port range): every address of the peer
//! subnet and every port must be allowed, and a deny rule that catches any
//! part of the set blocks that part.

use cloudgrade_model::{AclEntry, Attr, Inventory, NetworkAcl};

use super::cidr::{Ipv4Net, Ipv4Range};
use super::sg::{Proto, ports, protocol};

/// The ACL a subnet uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AclChoice<'a> {
    /// Explicitly associated.
    Associated(&'a NetworkAcl),
    /// Not associated with any: the VPC's default ACL.
    Default(&'a NetworkAcl),
    /// The inventory has neither: the VPC's default ACL as AWS creates it,
    /// which allows all traffic both ways. (A static source does not see
    /// it unless it is declared, e.g. `aws_default_network_acl`.)
    Implicit,
}

pub fn acl_for_subnet<'a>(inv: &'a Inventory, subnet_id: &str) -> AclChoice<'a> {
    if let Some(a) = inv
        .network_acls
        .iter()
        .find(|a| a.subnet_ids.iter().any(|s| s == subnet_id))
    {
        return AclChoice::Associated(a);
    }
    let vpc = inv.subnet(subnet_id).map(|s| s.vpc_id.as_str());
    match inv
        .network_acls
        .iter()
        .find(|a| a.is_default && Some(a.vpc_id.as_str()) == vpc)
    {
        Some(a) => AclChoice::Default(a),
        None => AclChoice::Implicit,
    }
}

/// What stands in the way of a flow, or what let it through.
#[derive(Debug, Clone, PartialEq)]
pub enum AclVerdict {
    /// Every packet allowed; the rule numbers that allow them.
    Allowed(Vec<i32>),
    /// Some packets denied: every rule that denies a part, in order.
    Blocked(Vec<AclBlock>),
    /// A rule that matters has a CIDR known only after apply, or unreadable.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclBlock {
    /// `None`: no rule matched, the final `*` rule denies (AWS adds it even
    /// when it is not listed).
    pub rule_number: Option<i32>,
    /// The rule, e.g. `100 deny tcp 1024-65535 0.0.0.0/0`, or why none.
    pub rule: String,
    /// What part of the flow it denies.
    pub denies: String,
}

/// A set of packets: peer addresses x ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rect {
    addrs: Ipv4Range,
    ports: (u16, u16),
}

impl Rect {
    fn intersect(self, o: Rect) -> Option<Rect> {
        let addrs = self.addrs.intersect(o.addrs)?;
        let lo = self.ports.0.max(o.ports.0);
        let hi = self.ports.1.min(o.ports.1);
        (lo <= hi).then_some(Rect {
            addrs,
            ports: (lo, hi),
        })
    }

    /// `self` minus `o`, as up to four disjoint rectangles.
    fn minus(self, o: Rect) -> Vec<Rect> {
        let Some(i) = self.intersect(o) else {
            return vec![self];
        };
        let mut out = Vec::new();
        if i.addrs.first > self.addrs.first {
            out.push(Rect {
                addrs: Ipv4Range {
                    first: self.addrs.first,
                    last: i.addrs.first - 1,
                },
                ports: self.ports,
            });
        }
        if i.addrs.last < self.addrs.last {
            out.push(Rect {
                addrs: Ipv4Range {
                    first: i.addrs.last + 1,
                    last: self.addrs.last,
                },
                ports: self.ports,
            });
        }
        if i.ports.0 > self.ports.0 {
            out.push(Rect {
                addrs: i.addrs,
                ports: (self.ports.0, i.ports.0 - 1),
            });
        }
        if i.ports.1 < self.ports.1 {
            out.push(Rect {
                addrs: i.addrs,
                ports: (i.ports.1 + 1, self.ports.1),
            });
        }
        out
    }

    fn describe(self, egress: bool) -> String {
        let ports = if self.ports.0 == self.ports.1 {
            format!("tcp {}", self.ports.0)
        } else {
            format!("tcp {}-{}", self.ports.0, self.ports.1)
        };
        format!(
            "{ports} {} {}",
            if egress { "hacia" } else { "desde" },
            self.addrs
        )
    }
}

/// `100 deny tcp 1024-65535 0.0.0.0/0`; 32767 is the final `*` rule.
pub fn describe_entry(e: &AclEntry) -> String {
    let proto = protocol(&e.protocol);
    let what = match &proto {
        Proto::All => "todo el tráfico".to_string(),
        Proto::Tcp | Proto::Udp => {
            let name = if proto == Proto::Tcp { "tcp" } else { "udp" };
            let (lo, hi) = ports(&proto, e.from_port, e.to_port);
            if lo == hi {
                format!("{name} {lo}")
            } else {
                format!("{name} {lo}-{hi}")
            }
        }
        Proto::Icmp => "icmp".to_string(),
        Proto::Other(o) => format!("protocolo {o}"),
    };
    let number = if e.rule_number == 32767 {
        "* (32767)".to_string()
    } else {
        e.rule_number.to_string()
    };
    let cidr = match &e.cidr {
        Attr::Known(c) => c.clone(),
        Attr::Unknown(u) => format!("{} (conocido tras apply)", u.unknown),
    };
    format!(
        "{number} {} {what} {cidr}",
        if e.allow { "allow" } else { "deny" }
    )
}

/// Evaluates a TCP flow through one direction of the ACL: from/to every
/// address of `peer`, to every port of `port_range` (the destination port
/// as the packet carries it).
pub fn evaluate(
    acl: &NetworkAcl,
    egress: bool,
    peer: Ipv4Net,
    port_range: (u16, u16),
) -> AclVerdict {
    let mut entries: Vec<&AclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let mut remaining = vec![Rect {
        addrs: peer.range(),
        ports: port_range,
    }];
    let mut allowed_by = Vec::new();
    let mut blocks = Vec::new();
    for e in &entries {
        let proto = protocol(&e.protocol);
        if !matches!(proto, Proto::All | Proto::Tcp) {
            continue;
        }
        let net = match &e.cidr {
            Attr::Known(c) => match Ipv4Net::parse(c) {
                Ok(n) => n,
                Err(err) => {
                    return unknown_or_blocked(
                        blocks,
                        format!("la regla {}: {err}", e.rule_number),
                    );
                }
            },
            Attr::Unknown(u) => {
                return unknown_or_blocked(
                    blocks,
                    format!(
                        "la regla {} usa el bloque {}, que solo se conoce tras apply",
                        e.rule_number, u.unknown
                    ),
                );
            }
        };
        let rule = Rect {
            addrs: net.range(),
            ports: ports(&proto, e.from_port, e.to_port),
        };
        let hit: Vec<Rect> = remaining.iter().filter_map(|r| r.intersect(rule)).collect();
        if hit.is_empty() {
            continue;
        }
        if e.allow {
            allowed_by.push(e.rule_number);
        } else {
            blocks.push(AclBlock {
                rule_number: Some(e.rule_number),
                rule: describe_entry(e),
                denies: hit
                    .iter()
                    .map(|r| r.describe(egress))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        remaining = remaining.into_iter().flat_map(|r| r.minus(rule)).collect();
        if remaining.is_empty() {
            break;
        }
    }
    if !remaining.is_empty() {
        let rule = if entries.is_empty() {
            format!(
                "la ACL no tiene reglas de {}: sin reglas, la regla * final lo deniega todo",
                if egress { "salida" } else { "entrada" }
            )
        } else {
            "ninguna regla lo permite, así que lo deniega la regla * final".to_string()
        };
        blocks.push(AclBlock {
            rule_number: None,
            rule,
            denies: remaining
                .iter()
                .map(|r| r.describe(egress))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if blocks.is_empty() {
        AclVerdict::Allowed(allowed_by)
    } else {
        AclVerdict::Blocked(blocks)
    }
}

fn unknown_or_blocked(blocks: Vec<AclBlock>, why: String) -> AclVerdict {
    // A deny already met is certain whatever the unknown rule does.
    if blocks.is_empty() {
        AclVerdict::Unknown(why)
    } else {
        AclVerdict::Blocked(blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::entry;
    use cloudgrade_model::Tags;

    fn acl(entries: Vec<AclEntry>) -> NetworkAcl {
        NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            subnet_ids: vec![],
            entries,
            tags: Tags::new(),
            origin: None,
        }
    }

    fn net(s: &str) -> Ipv4Net {
        Ipv4Net::parse(s).unwrap()
    }

    const EPHEMERAL: (u16, u16) = (32768, 60999);

    #[test]
    fn default_acl_shape_allows_everything() {
        let a = acl(vec![
            entry(100, false, "-1", true, "0.0.0.0/0", None),
            entry(32767, false, "-1", false, "0.0.0.0/0", None),
        ]);
        assert_eq!(
            evaluate(&a, false, net("10.0.1.0/24"), (5432, 5432)),
            AclVerdict::Allowed(vec![100])
        );
    }

    #[test]
    fn empty_direction_denies_all_and_says_so() {
        let a = acl(vec![entry(100, false, "-1", true, "0.0.0.0/0", None)]);
        match evaluate(&a, true, net("10.0.1.0/24"), (5432, 5432)) {
            AclVerdict::Blocked(b) => {
                assert_eq!(b.len(), 1);
                assert_eq!(b[0].rule_number, None);
                assert!(b[0].rule.contains("no tiene reglas de salida"), "{:?}", b);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deny_numbered_before_allow_wins() {
        let a = acl(vec![
            entry(200, false, "6", true, "10.0.0.0/16", Some((5432, 5432))),
            entry(100, false, "6", false, "10.0.11.0/24", Some((5432, 5432))),
        ]);
        match evaluate(&a, false, net("10.0.11.0/24"), (5432, 5432)) {
            AclVerdict::Blocked(b) => {
                assert_eq!(b[0].rule_number, Some(100));
                assert_eq!(b[0].rule, "100 deny tcp 5432 10.0.11.0/24");
                assert_eq!(b[0].denies, "tcp 5432 desde 10.0.11.0/24");
            }
            other => panic!("{other:?}"),
        }
        // The other way round the allow comes first and covers all of it.
        let a = acl(vec![
            entry(100, false, "6", true, "10.0.0.0/16", Some((5432, 5432))),
            entry(200, false, "6", false, "10.0.11.0/24", Some((5432, 5432))),
        ]);
        assert_eq!(
            evaluate(&a, false, net("10.0.11.0/24"), (5432, 5432)),
            AclVerdict::Allowed(vec![100])
        );
    }

    #[test]
    fn partial_allows_add_up_and_partial_denies_block() {
        let a = acl(vec![
            entry(100, true, "6", true, "10.0.11.0/25", Some((1024, 65535))),
            entry(110, true, "6", true, "10.0.11.128/25", Some((1024, 65535))),
        ]);
        assert_eq!(
            evaluate(&a, true, net("10.0.11.0/24"), EPHEMERAL),
            AclVerdict::Allowed(vec![100, 110])
        );

        let a = acl(vec![
            entry(90, true, "6", false, "0.0.0.0/0", Some((40000, 45000))),
            entry(100, true, "6", true, "0.0.0.0/0", Some((1024, 65535))),
        ]);
        match evaluate(&a, true, net("10.0.11.0/24"), EPHEMERAL) {
            AclVerdict::Blocked(b) => {
                assert_eq!(b.len(), 1);
                assert_eq!(b[0].denies, "tcp 40000-45000 hacia 10.0.11.0/24");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ephemeral_range_must_be_allowed_entirely() {
        // Allowing 1024-50000 leaves 50001-60999 to the final * rule.
        let a = acl(vec![entry(
            100,
            true,
            "6",
            true,
            "0.0.0.0/0",
            Some((1024, 50000)),
        )]);
        match evaluate(&a, true, net("10.0.11.0/24"), EPHEMERAL) {
            AclVerdict::Blocked(b) => {
                assert_eq!(b[0].rule_number, None);
                assert_eq!(b[0].denies, "tcp 50001-60999 hacia 10.0.11.0/24");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn udp_rules_do_not_match_tcp_and_unknown_cidrs_are_unanswerable() {
        let a = acl(vec![entry(
            100,
            false,
            "17",
            true,
            "0.0.0.0/0",
            Some((0, 65535)),
        )]);
        assert!(matches!(
            evaluate(&a, false, net("10.0.0.0/24"), (5432, 5432)),
            AclVerdict::Blocked(_)
        ));
        let mut e = entry(100, false, "6", true, "x", Some((5432, 5432)));
        e.cidr = Attr::unknown("var.app_cidr");
        let a = acl(vec![e]);
        match evaluate(&a, false, net("10.0.0.0/24"), (5432, 5432)) {
            AclVerdict::Unknown(why) => assert!(why.contains("var.app_cidr")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn choice_prefers_association_then_default_then_implicit() {
        let mut inv = crate::analysis::testkit::course_vpc();
        assert_eq!(acl_for_subnet(&inv, "subnet-db"), AclChoice::Implicit);
        let mut d = acl(vec![]);
        d.id = "acl-default".into();
        d.is_default = true;
        inv.network_acls.push(d);
        assert!(
            matches!(acl_for_subnet(&inv, "subnet-db"), AclChoice::Default(a) if a.id == "acl-default")
        );
        let mut own = acl(vec![]);
        own.subnet_ids = vec!["subnet-db".into()];
        inv.network_acls.push(own);
        assert!(
            matches!(acl_for_subnet(&inv, "subnet-db"), AclChoice::Associated(a) if a.id == "acl-1")
        );
    }
}
