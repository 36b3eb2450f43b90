//! Every reference between logical names resolves, and every value AWS would
//! reject is caught before a single call, naming the entry at fault.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use cloudgrade_model::cidr::Ipv4Net;

use super::placeholder::{self, Piece, Ref};
use super::{Ports, RouteTarget, SecretSource, World, WorldError, key_path};

/// Retention periods CloudWatch Logs accepts.
const RETENTION_DAYS: &[i32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

struct Checker<'a> {
    w: &'a World,
}

type Check = Result<(), WorldError>;

impl Checker<'_> {
    fn fail(&self, path: &[&str], message: impl Into<String>) -> WorldError {
        WorldError::Invalid {
            file: self.w.file.clone(),
            path: key_path(path),
            message: message.into(),
        }
    }

    fn exists<T>(
        &self,
        path: &[&str],
        map: &BTreeMap<String, T>,
        name: &str,
        what: &str,
        section: &str,
    ) -> Check {
        if map.contains_key(name) {
            Ok(())
        } else {
            Err(self.fail(
                path,
                format!("«{name}» no nombra ningún {what} (ninguna entrada [{section}.{name}])"),
            ))
        }
    }

    fn subnet(&self, path: &[&str], name: &str) -> Check {
        self.exists(path, &self.w.subnets, name, "subred", "subnets")
    }

    fn group(&self, path: &[&str], name: &str) -> Check {
        self.exists(
            path,
            &self.w.security_groups,
            name,
            "grupo de seguridad",
            "security_groups",
        )
    }

    fn cidr(&self, path: &[&str], c: &str) -> Result<Ipv4Net, WorldError> {
        block(c).ok_or_else(|| self.fail(path, format!("«{c}» no es un CIDR IPv4 (a.b.c.d/n)")))
    }

    fn placeholders(&self, path: &[&str], s: &str) -> Check {
        let pieces = placeholder::parse(s).map_err(|m| self.fail(path, m))?;
        for p in pieces {
            let Piece::Ref(r) = p else { continue };
            match &r {
                Ref::Region | Ref::Account => {}
                Ref::SecretArn(n) => self.exists(path, &self.w.secrets, n, "secreto", "secrets")?,
                Ref::RoleArn(n) => {
                    self.exists(path, &self.w.iam_roles, n, "rol IAM", "iam_roles")?
                }
                Ref::DbAddress(n) | Ref::DbPort(n) => self.exists(
                    path,
                    &self.w.db_instances,
                    n,
                    "instancia RDS",
                    "db_instances",
                )?,
            }
        }
        Ok(())
    }

    fn protocol(&self, path: &[&str], p: &str) -> Check {
        if protocol_number(p).is_some() {
            Ok(())
        } else {
            Err(self.fail(
                path,
                format!("protocolo «{p}»: se espera tcp, udp, icmp, all (o -1) o un número"),
            ))
        }
    }

    /// Ports are required for tcp/udp, forbidden for all-protocols.
    fn ports(&self, path: &[&str], protocol: &str, ports: Option<&Ports>) -> Check {
        let num = protocol_number(protocol);
        match (num.as_deref(), ports) {
            (Some("-1"), Some(_)) => Err(self.fail(
                path,
                "el protocolo all abarca todos los puertos: quita «ports»",
            )),
            (Some("6" | "17"), None) => Err(self.fail(
                path,
                format!("el protocolo {protocol} necesita «ports» (un número o \"desde-hasta\")"),
            )),
            (_, Some(p)) => p.range().map(|_| ()).map_err(|m| self.fail(path, m)),
            _ => Ok(()),
        }
    }

    fn run(&self) -> Check {
        self.network()?;
        self.routing()?;
        self.security_groups()?;
        self.network_acls()?;
        self.databases()?;
        self.containers()?;
        self.identity()?;
        Ok(())
    }

    /// The VPC, its subnets and NAT gateways.
    fn network(&self) -> Check {
        let w = self.w;
        let vpc = self.cidr(&["vpc", "cidr"], &w.vpc.cidr)?;

        for (n, s) in &w.subnets {
            let net = self.cidr(&["subnets", n, "cidr"], &s.cidr)?;
            if !vpc.contains_net(net) {
                return Err(self.fail(
                    &["subnets", n, "cidr"],
                    format!(
                        "{} no está dentro del CIDR de la VPC {}",
                        s.cidr, w.vpc.cidr
                    ),
                ));
            }
            if s.az.is_empty() {
                return Err(self.fail(&["subnets", n, "az"], "falta la zona de disponibilidad"));
            }
        }

        for (n, nat) in &w.nat_gateways {
            self.subnet(&["nat_gateways", n, "subnet"], &nat.subnet)?;
            if let Some(ip) = &nat.public_ip {
                if nat.connectivity != "public" {
                    return Err(self.fail(
                        &["nat_gateways", n, "public_ip"],
                        "un NAT gateway privado no tiene IP pública",
                    ));
                }
                if ip.parse::<Ipv4Addr>().is_err() {
                    return Err(self.fail(
                        &["nat_gateways", n, "public_ip"],
                        format!("«{ip}» no es una dirección IPv4"),
                    ));
                }
            }
            if !matches!(nat.connectivity.as_str(), "public" | "private") {
                return Err(self.fail(
                    &["nat_gateways", n, "connectivity"],
                    format!("«{}»: se espera public o private", nat.connectivity),
                ));
            }
        }

        Ok(())
    }

    /// Route tables: associations, one main table, and targets that exist.
    fn routing(&self) -> Check {
        let w = self.w;
        let mut mains = Vec::new();
        let mut associated: BTreeMap<&str, &str> = BTreeMap::new();
        for (n, rt) in &w.route_tables {
            if rt.main {
                mains.push(n.as_str());
            }
            for s in &rt.subnets {
                self.subnet(&["route_tables", n, "subnets"], s)?;
                if let Some(other) = associated.insert(s, n) {
                    return Err(self.fail(
                        &["route_tables", n, "subnets"],
                        format!("la subred {s} ya está asociada a la tabla {other}: una subred tiene una sola tabla"),
                    ));
                }
            }
            for (dest, target) in &rt.routes {
                let path = ["route_tables", n.as_str(), "routes", dest.as_str()];
                self.cidr(&path, dest)?;
                match RouteTarget::parse(target) {
                    Some(RouteTarget::InternetGateway(g)) => {
                        let Some(igw) = w.internet_gateways.get(&g) else {
                            return Err(self.fail(
                                &path,
                                format!("el destino {target} no nombra ningún internet gateway"),
                            ));
                        };
                        if !igw.attached {
                            return Err(self.fail(
                                &path,
                                format!("el destino {target} es un internet gateway sin adjuntar a la VPC: AWS rechaza la ruta"),
                            ));
                        }
                    }
                    Some(RouteTarget::NatGateway(g)) => {
                        if !w.nat_gateways.contains_key(&g) {
                            return Err(self.fail(
                                &path,
                                format!("el destino {target} no nombra ningún NAT gateway"),
                            ));
                        }
                    }
                    None => {
                        return Err(self.fail(
                            &path,
                            format!("destino «{target}»: se espera igw:<nombre> o nat:<nombre>"),
                        ));
                    }
                }
            }
        }
        if mains.len() > 1 {
            return Err(self.fail(
                &["route_tables", mains[1], "main"],
                format!(
                    "la VPC solo tiene una tabla principal y ya lo es {}",
                    mains[0]
                ),
            ));
        }

        Ok(())
    }

    /// Security group rules: a protocol, ports where needed, one peer.
    fn security_groups(&self) -> Check {
        let w = self.w;
        for (g, sg) in &w.security_groups {
            let egress = sg.egress.iter().flatten().map(|r| ("egress", r));
            for (dir, (rn, r)) in sg.ingress.iter().map(|r| ("ingress", r)).chain(egress) {
                let path = ["security_groups", g.as_str(), dir, rn.as_str()];
                self.protocol(&path, &r.protocol)?;
                self.ports(&path, &r.protocol, r.ports.as_ref())?;
                match (&r.cidr, &r.group) {
                    (Some(c), None) => {
                        self.cidr(&path, c)?;
                    }
                    (None, Some(peer)) => self.group(&path, peer)?,
                    _ => {
                        return Err(self.fail(
                            &path,
                            "cada regla tiene un único origen o destino: «cidr» o «group», no ambos ni ninguno",
                        ));
                    }
                }
            }
        }

        Ok(())
    }

    /// Network ACLs: subnets, and entries AWS would accept.
    fn network_acls(&self) -> Check {
        let w = self.w;
        let mut acl_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (a, acl) in &w.network_acls {
            for s in &acl.subnets {
                self.subnet(&["network_acls", a, "subnets"], s)?;
                if let Some(other) = acl_of.insert(s, a) {
                    return Err(self.fail(
                        &["network_acls", a, "subnets"],
                        format!("la subred {s} ya está asociada a la ACL {other}: una subred tiene una sola ACL"),
                    ));
                }
            }
            let mut numbers = BTreeSet::new();
            for (en, e) in &acl.entries {
                let path = ["network_acls", a.as_str(), "entries", en.as_str()];
                if !(1..=32766).contains(&e.rule) {
                    return Err(self.fail(
                        &path,
                        format!("número de regla {}: debe estar en 1-32766", e.rule),
                    ));
                }
                if !numbers.insert((e.egress, e.rule)) {
                    return Err(self.fail(
                        &path,
                        format!(
                            "el número de regla {} se repite en la misma dirección",
                            e.rule
                        ),
                    ));
                }
                self.protocol(&path, &e.protocol)?;
                self.ports(&path, &e.protocol, e.ports.as_ref())?;
                self.cidr(&path, &e.cidr)?;
                if !matches!(e.action.as_str(), "allow" | "deny") {
                    return Err(self.fail(
                        &path,
                        format!("acción «{}»: se espera allow o deny", e.action),
                    ));
                }
            }
        }

        Ok(())
    }

    /// DB subnet groups and instances.
    fn databases(&self) -> Check {
        let w = self.w;
        for (g, dsg) in &w.db_subnet_groups {
            if dsg.subnets.is_empty() {
                return Err(self.fail(&["db_subnet_groups", g, "subnets"], "no tiene subredes"));
            }
            for s in &dsg.subnets {
                self.subnet(&["db_subnet_groups", g, "subnets"], s)?;
            }
        }

        for (d, db) in &w.db_instances {
            self.exists(
                &["db_instances", d, "subnet_group"],
                &w.db_subnet_groups,
                &db.subnet_group,
                "grupo de subredes de RDS",
                "db_subnet_groups",
            )?;
            for g in &db.security_groups {
                self.group(&["db_instances", d, "security_groups"], g)?;
            }
            if let Some(pg) = &db.parameter_group {
                self.exists(
                    &["db_instances", d, "parameter_group"],
                    &w.db_parameter_groups,
                    pg,
                    "grupo de parámetros de RDS",
                    "db_parameter_groups",
                )?;
            }
            if let Some(s) = &db.password_secret {
                self.exists(
                    &["db_instances", d, "password_secret"],
                    &w.secrets,
                    s,
                    "secreto",
                    "secrets",
                )?;
            }
            if !(1150..=65535).contains(&db.port) {
                return Err(self.fail(
                    &["db_instances", d, "port"],
                    format!("puerto {}: RDS admite 1150-65535", db.port),
                ));
            }
        }

        Ok(())
    }

    /// Task definitions and services.
    fn containers(&self) -> Check {
        let w = self.w;
        for (t, td) in &w.task_definitions {
            for (field, role) in [
                ("execution_role", &td.execution_role),
                ("task_role", &td.task_role),
            ] {
                if let Some(r) = role {
                    self.exists(
                        &["task_definitions", t, field],
                        &w.iam_roles,
                        r,
                        "rol IAM",
                        "iam_roles",
                    )?;
                }
            }
            if td.containers.is_empty() {
                return Err(self.fail(
                    &["task_definitions", t, "containers"],
                    "no tiene contenedores",
                ));
            }
            for (c, ct) in &td.containers {
                self.placeholders(
                    &["task_definitions", t, "containers", c, "image"],
                    &ct.image,
                )?;
                for (k, v) in &ct.environment {
                    self.placeholders(
                        &["task_definitions", t, "containers", c, "environment", k],
                        v,
                    )?;
                }
                for (k, v) in &ct.secrets {
                    let path = [
                        "task_definitions",
                        t.as_str(),
                        "containers",
                        c.as_str(),
                        "secrets",
                        k.as_str(),
                    ];
                    match SecretSource::parse(v) {
                        SecretSource::Secret(s) => {
                            self.exists(&path, &w.secrets, &s, "secreto", "secrets")?
                        }
                        SecretSource::Arn(a) => self.placeholders(&path, &a)?,
                    }
                }
                if let Some(lg) = &ct.log_group {
                    self.exists(
                        &["task_definitions", t, "containers", c, "log_group"],
                        &w.log_groups,
                        lg,
                        "grupo de logs",
                        "log_groups",
                    )?;
                }
                if ct.awslogs_group.is_some() && ct.log_group.is_none() {
                    return Err(self.fail(
                        &["task_definitions", t, "containers", c, "awslogs_group"],
                        "awslogs_group cambia el nombre del grupo de log_group, que falta",
                    ));
                }
                if ct.health_check.as_ref().is_some_and(Vec::is_empty) {
                    return Err(self.fail(
                        &["task_definitions", t, "containers", c, "health_check"],
                        "el comando del health check está vacío",
                    ));
                }
            }
        }

        for (s, svc) in &w.ecs_services {
            self.exists(
                &["ecs_services", s, "cluster"],
                &w.ecs_clusters,
                &svc.cluster,
                "clúster ECS",
                "ecs_clusters",
            )?;
            self.exists(
                &["ecs_services", s, "task_definition"],
                &w.task_definitions,
                &svc.task_definition,
                "definición de tarea",
                "task_definitions",
            )?;
            let awsvpc = w
                .task_definitions
                .get(&svc.task_definition)
                .is_none_or(|td| td.network_mode == "awsvpc");
            if awsvpc && svc.subnets.is_empty() {
                return Err(self.fail(
                    &["ecs_services", s, "subnets"],
                    "un servicio awsvpc necesita subredes",
                ));
            }
            let networkless = svc.subnets.is_empty() && svc.security_groups.is_empty();
            if !awsvpc && !networkless {
                return Err(self.fail(
                    &["ecs_services", s, "subnets"],
                    "un servicio cuya definición de tarea no usa red awsvpc no lleva subredes ni grupos: sus tareas usan la red de su instancia EC2",
                ));
            }
            for n in &svc.subnets {
                self.subnet(&["ecs_services", s, "subnets"], n)?;
            }
            for g in &svc.security_groups {
                self.group(&["ecs_services", s, "security_groups"], g)?;
            }
            if let Some(lb) = &svc.load_balancer {
                self.exists(
                    &["ecs_services", s, "load_balancer", "target_group"],
                    &w.target_groups,
                    &lb.target_group,
                    "grupo de destino",
                    "target_groups",
                )?;
                let runs = w
                    .task_definitions
                    .get(&svc.task_definition)
                    .is_some_and(|td| td.containers.contains_key(&lb.container));
                if !runs {
                    return Err(self.fail(
                        &["ecs_services", s, "load_balancer", "container"],
                        format!(
                            "«{}» no es un contenedor de la definición de tarea {}",
                            lb.container, svc.task_definition
                        ),
                    ));
                }
            }
        }

        for (l, lb) in &w.load_balancers {
            if lb.name.trim().is_empty() {
                return Err(self.fail(&["load_balancers", l, "name"], "el nombre está vacío"));
            }
            for n in &lb.subnets {
                self.subnet(&["load_balancers", l, "subnets"], n)?;
            }
            for g in &lb.security_groups {
                self.group(&["load_balancers", l, "security_groups"], g)?;
            }
        }
        for (t, tg) in &w.target_groups {
            if !(1..=65535).contains(&tg.port) {
                return Err(self.fail(
                    &["target_groups", t, "port"],
                    format!("{}: un puerto va de 1 a 65535", tg.port),
                ));
            }
            if !matches!(tg.target_type.as_str(), "ip" | "instance") {
                return Err(self.fail(
                    &["target_groups", t, "target_type"],
                    format!("«{}»: se espera ip o instance", tg.target_type),
                ));
            }
        }
        for (l, listener) in &w.listeners {
            self.exists(
                &["listeners", l, "load_balancer"],
                &w.load_balancers,
                &listener.load_balancer,
                "balanceador",
                "load_balancers",
            )?;
            if let Some(tg) = &listener.forward {
                self.exists(
                    &["listeners", l, "forward"],
                    &w.target_groups,
                    tg,
                    "grupo de destino",
                    "target_groups",
                )?;
            }
            if !(1..=65535).contains(&listener.port) {
                return Err(self.fail(
                    &["listeners", l, "port"],
                    format!("{}: un puerto va de 1 a 65535", listener.port),
                ));
            }
        }

        Ok(())
    }

    /// Roles, secrets and log groups.
    fn identity(&self) -> Check {
        let w = self.w;
        for (r, role) in &w.iam_roles {
            if role.trust.is_empty() {
                return Err(self.fail(
                    &["iam_roles", r, "trust"],
                    "nadie puede asumir el rol: añade un servicio",
                ));
            }
            for (p, doc) in &role.policies {
                let path = ["iam_roles", r.as_str(), "policies", p.as_str()];
                serde_json::from_str::<serde_json::Value>(doc)
                    .map_err(|e| self.fail(&path, format!("la política no es JSON válido: {e}")))?;
                self.placeholders(&path, doc)?;
            }
        }

        for (s, secret) in &w.secrets {
            if secret.name.trim().is_empty() {
                return Err(self.fail(&["secrets", s, "name"], "el nombre está vacío"));
            }
        }

        for (f, flow) in &w.flow_logs {
            if !["ACCEPT", "REJECT", "ALL"].contains(&flow.traffic_type.as_str()) {
                return Err(self.fail(
                    &["flow_logs", f, "traffic_type"],
                    format!("«{}»: se espera ACCEPT, REJECT o ALL", flow.traffic_type),
                ));
            }
            self.exists(
                &["flow_logs", f, "log_group"],
                &w.log_groups,
                &flow.log_group,
                "grupo de logs",
                "log_groups",
            )?;
            self.exists(
                &["flow_logs", f, "role"],
                &w.iam_roles,
                &flow.role,
                "rol",
                "iam_roles",
            )?;
        }

        for (l, lg) in &w.log_groups {
            if let Some(d) = lg.retention_days
                && !RETENTION_DAYS.contains(&d)
            {
                return Err(self.fail(
                    &["log_groups", l, "retention_days"],
                    format!("{d} días: CloudWatch solo admite {RETENTION_DAYS:?}"),
                ));
            }
        }
        Ok(())
    }
}

pub(super) fn check(w: &World) -> Check {
    Checker { w }.run()
}

/// The protocol as AWS's network ACL API wants it: a number, `-1` for all.
pub fn protocol_number(p: &str) -> Option<String> {
    match p.to_ascii_lowercase().as_str() {
        "tcp" => Some("6".into()),
        "udp" => Some("17".into()),
        "icmp" => Some("1".into()),
        "all" | "-1" => Some("-1".into()),
        n => n.parse::<u8>().ok().map(|x| x.to_string()),
    }
}

/// A world writes whole blocks (`a.b.c.d/n`), never a bare address.
fn block(c: &str) -> Option<Ipv4Net> {
    c.contains('/').then(|| Ipv4Net::parse(c).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_containment() {
        let vpc = block("10.0.0.0/16").unwrap();
        assert!(vpc.contains_net(block("10.0.3.0/24").unwrap()));
        assert!(!vpc.contains_net(block("10.1.0.0/24").unwrap()));
        assert!(!vpc.contains_net(block("10.0.0.0/8").unwrap()));
        assert!(block("0.0.0.0/0").unwrap().contains_net(vpc));
        assert!(block("10.0.0.0/33").is_none());
        assert!(block("10.0.0/16").is_none());
        assert!(block("10.0.0.1").is_none());
    }

    #[test]
    fn protocols_become_numbers() {
        assert_eq!(protocol_number("TCP").as_deref(), Some("6"));
        assert_eq!(protocol_number("all").as_deref(), Some("-1"));
        assert_eq!(protocol_number("50").as_deref(), Some("50"));
        assert_eq!(protocol_number("tcpx"), None);
    }
}
