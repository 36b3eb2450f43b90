//! `--tags` expressions (`@redes and not @oculto`), evaluated over a
//! scenario's inherited tags.

use gherkin::tagexpr::TagOperation;

#[derive(Debug, Clone, Default)]
pub struct TagFilter {
    expr: Option<(String, TagOperation)>,
    /// Whether `@oculto`/`@hidden` scenarios run: only for instructors.
    instructor: bool,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "--tags «{expr}» no es una expresión de etiquetas válida ({message}); ejemplo: \"@redes and not @oculto\""
)]
pub struct TagFilterError {
    expr: String,
    message: String,
}

impl TagFilter {
    pub fn parse(expr: Option<&str>) -> Result<Self, TagFilterError> {
        let Some(expr) = expr.map(str::trim).filter(|e| !e.is_empty()) else {
            return Ok(TagFilter::default());
        };
        let op = expr.parse::<TagOperation>().map_err(|e| TagFilterError {
            expr: expr.to_string(),
            message: e.to_string(),
        })?;
        Ok(TagFilter {
            expr: Some((expr.to_string(), op)),
            instructor: false,
        })
    }

    pub fn with_instructor(mut self, instructor: bool) -> Self {
        self.instructor = instructor;
        self
    }

    pub fn instructor(&self) -> bool {
        self.instructor
    }

    pub fn text(&self) -> Option<&str> {
        self.expr.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn matches(&self, tags: &[String]) -> bool {
        self.expr.as_ref().is_none_or(|(_, op)| eval(op, tags))
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
}
