//! Evaluation of a configuration, the way `terraform plan` sees it before
//! apply: variables, locals, module calls, outputs and every resource and
//! data source instance, each evaluated once on demand (references are
//! followed lazily, so declaration order does not matter) and memoized.
//!
//! hcl-rs' own evaluation context has no notion of a value known only after
//! apply, of sensitive marks or of `count`/`for_each`, so the evaluation is
//! this crate's own, over hcl-edit's syntax tree (which keeps the spans that
//! become file:line in feedback).

mod body;
mod expr;
mod readback;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

use cloudgrade_model::ResourceKind;
use hcl_edit::Span;
use hcl_edit::expr::Expression;

pub(crate) use body::{EvAttr, EvBody};

use crate::config::{Configs, Mode, ModuleCallDecl, ResourceDecl};
use crate::source::SourceFile;
use crate::value::{ResObj, Unknown, Value};

pub(crate) type ModId = usize;

/// Where an expression is evaluated: which module instance, which file (for
/// line numbers), and whether only the template's own variables are visible.
#[derive(Clone)]
pub(crate) struct Cx {
    pub m: ModId,
    pub file: Rc<SourceFile>,
    pub isolated: bool,
}

impl Cx {
    pub fn at(&self, span: Option<std::ops::Range<usize>>) -> String {
        self.file.at(span)
    }
}

/// Names bound by `count`, `for_each`, `for` expressions, dynamic block
/// iterators and `templatefile`'s variables, innermost first.
pub(crate) struct Scope<'a> {
    pub bindings: Vec<(String, Value)>,
    pub parent: Option<&'a Scope<'a>>,
}

impl<'a> Scope<'a> {
    pub fn root() -> Scope<'static> {
        Scope {
            bindings: Vec::new(),
            parent: None,
        }
    }

    pub fn child(&'a self, bindings: Vec<(String, Value)>) -> Scope<'a> {
        Scope {
            bindings,
            parent: Some(self),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .or_else(|| self.parent?.get(name))
    }
}

/// An error Terraform would report while planning. It is not fatal here: the
/// value becomes unknown, and a gap where the model needs it.
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    pub at: String,
    pub message: String,
}

pub(crate) type R = Result<Value, EvalError>;

/// `["a"]`: the address suffix of a `for_each` instance.
pub(crate) fn key_suffix(key: &str) -> String {
    format!(
        "[{}]",
        crate::json::encode(&Value::str(key))
            .map(|e| e.0)
            .unwrap_or_default()
    )
}

/// One resource or data source instance, evaluated.
#[derive(Debug)]
pub(crate) struct Instance {
    pub address: String,
    pub rtype: String,
    pub mode: Mode,
    pub file: Rc<SourceFile>,
    pub line: u32,
    pub body: EvBody,
    pub read: DataRead,
}

/// What is known of what a data source reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DataRead {
    /// Not a data source.
    Managed,
    /// Resources this configuration declares, or values this crate
    /// computes: nothing is missing.
    Known,
    /// A secret made outside the configuration, found by name or ARN: it
    /// exists (the plan fails otherwise), and that is all the rules ask of
    /// it; it stands in the inventory by its address.
    OutsideSecret,
    /// Unknown; why, or empty when the data source's type says it all.
    Unknown(String),
}

#[derive(Debug)]
pub(crate) struct ResourceEval {
    /// What a reference to the resource sees: an object, or a list (count)
    /// or map (for_each) of objects.
    pub value: Value,
    pub instances: Vec<Rc<Instance>>,
}

/// A gap found while evaluating: the mapping attaches it to the Inventory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PendingGap {
    pub kinds: Vec<ResourceKind>,
    pub operation: String,
    pub message: String,
    /// `NotModelled` but for what the source tried to read and could not.
    pub reason: cloudgrade_model::GapReason,
}

enum Slot<T> {
    Busy,
    Done(T),
}

struct ParentLink {
    module: ModId,
    call: usize,
    bindings: Vec<(String, Value)>,
}

enum Expansion {
    /// A module whose source this crate does not read.
    External(Rc<Unknown>),
    Unknown(Rc<Unknown>),
    Single(ModId),
    List(Vec<ModId>),
    Map(Vec<(String, ModId)>),
}

struct ModInst {
    config: usize,
    prefix: String,
    parent: Option<ParentLink>,
    vars: HashMap<String, Slot<Value>>,
    locals: HashMap<String, Slot<Value>>,
    outputs: HashMap<String, Slot<Value>>,
    resources: HashMap<String, Slot<Rc<ResourceEval>>>,
    calls: HashMap<String, Slot<Rc<Expansion>>>,
}

impl ModInst {
    fn new(config: usize, prefix: String, parent: Option<ParentLink>) -> Self {
        ModInst {
            config,
            prefix,
            parent,
            vars: HashMap::new(),
            locals: HashMap::new(),
            outputs: HashMap::new(),
            resources: HashMap::new(),
            calls: HashMap::new(),
        }
    }
}

/// More instances than any course configuration has: beyond this, `count`
/// is taken as a mistake (or an attack) rather than expanded.
const MAX_INSTANCES: usize = 10_000;

/// Steps and value nodes one load may spend: a fraction of a second, and
/// about a hundred times what the course's solution needs.
const MAX_WORK: u64 = 2_000_000;

/// Nodes in a value, counted up to `cap`.
fn weigh(v: &Value, cap: u64) -> u64 {
    let mut n = 1u64;
    match v {
        Value::List(items) => {
            for i in items {
                if n >= cap {
                    break;
                }
                n += weigh(i, cap - n);
            }
        }
        Value::Object(map) => {
            for i in map.values() {
                if n >= cap {
                    break;
                }
                n += weigh(i, cap - n);
            }
        }
        Value::Sensitive(inner) | Value::Encoded(inner) => n += weigh(inner, cap),
        _ => {}
    }
    n
}

/// How deeply references may chain before evaluation stops following them:
/// far beyond any real configuration, well within the stack.
const MAX_DEPTH: usize = 128;

pub(crate) struct Evaluator<'c> {
    pub configs: &'c Configs,
    pub root_dir: PathBuf,
    /// Canonical: the file functions read below it, below `root_dir` and
    /// below a module's folder, nowhere else.
    pub repository: Option<PathBuf>,
    pub root_vars: HashMap<String, Value>,
    pub region: Option<String>,
    /// `terraform.workspace`.
    pub workspace: String,
    pub gaps: Vec<PendingGap>,
    /// Addresses of representative instances (see `Inventory::representative`).
    pub representative: Vec<cloudgrade_model::Representative>,
    mods: Vec<ModInst>,
    depth: usize,
    work: u64,
}

impl<'c> Evaluator<'c> {
    pub fn new(configs: &'c Configs, root_dir: PathBuf, root_vars: HashMap<String, Value>) -> Self {
        Evaluator {
            configs,
            repository: None,
            root_dir,
            root_vars,
            region: None,
            workspace: "default".into(),
            gaps: Vec::new(),
            representative: Vec::new(),
            mods: vec![ModInst::new(0, String::new(), None)],
            depth: 0,
            work: 0,
        }
    }

    pub fn gap(&mut self, kinds: Vec<ResourceKind>, operation: String, message: String) {
        self.gap_because(
            cloudgrade_model::GapReason::NotModelled,
            kinds,
            operation,
            message,
        );
    }

    pub fn gap_because(
        &mut self,
        reason: cloudgrade_model::GapReason,
        kinds: Vec<ResourceKind>,
        operation: String,
        message: String,
    ) {
        let g = PendingGap {
            kinds,
            operation,
            message,
            reason,
        };
        if !self.gaps.contains(&g) {
            self.gaps.push(g);
        }
    }

    fn cfg(&self, m: ModId) -> &'c crate::config::ModuleConfig {
        &self.configs.modules[self.mods[m].config]
    }

    /// `.` for the root module, `modules/red` for a child: `path.module`.
    pub fn module_dir(&self, m: ModId) -> &'c str {
        &self.cfg(m).rel_dir
    }

    /// Evaluates everything and returns every instance, in declaration
    /// order, module by module.
    pub fn evaluate_all(&mut self) -> Vec<Rc<Instance>> {
        self.region = self.provider_region();
        let mut out = Vec::new();
        self.collect_module(0, &mut out);
        out
    }

    fn collect_module(&mut self, m: ModId, out: &mut Vec<Rc<Instance>>) {
        let cfg = self.cfg(m);
        for decl in &cfg.resources {
            let r = self.resource(m, &decl.key());
            out.extend(r.instances.iter().cloned());
        }
        for call in &cfg.modules {
            let exp = self.expand_call(m, &call.name);
            let children: Vec<ModId> = match exp.as_ref() {
                Expansion::Single(c) => vec![*c],
                Expansion::List(cs) => cs.clone(),
                Expansion::Map(cs) => cs.iter().map(|(_, c)| *c).collect(),
                Expansion::External(_) | Expansion::Unknown(_) => Vec::new(),
            };
            for c in children {
                self.collect_module(c, out);
            }
        }
    }

    fn provider_region(&mut self) -> Option<String> {
        let cfg = self.cfg(0);
        let p = cfg
            .providers
            .iter()
            .find(|p| p.name == "aws" && !p.body.has_attribute("alias"))?;
        let attr = p.body.get_attribute("region")?;
        let cx = Cx {
            m: 0,
            file: p.at.file.clone(),
            isolated: false,
        };
        match self
            .eval(&cx, &Scope::root(), &attr.value)
            .ok()?
            .flatten()
            .unmark()
            .0
        {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The aws provider's `default_tags`, which every resource inherits.
    pub fn default_tags(&mut self) -> cloudgrade_model::Tags {
        let cfg = self.cfg(0);
        let Some(p) = cfg
            .providers
            .iter()
            .find(|p| p.name == "aws" && !p.body.has_attribute("alias"))
        else {
            return cloudgrade_model::Tags::new();
        };
        let Some(attr) = p
            .body
            .get_blocks("default_tags")
            .next()
            .and_then(|b| b.body.get_attribute("tags"))
        else {
            return cloudgrade_model::Tags::new();
        };
        let cx = Cx {
            m: 0,
            file: p.at.file.clone(),
            isolated: false,
        };
        match self.eval(&cx, &Scope::root(), &attr.value) {
            Ok(v) => crate::map::tags_of(&v),
            Err(_) => cloudgrade_model::Tags::new(),
        }
    }

    /// Counts one more step of work; false when the evaluation is too deep
    /// or has done too much, so a hostile configuration cannot hang or
    /// exhaust the grader.
    pub fn enter(&mut self) -> bool {
        self.depth += 1;
        self.work += 1;
        self.depth <= MAX_DEPTH && self.work <= MAX_WORK
    }

    /// Charges the size of a value just built (lists that double at each
    /// step grow exponentially with few expressions).
    pub fn charge(&mut self, v: &Value) -> bool {
        let budget = MAX_WORK.saturating_sub(self.work);
        self.work += weigh(v, budget + 1);
        self.work <= MAX_WORK
    }

    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- variables, locals, outputs --------------------------------------

    pub fn var(&mut self, cx: &Cx, name: &str, span: Option<std::ops::Range<usize>>) -> R {
        let m = cx.m;
        let cfg = self.cfg(m);
        let Some(&idx) = cfg.var_index.get(name) else {
            return Err(EvalError {
                at: cx.at(span),
                message: format!("la variable `{name}` no está declarada"),
            });
        };
        let decl = &cfg.variables[idx];
        if m == 0 {
            return Ok(self
                .root_vars
                .get(name)
                .cloned()
                .unwrap_or_else(|| Value::unknown(Unknown::reference(format!("var.{name}")))));
        }
        match self.mods[m].vars.get(name) {
            Some(Slot::Done(v)) => return Ok(v.clone()),
            Some(Slot::Busy) => {
                return Ok(Value::unknown(Unknown::reference(format!("var.{name}"))));
            }
            None => {}
        }
        self.mods[m].vars.insert(name.to_string(), Slot::Busy);
        let given = self.module_input(m, name);
        let v = match given {
            Some(v) => v,
            None => match &decl.default {
                Some(d) => {
                    let dcx = Cx {
                        m,
                        file: decl.at.file.clone(),
                        isolated: false,
                    };
                    self.eval(&dcx, &Scope::root(), d)
                        .unwrap_or_else(|e| error_value(&format!("var.{name}"), e))
                }
                None => Value::unknown(Unknown::reference(format!(
                    "{}var.{name}",
                    self.mods[m].prefix
                ))),
            },
        };
        let v = self.typed(m, decl, v);
        self.mods[m]
            .vars
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    /// Applies a variable's type and sensitivity to a value given for it.
    pub fn typed(&mut self, m: ModId, decl: &crate::config::VarDecl, v: Value) -> Value {
        let v = match &decl.ty {
            Some(t) => {
                let ty = self.parse_type(m, &decl.at.file, t);
                match crate::types::convert(v.clone(), &ty) {
                    Ok(v) => v,
                    Err(msg) => Value::unknown(Unknown::not_modelled(
                        format!("var.{}", decl.name),
                        format!(
                            "{}:{} variable `{}`: {msg}",
                            decl.at.file.rel, decl.at.line, decl.name
                        ),
                    )),
                }
            }
            None => v,
        };
        v.mark(decl.sensitive)
    }

    pub fn parse_type(
        &mut self,
        m: ModId,
        file: &Rc<SourceFile>,
        t: &Expression,
    ) -> crate::types::Ty {
        let cx = Cx {
            m,
            file: file.clone(),
            isolated: true,
        };
        crate::types::parse(t, &mut |e| {
            self.eval(&cx, &Scope::root(), e).unwrap_or(Value::Null)
        })
    }

    fn module_input(&mut self, m: ModId, name: &str) -> Option<Value> {
        let link = self.mods[m].parent.as_ref()?;
        let (pm, call, bindings) = (link.module, link.call, link.bindings.clone());
        let decl: &'c ModuleCallDecl = &self.cfg(pm).modules[call];
        let attr = decl.body.get_attribute(name)?;
        let cx = Cx {
            m: pm,
            file: decl.at.file.clone(),
            isolated: false,
        };
        let scope = Scope {
            bindings,
            parent: None,
        };
        Some(
            self.eval(&cx, &scope, &attr.value)
                .unwrap_or_else(|e| error_value(&format!("var.{name}"), e)),
        )
    }

    pub fn local(&mut self, cx: &Cx, name: &str, span: Option<std::ops::Range<usize>>) -> R {
        let m = cx.m;
        let cfg = self.cfg(m);
        let Some(&idx) = cfg.local_index.get(name) else {
            return Err(EvalError {
                at: cx.at(span),
                message: format!("el local `{name}` no está declarado"),
            });
        };
        match self.mods[m].locals.get(name) {
            Some(Slot::Done(v)) => return Ok(v.clone()),
            Some(Slot::Busy) => {
                return Err(EvalError {
                    at: cx.at(span),
                    message: format!("el local `{name}` depende de sí mismo"),
                });
            }
            None => {}
        }
        self.mods[m].locals.insert(name.to_string(), Slot::Busy);
        let decl = &cfg.locals[idx];
        let lcx = Cx {
            m,
            file: decl.at.file.clone(),
            isolated: false,
        };
        let v = self
            .eval(&lcx, &Scope::root(), &decl.expr)
            .unwrap_or_else(|e| error_value(&format!("local.{name}"), e));
        self.mods[m]
            .locals
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    fn output(&mut self, m: ModId, name: &str) -> Value {
        let cfg = self.cfg(m);
        let reference = format!("{}{name}", self.mods[m].prefix);
        let Some(&idx) = cfg.output_index.get(name) else {
            return Value::unknown(Unknown::not_modelled(
                reference.clone(),
                format!(
                    "{reference}: el módulo `{}` no declara ese output",
                    cfg.rel_dir
                ),
            ));
        };
        match self.mods[m].outputs.get(name) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return Value::unknown(Unknown::reference(reference)),
            None => {}
        }
        self.mods[m].outputs.insert(name.to_string(), Slot::Busy);
        let decl = &cfg.outputs[idx];
        let ocx = Cx {
            m,
            file: decl.at.file.clone(),
            isolated: false,
        };
        let v = self
            .eval(&ocx, &Scope::root(), &decl.expr)
            .unwrap_or_else(|e| error_value(&reference, e));
        self.mods[m]
            .outputs
            .insert(name.to_string(), Slot::Done(v.clone()));
        v
    }

    fn outputs_object(&mut self, m: ModId) -> Value {
        let names: Vec<String> = self.cfg(m).outputs.iter().map(|o| o.name.clone()).collect();
        Value::Object(
            names
                .into_iter()
                .map(|n| (n.clone(), self.output(m, &n)))
                .collect(),
        )
    }

    // ---- module calls ----------------------------------------------------

    fn expand_call(&mut self, m: ModId, name: &str) -> Rc<Expansion> {
        match self.mods[m].calls.get(name) {
            Some(Slot::Done(e)) => return e.clone(),
            Some(Slot::Busy) => {
                return Rc::new(Expansion::Unknown(Rc::new(Unknown::reference(format!(
                    "{}module.{name}",
                    self.mods[m].prefix
                )))));
            }
            None => {}
        }
        self.mods[m].calls.insert(name.to_string(), Slot::Busy);
        let exp = Rc::new(self.expand_call_uncached(m, name));
        self.mods[m]
            .calls
            .insert(name.to_string(), Slot::Done(exp.clone()));
        exp
    }

    fn expand_call_uncached(&mut self, m: ModId, name: &str) -> Expansion {
        let cfg = self.cfg(m);
        let Some(&idx) = cfg.module_index.get(name) else {
            return Expansion::Unknown(Rc::new(Unknown::reference(format!("module.{name}"))));
        };
        let decl: &'c ModuleCallDecl = &cfg.modules[idx];
        let address = format!("{}module.{name}", self.mods[m].prefix);
        let at = format!("{}:{}", decl.at.file.rel, decl.at.line);
        let Some(child) = decl.child else {
            let source = decl
                .source
                .clone()
                .unwrap_or_else(|| "(sin `source` literal)".into());
            let construct = format!("{at} {address} (source = \"{source}\")");
            let message = match &decl.problem {
                Some(p) => format!("{p}: lo que declara el módulo no está en el inventario"),
                None => format!(
                    "el módulo `{source}` no tiene `source` literal: lo que declara no está en el inventario"
                ),
            };
            let reason = if decl.missing {
                cloudgrade_model::GapReason::Other
            } else {
                cloudgrade_model::GapReason::NotModelled
            };
            self.gap_because(
                reason,
                crate::map::kinds_of_module(&source),
                construct.clone(),
                message,
            );
            return Expansion::External(Rc::new(Unknown::not_modelled(address, construct)));
        };
        let cx = Cx {
            m,
            file: decl.at.file.clone(),
            isolated: false,
        };
        match self.repetition(&cx, &decl.body, &address) {
            Repetition::Single => {
                let id = self.new_module(child, format!("{address}."), m, idx, Vec::new());
                Expansion::Single(id)
            }
            Repetition::Count(n) => Expansion::List(
                (0..n)
                    .map(|i| {
                        let b = vec![("count".to_string(), count_obj(i))];
                        self.new_module(child, format!("{address}[{i}]."), m, idx, b)
                    })
                    .collect(),
            ),
            Repetition::Each(items) => Expansion::Map(
                items
                    .into_iter()
                    .map(|(k, v)| {
                        let b = vec![("each".to_string(), each_obj(&k, v))];
                        let suffix = key_suffix(&k);
                        (
                            k,
                            self.new_module(child, format!("{address}{suffix}."), m, idx, b),
                        )
                    })
                    .collect(),
            ),
            Repetition::Unknown(u) => {
                self.gap(
                    ResourceKind::ALL.to_vec(),
                    format!("{at} {address} (count/for_each)"),
                    format!(
                        "no se puede saber cuántas instancias tiene el módulo: depende de {}",
                        u.primary()
                    ),
                );
                Expansion::Unknown(u)
            }
        }
    }

    fn new_module(
        &mut self,
        config: usize,
        prefix: String,
        parent: ModId,
        call: usize,
        bindings: Vec<(String, Value)>,
    ) -> ModId {
        self.mods.push(ModInst::new(
            config,
            prefix,
            Some(ParentLink {
                module: parent,
                call,
                bindings,
            }),
        ));
        self.mods.len() - 1
    }

    /// `module.NAME` as a value: an object of its outputs (or a list or map
    /// of them).
    pub fn module_value(&mut self, cx: &Cx, name: &str, span: Option<std::ops::Range<usize>>) -> R {
        if !self.cfg(cx.m).module_index.contains_key(name) {
            return Err(EvalError {
                at: cx.at(span),
                message: format!("el módulo `{name}` no está declarado"),
            });
        }
        let exp = self.expand_call(cx.m, name);
        Ok(match exp.as_ref() {
            Expansion::External(u) | Expansion::Unknown(u) => Value::Unknown(u.clone()),
            Expansion::Single(c) => self.outputs_object(*c),
            Expansion::List(cs) => {
                Value::List(cs.iter().map(|c| self.outputs_object(*c)).collect())
            }
            Expansion::Map(cs) => Value::Object(
                cs.iter()
                    .map(|(k, c)| (k.clone(), self.outputs_object(*c)))
                    .collect(),
            ),
        })
    }

    /// `module.NAME.OUTPUT`, evaluating that output only.
    pub fn module_output(
        &mut self,
        cx: &Cx,
        name: &str,
        output: &str,
        span: Option<std::ops::Range<usize>>,
    ) -> R {
        if !self.cfg(cx.m).module_index.contains_key(name) {
            return Err(EvalError {
                at: cx.at(span),
                message: format!("el módulo `{name}` no está declarado"),
            });
        }
        let exp = self.expand_call(cx.m, name);
        match exp.as_ref() {
            Expansion::Single(c) => Ok(self.output(*c, output)),
            Expansion::External(u) | Expansion::Unknown(u) => {
                Ok(Value::unknown(u.extend(&format!(".{output}"))))
            }
            _ => Err(EvalError {
                at: cx.at(span),
                message: format!(
                    "el módulo `{name}` usa count o for_each: elige una instancia, `module.{name}[0].{output}`"
                ),
            }),
        }
    }

    // ---- resources -------------------------------------------------------

    pub fn has_resource(&self, m: ModId, key: &str) -> bool {
        self.cfg(m).resource_index.contains_key(key)
    }

    /// A resource or data source by its key in module `m` (`aws_vpc.main`,
    /// `data.aws_region.current`), evaluated once.
    pub fn resource(&mut self, m: ModId, key: &str) -> Rc<ResourceEval> {
        match self.mods[m].resources.get(key) {
            Some(Slot::Done(r)) => return r.clone(),
            Some(Slot::Busy) => {
                // Terraform rejects such a cycle; here the value is unknown.
                let address = format!("{}{key}", self.mods[m].prefix);
                return Rc::new(ResourceEval {
                    value: Value::unknown(Unknown::reference(address)),
                    instances: Vec::new(),
                });
            }
            None => {}
        }
        self.mods[m].resources.insert(key.to_string(), Slot::Busy);
        let r = Rc::new(self.resource_uncached(m, key));
        self.mods[m]
            .resources
            .insert(key.to_string(), Slot::Done(r.clone()));
        r
    }

    fn resource_uncached(&mut self, m: ModId, key: &str) -> ResourceEval {
        let cfg = self.cfg(m);
        let address = format!("{}{key}", self.mods[m].prefix);
        let Some(&idx) = cfg.resource_index.get(key) else {
            return ResourceEval {
                value: Value::unknown(Unknown::reference(address)),
                instances: Vec::new(),
            };
        };
        let decl: &'c ResourceDecl = &cfg.resources[idx];
        let cx = Cx {
            m,
            file: decl.at.file.clone(),
            isolated: false,
        };
        let mut instances = Vec::new();
        let value = match self.repetition(&cx, &decl.body, &address) {
            Repetition::Single => {
                let (obj, inst) = self.instance(&cx, decl, &address, Vec::new());
                instances.push(inst);
                obj
            }
            Repetition::Count(n) => Value::List(
                (0..n)
                    .map(|i| {
                        let (obj, inst) = self.instance(
                            &cx,
                            decl,
                            &format!("{address}[{i}]"),
                            vec![("count".into(), count_obj(i))],
                        );
                        instances.push(inst);
                        obj
                    })
                    .collect(),
            ),
            Repetition::Each(items) => Value::Object(
                items
                    .into_iter()
                    .map(|(k, v)| {
                        let a = format!("{address}{}", key_suffix(&k));
                        let (obj, inst) =
                            self.instance(&cx, decl, &a, vec![("each".into(), each_obj(&k, v))]);
                        instances.push(inst);
                        (k, obj)
                    })
                    .collect(),
            ),
            Repetition::Unknown(u) => {
                // One representative instance, its index symbolic: what is
                // true of it is true of each (`una instancia representativa`).
                let (suffix, binding) = if decl.body.has_attribute("count") {
                    (
                        "[0]".to_string(),
                        (
                            "count".to_string(),
                            Value::Object(
                                [(
                                    "index".to_string(),
                                    Value::unknown(Unknown::reference("count.index")),
                                )]
                                .into_iter()
                                .collect(),
                            ),
                        ),
                    )
                } else {
                    (
                        "[each.key]".to_string(),
                        (
                            "each".to_string(),
                            Value::Object(
                                [
                                    (
                                        "key".to_string(),
                                        Value::unknown(Unknown::reference("each.key")),
                                    ),
                                    // Over a representative resource,
                                    // each value is its instance.
                                    (
                                        "value".to_string(),
                                        u.rep.clone().map_or_else(
                                            || Value::unknown(Unknown::reference("each.value")),
                                            Value::Resource,
                                        ),
                                    ),
                                ]
                                .into_iter()
                                .collect(),
                            ),
                        ),
                    )
                };
                let a = format!("{address}{suffix}");
                let (obj, inst) = self.instance(&cx, decl, &a, vec![binding]);
                self.representative.push(cloudgrade_model::Representative {
                    id: a,
                    depends_on: u.primary().to_string(),
                });
                instances.push(inst);
                let rep = match obj {
                    Value::Resource(r) => Some(r),
                    _ => None,
                };
                Value::Unknown(Rc::new(Unknown {
                    rep,
                    ..(*u).clone()
                }))
            }
        };
        ResourceEval { value, instances }
    }

    fn instance(
        &mut self,
        cx: &Cx,
        decl: &ResourceDecl,
        address: &str,
        bindings: Vec<(String, Value)>,
    ) -> (Value, Rc<Instance>) {
        let root = Scope::root();
        let scope = root.child(bindings);
        let body = self.eval_body(cx, &scope, &decl.body, true);
        let mut attrs: BTreeMap<String, Value> = body.as_object_attrs();
        let instance = |body, read| {
            Rc::new(Instance {
                address: address.to_string(),
                rtype: decl.rtype.clone(),
                mode: decl.mode,
                file: decl.at.file.clone(),
                line: decl.at.line,
                body,
                read,
            })
        };
        let mut gap = None;
        let mut read = match decl.mode {
            Mode::Data => DataRead::Unknown(String::new()),
            Mode::Managed => DataRead::Managed,
        };
        if decl.mode == Mode::Data && readback::reads_back(&decl.rtype) {
            match self.read_back(&decl.rtype, &body) {
                readback::ReadBack::One(declared) => {
                    return (Value::Resource(declared), instance(body, DataRead::Known));
                }
                readback::ReadBack::Ids(ids) => {
                    read = DataRead::Known;
                    attrs.insert("ids".into(), Value::List(ids));
                    attrs.insert(
                        "id".into(),
                        Value::unknown(Unknown::reference(format!("{address}.id"))),
                    );
                }
                readback::ReadBack::Outside(_) if decl.rtype == "aws_secretsmanager_secret" => {
                    read = DataRead::OutsideSecret;
                }
                readback::ReadBack::Outside(why) | readback::ReadBack::Unresolved(why) => {
                    read = DataRead::Unknown(why.clone());
                    gap = Some(format!(
                        "{}:{} data source `{}`: {why}",
                        decl.at.file.rel, decl.at.line, decl.rtype
                    ));
                }
            }
        } else if decl.mode == Mode::Data {
            let computed = crate::data::evaluate(
                self,
                cx,
                &decl.rtype,
                address,
                &body,
                &format!("{}:{}", decl.at.file.rel, decl.at.line),
            );
            attrs.extend(computed.attrs);
            gap = computed.gap;
            // The version of a declared secret, or of one a data source
            // finds (which answers for itself), hides nothing about secrets.
            if decl.rtype == "aws_secretsmanager_secret_version"
                && let Some(id) = body.get("secret_id")
                && (self.names_declared("aws_secretsmanager_secret", id)
                    || readback::names_data_source(id, "aws_secretsmanager_secret"))
            {
                read = DataRead::Known;
            }
        }
        let obj = Value::Resource(Rc::new(ResObj {
            address: address.to_string(),
            rtype: decl.rtype.clone(),
            attrs,
            gap,
        }));
        (obj, instance(body, read))
    }

    /// How many instances `count` or `for_each` asks for.
    fn repetition(
        &mut self,
        cx: &Cx,
        body: &hcl_edit::structure::Body,
        address: &str,
    ) -> Repetition {
        if let Some(a) = body.get_attribute("count") {
            let v = self.eval(cx, &Scope::root(), &a.value);
            return match v.map(|v| v.flatten().deep_unmark().0) {
                Ok(Value::Number(n))
                    if (0.0..=MAX_INSTANCES as f64).contains(&n) && n.fract() == 0.0 =>
                {
                    Repetition::Count(n as usize)
                }
                Ok(Value::String(s)) if s.parse::<usize>().is_ok_and(|n| n <= MAX_INSTANCES) => {
                    Repetition::Count(s.parse().unwrap_or(0))
                }
                Ok(Value::Unknown(u)) => Repetition::Unknown(u),
                Ok(other) => Repetition::Unknown(Rc::new(Unknown::not_modelled(
                    format!("{address}.count"),
                    format!(
                        "{} count = {}: se esperaba un número entero entre 0 y {MAX_INSTANCES}",
                        cx.at(a.span()),
                        crate::json::encode_text(&other).unwrap_or_default()
                    ),
                ))),
                Err(e) => Repetition::Unknown(Rc::new(Unknown::not_modelled(
                    format!("{address}.count"),
                    format!("{}: {}", e.at, e.message),
                ))),
            };
        }
        if let Some(a) = body.get_attribute("for_each") {
            let v = self.eval(cx, &Scope::root(), &a.value);
            // Keys must be known; values may hold unknowns, and keep marks.
            return match v.map(|v| v.flatten().unmark().0) {
                Ok(Value::Object(map)) => Repetition::Each(map.into_iter().collect()),
                Ok(Value::List(items)) => {
                    let mut out = Vec::new();
                    for i in items {
                        match i.flatten().unmark().0 {
                            Value::String(s) => out.push((s.clone(), Value::String(s))),
                            Value::Unknown(u) => return Repetition::Unknown(u),
                            other => {
                                return Repetition::Unknown(Rc::new(Unknown::not_modelled(
                                    format!("{address}.for_each"),
                                    format!(
                                        "{} for_each: un conjunto de for_each solo puede tener cadenas, no {}",
                                        cx.at(a.span()),
                                        other.type_name()
                                    ),
                                )));
                            }
                        }
                    }
                    out.sort_by(|a, b| a.0.cmp(&b.0));
                    out.dedup_by(|a, b| a.0 == b.0);
                    Repetition::Each(out)
                }
                Ok(Value::Unknown(u)) => Repetition::Unknown(u),
                Ok(Value::Null) => Repetition::Each(Vec::new()),
                Ok(other) => Repetition::Unknown(Rc::new(Unknown::not_modelled(
                    format!("{address}.for_each"),
                    format!(
                        "{} for_each = {}: se esperaba un mapa o un conjunto de cadenas",
                        cx.at(a.span()),
                        other.type_name()
                    ),
                ))),
                Err(e) => Repetition::Unknown(Rc::new(Unknown::not_modelled(
                    format!("{address}.for_each"),
                    format!("{}: {}", e.at, e.message),
                ))),
            };
        }
        Repetition::Single
    }
}

enum Repetition {
    Single,
    Count(usize),
    Each(Vec<(String, Value)>),
    Unknown(Rc<Unknown>),
}

fn count_obj(i: usize) -> Value {
    Value::Object(
        [("index".to_string(), Value::Number(i as f64))]
            .into_iter()
            .collect(),
    )
}

fn each_obj(k: &str, v: Value) -> Value {
    Value::Object(
        [("key".to_string(), Value::str(k)), ("value".to_string(), v)]
            .into_iter()
            .collect(),
    )
}

/// An evaluation error where a value was expected: an unknown that records
/// the error, which becomes a gap if the value matters.
pub(crate) fn error_value(reference: &str, e: EvalError) -> Value {
    Value::unknown(Unknown::not_modelled(
        reference,
        format!("{}: {}", e.at, e.message),
    ))
}
