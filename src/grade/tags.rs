//! `--tags` expressions (`@redes and not @oculto`), evaluated over a
//! scenario's inherited tags.

use gherkin::tagexpr::TagOperation;

use crate::standard::Standard;

#[derive(Debug, Clone, Default)]
pub struct TagFilter {
    expr: Option<(String, TagOperation)>,
    /// Whether `@oculto`/`@hidden` scenarios run: only for instructors.
    instructor: bool,
    /// Scenarios of the other standard are not graded.
    standard: Standard,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "--tags «{expr}» no es una expresión de etiquetas válida ({message}); ejemplo: \"@redes and not @oculto\""
)]
pub struct TagFilterError {
    expr: String,
    message: String,
}

/// The longest `--tags` expression accepted, in bytes, and its deepest
/// parenthesis nesting. The parser and the evaluator recurse once per level
/// (of parentheses, `not`s or operators): a few thousand levels overflow the
/// stack, so anything past these limits is refused before parsing. Real
/// expressions are a few tags long.
pub const MAX_TAGS_LEN: usize = 1024;
pub const MAX_TAGS_DEPTH: usize = 32;

impl TagFilter {
    pub fn parse(expr: Option<&str>) -> Result<Self, TagFilterError> {
        let Some(expr) = expr.map(str::trim).filter(|e| !e.is_empty()) else {
            return Ok(TagFilter::default());
        };
        let refuse = |message: String| TagFilterError {
            expr: shorten(expr),
            message,
        };
        if expr.len() > MAX_TAGS_LEN {
            return Err(refuse(format!(
                "tiene {} bytes y el máximo es {MAX_TAGS_LEN}",
                expr.len()
            )));
        }
        if nesting(expr) > MAX_TAGS_DEPTH {
            return Err(refuse(format!(
                "anida más de {MAX_TAGS_DEPTH} niveles de paréntesis"
            )));
        }
        let op = expr
            .parse::<TagOperation>()
            .map_err(|e| refuse(e.to_string()))?;
        Ok(TagFilter {
            expr: Some((expr.to_string(), op)),
            ..TagFilter::default()
        })
    }

    pub fn with_instructor(mut self, instructor: bool) -> Self {
        self.instructor = instructor;
        self
    }

    pub fn instructor(&self) -> bool {
        self.instructor
    }

    pub fn with_standard(mut self, standard: Standard) -> Self {
        self.standard = standard;
        self
    }

    pub fn standard(&self) -> Standard {
        self.standard
    }

    pub fn text(&self) -> Option<&str> {
        self.expr.as_ref().map(|(t, _)| t.as_str())
    }

    /// The expression and the standard: both decide what is graded.
    pub fn matches(&self, tags: &[String]) -> bool {
        self.standard.admits(tags) && self.expr.as_ref().is_none_or(|(_, op)| eval(op, tags))
    }
}

/// The deepest parenthesis nesting of `expr` (unbalanced ones are left to
/// the parser to point at).
fn nesting(expr: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in expr.bytes() {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The expression as the message quotes it: a refused one may be huge.
fn shorten(expr: &str) -> String {
    const SHOWN: usize = 60;
    match expr.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &expr[..cut]),
        None => expr.to_string(),
    }
}

fn eval(op: &TagOperation, tags: &[String]) -> bool {
    match op {
        TagOperation::And(a, b) => eval(a, tags) && eval(b, tags),
        TagOperation::Or(a, b) => eval(a, tags) || eval(b, tags),
        TagOperation::Not(a) => !eval(a, tags),
        TagOperation::Tag(t) => {
            let t = t.trim_start_matches('@');
            tags.iter().any(|have| have == t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_and_or_not() {
        let f = TagFilter::parse(Some("@redes and not @oculto")).unwrap();
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(f.matches(&tags(&["redes", "puntos:10"])));
        assert!(!f.matches(&tags(&["redes", "oculto"])));
        assert!(!f.matches(&tags(&["rds"])));
        assert!(TagFilter::parse(None).unwrap().matches(&[]));
        assert!(TagFilter::parse(Some("@a and and")).is_err());
    }

    #[test]
    fn the_standard_filters_with_the_expression() {
        let prod = ["redes".to_string(), "estandar:produccion".to_string()];
        let f = TagFilter::parse(Some("@redes")).unwrap();
        assert!(!f.matches(&prod), "the course standard is the default");
        assert!(f.with_standard(Standard::Produccion).matches(&prod));
    }

    #[test]
    fn deep_or_long_expressions_are_refused_before_parsing() {
        // Thousands of levels used to overflow the parser's stack (SIGABRT).
        let deep = format!("{}@a{}", "(".repeat(5000), ")".repeat(5000));
        let e = TagFilter::parse(Some(&deep)).unwrap_err().to_string();
        assert!(e.contains("bytes y el máximo es 1024"), "{e}");
        assert!(e.chars().count() < 300, "the message quotes it whole: {e}");
        let nested = format!("{}@a{}", "(".repeat(33), ")".repeat(33));
        let e = TagFilter::parse(Some(&nested)).unwrap_err().to_string();
        assert!(e.contains("más de 32 niveles de paréntesis"), "{e}");
        let ok = format!("{}@a{}", "(".repeat(32), ")".repeat(32));
        assert!(TagFilter::parse(Some(&ok)).unwrap().matches(&["a".into()]));
    }

    #[test]
    fn the_longest_accepted_chains_parse_and_evaluate() {
        // Within the length cap, every shape of recursion stays shallow.
        let nots = format!("{}@a", "not ".repeat((MAX_TAGS_LEN - 2) / 4));
        assert!(nots.len() <= MAX_TAGS_LEN);
        let f = TagFilter::parse(Some(&nots)).unwrap();
        assert_eq!(
            f.matches(&["a".into()]),
            ((MAX_TAGS_LEN - 2) / 4).is_multiple_of(2)
        );
        let ands = vec!["@a"; MAX_TAGS_LEN / 8].join(" and ");
        assert!(
            TagFilter::parse(Some(&ands))
                .unwrap()
                .matches(&["a".into()])
        );
        let ors = vec!["@b"; MAX_TAGS_LEN / 7].join(" or ");
        assert!(!TagFilter::parse(Some(&ors)).unwrap().matches(&["a".into()]));
    }
}
