//! HEADLINE 2: who can open a connection to the database, and whether the
//! intended path (ECS tasks to the database) really works, across routes,
//! security groups (stateful) and network ACLs (stateless, both ways).

use cloudgrade_model::{Attr, DbInstance, Inventory, ResourceKind, RouteTarget, SgPeer, Subnet};

use super::cidr::{self, Ipv4Net, Ipv4Range};
use super::nacl::{self, AclChoice, AclVerdict};
use super::routing;
use super::sg::{self, Proto};
use super::{Finding, Unanswerable, gaps, label, push_unique};

/// The ports a Linux client (a Fargate task) picks for its side of a
/// connection: the return traffic must be allowed on all of them.
pub const EPHEMERAL_PORTS: (u16, u16) = (32768, 60999);

/// The `*` rule AWS lists last in every ACL: it cannot be removed.
const FINAL_RULE: i32 = 32767;

/// What the source read in full, for [`db_ingress_violations`] to report
/// as a problem only what holds whatever it could not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// The DB's own security groups (`vpc_security_group_ids`).
    pub db_groups: bool,
    /// The security groups' rules: unread rules can only admit more.
    pub rules: bool,
    /// The ECS tasks' security groups: an unread one may be any group.
    pub allowed_groups: bool,
}

impl Known {
    pub const ALL: Known = Known {
        db_groups: true,
        rules: true,
        allowed_groups: true,
    };
}

/// Every ingress rule of the database's groups that admits anything other
/// than TCP on exactly the database port from one of `allowed_groups`, named
/// rule by rule; plus a finding when the allowed groups are not admitted at
/// all (a database that blocks the application too).
///
/// Where a rule admits what should not be admitted, whatever is unknown: a
/// CIDR, an IPv6 block, a prefix list, or a rule of the tasks' own group that
/// opens more than the DB's port. A rule from another group, or the lack of
/// the rule that should be there, is a problem only when the tasks' groups
/// (and, for the lack, every rule) are known; otherwise it is unanswerable.
pub fn db_ingress_violations(
    inv: &Inventory,
    db: &DbInstance,
    allowed_groups: &[String],
    known: Known,
) -> (Vec<Finding>, Vec<Unanswerable>) {
    let (found, mut unknown) = db_ingress_findings(inv, db, allowed_groups);
    let mut certain = Vec::new();
    for (f, needs) in found {
        let holds = match needs {
            Needs::Nothing => true,
            Needs::DbGroups => known.db_groups,
            Needs::AllowedGroups => known.allowed_groups,
            Needs::Everything => known.rules && known.allowed_groups,
        };
        if holds {
            certain.push(f);
        } else {
            unknown.push(Unanswerable::new(
                f.subject,
                format!(
                    "{}; pero lo que la fuente no pudo leer podría cambiarlo",
                    f.message
                ),
            ));
        }
    }
    (certain, unknown)
}

/// What a finding of [`db_ingress_findings`] takes for granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    /// That the DB has no security group of its own.
    DbGroups,
    /// That a group is not one of the ECS tasks'.
    AllowedGroups,
    /// That no rule admits the tasks.
    Everything,
}

fn db_ingress_findings(
    inv: &Inventory,
    db: &DbInstance,
    allowed_groups: &[String],
) -> (Vec<(Finding, Needs)>, Vec<Unanswerable>) {
    let dbl = label(&db.id, &db.tags);
    let allowed_l = sg::groups_label(inv, allowed_groups);
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    if db.security_group_ids.is_empty() {
        found.push((Finding::new(
            &dbl,
            format!(
                "la base de datos {dbl} no tiene grupos de seguridad propios: RDS le asigna el grupo por defecto de la VPC, que admite todo el tráfico de cualquier recurso con ese mismo grupo; dale un grupo que solo admita su puerto desde el grupo de las tareas ECS ({allowed_l})"
            ),
            db.origin.as_ref(),
        ), Needs::DbGroups));
        return (found, unknown);
    }
    let port: Result<u16, String> = match &db.port {
        Attr::Known(p) => u16::try_from(*p).map_err(|_| format!("el puerto {p} no es válido")),
        Attr::Unknown(u) => Err(format!(
            "el puerto depende de {}, que solo se conoce tras apply",
            u.unknown
        )),
    };
    let port_text = match &port {
        Ok(p) => p.to_string(),
        Err(_) => "(el de la base de datos)".to_string(),
    };
    let the_rule = format!(
        "la única regla de entrada debe ser tcp {port_text} con origen el grupo de las tareas ECS ({allowed_l})"
    );
    // Whether some rule admits the allowed groups on the port; None: unknown.
    let mut admitted = Some(false);
    // Whether some other rule (a CIDR, another group) opens the port: then
    // the tasks may get in, only not by the rule that should let them.
    let mut broader_admits = false;
    for gid in &db.security_group_ids {
        let Some(group) = inv.security_group(gid) else {
            let g = gaps(inv, ResourceKind::SecurityGroup, gid);
            if g.is_empty() {
                found.push((
                    Finding::new(
                        gid,
                        format!(
                            "el grupo {gid} de la base de datos {dbl} no existe en el inventario"
                        ),
                        db.origin.as_ref(),
                    ),
                    Needs::Nothing,
                ));
            } else {
                admitted = admitted.filter(|a| *a);
                unknown.extend(g);
            }
            continue;
        };
        let gl = sg::sg_label(group);
        for rule in &group.ingress {
            let rd = sg::describe_rule(inv, rule, true);
            if !matches!(&rule.peer, SgPeer::SecurityGroup(src) if allowed_groups.contains(src)) {
                broader_admits |= covers_port(&rule.protocol, rule.from_port, rule.to_port, &port);
            }
            let needs = match &rule.peer {
                // A peer the inventory does not hold may be a reference the
                // source could not resolve, to the tasks' group itself.
                SgPeer::SecurityGroup(src)
                    if !allowed_groups.contains(src) && inv.security_group(src).is_none() =>
                {
                    Needs::Everything
                }
                SgPeer::SecurityGroup(src) if !allowed_groups.contains(src) => Needs::AllowedGroups,
                _ => Needs::Nothing,
            };
            let why = match &rule.peer {
                SgPeer::SecurityGroup(src) if allowed_groups.contains(src) => {
                    let proto = sg::protocol(&rule.protocol);
                    let (lo, hi) = sg::ports(&proto, rule.from_port, rule.to_port);
                    match (&proto, &port) {
                        (Proto::All, _) => {
                            admitted = Some(true);
                            Some(format!(
                                "admite todo el tráfico, en todos los protocolos y puertos, desde el grupo de las tareas; basta tcp {port_text}"
                            ))
                        }
                        (Proto::Tcp, Ok(p)) if lo == *p && hi == *p => {
                            admitted = Some(true);
                            None
                        }
                        (Proto::Tcp, Ok(p)) if lo <= *p && *p <= hi => {
                            admitted = Some(true);
                            Some(format!(
                                "abre los puertos {lo}-{hi}, no solo el {p} de la base de datos"
                            ))
                        }
                        (Proto::Tcp, Ok(p)) => Some(format!(
                            "abre {}, que no es el puerto de la base de datos ({p})",
                            ports_text(lo, hi)
                        )),
                        (Proto::Tcp, Err(why)) if lo == hi => {
                            admitted = admitted.filter(|a| *a);
                            unknown.push(Unanswerable::new(
                                &gl,
                                format!("la base de datos {dbl}: {why}; no se puede comprobar que la regla {rd} sea la de su puerto"),
                            ));
                            None
                        }
                        (Proto::Tcp, Err(_)) => {
                            admitted = admitted.filter(|a| *a);
                            Some(format!(
                                "abre los puertos {lo}-{hi}; la base de datos solo necesita el suyo"
                            ))
                        }
                        (other, _) => Some(format!(
                            "usa {}; la base de datos solo necesita tcp {port_text}",
                            match other {
                                Proto::Udp => "udp".to_string(),
                                Proto::Icmp => "icmp".to_string(),
                                Proto::Other(o) => format!("el protocolo {o}"),
                                Proto::All | Proto::Tcp => String::new(),
                            }
                        )),
                    }
                }
                SgPeer::SecurityGroup(src) if src == &group.id => Some(format!(
                    "admite a su propio grupo, así que cualquier otro recurso con el grupo {gl} puede conectarse"
                )),
                SgPeer::SecurityGroup(src) => Some(format!(
                    "admite al grupo {}, que no es el de las tareas ECS",
                    sg::group_label(inv, src)
                )),
                SgPeer::Cidr(c) => Some(format!(
                    "admite conexiones {}",
                    cidr_meaning(inv, &group.vpc_id, c)
                )),
                SgPeer::Ipv6Cidr(c) if c.ends_with("/0") => Some(format!(
                    "admite conexiones desde cualquier dirección IPv6 de internet ({c})"
                )),
                SgPeer::Ipv6Cidr(c) => Some(format!("admite conexiones desde el bloque IPv6 {c}")),
                SgPeer::PrefixList(pl) => Some(format!(
                    "admite conexiones desde las direcciones de la lista de prefijos {pl}"
                )),
            };
            if let Some(why) = why {
                found.push((Finding::new(
                    &gl,
                    format!("el grupo {gl} de la base de datos {dbl} tiene la regla {rd}: {why}; {the_rule}"),
                    rule.origin.as_ref().or(group.origin.as_ref()),
                ), needs));
            }
        }
    }
    if admitted == Some(false) {
        let consequence = if broader_admits {
            "si la aplicación llega, es por una regla más amplia que deja pasar también a otros; cámbiala por esa"
        } else {
            "la base de datos queda inaccesible también para la aplicación; añade esa regla"
        };
        found.push((Finding::new(
            &dbl,
            format!(
                "ninguna regla de entrada de los grupos de la base de datos {dbl} ({}) admite tcp {port_text} desde el grupo de las tareas ECS ({allowed_l}): {consequence}",
                sg::groups_label(inv, &db.security_group_ids)
            ),
            db.origin.as_ref(),
        ), Needs::Everything));
    }
    (found, unknown)
}

/// Whether a rule lets TCP traffic to `port` through; an unknown port
/// counts as covered only by an all-traffic rule.
fn covers_port(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
    port: &Result<u16, String>,
) -> bool {
    let proto = sg::protocol(protocol);
    let (lo, hi) = sg::ports(&proto, from, to);
    match (&proto, port) {
        (Proto::All, _) => true,
        (Proto::Tcp, Ok(p)) => lo <= *p && *p <= hi,
        _ => false,
    }
}

fn ports_text(lo: u16, hi: u16) -> String {
    if lo == hi {
        format!("el puerto {lo}")
    } else {
        format!("los puertos {lo}-{hi}")
    }
}

/// What a CIDR source means inside the VPC: the whole internet, the VPC, a
/// subnet (named), or some other block.
fn cidr_meaning(inv: &Inventory, vpc_id: &str, c: &Attr<String>) -> String {
    let s = match c {
        Attr::Known(s) => s,
        Attr::Unknown(u) => {
            return format!(
                "desde el bloque {} (conocido tras apply): un CIDR, no el grupo de las tareas",
                u.unknown
            );
        }
    };
    let Ok(n) = Ipv4Net::parse(s) else {
        return format!("desde «{s}»");
    };
    if n.prefix() == 0 {
        return format!("desde cualquier dirección de internet ({s})");
    }
    let vpc_net = inv
        .vpc(vpc_id)
        .and_then(|v| v.cidr.as_known())
        .and_then(|c| Ipv4Net::parse(c).ok());
    if vpc_net == Some(n) {
        return format!(
            "desde el CIDR de la VPC {vpc_id} ({s}): cualquier recurso de la VPC, no solo las tareas ECS"
        );
    }
    let same_subnet = inv.subnets.iter().find(|sub| {
        sub.vpc_id == vpc_id && sub.cidr.as_known().and_then(|c| Ipv4Net::parse(c).ok()) == Some(n)
    });
    if let Some(sub) = same_subnet {
        return format!(
            "desde el CIDR de la subred {} ({s}): cualquier recurso de esa subred, no solo las tareas ECS",
            label(&sub.id, &sub.tags)
        );
    }
    match vpc_net {
        Some(v) if v.contains_net(n) => {
            format!("desde el bloque {s}, dentro de la VPC: cualquier recurso en esas direcciones")
        }
        Some(v) if n.contains_net(v) => {
            format!("desde el bloque {s}, que abarca toda la VPC {vpc_id}")
        }
        _ if cidr::is_public(n.first()) => format!("desde el bloque {s}, de internet"),
        _ => format!("desde el bloque {s}"),
    }
}

/// One side of a connection: the ENIs of a service, a database...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Shown in messages, e.g. `las tareas del servicio api`.
    pub label: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

/// Whether a TCP connection can be opened, with the path it takes or every
/// setting that blocks it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Connection {
    /// Every subnet pair works and nothing is unknown.
    pub reachable: bool,
    /// One line per subnet pair that works.
    pub path: Vec<String>,
    /// Every blocking setting, each naming the ACL and rule or the group.
    pub blocked: Vec<Finding>,
    pub unanswerable: Vec<Unanswerable>,
}

impl Connection {
    fn block(&mut self, f: Finding) {
        push_unique(&mut self.blocked, f);
    }
    fn unknown(&mut self, u: Unanswerable) {
        push_unique(&mut self.unanswerable, u);
    }
}

/// A TCP connection from `from` to `to` on `port`, for every pair of their
/// subnets: routing inside the VPC, the source groups' egress and the
/// destination groups' ingress (stateful: no return check), and the network
/// ACLs both ways (stateless: the return on ephemeral ports too). Traffic
/// between two ENIs of the same subnet does not cross its ACL.
pub fn connection(inv: &Inventory, from: &Endpoint, to: &Endpoint, port: u16) -> Connection {
    let mut c = Connection {
        reachable: false,
        path: Vec::new(),
        blocked: Vec::new(),
        unanswerable: Vec::new(),
    };
    for ep in [from, to] {
        if ep.subnet_ids.is_empty() {
            c.block(Finding::new(
                &ep.label,
                format!("{} no tiene subredes: no hay ningún camino", ep.label),
                None,
            ));
        }
    }
    for fs in &from.subnet_ids {
        for ts in &to.subnet_ids {
            pair(inv, from, to, port, fs, ts, &mut c);
        }
    }
    c.reachable = c.blocked.is_empty() && c.unanswerable.is_empty();
    c
}

fn find_subnet<'a>(
    inv: &'a Inventory,
    id: &str,
    ep: &Endpoint,
    c: &mut Connection,
) -> Option<&'a Subnet> {
    let s = inv.subnet(id);
    if s.is_none() {
        let g = gaps(inv, ResourceKind::Subnet, id);
        if g.is_empty() {
            c.block(Finding::new(
                id,
                format!("la subred {id} de {} no existe en el inventario", ep.label),
                None,
            ));
        } else {
            g.into_iter().for_each(|u| c.unknown(u));
        }
    }
    s
}

fn vpc_cidr<'a>(inv: &'a Inventory, s: &Subnet) -> Option<&'a Attr<String>> {
    inv.vpc(&s.vpc_id).map(|v| &v.cidr)
}

fn subnet_net(s: &Subnet) -> Result<Ipv4Net, String> {
    let sl = label(&s.id, &s.tags);
    match &s.cidr {
        Attr::Known(c) => Ipv4Net::parse(c).map_err(|e| format!("el CIDR de la subred {sl}: {e}")),
        Attr::Unknown(u) => Err(format!(
            "el CIDR de la subred {sl} depende de {}, que solo se conoce tras apply",
            u.unknown
        )),
    }
}

/// A subnet with what the ACL checks need to know about it.
struct Side<'a> {
    ep: &'a Endpoint,
    subnet: &'a Subnet,
    label: String,
    net: Result<Ipv4Net, String>,
}

fn pair(
    inv: &Inventory,
    from: &Endpoint,
    to: &Endpoint,
    port: u16,
    fs_id: &str,
    ts_id: &str,
    c: &mut Connection,
) {
    let (Some(fs), Some(ts)) = (
        find_subnet(inv, fs_id, from, c),
        find_subnet(inv, ts_id, to, c),
    ) else {
        return;
    };
    let src = Side {
        ep: from,
        subnet: fs,
        label: label(&fs.id, &fs.tags),
        net: subnet_net(fs),
    };
    let dst = Side {
        ep: to,
        subnet: ts,
        label: label(&ts.id, &ts.tags),
        net: subnet_net(ts),
    };
    let before = (c.blocked.len(), c.unanswerable.len());
    let mut hops = Vec::new();

    if fs.vpc_id == ts.vpc_id {
        hops.push(format!("local ({})", fs.vpc_id));
    } else {
        across_vpcs(inv, &src, &dst, c);
    }
    if let Some(h) = sg_side(inv, &src, &dst, port, false, c) {
        hops.insert(0, h);
    }
    let ingress_hop = sg_side(inv, &src, &dst, port, true, c);

    let mut back = Vec::new();
    if fs.id == ts.id {
        hops.push(format!(
            "misma subred {}: el tráfico no cruza su network ACL",
            src.label
        ));
    } else {
        let flows = [
            Flow {
                at: &src,
                peer: &dst,
                egress: true,
                ports: (port, port),
                reply: false,
            },
            Flow {
                at: &dst,
                peer: &src,
                egress: false,
                ports: (port, port),
                reply: false,
            },
            Flow {
                at: &dst,
                peer: &src,
                egress: true,
                ports: EPHEMERAL_PORTS,
                reply: true,
            },
            Flow {
                at: &src,
                peer: &dst,
                egress: false,
                ports: EPHEMERAL_PORTS,
                reply: true,
            },
        ];
        for (i, f) in flows.iter().enumerate() {
            if let Some(h) = acl_side(inv, f, port, c) {
                match i {
                    0 => hops.insert(1.min(hops.len()), h),
                    1 => hops.push(h),
                    _ => back.push(h),
                }
            }
        }
    }
    if let Some(h) = ingress_hop {
        hops.push(h);
    }
    if (c.blocked.len(), c.unanswerable.len()) == before {
        let mut line = format!("{} → {}: {}", src.label, dst.label, hops.join(" → "));
        if !back.is_empty() {
            line.push_str(&format!("; vuelta: {}", back.join(", ")));
        }
        c.path.push(line);
    }
}

fn across_vpcs(inv: &Inventory, src: &Side, dst: &Side, c: &mut Connection) {
    let table = routing::effective_route_table(inv, &src.subnet.id).table();
    let route = match (&dst.net, table) {
        (Ok(n), Some(t)) => routing::lookup(t, n.first()),
        _ => None,
    };
    match route.map(|r| &r.target) {
        Some(RouteTarget::VpcPeering(x) | RouteTarget::TransitGateway(x)) => c.unknown(Unanswerable::new(
            &src.label,
            format!(
                "la subred {} (VPC {}) llega a la subred {} (VPC {}) por {x}: cloudgrade no sigue el tráfico a través de un peering o un transit gateway",
                src.label, src.subnet.vpc_id, dst.label, dst.subnet.vpc_id
            ),
        )),
        _ => c.block(Finding::new(
            &src.label,
            format!(
                "la subred {} de {} está en la VPC {} y la subred {} de {} en la VPC {}, y no hay ruta entre ellas: sin un peering o un transit gateway no hay camino",
                src.label, src.ep.label, src.subnet.vpc_id, dst.label, dst.ep.label, dst.subnet.vpc_id
            ),
            None,
        )),
    }
}

/// The source groups' egress (`ingress == false`) or the destination
/// groups' ingress. Returns the hop when allowed.
fn sg_side(
    inv: &Inventory,
    src: &Side,
    dst: &Side,
    port: u16,
    ingress: bool,
    c: &mut Connection,
) -> Option<String> {
    let (me, other) = if ingress { (dst, src) } else { (src, dst) };
    let groups = &me.ep.security_group_ids;
    let mut partial: Vec<Ipv4Range> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut uses_cidrs = false;
    for gid in groups {
        let Some(g) = inv.security_group(gid) else {
            gaps(inv, ResourceKind::SecurityGroup, gid)
                .into_iter()
                .for_each(|u| unknown.push(u.reason));
            continue;
        };
        let rules = if ingress { &g.ingress } else { &g.egress };
        for rule in rules.iter().filter(|r| sg::admits_tcp(r, (port, port))) {
            let hop = || {
                format!(
                    "{}: {}",
                    sg::sg_label(g),
                    sg::describe_rule(inv, rule, ingress)
                )
            };
            match &rule.peer {
                SgPeer::SecurityGroup(p) if other.ep.security_group_ids.contains(p) => {
                    return Some(hop());
                }
                SgPeer::Cidr(Attr::Known(s)) => {
                    let Ok(n) = Ipv4Net::parse(s) else { continue };
                    uses_cidrs = true;
                    match &other.net {
                        Ok(peer) if n.contains_net(*peer) => return Some(hop()),
                        Ok(_) => partial.push(n.range()),
                        // A subnet lies inside its VPC's range (AWS refuses
                        // any other): a block covering that range, or every
                        // address, covers the subnet whatever its CIDR.
                        Err(_)
                            if n.prefix() == 0
                                || matches!(vpc_cidr(inv, other.subnet),
                                    Some(Attr::Known(v)) if Ipv4Net::parse(v)
                                        .is_ok_and(|v| n.contains_net(v))) =>
                        {
                            return Some(hop());
                        }
                        Err(why) => unknown.push(why.clone()),
                    }
                }
                // The VPC's own range by the same unknown it is declared
                // with (`cidr_blocks = [var.vpc_cidr]`) holds its subnets.
                SgPeer::Cidr(Attr::Unknown(u))
                    if matches!(vpc_cidr(inv, other.subnet),
                        Some(Attr::Unknown(v)) if v.unknown == u.unknown) =>
                {
                    return Some(hop());
                }
                SgPeer::Cidr(Attr::Unknown(u)) => unknown.push(format!(
                    "la regla {} del grupo {} usa el bloque {}, que solo se conoce tras apply",
                    sg::describe_rule(inv, rule, ingress),
                    sg::sg_label(g),
                    u.unknown
                )),
                _ => {}
            }
        }
    }
    if let Ok(peer) = &other.net
        && cidr::covers(&partial, peer.range())
    {
        return Some(format!(
            "{}: varias reglas por CIDR cubren {peer}",
            sg::groups_label(inv, groups)
        ));
    }
    let gl = sg::groups_label(inv, groups);
    if let Some(why) = unknown.first() {
        c.unknown(Unanswerable::new(&gl, why.clone()));
        return None;
    }
    let (grupo, verbo) = if groups.len() == 1 {
        ("el grupo", "")
    } else {
        ("los grupos", "n")
    };
    let at = match (&other.net, uses_cidrs) {
        (Ok(n), true) => format!(" (subred {}, {n})", other.label),
        _ => String::new(),
    };
    let other_groups = sg::groups_label(inv, &other.ep.security_group_ids);
    let message = if groups.is_empty() {
        format!(
            "{} no tiene grupos de seguridad: no {} tcp {port}",
            me.ep.label,
            if ingress {
                "admite"
            } else {
                "permite la salida"
            }
        )
    } else if ingress {
        format!(
            "{grupo} {gl} de {} no admite{verbo} tcp {port} desde {}{at}: añade una regla de entrada tcp {port} con origen el grupo {other_groups}",
            me.ep.label, other.ep.label
        )
    } else {
        format!(
            "{grupo} {gl} de {} no permite{verbo} la salida tcp {port} hacia {}{at}: ninguna regla de salida la cubre; añade una regla de salida tcp {port} con destino el grupo {other_groups}",
            me.ep.label, other.ep.label
        )
    };
    let origin = groups
        .first()
        .and_then(|g| inv.security_group(g))
        .and_then(|g| g.origin.as_ref());
    c.block(Finding::new(gl, message, origin));
    None
}

/// One direction of traffic through one subnet's ACL.
struct Flow<'a> {
    at: &'a Side<'a>,
    peer: &'a Side<'a>,
    egress: bool,
    ports: (u16, u16),
    reply: bool,
}

fn allowed_hop(acl: &str, dir: &str, rules: &[impl std::fmt::Display]) -> String {
    let rules = rules
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    format!("{acl}: {dir} regla {rules}")
}

fn acl_side(inv: &Inventory, f: &Flow, port: u16, c: &mut Connection) -> Option<String> {
    let dir = if f.egress { "salida" } else { "entrada" };
    let acl_gaps = gaps(inv, ResourceKind::NetworkAcl, &f.at.label);
    let (acl, which) = match nacl::acl_for_subnet(inv, &f.at.subnet.id) {
        AclChoice::Associated(a) => (a, ""),
        AclChoice::Default(a) => (a, " (la ACL por defecto de la VPC)"),
        AclChoice::Implicit if acl_gaps.is_empty() => {
            return Some(format!(
                "ACL por defecto de {} ({dir}: permite todo)",
                f.at.label
            ));
        }
        AclChoice::Implicit => {
            acl_gaps.into_iter().for_each(|u| c.unknown(u));
            return None;
        }
    };
    let al = label(&acl.id, &acl.tags);
    let flow = match (f.reply, f.egress) {
        (false, true) => format!(
            "la salida de {} (subred {}) hacia {} (subred {}) por tcp {port}",
            f.at.ep.label, f.at.label, f.peer.ep.label, f.peer.label
        ),
        (false, false) => format!(
            "la entrada en la subred {} de {} de la conexión de {} (subred {}) a tcp {port}",
            f.at.label, f.at.ep.label, f.peer.ep.label, f.peer.label
        ),
        (true, true) => format!(
            "la respuesta de {} (subred {}) hacia {} (subred {}) en los puertos efímeros {}-{}",
            f.at.ep.label, f.at.label, f.peer.ep.label, f.peer.label, f.ports.0, f.ports.1
        ),
        (true, false) => format!(
            "la entrada en la subred {} de {} de la respuesta de {} (subred {}) en los puertos efímeros {}-{}",
            f.at.label, f.at.ep.label, f.peer.ep.label, f.peer.label, f.ports.0, f.ports.1
        ),
    };
    let peer = match &f.peer.net {
        Ok(n) => *n,
        Err(why) => {
            // The subnet lies inside its VPC's range: an ACL that lets every
            // address of that range (or of all) through lets the subnet's.
            let wider = match vpc_cidr(inv, f.peer.subnet) {
                Some(Attr::Known(v)) => Ipv4Net::parse(v).ok(),
                _ => None,
            }
            .into_iter()
            .chain(Ipv4Net::parse("0.0.0.0/0").ok());
            for net in wider {
                if let AclVerdict::Allowed(rules) = nacl::evaluate(acl, f.egress, net, f.ports) {
                    return Some(allowed_hop(&al, dir, &rules));
                }
            }
            c.unknown(Unanswerable::new(&al, format!("{flow}: {why}")));
            return None;
        }
    };
    match nacl::evaluate(acl, f.egress, peer, f.ports) {
        AclVerdict::Allowed(rules) => Some(allowed_hop(&al, dir, &rules)),
        AclVerdict::Unknown(why) => {
            c.unknown(Unanswerable::new(
                &al,
                format!("{flow}: la ACL {al}: {why}"),
            ));
            None
        }
        AclVerdict::Blocked(blocks) => {
            let ports = if f.ports.0 == f.ports.1 {
                format!("tcp {}", f.ports.0)
            } else {
                format!("tcp {}-{}", f.ports.0, f.ports.1)
            };
            let prep = if f.egress { "hacia" } else { "desde" };
            let stateless = if f.reply {
                " (las network ACL no tienen estado: la respuesta necesita su propia regla)"
            } else {
                ""
            };
            for b in blocks {
                let (rule, fix) = match b.rule_number {
                    Some(n) if n != FINAL_RULE => (
                        format!("la regla {} deniega {}", b.rule, b.denies),
                        format!(
                            "añade antes de ella (con un número menor que {n}) una regla allow de {dir} {ports} {prep} {peer}, o quítala"
                        ),
                    ),
                    Some(_) => (
                        format!("la regla {} deniega {}", b.rule, b.denies),
                        format!("añade una regla allow de {dir} {ports} {prep} {peer}"),
                    ),
                    None => (
                        format!("{} ({})", b.rule, b.denies),
                        format!("añade una regla allow de {dir} {ports} {prep} {peer}"),
                    ),
                };
                c.block(Finding::new(
                    &al,
                    format!("{flow}: la ACL {al}{which}, de la subred {}, la bloquea: {rule}; {fix}{stateless}", f.at.label),
                    acl.origin.as_ref(),
                ));
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;
    use cloudgrade_model::{AclEntry, NetworkAcl, SgRule};

    fn tcp(port: i32, peer: SgPeer) -> SgRule {
        rule("tcp", Some(port), Some(port), peer)
    }
    fn from_sg(id: &str) -> SgPeer {
        SgPeer::SecurityGroup(id.into())
    }
    fn from_cidr(c: &str) -> SgPeer {
        SgPeer::Cidr(Attr::Known(c.into()))
    }
    fn acl(id: &str, subnets: &[&str], entries: Vec<AclEntry>) -> NetworkAcl {
        NetworkAcl {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            entries,
            tags: tags(""),
            origin: None,
        }
    }
    fn allow_all_acl(id: &str, subnets: &[&str]) -> NetworkAcl {
        acl(
            id,
            subnets,
            vec![
                entry(100, false, "-1", true, "0.0.0.0/0", None),
                entry(32767, false, "-1", false, "0.0.0.0/0", None),
                entry(100, true, "-1", true, "0.0.0.0/0", None),
                entry(32767, true, "-1", false, "0.0.0.0/0", None),
            ],
        )
    }

    fn db() -> DbInstance {
        DbInstance {
            subnet_group: Some("dbg".into()),
            security_group_ids: vec!["sg-db".into()],
            tags: tags("appdb"),
            ..db_instance("db-1")
        }
    }

    /// The course VPC with an app group that may reach a database group.
    fn world() -> Inventory {
        let mut inv = course_vpc();
        inv.security_groups.push(group(
            "sg-app",
            "ecs-tasks",
            vec![],
            vec![rule("-1", None, None, from_cidr("0.0.0.0/0"))],
        ));
        inv.security_groups.push(group(
            "sg-db",
            "rds",
            vec![tcp(5432, from_sg("sg-app"))],
            vec![],
        ));
        inv.security_groups
            .push(group("sg-other", "bastion", vec![], vec![]));
        inv
    }

    fn app() -> Endpoint {
        Endpoint {
            label: "las tareas ECS".into(),
            subnet_ids: vec!["subnet-app".into()],
            security_group_ids: vec!["sg-app".into()],
        }
    }
    fn database() -> Endpoint {
        Endpoint {
            label: "la base de datos db-1".into(),
            subnet_ids: vec!["subnet-db".into()],
            security_group_ids: vec!["sg-db".into()],
        }
    }
    fn allowed() -> Vec<String> {
        vec!["sg-app".into()]
    }
    fn msgs(f: &[Finding]) -> String {
        f.iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn set_db_ingress(inv: &mut Inventory, rules: Vec<SgRule>) {
        inv.security_groups
            .iter_mut()
            .find(|g| g.id == "sg-db")
            .unwrap()
            .ingress = rules;
    }

    #[test]
    fn only_the_app_group_on_the_db_port_is_clean() {
        let inv = world();
        let (f, u) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        assert!(f.is_empty(), "{f:#?}");
        assert!(u.is_empty());
    }

    #[test]
    fn a_cidr_rule_fails_whatever_is_unknown_another_group_only_if_known() {
        let mut inv = world();
        set_db_ingress(
            &mut inv,
            vec![
                tcp(5432, from_cidr("0.0.0.0/0")),
                tcp(5432, from_sg("sg-other")),
            ],
        );
        let unknown = Known {
            db_groups: false,
            rules: false,
            allowed_groups: false,
        };
        let (f, u) = db_ingress_violations(&inv, &db(), &allowed(), unknown);
        // The world-open rule holds for every value of the unknowns.
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(msgs(&f).contains("0.0.0.0/0"), "{}", msgs(&f));
        // sg-other may be the tasks' group; and the rule for the tasks may be
        // among the unread ones.
        let u = u
            .iter()
            .map(|u| u.reason.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(u.contains("sg-other"), "{u}");
        assert!(u.contains("ninguna regla de entrada"), "{u}");
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        assert_eq!(f.len(), 3, "{f:#?}");
    }

    #[test]
    fn a_peer_group_missing_from_the_inventory_waits_for_unread_groups() {
        let mut inv = world();
        set_db_ingress(
            &mut inv,
            vec![tcp(5432, from_sg("module.x.aws_security_group.app.id"))],
        );
        let rules_unread = Known {
            rules: false,
            ..Known::ALL
        };
        let (f, u) = db_ingress_violations(&inv, &db(), &allowed(), rules_unread);
        assert!(f.is_empty(), "{f:#?}");
        assert!(u.iter().any(|u| u.reason.contains("module.x")), "{u:#?}");
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        assert!(msgs(&f).contains("module.x"), "{}", msgs(&f));
    }

    #[test]
    fn a_db_without_groups_fails_only_if_its_groups_were_read() {
        let inv = world();
        let mut d = db();
        d.security_group_ids.clear();
        let (f, _) = db_ingress_violations(&inv, &d, &allowed(), Known::ALL);
        assert_eq!(f.len(), 1);
        let k = Known {
            db_groups: false,
            ..Known::ALL
        };
        let (f, u) = db_ingress_violations(&inv, &d, &allowed(), k);
        assert!(f.is_empty() && u.len() == 1, "{f:#?} {u:#?}");
    }

    #[test]
    fn world_open_rule_is_named() {
        let mut inv = world();
        set_db_ingress(
            &mut inv,
            vec![
                tcp(5432, from_sg("sg-app")),
                tcp(5432, from_cidr("0.0.0.0/0")),
            ],
        );
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject, "sg-db (rds)");
        assert_eq!(
            f[0].message,
            "el grupo sg-db (rds) de la base de datos db-1 (appdb) tiene la regla entrada tcp 5432 desde 0.0.0.0/0: admite conexiones desde cualquier dirección de internet (0.0.0.0/0); la única regla de entrada debe ser tcp 5432 con origen el grupo de las tareas ECS (sg-app (ecs-tasks))"
        );
    }

    #[test]
    fn vpc_and_subnet_cidrs_are_named_as_such() {
        let mut inv = world();
        set_db_ingress(
            &mut inv,
            vec![
                tcp(5432, from_sg("sg-app")),
                tcp(5432, from_cidr("10.0.0.0/16")),
                tcp(5432, from_cidr("10.0.11.0/24")),
            ],
        );
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        let m = msgs(&f);
        assert_eq!(f.len(), 2, "{m}");
        assert!(
            m.contains("desde el CIDR de la VPC vpc-1 (10.0.0.0/16)"),
            "{m}"
        );
        assert!(
            m.contains("desde el CIDR de la subred subnet-app (privada-a) (10.0.11.0/24)"),
            "{m}"
        );
    }

    #[test]
    fn other_groups_self_reference_and_protocol_all_are_violations() {
        let mut inv = world();
        set_db_ingress(
            &mut inv,
            vec![
                rule("-1", None, None, from_sg("sg-app")),
                tcp(5432, from_sg("sg-other")),
                tcp(5432, from_sg("sg-db")),
                rule("tcp", Some(0), Some(65535), from_sg("sg-app")),
                tcp(22, from_sg("sg-app")),
                rule("udp", Some(5432), Some(5432), from_sg("sg-app")),
                tcp(5432, SgPeer::Ipv6Cidr("::/0".into())),
                tcp(5432, SgPeer::PrefixList("pl-123".into())),
            ],
        );
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        let m = msgs(&f);
        assert_eq!(f.len(), 8, "{m}");
        assert!(m.contains("regla entrada de todo el tráfico (protocolo -1) desde el grupo sg-app (ecs-tasks): admite todo el tráfico"), "{m}");
        assert!(
            m.contains("admite al grupo sg-other (bastion), que no es el de las tareas ECS"),
            "{m}"
        );
        assert!(m.contains("admite a su propio grupo"), "{m}");
        assert!(
            m.contains("abre los puertos 0-65535, no solo el 5432"),
            "{m}"
        );
        assert!(
            m.contains("abre el puerto 22, que no es el puerto de la base de datos (5432)"),
            "{m}"
        );
        assert!(m.contains("usa udp"), "{m}");
        assert!(m.contains("cualquier dirección IPv6"), "{m}");
        assert!(m.contains("lista de prefijos pl-123"), "{m}");
        // The -1 and 0-65535 rules admit the tasks: no "inaccessible" finding.
        assert!(!m.contains("inaccesible"), "{m}");
    }

    #[test]
    fn a_database_that_admits_nobody_from_ecs_fails_too() {
        let mut inv = world();
        set_db_ingress(&mut inv, vec![]);
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("inaccesible también para la aplicación"),
            "{}",
            f[0].message
        );
        let mut d = db();
        d.security_group_ids.clear();
        let (f, _) = db_ingress_violations(&inv, &d, &allowed(), Known::ALL);
        assert!(
            f[0].message
                .contains("no tiene grupos de seguridad propios")
        );
    }

    /// A CIDR rule lets the tasks in, wrongly: the database is not
    /// unreachable, and saying so would send the student the wrong way.
    #[test]
    fn a_database_open_to_the_vpc_only_is_not_called_unreachable() {
        let mut inv = world();
        set_db_ingress(&mut inv, vec![tcp(5432, from_cidr("10.0.0.0/16"))]);
        let (f, _) = db_ingress_violations(&inv, &db(), &allowed(), Known::ALL);
        let m = msgs(&f);
        assert_eq!(f.len(), 2, "{m}");
        assert!(!m.contains("inaccesible"), "{m}");
        assert!(m.contains("una regla más amplia"), "{m}");
    }

    #[test]
    fn an_unknown_subnet_cidr_is_covered_by_a_block_that_holds_its_vpc() {
        let mut inv = world();
        for s in inv.subnets.iter_mut() {
            s.cidr = Attr::unknown("var.private_cidrs[count.index]");
        }
        // Egress to 0.0.0.0/0 (the world's) reaches the DB whatever its CIDR.
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(c.reachable, "{c:#?}");
        // So does egress to the VPC's range, known or by the same unknown.
        let egress = |inv: &mut Inventory, peer: SgPeer| {
            inv.security_groups
                .iter_mut()
                .find(|g| g.id == "sg-app")
                .unwrap()
                .egress = vec![tcp(5432, peer)];
        };
        egress(&mut inv, from_cidr("10.0.0.0/16"));
        assert!(connection(&inv, &app(), &database(), 5432).reachable);
        inv.vpcs[0].cidr = Attr::unknown("var.vpc_cidr");
        egress(&mut inv, SgPeer::Cidr(Attr::unknown("var.vpc_cidr")));
        assert!(connection(&inv, &app(), &database(), 5432).reachable);
        // A narrower block may miss the subnet: not decided.
        egress(&mut inv, from_cidr("10.0.5.0/24"));
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(!c.reachable && !c.unanswerable.is_empty(), "{c:#?}");
    }

    #[test]
    fn an_acl_open_to_every_address_passes_a_subnet_of_unknown_cidr() {
        let mut inv = world();
        for s in inv.subnets.iter_mut() {
            s.cidr = Attr::unknown("var.private_cidrs[count.index]");
        }
        inv.network_acls
            .push(allow_all_acl("acl-1", &["subnet-app", "subnet-db"]));
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(c.reachable, "{c:#?}");
        // An ACL that admits only part of the VPC cannot be decided.
        inv.network_acls[0] = acl(
            "acl-1",
            &["subnet-app", "subnet-db"],
            vec![
                entry(100, false, "-1", true, "10.0.1.0/24", None),
                entry(100, true, "-1", true, "10.0.1.0/24", None),
            ],
        );
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(!c.reachable && !c.unanswerable.is_empty(), "{c:#?}");
    }

    #[test]
    fn unknown_db_port_is_unanswerable_for_the_app_rule_only() {
        let mut inv = world();
        let mut d = db();
        d.port = Attr::unknown("aws_db_instance.main.port");
        let (f, u) = db_ingress_violations(&inv, &d, &allowed(), Known::ALL);
        assert!(f.is_empty(), "{f:#?}");
        assert!(u[0].reason.contains("aws_db_instance.main.port"));
        set_db_ingress(
            &mut inv,
            vec![
                tcp(5432, from_sg("sg-app")),
                tcp(5432, from_cidr("0.0.0.0/0")),
            ],
        );
        let (f, _) = db_ingress_violations(&inv, &d, &allowed(), Known::ALL);
        assert_eq!(f.len(), 1, "a CIDR is a violation whatever the port");
    }

    #[test]
    fn intended_path_works_with_default_acls() {
        let inv = world();
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(c.reachable, "{c:#?}");
        assert_eq!(c.path.len(), 1);
        assert!(c.path[0].starts_with("subnet-app (privada-a) → subnet-db (datos-a): sg-app (ecs-tasks): salida de todo el tráfico"), "{}", c.path[0]);
        assert!(
            c.path[0].contains("sg-db (rds): entrada tcp 5432 desde el grupo sg-app (ecs-tasks)"),
            "{}",
            c.path[0]
        );
    }

    #[test]
    fn explicit_allow_all_acls_pass_and_show_the_rules() {
        let mut inv = world();
        inv.network_acls
            .push(allow_all_acl("acl-app", &["subnet-app"]));
        inv.network_acls
            .push(allow_all_acl("acl-db", &["subnet-db"]));
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(c.reachable, "{c:#?}");
        assert!(
            c.path[0].contains("acl-app: salida regla 100"),
            "{}",
            c.path[0]
        );
        assert!(
            c.path[0].contains("vuelta: acl-db: salida regla 100, acl-app: entrada regla 100"),
            "{}",
            c.path[0]
        );
    }

    #[test]
    fn acl_dropping_return_traffic_fails_naming_acl_and_rule() {
        let mut inv = world();
        inv.network_acls
            .push(allow_all_acl("acl-app", &["subnet-app"]));
        inv.network_acls.push(acl(
            "acl-db",
            &["subnet-db"],
            vec![
                entry(100, false, "6", true, "10.0.11.0/24", Some((5432, 5432))),
                entry(100, true, "6", true, "10.0.11.0/24", Some((5432, 5432))),
                entry(32767, false, "-1", false, "0.0.0.0/0", None),
                entry(32767, true, "-1", false, "0.0.0.0/0", None),
            ],
        ));
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(!c.reachable);
        assert_eq!(c.blocked.len(), 1, "{c:#?}");
        let m = &c.blocked[0].message;
        assert_eq!(c.blocked[0].subject, "acl-db");
        assert!(m.starts_with("la respuesta de la base de datos db-1 (subred subnet-db (datos-a)) hacia las tareas ECS (subred subnet-app (privada-a)) en los puertos efímeros 32768-60999: la ACL acl-db, de la subred subnet-db (datos-a), la bloquea: la regla * (32767) deny todo el tráfico 0.0.0.0/0 deniega tcp 32768-60999 hacia 10.0.11.0/24"), "{m}");
        assert!(
            m.contains("; añade una regla allow de salida tcp 32768-60999 hacia 10.0.11.0/24"),
            "{m}"
        );
        assert!(m.contains("no tienen estado"), "{m}");
    }

    #[test]
    fn every_blocking_setting_is_reported() {
        let mut inv = world();
        // Deny before allow on the way in, and no return rule on the app side.
        inv.network_acls.push(acl(
            "acl-app",
            &["subnet-app"],
            vec![entry(100, true, "-1", true, "0.0.0.0/0", None)],
        ));
        inv.network_acls.push(acl(
            "acl-db",
            &["subnet-db"],
            vec![
                entry(50, false, "6", false, "10.0.11.0/24", Some((5432, 5432))),
                entry(100, false, "-1", true, "0.0.0.0/0", None),
                entry(100, true, "-1", true, "0.0.0.0/0", None),
            ],
        ));
        inv.security_groups
            .iter_mut()
            .find(|g| g.id == "sg-app")
            .unwrap()
            .egress
            .clear();
        let c = connection(&inv, &app(), &database(), 5432);
        let m = msgs(&c.blocked);
        assert_eq!(c.blocked.len(), 3, "{m}");
        assert!(m.contains("el grupo sg-app (ecs-tasks) de las tareas ECS no permite la salida tcp 5432 hacia la base de datos db-1"), "{m}");
        assert!(
            m.contains(
                "la regla 50 deny tcp 5432 10.0.11.0/24 deniega tcp 5432 desde 10.0.11.0/24"
            ),
            "{m}"
        );
        assert!(m.contains("la ACL acl-app, de la subred subnet-app (privada-a), la bloquea: la ACL no tiene reglas de entrada"), "{m}");
    }

    #[test]
    fn the_vpc_default_acl_applies_to_unassociated_subnets_and_is_named() {
        let mut inv = world();
        let mut d = acl(
            "acl-default",
            &[],
            vec![
                entry(100, false, "-1", true, "0.0.0.0/0", None),
                entry(100, true, "6", true, "0.0.0.0/0", Some((5432, 5432))),
            ],
        );
        d.is_default = true;
        inv.network_acls.push(d);
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(!c.reachable);
        let m = msgs(&c.blocked);
        assert_eq!(c.blocked.len(), 1, "{m}");
        assert!(m.contains("la ACL acl-default (la ACL por defecto de la VPC), de la subred subnet-db (datos-a), la bloquea: ninguna regla lo permite"), "{m}");
        assert!(m.contains("tcp 32768-60999 hacia 10.0.11.0/24"), "{m}");
    }

    #[test]
    fn same_subnet_traffic_ignores_the_acl() {
        let mut inv = world();
        inv.network_acls
            .push(acl("acl-app", &["subnet-app"], vec![]));
        let mut db_in_app = database();
        db_in_app.subnet_ids = vec!["subnet-app".into()];
        let c = connection(&inv, &app(), &db_in_app, 5432);
        assert!(c.reachable, "{c:#?}");
        assert!(
            c.path[0].contains(
                "misma subred subnet-app (privada-a): el tráfico no cruza su network ACL"
            )
        );
    }

    #[test]
    fn db_ingress_must_admit_the_source() {
        let mut inv = world();
        set_db_ingress(&mut inv, vec![tcp(5432, from_sg("sg-other"))]);
        let c = connection(&inv, &app(), &database(), 5432);
        let m = msgs(&c.blocked);
        assert!(m.contains("el grupo sg-db (rds) de la base de datos db-1 no admite tcp 5432 desde las tareas ECS: añade una regla de entrada tcp 5432 con origen el grupo sg-app (ecs-tasks)"), "{m}");
    }

    #[test]
    fn cidr_rules_must_cover_the_whole_peer_subnet() {
        let mut inv = world();
        set_db_ingress(&mut inv, vec![tcp(5432, from_cidr("10.0.11.0/25"))]);
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(
            msgs(&c.blocked).contains("(subred subnet-app (privada-a), 10.0.11.0/24)"),
            "{c:#?}"
        );
        set_db_ingress(
            &mut inv,
            vec![
                tcp(5432, from_cidr("10.0.11.0/25")),
                tcp(5432, from_cidr("10.0.11.128/25")),
            ],
        );
        assert!(connection(&inv, &app(), &database(), 5432).reachable);
        set_db_ingress(
            &mut inv,
            vec![tcp(5432, SgPeer::Cidr(Attr::unknown("var.app_cidr")))],
        );
        let c = connection(&inv, &app(), &database(), 5432);
        assert!(
            c.blocked.is_empty() && c.unanswerable[0].reason.contains("var.app_cidr"),
            "{c:#?}"
        );
    }

    #[test]
    fn every_subnet_pair_is_checked() {
        let mut inv = world();
        inv.subnets
            .push(subnet("subnet-app-b", "vpc-1", "10.0.12.0/24", "privada-b"));
        inv.network_acls
            .push(allow_all_acl("acl-app", &["subnet-app"]));
        inv.network_acls.push(acl(
            "acl-db",
            &["subnet-db"],
            vec![
                entry(100, false, "6", true, "10.0.11.0/24", Some((5432, 5432))),
                entry(100, true, "6", true, "10.0.0.0/16", Some((1024, 65535))),
            ],
        ));
        let mut from = app();
        from.subnet_ids.push("subnet-app-b".into());
        let c = connection(&inv, &from, &database(), 5432);
        assert!(!c.reachable);
        assert_eq!(c.path.len(), 1, "the pair from subnet-app works: {c:#?}");
        let m = msgs(&c.blocked);
        assert!(
            m.contains(
                "de la conexión de las tareas ECS (subred subnet-app-b (privada-b)) a tcp 5432"
            ),
            "{m}"
        );
        assert!(m.contains("ninguna regla lo permite, así que lo deniega la regla * final (tcp 5432 desde 10.0.12.0/24)"), "{m}");
    }

    #[test]
    fn different_vpcs_without_a_route_are_blocked() {
        let mut inv = world();
        inv.subnets
            .push(subnet("subnet-far", "vpc-2", "10.9.0.0/24", "lejos"));
        let mut to = database();
        to.subnet_ids = vec!["subnet-far".into()];
        let c = connection(&inv, &app(), &to, 5432);
        assert!(
            msgs(&c.blocked).contains("en la VPC vpc-2, y no hay ruta entre ellas"),
            "{c:#?}"
        );
    }

    #[test]
    fn endpoints_without_subnets_or_groups_are_blocked() {
        let inv = world();
        let mut from = app();
        from.security_group_ids.clear();
        let c = connection(&inv, &from, &database(), 5432);
        assert!(
            msgs(&c.blocked).contains("las tareas ECS no tiene grupos de seguridad"),
            "{c:#?}"
        );
        from.subnet_ids.clear();
        let c = connection(&inv, &from, &database(), 5432);
        assert!(!c.reachable);
        assert!(msgs(&c.blocked).contains("no tiene subredes"), "{c:#?}");
    }
}
