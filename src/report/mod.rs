//! The canonical report and its renderings. A renderer reads a [`Report`]
//! and nothing else: it never recomputes a verdict.

mod cucumber;
mod github;
pub mod gradescope;
pub mod html;
mod junit;
mod markdown;
mod model;
mod network;
mod network_svg;
pub mod sarif;
mod source_paths;
mod terminal;

pub use model::*;
pub use network::*;

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Terminal,
    Junit,
    Markdown,
    Gradescope,
    Html,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    CucumberJson,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Json,
        Format::Terminal,
        Format::Junit,
        Format::Markdown,
        Format::Gradescope,
        Format::Html,
        Format::Sarif,
        Format::CucumberJson,
        Format::Github,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Terminal => "terminal",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Gradescope => "gradescope",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::CucumberJson => "cucumber-json",
            Format::Github => "github",
        }
    }

    /// The file a run writes for this format in its `--out` folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Terminal => "report.txt",
            Format::Junit => "junit.xml",
            Format::Markdown => "report.md",
            Format::Gradescope => gradescope::FILE_NAME,
            Format::Html => "report.html",
            Format::Sarif => "report.sarif",
            Format::CucumberJson => "cucumber.json",
            Format::Github => "github-annotations.txt",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s || (s == "md" && *f == Format::Markdown))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "formato desconocido «{s}»; los formatos son: {}",
                    names.join(", ")
                )
            })
    }
}

pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Json => to_json(report),
        Format::Terminal => terminal::render(report, color),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
        Format::Gradescope => gradescope::render(report),
        Format::Html => html::render(report),
        Format::Sarif => sarif::render(report),
        Format::CucumberJson => cucumber::render(report),
        Format::Github => github::render(report),
    }
}

pub fn to_json(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Input(#[from] cloudgrade_model::input::InputError),
    #[error("{path}:{line}:{column}: no es un report.json de cloudgrade: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: es un informe «{found}»; esta versión lee «{REPORT_SCHEMA}»")]
    Schema { path: String, found: String },
}

pub fn load(path: &std::path::Path) -> Result<Report, LoadError> {
    let shown = path.display().to_string();
    let text = cloudgrade_model::input::read_text(path, &cloudgrade_model::input::REPORT)?;
    let report: Report = serde_json::from_str(&text).map_err(|e| LoadError::Parse {
        path: shown.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if !READABLE_SCHEMAS.contains(&report.schema.as_str()) {
        return Err(LoadError::Schema {
            path: shown,
            found: report.schema,
        });
    }
    Ok(report)
}

/// What a total says of its bonus: ` (2 de bonus)` after a total that
/// includes bonus points, nothing otherwise.
pub fn bonus_note(s: &Summary) -> String {
    if s.bonus_points > 0.0 {
        format!(" (incluye {} de bonus)", points(s.bonus_points))
    } else {
        String::new()
    }
}

/// `3 fallidos`, and what of them were bonus scenarios, which cost nothing:
/// `3 fallidos · 2 bonus sin conseguir`.
pub fn failed_count(s: &Summary) -> String {
    let asked = s.failed - s.bonus_failed;
    match s.bonus_failed {
        0 => format!("{asked} fallidos"),
        1 => format!("{asked} fallidos · 1 bonus sin conseguir"),
        n => format!("{asked} fallidos · {n} bonus sin conseguir"),
    }
}

/// What follows a scenario's points in every renderer: ` de bonus` for a
/// bonus scenario, whose points are never asked for.
pub fn bonus_mark(sc: &ScenarioReport) -> &'static str {
    if sc.bonus { " de bonus" } else { "" }
}

/// Points as people write them: `7.5`, `10`.
pub fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// Text as XML or HTML text or attribute value, for every markup renderer.
/// `'` becomes `&#39;`, valid in both; control characters other than tab
/// and newlines are not allowed in XML 1.0 at all, so they are dropped.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod markup_tests {
    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            super::escape_markup("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }
}
