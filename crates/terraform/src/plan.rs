//! The JSON `terraform show -json` writes for a saved plan or a state, read
//! into the same Inventory as the static source: each resource's values
//! become evaluated instances and go through the same mapping. Values known
//! only after apply (`after_unknown`) stay unknown, and where the
//! configuration says what they refer to (`expressions.*.references`) they
//! read as that resource's address, so resources link by address exactly as
//! they do from the `.tf` files. Known ids of resources in the same plan are
//! turned back into references for the same reason.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::rc::Rc;

use cloudgrade_model::{Inventory, SourceInfo};
use serde_json::Value as Json;

use crate::config::Mode;
use crate::error::TerraformError;
use crate::eval::{DataRead, EvAttr, EvBody, Instance};
use crate::map;
use crate::plan_refs::{self, Catalog, Resolved, Scope, Target};
use crate::source::SourceFile;
use crate::value::{ResObj, Unknown, Value};

/// One resource instance as the plan or state lists it.
struct PlanResource<'j> {
    address: String,
    module: String,
    rtype: String,
    mode: Mode,
    /// The `count` index or `for_each` key, when the resource has one.
    key: Option<&'j Json>,
    values: &'j Json,
    sensitive: &'j Json,
}

pub(crate) fn load(path: &Path) -> Result<Inventory, TerraformError> {
    let file = path.display().to_string();
    // PowerShell 5.1's `terraform show -json > plan.json` is UTF-16: decoded.
    let text = cloudgrade_model::input::read_text(path, &cloudgrade_model::input::PLAN)?;
    from_text(&file, &text)
}

pub(crate) fn from_text(file: &str, text: &str) -> Result<Inventory, TerraformError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| TerraformError::Json {
        file: file.to_string(),
        line: e.line(),
        col: e.column(),
        message: e.to_string(),
    })?;
    let not_plan = |message: &str| TerraformError::NotPlan {
        file: file.to_string(),
        message: message.to_string(),
    };
    let Some(top) = doc.as_object() else {
        return Err(not_plan("el documento no es un objeto JSON"));
    };
    if !top.contains_key("format_version") {
        return Err(not_plan("falta `format_version`"));
    }
    // A plan holds planned values; a state (or `show -json` of a state) values.
    let root = top
        .get("planned_values")
        .or_else(|| top.get("values"))
        .and_then(|v| v.get("root_module"));
    let root = match root {
        Some(r) if r.is_object() => r,
        _ if top.contains_key("terraform_version") && !top.contains_key("planned_values") => {
            // An empty state (nothing applied yet) has no `values` at all.
            &Json::Null
        }
        _ => {
            return Err(not_plan(
                "no tiene `planned_values.root_module` (plan) ni `values.root_module` (estado)",
            ));
        }
    };

    let mut resources = Vec::new();
    collect(root, "", &mut resources);

    let after_unknown: HashMap<&str, &Json> = top
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rc| {
            Some((
                rc.get("address")?.as_str()?,
                rc.get("change")?.get("after_unknown")?,
            ))
        })
        .collect();
    let config_root = top.get("configuration").and_then(|c| c.get("root_module"));
    let catalog = Catalog::new(
        resources
            .iter()
            .filter(|r| r.mode == Mode::Managed)
            .map(|r| (r.address.as_str(), r.rtype.as_str(), r.key)),
        config_root,
    );

    // Known ids and ARNs of the resources in this document: a value equal to
    // one of them is a reference to that resource.
    let mut by_id: HashMap<String, (String, String)> = HashMap::new();
    for r in resources.iter().filter(|r| r.mode == Mode::Managed) {
        // Where the id is one of the resource's own arguments (a DB subnet
        // group's name), the configuration reads it as that text.
        let fields: &[&str] = if crate::computed::id_is(&r.rtype).is_some() {
            &["arn"]
        } else {
            &["id", "arn"]
        };
        for field in fields {
            if let Some(s) = r.values.get(field).and_then(Json::as_str)
                && !s.is_empty()
            {
                by_id.insert(s.to_string(), (r.address.clone(), r.rtype.clone()));
            }
        }
    }

    let source = Rc::new(SourceFile::new(file, String::new()));
    let instances: Vec<Rc<Instance>> = resources
        .iter()
        .map(|r| {
            let config = config_resource(&catalog, r);
            let exprs = config.and_then(|c| c.get("expressions"));
            let line = line_of(text, &r.address);
            let cx = Cx {
                res: r,
                by_id: &by_id,
                catalog: &catalog,
                scope: Scope {
                    module: &r.module,
                    key: r.key,
                    for_each: config.and_then(|c| c.get("for_each_expression")),
                },
                at: format!("{file}:{line}"),
                configured: config.is_some(),
            };
            let unknown = after_unknown
                .get(r.address.as_str())
                .copied()
                .unwrap_or(&Json::Null);
            let mut attrs = BTreeMap::new();
            if let Some(values) = r.values.as_object() {
                for (k, v) in values {
                    let value = cx.convert(
                        v,
                        unknown.get(k).unwrap_or(&Json::Null),
                        r.sensitive.get(k).unwrap_or(&Json::Null),
                        Ex::of(exprs.and_then(|e| e.get(k))),
                        k,
                    );
                    attrs.insert(k.clone(), EvAttr { value, line: 0 });
                }
            }
            // Attributes unknown in the plan are absent from `values`.
            if let Some(unknown) = unknown.as_object() {
                for (k, u) in unknown {
                    if u == &Json::Bool(true) && !attrs.contains_key(k) {
                        let value = cx.unknown(Ex::of(exprs.and_then(|e| e.get(k))), k);
                        attrs.insert(k.clone(), EvAttr { value, line: 0 });
                    }
                }
            }
            Rc::new(Instance {
                address: r.address.clone(),
                rtype: r.rtype.clone(),
                mode: r.mode,
                file: source.clone(),
                line,
                body: EvBody {
                    attrs: attrs
                        .into_iter()
                        .map(|(k, a)| (k, EvAttr { line, ..a }))
                        .collect(),
                    ..EvBody::default()
                },
                read: match r.mode {
                    Mode::Data => DataRead::Unknown(String::new()),
                    Mode::Managed => DataRead::Managed,
                },
            })
        })
        .collect();

    let inv = Inventory::new(SourceInfo {
        kind: "plan".into(),
        location: file.to_string(),
        region: region(top.get("configuration")),
        account_id: None,
    });
    Ok(map::map_instances(inv, Default::default(), &instances))
}

fn collect<'j>(module: &'j Json, prefix: &str, out: &mut Vec<PlanResource<'j>>) {
    for r in module
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(address), Some(rtype)) = (
            r.get("address").and_then(Json::as_str),
            r.get("type").and_then(Json::as_str),
        ) else {
            continue;
        };
        let mode = match r.get("mode").and_then(Json::as_str) {
            Some("data") => Mode::Data,
            _ => Mode::Managed,
        };
        out.push(PlanResource {
            address: address.to_string(),
            module: prefix.to_string(),
            rtype: rtype.to_string(),
            mode,
            key: r.get("index"),
            values: r.get("values").unwrap_or(&Json::Null),
            sensitive: r.get("sensitive_values").unwrap_or(&Json::Null),
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let addr = child.get("address").and_then(Json::as_str).unwrap_or("");
        collect(child, addr, out);
    }
}

/// The configuration of the resource a plan resource instance comes from.
fn config_resource<'j>(catalog: &Catalog<'j>, r: &PlanResource) -> Option<&'j Json> {
    let module = catalog.config_module(&r.module)?;
    let local = r
        .address
        .strip_prefix(&r.module)
        .map(|a| a.trim_start_matches('.'))
        .unwrap_or(&r.address);
    let config_address = plan_refs::resource_of(local);
    module
        .get("resources")?
        .as_array()?
        .iter()
        .find(|c| c.get("address").and_then(Json::as_str) == Some(config_address))
}

/// The configured expression a planned value comes from.
#[derive(Clone, Copy)]
enum Ex<'j> {
    None,
    /// The value's own expression (or, for a nested block, its arguments').
    Own(&'j Json),
    /// The one expression of a whole list of blocks an argument written in
    /// blocks is configured as (`route`, `ingress`): what each block's
    /// fields refer to is among its references, told apart by type.
    Shared(&'j Json),
    /// The `i`-th element of a list the expression makes.
    Nth(&'j Json, usize, bool),
}

impl<'j> Ex<'j> {
    fn of(e: Option<&'j Json>) -> Self {
        e.map_or(Ex::None, Ex::Own)
    }
}

struct Cx<'a, 'j> {
    res: &'a PlanResource<'j>,
    by_id: &'a HashMap<String, (String, String)>,
    catalog: &'a Catalog<'j>,
    scope: Scope<'a>,
    /// `file:line` of the resource in the document, for gaps.
    at: String,
    /// Whether the document has the resource's configuration, so that an
    /// argument without an expression is one the configuration leaves unset.
    configured: bool,
}

impl Cx<'_, '_> {
    fn convert(&self, v: &Json, unknown: &Json, sensitive: &Json, expr: Ex, path: &str) -> Value {
        if unknown == &Json::Bool(true) {
            return self.unknown(expr, path);
        }
        let value = match v {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => match self.by_id.get(s) {
                Some((address, rtype)) if *address != self.res.address => {
                    let field = if s.starts_with("arn:") { "arn" } else { "id" };
                    crate::computed::attribute(&res_obj(address, rtype), field)
                }
                _ => Value::String(self.ids_to_addresses(s)),
            },
            Json::Array(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let e = match expr {
                            // Nested blocks: one object of expressions each.
                            Ex::Own(Json::Array(blocks)) => {
                                Ex::of(blocks.get(i).or_else(|| blocks.first()))
                            }
                            Ex::Own(e) | Ex::Shared(e) if item.is_object() => Ex::Shared(e),
                            Ex::Own(e) => Ex::Nth(e, i, false),
                            Ex::Shared(e) => Ex::Nth(e, i, true),
                            Ex::Nth(..) | Ex::None => Ex::None,
                        };
                        self.convert(
                            item,
                            unknown.get(i).unwrap_or(&Json::Null),
                            sensitive.get(i).unwrap_or(&Json::Null),
                            e,
                            &format!("{path}[{i}]"),
                        )
                    })
                    .collect(),
            ),
            Json::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, item)| {
                        let val = self.convert(
                            item,
                            unknown.get(k).unwrap_or(&Json::Null),
                            sensitive.get(k).unwrap_or(&Json::Null),
                            field_expr(expr, k),
                            &format!("{path}.{k}"),
                        );
                        (k.clone(), val)
                    })
                    .collect(),
            ),
        };
        // Unknown parts inside a known list or object are absent from the
        // values: add them where the mask says so.
        let value = match (value, unknown) {
            (Value::Object(mut fields), Json::Object(mask)) => {
                for (k, u) in mask {
                    if u == &Json::Bool(true) && !fields.contains_key(k) {
                        let e = field_expr(expr, k);
                        fields.insert(k.clone(), self.unknown(e, &format!("{path}.{k}")));
                    }
                }
                Value::Object(fields)
            }
            (other, _) => other,
        };
        value.mark(sensitive == &Json::Bool(true))
    }

    /// The ids and ARNs of the plan's resources inside a longer text (a
    /// policy or container definitions document) written as the addresses
    /// they stand for, the way the static source writes them.
    fn ids_to_addresses(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (id, (address, _)) in self.by_id {
            // Short ids would match by accident.
            if id.len() >= MIN_EMBEDDED_ID
                && *address != self.res.address
                && out.contains(id.as_str())
            {
                out = out.replace(id.as_str(), address);
            }
        }
        out
    }

    /// The elements of a list an expression makes, as far as its
    /// references say: one per instance referred to, and one unknown per
    /// reference that cannot be followed. In a shared expression only what
    /// the field can hold.
    fn elements(&self, e: &Json, shared: bool, path: &str) -> Vec<Value> {
        let field = field_of(path);
        let mut out = Vec::new();
        for r in self.catalog.resolve(e, self.scope).refs {
            match r {
                Resolved::To(targets) => out.extend(
                    targets
                        .iter()
                        .filter(|t| {
                            if shared {
                                fits(field, &t.rtype)
                            } else {
                                t.rtype.starts_with("aws_")
                            }
                        })
                        .map(target_value),
                ),
                Resolved::Unresolved(u) if !shared => out.push(self.not_followed(&u, path)),
                Resolved::Unresolved(_) => {}
            }
        }
        out
    }

    /// The one value an expression stands for where a single value goes:
    /// the first AWS resource instance it refers to; none when that
    /// reference names several instances and nothing says which.
    fn single(&self, e: &Json, shared: bool, path: &str) -> Option<Value> {
        let field = field_of(path);
        let r = self.catalog.resolve(e, self.scope);
        if shared {
            let fitting: Vec<&Target> = r.targets().filter(|t| fits(field, &t.rtype)).collect();
            return match fitting.as_slice() {
                [one] => Some(target_value(one)),
                _ => None,
            };
        }
        let found = r.refs.iter().find_map(|x| match x {
            Resolved::To(t) if t.iter().any(|t| t.rtype.starts_with("aws_")) => Some(t),
            _ => None,
        });
        match found.map(Vec::as_slice) {
            Some([one]) => Some(target_value(one)),
            Some(several) => {
                let names: Vec<&str> = several.iter().map(|t| t.address.as_str()).collect();
                Some(self.not_followed(
                    &format!("una de {} (el plan no dice cuál)", names.join(", ")),
                    path,
                ))
            }
            // An id read through what the plan does not follow (a local
            // value, a data source) is not the resource's own attribute.
            None if field.ends_with("_id") => r.refs.iter().find_map(|x| match x {
                Resolved::Unresolved(u) => Some(self.not_followed(u, path)),
                Resolved::To(_) => None,
            }),
            None => None,
        }
    }

    /// An unknown the plan cannot follow, as a gap on the field. It has no
    /// id text: the gap says what is not known, and no id it could stand
    /// for is undeclared.
    fn not_followed(&self, reference: &str, path: &str) -> Value {
        let mut u = Unknown::not_modelled(
            reference.to_string(),
            format!("{} {}.{path}", self.at, self.res.address),
        );
        u.text = Some(String::new());
        Value::unknown(u)
    }

    /// A value known only after apply: what the configuration says it reads
    /// from, else the resource's own attribute. A list-typed argument
    /// unknown as a whole (a set of ids not yet made) is a list of one
    /// unknown per instance it references.
    fn unknown(&self, expr: Ex, path: &str) -> Value {
        let field = field_of(path);
        let (e, shared) = match expr {
            Ex::Own(e) => (Some(e), false),
            Ex::Shared(e) => (Some(e), true),
            Ex::Nth(e, i, shared) => {
                return match self.elements(e, shared, path).into_iter().nth(i) {
                    Some(v) => v,
                    None => {
                        Value::unknown(Unknown::reference(format!("{}.{path}", self.res.address)))
                    }
                };
            }
            Ex::None if self.configured && DEFAULTED.contains(&(self.res.rtype.as_str(), path)) => {
                return Value::Null;
            }
            Ex::None => (None, false),
        };
        if let Some(e) = e.filter(|e| !e.is_array()) {
            if LIST_ATTRIBUTES.contains(&field) {
                let items = self.elements(e, shared, path);
                if !items.is_empty() {
                    return Value::List(items);
                }
            } else if let Some(v) = self.single(e, shared, path) {
                return v;
            }
        }
        if !path.contains(['.', '[']) {
            return crate::computed::attribute(&res_obj(&self.res.address, &self.res.rtype), path);
        }
        Value::unknown(Unknown::reference(format!("{}.{path}", self.res.address)))
    }
}

fn target_value(t: &Target) -> Value {
    crate::computed::attribute(&res_obj(&t.address, &t.rtype), &t.attr)
}

/// The expression of one field of an object.
fn field_expr<'j>(expr: Ex<'j>, k: &str) -> Ex<'j> {
    match expr {
        Ex::Own(e) => Ex::of(e.get(k)),
        Ex::Shared(e) => Ex::Shared(e),
        Ex::Nth(..) | Ex::None => Ex::None,
    }
}

/// `ingress[0].security_groups[1]` -> `security_groups`.
fn field_of(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// Whether a field of a block can hold a reference to a resource type.
fn fits(field: &str, rtype: &str) -> bool {
    let types: &[&str] = match field {
        "nat_gateway_id" => &["aws_nat_gateway"],
        // AWS takes a NAT gateway as `gateway_id` too.
        "gateway_id" => &["aws_internet_gateway", "aws_nat_gateway", "aws_vpn_gateway"],
        "egress_only_gateway_id" => &["aws_egress_only_internet_gateway"],
        "transit_gateway_id" => &["aws_ec2_transit_gateway"],
        "vpc_peering_connection_id" => &["aws_vpc_peering_connection"],
        "network_interface_id" => &["aws_network_interface"],
        "vpc_endpoint_id" => &["aws_vpc_endpoint"],
        "instance_id" => &["aws_instance"],
        "security_groups" => &["aws_security_group"],
        _ => &[],
    };
    types.contains(&rtype)
}

/// Arguments whose value, when the configuration leaves them unset, the
/// mapping knows as AWS will assign it (a database's port, from its
/// engine): a plan has them unknown, the static source reads them unset,
/// and both must read the same.
const DEFAULTED: [(&str, &str); 2] = [("aws_db_instance", "port"), ("aws_rds_cluster", "port")];

/// Shorter ids are not looked for inside documents.
const MIN_EMBEDDED_ID: usize = 12;

/// Arguments the AWS provider types as lists or sets of ids, among those
/// the mapping reads.
const LIST_ATTRIBUTES: [&str; 6] = [
    "subnet_ids",
    "vpc_security_group_ids",
    "security_groups",
    "subnets",
    "security_group_ids",
    "managed_policy_arns",
];

fn res_obj(address: &str, rtype: &str) -> ResObj {
    ResObj {
        address: address.to_string(),
        rtype: rtype.to_string(),
        attrs: BTreeMap::new(),
        gap: None,
    }
}

/// The line where the document first names the resource, for its origin.
fn line_of(text: &str, address: &str) -> u32 {
    let Ok(quoted) = serde_json::to_string(address) else {
        return 1;
    };
    let at = text.match_indices("\"address\"").find_map(|(i, m)| {
        let rest = text[i + m.len()..].trim_start().strip_prefix(':')?;
        rest.trim_start().starts_with(&quoted).then_some(i)
    });
    at.map_or(1, |i| {
        u32::try_from(text[..i].matches('\n').count() + 1).unwrap_or(u32::MAX)
    })
}

/// The region the root module's `aws` provider is configured with.
fn region(configuration: Option<&Json>) -> Option<String> {
    configuration?
        .get("provider_config")?
        .get("aws")?
        .get("expressions")?
        .get("region")?
        .get("constant_value")?
        .as_str()
        .map(str::to_string)
}
