//! Where in the student's repository an evidence's `file:line` is, for the
//! formats that point at lines (SARIF, GitHub annotations). Evidence of a
//! Terraform folder names files relative to that folder; CI tools want them
//! relative to the repository, which is where `cloudgrade` ran.

use super::Report;

/// A file and line the student can open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// Relative to the directory the run started in, `/`-separated; or
    /// absolute when the graded folder was given as an absolute path.
    pub path: String,
    pub line: Option<usize>,
}

impl SourceLine {
    pub fn is_absolute(&self) -> bool {
        self.path.starts_with('/')
    }
}

/// `database.tf:15` of a run over `examples/terraform/entrega` is
/// `examples/terraform/entrega/database.tf`, line 15. `None` for an empty
/// location.
pub fn resolve(report: &Report, location: &str) -> Option<SourceLine> {
    let (file, line) = match location.rsplit_once(':') {
        Some((f, l)) if !f.is_empty() && l.chars().all(|c| c.is_ascii_digit()) => {
            (f, l.parse::<usize>().ok().filter(|n| *n > 0))
        }
        _ => (location, None),
    };
    if file.is_empty() {
        return None;
    }
    let file = file.replace('\\', "/");
    let src = &report.provenance.source;
    // Only a Terraform folder (and a Dockerfile beside it) names files
    // relative to the graded folder; other sources name none or full paths.
    let base = (src.kind == "terraform" && !file.starts_with('/'))
        .then(|| src.location.replace('\\', "/"));
    let joined = match base.as_deref().map(|b| b.trim_end_matches('/')) {
        None | Some("" | ".") => file,
        Some(b) => format!("{b}/{file}"),
    };
    Some(SourceLine {
        path: normalize(&joined),
        line,
    })
}

/// Drops `./` and empty segments and folds `dir/..`, so the same file is
/// spelt one way.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Provenance, Summary, Timings};
    use cloudgrade_model::SourceInfo;

    fn report(kind: &str, location: &str) -> Report {
        Report {
            schema: crate::report::REPORT_SCHEMA.into(),
            provenance: Provenance {
                tool: "cloudgrade".into(),
                version: "0".into(),
                started_at: "t".into(),
                source: SourceInfo {
                    kind: kind.into(),
                    location: location.into(),
                    region: None,
                    account_id: None,
                },
                features: vec![],
                tags: None,
                standard: None,
                timings: Timings::default(),
                api_calls: None,
                assignment: None,
            },
            summary: Summary::default(),
            scenarios: vec![],
            gaps: vec![],
            network: None,
        }
    }

    #[test]
    fn terraform_files_are_relative_to_the_run() {
        let r = report("terraform", "./examples/terraform/entrega/");
        assert_eq!(
            resolve(&r, "database.tf:15"),
            Some(SourceLine {
                path: "examples/terraform/entrega/database.tf".into(),
                line: Some(15)
            })
        );
        let here = report("terraform", ".");
        assert_eq!(resolve(&here, "app.tf:105").unwrap().path, "app.tf");
        let up = report("terraform", "../entrega");
        assert_eq!(resolve(&up, "app.tf:1").unwrap().path, "../entrega/app.tf");
        let abs = report("terraform", "/tmp/x");
        assert!(resolve(&abs, "app.tf:1").unwrap().is_absolute());
    }

    #[test]
    fn other_sources_and_odd_locations() {
        let r = report("snapshot", "s.json");
        assert_eq!(resolve(&r, "Dockerfile:3").unwrap().path, "Dockerfile");
        assert_eq!(resolve(&r, "main.tf").unwrap().line, None);
        assert_eq!(resolve(&r, "main.tf:0").unwrap().line, None);
        assert_eq!(resolve(&r, ""), None);
    }
}
