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
use crate::eval::{EvAttr, EvBody, Instance};
use crate::map::{self, read};
use crate::source::SourceFile;
use crate::value::{ResObj, Unknown, Value};

/// One resource instance as the plan or state lists it.
struct PlanResource<'j> {
    address: String,
    module: String,
    rtype: String,
    mode: Mode,
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
            let exprs = config_root.and_then(|c| config_expressions(c, r));
            let cx = Cx {
                res: r,
                by_id: &by_id,
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
                        exprs.and_then(|e| e.get(k)),
                        k,
                    );
                    attrs.insert(k.clone(), EvAttr { value, line: 0 });
                }
            }
            // Attributes unknown in the plan are absent from `values`.
            if let Some(unknown) = unknown.as_object() {
                for (k, u) in unknown {
                    if u == &Json::Bool(true) && !attrs.contains_key(k) {
                        let value = cx.unknown(exprs.and_then(|e| e.get(k)), k);
                        attrs.insert(k.clone(), EvAttr { value, line: 0 });
                    }
                }
            }
            let line = line_of(text, &r.address);
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
                unread: (r.mode == Mode::Data).then(String::new),
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

/// `module.red["a"].module.sub[0]` -> `["red", "sub"]`.
fn module_path(module: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = module;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        out.push(r[..end].to_string());
        rest = &r[end..];
        if rest.starts_with('[') {
            let close = rest.find(']').map_or(rest.len(), |i| i + 1);
            rest = &rest[close..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    out
}

/// The configured expressions of the resource a plan resource instance
/// comes from.
fn config_expressions<'j>(config_root: &'j Json, r: &PlanResource) -> Option<&'j Json> {
    let mut module = config_root;
    for name in module_path(&r.module) {
        module = module.get("module_calls")?.get(&name)?.get("module")?;
    }
    let local = r
        .address
        .strip_prefix(&r.module)
        .map(|a| a.trim_start_matches('.'))
        .unwrap_or(&r.address);
    let config_address = match local.find('[') {
        Some(i) => &local[..i],
        None => local,
    };
    module
        .get("resources")?
        .as_array()?
        .iter()
        .find(|c| c.get("address").and_then(Json::as_str) == Some(config_address))?
        .get("expressions")
}

struct Cx<'a, 'j> {
    res: &'a PlanResource<'j>,
    by_id: &'a HashMap<String, (String, String)>,
}

impl Cx<'_, '_> {
    fn convert(
        &self,
        v: &Json,
        unknown: &Json,
        sensitive: &Json,
        expr: Option<&Json>,
        path: &str,
    ) -> Value {
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
                        // Nested blocks are configured as a list of one object
                        // each; a list of references as one expression.
                        let nth;
                        let e = match expr {
                            Some(Json::Array(blocks)) => blocks.get(i).or_else(|| blocks.first()),
                            Some(e) => {
                                nth = nth_reference(e, i);
                                nth.as_ref()
                            }
                            None => None,
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
                            expr.and_then(|e| e.get(k)),
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
                        let e = expr.and_then(|e| e.get(k));
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

    /// A value known only after apply: what the configuration says it reads
    /// from, else the resource's own attribute. A list-typed argument
    /// unknown as a whole (a set of ids not yet made) is a list of one
    /// unknown per resource it references.
    fn unknown(&self, expr: Option<&Json>, path: &str) -> Value {
        let name = path.rsplit('.').next().unwrap_or(path);
        if LIST_ATTRIBUTES.contains(&name)
            && let Some(e) = expr
        {
            let items: Vec<Value> = (0..)
                .map_while(|i| nth_reference(e, i))
                .map(|e| self.unknown(Some(&e), &format!("{path}[]")))
                .collect();
            if !items.is_empty() {
                return Value::List(items);
            }
        }
        let references = expr
            .and_then(|e| e.get("references"))
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str);
        for reference in references {
            let (Some(rtype), Some(local)) = (
                read::referenced_type(reference),
                read::referenced_address(reference),
            ) else {
                continue;
            };
            let attr = reference
                .get(local.len()..)
                .and_then(|a| a.strip_prefix('.'))
                .unwrap_or("id");
            let attr = attr.split(['.', '[']).next().unwrap_or("id");
            let address = if self.res.module.is_empty() {
                local
            } else {
                format!("{}.{local}", self.res.module)
            };
            return crate::computed::attribute(&res_obj(&address, rtype), attr);
        }
        if !path.contains(['.', '[']) {
            return crate::computed::attribute(&res_obj(&self.res.address, &self.res.rtype), path);
        }
        Value::unknown(Unknown::reference(format!("{}.{path}", self.res.address)))
    }
}

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

/// The `i`-th attribute reference of an expression, as an expression of
/// its own: `[aws_subnet.a.id, aws_subnet.b.id]` is configured as one
/// expression listing both, in order (with each resource's address too,
/// which is skipped).
fn nth_reference(expr: &Json, i: usize) -> Option<Json> {
    let refs = expr.get("references")?.as_array()?;
    let r = refs
        .iter()
        .filter_map(Json::as_str)
        .filter(|r| read::referenced_address(r).is_some_and(|a| a.len() < r.len()))
        .nth(i)?;
    Some(serde_json::json!({ "references": [r] }))
}

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
