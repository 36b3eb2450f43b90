//! Expressions: literals, templates, references, traversals and splats,
//! operators, conditionals and `for` expressions. Unknown values propagate
//! (an operation on an unknown is unknown and keeps the reference), and so
//! do sensitive marks.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::Decorated;
use hcl_edit::Span;
use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};

use super::{Cx, EvalError, Evaluator, R, Scope};
use crate::value::{Part, Unknown, Value, equals, fmt_number};

/// A template's output before whitespace stripping (`~`) is applied.
enum Tok {
    Lit(String),
    Val(Value),
    StripPrev,
    StripNext,
}

impl Evaluator<'_> {
    pub fn eval(&mut self, cx: &Cx, scope: &Scope, e: &Expression) -> R {
        if !self.enter() {
            self.leave();
            return Err(EvalError {
                at: cx.at(e.span()),
                message:
                    "expresión demasiado profunda o configuración demasiado grande para evaluarla"
                        .into(),
            });
        }
        let r = self.eval_inner(cx, scope, e);
        self.leave();
        if let Ok(v) = &r
            && matches!(
                e,
                Expression::Array(_)
                    | Expression::Object(_)
                    | Expression::ForExpr(_)
                    | Expression::FuncCall(_)
                    | Expression::Traversal(_)
            )
            && !self.charge(v)
        {
            return Err(EvalError {
                at: cx.at(e.span()),
                message: "la configuración construye valores demasiado grandes".into(),
            });
        }
        r
    }

    fn eval_inner(&mut self, cx: &Cx, scope: &Scope, e: &Expression) -> R {
        let err = |message: String| EvalError {
            at: cx.at(e.span()),
            message,
        };
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(f64::NAN))),
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(a) => Ok(Value::List(
                a.iter()
                    .map(|i| self.eval(cx, scope, i))
                    .collect::<Result<_, _>>()?,
            )),
            Expression::Object(o) => {
                let mut map = BTreeMap::new();
                let mut sensitive = false;
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            let (kv, s) = self.eval(cx, scope, ke)?.flatten().unmark();
                            sensitive |= s;
                            match kv {
                                Value::String(s) => s,
                                Value::Number(n) => fmt_number(n),
                                Value::Bool(b) => b.to_string(),
                                Value::Unknown(u) => return Ok(Value::Unknown(u)),
                                other => {
                                    return Err(err(format!(
                                        "una clave de objeto debe ser una cadena, no {}",
                                        other.type_name()
                                    )));
                                }
                            }
                        }
                    };
                    map.insert(key, self.eval(cx, scope, v.expr())?);
                }
                Ok(Value::Object(map).mark(sensitive))
            }
            Expression::StringTemplate(t) => self.eval_template(cx, scope, t),
            Expression::HeredocTemplate(h) => self.eval_template(cx, scope, &h.template),
            Expression::Parenthesis(p) => self.eval(cx, scope, p.inner()),
            Expression::Variable(v) => {
                let (value, _) = self.resolve_root(cx, scope, v.as_str(), &[], e.span())?;
                Ok(value)
            }
            Expression::Conditional(c) => {
                let (cond, s) = self.eval(cx, scope, &c.cond_expr)?.flatten().unmark();
                let b = match cond {
                    Value::Bool(b) => b,
                    Value::String(ref t) if t == "true" || t == "false" => t == "true",
                    // Both branches of a known shape (a list, an object, a
                    // string; what is inside may be unknown): it is one of
                    // them, so a list that may or may not get an entry keeps
                    // its other entries.
                    Value::Unknown(u) => {
                        let t = self.eval(cx, scope, &c.true_expr);
                        let f = self.eval(cx, scope, &c.false_expr);
                        return Ok(match (t, f) {
                            (Ok(t), Ok(f)) if t.has_known_shape() && f.has_known_shape() => {
                                Value::one_of(&u, vec![t, f])
                            }
                            _ => Value::Unknown(u),
                        }
                        .mark(s));
                    }
                    other => {
                        return Err(err(format!(
                            "la condición debe ser un bool, no {}",
                            other.type_name()
                        )));
                    }
                };
                let v = if b {
                    self.eval(cx, scope, &c.true_expr)?
                } else {
                    self.eval(cx, scope, &c.false_expr)?
                };
                Ok(v.mark(s))
            }
            Expression::FuncCall(f) => crate::funcs::call(self, cx, scope, f),
            Expression::Traversal(t) => {
                let (base, used) = match &t.expr {
                    Expression::Variable(v) => {
                        self.resolve_root(cx, scope, v.as_str(), &t.operators, e.span())?
                    }
                    other => (self.eval(cx, scope, other)?, 0),
                };
                self.apply_ops(cx, scope, base, &t.operators[used..])
            }
            Expression::UnaryOp(u) => {
                let (v, s) = self.eval(cx, scope, &u.expr)?.flatten().unmark();
                let out = match (u.operator.value(), v) {
                    (_, Value::Unknown(u)) => Value::Unknown(u),
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOperator::Neg, v) => Value::Number(-to_number(&v).map_err(err)?),
                    (UnaryOperator::Not, other) => {
                        return Err(err(format!("`!` espera un bool, no {}", other.type_name())));
                    }
                };
                Ok(out.mark(s))
            }
            Expression::BinaryOp(b) => self.eval_binary(cx, scope, b, e.span()),
            Expression::ForExpr(f) => self.eval_for(cx, scope, f, e.span()),
        }
    }

    /// The value a traversal starts from, and how many of its operators that
    /// consumed (`var.x` consumes `.x`).
    fn resolve_root(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        name: &str,
        ops: &[Decorated<TraversalOperator>],
        span: Option<std::ops::Range<usize>>,
    ) -> Result<(Value, usize), EvalError> {
        if let Some(v) = scope.get(name) {
            return Ok((v.clone(), 0));
        }
        let err = |message: String| EvalError {
            at: cx.at(span.clone()),
            message,
        };
        if cx.isolated {
            return Err(err(format!(
                "en una plantilla solo están las variables que se le pasan; `{name}` no es una de ellas"
            )));
        }
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str().to_string()),
            _ => None,
        };
        match name {
            "var" => {
                let n = attr(0).ok_or_else(|| {
                    err("`var` debe ir seguido del nombre de una variable".into())
                })?;
                Ok((self.var(cx, &n, span)?, 1))
            }
            "local" => {
                let n = attr(0)
                    .ok_or_else(|| err("`local` debe ir seguido del nombre de un local".into()))?;
                Ok((self.local(cx, &n, span)?, 1))
            }
            "module" => {
                let n = attr(0).ok_or_else(|| {
                    err("`module` debe ir seguido del nombre de un módulo".into())
                })?;
                match attr(1) {
                    Some(out) => Ok((self.module_output(cx, &n, &out, span)?, 2)),
                    None => Ok((self.module_value(cx, &n, span)?, 1)),
                }
            }
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return Err(err(
                        "`data` debe ir seguido del tipo y el nombre del data source".into(),
                    ));
                };
                let key = format!("data.{t}.{n}");
                if !self.has_resource(cx.m, &key) {
                    return Err(err(format!("`{key}` no está declarado")));
                }
                Ok((self.resource(cx.m, &key).value.clone(), 2))
            }
            "path" => {
                let v = match attr(0).as_deref() {
                    Some("module") => Value::str(self.module_dir(cx.m)),
                    Some("root") | Some("cwd") => Value::str("."),
                    _ => {
                        return Err(err(
                            "`path` admite `path.module`, `path.root` y `path.cwd`".into()
                        ));
                    }
                };
                Ok((v, 1))
            }
            "terraform" => match attr(0).as_deref() {
                Some("workspace") => Ok((Value::str(self.workspace.clone()), 1)),
                _ => Err(err(
                    "de `terraform` solo se lee `terraform.workspace`".into()
                )),
            },
            "count" | "each" | "self" => Err(err(format!(
                "`{name}` solo tiene sentido dentro de un bloque que lo define"
            ))),
            _ => {
                let n = attr(0).ok_or_else(|| err(format!("referencia desconocida `{name}`")))?;
                let key = format!("{name}.{n}");
                if !self.has_resource(cx.m, &key) {
                    return Err(err(format!("`{key}` no está declarado")));
                }
                Ok((self.resource(cx.m, &key).value.clone(), 1))
            }
        }
    }

    pub fn apply_ops(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        value: Value,
        ops: &[Decorated<TraversalOperator>],
    ) -> R {
        let mut v = value;
        let mut i = 0;
        while i < ops.len() {
            let at = || cx.at(ops[i].span());
            match ops[i].value() {
                TraversalOperator::GetAttr(name) => {
                    v = get_attr(v, name.as_str()).map_err(|m| EvalError {
                        at: at(),
                        message: m,
                    })?
                }
                TraversalOperator::Index(e) => {
                    let k = self.eval(cx, scope, e)?;
                    v = index(v, k).map_err(|m| EvalError {
                        at: at(),
                        message: m,
                    })?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    v = index(v, Value::Number(*n.value() as f64)).map_err(|m| EvalError {
                        at: at(),
                        message: m,
                    })?;
                }
                op @ (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                    let end = if matches!(op, TraversalOperator::AttrSplat(_)) {
                        i + 1
                            + ops[i + 1..]
                                .iter()
                                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                                .count()
                    } else {
                        ops.len()
                    };
                    let (base, s) = v.flatten().unmark();
                    let items = match base {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        Value::Unknown(u) => {
                            // Over a representative resource, each element
                            // is what the representative instance gives.
                            let one = match (&u.rep, &u.each) {
                                (Some(r), _) => Some(Value::Resource(r.clone())),
                                (None, Some(e)) => Some((**e).clone()),
                                (None, None) => None,
                            };
                            let each = match one {
                                Some(one) => Some(Rc::new(self.apply_ops(
                                    cx,
                                    scope,
                                    one,
                                    &ops[i + 1..end],
                                )?)),
                                None => None,
                            };
                            v = Value::unknown(Unknown {
                                each,
                                ..u.extend("[*]")
                            })
                            .mark(s);
                            i = end;
                            continue;
                        }
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for it in items {
                        out.push(self.apply_ops(cx, scope, it, &ops[i + 1..end])?);
                    }
                    v = Value::List(out).mark(s);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn eval_binary(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        b: &hcl_edit::expr::BinaryOp,
        span: Option<std::ops::Range<usize>>,
    ) -> R {
        let err = |message: String| EvalError {
            at: cx.at(span.clone()),
            message,
        };
        let op = *b.operator.value();
        let (l, sl) = self.eval(cx, scope, &b.lhs_expr)?.flatten().unmark();
        // Known short-circuits: `false && x`, `true || x`.
        match (op, &l) {
            (BinaryOperator::And, Value::Bool(false)) => return Ok(Value::Bool(false).mark(sl)),
            (BinaryOperator::Or, Value::Bool(true)) => return Ok(Value::Bool(true).mark(sl)),
            _ => {}
        }
        let (r, sr) = self.eval(cx, scope, &b.rhs_expr)?.flatten().unmark();
        let s = sl || sr;
        if matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq) {
            return Ok(match equals(&l, &r) {
                Some(eq) => Value::Bool(if op == BinaryOperator::Eq { eq } else { !eq }),
                None => unknown_of(&[&l, &r]),
            }
            .mark(s));
        }
        if matches!(l, Value::Unknown(_)) || matches!(r, Value::Unknown(_)) {
            return Ok(unknown_of(&[&l, &r]).mark(s));
        }
        let out = match op {
            BinaryOperator::And | BinaryOperator::Or => {
                let (Some(x), Some(y)) = (to_bool(&l), to_bool(&r)) else {
                    return Err(err(format!("`{}` espera dos bool", op.as_str())));
                };
                Value::Bool(if op == BinaryOperator::And {
                    x && y
                } else {
                    x || y
                })
            }
            _ => {
                let x = to_number(&l).map_err(err)?;
                let y = to_number(&r).map_err(err)?;
                match op {
                    BinaryOperator::Plus => Value::Number(x + y),
                    BinaryOperator::Minus => Value::Number(x - y),
                    BinaryOperator::Mul => Value::Number(x * y),
                    BinaryOperator::Div => {
                        if y == 0.0 {
                            return Err(err("división por cero".into()));
                        }
                        Value::Number(x / y)
                    }
                    BinaryOperator::Mod => {
                        if y == 0.0 {
                            return Err(err("módulo por cero".into()));
                        }
                        Value::Number(x % y)
                    }
                    BinaryOperator::Less => Value::Bool(x < y),
                    BinaryOperator::LessEq => Value::Bool(x <= y),
                    BinaryOperator::Greater => Value::Bool(x > y),
                    BinaryOperator::GreaterEq => Value::Bool(x >= y),
                    _ => Value::Null,
                }
            }
        };
        Ok(out.mark(s))
    }

    fn eval_for(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        f: &ForExpr,
        span: Option<std::ops::Range<usize>>,
    ) -> R {
        let err = |message: String| EvalError {
            at: cx.at(span.clone()),
            message,
        };
        let (coll, s) = self
            .eval(cx, scope, &f.intro.collection_expr)?
            .flatten()
            .unmark();
        let items: Vec<(Value, Value)> = match coll {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            // Over the instances of a representative resource (or a list
            // of such): each element is what the body makes of one. Never
            // the resource itself, which is not what the `for` yields.
            Value::Unknown(u) => {
                let one = match (&u.rep, &u.each) {
                    (Some(r), _) => Some(Value::Resource(r.clone())),
                    (None, Some(e)) => Some((**e).clone()),
                    (None, None) => None,
                };
                let each = one.and_then(|one| {
                    let mut bindings = vec![(f.intro.value_var.as_str().to_string(), one)];
                    if let Some(k) = &f.intro.key_var {
                        bindings.push((
                            k.as_str().to_string(),
                            Value::unknown(Unknown::reference(format!("{}.key", u.primary()))),
                        ));
                    }
                    let inner = scope.child(bindings);
                    self.eval(cx, &inner, &f.value_expr).ok().map(Rc::new)
                });
                return Ok(Value::unknown(Unknown {
                    refs: u.refs.clone(),
                    text: None,
                    gap: u.gap.clone(),
                    rep: None,
                    each,
                    alternatives: None,
                })
                .mark(s));
            }
            Value::Null => return Err(err("`for` sobre null".into())),
            other => {
                return Err(err(format!(
                    "`for` necesita una lista, un conjunto o un mapa, no {}",
                    other.type_name()
                )));
            }
        };
        let kv = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let vv = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let mut bindings = vec![(vv.clone(), v)];
            if let Some(kn) = &kv {
                bindings.push((kn.clone(), k));
            }
            let inner = scope.child(bindings);
            if let Some(c) = &f.cond {
                match self.eval(cx, &inner, &c.expr)?.flatten().unmark().0 {
                    Value::Bool(true) => {}
                    Value::Bool(false) => continue,
                    Value::Unknown(u) => return Ok(Value::Unknown(u).mark(s)),
                    other => {
                        return Err(err(format!(
                            "la condición `if` de un `for` debe ser bool, no {}",
                            other.type_name()
                        )));
                    }
                }
            }
            let value = self.eval(cx, &inner, &f.value_expr)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = match self.eval(cx, &inner, ke)?.flatten().unmark().0 {
                        Value::String(k) => k,
                        Value::Number(n) => fmt_number(n),
                        Value::Bool(b) => b.to_string(),
                        Value::Unknown(u) => return Ok(Value::Unknown(u).mark(s)),
                        other => {
                            return Err(err(format!(
                                "la clave de un `for` debe ser una cadena, no {}",
                                other.type_name()
                            )));
                        }
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if map.insert(key.clone(), value).is_some() {
                        return Err(err(format!(
                            "clave repetida `{key}` en un `for`: usa `...` para agruparlas"
                        )));
                    }
                }
            }
        }
        let out = match (&f.key_expr, f.grouping) {
            (None, _) => Value::List(list),
            (Some(_), true) => Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            (Some(_), false) => Value::Object(map),
        };
        Ok(out.mark(s))
    }

    /// A template: a plain string when every part is known and not
    /// sensitive, else a [`Value::Partial`] that keeps the parts apart.
    pub fn eval_template(&mut self, cx: &Cx, scope: &Scope, t: &Template) -> R {
        // HCL: a template that is one interpolation and nothing else is the
        // value itself, whatever its type (Terraform 0.11 style
        // `"${aws_subnet.private.*.id}"` is a list).
        if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
            return self.eval(cx, scope, &i.expr);
        }
        let mut toks = Vec::new();
        self.template_tokens(cx, scope, t, &mut toks)?;
        let mut parts: Vec<Part> = Vec::new();
        let mut strip_next = false;
        for tok in toks {
            match tok {
                Tok::Lit(mut s) => {
                    if strip_next {
                        s = s.trim_start().to_string();
                        strip_next = false;
                    }
                    match parts.last_mut() {
                        Some(Part::Lit(prev)) => prev.push_str(&s),
                        _ => parts.push(Part::Lit(s)),
                    }
                }
                Tok::Val(v) => {
                    strip_next = false;
                    parts.push(Part::Val(v));
                }
                Tok::StripPrev => {
                    if let Some(Part::Lit(prev)) = parts.last_mut() {
                        let trimmed = prev.trim_end().len();
                        prev.truncate(trimmed);
                    }
                }
                Tok::StripNext => strip_next = true,
            }
        }
        parts.retain(|p| !matches!(p, Part::Lit(s) if s.is_empty()));
        // One interpolation that is one of several values: the template is
        // one of its renderings.
        let alt = parts.iter().enumerate().find_map(|(i, p)| match p {
            Part::Val(Value::Unknown(u)) => u.alternatives.clone().map(|a| (i, u.clone(), a)),
            _ => None,
        });
        if let Some((i, u, alternatives)) = alt {
            let renderings = alternatives
                .iter()
                .map(|a| {
                    let mut each = parts.clone();
                    each[i] = Part::Val(a.clone());
                    from_parts(each)
                })
                .collect();
            return Ok(Value::one_of(&u, renderings));
        }
        Ok(from_parts(parts))
    }

    fn template_tokens(
        &mut self,
        cx: &Cx,
        scope: &Scope,
        t: &Template,
        out: &mut Vec<Tok>,
    ) -> Result<(), EvalError> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push(Tok::Lit(s.value().clone())),
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        out.push(Tok::StripPrev);
                    }
                    let v = self.eval(cx, scope, &i.expr)?;
                    out.push(interpolated(v).map_err(|m| EvalError {
                        at: cx.at(i.expr.span()),
                        message: m,
                    })?);
                    if i.strip.strip_end() {
                        out.push(Tok::StripNext);
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            out.push(Tok::StripPrev);
                        }
                        let (c, s) = self
                            .eval(cx, scope, &d.if_expr.cond_expr)?
                            .flatten()
                            .unmark();
                        let branch = match c {
                            Value::Bool(b) => b,
                            Value::Unknown(u) => {
                                out.push(Tok::Val(Value::Unknown(u).mark(s)));
                                continue;
                            }
                            other => {
                                return Err(EvalError {
                                    at: cx.at(d.if_expr.cond_expr.span()),
                                    message: format!(
                                        "la condición de `%{{ if }}` debe ser bool, no {}",
                                        other.type_name()
                                    ),
                                });
                            }
                        };
                        if branch {
                            if d.if_expr.strip.strip_end() {
                                out.push(Tok::StripNext);
                            }
                            self.template_tokens(cx, scope, &d.if_expr.template, out)?;
                            let close =
                                d.else_expr.as_ref().map_or(d.endif_expr.strip, |e| e.strip);
                            if close.strip_start() {
                                out.push(Tok::StripPrev);
                            }
                        } else if let Some(e) = &d.else_expr {
                            if e.strip.strip_end() {
                                out.push(Tok::StripNext);
                            }
                            self.template_tokens(cx, scope, &e.template, out)?;
                            if d.endif_expr.strip.strip_start() {
                                out.push(Tok::StripPrev);
                            }
                        }
                        if d.endif_expr.strip.strip_end() {
                            out.push(Tok::StripNext);
                        }
                    }
                    Directive::For(d) => {
                        let fe = &d.for_expr;
                        if fe.strip.strip_start() {
                            out.push(Tok::StripPrev);
                        }
                        let (coll, s) = self
                            .eval(cx, scope, &fe.collection_expr)?
                            .flatten()
                            .unmark();
                        let items: Vec<(Value, Value)> = match coll {
                            Value::List(items) => items
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::Number(i as f64), v))
                                .collect(),
                            Value::Object(map) => map
                                .into_iter()
                                .map(|(k, v)| (Value::String(k), v))
                                .collect(),
                            Value::Unknown(u) => {
                                out.push(Tok::Val(Value::Unknown(u).mark(s)));
                                continue;
                            }
                            other => {
                                return Err(EvalError {
                                    at: cx.at(fe.collection_expr.span()),
                                    message: format!(
                                        "`%{{ for }}` necesita una colección, no {}",
                                        other.type_name()
                                    ),
                                });
                            }
                        };
                        for (k, v) in items {
                            let mut bindings = vec![(fe.value_var.as_str().to_string(), v.mark(s))];
                            if let Some(kv) = &fe.key_var {
                                bindings.push((kv.as_str().to_string(), k));
                            }
                            let inner = scope.child(bindings);
                            if fe.strip.strip_end() {
                                out.push(Tok::StripNext);
                            }
                            self.template_tokens(cx, &inner, &fe.template, out)?;
                            if d.endfor_expr.strip.strip_start() {
                                out.push(Tok::StripPrev);
                            }
                        }
                        if d.endfor_expr.strip.strip_end() {
                            out.push(Tok::StripNext);
                        }
                    }
                },
            }
        }
        Ok(())
    }
}

fn interpolated(v: Value) -> Result<Tok, String> {
    let v = match v {
        Value::Partial(parts) => return Ok(Tok::Val(Value::Partial(parts))),
        v => v.flatten(),
    };
    let (inner, s) = v.unmark();
    let text = match inner {
        Value::String(x) => x,
        Value::Number(n) => fmt_number(n),
        Value::Bool(b) => b.to_string(),
        Value::Unknown(u) => return Ok(Tok::Val(Value::Unknown(u).mark(s))),
        Value::Null => return Err("no se puede interpolar null en una cadena".into()),
        other => {
            return Err(format!(
                "no se puede interpolar {} en una cadena",
                other.type_name()
            ));
        }
    };
    Ok(if s {
        Tok::Val(Value::String(text).mark(true))
    } else {
        Tok::Lit(text)
    })
}

pub(crate) fn get_attr(v: Value, name: &str) -> Result<Value, String> {
    let (v, s) = v.flatten().unmark();
    let out = match v {
        Value::Object(mut m) => m
            .remove(name)
            .ok_or_else(|| format!("el objeto no tiene el atributo `{name}`"))?,
        Value::Resource(r) => match r.attrs.get(name) {
            Some(v) if !v.is_null() => v.clone(),
            _ => crate::computed::attribute(&r, name),
        },
        Value::Unknown(u) => Value::unknown(u.extend(&format!(".{name}"))),
        Value::Null => return Err(format!("no se puede leer `.{name}` de null")),
        Value::List(_) => {
            return Err(format!(
                "`.{name}` sobre una lista: usa `[*].{name}` o un índice"
            ));
        }
        other => {
            return Err(format!(
                "no se puede leer `.{name}` de {}",
                other.type_name()
            ));
        }
    };
    Ok(out.mark(s))
}

pub(crate) fn index(v: Value, k: Value) -> Result<Value, String> {
    let (v, s1) = v.flatten().unmark();
    let (k, s2) = k.flatten().unmark();
    let s = s1 || s2;
    let out = match (v, k) {
        // Any instance of a representative resource is that instance.
        (Value::Unknown(ref u), _) if let Some(r) = &u.rep => Value::Resource(r.clone()),
        (Value::Unknown(ref u), _) if let Some(e) = &u.each => (**e).clone(),
        (Value::Unknown(u), k) => {
            let step = match &k {
                Value::String(x) => format!("[\"{x}\"]"),
                other => format!("[{}]", other.text_form().unwrap_or_else(|| "?".into())),
            };
            Value::unknown(u.extend(&step))
        }
        // A known collection at an unknown key is one of its elements
        // (Terraform refuses a key it lacks).
        (Value::Object(map), Value::Unknown(u)) if !map.is_empty() => {
            Value::one_of(&u, map.into_values().collect())
        }
        (Value::List(items), Value::Unknown(u)) if !items.is_empty() => Value::one_of(&u, items),
        (_, Value::Unknown(u)) => Value::Unknown(u),
        (Value::List(items), k @ (Value::Number(_) | Value::String(_))) => {
            let n = match k {
                Value::Number(n) => n,
                Value::String(x) => x
                    .parse::<f64>()
                    .map_err(|_| format!("índice `{x}` no es un número"))?,
                _ => f64::NAN,
            };
            if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                return Err(format!(
                    "índice {} fuera de rango: la lista tiene {} elementos",
                    fmt_number(n),
                    items.len()
                ));
            }
            items.into_iter().nth(n as usize).unwrap_or(Value::Null)
        }
        (Value::Object(mut m), k @ (Value::String(_) | Value::Number(_))) => {
            let key = k.text_form().unwrap_or_default();
            m.remove(&key)
                .ok_or_else(|| format!("no existe la clave \"{key}\""))?
        }
        (Value::Resource(r), Value::String(key)) => get_attr(Value::Resource(r), &key)?,
        (Value::Null, _) => return Err("no se puede indexar null".into()),
        (v, k) => {
            return Err(format!(
                "no se puede indexar {} con {}",
                v.type_name(),
                k.type_name()
            ));
        }
    };
    Ok(out.mark(s))
}

pub(crate) fn to_number(v: &Value) -> Result<f64, String> {
    match v.unmarked() {
        Value::Number(n) => Ok(*n),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("\"{s}\" no es un número")),
        other => Err(format!("se esperaba un número, no {}", other.type_name())),
    }
}

fn to_bool(v: &Value) -> Option<bool> {
    match v.unmarked() {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" || s == "false" => Some(s == "true"),
        _ => None,
    }
}

fn unknown_of(vals: &[&Value]) -> Value {
    let us: Vec<Rc<Unknown>> = vals.iter().filter_map(|v| v.first_unknown()).collect();
    Value::unknown(Unknown::combine(us.iter().map(|u| u.as_ref())))
}

/// A template's value from its parts: a plain string when every part is
/// literal.
fn from_parts(parts: Vec<Part>) -> Value {
    match parts.as_slice() {
        [] => Value::String(String::new()),
        [Part::Lit(s)] => Value::String(s.clone()),
        _ if parts.iter().all(|p| matches!(p, Part::Lit(_))) => Value::String(
            parts
                .iter()
                .filter_map(|p| {
                    if let Part::Lit(s) = p {
                        Some(s.as_str())
                    } else {
                        None
                    }
                })
                .collect(),
        ),
        _ => Value::Partial(Rc::new(parts)),
    }
}
