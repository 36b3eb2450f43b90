//! What an expression of a plan's `configuration` section refers to,
//! instance by instance. Terraform lists an expression's references as
//! written, each unwrapped step by step (`aws_subnet.private[0].id`,
//! `aws_subnet.private[0]`, `aws_subnet.private`); an index that is not a
//! literal is not part of it, so `aws_subnet.private[count.index].id` and
//! `element(aws_subnet.private[*].id, count.index)` both list
//! `aws_subnet.private` and `count.index`, and a splat lists the resource
//! alone. Read back: a bare reference to a resource of several instances
//! beside `count.index` or `each.key` is the instance with the referring
//! instance's own key; without them it is every instance, in order.

use std::collections::HashMap;

use serde_json::Value as Json;

/// One resource instance of the plan, under the address of its resource.
struct Inst {
    address: String,
    rtype: String,
    key: Option<Json>,
}

/// An instance an expression refers to, and the attribute it reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub address: String,
    pub rtype: String,
    pub attr: String,
    key: Option<Json>,
}

/// Where an expression is evaluated: the module instance it is written in
/// (`""`, `module.red`, `module.red["a"]`) and the key of the instance
/// being read, with its `for_each` expression for `each.value`.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'j> {
    pub module: &'j str,
    pub key: Option<&'j Json>,
    pub for_each: Option<&'j Json>,
}

/// What each reference of an expression refers to, in the order the
/// expression lists them.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    pub refs: Vec<Resolved>,
}

#[derive(Debug)]
pub(crate) enum Resolved {
    /// The instances a reference names: several for a splat.
    To(Vec<Target>),
    /// A reference to something the plan does not hold as an instance (a
    /// local value, a data source, a key no instance has), as written.
    Unresolved(String),
}

impl Resolution {
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        self.refs.iter().flat_map(|r| match r {
            Resolved::To(t) => t.as_slice(),
            Resolved::Unresolved(_) => &[],
        })
    }

    fn into_targets(self) -> Vec<Target> {
        self.refs
            .into_iter()
            .flat_map(|r| match r {
                Resolved::To(t) => t,
                Resolved::Unresolved(_) => Vec::new(),
            })
            .collect()
    }

    fn push(&mut self, targets: Vec<Target>, reference: &str) {
        self.refs.push(if targets.is_empty() {
            Resolved::Unresolved(reference.to_string())
        } else {
            Resolved::To(targets)
        });
    }
}

pub(crate) struct Catalog<'j> {
    by_resource: HashMap<String, Vec<Inst>>,
    config_root: Option<&'j Json>,
}

/// Module calls followed through outputs and input variables at most this
/// deep: a module cycle is refused by Terraform, a malformed document is not.
const MAX_DEPTH: usize = 16;

impl<'j> Catalog<'j> {
    pub fn new<'a>(
        instances: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a Json>)>,
        config_root: Option<&'j Json>,
    ) -> Self {
        let mut by_resource: HashMap<String, Vec<Inst>> = HashMap::new();
        for (address, rtype, key) in instances {
            by_resource
                .entry(resource_of(address).to_string())
                .or_default()
                .push(Inst {
                    address: address.to_string(),
                    rtype: rtype.to_string(),
                    key: key.cloned(),
                });
        }
        Catalog {
            by_resource,
            config_root,
        }
    }

    pub fn resolve(&self, expr: &Json, scope: Scope) -> Resolution {
        self.resolve_at(expr, scope, 0)
    }

    fn resolve_at(&self, expr: &Json, scope: Scope, depth: usize) -> Resolution {
        let mut out = Resolution::default();
        let refs: Vec<&str> = expr
            .get("references")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let groups = groups(&refs);
        let by_key = groups
            .iter()
            .any(|g| matches!(classify(g), Ref::CountIndex | Ref::EachKey));
        for g in &groups {
            match classify(g) {
                Ref::CountIndex | Ref::EachKey | Ref::Ignored => {}
                Ref::Resource { base, key, attr } => {
                    let found = self.resource_targets(scope, &base, key, &attr, by_key);
                    out.push(found, g);
                }
                Ref::EachValue { attr } => {
                    let picked = match (scope.for_each, depth < MAX_DEPTH) {
                        (Some(fe), true) => {
                            let all = self.resolve_at(
                                fe,
                                Scope {
                                    key: None,
                                    for_each: None,
                                    ..scope
                                },
                                depth + 1,
                            );
                            let mut t = select(all.into_targets(), scope.key);
                            for x in &mut t {
                                x.attr = attr.clone();
                            }
                            t
                        }
                        _ => Vec::new(),
                    };
                    out.push(picked, g);
                }
                Ref::Var(name) => {
                    if scope.module.is_empty() {
                        // A root variable's value is known when planning:
                        // never what makes a value unknown.
                        continue;
                    }
                    match self.through_variable(scope.module, &name, depth) {
                        Some(r) => out.refs.extend(r.refs),
                        None => out.push(Vec::new(), g),
                    }
                }
                Ref::Output {
                    call,
                    call_key,
                    output,
                    index,
                } => {
                    let r =
                        self.through_output(scope.module, &call, call_key.as_ref(), &output, depth);
                    // An output made of something not followed is not
                    // followed as a whole: its elements are not all known.
                    let whole = r.filter(|r| {
                        r.refs.iter().all(|x| matches!(x, Resolved::To(_))) && !r.refs.is_empty()
                    });
                    let picked = match (whole, index) {
                        (Some(r), Some(i)) => select(r.into_targets(), Some(&i)),
                        (Some(r), None) if by_key => select(r.into_targets(), scope.key),
                        (Some(r), None) => r.into_targets(),
                        (None, _) => Vec::new(),
                    };
                    out.push(picked, g);
                }
                Ref::Other => out.push(Vec::new(), g),
            }
        }
        out
    }

    /// The instances `base[key].attr` names from `scope`. A resource that
    /// is not in the plan is named all the same, so that the mapping says
    /// it is not declared.
    fn resource_targets(
        &self,
        scope: Scope,
        base: &str,
        key: Option<Json>,
        attr: &str,
        by_key: bool,
    ) -> Vec<Target> {
        let full = join(scope.module, base);
        let Some(all) = self.by_resource.get(&full) else {
            let address = match &key {
                Some(k) => format!("{full}[{k}]"),
                None => full,
            };
            let rtype = base.split('.').next().unwrap_or_default().to_string();
            return vec![Target {
                address,
                rtype,
                attr: attr.to_string(),
                key,
            }];
        };
        match &key {
            Some(k) => all
                .iter()
                .filter(|i| i.key.as_ref() == Some(k))
                .map(|i| target(i, attr))
                .collect(),
            None => {
                let every: Vec<Target> = all.iter().map(|i| target(i, attr)).collect();
                let single = every.len() == 1 && every[0].key.is_none();
                if by_key && !single {
                    select(every, scope.key)
                } else {
                    every
                }
            }
        }
    }

    /// `module.NAME.OUTPUT` from the module instance `module` is in: the
    /// output's expression, evaluated inside the called module.
    fn through_output(
        &self,
        module: &str,
        call: &str,
        call_key: Option<&Json>,
        output: &str,
        depth: usize,
    ) -> Option<Resolution> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let called = self.config_module(module)?.get("module_calls")?.get(call)?;
        let expr = called
            .get("module")?
            .get("outputs")?
            .get(output)?
            .get("expression")?;
        let inner = match call_key {
            Some(k) => format!("{}[{}]", join(module, &format!("module.{call}")), k),
            None => join(module, &format!("module.{call}")),
        };
        let scope = Scope {
            module: &inner,
            key: None,
            for_each: None,
        };
        Some(self.resolve_at(expr, scope, depth + 1))
    }

    /// `var.NAME` inside a module: what the calling module passes.
    fn through_variable(&self, module: &str, name: &str, depth: usize) -> Option<Resolution> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let (parent, call, key) = split_last_module(module)?;
        let called = self.config_module(parent)?.get("module_calls")?.get(call)?;
        let expr = called.get("expressions")?.get(name)?;
        let scope = Scope {
            module: parent,
            key: key.as_ref(),
            for_each: called.get("for_each_expression"),
        };
        Some(self.resolve_at(expr, scope, depth + 1))
    }

    /// The configuration of the module a module instance is of.
    pub fn config_module(&self, module: &str) -> Option<&'j Json> {
        let mut m = self.config_root?;
        for name in module_names(module) {
            m = m.get("module_calls")?.get(&name)?.get("module")?;
        }
        Some(m)
    }
}

fn target(i: &Inst, attr: &str) -> Target {
    Target {
        address: i.address.clone(),
        rtype: i.rtype.clone(),
        attr: attr.to_string(),
        key: i.key.clone(),
    }
}

/// The instance with the referring instance's key; `element(list,
/// count.index)` wraps around, so a numeric key past the end counts again
/// from the start.
fn select(all: Vec<Target>, key: Option<&Json>) -> Vec<Target> {
    let Some(key) = key else {
        return Vec::new();
    };
    if let Some(t) = all
        .iter()
        .find(|t| t.key.as_ref().is_some_and(|k| same_key(k, key)))
    {
        return vec![t.clone()];
    }
    match key.as_u64() {
        Some(n) if !all.is_empty() => {
            let i = usize::try_from(n).unwrap_or(0) % all.len();
            vec![all[i].clone()]
        }
        _ => Vec::new(),
    }
}

/// `for_each = { for i, s in aws_subnet.a : i => s }` over a counted
/// resource keys its instances `"0"`, `"1"`: the same as the numbers.
fn same_key(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(n), Json::String(s)) | (Json::String(s), Json::Number(n)) => {
            n.to_string() == *s
        }
        _ => a == b,
    }
}

/// What one reference (the longest form of its group) names.
#[derive(Debug, PartialEq)]
enum Ref {
    CountIndex,
    EachKey,
    EachValue {
        attr: String,
    },
    Var(String),
    Resource {
        base: String,
        key: Option<Json>,
        attr: String,
    },
    Output {
        call: String,
        call_key: Option<Json>,
        output: String,
        index: Option<Json>,
    },
    /// `path.module`, `terraform.workspace`, `self`: never an instance.
    Ignored,
    Other,
}

#[derive(Debug, PartialEq)]
enum Step {
    Attr(String),
    Index(Json),
}

/// `aws_subnet.private["a"].id` -> attr, attr, index, attr.
fn steps(reference: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    let mut rest = reference;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let (key, after) = if let Some(q) = r.strip_prefix('"') {
                let end = q.find("\"]")?;
                (Json::String(q[..end].to_string()), &q[end + 2..])
            } else {
                let end = r.find(']')?;
                (serde_json::from_str(&r[..end]).ok()?, &r[end + 1..])
            };
            out.push(Step::Index(key));
            rest = after;
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            out.push(Step::Attr(r[..end].to_string()));
            rest = &r[end..];
        }
    }
    Some(out)
}

fn classify(reference: &str) -> Ref {
    let Some(steps) = steps(reference) else {
        return Ref::Other;
    };
    let attr = |s: Option<&Step>| match s {
        Some(Step::Attr(a)) => a.clone(),
        _ => "id".to_string(),
    };
    let name = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    match (name(0), name(1)) {
        (Some("count"), Some("index")) => Ref::CountIndex,
        (Some("each"), Some("key")) => Ref::EachKey,
        (Some("each"), Some("value")) => Ref::EachValue {
            attr: attr(steps.get(2)),
        },
        (Some("var"), Some(v)) => Ref::Var(v.to_string()),
        (Some("path" | "terraform" | "self"), _) => Ref::Ignored,
        (Some("local" | "data"), _) => Ref::Other,
        (Some("module"), Some(call)) => {
            let (call_key, at) = match steps.get(2) {
                Some(Step::Index(k)) => (Some(k.clone()), 3),
                _ => (None, 2),
            };
            let Some(output) = name(at) else {
                return Ref::Other;
            };
            let index = match steps.get(at + 1) {
                Some(Step::Index(i)) => Some(i.clone()),
                _ => None,
            };
            Ref::Output {
                call: call.to_string(),
                call_key,
                output: output.to_string(),
                index,
            }
        }
        (Some(t), Some(n)) if t.contains('_') => {
            let (key, at) = match steps.get(2) {
                Some(Step::Index(k)) => (Some(k.clone()), 3),
                _ => (None, 2),
            };
            Ref::Resource {
                base: format!("{t}.{n}"),
                key,
                attr: attr(steps.get(at)),
            }
        }
        _ => Ref::Other,
    }
}

/// The references of an expression, one per reference written: Terraform
/// follows each with its shorter forms, which say nothing more.
fn groups<'a>(refs: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for r in refs {
        let shorter = out.last().is_some_and(|prev| {
            prev.strip_prefix(*r)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        });
        if !shorter {
            out.push(r);
        }
    }
    out
}

fn join(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        format!("{module}.{local}")
    }
}

/// `module.red[0].aws_subnet.a[1]` -> `module.red[0].aws_subnet.a`.
pub(crate) fn resource_of(address: &str) -> &str {
    if address.ends_with(']')
        && let Some(open) = last_open_bracket(address)
    {
        return &address[..open];
    }
    address
}

/// Where the resource's own key opens, skipping brackets inside a quoted key.
fn last_open_bracket(address: &str) -> Option<usize> {
    let mut in_str = false;
    let mut open = None;
    let mut prev = '\0';
    for (i, c) in address.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '[' if !in_str => open = Some(i),
            _ => {}
        }
        prev = c;
    }
    open
}

/// The names of the module calls a module instance address goes through:
/// `module.red["a"].module.sub` -> `red`, `sub`.
pub(crate) fn module_names(module: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(steps) = steps(module) else {
        return out;
    };
    let mut it = steps.iter().peekable();
    while let Some(s) = it.next() {
        if s == &Step::Attr("module".into())
            && let Some(Step::Attr(name)) = it.next()
        {
            out.push(name.clone());
        }
    }
    out
}

/// `module.red.module.sub["x"]` -> (`module.red`, `sub`, `"x"`).
fn split_last_module(module: &str) -> Option<(&str, &str, Option<Json>)> {
    let at = module.rfind("module.")?;
    let parent = module[..at].trim_end_matches('.');
    let rest = &module[at + "module.".len()..];
    let end = rest.find('[').unwrap_or(rest.len());
    let key = match &rest[end..] {
        "" => None,
        k => match steps(k)?.pop()? {
            Step::Index(k) => Some(k),
            Step::Attr(_) => None,
        },
    };
    Some((parent, &rest[..end], key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog(insts: &[(&str, &str, Option<Json>)]) -> Vec<(String, String, Option<Json>)> {
        insts
            .iter()
            .map(|(a, t, k)| (a.to_string(), t.to_string(), k.clone()))
            .collect()
    }

    fn addresses(r: &Resolution) -> Vec<&str> {
        r.targets().map(|t| t.address.as_str()).collect()
    }

    #[test]
    fn the_shorter_forms_of_a_reference_are_one_group() {
        assert_eq!(
            groups(&[
                "aws_subnet.private[0].id",
                "aws_subnet.private[0]",
                "aws_subnet.private",
                "aws_subnet.privately.id",
                "aws_subnet.privately",
                "count.index",
            ]),
            [
                "aws_subnet.private[0].id",
                "aws_subnet.privately.id",
                "count.index"
            ]
        );
    }

    #[test]
    fn references_are_classified_by_what_they_name() {
        assert_eq!(
            classify("aws_subnet.private[\"a.b\"].arn"),
            Ref::Resource {
                base: "aws_subnet.private".into(),
                key: Some(json!("a.b")),
                attr: "arn".into()
            }
        );
        assert_eq!(
            classify("module.vpc.private_subnets[1]"),
            Ref::Output {
                call: "vpc".into(),
                call_key: None,
                output: "private_subnets".into(),
                index: Some(json!(1))
            }
        );
        assert_eq!(
            classify("each.value.id"),
            Ref::EachValue { attr: "id".into() }
        );
        assert_eq!(classify("count.index"), Ref::CountIndex);
        assert_eq!(classify("local.subnets"), Ref::Other);
        assert_eq!(classify("path.module"), Ref::Ignored);
    }

    #[test]
    fn a_bare_reference_beside_count_index_is_the_same_instance() {
        let insts = catalog(&[
            ("aws_subnet.private[0]", "aws_subnet", Some(json!(0))),
            ("aws_subnet.private[1]", "aws_subnet", Some(json!(1))),
        ]);
        let c = Catalog::new(
            insts
                .iter()
                .map(|(a, t, k)| (a.as_str(), t.as_str(), k.as_ref())),
            None,
        );
        let key = json!(1);
        let at = Scope {
            module: "",
            key: Some(&key),
            for_each: None,
        };
        let indexed = json!({"references": ["aws_subnet.private", "count.index"]});
        let splat_for_each = json!({"references": ["aws_subnet.private"]});
        assert_eq!(
            addresses(&c.resolve(&indexed, at)),
            ["aws_subnet.private[1]"]
        );
        // `element()` wraps around.
        let three = json!(3);
        let wrapped = Scope {
            key: Some(&three),
            ..at
        };
        assert_eq!(
            addresses(&c.resolve(&indexed, wrapped)),
            ["aws_subnet.private[1]"]
        );
        // A map built from a counted resource keys it by the index's text.
        let text_key = json!("1");
        let by_text = Scope {
            key: Some(&text_key),
            for_each: Some(&splat_for_each),
            ..at
        };
        let each_value = json!({"references": ["each.value.id", "each.value"]});
        assert_eq!(
            addresses(&c.resolve(&each_value, by_text)),
            ["aws_subnet.private[1]"]
        );
        let splat = json!({"references": ["aws_subnet.private"]});
        assert_eq!(
            addresses(&c.resolve(&splat, at)),
            ["aws_subnet.private[0]", "aws_subnet.private[1]"]
        );
        let literal = json!({"references": ["aws_subnet.private[0].id", "aws_subnet.private[0]", "aws_subnet.private"]});
        assert_eq!(
            addresses(&c.resolve(&literal, at)),
            ["aws_subnet.private[0]"]
        );
    }

    /// `module "app" { count = 2, subnet_id = aws_subnet.a[count.index].id }`:
    /// inside `module.app[1]`, `var.subnet_id` is the root's `aws_subnet.a[1]`.
    #[test]
    fn a_module_input_takes_the_key_of_its_module_instance() {
        let config = json!({
            "resources": [],
            "module_calls": {"app": {
                "count_expression": {"constant_value": 2},
                "expressions": {"subnet_id": {"references": ["aws_subnet.a", "count.index"]}},
                "module": {"outputs": {
                    "where": {"expression": {"references": ["var.subnet_id"]}}
                }}
            }}
        });
        let insts = catalog(&[
            ("aws_subnet.a[0]", "aws_subnet", Some(json!(0))),
            ("aws_subnet.a[1]", "aws_subnet", Some(json!(1))),
        ]);
        let c = Catalog::new(
            insts
                .iter()
                .map(|(a, t, k)| (a.as_str(), t.as_str(), k.as_ref())),
            Some(&config),
        );
        let inside = Scope {
            module: "module.app[1]",
            key: None,
            for_each: None,
        };
        let var = json!({"references": ["var.subnet_id"]});
        assert_eq!(addresses(&c.resolve(&var, inside)), ["aws_subnet.a[1]"]);
        // And from the root, through the instance's output.
        let root = Scope {
            module: "",
            key: None,
            for_each: None,
        };
        let out = json!({"references": ["module.app[0].where", "module.app[0]", "module.app"]});
        assert_eq!(addresses(&c.resolve(&out, root)), ["aws_subnet.a[0]"]);
        // A local value is not in a plan: said so, not guessed.
        let local = json!({"references": ["local.ids"]});
        let r = c.resolve(&local, root);
        assert!(matches!(r.refs.as_slice(), [Resolved::Unresolved(u)] if u == "local.ids"));
    }

    #[test]
    fn module_addresses_split_into_calls_and_keys() {
        assert_eq!(
            module_names("module.red[\"a\"].module.sub[0]"),
            ["red", "sub"]
        );
        assert_eq!(
            split_last_module("module.red.module.sub[\"x\"]"),
            Some(("module.red", "sub", Some(json!("x"))))
        );
        assert_eq!(split_last_module("module.red"), Some(("", "red", None)));
        assert_eq!(
            resource_of("module.red[0].aws_subnet.a[\"x[1]\"]"),
            "module.red[0].aws_subnet.a"
        );
        assert_eq!(resource_of("aws_vpc.main"), "aws_vpc.main");
    }
}
