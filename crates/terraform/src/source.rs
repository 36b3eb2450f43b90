//! A source file and the positions in it: byte offsets from the parser's
//! spans become the 1-based lines a student sees.

use std::path::Path;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use crate::TerraformError;
use crate::prescan;

#[derive(Debug)]
pub(crate) struct SourceFile {
    /// The path as shown to the student: relative to the directory graded.
    pub rel: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(rel: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            rel: rel.into(),
            text,
            line_starts,
        }
    }

    /// The 1-based line holding a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }

    pub fn line_of(&self, span: Option<std::ops::Range<usize>>) -> u32 {
        span.map_or(0, |s| self.line(s.start))
    }

    /// A syntax error at a byte offset, its column counted in characters.
    pub fn syntax_error(&self, offset: usize, message: String) -> TerraformError {
        let start = self.text[..offset].rfind('\n').map_or(0, |p| p + 1);
        TerraformError::Syntax {
            file: self.rel.clone(),
            line: self.line(offset) as usize,
            col: self.text[start..offset].chars().count() + 1,
            message,
        }
    }

    /// `network.tf:12`, the way feedback points at a place.
    pub fn at(&self, span: Option<std::ops::Range<usize>>) -> String {
        format!("{}:{}", self.rel, self.line_of(span))
    }
}

pub(crate) fn read(path: &Path, rel: &str) -> Result<SourceFile, TerraformError> {
    use cloudgrade_model::input;
    // Capped, regular files only; a BOM dropped, UTF-16 named, a stray
    // Latin-1 comment replaced rather than fatal (see `input::TERRAFORM`).
    let kind = if rel.ends_with(".tfvars") || rel.ends_with(".tfvars.json") {
        &input::TFVARS
    } else {
        &input::TERRAFORM
    };
    let text = input::read_text_as(path, rel, kind)?;
    Ok(SourceFile::new(rel, text))
}

pub(crate) fn parse(file: &SourceFile) -> Result<Body, TerraformError> {
    let scan = prescan::scan(&file.text);
    if let Some(r) = scan.refusal {
        return Err(file.syntax_error(r.offset, r.message));
    }
    hcl_edit::parser::parse_body(&file.text).map_err(|e| {
        let (line, col) = (e.location().line(), e.location().column());
        match scan.unclosed {
            // A failure hcl-edit backtracked out of carries no expectation
            // and points at the start of the attribute: a bracket left open
            // says more.
            Some(u) if e.message() == "unexpected token" => file.syntax_error(u.offset, u.message),
            _ => TerraformError::Syntax {
                file: file.rel.clone(),
                line,
                col,
                message: e.message().to_string(),
            },
        }
    })
}

/// One expression on its own (a `-var` value), bounded like a file.
pub(crate) fn parse_expr(file: &SourceFile) -> Result<Expression, TerraformError> {
    if let Some(r) = prescan::scan(&file.text).refusal {
        return Err(file.syntax_error(r.offset, r.message));
    }
    hcl_edit::parser::parse_expr(&file.text).map_err(|e| TerraformError::Syntax {
        file: file.rel.clone(),
        line: e.location().line(),
        col: e.location().column(),
        message: e.message().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines() {
        let f = SourceFile::new("a.tf", "x = 1\ny = 2\n\nz = 3".into());
        assert_eq!(f.line(0), 1);
        assert_eq!(f.line(5), 1);
        assert_eq!(f.line(6), 2);
        assert_eq!(f.line(13), 4);
        assert_eq!(f.at(Some(13..14)), "a.tf:4");
    }

    #[test]
    fn syntax_errors_carry_line_column_and_expectation() {
        let f = SourceFile::new(
            "bad.tf",
            "resource \"aws_vpc\" \"main\" {\n  cidr_block = \n}\n".into(),
        );
        match parse(&f) {
            Err(TerraformError::Syntax {
                file,
                line,
                col,
                message,
            }) => {
                assert_eq!(file, "bad.tf");
                // The value is missing where the line ends.
                assert_eq!((line, col), (2, 16), "{message}");
                assert!(message.contains("expected"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
