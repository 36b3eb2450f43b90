//! The network picture: one inline SVG per VPC, drawn from the report's
//! [`NetworkMap`]. Availability zones are columns and tiers (by where the
//! routes really go) are rows, so a "private" subnet routed to the internet
//! gateway shows up among the public ones, with its route in the flag
//! colour. Everything a failed scenario names is drawn in that colour too.
//! No script and no external resource: the page's policy allows neither.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::escape_markup as escape;
use super::{InternetRoute, MapNode, MapSubnet, MapVpc, NetworkMap, Tier, WorkloadKind};

/// Used for nothing else on the page, so a test can find it in a screenshot.
pub const FLAG_COLOUR: &str = "#ff2d55";
const VPC_COLOUR: &str = "#0969da";

const BOX_W: i32 = 250;
const GAP: i32 = 20;
const LINE: i32 = 16;
const LEFT: i32 = 170;
const IGW_H: i32 = 34;
const VPC_TOP: i32 = IGW_H + 40;

fn fill(t: Tier) -> &'static str {
    match t {
        Tier::Public => "#dafbe1",
        Tier::Private => "#ddf4ff",
        Tier::Isolated => "#eaeef2",
        Tier::Unknown => "#fff8c5",
    }
}

/// Text cut to what fits in a box; the whole of it stays in the tooltip.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn flagged(n: &MapNode) -> bool {
    !n.flagged_by.is_empty()
}

/// The tooltip of a node: its full name and, when flagged, by what.
fn title(n: &MapNode) -> String {
    if flagged(n) {
        format!(
            "<title>{} — señalado por {}</title>",
            escape(&n.label),
            escape(&n.flagged_by.join(", "))
        )
    } else {
        format!("<title>{}</title>", escape(&n.label))
    }
}

/// What is drawn inside a subnet's box, one line each after the name.
fn lines(vpc: &MapVpc, s: &MapSubnet) -> Vec<(String, bool, String)> {
    let mut out = Vec::new();
    out.push((
        s.cidr.clone().unwrap_or_else(|| "CIDR desconocido".into()),
        false,
        "cidr".into(),
    ));
    let route = match &s.internet_route {
        InternetRoute::InternetGateway(g) => {
            format!("0.0.0.0/0 → IGW {}", NetworkMap::shown(vpc, g))
        }
        InternetRoute::NatGateway(n) => format!("0.0.0.0/0 → NAT {}", NetworkMap::shown(vpc, n)),
        InternetRoute::Other(t) => format!("0.0.0.0/0 → {t}"),
        InternetRoute::None => "sin ruta a internet".into(),
        InternetRoute::Unknown => "ruta desconocida".into(),
    };
    let route_flag = flagged(&s.node) || s.route_table.as_ref().is_some_and(flagged);
    out.push((route, route_flag, "egress".into()));
    if let Some(acl) = &s.network_acl {
        out.push((format!("NACL {}", acl.shown()), flagged(acl), "nacl".into()));
    }
    for n in &s.nat_gateways {
        out.push((format!("NAT {}", n.shown()), flagged(n), "nat".into()));
    }
    for w in vpc
        .workloads
        .iter()
        .filter(|w| w.subnets.contains(&s.node.label))
    {
        let (what, class) = match w.kind {
            WorkloadKind::EcsService => ("ECS", "ecs"),
            WorkloadKind::Database => ("RDS", "db"),
        };
        let ip = if w.public_ip { " (IP pública)" } else { "" };
        out.push((
            format!("{what} {}{ip}", w.node.shown()),
            flagged(&w.node),
            class.into(),
        ));
    }
    out
}

fn box_height(vpc: &MapVpc, s: &MapSubnet) -> i32 {
    24 + LINE * lines(vpc, s).len() as i32
}

pub fn render(map: &NetworkMap) -> String {
    let mut b = String::new();
    for vpc in &map.vpcs {
        render_vpc(&mut b, vpc);
    }
    b
}

fn render_vpc(b: &mut String, vpc: &MapVpc) {
    let zones: Vec<Option<&str>> = vpc
        .subnets
        .iter()
        .map(|s| s.availability_zone.as_deref())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let tiers: Vec<Tier> = Tier::ALL
        .into_iter()
        .filter(|t| vpc.subnets.iter().any(|s| s.tier == *t))
        .collect();
    let col_x = |z: Option<&str>| {
        LEFT + zones.iter().position(|x| *x == z).unwrap_or(0) as i32 * (BOX_W + GAP)
    };
    // Row heights: the tallest stack of subnets in any zone of that tier.
    let mut rows: Vec<(Tier, i32)> = Vec::new();
    let mut y = VPC_TOP + 40;
    for t in &tiers {
        let h = zones
            .iter()
            .map(|z| {
                vpc.subnets
                    .iter()
                    .filter(|s| s.tier == *t && s.availability_zone.as_deref() == *z)
                    .map(|s| box_height(vpc, s) + 10)
                    .sum::<i32>()
            })
            .max()
            .unwrap_or(0)
            .max(40);
        rows.push((*t, y));
        y += h + 10;
    }
    let sg_lines: Vec<_> = vpc
        .workloads
        .iter()
        .filter(|w| !w.security_groups.is_empty())
        .collect();
    let vpc_bottom = y + 10;
    let width = LEFT + zones.len().max(1) as i32 * (BOX_W + GAP) + 10;
    let height = vpc_bottom + 20 + LINE * (sg_lines.len() as i32 + 2);

    let _ = writeln!(
        b,
        "<figure class=\"network\"><svg class=\"network\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\" font-family=\"ui-monospace,Menlo,Consolas,monospace\" font-size=\"11\">"
    );
    let _ = writeln!(
        b,
        "<title>Red de {}: subredes por zona y por ruta a internet</title>",
        escape(&vpc.label)
    );
    // The internet gateways, above the VPC.
    let igw_x = |i: usize| LEFT + i as i32 * (BOX_W + GAP);
    for (i, g) in vpc.internet_gateways.iter().enumerate() {
        let stroke = if flagged(g) { FLAG_COLOUR } else { "#57606a" };
        let _ = writeln!(
            b,
            "<g class=\"igw{}\" data-label=\"{}\">{}<rect x=\"{}\" y=\"4\" width=\"{BOX_W}\" height=\"{IGW_H}\" rx=\"6\" fill=\"#ffffff\" stroke=\"{stroke}\" stroke-width=\"2\"/><text x=\"{}\" y=\"25\" font-weight=\"600\">Internet gateway {}</text></g>",
            if flagged(g) { " flagged" } else { "" },
            escape(&g.label),
            title(g),
            igw_x(i),
            igw_x(i) + 8,
            escape(&fit(g.shown(), 16)),
        );
    }
    if vpc.internet_gateways.is_empty() {
        let _ = writeln!(
            b,
            "<text x=\"{LEFT}\" y=\"25\" fill=\"#57606a\">Sin internet gateway en esta VPC</text>"
        );
    }

    let _ = writeln!(
        b,
        "<rect class=\"vpc\" x=\"4\" y=\"{VPC_TOP}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"none\" stroke=\"{VPC_COLOUR}\" stroke-width=\"2\"/><text x=\"12\" y=\"{}\" font-weight=\"700\" fill=\"{VPC_COLOUR}\">VPC {}{}</text>",
        width - 8,
        vpc_bottom - VPC_TOP,
        VPC_TOP + 18,
        escape(&fit(&vpc.label, 60)),
        vpc.cidr
            .as_deref()
            .map(|c| format!(" · {}", escape(c)))
            .unwrap_or_default()
    );
    for z in &zones {
        let _ = writeln!(
            b,
            "<text x=\"{}\" y=\"{}\" font-weight=\"600\">{}</text>",
            col_x(*z),
            VPC_TOP + 34,
            escape(z.unwrap_or("zona desconocida"))
        );
    }

    // Boxes first, remembering where each subnet and NAT was drawn, then
    // the routes on top, so a flagged route is never hidden by a box.
    let mut at: Vec<(&MapSubnet, i32, i32)> = Vec::new();
    for (t, top) in &rows {
        let (name, why) = t.label_es();
        let _ = writeln!(
            b,
            "<text x=\"12\" y=\"{}\" font-weight=\"600\">{name}</text><text x=\"12\" y=\"{}\" fill=\"#57606a\">{why}</text>",
            top + 16,
            top + 30,
        );
        for z in &zones {
            let mut sy = *top;
            for s in vpc
                .subnets
                .iter()
                .filter(|s| s.tier == *t && s.availability_zone.as_deref() == *z)
            {
                subnet_box(b, vpc, s, col_x(*z), sy);
                at.push((s, col_x(*z), sy));
                sy += box_height(vpc, s) + 10;
            }
        }
    }
    for (s, x, y) in &at {
        let flag = flagged(&s.node) || s.route_table.as_ref().is_some_and(flagged);
        let target = match &s.internet_route {
            InternetRoute::InternetGateway(g) => vpc
                .internet_gateways
                .iter()
                .position(|n| &n.label == g)
                .map(|i| (igw_x(i) + BOX_W / 2, 4 + IGW_H)),
            InternetRoute::NatGateway(n) => at.iter().find_map(|(o, ox, oy)| {
                o.nat_gateways.iter().position(|m| &m.label == n).map(|i| {
                    let before = 2 + o.network_acl.is_some() as i32;
                    (ox + BOX_W - 6, oy + 24 + LINE * (before + i as i32) - 4)
                })
            }),
            _ => None,
        };
        let Some((tx, ty)) = target else { continue };
        let (sx, sy) = (x + BOX_W / 2, *y);
        let (stroke, width) = if flag {
            (FLAG_COLOUR, 4)
        } else {
            ("#57606a", 1)
        };
        let _ = writeln!(
            b,
            "<path class=\"route{}\" data-from=\"{}\" d=\"M{sx},{sy} C{sx},{} {tx},{} {tx},{ty}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\" stroke-opacity=\"0.85\"/><polygon points=\"{tx},{ty} {},{} {},{}\" fill=\"{stroke}\"/>",
            if flag { " flagged" } else { "" },
            escape(&s.node.label),
            sy - 30,
            ty + 30,
            // The curve arrives going up: the arrowhead points up at the
            // target. Drawn as a polygon, since a marker needs `url(#…)`.
            tx - 5,
            ty + 9,
            tx + 5,
            ty + 9,
        );
    }

    // Who may talk to whom: the security groups of each workload.
    let mut ly = vpc_bottom + 20;
    if !sg_lines.is_empty() {
        let _ = writeln!(
            b,
            "<text x=\"12\" y=\"{ly}\" font-weight=\"600\">Grupos de seguridad</text>"
        );
        for w in sg_lines {
            ly += LINE;
            let what = match w.kind {
                WorkloadKind::EcsService => "ECS",
                WorkloadKind::Database => "RDS",
            };
            let _ = write!(
                b,
                "<text x=\"12\" y=\"{ly}\">{what} {}: ",
                escape(&fit(w.node.shown(), 40))
            );
            for (i, g) in w.security_groups.iter().enumerate() {
                let _ = write!(
                    b,
                    "{}<tspan class=\"sg{}\"{}>{}</tspan>",
                    if i > 0 { ", " } else { "" },
                    if flagged(g) { " flagged" } else { "" },
                    if flagged(g) {
                        format!(" fill=\"{FLAG_COLOUR}\" font-weight=\"700\"")
                    } else {
                        String::new()
                    },
                    escape(g.shown())
                );
            }
            b.push_str("</text>\n");
        }
    }
    b.push_str("</svg>\n");
    let _ = writeln!(
        b,
        "<figcaption class=\"meta\">Las subredes se agrupan por zona de disponibilidad y por adónde va su ruta 0.0.0.0/0 (no por su nombre). <span style=\"color:{FLAG_COLOUR};font-weight:700\">En este color</span>, lo que un escenario fallido señala.</figcaption></figure>"
    );
}

fn subnet_box(b: &mut String, vpc: &MapVpc, s: &MapSubnet, x: i32, y: i32) {
    let h = box_height(vpc, s);
    let f = flagged(&s.node);
    let _ = writeln!(
        b,
        "<g class=\"subnet tier-{}{}\" data-label=\"{}\">{}<rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{h}\" rx=\"5\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/><text x=\"{}\" y=\"{}\" font-weight=\"700\">{}</text>",
        serde_json::to_value(s.tier)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        if f { " flagged" } else { "" },
        escape(&s.node.label),
        title(&s.node),
        fill(s.tier),
        if f { FLAG_COLOUR } else { "#8c959f" },
        if f { 3 } else { 1 },
        x + 8,
        y + 16,
        escape(&fit(s.node.shown(), 34))
    );
    for (i, (text, flag, class)) in lines(vpc, s).into_iter().enumerate() {
        let _ = writeln!(
            b,
            "<text class=\"{class}{}\" x=\"{}\" y=\"{}\"{}>{}</text>",
            if flag { " flagged" } else { "" },
            x + 8,
            y + 32 + LINE * i as i32,
            if flag {
                format!(" fill=\"{FLAG_COLOUR}\" font-weight=\"700\"")
            } else {
                String::new()
            },
            escape(&fit(&text, 34))
        );
    }
    b.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{MapWorkload, WorkloadKind};

    fn node(label: &str, name: Option<&str>, flagged_by: &[&str]) -> MapNode {
        MapNode {
            label: label.into(),
            name: name.map(str::to_string),
            flagged_by: flagged_by.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn one_vpc() -> NetworkMap {
        let subnet = |label: &str, tier, route, flags: &[&str]| MapSubnet {
            node: node(label, None, flags),
            cidr: Some("10.0.1.0/24".into()),
            availability_zone: Some("eu-west-1a".into()),
            tier,
            route_table: None,
            internet_route: route,
            network_acl: None,
            nat_gateways: vec![],
        };
        NetworkMap {
            vpcs: vec![MapVpc {
                label: "vpc-1 <b>".into(),
                cidr: None,
                internet_gateways: vec![node("igw-1", Some("igw"), &[])],
                subnets: vec![
                    subnet(
                        "subnet-a",
                        Tier::Public,
                        InternetRoute::InternetGateway("igw-1".into()),
                        &["net-private-egress-nat"],
                    ),
                    subnet("subnet-b", Tier::Isolated, InternetRoute::None, &[]),
                ],
                workloads: vec![MapWorkload {
                    kind: WorkloadKind::Database,
                    node: node("db-1", None, &[]),
                    subnets: vec!["subnet-b".into()],
                    security_groups: vec![node("sg-1", Some("<rds>"), &["rds-only-from-ecs"])],
                    public_ip: false,
                }],
            }],
        }
    }

    #[test]
    fn flagged_elements_and_their_routes_are_drawn_in_the_flag_colour() {
        let svg = render(&one_vpc());
        assert_eq!(svg.matches("<g class=\"subnet").count(), 2);
        assert!(svg.contains("class=\"subnet tier-public flagged\" data-label=\"subnet-a\""));
        assert!(svg.contains("class=\"subnet tier-isolated\" data-label=\"subnet-b\""));
        assert_eq!(svg.matches("class=\"route flagged\"").count(), 1, "{svg}");
        assert!(svg.contains("señalado por net-private-egress-nat"));
        assert!(svg.contains("<tspan class=\"sg flagged\""));
        assert!(
            svg.contains("RDS db-1"),
            "the database is drawn in its subnet"
        );
    }

    #[test]
    fn names_from_the_student_never_become_markup() {
        let svg = render(&one_vpc());
        assert!(!svg.contains("<b>") && !svg.contains("<rds>"));
        assert!(svg.contains("vpc-1 &lt;b&gt;") && svg.contains("&lt;rds&gt;"));
    }
}
