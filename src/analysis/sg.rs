//! Security group rules: what a rule admits, and how to name it to a student.

use cloudgrade_model::{Attr, Inventory, SecurityGroup, SgPeer, SgRule, name_tag};

use super::cidr::Ipv4Net;
use super::{Finding, Unanswerable, label};

/// An IP protocol as security groups and network ACLs write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proto {
    All,
    Tcp,
    Udp,
    Icmp,
    Other(String),
}

/// `-1`/`all`, names or numbers (`6` is tcp): both forms occur, by source.
pub fn protocol(s: &str) -> Proto {
    match s.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => Proto::All,
        "tcp" | "6" => Proto::Tcp,
        "udp" | "17" => Proto::Udp,
        "icmp" | "1" => Proto::Icmp,
        other => Proto::Other(other.to_string()),
    }
}

/// The ports a rule opens; protocol `-1`, absent or `-1` ports mean all.
pub fn ports(proto: &Proto, from: Option<i32>, to: Option<i32>) -> (u16, u16) {
    let clamp = |p: i32| u16::try_from(p.clamp(0, 65535)).unwrap_or(u16::MAX);
    match (proto, from, to) {
        (Proto::All, _, _) => (0, 65535),
        (_, Some(f), Some(t)) if f >= 0 && t >= 0 => (clamp(f.min(t)), clamp(f.max(t))),
        _ => (0, 65535),
    }
}

/// Whether the rule lets a TCP connection to every port of `range` through.
pub fn admits_tcp(rule: &SgRule, range: (u16, u16)) -> bool {
    let proto = protocol(&rule.protocol);
    let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
    matches!(proto, Proto::All | Proto::Tcp) && lo <= range.0 && range.1 <= hi
}

/// `sg-1 (Name)`, or the group name when it has no Name tag.
pub fn sg_label(sg: &SecurityGroup) -> String {
    if name_tag(&sg.tags).is_some_and(|n| !n.is_empty()) || sg.name.is_empty() || sg.name == sg.id {
        label(&sg.id, &sg.tags)
    } else {
        format!("{} ({})", sg.id, sg.name)
    }
}

/// A group by id, labelled when the inventory has it.
pub fn group_label(inv: &Inventory, id: &str) -> String {
    inv.security_group(id)
        .map(sg_label)
        .unwrap_or_else(|| id.to_string())
}

pub fn groups_label(inv: &Inventory, ids: &[String]) -> String {
    if ids.is_empty() {
        return "ninguno".into();
    }
    ids.iter()
        .map(|g| group_label(inv, g))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_peer(inv: &Inventory, peer: &SgPeer) -> String {
    match peer {
        SgPeer::Cidr(Attr::Known(c)) => c.clone(),
        SgPeer::Cidr(Attr::Unknown(u)) => format!("{} (conocido tras apply)", u.unknown),
        SgPeer::Ipv6Cidr(c) => c.clone(),
        SgPeer::SecurityGroup(g) => format!("el grupo {}", group_label(inv, g)),
        SgPeer::PrefixList(pl) => format!("la lista de prefijos {pl}"),
    }
}

/// E.g. `entrada tcp 5432 desde el grupo sg-1 (ecs)`.
pub fn describe_rule(inv: &Inventory, rule: &SgRule, ingress: bool) -> String {
    let proto = protocol(&rule.protocol);
    let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
    let what = match &proto {
        Proto::All => "de todo el tráfico (protocolo -1)".to_string(),
        Proto::Icmp => "icmp".to_string(),
        p => {
            let name = match p {
                Proto::Tcp => "tcp",
                Proto::Udp => "udp",
                Proto::Other(o) => o.as_str(),
                _ => "",
            };
            if lo == hi {
                format!("{name} {lo}")
            } else {
                format!("{name} {lo}-{hi}")
            }
        }
    };
    let (dir, prep) = if ingress {
        ("entrada", "desde")
    } else {
        ("salida", "hacia")
    };
    let mut s = format!("{dir} {what} {prep} {}", describe_peer(inv, &rule.peer));
    if let Some(d) = rule.description.as_deref().filter(|d| !d.is_empty()) {
        s.push_str(&format!(" («{d}»)"));
    }
    s
}

/// The peer's CIDR when it is a known IPv4 block.
pub fn peer_net(peer: &SgPeer) -> Option<Ipv4Net> {
    match peer {
        SgPeer::Cidr(Attr::Known(c)) => Ipv4Net::parse(c).ok(),
        _ => None,
    }
}

/// The administration ports whose exposure to the internet fails
/// sg-no-admin-ports: what attackers scan first.
const ADMIN_PORTS: [(u16, &str); 2] = [(22, "SSH"), (3389, "RDP")];

/// What an ingress rule opens to the whole internet (`0.0.0.0/0`, `::/0`)
/// of the administration ports or of every port, e.g. `el puerto 22 (SSH)`;
/// `None` when it opens none of them. `Err` names the unknown CIDR of a rule
/// that would open them if it were the internet.
pub fn admin_exposure(rule: &SgRule) -> Result<Option<String>, String> {
    let proto = protocol(&rule.protocol);
    let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
    let what = match proto {
        // `-1` opens every protocol, whatever the ports say (trap: ports 0).
        Proto::All => Some("todos los puertos y protocolos (protocolo -1)".to_string()),
        Proto::Tcp | Proto::Udp if (lo, hi) == (0, 65535) => Some(format!(
            "todos los puertos {}",
            if proto == Proto::Tcp { "TCP" } else { "UDP" }
        )),
        Proto::Tcp => {
            let hit: Vec<String> = ADMIN_PORTS
                .iter()
                .filter(|(p, _)| (lo..=hi).contains(p))
                .map(|(p, name)| format!("{p} ({name})"))
                .collect();
            let range = if lo == hi {
                String::new()
            } else {
                format!(", dentro del rango {lo}-{hi}")
            };
            match hit.len() {
                0 => None,
                1 => Some(format!("el puerto {}{range}", hit[0])),
                _ => Some(format!("los puertos {}{range}", hit.join(" y "))),
            }
        }
        _ => None,
    };
    let Some(what) = what else { return Ok(None) };
    Ok(world_peer(&rule.peer)?.then_some(what))
}

/// Whether a rule's peer is the whole internet (`0.0.0.0/0`, `::/0`);
/// `Err` names the unknown a CIDR depends on.
pub fn world_peer(peer: &SgPeer) -> Result<bool, String> {
    match peer {
        SgPeer::Cidr(Attr::Known(c)) => Ok(Ipv4Net::parse(c).is_ok_and(|n| n.prefix() == 0)),
        SgPeer::Cidr(Attr::Unknown(u)) => Err(u.unknown.clone()),
        SgPeer::Ipv6Cidr(c) => Ok(c.split_once('/').is_some_and(|(_, len)| len.trim() == "0")),
        SgPeer::SecurityGroup(_) | SgPeer::PrefixList(_) => Ok(false),
    }
}

/// What a group leaves undescribed: the group itself (omitted, the
/// provider writes `Managed by Terraform`, which says nothing) and each of
/// its rules. A reader of the group (a teammate, the instructor, the
/// student months later) learns from them why it exists and why each port
/// is open. `Err` when the source did not say what the group's is.
pub fn undescribed(inv: &Inventory, sg: &SecurityGroup) -> Result<Vec<Finding>, Unanswerable> {
    let label = sg_label(sg);
    let mut found = Vec::new();
    match &sg.description {
        None => {
            return Err(Unanswerable {
                subject: label,
                reason: "la fuente no dice la descripción del grupo".into(),
            });
        }
        Some(Attr::Known(d)) if d.trim().is_empty() || d == SecurityGroup::UNSAID => {
            found.push(Finding::new(
                &label,
                format!(
                    "el grupo {label} no tiene description (AWS guarda «{}»): di para qué es, \
                     p. ej. «PostgreSQL: solo desde las tareas ECS»",
                    SecurityGroup::UNSAID
                ),
                sg.origin.as_ref(),
            ));
        }
        Some(_) => {}
    }
    let rules = sg.ingress.iter().map(|r| (r, true));
    for (rule, ingress) in rules.chain(sg.egress.iter().map(|r| (r, false))) {
        if rule
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            found.push(Finding::new(
                &label,
                format!(
                    "la regla {} del grupo {label} no tiene description: di qué deja pasar y por qué",
                    describe_rule(inv, rule, ingress)
                ),
                rule.origin.as_ref().or(sg.origin.as_ref()),
            ));
        }
    }
    Ok(found)
}

/// sg-egress-minimal for a database's group: a database answers, it never
/// calls out, so any egress rule is one a compromised database could use.
pub fn db_egress(inv: &Inventory, sg: &SecurityGroup) -> Vec<Finding> {
    let label = sg_label(sg);
    sg.egress
        .iter()
        .map(|rule| {
            Finding::new(
                &label,
                format!(
                    "el grupo {label} de la base de datos tiene la regla {}: una base de datos solo \
                     responde (las respuestas salen solas, los grupos tienen estado) y no necesita ninguna \
                     salida; quítala (en Terraform, un aws_security_group sin bloques egress no tiene ninguna)",
                    describe_rule(inv, rule, false)
                ),
                rule.origin.as_ref().or(sg.origin.as_ref()),
            )
        })
        .collect()
}

/// What the tasks need to reach: 443 (ECR, Secrets Manager, CloudWatch
/// Logs, through the NAT or the endpoints) and the database's port, on its
/// group or inside the VPC.
pub struct TaskNeeds<'a> {
    pub db_groups: &'a [String],
    pub db_ports: &'a [u16],
    pub vpc_cidrs: &'a [Ipv4Net],
    /// Why the databases (their groups and ports) or the VPCs are not all
    /// known, when they are not: a one-port rule to a group or a private
    /// block may then be the database's.
    pub unread: Option<&'a str>,
}

/// sg-egress-minimal for the ECS tasks' group: every egress rule is one of
/// `needs`. `Err` names a rule that would be one of them or not, depending
/// on a CIDR known after apply.
pub fn task_egress(
    inv: &Inventory,
    sg: &SecurityGroup,
    needs: &TaskNeeds,
) -> (Vec<Finding>, Vec<Unanswerable>) {
    let label = sg_label(sg);
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for rule in &sg.egress {
        let proto = protocol(&rule.protocol);
        let (lo, hi) = ports(&proto, rule.from_port, rule.to_port);
        let https = proto == Proto::Tcp && (lo, hi) == (443, 443);
        let db_port = proto == Proto::Tcp && lo == hi && needs.db_ports.contains(&lo);
        let to_db = match &rule.peer {
            SgPeer::SecurityGroup(g) => Ok(needs.db_groups.contains(g)),
            SgPeer::Cidr(Attr::Known(c)) => Ok(Ipv4Net::parse(c).is_ok_and(|n| {
                n.prefix() > 0 && needs.vpc_cidrs.iter().any(|v| v.contains_net(n))
            })),
            SgPeer::Cidr(Attr::Unknown(u)) => Err(u.unknown.clone()),
            SgPeer::Ipv6Cidr(_) | SgPeer::PrefixList(_) => Ok(false),
        };
        let may_be_db = proto == Proto::Tcp
            && lo == hi
            && match &rule.peer {
                SgPeer::SecurityGroup(_) => true,
                SgPeer::Cidr(Attr::Known(c)) => Ipv4Net::parse(c).is_ok_and(|n| n.prefix() > 0),
                SgPeer::Cidr(Attr::Unknown(_)) => true,
                SgPeer::Ipv6Cidr(_) | SgPeer::PrefixList(_) => false,
            };
        match (https, db_port, to_db) {
            (true, _, _) | (_, true, Ok(true)) => {}
            _ if may_be_db && needs.unread.is_some() => unknowns.push(Unanswerable::new(
                &label,
                format!(
                    "la regla {} del grupo {label} puede ser la que lleva a la base de datos: {}",
                    describe_rule(inv, rule, false),
                    needs.unread.unwrap_or_default()
                ),
            )),
            (false, true, Err(reference)) => unknowns.push(Unanswerable::new(
                &label,
                format!(
                    "la regla {} del grupo {label} va a {reference}, que solo se conoce tras apply: no se \
                     sabe si es la base de datos",
                    describe_rule(inv, rule, false)
                ),
            )),
            _ => problems.push(Finding::new(
                &label,
                format!(
                    "el grupo {label} de las tareas ECS tiene la regla {}: deja salir más de lo que la app \
                     necesita, y un contenedor comprometido podría usarlo; basta con tcp 443 (ECR, Secrets \
                     Manager y CloudWatch) y el puerto de la base de datos hacia su grupo de seguridad",
                    describe_rule(inv, rule, false)
                ),
                rule.origin.as_ref().or(sg.origin.as_ref()),
            )),
        }
    }
    (problems, unknowns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{empty, group, rule};

    #[test]
    fn protocols_by_name_or_number() {
        assert_eq!(protocol("-1"), Proto::All);
        assert_eq!(protocol("TCP"), Proto::Tcp);
        assert_eq!(protocol("6"), Proto::Tcp);
        assert_eq!(protocol("17"), Proto::Udp);
        assert_eq!(protocol("50"), Proto::Other("50".into()));
    }

    #[test]
    fn admits_tcp_checks_protocol_and_whole_port_range() {
        let any = SgPeer::Cidr(Attr::Known("0.0.0.0/0".into()));
        assert!(admits_tcp(
            &rule("tcp", Some(5432), Some(5432), any.clone()),
            (5432, 5432)
        ));
        assert!(!admits_tcp(
            &rule("tcp", Some(5432), Some(5432), any.clone()),
            (5431, 5432)
        ));
        assert!(admits_tcp(&rule("-1", None, None, any.clone()), (1, 65535)));
        assert!(admits_tcp(
            &rule("-1", Some(-1), Some(-1), any.clone()),
            (22, 22)
        ));
        assert!(!admits_tcp(
            &rule("udp", Some(0), Some(65535), any.clone()),
            (53, 53)
        ));
        assert!(admits_tcp(
            &rule("6", Some(1024), Some(65535), any),
            (32768, 60999)
        ));
    }

    #[test]
    fn a_group_or_rule_without_description_is_named_and_the_providers_default_is_none() {
        let inv = empty();
        let any = || SgPeer::Cidr(Attr::Known("0.0.0.0/0".into()));
        let mut described = rule("tcp", Some(443), Some(443), any());
        described.description = Some("HTTPS del público".into());
        let mut sg = group("sg-1", "alb", vec![described.clone()], vec![]);
        assert!(undescribed(&inv, &sg).is_err(), "the source did not say");
        sg.description = Some(Attr::Known("Balanceador".into()));
        assert_eq!(undescribed(&inv, &sg).unwrap(), vec![]);
        // From a variable: the author wrote one.
        sg.description = Some(Attr::unknown("var.alb_description"));
        assert_eq!(undescribed(&inv, &sg).unwrap(), vec![]);
        sg.description = Some(Attr::Known(SecurityGroup::UNSAID.into()));
        sg.egress.push(rule("-1", None, None, any()));
        let found = undescribed(&inv, &sg).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("no tiene description (AWS guarda «Managed by Terraform»)")
        );
        assert!(
            found[1]
                .message
                .contains("la regla salida de todo el tráfico"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn the_tasks_may_leave_on_443_and_to_the_database_only() {
        let inv = empty();
        let any = || SgPeer::Cidr(Attr::Known("0.0.0.0/0".into()));
        let vpc = [Ipv4Net::parse("10.0.0.0/16").unwrap()];
        let db_groups = ["sg-db".to_string()];
        let needs = TaskNeeds {
            db_groups: &db_groups,
            db_ports: &[5432],
            vpc_cidrs: &vpc,
            unread: None,
        };
        let to_db_block = SgPeer::Cidr(Attr::Known("10.0.21.0/24".into()));
        let ok = group(
            "sg-app",
            "app",
            vec![],
            vec![
                rule("tcp", Some(443), Some(443), any()),
                rule(
                    "tcp",
                    Some(5432),
                    Some(5432),
                    SgPeer::SecurityGroup("sg-db".into()),
                ),
                rule("tcp", Some(5432), Some(5432), to_db_block),
            ],
        );
        assert_eq!(task_egress(&inv, &ok, &needs), (vec![], vec![]));
        let open = group(
            "sg-app",
            "app",
            vec![],
            vec![
                rule("-1", None, None, any()),
                rule("tcp", Some(5432), Some(5432), any()),
                rule(
                    "tcp",
                    Some(5432),
                    Some(5432),
                    SgPeer::Cidr(Attr::unknown("var.db_cidr")),
                ),
            ],
        );
        let (p, u) = task_egress(&inv, &open, &needs);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].message.contains("salida de todo el tráfico"),
            "{}",
            p[0].message
        );
        assert!(u[0].reason.contains("var.db_cidr"), "{u:?}");
        // With the databases unread, a one-port rule to a group or a private
        // block may be theirs; what is open to everything stays a failure.
        let unread = TaskNeeds {
            db_groups: &[],
            db_ports: &[],
            unread: Some("no se pudieron leer las instancias RDS"),
            ..needs
        };
        let (p, u) = task_egress(&inv, &ok, &unread);
        assert!(p.is_empty() && u.len() == 2, "{p:?} {u:?}");
        let (p, _) = task_egress(&inv, &open, &unread);
        assert_eq!(p.len(), 2, "{p:?}");
        let db = group("sg-db", "db", vec![], vec![rule("-1", None, None, any())]);
        assert!(
            db_egress(&inv, &db)[0]
                .message
                .contains("no necesita ninguna salida")
        );
    }

    #[test]
    fn rules_are_described_in_spanish() {
        let inv = empty();
        let r = rule(
            "tcp",
            Some(5432),
            Some(5432),
            SgPeer::SecurityGroup("sg-1".into()),
        );
        assert_eq!(
            describe_rule(&inv, &r, true),
            "entrada tcp 5432 desde el grupo sg-1"
        );
        let r = rule(
            "-1",
            None,
            None,
            SgPeer::Cidr(Attr::Known("0.0.0.0/0".into())),
        );
        assert_eq!(
            describe_rule(&inv, &r, false),
            "salida de todo el tráfico (protocolo -1) hacia 0.0.0.0/0"
        );
        let mut r = rule(
            "tcp",
            Some(0),
            Some(65535),
            SgPeer::Cidr(Attr::unknown("var.cidr")),
        );
        r.description = Some("todo".into());
        assert_eq!(
            describe_rule(&inv, &r, true),
            "entrada tcp 0-65535 desde var.cidr (conocido tras apply) («todo»)"
        );
    }

    #[test]
    fn admin_ports_open_to_the_internet_and_the_traps() {
        let world = || SgPeer::Cidr(Attr::Known("0.0.0.0/0".into()));
        let open = |proto: &str, from, to, peer| admin_exposure(&rule(proto, from, to, peer));
        assert_eq!(
            open("tcp", Some(22), Some(22), world()),
            Ok(Some("el puerto 22 (SSH)".into()))
        );
        // A range that spans 22 opens 22.
        assert_eq!(
            open("tcp", Some(0), Some(5000), world()),
            Ok(Some(
                "los puertos 22 (SSH) y 3389 (RDP), dentro del rango 0-5000".into()
            ))
        );
        // -1 is every port, whatever from_port and to_port say.
        assert_eq!(
            open("-1", Some(0), Some(0), world()),
            Ok(Some("todos los puertos y protocolos (protocolo -1)".into()))
        );
        assert_eq!(
            open("6", Some(0), Some(65535), SgPeer::Ipv6Cidr("::/0".into())),
            Ok(Some("todos los puertos TCP".into()))
        );
        // What is not the whole internet, or not those ports, is not this rule's.
        assert_eq!(open("tcp", Some(443), Some(443), world()), Ok(None));
        assert_eq!(open("udp", Some(3389), Some(3389), world()), Ok(None));
        let office = SgPeer::Cidr(Attr::Known("203.0.113.0/24".into()));
        assert_eq!(open("tcp", Some(22), Some(22), office), Ok(None));
        let group = SgPeer::SecurityGroup("sg-bastion".into());
        assert_eq!(open("-1", None, None, group), Ok(None));
        // A CIDR from a variable without a value may be the internet.
        let var = SgPeer::Cidr(Attr::unknown("var.ssh_cidr"));
        assert_eq!(
            open("tcp", Some(22), Some(22), var.clone()),
            Err("var.ssh_cidr".into())
        );
        assert_eq!(open("tcp", Some(80), Some(80), var), Ok(None));
    }
}
