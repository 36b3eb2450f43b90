//! Where a subnet's traffic goes: its effective route table, longest-prefix
//! match, and HEADLINE 1 (a private subnet reaches the internet only through
//! a NAT gateway that itself reaches an internet gateway).

use cloudgrade_model::{
    Attr, InternetGateway, Inventory, NatGateway, ResourceKind, Route, RouteTable, RouteTarget,
    Subnet,
};

use super::cidr::{self, Ipv4Net, Ipv4Range};
use super::{Finding, Unanswerable, gaps, label, push_unique};

/// The route table a subnet uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TableChoice<'a> {
    /// Explicitly associated with the subnet.
    Explicit(&'a RouteTable),
    /// The VPC's main table, used by every subnet without an association.
    Main(&'a RouteTable),
    /// Neither is in the inventory (or the subnet is not).
    Missing,
}

impl<'a> TableChoice<'a> {
    pub fn table(self) -> Option<&'a RouteTable> {
        match self {
            TableChoice::Explicit(t) | TableChoice::Main(t) => Some(t),
            TableChoice::Missing => None,
        }
    }
}

/// The explicitly associated table, else the main table of the subnet's VPC.
pub fn effective_route_table<'a>(inv: &'a Inventory, subnet_id: &str) -> TableChoice<'a> {
    if let Some(t) = inv
        .route_tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
    {
        return TableChoice::Explicit(t);
    }
    let Some(subnet) = inv.subnet(subnet_id) else {
        return TableChoice::Missing;
    };
    match inv
        .route_tables
        .iter()
        .find(|t| t.main && t.vpc_id == subnet.vpc_id)
    {
        Some(t) => TableChoice::Main(t),
        None => TableChoice::Missing,
    }
}

/// A route's IPv4 destination, when it has a usable one.
enum Dest<'a> {
    V4(Ipv4Net),
    Unknown(&'a str),
    Invalid(String),
    /// IPv6 or a prefix list: not part of the IPv4 longest-prefix match.
    Other,
}

fn dest(route: &Route) -> Dest<'_> {
    match &route.destination {
        Some(Attr::Known(s)) => match Ipv4Net::parse(s) {
            Ok(n) => Dest::V4(n),
            Err(e) => Dest::Invalid(e.to_string()),
        },
        Some(Attr::Unknown(u)) => Dest::Unknown(&u.unknown),
        None => Dest::Other,
    }
}

/// How a route's destination is shown to a student.
pub fn describe_destination(route: &Route) -> String {
    match (
        &route.destination,
        &route.destination_ipv6,
        &route.prefix_list_id,
    ) {
        (Some(Attr::Known(s)), _, _) => s.clone(),
        (Some(Attr::Unknown(u)), _, _) => format!("{} (conocido tras apply)", u.unknown),
        (None, Some(v6), _) => format!("IPv6 {v6}"),
        (None, None, Some(pl)) => format!("la lista de prefijos {pl}"),
        (None, None, None) => "(sin destino)".into(),
    }
}

/// How a route's target is shown, with what kind of thing it is.
pub fn describe_target(target: &RouteTarget) -> String {
    match target {
        RouteTarget::Local => "local (dentro de la VPC)".into(),
        RouteTarget::InternetGateway(id) => format!("el internet gateway {id}"),
        RouteTarget::EgressOnlyInternetGateway(id) => {
            format!("el egress-only internet gateway {id}")
        }
        RouteTarget::NatGateway(id) => format!("el NAT gateway {id}"),
        RouteTarget::Instance(id) => format!("la instancia {id}"),
        RouteTarget::NetworkInterface(id) => format!("la interfaz de red {id}"),
        RouteTarget::VpcPeering(id) => format!("el peering de VPC {id}"),
        RouteTarget::TransitGateway(id) => format!("el transit gateway {id}"),
        RouteTarget::VpnGateway(id) => format!("el virtual private gateway {id}"),
        RouteTarget::VpcEndpoint(id) => format!("el endpoint de VPC {id}"),
        RouteTarget::Unknown(r) => format!("{r} (conocido tras apply)"),
    }
}

/// `al NAT gateway nat-1`, `a la instancia i-1`: a target after "va".
pub fn towards(target: &RouteTarget) -> String {
    let d = describe_target(target);
    match d.strip_prefix("el ") {
        Some(rest) => format!("al {rest}"),
        None => format!("a {d}"),
    }
}

/// Longest-prefix match among the routes with a known IPv4 destination.
/// Routes whose destination is unknown are skipped: callers that need an
/// exact answer use [`internet_targets`], which reports them.
pub fn lookup(table: &RouteTable, addr: u32) -> Option<&Route> {
    let mut best: Option<(u8, &Route)> = None;
    for r in &table.routes {
        if let Dest::V4(net) = dest(r)
            && net.contains(addr)
            && best.is_none_or(|(p, _)| net.prefix() > p)
        {
            best = Some((net.prefix(), r));
        }
    }
    best.map(|(_, r)| r)
}

/// The exact partition of the public IPv4 space by the table's
/// longest-prefix match: each range paired with the route its addresses use
/// (`None`: no route, the traffic is dropped). Adjacent ranges with the same
/// route are merged. Every boundary of a route prefix or of a non-public
/// block is a cut point, so `0.0.0.0/1` + `128.0.0.0/1` and routes more
/// specific than the default are accounted for exactly.
pub fn internet_targets(
    table: &RouteTable,
) -> Result<Vec<(Ipv4Range, Option<&Route>)>, Unanswerable> {
    let subject = label(&table.id, &table.tags);
    let mut cuts: Vec<u64> = Vec::new();
    for r in &table.routes {
        match dest(r) {
            Dest::V4(net) => {
                cuts.push(u64::from(net.first()));
                cuts.push(u64::from(net.last()) + 1);
            }
            // A local route's destination is the VPC's own range (AWS
            // refuses any other): whatever it is, that traffic never leaves
            // the VPC, so an unknown one hides no way out.
            Dest::Unknown(_) if r.target == RouteTarget::Local => {}
            Dest::Unknown(reference) => {
                return Err(Unanswerable::new(
                    subject,
                    format!(
                        "la ruta con destino {reference} (conocido tras apply) hacia {} puede cubrir direcciones de internet: hasta conocer su destino no se sabe por dónde sale el tráfico",
                        describe_target(&r.target)
                    ),
                ));
            }
            Dest::Invalid(why) => {
                return Err(Unanswerable::new(
                    subject,
                    format!(
                        "una ruta hacia {} tiene un destino ilegible: {why}",
                        describe_target(&r.target)
                    ),
                ));
            }
            Dest::Other => {}
        }
    }
    for p in cidr::public_ranges() {
        cuts.push(u64::from(p.first));
        cuts.push(u64::from(p.last) + 1);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(Ipv4Range, Option<&Route>)> = Vec::new();
    for w in cuts.windows(2) {
        let (Ok(first), Ok(last)) = (u32::try_from(w[0]), u32::try_from(w[1] - 1)) else {
            continue;
        };
        if !cidr::is_public(first) {
            continue;
        }
        let route = lookup(table, first);
        if let Some((prev, prev_route)) = out.last_mut()
            && u64::from(prev.last) + 1 == u64::from(first)
            && same_route(*prev_route, route)
        {
            prev.last = last;
            continue;
        }
        out.push((Ipv4Range { first, last }, route));
    }
    Ok(out)
}

fn same_route(a: Option<&Route>, b: Option<&Route>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// HEADLINE 1 for one subnet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EgressReport {
    /// The subnet's label.
    pub subnet: String,
    /// The label of its effective route table, when there is one.
    pub route_table: Option<String>,
    /// The table is explicitly associated (else it is the VPC's main table).
    pub explicit: bool,
    /// No problem and nothing unanswerable.
    pub ok: bool,
    /// The way out, e.g. `["subnet-1 (privada-a)", "rtb-2 (0.0.0.0/0)",
    /// "nat-3 en subnet-4 (publica-a)", "igw-5"]`.
    pub path: Vec<String>,
    /// Every problem found, not only the first.
    pub problems: Vec<Finding>,
    pub unanswerable: Vec<Unanswerable>,
}

impl EgressReport {
    fn problem(&mut self, f: Finding) {
        push_unique(&mut self.problems, f);
    }
    fn unknown(&mut self, u: Unanswerable) {
        push_unique(&mut self.unanswerable, u);
    }
    fn finish(mut self) -> Self {
        self.ok = self.problems.is_empty() && self.unanswerable.is_empty();
        self
    }
}

/// HEADLINE 1, items 1-3 and 5: every public destination of the subnet's
/// effective table goes to an available public NAT gateway (or a NAT
/// instance) that sits in a subnet routing to an internet gateway of the same
/// VPC; no route of the table goes to an internet gateway; nothing is left
/// without a route or sent to a blackhole.
pub fn private_egress(inv: &Inventory, subnet_id: &str) -> EgressReport {
    let mut rep = EgressReport {
        subnet: subnet_id.to_string(),
        route_table: None,
        explicit: false,
        ok: false,
        path: Vec::new(),
        problems: Vec::new(),
        unanswerable: Vec::new(),
    };
    let Some(subnet) = inv.subnet(subnet_id) else {
        rep.path.push(subnet_id.to_string());
        missing(
            inv,
            &mut rep,
            ResourceKind::Subnet,
            subnet_id,
            format!("la subred {subnet_id} no existe en el inventario"),
        );
        return rep.finish();
    };
    let sl = label(&subnet.id, &subnet.tags);
    rep.subnet = sl.clone();
    rep.path.push(sl.clone());
    let table_gaps = gaps(inv, ResourceKind::RouteTable, &sl);
    let choice = effective_route_table(inv, subnet_id);
    let explicit = matches!(choice, TableChoice::Explicit(_));
    // Gaps of associations only: they may move a subnet off the main
    // table, never one with its own association, and add no route.
    let decided_anyway = explicit && !routes_may_be_unread(inv);
    if !table_gaps.is_empty() && !decided_anyway {
        // With tables unread, a subnet on the main table may have its
        // explicit association among them, and any table may have routes
        // among them. A subnet has one association, and what the source
        // could not read can add routes but never remove one: a route to an
        // internet gateway in the table it is known to use is there for
        // every value of the unknowns.
        if let TableChoice::Explicit(table) = choice {
            let tl = label(&table.id, &table.tags);
            rep.explicit = true;
            rep.route_table = Some(tl.clone());
            let ctx = format!("la subred {sl} usa la tabla {tl} (asociación explícita)");
            igw_routes(&mut rep, table, &sl, &ctx);
        }
        table_gaps.into_iter().for_each(|u| rep.unknown(u));
        return rep.finish();
    }
    // The main table is found by the subnet's VPC: when a subnet's vpc_id
    // could not be read, the one found (or none) may not be its own.
    let vpc_missing = inv.vpc(&subnet.vpc_id).is_none();
    let vpc_unread: Vec<Unanswerable> = inv
        .gaps_reading(ResourceKind::Subnet, &["vpc_id"])
        .chain(inv.gaps_for(ResourceKind::Vpc).filter(|_| vpc_missing))
        .filter(|_| !explicit)
        .map(|g| {
            Unanswerable::new(
                &sl,
                format!(
                    "no se sabe en qué VPC está la subred, ni por tanto su tabla principal ({}: {})",
                    g.operation, g.message
                ),
            )
        })
        .collect();
    if !vpc_unread.is_empty() {
        vpc_unread.into_iter().for_each(|u| rep.unknown(u));
        return rep.finish();
    }
    let Some(table) = choice.table() else {
        rep.problem(Finding::new(
            &sl,
            format!(
                "la subred {sl} no tiene tabla de rutas asociada y no se encuentra la tabla principal de la VPC {}: usa la tabla principal por defecto, que solo tiene la ruta local, así que no tiene salida: añade una ruta 0.0.0.0/0 a un NAT gateway en una tabla asociada a la subred",
                subnet.vpc_id
            ),
            subnet.origin.as_ref(),
        ));
        return rep.finish();
    };
    rep.explicit = explicit;
    let tl = label(&table.id, &table.tags);
    rep.route_table = Some(tl.clone());
    let how = if rep.explicit {
        "asociación explícita".to_string()
    } else {
        format!(
            "la tabla principal de la VPC {}, porque la subred no tiene asociación explícita",
            subnet.vpc_id
        )
    };
    let ctx = format!("la subred {sl} usa la tabla {tl} ({how})");

    igw_routes(&mut rep, table, &sl, &ctx);

    let no_egress = || {
        Finding::new(
            &sl,
            format!(
                "{ctx}; ninguna de sus rutas lleva a internet, así que no tiene salida: añade una ruta 0.0.0.0/0 a un NAT gateway (uno en una subred pública de la VPC)"
            ),
            table.origin.as_ref(),
        )
    };
    let parts = match internet_targets(table) {
        Ok(p) => p,
        // Only local routes, one of them to a VPC CIDR known after apply: a
        // VPC block is a /16 at most, so whatever its value almost all of
        // the internet has no route. No egress holds for every value.
        Err(_) if table.routes.iter().all(|r| r.target == RouteTarget::Local) => {
            rep.problem(no_egress());
            return rep.finish();
        }
        Err(u) => {
            rep.unknown(u);
            return rep.finish();
        }
    };
    let groups = group_by_target(&parts);
    let uncovered: Vec<Ipv4Range> = parts
        .iter()
        .filter(|(_, r)| r.is_none())
        .map(|(range, _)| *range)
        .collect();
    let leaves = groups.iter().any(|g| g.target != &RouteTarget::Local);
    if !leaves {
        rep.problem(no_egress());
    } else if !uncovered.is_empty() {
        rep.problem(Finding::new(
            &sl,
            format!(
                "{ctx}; no tiene ruta para parte de las direcciones de internet ({}): ese tráfico se descarta; lo habitual es una sola ruta 0.0.0.0/0 a un NAT gateway",
                list_ranges(&uncovered)
            ),
            table.origin.as_ref(),
        ));
    }

    for g in &groups {
        if g.target == &RouteTarget::Local {
            continue;
        }
        let dests = g
            .routes
            .iter()
            .map(|r| describe_destination(r))
            .collect::<Vec<_>>()
            .join(", ");
        let rutas = if g.routes.len() == 1 {
            format!("su ruta {dests} va")
        } else {
            format!("sus rutas {dests} van")
        };
        rep.path.push(format!("{} ({dests})", table.id));
        let origin = g
            .routes
            .first()
            .and_then(|r| r.origin.as_ref())
            .or(table.origin.as_ref());
        if g.blackhole {
            rep.problem(Finding::new(
                &sl,
                format!(
                    "{ctx}; {rutas} {}, que ya no existe (ruta blackhole): el tráfico a internet se descarta; apunta la ruta a un NAT gateway disponible",
                    towards(g.target)
                ),
                origin,
            ));
            continue;
        }
        match g.target {
            RouteTarget::NatGateway(id) => {
                // Whether the NAT works reads NAT gateways and internet
                // gateways (its attachment): with either unread, what it
                // finds wrong may be made right by what is missing.
                let before = rep.problems.len();
                check_nat(inv, &mut rep, subnet, &ctx, &rutas, id, &g.ranges);
                // It compares the NAT's VPC with the subnet's, too.
                let unread: Vec<Unanswerable> = [ResourceKind::NatGateway, ResourceKind::InternetGateway]
                    .into_iter()
                    .flat_map(|k| gaps(inv, k, &sl))
                    .chain(
                        inv.gaps_reading(ResourceKind::Subnet, &["vpc_id", "subnet_id"])
                            .map(|g| Unanswerable::new(&sl, format!("{}: {}", g.operation, g.message))),
                    )
                    .collect();
                if rep.problems.len() > before && !unread.is_empty() {
                    rep.problems.truncate(before);
                    unread.into_iter().for_each(|u| rep.unknown(u));
                }
            }
            RouteTarget::Instance(id) => rep.path.push(format!("{id} (instancia NAT)")),
            RouteTarget::NetworkInterface(id) => rep.path.push(format!("{id} (interfaz de red de una instancia NAT)")),
            // Already reported above, route by route.
            RouteTarget::InternetGateway(id) => rep.path.push(id.clone()),
            RouteTarget::Unknown(reference) => rep.unknown(Unanswerable::new(
                &sl,
                format!(
                    "{ctx}; {rutas} a {reference}, que solo se conoce tras apply: no se puede saber si es un NAT gateway"
                ),
            )),
            other => rep.problem(Finding::new(
                &sl,
                format!(
                    "{ctx}; {rutas} {}: una subred privada debe salir a internet por un NAT gateway (y cloudgrade no sigue el tráfico más allá de ese destino)",
                    towards(other)
                ),
                origin,
            )),
        }
    }
    rep.finish()
}

/// Whether some route the source could not read may belong to a known
/// table: any route-table gap but those confined to associations (see the
/// terraform source's `subnet_ids` gaps).
pub fn routes_may_be_unread(inv: &Inventory) -> bool {
    inv.gaps_for(ResourceKind::RouteTable).any(|g| {
        let mut fields = inv
            .gap_fields
            .iter()
            .filter(|f| f.kind == g.kind && f.operation == g.operation)
            .peekable();
        fields.peek().is_none() || fields.any(|f| f.field != "subnet_ids")
    })
}

/// Item 5: any route to an internet gateway, even a specific one, lets the
/// internet in and the subnet out without NAT.
fn igw_routes(rep: &mut EgressReport, table: &RouteTable, sl: &str, ctx: &str) {
    for r in &table.routes {
        if let RouteTarget::InternetGateway(igw) = &r.target {
            rep.problem(Finding::new(
                sl,
                format!(
                    "{ctx}; su ruta {} va al internet gateway {igw}: {}",
                    describe_destination(r),
                    igw_route_why(r)
                ),
                r.origin.as_ref().or(table.origin.as_ref()),
            ));
        }
    }
}

fn igw_route_why(r: &Route) -> &'static str {
    let covers_public = |net: Ipv4Net| {
        cidr::public_ranges()
            .iter()
            .any(|p| net.range().intersect(*p).is_some())
    };
    match dest(r) {
        Dest::V4(net) if net.prefix() == 0 => {
            "una subred privada debe salir por un NAT gateway, y una ruta a un internet gateway la hace pública: apunta 0.0.0.0/0 a un NAT gateway de una subred pública"
        }
        Dest::V4(net) if covers_public(net) => {
            "esas direcciones salen directamente por el internet gateway, sin NAT, y desde ellas se puede llegar a la subred (la ruta de vuelta desde internet): una ruta a un internet gateway, aunque sea más específica que 0.0.0.0/0, hace pública la subred; quítala y deja que todo internet salga por el NAT gateway"
        }
        _ if r.destination.is_none() && r.destination_ipv6.is_some() => {
            "por IPv6 la subred queda expuesta a internet en ambos sentidos; una subred privada no debe tener rutas a un internet gateway (para salir por IPv6 sin ser alcanzable se usa un egress-only internet gateway)"
        }
        _ => {
            "una subred privada no debe tener ninguna ruta a un internet gateway: quítala y saca el tráfico a internet por un NAT gateway"
        }
    }
}

/// The routes of one target that carry some public space.
struct TargetGroup<'a> {
    target: &'a RouteTarget,
    blackhole: bool,
    routes: Vec<&'a Route>,
    ranges: Vec<Ipv4Range>,
}

fn group_by_target<'a>(parts: &[(Ipv4Range, Option<&'a Route>)]) -> Vec<TargetGroup<'a>> {
    let mut groups: Vec<TargetGroup<'a>> = Vec::new();
    for (range, route) in parts {
        let Some(route) = route else { continue };
        let pos = groups
            .iter()
            .position(|g| g.target == &route.target && g.blackhole == route.blackhole);
        let g = match pos {
            Some(i) => &mut groups[i],
            None => {
                groups.push(TargetGroup {
                    target: &route.target,
                    blackhole: route.blackhole,
                    routes: Vec::new(),
                    ranges: Vec::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        if !g.routes.iter().any(|r| std::ptr::eq(*r, *route)) {
            g.routes.push(route);
        }
        g.ranges.push(*range);
    }
    groups
}

fn list_ranges(ranges: &[Ipv4Range]) -> String {
    const SHOWN: usize = 4;
    let mut s = ranges
        .iter()
        .take(SHOWN)
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if ranges.len() > SHOWN {
        s.push_str(&format!(" y {} rangos más", ranges.len() - SHOWN));
    }
    s
}

/// A resource that is not in the inventory: unknown when its kind has a gap,
/// otherwise a problem.
fn missing(
    inv: &Inventory,
    rep: &mut EgressReport,
    kind: ResourceKind,
    subject: &str,
    problem: String,
) {
    let g = gaps(inv, kind, subject);
    if g.is_empty() {
        rep.problem(Finding::new(subject, problem, None));
    } else {
        g.into_iter().for_each(|u| rep.unknown(u));
    }
}

/// Item 3: the NAT gateway works and its own subnet reaches an internet
/// gateway of the same VPC, for the part of the internet routed to it.
fn check_nat(
    inv: &Inventory,
    rep: &mut EgressReport,
    subnet: &Subnet,
    ctx: &str,
    rutas: &str,
    nat_id: &str,
    routed: &[Ipv4Range],
) {
    let sl = rep.subnet.clone();
    let Some(nat) = inv.nat_gateway(nat_id) else {
        missing(
            inv,
            rep,
            ResourceKind::NatGateway,
            &sl,
            format!(
                "{ctx}; {rutas} al NAT gateway {nat_id}, que no existe en el inventario: el tráfico a internet se descarta"
            ),
        );
        return;
    };
    let nl = label(&nat.id, &nat.tags);
    let origin = nat.origin.as_ref();
    if nat.state != "available" {
        rep.problem(Finding::new(
            &nl,
            format!(
                "{ctx}; {rutas} al NAT gateway {nl}, que está en estado «{}»: solo un NAT gateway en estado available reenvía tráfico",
                nat.state
            ),
            origin,
        ));
    }
    if nat.connectivity != "public" {
        rep.problem(Finding::new(
            &nl,
            format!(
                "el NAT gateway {nl} (usado por la subred {sl}) tiene conectividad «{}»: un NAT gateway privado no tiene dirección pública y no da salida a internet; créalo con conectividad pública y una Elastic IP",
                nat.connectivity
            ),
            origin,
        ));
    } else {
        check_nat_address(rep, nat, &nl, &sl);
    }
    if nat.vpc_id != subnet.vpc_id {
        rep.problem(Finding::new(
            &nl,
            format!(
                "el NAT gateway {nl} está en la VPC {}, no en la VPC {} de la subred {sl}",
                nat.vpc_id, subnet.vpc_id
            ),
            origin,
        ));
    }
    let Some(home) = inv.subnet(&nat.subnet_id) else {
        rep.path.push(format!("{nl} en {}", nat.subnet_id));
        missing(
            inv,
            rep,
            ResourceKind::Subnet,
            &nl,
            format!(
                "el NAT gateway {nl} está en la subred {}, que no existe en el inventario: no se puede comprobar que salga a internet",
                nat.subnet_id
            ),
        );
        return;
    };
    let hl = label(&home.id, &home.tags);
    rep.path.push(format!("{nl} en {hl}"));
    let dead_end = "un NAT gateway en una subred privada es un callejón sin salida: traduce la dirección, pero su propia subred no sale a internet; créalo en una subred pública, cuya tabla lleve 0.0.0.0/0 al internet gateway de la VPC";
    let exit = match igw_exit(inv, home, routed, &nl) {
        Exit::Unknown(u) => {
            u.into_iter().for_each(|u| rep.unknown(u));
            return;
        }
        Exit::NoTable => {
            rep.problem(Finding::new(
                &nl,
                format!(
                    "el NAT gateway {nl} está en la subred {hl}, que no tiene tabla de rutas con salida (ni se encuentra la tabla principal de su VPC): {dead_end}"
                ),
                origin,
            ));
            return;
        }
        Exit::Routes(e) => e,
    };
    let htl = label(&exit.table.id, &exit.table.tags);
    let (wrong, igws) = (exit.wrong, exit.igws);
    if !wrong.is_empty() {
        rep.problem(Finding::new(
            &nl,
            format!(
                "la subred {sl} sale por el NAT gateway {nl}, que está en la subred {hl}, cuya tabla {htl} no lleva a internet por un internet gateway ({}): {dead_end}",
                wrong.join("; ")
            ),
            origin,
        ));
    }
    for (igw_id, route) in igws {
        match inv.internet_gateway(igw_id) {
            None => missing(
                inv,
                rep,
                ResourceKind::InternetGateway,
                &nl,
                format!(
                    "la ruta {} de la tabla {htl} (subred {hl}, donde está el NAT gateway {nl}) va al internet gateway {igw_id}, que no existe en el inventario: el NAT no tiene salida",
                    describe_destination(route)
                ),
            ),
            Some(igw) if igw.attached_vpc_ids.iter().any(|v| v == &nat.vpc_id) => {
                rep.path.push(label(&igw.id, &igw.tags));
            }
            Some(igw) => {
                let il = label(&igw.id, &igw.tags);
                let now = attachment(igw);
                rep.path.push(il.clone());
                rep.problem(Finding::new(
                    &il,
                    format!(
                        "el internet gateway {il}, al que sale la subred {hl} del NAT gateway {nl}, {now} y no a la VPC {}: sin él, el NAT es un callejón sin salida; conecta el internet gateway a la VPC",
                        nat.vpc_id
                    ),
                    igw.origin.as_ref(),
                ));
            }
        }
    }
}

/// Where a subnet's own route table sends `ranges` of internet addresses:
/// the internet gateways it reaches (with the route that does), and what
/// goes elsewhere or nowhere, described. `subject` names the question in an
/// unknown. Shared by the NAT's subnet (HEADLINE 1) and the public subnets.
enum Exit<'a> {
    Unknown(Vec<Unanswerable>),
    /// No table: neither an association nor the VPC's main table is known.
    NoTable,
    Routes(IgwExit<'a>),
}

struct IgwExit<'a> {
    table: &'a RouteTable,
    igws: Vec<(&'a str, &'a Route)>,
    /// Each way out that is not an internet gateway, first what has none.
    wrong: Vec<String>,
}

fn igw_exit<'a>(
    inv: &'a Inventory,
    home: &Subnet,
    routed: &[Ipv4Range],
    subject: &str,
) -> Exit<'a> {
    let home_choice = effective_route_table(inv, &home.id);
    if !matches!(home_choice, TableChoice::Explicit(_)) {
        let g = gaps(inv, ResourceKind::RouteTable, subject);
        if !g.is_empty() {
            // An unread association may give the subnet another table.
            return Exit::Unknown(g);
        }
    }
    let Some(home_table) = home_choice.table() else {
        return Exit::NoTable;
    };
    let home_parts = match internet_targets(home_table) {
        Ok(p) => p,
        Err(u) => return Exit::Unknown(vec![u]),
    };
    // Only the addresses asked about matter.
    let mut wrong: Vec<String> = Vec::new();
    let mut igws: Vec<(&str, &Route)> = Vec::new();
    let mut unrouted: Vec<Ipv4Range> = Vec::new();
    for (range, route) in &home_parts {
        if !routed.iter().any(|r| r.intersect(*range).is_some()) {
            continue;
        }
        match route {
            Some(r) if !r.blackhole => match &r.target {
                RouteTarget::InternetGateway(igw) => {
                    if !igws.iter().any(|(id, _)| id == igw) {
                        igws.push((igw, r));
                    }
                }
                other => push_unique(
                    &mut wrong,
                    format!("{} va {}", describe_destination(r), towards(other)),
                ),
            },
            Some(r) => push_unique(
                &mut wrong,
                format!(
                    "{} va {}, que ya no existe (blackhole)",
                    describe_destination(r),
                    towards(&r.target)
                ),
            ),
            None => unrouted.extend(routed.iter().filter_map(|x| x.intersect(*range))),
        }
    }
    if !unrouted.is_empty() {
        let what = if igws.is_empty() && wrong.is_empty() {
            "no tiene ninguna ruta a internet".to_string()
        } else {
            format!("no tiene ruta para {}", list_ranges(&unrouted))
        };
        wrong.insert(0, what);
    }
    Exit::Routes(IgwExit {
        table: home_table,
        igws,
        wrong,
    })
}

/// Where an internet gateway is attached, as a sentence goes on: "está
/// conectado a vpc-2" or "no está conectado a ninguna VPC".
fn attachment(igw: &InternetGateway) -> String {
    if igw.attached_vpc_ids.is_empty() {
        "no está conectado a ninguna VPC".to_string()
    } else {
        format!("está conectado a {}", igw.attached_vpc_ids.join(", "))
    }
}

fn check_nat_address(rep: &mut EgressReport, nat: &NatGateway, nl: &str, sl: &str) {
    let origin = nat.origin.as_ref();
    match &nat.public_ip {
        None => rep.problem(Finding::new(
            nl,
            format!(
                "el NAT gateway {nl} (usado por la subred {sl}) no tiene dirección IP pública: sin una Elastic IP no puede llevar el tráfico a internet; asóciale una"
            ),
            origin,
        )),
        // The address is allocated (the reference names the Elastic IP); only
        // its value waits for apply, and the rule needs its presence.
        Some(Attr::Unknown(_)) => {}
        // An Elastic IP is allocated from AWS's public pool; its value says
        // nothing more (emulators hand out loopback-looking addresses), so
        // only an address that is not an IPv4 address at all is suspect.
        Some(Attr::Known(ip)) if cidr::parse_addr(ip).is_some() => {}
        Some(Attr::Known(ip)) => rep.problem(Finding::new(
            nl,
            format!("el NAT gateway {nl} (usado por la subred {sl}) tiene la dirección «{ip}», que no es una dirección IPv4"),
            origin,
        )),
    }
}

/// net-public-igw: a public subnet (the NAT's, the load balancer's) sends
/// every internet address to an internet gateway attached to its own VPC.
/// `Ok(label)` when it does; the problems and unknowns otherwise.
pub fn public_egress(
    inv: &Inventory,
    subnet_id: &str,
) -> Result<String, (Vec<Finding>, Vec<Unanswerable>)> {
    let Some(subnet) = inv.subnet(subnet_id) else {
        let mut u = gaps(inv, ResourceKind::Subnet, subnet_id);
        if u.is_empty() {
            u.push(Unanswerable::new(
                subnet_id,
                format!("la subred {subnet_id} no existe en el inventario"),
            ));
        }
        return Err((Vec::new(), u));
    };
    let sl = label(&subnet.id, &subnet.tags);
    let fix = "una subred pública necesita su ruta 0.0.0.0/0 hacia el aws_internet_gateway de su VPC (route { cidr_block = \"0.0.0.0/0\", gateway_id = aws_internet_gateway.x.id }), o el NAT gateway y el balanceador que viven en ella no salen a internet";
    let exit = match igw_exit(inv, subnet, &cidr::public_ranges(), &sl) {
        Exit::Unknown(u) => return Err((Vec::new(), u)),
        Exit::NoTable => {
            let f = Finding::new(
                &sl,
                format!(
                    "la subred {sl} no tiene tabla de rutas (ni se encuentra la tabla principal de su VPC): {fix}"
                ),
                subnet.origin.as_ref(),
            );
            return Err((vec![f], Vec::new()));
        }
        Exit::Routes(e) => e,
    };
    let tl = label(&exit.table.id, &exit.table.tags);
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    if !exit.wrong.is_empty() {
        problems.push(Finding::new(
            &sl,
            format!(
                "la subred {sl} usa la tabla {tl}, que no lleva a internet por un internet gateway ({}): {fix}",
                exit.wrong.join("; ")
            ),
            exit.table.origin.as_ref().or(subnet.origin.as_ref()),
        ));
    }
    for (igw_id, route) in exit.igws {
        match inv.internet_gateway(igw_id) {
            None => {
                let mut u = gaps(inv, ResourceKind::InternetGateway, &sl);
                if u.is_empty() {
                    problems.push(Finding::new(
                        &sl,
                        format!(
                            "la ruta {} de la tabla {tl} (subred {sl}) va al internet gateway {igw_id}, que no existe en el inventario",
                            describe_destination(route)
                        ),
                        route.origin.as_ref(),
                    ));
                }
                unknowns.append(&mut u);
            }
            Some(igw) if igw.attached_vpc_ids.iter().any(|v| v == &subnet.vpc_id) => {}
            Some(igw) => {
                let il = label(&igw.id, &igw.tags);
                let now = attachment(igw);
                problems.push(Finding::new(
                    &il,
                    format!(
                        "la subred {sl} sale al internet gateway {il}, que {now} y no a la VPC {} de la subred: un internet gateway solo da salida a la VPC a la que está conectado",
                        subnet.vpc_id
                    ),
                    igw.origin.as_ref(),
                ));
            }
        }
    }
    if problems.is_empty() && unknowns.is_empty() {
        Ok(format!(
            "sale a internet por el internet gateway de su VPC (tabla {tl})"
        ))
    } else {
        Err((problems, unknowns))
    }
}

/// Whether the subnet is public: its effective table routes something to an
/// internet gateway. Used to require every subnet of a DB subnet group to be
/// private.
pub fn routes_to_internet_gateway(inv: &Inventory, subnet_id: &str) -> Option<Finding> {
    let subnet = inv.subnet(subnet_id)?;
    let choice = effective_route_table(inv, subnet_id);
    let table = choice.table()?;
    let routes: Vec<&Route> = table
        .routes
        .iter()
        .filter(|r| matches!(r.target, RouteTarget::InternetGateway(_)) && !r.blackhole)
        .collect();
    let first = routes.first()?;
    let sl = label(&subnet.id, &subnet.tags);
    let tl = label(&table.id, &table.tags);
    let how = match choice {
        TableChoice::Explicit(_) => "asociación explícita".to_string(),
        _ => format!("la tabla principal de la VPC {}", subnet.vpc_id),
    };
    let list = routes
        .iter()
        .map(|r| format!("{} → {}", describe_destination(r), r.target))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Finding::new(
        &sl,
        format!(
            "la subred {sl} usa la tabla {tl} ({how}), que tiene rutas a un internet gateway ({list}): eso la hace pública; una subred privada no debe tener ninguna"
        ),
        first.origin.as_ref().or(table.origin.as_ref()),
    ))
}

/// HEADLINE 1 item 4: the subnet gives public IPs to what is launched in it.
/// An unknown setting or a missing subnet is not a finding; use
/// [`public_ip_on_launch_answer`] to tell those apart.
pub fn public_ip_on_launch(inv: &Inventory, subnet_id: &str) -> Option<Finding> {
    public_ip_on_launch_answer(inv, subnet_id).ok().flatten()
}

/// Like [`public_ip_on_launch`], but says when the answer is not known.
pub fn public_ip_on_launch_answer(
    inv: &Inventory,
    subnet_id: &str,
) -> Result<Option<Finding>, Unanswerable> {
    let Some(subnet) = inv.subnet(subnet_id) else {
        let reason = gaps(inv, ResourceKind::Subnet, subnet_id)
            .into_iter()
            .next()
            .map(|u| u.reason)
            .unwrap_or_else(|| format!("la subred {subnet_id} no existe en el inventario"));
        return Err(Unanswerable::new(subnet_id, reason));
    };
    let sl = label(&subnet.id, &subnet.tags);
    match &subnet.map_public_ip_on_launch {
        Attr::Known(false) => Ok(None),
        Attr::Known(true) => Ok(Some(Finding::new(
            &sl,
            format!(
                "la subred {sl} asigna una IP pública a todo lo que se lanza en ella (map_public_ip_on_launch = true): una subred privada no debe hacerlo; ponlo a false"
            ),
            subnet.origin.as_ref(),
        ))),
        Attr::Unknown(u) => Err(Unanswerable::new(
            &sl,
            format!(
                "map_public_ip_on_launch de la subred {sl} depende de {}, que solo se conoce tras apply",
                u.unknown
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::*;
    use cloudgrade_model::{Gap, GapReason};

    fn messages(rep: &EgressReport) -> String {
        rep.problems
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn set_routes(inv: &mut Inventory, table_id: &str, routes: Vec<Route>) {
        table_mut(inv, table_id).routes = routes;
    }

    #[test]
    fn explicit_association_overrides_the_main_table() {
        let inv = course_vpc();
        match effective_route_table(&inv, "subnet-app") {
            TableChoice::Explicit(t) => assert_eq!(t.id, "rtb-priv"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn main_table_is_the_fallback() {
        let mut inv = course_vpc();
        inv.subnets
            .push(subnet("subnet-x", "vpc-1", "10.0.99.0/24", ""));
        match effective_route_table(&inv, "subnet-x") {
            TableChoice::Main(t) => assert_eq!(t.id, "rtb-main"),
            other => panic!("{other:?}"),
        }
        // Another VPC's main table is never used.
        inv.subnets
            .push(subnet("subnet-y", "vpc-2", "10.9.0.0/24", ""));
        assert_eq!(
            effective_route_table(&inv, "subnet-y"),
            TableChoice::Missing
        );
        assert_eq!(
            effective_route_table(&inv, "subnet-nope"),
            TableChoice::Missing
        );
    }

    #[test]
    fn course_private_subnet_passes_with_the_full_path() {
        let inv = course_vpc();
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.ok, "{rep:#?}");
        assert!(rep.explicit);
        assert_eq!(rep.route_table.as_deref(), Some("rtb-priv"));
        assert_eq!(
            rep.path,
            [
                "subnet-app (privada-a)",
                "rtb-priv (0.0.0.0/0)",
                "nat-1 en subnet-pub (publica-a)",
                "igw-1"
            ]
        );
    }

    #[test]
    fn main_table_fallback_without_egress_fails_and_says_so() {
        let mut inv = course_vpc();
        inv.subnets
            .push(subnet("subnet-x", "vpc-1", "10.0.99.0/24", "privada-b"));
        let rep = private_egress(&inv, "subnet-x");
        assert!(!rep.ok);
        assert!(!rep.explicit);
        assert_eq!(rep.route_table.as_deref(), Some("rtb-main"));
        let m = messages(&rep);
        assert!(m.contains("la subred subnet-x (privada-b) usa la tabla rtb-main (la tabla principal de la VPC vpc-1"), "{m}");
        assert!(
            m.contains("no tiene salida: añade una ruta 0.0.0.0/0 a un NAT gateway"),
            "{m}"
        );
    }

    #[test]
    fn main_table_fallback_with_a_nat_passes() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-main",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", nat_target("nat-1")),
            ],
        );
        inv.subnets
            .push(subnet("subnet-x", "vpc-1", "10.0.99.0/24", ""));
        let rep = private_egress(&inv, "subnet-x");
        assert!(rep.ok, "{rep:#?}");
        assert!(!rep.explicit);
    }

    #[test]
    fn default_route_to_an_igw_fails_naming_subnet_table_route_and_fix() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", igw_target("igw-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert_eq!(rep.problems.len(), 1, "{rep:#?}");
        assert_eq!(
            rep.problems[0].message,
            "la subred subnet-app (privada-a) usa la tabla rtb-priv (asociación explícita); su ruta 0.0.0.0/0 va al internet gateway igw-1: una subred privada debe salir por un NAT gateway, y una ruta a un internet gateway la hace pública: apunta 0.0.0.0/0 a un NAT gateway de una subred pública"
        );
        assert_eq!(rep.problems[0].subject, "subnet-app (privada-a)");
    }

    #[test]
    fn half_routes_to_an_igw_fail() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/1", igw_target("igw-1")),
                route("128.0.0.0/1", igw_target("igw-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        let m = messages(&rep);
        assert!(
            m.contains("su ruta 0.0.0.0/1 va al internet gateway igw-1"),
            "{m}"
        );
        assert!(
            m.contains("su ruta 128.0.0.0/1 va al internet gateway igw-1"),
            "{m}"
        );
        assert!(!m.contains("no tiene salida"), "{m}");
    }

    #[test]
    fn half_routes_to_a_nat_pass() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/1", nat_target("nat-1")),
                route("128.0.0.0/1", nat_target("nat-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.ok, "{rep:#?}");
        assert_eq!(
            rep.path,
            [
                "subnet-app (privada-a)",
                "rtb-priv (0.0.0.0/1, 128.0.0.0/1)",
                "nat-1 en subnet-pub (publica-a)",
                "igw-1"
            ]
        );
    }

    #[test]
    fn only_half_the_internet_routed_fails_with_the_missing_range() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/1", nat_target("nat-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        let m = messages(&rep);
        assert!(
            m.contains(
                "no tiene ruta para parte de las direcciones de internet (128.0.0.0–169.253.255.255"
            ),
            "{m}"
        );
    }

    #[test]
    fn a_specific_public_route_to_an_igw_beside_a_default_to_nat_fails() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", nat_target("nat-1")),
                route("8.0.0.0/8", igw_target("igw-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert_eq!(rep.problems.len(), 1, "{rep:#?}");
        let m = &rep.problems[0].message;
        assert!(
            m.contains("su ruta 8.0.0.0/8 va al internet gateway igw-1"),
            "{m}"
        );
        assert!(m.contains("aunque sea más específica que 0.0.0.0/0"), "{m}");
        assert!(
            rep.path.contains(&"rtb-priv (8.0.0.0/8)".to_string()),
            "{:?}",
            rep.path
        );
    }

    #[test]
    fn a_specific_private_route_to_an_igw_still_fails() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv")
            .routes
            .push(route("192.168.0.0/16", igw_target("igw-1")));
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert!(messages(&rep).contains("su ruta 192.168.0.0/16 va al internet gateway igw-1: una subred privada no debe tener ninguna ruta"));
    }

    #[test]
    fn ipv6_route_to_an_igw_fails() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").routes.push(Route {
            destination: None,
            destination_ipv6: Some("::/0".into()),
            prefix_list_id: None,
            target: igw_target("igw-1"),
            blackhole: false,
            origin: None,
        });
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert!(
            messages(&rep).contains("su ruta IPv6 ::/0 va al internet gateway igw-1: por IPv6")
        );
    }

    #[test]
    fn nat_in_a_private_subnet_is_a_dead_end() {
        let mut inv = course_vpc();
        inv.nat_gateways[0].subnet_id = "subnet-db".into();
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert_eq!(rep.problems.len(), 1, "{rep:#?}");
        let m = &rep.problems[0].message;
        assert!(m.contains("el NAT gateway nat-1, que está en la subred subnet-db (datos-a), cuya tabla rtb-priv no lleva a internet por un internet gateway (0.0.0.0/0 va al NAT gateway nat-1)"), "{m}");
        assert!(m.contains("callejón sin salida"), "{m}");
        assert_eq!(rep.path[2], "nat-1 en subnet-db (datos-a)");
    }

    #[test]
    fn nat_in_a_subnet_without_any_internet_route_is_a_dead_end() {
        let mut inv = course_vpc();
        inv.subnets
            .push(subnet("subnet-z", "vpc-1", "10.0.50.0/24", "otra"));
        inv.nat_gateways[0].subnet_id = "subnet-z".into();
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        let m = messages(&rep);
        assert!(m.contains("cuya tabla rtb-main no lleva a internet por un internet gateway (no tiene ninguna ruta a internet)"), "{m}");
    }

    #[test]
    fn nat_not_available_fails() {
        let mut inv = course_vpc();
        inv.nat_gateways[0].state = "failed".into();
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert!(messages(&rep).contains(
            "está en estado «failed»: solo un NAT gateway en estado available reenvía tráfico"
        ));
    }

    #[test]
    fn private_connectivity_nat_and_missing_address_fail() {
        let mut inv = course_vpc();
        inv.nat_gateways[0].connectivity = "private".into();
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("tiene conectividad «private»"),
            "{rep:#?}"
        );

        let mut inv = course_vpc();
        inv.nat_gateways[0].public_ip = None;
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("no tiene dirección IP pública"),
            "{rep:#?}"
        );

        let mut inv = course_vpc();
        inv.nat_gateways[0].public_ip = Some(Attr::Known("not-an-address".into()));
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("no es una dirección IPv4"),
            "{rep:#?}"
        );

        // Emulators allocate Elastic IPs from loopback-looking ranges: any
        // allocated address counts.
        let mut inv = course_vpc();
        inv.nat_gateways[0].public_ip = Some(Attr::Known("127.130.131.169".into()));
        assert!(private_egress(&inv, "subnet-app").ok);
    }

    #[test]
    fn nat_address_known_after_apply_counts_as_present() {
        let mut inv = course_vpc();
        inv.nat_gateways[0].public_ip = Some(Attr::unknown("aws_eip.nat.public_ip"));
        assert!(private_egress(&inv, "subnet-app").ok);
    }

    #[test]
    fn igw_of_another_vpc_makes_the_nat_a_dead_end() {
        let mut inv = course_vpc();
        inv.internet_gateways[0].attached_vpc_ids = vec!["vpc-9".into()];
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        let m = messages(&rep);
        assert!(m.contains("el internet gateway igw-1, al que sale la subred subnet-pub (publica-a) del NAT gateway nat-1, está conectado a vpc-9 y no a la VPC vpc-1"), "{m}");
        inv.internet_gateways[0].attached_vpc_ids.clear();
        assert!(
            messages(&private_egress(&inv, "subnet-app"))
                .contains("no está conectado a ninguna VPC")
        );
    }

    #[test]
    fn blackhole_route_fails() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").routes[1].blackhole = true;
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.ok);
        assert!(
            messages(&rep).contains(
                "su ruta 0.0.0.0/0 va al NAT gateway nat-1, que ya no existe (ruta blackhole)"
            ),
            "{rep:#?}"
        );
    }

    #[test]
    fn route_to_a_nat_missing_from_the_inventory_fails_or_is_unanswerable_with_a_gap() {
        let mut inv = course_vpc();
        inv.nat_gateways.clear();
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("al NAT gateway nat-1, que no existe en el inventario"),
            "{rep:#?}"
        );
        inv.gaps.push(Gap {
            kind: ResourceKind::NatGateway,
            operation: "ec2:DescribeNatGateways".into(),
            reason: GapReason::AccessDenied,
            message: "denied".into(),
        });
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(!rep.ok);
        assert!(
            rep.unanswerable[0]
                .reason
                .contains("ec2:DescribeNatGateways")
        );
    }

    #[test]
    fn route_table_gap_is_unanswerable_not_a_failure() {
        let mut inv = course_vpc();
        inv.route_tables.clear();
        inv.gaps.push(Gap {
            kind: ResourceKind::RouteTable,
            operation: "ec2:DescribeRouteTables".into(),
            reason: GapReason::Unsupported,
            message: "not implemented".into(),
        });
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty());
        assert_eq!(rep.unanswerable.len(), 1);
        assert!(rep.unanswerable[0].reason.contains("tablas de rutas"));
    }

    #[test]
    fn with_tables_unread_an_igw_route_of_an_explicit_table_still_fails() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", igw_target("igw-1")),
            ],
        );
        inv.gaps.push(gap(
            ResourceKind::RouteTable,
            "main.tf:9 aws_route.extra",
            "route_table_id depende de var.rt",
        ));
        // Known to use rtb-priv: the unread route can add, never remove.
        let rep = private_egress(&inv, "subnet-app");
        assert_eq!(rep.problems.len(), 1, "{rep:#?}");
        assert!(
            messages(&rep).contains("va al internet gateway igw-1"),
            "{rep:#?}"
        );
        assert!(rep.unanswerable[0].reason.contains("aws_route.extra"));
        // No egress route in the known table: an unread aws_route may add
        // one, so it is not a failure, only unanswerable.
        set_routes(&mut inv, "rtb-priv", vec![local("10.0.0.0/16")]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(!rep.unanswerable.is_empty());
    }

    #[test]
    fn with_tables_unread_the_main_table_decides_nothing() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").subnet_ids.clear();
        table_mut(&mut inv, "rtb-main")
            .routes
            .push(route("0.0.0.0/0", igw_target("igw-1")));
        inv.gaps.push(gap(
            ResourceKind::RouteTable,
            "main.tf:9 aws_route_table_association.app",
            "route_table_id depende de var.rt",
        ));
        // The unread association may be this subnet's.
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(
            rep.unanswerable[0]
                .reason
                .contains("aws_route_table_association.app")
        );
    }

    #[test]
    fn nat_problems_wait_for_unread_gateways_but_the_rest_is_decided() {
        let mut inv = course_vpc();
        inv.internet_gateways[0].attached_vpc_ids.clear();
        inv.gaps.push(gap(
            ResourceKind::InternetGateway,
            "main.tf:3 aws_internet_gateway_attachment.a",
            "vpc_id depende de var.vpc",
        ));
        // The detached IGW may be attached by the unread attachment.
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(
            rep.unanswerable[0]
                .reason
                .contains("internet_gateway_attachment")
        );
        // No route at all does not depend on the gateways.
        set_routes(&mut inv, "rtb-priv", vec![local("10.0.0.0/16")]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(messages(&rep).contains("no tiene salida"), "{rep:#?}");
    }

    #[test]
    fn only_a_local_route_of_unknown_cidr_still_has_no_egress() {
        let mut inv = course_vpc();
        let mut local_route = local("x");
        local_route.destination = Some(Attr::unknown("var.vpc_cidr"));
        set_routes(&mut inv, "rtb-priv", vec![local_route.clone()]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(messages(&rep).contains("no tiene salida"), "{rep:#?}");
        // Beside a route to a NAT it hides no way out either: what it
        // covers is the VPC's own range, never the internet.
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![local_route, route("0.0.0.0/0", nat_target("nat-1"))],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(rep.unanswerable.is_empty(), "{rep:#?}");
    }

    #[test]
    fn a_subnet_whose_vpc_is_unread_has_no_known_main_table() {
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-priv").subnet_ids.clear();
        inv.subnets[1].vpc_id = "data.aws_vpc.x.id".into();
        inv.gaps.push(gap(
            ResourceKind::Subnet,
            "main.tf:5 aws_subnet.app.vpc_id",
            "depende de data.aws_vpc.x",
        ));
        inv.gap_fields.push(cloudgrade_model::GapField {
            kind: ResourceKind::Subnet,
            operation: "main.tf:5 aws_subnet.app.vpc_id".into(),
            field: "vpc_id".into(),
        });
        // Not "no main table, no egress": the table is not known.
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(rep.unanswerable[0].reason.contains("aws_subnet.app.vpc_id"));
        // Explicitly associated, the VPC is not needed to find the table.
        table_mut(&mut inv, "rtb-priv")
            .subnet_ids
            .push("subnet-app".into());
        table_mut(&mut inv, "rtb-priv").routes = vec![local("10.0.0.0/16")];
        let rep = private_egress(&inv, "subnet-app");
        assert!(messages(&rep).contains("no tiene salida"), "{rep:#?}");
    }

    #[test]
    fn an_unread_association_leaves_an_explicitly_associated_subnet_decided() {
        let mut inv = course_vpc();
        set_routes(&mut inv, "rtb-priv", vec![local("10.0.0.0/16")]);
        inv.gaps.push(gap(
            ResourceKind::RouteTable,
            "main.tf:9 aws_route_table_association.other",
            "route_table_id depende de var.rt",
        ));
        inv.gap_fields.push(cloudgrade_model::GapField {
            kind: ResourceKind::RouteTable,
            operation: "main.tf:9 aws_route_table_association.other".into(),
            field: "subnet_ids".into(),
        });
        // Its table is its own and all its routes are known: no egress.
        let rep = private_egress(&inv, "subnet-app");
        assert!(messages(&rep).contains("no tiene salida"), "{rep:#?}");
        // With the NAT route back, the NAT's public subnet is explicitly
        // associated too: the whole path is known and passes.
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", nat_target("nat-1")),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.ok, "{rep:#?}");
        // A subnet on the main table may be the one the association names.
        table_mut(&mut inv, "rtb-priv")
            .subnet_ids
            .retain(|s| s != "subnet-app");
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            rep.problems.is_empty() && !rep.unanswerable.is_empty(),
            "{rep:#?}"
        );
    }

    #[test]
    fn no_route_table_at_all_has_no_egress() {
        let mut inv = course_vpc();
        inv.route_tables.clear();
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("no tiene salida: añade una ruta 0.0.0.0/0 a un NAT gateway"),
            "{rep:#?}"
        );
    }

    #[test]
    fn nat_instance_is_accepted_and_shown_as_such() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", RouteTarget::Instance("i-0abc".into())),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.ok, "{rep:#?}");
        assert_eq!(
            rep.path,
            [
                "subnet-app (privada-a)",
                "rtb-priv (0.0.0.0/0)",
                "i-0abc (instancia NAT)"
            ]
        );
    }

    #[test]
    fn other_targets_fail_and_unknown_targets_are_unanswerable() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", RouteTarget::TransitGateway("tgw-1".into())),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains("su ruta 0.0.0.0/0 va al transit gateway tgw-1"),
            "{rep:#?}"
        );

        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route(
                    "0.0.0.0/0",
                    RouteTarget::Unknown("aws_nat_gateway.x.id".into()),
                ),
            ],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(rep.unanswerable[0].reason.contains("aws_nat_gateway.x.id"));
    }

    #[test]
    fn unknown_destination_is_unanswerable_but_an_igw_target_still_fails() {
        let mut inv = course_vpc();
        let mut r = route("x", nat_target("nat-1"));
        r.destination = Some(Attr::unknown("var.egress_cidr"));
        set_routes(&mut inv, "rtb-priv", vec![local("10.0.0.0/16"), r.clone()]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(rep.unanswerable[0].reason.contains("var.egress_cidr"));

        r.target = igw_target("igw-1");
        set_routes(&mut inv, "rtb-priv", vec![local("10.0.0.0/16"), r]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(
            messages(&rep).contains(
                "su ruta var.egress_cidr (conocido tras apply) va al internet gateway igw-1"
            ),
            "{rep:#?}"
        );
    }

    #[test]
    fn a_local_route_to_an_unknown_vpc_range_hides_no_way_out() {
        let mut inv = course_vpc();
        let mut l = local("10.0.0.0/16");
        l.destination = Some(Attr::unknown("var.vpc_cidr"));
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![l.clone(), route("0.0.0.0/0", nat_target("nat-1"))],
        );
        let rep = private_egress(&inv, "subnet-app");
        assert!(rep.problems.is_empty(), "{rep:#?}");
        assert!(rep.unanswerable.is_empty(), "{rep:#?}");
        // ... nor a way out that is not there.
        set_routes(&mut inv, "rtb-priv", vec![l]);
        let rep = private_egress(&inv, "subnet-app");
        assert!(!rep.problems.is_empty(), "{rep:#?}");
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let mut inv = course_vpc();
        set_routes(
            &mut inv,
            "rtb-priv",
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", nat_target("nat-1")),
                route("1.0.0.0/8", igw_target("igw-1")),
            ],
        );
        inv.nat_gateways[0].state = "pending".into();
        inv.nat_gateways[0].subnet_id = "subnet-db".into();
        let rep = private_egress(&inv, "subnet-app");
        let m = messages(&rep);
        assert!(m.contains("1.0.0.0/8 va al internet gateway"), "{m}");
        assert!(m.contains("estado «pending»"), "{m}");
        assert!(m.contains("callejón sin salida"), "{m}");
        assert_eq!(rep.problems.len(), 3, "{m}");
    }

    #[test]
    fn lookup_is_longest_prefix() {
        let mut t = table(
            "t",
            "v",
            false,
            &[],
            vec![
                route("0.0.0.0/0", nat_target("a")),
                route("8.0.0.0/8", nat_target("b")),
            ],
        );
        t.routes.push(route("8.8.8.0/24", nat_target("c")));
        let at = |s| lookup(&t, cidr::parse_addr(s).unwrap()).map(|r| r.target.to_string());
        assert_eq!(at("8.8.8.8").as_deref(), Some("c"));
        assert_eq!(at("8.8.9.8").as_deref(), Some("b"));
        assert_eq!(at("9.0.0.1").as_deref(), Some("a"));
        let empty = table("t", "v", false, &[], vec![]);
        assert!(lookup(&empty, 1).is_none());
    }

    #[test]
    fn internet_partition_is_exact() {
        let t = table(
            "t",
            "v",
            false,
            &[],
            vec![
                local("10.0.0.0/16"),
                route("0.0.0.0/0", nat_target("a")),
                route("8.0.0.0/8", nat_target("b")),
            ],
        );
        let parts = internet_targets(&t).unwrap();
        let total: u64 = parts.iter().map(|(r, _)| r.size()).sum();
        let public: u64 = cidr::public_ranges().iter().map(|r| r.size()).sum();
        assert_eq!(total, public);
        let to_b: Vec<String> = parts
            .iter()
            .filter(|(_, r)| r.is_some_and(|r| r.target.to_string() == "b"))
            .map(|(r, _)| r.to_string())
            .collect();
        assert_eq!(to_b, ["8.0.0.0/8"]);
        for (range, route) in &parts {
            assert_eq!(
                lookup(&t, range.first).map(|r| r as *const _),
                route.map(|r| r as *const _)
            );
            assert_eq!(
                lookup(&t, range.last).map(|r| r as *const _),
                route.map(|r| r as *const _)
            );
        }
    }

    #[test]
    fn routes_to_internet_gateway_detects_public_subnets() {
        let inv = course_vpc();
        let f = routes_to_internet_gateway(&inv, "subnet-pub").unwrap();
        assert!(f.message.contains("la subred subnet-pub (publica-a) usa la tabla rtb-pub (asociación explícita), que tiene rutas a un internet gateway (0.0.0.0/0 → igw-1)"), "{}", f.message);
        assert!(routes_to_internet_gateway(&inv, "subnet-db").is_none());
        assert!(routes_to_internet_gateway(&inv, "subnet-nope").is_none());
    }

    #[test]
    fn public_ip_on_launch_flags_true_and_reports_unknown() {
        let mut inv = course_vpc();
        assert!(public_ip_on_launch(&inv, "subnet-app").is_none());
        inv.subnets[1].map_public_ip_on_launch = Attr::Known(true);
        let f = public_ip_on_launch(&inv, "subnet-app").unwrap();
        assert!(
            f.message
                .contains("la subred subnet-app (privada-a) asigna una IP pública"),
            "{}",
            f.message
        );
        inv.subnets[1].map_public_ip_on_launch = Attr::unknown("var.public");
        assert!(public_ip_on_launch(&inv, "subnet-app").is_none());
        assert!(
            public_ip_on_launch_answer(&inv, "subnet-app")
                .unwrap_err()
                .reason
                .contains("var.public")
        );
        assert!(public_ip_on_launch_answer(&inv, "subnet-nope").is_err());
    }

    #[test]
    fn missing_subnet_is_a_problem_and_a_gap_makes_it_unanswerable() {
        let mut inv = course_vpc();
        let rep = private_egress(&inv, "subnet-nope");
        assert!(messages(&rep).contains("no existe en el inventario"));
        inv.gaps.push(Gap {
            kind: ResourceKind::Subnet,
            operation: "ec2:DescribeSubnets".into(),
            reason: GapReason::Throttled,
            message: "x".into(),
        });
        let rep = private_egress(&inv, "subnet-nope");
        assert!(rep.problems.is_empty());
        assert_eq!(rep.unanswerable.len(), 1);
    }

    #[test]
    fn a_public_subnet_leaves_through_its_own_vpcs_internet_gateway() {
        let mut inv = course_vpc();
        assert!(public_egress(&inv, "subnet-pub").is_ok());
        // An internet gateway of another VPC is no way out.
        inv.internet_gateways[0].attached_vpc_ids = vec!["vpc-2".into()];
        let (p, u) = public_egress(&inv, "subnet-pub").unwrap_err();
        assert!(u.is_empty());
        assert!(
            p[0].message
                .contains("está conectado a vpc-2 y no a la VPC vpc-1"),
            "{}",
            p[0].message
        );
        // A forgotten default route: nothing leaves.
        let mut inv = course_vpc();
        table_mut(&mut inv, "rtb-pub").routes.truncate(1);
        let (p, _) = public_egress(&inv, "subnet-pub").unwrap_err();
        assert!(
            p[0].message.contains("no tiene ninguna ruta a internet"),
            "{}",
            p[0].message
        );
        // The private subnets' default route goes to the NAT: not public.
        let (p, _) = public_egress(&course_vpc(), "subnet-app").unwrap_err();
        assert!(
            p[0].message.contains("0.0.0.0/0 va al NAT gateway"),
            "{}",
            p[0].message
        );
    }
}
