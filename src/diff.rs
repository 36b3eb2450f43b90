//! `cloudgrade diff OLD.json NEW.json`: what changed between two runs of the
//! same student (last night and tonight): scenarios whose verdict or points
//! changed, regressions first, and, when both runs saved their Inventory
//! beside the report (`--save-inventory`), the resources added, removed or
//! changed. A diff reads reports and snapshots only: it never recomputes a
//! verdict.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use cloudgrade_model::{Inventory, ResourceKind};
use serde_json::Value;

use crate::report::{self, Report, ScenarioReport, Verdict, points};

/// Beside each `report.json`, written with `--save-inventory`.
pub const INVENTORY_FILE: &str = "inventory.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Was passing and is not, newly failing, or fewer points.
    Regression,
    Improvement,
    /// E.g. failed before, not evaluable now: nothing better or worse is known.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioChange {
    pub kind: ChangeKind,
    pub id: String,
    pub name: String,
    pub old: Verdict,
    pub new: Verdict,
    pub old_points: f64,
    pub new_points: f64,
    pub max_points: f64,
    /// Why it is not passing now.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRef {
    pub id: String,
    pub name: String,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    pub kind: String,
    pub id: String,
    /// `field: before → after` for plain values, the field's name otherwise.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceDiff {
    pub added: Vec<ResourceRef>,
    pub removed: Vec<ResourceRef>,
    pub changed: Vec<ResourceChange>,
    /// Reads that failed now and did not before (`kind: operation`).
    pub new_gaps: Vec<String>,
    pub closed_gaps: Vec<String>,
}

impl ResourceDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.new_gaps.is_empty()
            && self.closed_gaps.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportDiff {
    pub old_started_at: String,
    pub new_started_at: String,
    pub old_points: f64,
    pub new_points: f64,
    pub old_max: f64,
    pub new_max: f64,
    /// Regressions first, then improvements, then the rest.
    pub changes: Vec<ScenarioChange>,
    pub added: Vec<ScenarioRef>,
    pub removed: Vec<ScenarioRef>,
    pub resources: Option<ResourceDiff>,
    /// Why there is no resource diff, when there is none.
    pub resources_note: Option<String>,
}

impl ReportDiff {
    pub fn regressed(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.kind == ChangeKind::Regression)
    }
}

fn classify(old: &ScenarioReport, new: &ScenarioReport) -> Option<ChangeKind> {
    let (o, n) = (old.verdict, new.verdict);
    let fewer = new.points < old.points - 1e-9;
    let more = new.points > old.points + 1e-9;
    if o == n && !fewer && !more {
        return None;
    }
    Some(
        if (o == Verdict::Passed && n != Verdict::Passed)
            || (n == Verdict::Failed && o != Verdict::Failed)
            || (fewer && n.is_gradable() && o.is_gradable())
        {
            ChangeKind::Regression
        } else if (n == Verdict::Passed && o != Verdict::Passed)
            || (more && n.is_gradable() && o.is_gradable())
        {
            ChangeKind::Improvement
        } else {
            ChangeKind::Other
        },
    )
}

pub fn compare(old: &Report, new: &Report) -> ReportDiff {
    let mut changes = Vec::new();
    let mut removed = Vec::new();
    for o in &old.scenarios {
        match new.scenarios.iter().find(|n| n.id == o.id) {
            Some(n) => {
                if let Some(kind) = classify(o, n) {
                    changes.push(ScenarioChange {
                        kind,
                        id: n.id.clone(),
                        name: n.name.clone(),
                        old: o.verdict,
                        new: n.verdict,
                        old_points: o.points,
                        new_points: n.points,
                        max_points: n.max_points,
                        reason: n.reason.clone(),
                    });
                }
            }
            None => removed.push(ScenarioRef {
                id: o.id.clone(),
                name: o.name.clone(),
                verdict: o.verdict,
            }),
        }
    }
    let added = new
        .scenarios
        .iter()
        .filter(|n| !old.scenarios.iter().any(|o| o.id == n.id))
        .map(|n| ScenarioRef {
            id: n.id.clone(),
            name: n.name.clone(),
            verdict: n.verdict,
        })
        .collect();
    changes.sort_by_key(|c| c.kind);
    ReportDiff {
        old_started_at: old.provenance.started_at.clone(),
        new_started_at: new.provenance.started_at.clone(),
        old_points: old.summary.points,
        new_points: new.summary.points,
        old_max: old.summary.max_points,
        new_max: new.summary.max_points,
        changes,
        added,
        removed,
        resources: None,
        resources_note: None,
    }
}

/// The Inventory's lists, with the Spanish names a reader knows them by.
fn kind_label(field: &str) -> String {
    let kind = match field {
        "vpcs" => ResourceKind::Vpc,
        "subnets" => ResourceKind::Subnet,
        "route_tables" => ResourceKind::RouteTable,
        "internet_gateways" => ResourceKind::InternetGateway,
        "nat_gateways" => ResourceKind::NatGateway,
        "flow_logs" => ResourceKind::FlowLog,
        "load_balancers" => ResourceKind::LoadBalancer,
        "target_groups" => ResourceKind::TargetGroup,
        "listeners" => ResourceKind::Listener,
        "security_groups" => ResourceKind::SecurityGroup,
        "network_acls" => ResourceKind::NetworkAcl,
        "db_instances" => ResourceKind::DbInstance,
        "db_subnet_groups" => ResourceKind::DbSubnetGroup,
        "db_parameter_groups" => ResourceKind::DbParameterGroup,
        "db_option_groups" => ResourceKind::DbOptionGroup,
        "ecs_clusters" => ResourceKind::EcsCluster,
        "ecs_services" => ResourceKind::EcsService,
        "task_definitions" => ResourceKind::TaskDefinition,
        "secrets" => ResourceKind::Secret,
        "iam_roles" => ResourceKind::IamRole,
        "iam_policies" => ResourceKind::IamPolicy,
        "log_groups" => ResourceKind::LogGroup,
        "docker_images" => ResourceKind::DockerImage,
        "dockerfiles" => ResourceKind::Dockerfile,
        other => return other.to_string(),
    };
    kind.label_es().to_string()
}

/// How a resource is named across runs: AWS ids and ARNs, Terraform
/// addresses, names.
fn key_of(v: &Value, index: usize) -> String {
    ["arn", "id", "name", "path", "image"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| format!("#{}", index + 1))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

fn changed_fields(old: &Value, new: &Value) -> Vec<String> {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        return vec!["(valor)".into()];
    };
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        // Where a resource is declared is not what it is: a line moved by
        // an edit elsewhere in the file is not drift.
        .filter(|k| k.as_str() != "origin")
        .flat_map(|k| {
            let (a, b) = (
                o.get(k).unwrap_or(&Value::Null),
                n.get(k).unwrap_or(&Value::Null),
            );
            if a == b {
                return Vec::new();
            }
            match (scalar(a), scalar(b)) {
                (Some(x), Some(y)) => vec![format!("{k}: {x} → {y}")],
                // A map of settings (a parameter group's parameters): which
                // setting changed is the news, not that the map did.
                _ if a.is_object() && b.is_object() => changed_fields(a, b)
                    .into_iter()
                    .map(|c| format!("{k}.{c}"))
                    .collect(),
                _ => vec![k.clone()],
            }
        })
        .collect()
}

pub fn compare_inventories(old: &Inventory, new: &Inventory) -> ResourceDiff {
    let (Ok(o), Ok(n)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return ResourceDiff::default();
    };
    let mut d = ResourceDiff::default();
    let empty = serde_json::Map::new();
    let (o, n) = (
        o.as_object().unwrap_or(&empty),
        n.as_object().unwrap_or(&empty),
    );
    let mut fields: Vec<&String> = o.keys().chain(n.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        if matches!(field.as_str(), "schema_version" | "source" | "gaps") {
            continue;
        }
        let list = |m: &serde_json::Map<String, Value>| -> BTreeMap<String, Value> {
            m.get(field)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (key_of(v, i), v.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (before, after) = (list(o), list(n));
        let label = kind_label(field);
        for (id, v) in &after {
            match before.get(id) {
                None => d.added.push(ResourceRef {
                    kind: label.clone(),
                    id: id.clone(),
                }),
                Some(old_v) if old_v != v => {
                    let fields = changed_fields(old_v, v);
                    if !fields.is_empty() {
                        d.changed.push(ResourceChange {
                            kind: label.clone(),
                            id: id.clone(),
                            fields,
                        });
                    }
                }
                Some(_) => {}
            }
        }
        for id in before.keys().filter(|id| !after.contains_key(*id)) {
            d.removed.push(ResourceRef {
                kind: label.clone(),
                id: id.clone(),
            });
        }
    }
    let gap = |g: &cloudgrade_model::Gap| format!("{}: {}", g.kind.label_es(), g.operation);
    let (og, ng): (Vec<String>, Vec<String>) = (
        old.gaps.iter().map(gap).collect(),
        new.gaps.iter().map(gap).collect(),
    );
    d.new_gaps = ng.iter().filter(|g| !og.contains(g)).cloned().collect();
    d.closed_gaps = og.iter().filter(|g| !ng.contains(g)).cloned().collect();
    d
}

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Report(#[from] report::LoadError),
}

/// Loads both reports and, when both folders hold an `inventory.json`,
/// both inventories.
pub fn load_and_compare(old: &Path, new: &Path) -> Result<ReportDiff, DiffError> {
    let (old_r, new_r) = (report::load(old)?, report::load(new)?);
    let mut d = compare(&old_r, &new_r);
    let beside = |p: &Path| p.parent().unwrap_or(Path::new(".")).join(INVENTORY_FILE);
    let (oi, ni) = (beside(old), beside(new));
    match (oi.exists(), ni.exists()) {
        (true, true) => match (Inventory::load(&oi), Inventory::load(&ni)) {
            (Ok(a), Ok(b)) => d.resources = Some(compare_inventories(&a, &b)),
            (Err(e), _) | (_, Err(e)) => {
                d.resources_note = Some(format!("no se comparan los recursos: {e}"))
            }
        },
        _ => {
            d.resources_note = Some(format!(
                "no se comparan los recursos: falta {} (corrige con --save-inventory para guardarlo junto al informe)",
                if oi.exists() {
                    ni.display()
                } else {
                    oi.display()
                }
            ))
        }
    }
    Ok(d)
}

fn delta(d: f64) -> String {
    if d > 0.0 {
        format!("+{}", points(d))
    } else if d < 0.0 {
        format!("−{}", points(-d))
    } else {
        "±0".into()
    }
}

impl ReportDiff {
    fn unchanged(&self) -> bool {
        self.changes.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// The changes grouped by kind, regressions first; empty groups left out.
    fn changes_by_kind(&self) -> impl Iterator<Item = (ChangeKind, Vec<&ScenarioChange>)> {
        [
            ChangeKind::Regression,
            ChangeKind::Improvement,
            ChangeKind::Other,
        ]
        .into_iter()
        .map(|kind| {
            let of: Vec<&ScenarioChange> = self.changes.iter().filter(|c| c.kind == kind).collect();
            (kind, of)
        })
        .filter(|(_, of)| !of.is_empty())
    }
}

fn kind_title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Regression => "Empeoran",
        ChangeKind::Improvement => "Mejoran",
        ChangeKind::Other => "Otros cambios",
    }
}

pub fn render_terminal(d: &ReportDiff, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "cloudgrade diff: {} → {} puntos ({}) · de {} a {}",
        points(d.old_points),
        points(d.new_points),
        delta(d.new_points - d.old_points),
        d.old_started_at,
        d.new_started_at
    );
    if d.unchanged() {
        out.push_str("Ningún escenario ha cambiado.\n");
    }
    for (kind, of) in d.changes_by_kind() {
        let (code, mark) = match kind {
            ChangeKind::Regression => ("31", "✘"),
            ChangeKind::Improvement => ("32", "✔"),
            ChangeKind::Other => ("33", "~"),
        };
        let _ = writeln!(out, "\n{} ({}):", paint(code, kind_title(kind)), of.len());
        for c in of {
            let _ = writeln!(
                out,
                "  {} {}  {} → {}  {} → {} puntos ({})",
                paint(code, mark),
                c.id,
                c.old.label_es(),
                c.new.label_es(),
                points(c.old_points),
                points(c.new_points),
                delta(c.new_points - c.old_points)
            );
            if let (Some(r), true) = (&c.reason, c.new != Verdict::Passed) {
                let _ = writeln!(out, "      {r}");
            }
        }
    }
    for (title, list) in [
        ("Escenarios nuevos", &d.added),
        ("Escenarios que ya no están", &d.removed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):", list.len());
            for s in list {
                let _ = writeln!(out, "  {} ({})", s.id, s.verdict.label_es());
            }
        }
    }
    match (&d.resources, &d.resources_note) {
        (Some(r), _) => {
            let _ = writeln!(
                out,
                "\nRecursos: {} añadidos, {} eliminados, {} cambiados",
                r.added.len(),
                r.removed.len(),
                r.changed.len()
            );
            for a in &r.added {
                let _ = writeln!(out, "  {} {} {}", paint("32", "+"), a.kind, a.id);
            }
            for a in &r.removed {
                let _ = writeln!(out, "  {} {} {}", paint("31", "-"), a.kind, a.id);
            }
            for c in &r.changed {
                let _ = writeln!(
                    out,
                    "  {} {} {}: {}",
                    paint("33", "~"),
                    c.kind,
                    c.id,
                    c.fields.join("; ")
                );
            }
            for g in &r.new_gaps {
                let _ = writeln!(out, "  {} ya no se puede leer: {g}", paint("31", "!"));
            }
            for g in &r.closed_gaps {
                let _ = writeln!(out, "  {} vuelve a poder leerse: {g}", paint("32", "!"));
            }
        }
        (None, Some(note)) => {
            let _ = writeln!(out, "\n({note})");
        }
        (None, None) => {}
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render_markdown(d: &ReportDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## cloudgrade diff: {} → {} puntos ({})\n\nDe `{}` a `{}`.\n",
        points(d.old_points),
        points(d.new_points),
        delta(d.new_points - d.old_points),
        d.old_started_at,
        d.new_started_at
    );
    if d.unchanged() {
        out.push_str("Ningún escenario ha cambiado.\n");
    }
    for (kind, of) in d.changes_by_kind() {
        let icon = match kind {
            ChangeKind::Regression => "❌",
            ChangeKind::Improvement => "✅",
            ChangeKind::Other => "⚠️",
        };
        let _ = writeln!(
            out,
            "### {icon} {} ({})\n\n| Escenario | Antes | Ahora | Puntos | Motivo |\n|---|---|---|---:|---|",
            kind_title(kind),
            of.len()
        );
        for c in of {
            let _ = writeln!(
                out,
                "| {} `{}` | {} | {} | {} → {} ({}) | {} |",
                cell(&c.name),
                c.id,
                c.old.label_es(),
                c.new.label_es(),
                points(c.old_points),
                points(c.new_points),
                delta(c.new_points - c.old_points),
                if c.new == Verdict::Passed {
                    String::new()
                } else {
                    cell(c.reason.as_deref().unwrap_or(""))
                }
            );
        }
        out.push('\n');
    }
    for (title, list) in [
        ("Escenarios nuevos", &d.added),
        ("Escenarios que ya no están", &d.removed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "### {title}\n");
            for s in list {
                let _ = writeln!(
                    out,
                    "- `{}` {} ({})",
                    s.id,
                    cell(&s.name),
                    s.verdict.label_es()
                );
            }
            out.push('\n');
        }
    }
    match (&d.resources, &d.resources_note) {
        (Some(r), _) if r.is_empty() => {
            out.push_str("### Recursos\n\nNingún recurso ha cambiado.\n")
        }
        (Some(r), _) => {
            out.push_str("### Recursos\n\n| | Tipo | Recurso | Cambios |\n|---|---|---|---|\n");
            for a in &r.added {
                let _ = writeln!(out, "| ➕ | {} | `{}` | añadido |", a.kind, a.id);
            }
            for a in &r.removed {
                let _ = writeln!(out, "| ➖ | {} | `{}` | eliminado |", a.kind, a.id);
            }
            for c in &r.changed {
                let _ = writeln!(
                    out,
                    "| ✏️ | {} | `{}` | {} |",
                    c.kind,
                    c.id,
                    cell(&c.fields.join("; "))
                );
            }
            for g in &r.new_gaps {
                let _ = writeln!(out, "| ⚠️ | lectura | {} | ya no se puede leer |", cell(g));
            }
            for g in &r.closed_gaps {
                let _ = writeln!(
                    out,
                    "| ✅ | lectura | {} | vuelve a poder leerse |",
                    cell(g)
                );
            }
        }
        (None, Some(note)) => {
            let _ = writeln!(out, "_{}_", note);
        }
        (None, None) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Provenance, Summary, Timings};
    use cloudgrade_model::SourceInfo;

    fn sc(id: &str, v: Verdict, p: f64) -> ScenarioReport {
        ScenarioReport {
            id: id.into(),
            feature: "f".into(),
            location: "f.feature:1".into(),
            keyword: None,
            name: id.into(),
            verdict: v,
            points: p,
            max_points: 10.0,
            ungraded_points: 0.0,
            bonus: false,
            tags: vec![],
            steps: vec![],
            evidence: vec![],
            hint: None,
            reason: (v != Verdict::Passed).then(|| format!("{id} no")),
        }
    }

    fn report(scenarios: Vec<ScenarioReport>) -> Report {
        Report {
            schema: report::REPORT_SCHEMA.into(),
            provenance: Provenance {
                tool: "cloudgrade".into(),
                version: "0".into(),
                started_at: "t".into(),
                source: SourceInfo::default(),
                features: vec![],
                tags: None,
                standard: None,
                timings: Timings::default(),
                api_calls: None,
                assignment: None,
            },
            summary: Summary::of(&scenarios),
            scenarios,
            gaps: vec![],
            network: None,
        }
    }

    #[test]
    fn regressions_come_first_and_set_the_flag() {
        let old = report(vec![
            sc("a", Verdict::Passed, 10.0),
            sc("b", Verdict::Failed, 0.0),
            sc("c", Verdict::Failed, 0.0),
            sc("gone", Verdict::Passed, 10.0),
        ]);
        let new = report(vec![
            sc("b", Verdict::Passed, 10.0),
            sc("a", Verdict::Failed, 0.0),
            sc("c", Verdict::NotEvaluable, 0.0),
            sc("new", Verdict::Passed, 10.0),
        ]);
        let d = compare(&old, &new);
        let kinds: Vec<(&str, ChangeKind)> =
            d.changes.iter().map(|c| (c.id.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("a", ChangeKind::Regression),
                ("b", ChangeKind::Improvement),
                ("c", ChangeKind::Other)
            ]
        );
        assert!(d.regressed());
        assert_eq!(d.added[0].id, "new");
        assert_eq!(d.removed[0].id, "gone");
    }

    #[test]
    fn fewer_partial_points_is_a_regression() {
        let old = report(vec![sc("p", Verdict::Failed, 6.0)]);
        let new = report(vec![sc("p", Verdict::Failed, 3.0)]);
        assert!(compare(&old, &new).regressed());
        assert!(!compare(&new, &old).regressed());
        assert!(compare(&old, &old).changes.is_empty());
    }

    #[test]
    fn resources_by_id_and_fields_that_changed() {
        let mut a = Inventory::new(SourceInfo::default());
        a.vpcs.push(cloudgrade_model::Vpc {
            id: "vpc-1".into(),
            cidr: cloudgrade_model::Attr::Known("10.0.0.0/16".into()),
            secondary_cidrs: Vec::new(),
            is_default: false,
            dns_support: None,
            dns_hostnames: None,
            tags: Default::default(),
            origin: None,
        });
        let mut b = a.clone();
        b.vpcs[0].cidr = cloudgrade_model::Attr::Known("10.1.0.0/16".into());
        b.vpcs.push(cloudgrade_model::Vpc {
            id: "vpc-2".into(),
            cidr: cloudgrade_model::Attr::Known("10.2.0.0/16".into()),
            secondary_cidrs: Vec::new(),
            is_default: false,
            dns_support: None,
            dns_hostnames: None,
            tags: Default::default(),
            origin: None,
        });
        let d = compare_inventories(&a, &b);
        assert_eq!(
            d.added,
            [ResourceRef {
                kind: "VPCs".into(),
                id: "vpc-2".into()
            }]
        );
        assert_eq!(d.changed[0].fields, ["cidr: 10.0.0.0/16 → 10.1.0.0/16"]);
        assert!(d.removed.is_empty());
        let back = compare_inventories(&b, &a);
        assert_eq!(back.removed[0].id, "vpc-2");
    }

    #[test]
    fn a_changed_setting_is_named_inside_its_map() {
        let mut a = Inventory::new(SourceInfo::default());
        let set = |v: &str| cloudgrade_model::Attr::Known(v.to_string());
        a.db_parameter_groups
            .push(cloudgrade_model::DbParameterGroup {
                name: "app-pg16".into(),
                family: set("postgres16"),
                parameters: [("rds.force_ssl".to_string(), set("1"))].into(),
                origin: None,
            });
        let mut b = a.clone();
        b.db_parameter_groups[0]
            .parameters
            .insert("rds.force_ssl".into(), set("0"));
        let d = compare_inventories(&a, &b);
        assert_eq!(d.changed[0].kind, "grupos de parámetros de RDS");
        assert_eq!(d.changed[0].fields, ["parameters.rds.force_ssl: 1 → 0"]);
    }
}
