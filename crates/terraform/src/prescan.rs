//! A linear look at a file's brackets before hcl-edit parses it.
//!
//! hcl-edit 0.10 parses a chain of binary operators (`0 - a / !{…}`) and,
//! when an operand after the first operator fails in a way it may back out
//! of, stops the chain before that operator and then tries the operator once
//! more, which fails the same way. An object that is never closed, or whose
//! key does not parse, fails like that, so every such operand nested inside
//! another one doubles the work: thirty of them in 500 bytes take minutes.
//! Only input that does not parse backtracks like that, but hcl-edit cannot
//! be told to stop, so the nesting that feeds the doubling is bounded here.
//!
//! The scan knows strings, heredocs, templates and comments well enough not
//! to count a bracket inside them, and it is conservative: any bracket or
//! string opened after an operator of the same expression counts.

/// Brackets and template interpolations nested deeper than this are refused:
/// hcl-edit refuses 64 levels of its own nesting anyway, and no
/// configuration needs that many.
pub(crate) const MAX_NESTING: usize = 64;

/// Brackets opened after an operator and nested inside one another: each
/// level may double the work of a failing parse, so this bounds it at 64
/// passes. Real expressions rarely nest three; `locals` name the parts of
/// anything deeper.
pub(crate) const MAX_OPERAND_NESTING: usize = 6;

/// Why the text is refused before parsing, at a byte offset.
#[derive(Debug, PartialEq)]
pub(crate) struct Refusal {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Scan {
    /// Nesting past a bound: the text must not reach the parser.
    pub refusal: Option<Refusal>,
    /// The innermost bracket, interpolation or heredoc still open at the end
    /// of the text, said the way a student reads it. Only used to place an
    /// error the parser could not place.
    pub unclosed: Option<Refusal>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Paren,
    Bracket,
    Brace,
    /// `${`
    Interp,
    /// `%{`
    Directive,
    /// A quoted string: a template of its own.
    Quoted,
    /// The delimiter is `text[delim]`.
    Heredoc {
        delim: (usize, usize),
    },
}

impl Kind {
    fn is_template(self) -> bool {
        matches!(self, Kind::Quoted | Kind::Heredoc { .. })
    }

    fn counts_as_nesting(self) -> bool {
        !self.is_template()
    }
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    offset: usize,
    /// Opened after an operator of the enclosing expression.
    operand: bool,
    /// An operator has been seen in the current expression of this frame:
    /// what is opened next is an operand that may be parsed twice.
    after_operator: bool,
}

pub(crate) fn scan(text: &str) -> Scan {
    Scanner {
        text: text.as_bytes(),
        stack: vec![Frame {
            kind: Kind::Brace,
            offset: 0,
            operand: false,
            after_operator: false,
        }],
        nesting: 0,
        operands: 0,
        last_operand: false,
    }
    .run()
}

struct Scanner<'t> {
    text: &'t [u8],
    /// The first frame is the file itself and is never closed.
    stack: Vec<Frame>,
    /// Open frames that count towards [`MAX_NESTING`].
    nesting: usize,
    /// Open frames with `operand` set.
    operands: usize,
    /// The previous token ended an operand, so `-` and `*` are binary.
    last_operand: bool,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80
}

impl Scanner<'_> {
    fn run(mut self) -> Scan {
        let mut i = 0;
        while i < self.text.len() {
            let top = self.stack.last().map_or(Kind::Brace, |f| f.kind);
            let step = match top {
                Kind::Quoted => self.quoted(i),
                Kind::Heredoc { delim } => self.heredoc(i, delim),
                _ => self.expression(i),
            };
            match step {
                Ok(next) => i = next,
                Err(refusal) => {
                    return Scan {
                        refusal: Some(refusal),
                        unclosed: None,
                    };
                }
            }
        }
        Scan {
            refusal: None,
            unclosed: self.stack.get(1..).and_then(|open| open.last()).map(|f| {
                let message = match f.kind {
                    Kind::Paren => "`(` sin cerrar: falta su `)`".to_string(),
                    Kind::Bracket => "`[` sin cerrar: falta su `]`".to_string(),
                    Kind::Brace => "`{` sin cerrar: falta su `}`".to_string(),
                    Kind::Interp => "`${` sin cerrar: falta su `}`".to_string(),
                    Kind::Directive => "`%{` sin cerrar: falta su `}`".to_string(),
                    Kind::Quoted => "cadena sin cerrar: falta su `\"`".to_string(),
                    Kind::Heredoc { delim: (a, b) } => {
                        let delim = String::from_utf8_lossy(&self.text[a..b]);
                        format!("heredoc sin cerrar: falta una línea con `{delim}`")
                    }
                };
                Refusal {
                    offset: f.offset,
                    message,
                }
            }),
        }
    }

    fn top(&mut self) -> &mut Frame {
        // The file's own frame is never popped.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn open(&mut self, kind: Kind, offset: usize) -> Result<(), Refusal> {
        let operand = self.top().after_operator;
        if kind.counts_as_nesting() {
            self.nesting += 1;
            if self.nesting > MAX_NESTING {
                return Err(Refusal {
                    offset,
                    message: format!(
                        "más de {MAX_NESTING} niveles de paréntesis, corchetes, llaves o `${{` anidados"
                    ),
                });
            }
        }
        if operand {
            self.operands += 1;
            if self.operands > MAX_OPERAND_NESTING {
                return Err(Refusal {
                    offset,
                    message: format!(
                        "más de {MAX_OPERAND_NESTING} niveles de paréntesis, corchetes, llaves o cadenas anidados dentro de operaciones (`+`, `-`, `==`, `&&`…); saca partes de la expresión a `locals`"
                    ),
                });
            }
        }
        self.stack.push(Frame {
            kind,
            offset,
            operand,
            after_operator: false,
        });
        self.last_operand = false;
        Ok(())
    }

    fn close(&mut self) {
        if self.stack.len() > 1
            && let Some(f) = self.stack.pop()
        {
            if f.kind.counts_as_nesting() {
                self.nesting -= 1;
            }
            if f.operand {
                self.operands -= 1;
            }
        }
        self.last_operand = true;
    }

    fn operator(&mut self) {
        self.top().after_operator = true;
        self.last_operand = false;
    }

    /// A new expression starts: what came before is no operand chain.
    fn separator(&mut self) {
        self.top().after_operator = false;
        self.last_operand = false;
    }

    fn at(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    fn expression(&mut self, i: usize) -> Result<usize, Refusal> {
        let c = self.text[i];
        let next = self.at(i + 1);
        Ok(match c {
            b' ' | b'\t' | b'\r' => i + 1,
            b'\n' => {
                // Inside ( and [ an expression goes on over lines; in a body
                // or an object a newline ends the attribute or item.
                if matches!(self.top().kind, Kind::Brace) {
                    self.separator();
                }
                i + 1
            }
            b'#' => self.line_end(i),
            b'/' if next == b'/' => self.line_end(i),
            b'/' if next == b'*' => self.text[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(self.text.len(), |p| i + 2 + p + 2),
            b'"' => {
                self.open(Kind::Quoted, i)?;
                i + 1
            }
            b'<' if next == b'<' => match self.heredoc_start(i) {
                Some((delim, body)) => {
                    self.open(Kind::Heredoc { delim }, i)?;
                    body
                }
                None => {
                    self.operator();
                    i + 2
                }
            },
            b'(' => {
                self.open(Kind::Paren, i)?;
                i + 1
            }
            b'[' => {
                self.open(Kind::Bracket, i)?;
                i + 1
            }
            b'{' => {
                self.open(Kind::Brace, i)?;
                i + 1
            }
            b')' | b']' | b'}' => {
                self.close();
                i + 1
            }
            b'=' if next == b'=' => {
                self.operator();
                i + 2
            }
            b'=' if next == b'>' => {
                self.separator();
                i + 2
            }
            b'=' | b'?' | b':' | b',' => {
                self.separator();
                i + 1
            }
            b'!' if next == b'=' => {
                self.operator();
                i + 2
            }
            // Unary: the operand it applies to is the one that counts.
            b'!' => {
                self.last_operand = false;
                i + 1
            }
            b'-' | b'*' if !self.last_operand => i + 1,
            b'<' | b'>' | b'&' | b'|' | b'+' | b'-' | b'*' | b'/' | b'%' => {
                self.operator();
                i + 1
            }
            // An identifier may hold `-` (`a-b`); a number may not (`0-a`).
            c if is_ident_start(c) => {
                self.last_operand = true;
                self.skip_while(i + 1, is_ident_continue)
            }
            c if c.is_ascii_digit() => {
                self.last_operand = true;
                self.skip_while(i + 1, |c| c.is_ascii_alphanumeric() || c == b'.')
            }
            _ => {
                self.last_operand = false;
                i + 1
            }
        })
    }

    fn skip_while(&self, mut j: usize, f: impl Fn(u8) -> bool) -> usize {
        while j < self.text.len() && f(self.text[j]) {
            j += 1;
        }
        j
    }

    /// Where the comment starting at `i` ends: at its newline, which still
    /// separates what is around it.
    fn line_end(&self, i: usize) -> usize {
        self.text[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.text.len(), |p| i + p)
    }

    /// `<<EOT` or `<<-EOT` and its line end, the way hcl-edit requires them:
    /// the delimiter's span and where the body starts.
    fn heredoc_start(&self, i: usize) -> Option<((usize, usize), usize)> {
        let mut j = i + 2;
        if self.at(j) == b'-' {
            j += 1;
        }
        if !is_ident_start(self.at(j)) {
            return None;
        }
        let start = j;
        j = self.skip_while(j, is_ident_continue);
        let end = j;
        if self.at(j) == b'\r' {
            j += 1;
        }
        (self.at(j) == b'\n').then_some(((start, end), j + 1))
    }

    /// `${` and `%{` open a template's expressions; `$${` and `%%{` are
    /// their escapes.
    fn template_control(&mut self, i: usize) -> Result<Option<usize>, Refusal> {
        let rest = &self.text[i..];
        if rest.starts_with(b"$${") || rest.starts_with(b"%%{") {
            return Ok(Some(i + 3));
        }
        if rest.starts_with(b"${") {
            self.open(Kind::Interp, i)?;
            return Ok(Some(i + 2));
        }
        if rest.starts_with(b"%{") {
            self.open(Kind::Directive, i)?;
            return Ok(Some(i + 2));
        }
        Ok(None)
    }

    fn quoted(&mut self, i: usize) -> Result<usize, Refusal> {
        if let Some(next) = self.template_control(i)? {
            return Ok(next);
        }
        Ok(match self.text[i] {
            b'"' => {
                self.close();
                i + 1
            }
            b'\\' => i + 2,
            // A quoted string cannot span lines: it was never closed, and
            // the parser says so; what follows is read as code again.
            b'\n' => {
                self.close();
                self.last_operand = false;
                i
            }
            _ => i + 1,
        })
    }

    fn heredoc(&mut self, i: usize, (a, b): (usize, usize)) -> Result<usize, Refusal> {
        if i == 0 || self.text[i - 1] == b'\n' {
            let mut j = i;
            while matches!(self.at(j), b' ' | b'\t') {
                j += 1;
            }
            let delim = &self.text[a..b];
            if self.text[j..].starts_with(delim) && !is_ident_continue(self.at(j + delim.len())) {
                self.close();
                return Ok(j + delim.len());
            }
        }
        if let Some(next) = self.template_control(i)? {
            return Ok(next);
        }
        Ok(i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<usize> {
        scan(text).refusal.map(|r| r.offset)
    }

    #[test]
    fn brackets_in_strings_heredocs_and_comments_do_not_count() {
        let deep = "(".repeat(200);
        for text in [
            format!("x = \"{deep}\"\n"),
            format!("x = \"\\\"{deep}\"\n"),
            format!("x = <<EOT\n{deep}\nEOT\n"),
            format!("x = <<-EOT\n  {deep}\n  EOT\n"),
            format!("# {deep}\nx = 1\n"),
            format!("// {deep}\nx = 1\n"),
            format!("/* {deep}\n{deep} */ x = 1\n"),
            format!("x = \"$${{{deep}\"\n"),
        ] {
            let s = scan(&text);
            assert_eq!(s, Scan::default(), "{text}");
        }
    }

    #[test]
    fn templates_nest_like_brackets() {
        let deep = format!("x = \"{}\"", "${\"".repeat(MAX_NESTING + 1));
        assert!(refused(&deep).is_some());
        let fine = format!("x = \"{}1{}\"", "${\"".repeat(20), "\"}".repeat(20));
        assert_eq!(scan(&fine), Scan::default());
        // The heredoc ends at its delimiter, not at a longer word.
        let s = scan("x = <<EOT\n${ {\n}}\nEOTX\nEOT\ny = [\n");
        assert_eq!(s.unclosed.map(|u| u.offset), Some(31));
    }

    #[test]
    fn depth_past_the_bound_is_refused_at_the_bracket() {
        let text = format!("x = {}", "{a = ".repeat(MAX_NESTING + 1));
        assert_eq!(refused(&text), Some(4 + 5 * MAX_NESTING));
        assert_eq!(
            refused(&format!("x = {}", "{a = ".repeat(MAX_NESTING))),
            None
        );
    }

    #[test]
    fn operands_nested_in_operands_are_bounded() {
        let nested = |n: usize| format!("x = 0 - {}1{}", "(1 - ".repeat(n), ")".repeat(n));
        assert_eq!(scan(&nested(MAX_OPERAND_NESTING)), Scan::default());
        assert!(refused(&nested(MAX_OPERAND_NESTING + 1)).is_some());
        // Unary operators and traversals belong to the operand.
        assert!(refused(&format!("x = 1{}", " - a / !{k = 1".repeat(9))).is_some());
        assert!(refused(&format!("x = 1{}", " - a[b - c".repeat(9))).is_some());
        // A new item, argument or branch is a new expression.
        let siblings = format!("x = {}", "f(a - 1, {k = ".repeat(20));
        assert_eq!(refused(&siblings), None);
        let items = format!("x = {}", "{k = a - 1\nj = {".repeat(20));
        assert_eq!(refused(&items), None);
        let unary = format!("x = {}", "-(!(".repeat(20));
        assert_eq!(refused(&unary), None);
    }

    #[test]
    fn the_innermost_open_bracket_is_named() {
        let s = scan("x = {\n  a = [1,\n  b = (2)\n");
        let u = s.unclosed.unwrap();
        assert_eq!(
            (u.offset, u.message.as_str()),
            (12, "`[` sin cerrar: falta su `]`")
        );
        assert_eq!(scan("x = {}\n}\n)").unclosed, None);
    }
}
