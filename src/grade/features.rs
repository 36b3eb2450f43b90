//! Reading feature files into a flat list of scenarios to run, with their
//! inherited tags, points and hints. A file that does not parse becomes a
//! grader error naming the file and line; it never silently disappears.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::report::FeatureFile;

/// A scenario ready to run: the steps of the backgrounds come first.
#[derive(Debug, Clone)]
pub struct PlannedScenario {
    pub id: String,
    pub feature: String,
    pub file: String,
    pub line: usize,
    /// `Escenario`, `Esquema del escenario`…
    pub keyword: String,
    pub name: String,
    /// Feature, rule and scenario tags, without `@`, in that order.
    pub tags: Vec<String>,
    pub steps: Vec<PlannedStep>,
    pub hint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlannedStep {
    pub keyword: String,
    pub text: String,
    pub line: usize,
}

/// A feature file that could not be turned into scenarios.
#[derive(Debug, Clone)]
pub struct BrokenFeature {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub scenarios: Vec<PlannedScenario>,
    pub broken: Vec<BrokenFeature>,
    pub files: Vec<FeatureFile>,
}

#[derive(Debug, thiserror::Error)]
pub enum FeaturesError {
    #[error("{0}: la carpeta de features no existe")]
    Missing(String),
    #[error("{0}: no contiene ningún archivo .feature")]
    Empty(String),
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Input(cloudgrade_model::input::InputError),
}

/// Where the features come from: the course's own, compiled into the
/// binary, or a folder (an instructor's, or this repo's while editing them).
#[derive(Debug, Clone)]
pub enum FeatureSource {
    Embedded,
    Dir(PathBuf),
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/features.rs"));
}

/// A feature file's name (as reports show it) and its text.
pub type FeatureText = (String, String);

impl FeatureSource {
    pub fn describe(&self) -> String {
        match self {
            FeatureSource::Embedded => "las features del curso".into(),
            FeatureSource::Dir(d) => d.display().to_string(),
        }
    }

    /// Every feature file, in a stable order so ids, reports and diffs do
    /// not shuffle between runs.
    pub fn load(&self) -> Result<Vec<FeatureText>, FeaturesError> {
        match self {
            FeatureSource::Embedded => Ok(embedded::EMBEDDED
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect()),
            FeatureSource::Dir(root) => discover(root)?
                .into_iter()
                .map(|path| {
                    let shown = path.display().to_string();
                    cloudgrade_model::input::read_text(&path, &cloudgrade_model::input::FEATURE)
                        .map(|text| (shown, text))
                        .map_err(FeaturesError::Input)
                })
                .collect(),
        }
    }
}

/// Every `*.feature` under `root` (or `root` itself when it is a file).
fn discover(root: &Path) -> Result<Vec<PathBuf>, FeaturesError> {
    if !root.exists() {
        return Err(FeaturesError::Missing(root.display().to_string()));
    }
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    // A symlinked folder is followed once: a link back to an ancestor (a
    // loop) would otherwise be walked until the path is too long.
    let mut seen = std::collections::HashSet::new();
    while let Some(dir) = stack.pop() {
        if !std::fs::canonicalize(&dir).is_ok_and(|real| seen.insert(real)) {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|source| FeaturesError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        for entry in entries {
            let path = entry
                .map_err(|source| FeaturesError::Io {
                    path: dir.display().to_string(),
                    source,
                })?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "feature")
                // A link to a feature already found would grade it twice.
                && std::fs::canonicalize(&path).map_or(true, |real| seen.insert(real))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(FeaturesError::Empty(root.display().to_string()));
    }
    Ok(out)
}

pub fn plan(files: &[FeatureText]) -> Plan {
    let mut plan = Plan::default();
    for (name, text) in files {
        let mut file = FeatureFile {
            path: name.clone(),
            sha256: format!("{:x}", Sha256::digest(text.as_bytes())),
            keyword: None,
            name: None,
            line: None,
            tags: Vec::new(),
        };
        match parse_feature(text, name) {
            Ok((head, scenarios)) => {
                file.keyword = Some(head.keyword.trim().to_string());
                file.name = Some(head.name.clone());
                file.line = Some(head.position.line);
                file.tags = head.tags.clone();
                plan.scenarios.extend(scenarios);
            }
            Err(broken) => plan.broken.push(broken),
        }
        plan.files.push(file);
    }
    check_unique_ids(&mut plan);
    plan
}

/// Two scenarios with one id would merge in every report and gradebook:
/// the later ones are grader errors.
fn check_unique_ids(plan: &mut Plan) {
    let mut first_seen: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(plan.scenarios.len());
    for s in std::mem::take(&mut plan.scenarios) {
        match first_seen.get(&s.id) {
            Some(first) => plan.broken.push(BrokenFeature {
                file: s.file,
                line: s.line,
                message: format!("el id `{}` ya lo usa el escenario de {first}: cada escenario necesita un @id: propio", s.id),
            }),
            None => {
                first_seen.insert(s.id.clone(), format!("{}:{}", s.file, s.line));
                kept.push(s);
            }
        }
    }
    plan.scenarios = kept;
}

pub fn parse(text: &str, file: &str) -> Result<Vec<PlannedScenario>, BrokenFeature> {
    parse_feature(text, file).map(|(_, scenarios)| scenarios)
}

/// The parsed feature (its keyword, name, line and tags go in the report)
/// and its scenarios.
fn parse_feature(
    text: &str,
    file: &str,
) -> Result<(gherkin::Feature, Vec<PlannedScenario>), BrokenFeature> {
    let feature = gherkin::Feature::parse(text, gherkin::GherkinEnv::default())
        .map_err(|e| broken(text, file, &e))?;
    let mut out = Vec::new();
    let background = steps_of(
        feature
            .background
            .as_ref()
            .map(|b| b.steps.as_slice())
            .unwrap_or_default(),
    );
    for sc in &feature.scenarios {
        out.extend(expand(
            file,
            &feature.name,
            &feature.tags,
            &[],
            &background,
            sc,
        ));
    }
    for rule in &feature.rules {
        let mut bg = background.clone();
        bg.extend(steps_of(
            rule.background
                .as_ref()
                .map(|b| b.steps.as_slice())
                .unwrap_or_default(),
        ));
        for sc in &rule.scenarios {
            out.extend(expand(
                file,
                &feature.name,
                &feature.tags,
                &rule.tags,
                &bg,
                sc,
            ));
        }
    }
    Ok((feature, out))
}

fn steps_of(steps: &[gherkin::Step]) -> Vec<PlannedStep> {
    steps
        .iter()
        .map(|s| PlannedStep {
            keyword: s.keyword.trim().to_string(),
            text: s.value.clone(),
            line: s.position.line,
        })
        .collect()
}

/// A scenario, or one scenario per example row of an outline.
fn expand(
    file: &str,
    feature: &str,
    feature_tags: &[String],
    rule_tags: &[String],
    background: &[PlannedStep],
    sc: &gherkin::Scenario,
) -> Vec<PlannedScenario> {
    let tags: Vec<String> = feature_tags
        .iter()
        .chain(rule_tags)
        .chain(&sc.tags)
        .cloned()
        .collect();
    let base_id = tag_value(&tags, &["id"]).unwrap_or_else(|| slug(&sc.name));
    let hint = hint_of(sc.description.as_deref());
    let mut steps = background.to_vec();
    steps.extend(steps_of(&sc.steps));
    let make =
        |id: String, name: String, steps: Vec<PlannedStep>, tags: Vec<String>| PlannedScenario {
            id,
            feature: feature.to_string(),
            file: file.to_string(),
            line: sc.position.line,
            keyword: sc.keyword.trim().to_string(),
            name,
            tags,
            steps,
            hint: hint.clone(),
        };
    let rows: Vec<(&gherkin::Examples, &Vec<String>, &Vec<String>)> = sc
        .examples
        .iter()
        .filter_map(|ex| ex.table.as_ref().map(|t| (ex, t)))
        .flat_map(|(ex, t)| {
            let header = t.rows.first();
            t.rows
                .iter()
                .skip(1)
                .filter_map(move |row| header.map(|h| (ex, h, row)))
        })
        .collect();
    if rows.is_empty() {
        return vec![make(base_id, sc.name.clone(), steps, tags)];
    }
    rows.into_iter()
        .enumerate()
        .map(|(n, (ex, header, row))| {
            let fill = |s: &str| {
                header.iter().zip(row).fold(s.to_string(), |acc, (k, v)| {
                    acc.replace(&format!("<{k}>"), v)
                })
            };
            let steps = steps
                .iter()
                .map(|st| PlannedStep {
                    text: fill(&st.text),
                    ..st.clone()
                })
                .collect();
            let mut tags = tags.clone();
            tags.extend(ex.tags.iter().cloned());
            make(format!("{base_id}-{}", n + 1), fill(&sc.name), steps, tags)
        })
        .collect()
}

/// `Pista:` / `Hint:` lines of a scenario's description.
fn hint_of(description: Option<&str>) -> Option<String> {
    let text: Vec<&str> = description?
        .lines()
        .map(str::trim)
        .skip_while(|l| !(l.starts_with("Pista:") || l.starts_with("Hint:")))
        .collect();
    let joined = text.join(" ");
    let hint = joined
        .trim_start_matches("Pista:")
        .trim_start_matches("Hint:")
        .trim();
    (!hint.is_empty()).then(|| hint.to_string())
}

/// The value of the first `@key:value` tag among `keys`.
pub fn tag_value(tags: &[String], keys: &[&str]) -> Option<String> {
    tags.iter().rev().find_map(|t| {
        let (k, v) = t.split_once(':')?;
        keys.contains(&k).then(|| v.to_string())
    })
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ì' | 'ï' => 'i',
            'ó' | 'ò' | 'ö' => 'o',
            'ú' | 'ù' | 'ü' => 'u',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// gherkin's error hides what it met; the line itself tells the author. The
/// most common cause (lessons.md): a description line that begins with a
/// keyword such as `Regla` or `Escenario`.
fn broken(text: &str, file: &str, err: &gherkin::ParseError) -> BrokenFeature {
    let shown = err.to_string();
    let line = shown
        .strip_prefix("Error at ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1);
    let content = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim();
    let expected = shown.split_once(": ").map(|(_, e)| e).unwrap_or("");
    BrokenFeature {
        file: file.to_string(),
        line,
        message: format!(
            "el archivo no es Gherkin válido en la línea {line} («{content}»); se esperaba uno de {expected}. \
             Si es una línea de descripción, no puede empezar con una palabra clave (Regla, Escenario, Dado...)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = "# language: es
@actividad:redes @puntos:5
Característica: Redes
  Antecedentes:
    Dadas las subredes privadas

  @id:uno @puntos:10
  Escenario: Primero
    Pista: añade una ruta
    a un NAT.
    Entonces cada una sale a internet solo a través de un NAT gateway

  Regla: Segunda
    @id:dos
    Escenario: Segundo
      Entonces ninguna asigna IP pública al lanzar
";

    #[test]
    fn flattens_backgrounds_rules_and_inherits_tags() {
        let s = parse(FEATURE, "f.feature").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].id, "uno");
        assert_eq!(s[0].steps.len(), 2);
        assert_eq!(s[0].steps[0].text, "las subredes privadas");
        assert_eq!(s[0].hint.as_deref(), Some("añade una ruta a un NAT."));
        assert_eq!(
            tag_value(&s[0].tags, &["puntos", "points"]).as_deref(),
            Some("10")
        );
        assert_eq!(s[1].id, "dos");
        assert_eq!(
            tag_value(&s[1].tags, &["puntos", "points"]).as_deref(),
            Some("5")
        );
        assert_eq!(s[1].line, 15);
    }

    #[test]
    fn outline_rows_become_scenarios_with_numbered_ids() {
        let text = "Feature: F
  @id:o
  Scenario Outline: port <p>
    Then x <p>
    Examples:
      | p |
      | 22 |
      | 80 |
";
        let s = parse(text, "f.feature").unwrap();
        assert_eq!(
            s.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["o-1", "o-2"]
        );
        assert_eq!(s[1].steps[0].text, "x 80");
    }

    #[test]
    fn a_broken_file_names_its_line() {
        let text = "# language: es\nCaracterística: F\n  Escenario: a\n    Dado algo\n  Esto no es gherkin: |\n";
        let err = parse(text, "f.feature").unwrap_err();
        assert_eq!(err.file, "f.feature");
        assert!(err.line >= 1, "{err:?}");
        assert!(err.message.contains("línea"), "{}", err.message);
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(
            slug("Las subredes privadas salen por NAT (sí)"),
            "las-subredes-privadas-salen-por-nat-si"
        );
    }
}
