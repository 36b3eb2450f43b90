//! Data sources that read back what the configuration itself declares:
//! `data "aws_subnet" { cidr_block = var.subnet_cidr }` beside (or in a
//! module next to) the `aws_subnet` that creates it. Terraform would read
//! it from AWS after apply; statically, it is the declared resource, when
//! the data source's arguments pick exactly one declared resource for
//! certain. Anything less (no match: the data source reads something made
//! elsewhere; several; an argument or candidate whose value is unknown; a
//! module not read that could declare one) stays a gap with its reason,
//! because a guess here would grade the wrong resource.

use std::rc::Rc;

use super::{Evaluator, Expansion, ModId};
use crate::config::Mode;
use crate::eval::EvBody;
use crate::eval::expr::get_attr;
use crate::value::{ResObj, Value};

/// What the arguments of one data source say about one declared resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Maybe,
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }
}

pub(crate) enum ReadBack {
    /// The one declared resource the data source reads.
    One(Rc<ResObj>),
    /// A plural data source (`aws_subnets`): the ids of every declared
    /// resource it matches, all of them certain.
    Ids(Vec<Value>),
    /// Certainly none of the declared resources: it reads something made
    /// elsewhere, which exists (Terraform's plan fails otherwise).
    Outside(String),
    /// Why the data source cannot be resolved to declared resources.
    Unresolved(String),
}

/// One condition of a data source on a resource's attribute: any of
/// `wanted` (a filter's `values`) satisfies it.
struct Criterion {
    attr: Attr,
    wanted: Vec<Value>,
}

enum Attr {
    /// An attribute of the resource; the first of several that is
    /// configured or computed is compared (`task_definition`: arn or family).
    Plain(&'static [&'static str]),
    Tag(String),
    /// A VPC's or subnet's `default` flags: a declared one never is.
    IsDefault,
    /// A filter this module does not interpret.
    Opaque(String),
}

/// The managed type a data source reads back, and how each of its
/// arguments maps to that type's attributes. `plural`: its result is `ids`.
struct Shape {
    managed: &'static str,
    args: &'static [(&'static str, &'static [&'static str])],
    plural: bool,
}

fn shape(rtype: &str) -> Option<Shape> {
    let (managed, args, plural): (_, &'static [(&str, &[&str])], _) = match rtype {
        "aws_vpc" => (
            "aws_vpc",
            &[("id", &["id"]), ("cidr_block", &["cidr_block"])],
            false,
        ),
        "aws_subnet" => (
            "aws_subnet",
            &[
                ("id", &["id"]),
                ("vpc_id", &["vpc_id"]),
                ("cidr_block", &["cidr_block"]),
                ("availability_zone", &["availability_zone"]),
            ],
            false,
        ),
        "aws_subnets" | "aws_subnet_ids" => ("aws_subnet", &[("vpc_id", &["vpc_id"])], true),
        "aws_security_group" => (
            "aws_security_group",
            &[
                ("id", &["id"]),
                ("name", &["name"]),
                ("vpc_id", &["vpc_id"]),
            ],
            false,
        ),
        "aws_security_groups" => ("aws_security_group", &[], true),
        "aws_secretsmanager_secret" => (
            "aws_secretsmanager_secret",
            &[("arn", &["arn"]), ("name", &["name"])],
            false,
        ),
        "aws_iam_role" => ("aws_iam_role", &[("name", &["name"])], false),
        "aws_iam_policy" => (
            "aws_iam_policy",
            &[("arn", &["arn"]), ("name", &["name"])],
            false,
        ),
        "aws_db_instance" => (
            "aws_db_instance",
            &[("db_instance_identifier", &["identifier"])],
            false,
        ),
        "aws_rds_cluster" => (
            "aws_rds_cluster",
            &[("cluster_identifier", &["cluster_identifier"])],
            false,
        ),
        "aws_db_subnet_group" => ("aws_db_subnet_group", &[("name", &["name"])], false),
        "aws_ecs_cluster" => ("aws_ecs_cluster", &[("cluster_name", &["name"])], false),
        "aws_ecs_task_definition" => (
            "aws_ecs_task_definition",
            &[("task_definition", &["arn", "family"])],
            false,
        ),
        "aws_cloudwatch_log_group" => ("aws_cloudwatch_log_group", &[("name", &["name"])], false),
        _ => return None,
    };
    Some(Shape {
        managed,
        args,
        plural,
    })
}

/// Whether `v` is an attribute of a `data "<rtype>"` instance (in any
/// module): `data.aws_secretsmanager_secret.db.id`.
pub(crate) fn names_data_source(v: &Value, rtype: &str) -> bool {
    let Value::Unknown(u) = v.clone().flatten().deep_unmark().0 else {
        return false;
    };
    let Some(address) = u.is_computed_attribute().then(|| u.text_form()) else {
        return false;
    };
    let needle = format!("data.{rtype}.");
    address.starts_with(&needle) || address.contains(&format!(".{needle}"))
}

/// Whether `rtype` is a data source this module may resolve.
pub(crate) fn reads_back(rtype: &str) -> bool {
    shape(rtype).is_some()
}

/// Arguments that narrow nothing for a declared resource (every declared
/// VPC is `available`) or only shape the result.
const IGNORED: &[&str] = &["state", "timeouts", "region"];

impl Evaluator<'_> {
    pub(crate) fn read_back(&mut self, rtype: &str, body: &EvBody) -> ReadBack {
        let Some(shape) = shape(rtype) else {
            return ReadBack::Unresolved(format!("`{rtype}` no se resuelve estáticamente"));
        };
        let criteria = match criteria(&shape, body) {
            Ok(c) => c,
            Err(arg) => {
                return ReadBack::Unresolved(format!(
                    "su argumento `{arg}` no se compara con lo declarado"
                ));
            }
        };
        if let Some(what) = criteria.iter().find_map(|c| match &c.attr {
            Attr::Opaque(what) => Some(what),
            _ => None,
        }) {
            return ReadBack::Unresolved(format!(
                "su filtro `{what}` no se compara con lo declarado"
            ));
        }
        if criteria.is_empty() && !shape.plural {
            return ReadBack::Unresolved("no tiene argumentos que elijan un recurso".into());
        }
        let (candidates, hidden) = self.declared_of(shape.managed);
        let mut yes: Vec<Rc<ResObj>> = Vec::new();
        let mut maybe: Vec<String> = hidden;
        for c in candidates {
            match c {
                Candidate::Known(r) => match matches(&criteria, &r) {
                    Tri::Yes => yes.push(r),
                    Tri::No => {}
                    Tri::Maybe => maybe.push(r.address.clone()),
                },
                Candidate::Uncounted(r, why) => {
                    if r.as_ref().is_none_or(|r| matches(&criteria, r) != Tri::No) {
                        maybe.push(why);
                    }
                }
            }
        }
        if let Some(first) = maybe.first() {
            return ReadBack::Unresolved(format!(
                "no se puede saber si lee {first}{}",
                if maybe.len() > 1 {
                    format!(" (y {} más)", maybe.len() - 1)
                } else {
                    String::new()
                }
            ));
        }
        if shape.plural {
            // Only bounded by a VPC this configuration declares are the
            // matches all there is: otherwise the account may hold more.
            if !self.bounded_by_declared_vpc(rtype, &criteria) {
                return ReadBack::Unresolved(
                    "no filtra por una VPC declarada aquí: la cuenta puede tener otros".into(),
                );
            }
            return ReadBack::Ids(
                yes.iter()
                    .map(|r| crate::computed::attribute(r, "id"))
                    .collect(),
            );
        }
        match yes.len() {
            1 => ReadBack::One(yes.remove(0)),
            0 => ReadBack::Outside(format!(
                "ningún `{}` declarado coincide: lee algo creado fuera de esta configuración",
                shape.managed
            )),
            n => ReadBack::Unresolved(format!(
                "coinciden {n} `{}` declarados ({}, {}…)",
                shape.managed, yes[0].address, yes[1].address
            )),
        }
    }

    /// Whether `v` is certainly the id, ARN or name of a declared `managed`
    /// resource: a secret version read from a secret this configuration
    /// creates leaves nothing about that secret unknown.
    pub(crate) fn names_declared(&mut self, managed: &str, v: &Value) -> bool {
        let (candidates, _) = self.declared_of(managed);
        candidates.iter().any(|c| match c {
            Candidate::Known(r) => ["id", "arn", "name"].iter().any(|a| {
                get_attr(Value::Resource(r.clone()), a)
                    .is_ok_and(|have| compare(v, &have) == Tri::Yes)
            }),
            Candidate::Uncounted(..) => false,
        })
    }

    fn bounded_by_declared_vpc(&mut self, rtype: &str, criteria: &[Criterion]) -> bool {
        let vpc_attr = if rtype == "aws_vpc" { "id" } else { "vpc_id" };
        let Some(c) = criteria
            .iter()
            .find(|c| matches!(c.attr, Attr::Plain(a) if a == [vpc_attr]))
        else {
            return false;
        };
        let (vpcs, _) = self.declared_of("aws_vpc");
        c.wanted.iter().all(|w| {
            vpcs.iter().any(|v| match v {
                Candidate::Known(r) => compare(w, &crate::computed::attribute(r, "id")) == Tri::Yes,
                Candidate::Uncounted(..) => false,
            })
        })
    }

    /// Every declared resource of `rtype`, across the modules this crate
    /// reads, and the modules it does not read that could declare one.
    fn declared_of(&mut self, rtype: &str) -> (Vec<Candidate>, Vec<String>) {
        let mut out = Vec::new();
        let mut hidden = Vec::new();
        self.declared_in(0, rtype, &mut out, &mut hidden);
        (out, hidden)
    }

    fn declared_in(
        &mut self,
        m: ModId,
        rtype: &str,
        out: &mut Vec<Candidate>,
        hidden: &mut Vec<String>,
    ) {
        let cfg = self.cfg(m);
        for decl in cfg
            .resources
            .iter()
            .filter(|d| d.mode == Mode::Managed && d.rtype == rtype)
        {
            let key = decl.key();
            let address = format!("{}{key}", self.mods[m].prefix);
            let r = self.resource(m, &key);
            push_instances(&address, &r.value, out);
        }
        let kind = crate::map::kind_of(rtype);
        for call in &cfg.modules {
            let exp = self.expand_call(m, &call.name);
            match exp.as_ref() {
                Expansion::Single(c) => self.declared_in(*c, rtype, out, hidden),
                Expansion::List(cs) => {
                    for c in cs.clone() {
                        self.declared_in(c, rtype, out, hidden);
                    }
                }
                Expansion::Map(cs) => {
                    for (_, c) in cs.clone() {
                        self.declared_in(c, rtype, out, hidden);
                    }
                }
                Expansion::External(u) | Expansion::Unknown(u) => {
                    let could = match &call.source {
                        Some(s) => kind.is_none_or(|k| crate::map::kinds_of_module(s).contains(&k)),
                        None => true,
                    };
                    if could {
                        hidden.push(format!("lo que declara {}", u.primary()));
                    }
                }
            }
        }
    }
}

enum Candidate {
    Known(Rc<ResObj>),
    /// A resource whose `count`/`for_each` is unknown: its representative
    /// instance, if it has one, and what the count depends on.
    Uncounted(Option<Rc<ResObj>>, String),
}

/// `address` is the declaration's, for naming instances not yet counted.
fn push_instances(address: &str, v: &Value, out: &mut Vec<Candidate>) {
    match v {
        Value::Resource(r) => out.push(Candidate::Known(r.clone())),
        Value::List(items) => items.iter().for_each(|i| push_instances(address, i, out)),
        Value::Object(map) => map.values().for_each(|i| push_instances(address, i, out)),
        Value::Unknown(u) => out.push(Candidate::Uncounted(
            u.rep.clone(),
            format!("las instancias de {address} (dependen de {})", u.primary()),
        )),
        _ => {}
    }
}

/// The data source's arguments as criteria; `Err(name)` for an argument
/// that narrows the result in a way not compared here.
fn criteria(shape: &Shape, body: &EvBody) -> Result<Vec<Criterion>, String> {
    let mut out = Vec::new();
    for (name, attr) in &body.attrs {
        let value = attr.value.clone().deep_unmark().0;
        if value.is_null() || IGNORED.contains(&name.as_str()) {
            continue;
        }
        if let Some((_, attrs)) = shape.args.iter().find(|(a, _)| a == name) {
            out.push(Criterion {
                attr: Attr::Plain(attrs),
                wanted: vec![value],
            });
            continue;
        }
        match name.as_str() {
            "tags" => match value {
                Value::Object(tags) => out.extend(tags.into_iter().map(|(k, v)| Criterion {
                    attr: Attr::Tag(k),
                    wanted: vec![v],
                })),
                _ => out.push(Criterion {
                    attr: Attr::Opaque("tags".into()),
                    wanted: Vec::new(),
                }),
            },
            "default" | "default_for_az" => out.push(Criterion {
                attr: Attr::IsDefault,
                wanted: vec![value],
            }),
            _ => return Err(name.clone()),
        }
    }
    for f in body.blocks("filter") {
        let name = f
            .body
            .get("name")
            .map(|v| v.clone().flatten().deep_unmark().0);
        let wanted = match f.body.get("values").map(|v| v.clone().deep_unmark().0) {
            Some(Value::List(items)) => items,
            Some(other) => vec![other],
            None => Vec::new(),
        };
        let attr = match name {
            Some(Value::String(n)) => filter_attr(shape.managed, &n),
            _ => Attr::Opaque("filter".into()),
        };
        out.push(Criterion { attr, wanted });
    }
    if body.unknown_blocks_of("filter").is_some() {
        out.push(Criterion {
            attr: Attr::Opaque("filter".into()),
            wanted: Vec::new(),
        });
    }
    Ok(out)
}

/// EC2's filter names for the attributes the rules use.
fn filter_attr(managed: &str, name: &str) -> Attr {
    if let Some(tag) = name.strip_prefix("tag:") {
        return Attr::Tag(tag.to_string());
    }
    let attrs: &'static [&'static str] = match (managed, name) {
        ("aws_vpc", "vpc-id") => &["id"],
        (_, "vpc-id") => &["vpc_id"],
        (_, "cidr" | "cidr-block" | "cidrBlock" | "cidr-block-association.cidr-block") => {
            &["cidr_block"]
        }
        ("aws_subnet", "availability-zone" | "availabilityZone") => &["availability_zone"],
        ("aws_subnet", "subnet-id") => &["id"],
        ("aws_security_group", "group-id") => &["id"],
        ("aws_security_group", "group-name") => &["name"],
        (_, "isDefault" | "is-default" | "default-for-az" | "defaultForAz") => {
            return Attr::IsDefault;
        }
        _ => return Attr::Opaque(name.to_string()),
    };
    Attr::Plain(attrs)
}

fn matches(criteria: &[Criterion], r: &ResObj) -> Tri {
    let mut all = Tri::Yes;
    for c in criteria {
        let one = match &c.attr {
            Attr::Opaque(_) => Tri::Maybe,
            Attr::IsDefault => c
                .wanted
                .iter()
                .map(|w| match w.clone().flatten() {
                    Value::Bool(b) => {
                        if b {
                            Tri::No
                        } else {
                            Tri::Yes
                        }
                    }
                    Value::String(s) if s == "true" => Tri::No,
                    Value::String(s) if s == "false" => Tri::Yes,
                    _ => Tri::Maybe,
                })
                .fold(Tri::No, Tri::or),
            Attr::Tag(k) => {
                let have = match get_attr(Value::Resource(Rc::new(r.clone())), "tags") {
                    Ok(v) => match v.deep_unmark().0 {
                        Value::Object(tags) => Some(tags.get(k).cloned()),
                        Value::Null => Some(None),
                        _ => None,
                    },
                    Err(_) => Some(None),
                };
                match have {
                    None => Tri::Maybe,
                    Some(None) => Tri::No,
                    Some(Some(v)) => any_of(&c.wanted, &v),
                }
            }
            Attr::Plain(names) => {
                let obj = Value::Resource(Rc::new(r.clone()));
                names
                    .iter()
                    .map(|n| match get_attr(obj.clone(), n) {
                        Ok(have) => any_of(&c.wanted, &have.deep_unmark().0),
                        Err(_) => Tri::Maybe,
                    })
                    .fold(Tri::No, Tri::or)
            }
        };
        all = all.and(one);
        if all == Tri::No {
            break;
        }
    }
    all
}

fn any_of(wanted: &[Value], have: &Value) -> Tri {
    wanted
        .iter()
        .map(|w| compare(w, have))
        .fold(Tri::No, Tri::or)
}

/// Whether a value the data source asks for is the one a resource has.
/// The same expression (a name built from the same unknown variable) is
/// the same value; an id or ARN computed at apply (an unknown that reads
/// as its resource's address) is equal only to itself and never to a
/// literal, since nobody can write an id before it exists.
fn compare(wanted: &Value, have: &Value) -> Tri {
    let (w, h) = (wanted.clone().deep_unmark().0, have.clone().deep_unmark().0);
    if w == h {
        return Tri::Yes;
    }
    let (w, h) = (w.flatten(), h.flatten());
    match (&w, &h) {
        (Value::Unknown(a), Value::Unknown(b)) => {
            if a.text_form() == b.text_form()
                && (a.is_computed_attribute() || b.is_computed_attribute())
            {
                Tri::Yes
            } else if a.is_computed_attribute() && b.is_computed_attribute() {
                Tri::No
            } else {
                Tri::Maybe
            }
        }
        (Value::Unknown(u), known) | (known, Value::Unknown(u)) => {
            if u.is_computed_attribute() && known.text_form().is_some() {
                Tri::No
            } else {
                Tri::Maybe
            }
        }
        (Value::List(_) | Value::Object(_), _) | (_, Value::List(_) | Value::Object(_)) => {
            Tri::Maybe
        }
        _ => match (w.text_form(), h.text_form()) {
            (Some(a), Some(b)) => {
                if glob(&a, &b) {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            _ => Tri::Maybe,
        },
    }
}

/// EC2 filter values may hold `*` wildcards.
fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Unknown;

    #[test]
    fn wildcards() {
        assert!(glob("app-*", "app-db"));
        assert!(glob("*-db", "app-db"));
        assert!(glob("a*c*e", "abcde"));
        assert!(!glob("app-*", "web-db"));
        assert!(!glob("app", "app-db"));
    }

    #[test]
    fn a_computed_id_equals_only_itself() {
        let id = |a: &str| Value::unknown(Unknown::with_text(format!("{a}.id"), a));
        assert_eq!(compare(&id("aws_vpc.a"), &id("aws_vpc.a")), Tri::Yes);
        assert_eq!(compare(&id("aws_vpc.a"), &id("aws_vpc.b")), Tri::No);
        assert_eq!(compare(&id("aws_vpc.a"), &Value::str("vpc-123")), Tri::No);
        let var = Value::unknown(Unknown::reference("var.vpc_id"));
        assert_eq!(compare(&var, &id("aws_vpc.a")), Tri::Maybe);
        assert_eq!(compare(&var, &Value::str("10.0.0.0/16")), Tri::Maybe);
    }
}
