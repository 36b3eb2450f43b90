//! `cloudgrade.toml`: what an assignment grades, stated by the instructor.
//! Which activities (or a tag expression), the standard (course or
//! production), points per scenario, hidden
//! scenarios, the inputs that must be handed in, and the Terraform variables
//! and workspace to read the folder with. `check`, `grade` and `batch` read
//! it; docs/assignment.md documents it.
//!
//! A file that says something cloudgrade cannot do (an unknown key, an
//! activity or scenario that does not exist) is refused with its
//! `file:line:col`: a typo must never silently grade a class on the wrong
//! points.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::batch::manifest::activity_of;
use crate::grade::{Plan, Standard, TagFilter};
use crate::report::{
    AssignmentRef, Evidence, EvidenceStatus, Report, StepStatus, Summary, Verdict,
};

/// The name looked for in the graded folder.
pub const FILE_NAME: &str = "cloudgrade.toml";

/// The activity of the Dockerfile and image scenarios: left out of a folder
/// without a Dockerfile unless the assignment (or `--tags`) says otherwise.
pub const DOCKER_ACTIVITY: &str = "docker";

/// Larger than any real assignment by far; the file is read whole.
const MAX_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub path: PathBuf,
    /// Of the file's bytes, recorded in every report's provenance.
    pub sha256: String,
    pub name: Option<String>,
    /// The activities graded; `None`: every activity.
    pub activities: Option<Vec<String>>,
    /// A tag expression instead of (or besides) the activities.
    pub tags: Option<String>,
    /// The standard graded against; `--standard` overrides it.
    pub standard: Option<Standard>,
    /// Scenario id → maximum points, replacing its `@puntos:` tag.
    pub points: Vec<(String, f64)>,
    /// Scenario ids run and counted only in instructor mode.
    pub hidden: Vec<String>,
    /// Scenario ids graded as bonus: earned when passed, never asked for.
    pub bonus: Vec<String>,
    pub required: Vec<Required>,
    /// Relative to the assignment's folder.
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    pub workspace: Option<String>,
}

/// A file that must be in the graded folder for an activity to be graded:
/// without it, the activity's scenarios fail, saying what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    pub file: String,
    pub activity: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AssignmentError {
    #[error("{path}: no se pudo leer el archivo de la tarea: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Not a regular file (a device is never read).
    #[error(transparent)]
    Input(cloudgrade_model::input::InputError),
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Option<String>,
    activities: Option<Vec<Spanned<String>>>,
    tags: Option<Spanned<String>>,
    standard: Option<Spanned<String>>,
    #[serde(default)]
    points: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    hidden: Vec<Spanned<String>>,
    #[serde(default)]
    bonus: Vec<Spanned<String>>,
    #[serde(default)]
    required: Vec<RawRequired>,
    #[serde(default)]
    terraform: RawTerraform,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequired {
    file: Spanned<String>,
    activity: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTerraform {
    #[serde(default)]
    var_files: Vec<Spanned<String>>,
    #[serde(default)]
    vars: BTreeMap<String, toml::Value>,
    workspace: Option<Spanned<String>>,
}

const KEYS: &str = "name, activities, tags, standard, points, hidden, bonus, [[required]] (file, activity), [terraform] (var_files, vars, workspace)";

impl Assignment {
    /// `dir/cloudgrade.toml`, when there is one.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        let p = dir.join(FILE_NAME);
        p.is_file().then_some(p)
    }

    /// Reads and checks the file against the features it will grade.
    pub fn load(path: &Path, plan: &Plan) -> Result<Assignment, AssignmentError> {
        let shown = path.display().to_string();
        let io = |source| AssignmentError::Io {
            path: shown.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > MAX_BYTES {
            return Err(AssignmentError::Invalid {
                path: shown,
                line: 1,
                column: 1,
                message: format!(
                    "ocupa {} bytes; un archivo de tarea no pasa de {MAX_BYTES}",
                    meta.len()
                ),
            });
        }
        use cloudgrade_model::input;
        let kind = input::InputKind {
            what: "archivo de tarea",
            max_bytes: MAX_BYTES,
            utf16: false,
            lossy: false,
        };
        let bytes = input::read_bytes(path, &kind).map_err(|e| match e {
            input::InputError::Io { source, .. } => io(source),
            e => AssignmentError::Input(e),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut a = Assignment::parse(&bytes, &shown, base, plan)?;
        a.path = path.to_path_buf();
        Ok(a)
    }

    /// Parses the bytes of a `cloudgrade.toml`; `shown` names it in
    /// messages and relative `var_files` are taken from `base`.
    pub fn parse(
        bytes: &[u8],
        shown: &str,
        base: &Path,
        plan: &Plan,
    ) -> Result<Assignment, AssignmentError> {
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        let invalid = |text: &str, offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            AssignmentError::Invalid {
                path: shown.to_string(),
                line,
                column,
                message,
            }
        };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let head = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            invalid(
                &head,
                head.len(),
                "no es texto UTF-8 (guárdalo como UTF-8)".into(),
            )
        })?;
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            invalid(text, at, toml_message(&e))
        })?;
        let at = |s: &std::ops::Range<usize>, message: String| invalid(text, s.start, message);

        let activities_known = activities_of(plan);
        let known_activity = |a: &Spanned<String>| -> Result<String, AssignmentError> {
            if activities_known.iter().any(|k| k == a.get_ref()) {
                Ok(a.get_ref().clone())
            } else {
                Err(at(
                    &a.span(),
                    format!(
                        "la actividad «{}» no existe en las features; las actividades son: {}",
                        a.get_ref(),
                        activities_known.join(", ")
                    ),
                ))
            }
        };
        let known_id = |id: &Spanned<String>| -> Result<String, AssignmentError> {
            if plan.scenarios.iter().any(|s| &s.id == id.get_ref()) {
                Ok(id.get_ref().clone())
            } else {
                Err(at(
                    &id.span(),
                    format!(
                        "el escenario «{}» no existe en las features (`@id:` de cada escenario; `cloudgrade check --format json` los lista)",
                        id.get_ref()
                    ),
                ))
            }
        };

        let activities = match &raw.activities {
            None => None,
            Some(list) => {
                let names = list
                    .iter()
                    .map(known_activity)
                    .collect::<Result<Vec<_>, _>>()?;
                if names.is_empty() {
                    return Err(invalid(
                        text,
                        0,
                        "`activities` está vacía: la tarea no corregiría nada (quita la clave para corregir todas)".into(),
                    ));
                }
                Some(names)
            }
        };
        let tags = match &raw.tags {
            None => None,
            Some(t) => {
                TagFilter::parse(Some(t.get_ref())).map_err(|e| at(&t.span(), e.to_string()))?;
                Some(t.get_ref().clone())
            }
        };
        let standard = raw
            .standard
            .as_ref()
            .map(|s| {
                s.get_ref()
                    .parse::<Standard>()
                    .map_err(|e| at(&s.span(), e.to_string()))
            })
            .transpose()?;
        let mut points = Vec::new();
        for (id, p) in &raw.points {
            let id = known_id(id)?;
            let value = *p.get_ref();
            if !value.is_finite() || value < 0.0 {
                return Err(at(
                    &p.span(),
                    format!("los puntos de «{id}» deben ser un número no negativo"),
                ));
            }
            points.push((id, value));
        }
        let hidden = raw
            .hidden
            .iter()
            .map(known_id)
            .collect::<Result<Vec<_>, _>>()?;
        let bonus = raw
            .bonus
            .iter()
            .map(known_id)
            .collect::<Result<Vec<_>, _>>()?;
        let mut required = Vec::new();
        for r in &raw.required {
            let file = r.file.get_ref();
            let escapes = Path::new(file).components().any(|c| {
                !matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            });
            if file.is_empty() || escapes {
                return Err(at(
                    &r.file.span(),
                    format!(
                        "«{file}»: el archivo requerido es una ruta dentro de la carpeta de la entrega (p. ej. \"Dockerfile\")"
                    ),
                ));
            }
            required.push(Required {
                file: file.clone(),
                activity: known_activity(&r.activity)?,
            });
        }
        let tf = &raw.terraform;
        let vars = tf
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), var_value(v)))
            .collect();
        Ok(Assignment {
            path: PathBuf::from(shown),
            sha256,
            name: raw.name,
            activities,
            tags,
            standard,
            points,
            hidden,
            bonus,
            required,
            var_files: tf
                .var_files
                .iter()
                .map(|f| base.join(f.get_ref()))
                .collect(),
            vars,
            workspace: tf.workspace.as_ref().map(|w| w.get_ref().clone()),
        })
    }

    /// Points, hidden and bonus scenarios, written into the plan's tags so the
    /// engine grades with them like with the features' own.
    pub fn apply(&self, plan: &mut Plan) {
        for s in &mut plan.scenarios {
            if let Some((_, p)) = self.points.iter().find(|(id, _)| *id == s.id) {
                s.tags
                    .retain(|t| !t.starts_with("puntos:") && !t.starts_with("points:"));
                s.tags.push(format!("puntos:{p}"));
            }
            if self.hidden.contains(&s.id) && !s.tags.iter().any(|t| t == "oculto") {
                s.tags.push("oculto".into());
            }
            if self.bonus.contains(&s.id) && !crate::grade::is_bonus(&s.tags) {
                s.tags.push("bonus".into());
            }
        }
    }

    /// The activities this assignment grades, as a tag expression.
    fn expression(&self) -> Option<String> {
        let acts = self.activities.as_ref().map(|list| {
            list.iter()
                .map(|a| format!("@actividad:{a} or @activity:{a}"))
                .collect::<Vec<_>>()
                .join(" or ")
        });
        match (acts, &self.tags) {
            (Some(a), Some(t)) => Some(format!("({a}) and ({t})")),
            (a, t) => a.or_else(|| t.clone()),
        }
    }

    /// Whether the instructor said the Docker activity is part of it.
    fn claims(&self, activity: &str) -> bool {
        self.activities
            .as_ref()
            .is_some_and(|a| a.iter().any(|x| x == activity))
            || self.required.iter().any(|r| r.activity == activity)
    }

    /// What the report's provenance records.
    pub fn reference(&self) -> AssignmentRef {
        AssignmentRef {
            path: self.path.display().to_string(),
            sha256: self.sha256.clone(),
        }
    }

    /// The required files missing from `folder`: each fails its activity's
    /// scenarios, saying what was not handed in (a student who sent no
    /// Dockerfile did not do that part; it is not "pending review").
    pub fn enforce(&self, report: &mut Report, folder: &Path) {
        let missing: Vec<&Required> = self
            .required
            .iter()
            .filter(|r| !folder.join(&r.file).exists())
            .collect();
        if missing.is_empty() {
            return;
        }
        for sc in &mut report.scenarios {
            let activity = activity_of(&sc.tags);
            let Some(r) = missing.iter().find(|r| r.activity == activity) else {
                continue;
            };
            let why = format!(
                "no se ha entregado {}: la actividad «{}» se corrige sobre ese archivo, y la tarea ({}) lo pide en la carpeta de la entrega",
                r.file,
                r.activity,
                self.path.display()
            );
            sc.verdict = Verdict::Failed;
            sc.points = 0.0;
            sc.ungraded_points = 0.0;
            for st in &mut sc.steps {
                st.status = StepStatus::NotReached;
            }
            sc.evidence = vec![Evidence {
                status: EvidenceStatus::Fail,
                subject: r.file.clone(),
                message: format!(
                    "no se ha entregado: no está en {} y la tarea lo pide para la actividad «{}»",
                    folder.display(),
                    r.activity
                ),
                location: None,
            }];
            sc.reason = Some(why);
        }
        report.summary = Summary::of(&report.scenarios);
    }
}

/// Which scenarios a run grades, decided once for `check`, `grade` and
/// `batch` so the same folder is graded the same everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The tag expression to grade with (`None`: everything).
    pub tags: Option<String>,
    /// `--standard`, else the assignment's, else the course's.
    pub standard: Standard,
    /// The Docker activity was left out because the folder has no
    /// Dockerfile (a line says how to grade it).
    pub docker_left_out: bool,
}

/// `--tags` and the assignment, and for a folder without a Dockerfile the
/// Docker activity left out, unless `--tags` or the assignment claim it:
/// eleven scenarios a student can do nothing about in that folder are
/// noise, while an assignment that requires the Dockerfile fails them.
pub fn select(
    assignment: Option<&Assignment>,
    tags: Option<&str>,
    standard: Option<Standard>,
    folder: Option<&Path>,
) -> Selection {
    let standard = standard
        .or_else(|| assignment.and_then(|a| a.standard))
        .unwrap_or_default();
    let tags = tags.map(str::trim).filter(|t| !t.is_empty());
    let base = assignment.and_then(Assignment::expression);
    let docker_left_out = tags.is_none()
        && folder.is_some_and(|d| !d.join(crate::sources::DOCKERFILE).is_file())
        && !assignment.is_some_and(|a| a.claims(DOCKER_ACTIVITY) || a.activities.is_some());
    let not_docker = format!("not @actividad:{DOCKER_ACTIVITY}");
    let parts: Vec<String> = [
        base,
        tags.map(str::to_string),
        docker_left_out.then_some(not_docker),
    ]
    .into_iter()
    .flatten()
    .collect();
    // One part reads back as typed; several are each kept whole.
    let tags = match parts.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(
            many.iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    };
    Selection {
        tags,
        standard,
        docker_left_out,
    }
}

/// The activities the features define, in first-seen order.
pub fn activities_of(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &plan.scenarios {
        let a = activity_of(&s.tags);
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// A `-var` value: strings as they are, other values in the syntax HCL
/// shares with TOML (numbers, booleans, `[...]`, `{ k = v }`).
fn var_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// toml's messages, with the ones an instructor meets most said in Spanish.
fn toml_message(e: &toml::de::Error) -> String {
    // One line: the message goes after `file:line:col`, and toml's own
    // second line ("expected `]`") is part of it.
    let flat = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let m = flat.as_str();
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("clave desconocida «{key}»; las claves son: {KEYS}");
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("falta la clave «{key}»");
    }
    format!("no es TOML válido para una tarea de cloudgrade: {m}")
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, l)| l)
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::{FeatureSource, plan};

    fn course() -> Plan {
        plan(&FeatureSource::Embedded.load().expect("embedded features"))
    }

    fn parse(text: &str) -> Result<Assignment, AssignmentError> {
        Assignment::parse(
            text.as_bytes(),
            "tarea.toml",
            Path::new("/curso"),
            &course(),
        )
    }

    fn error(text: &str) -> String {
        parse(text).expect_err("must be refused").to_string()
    }

    #[test]
    fn the_course_assignment_reads() {
        let a = parse(
            r#"
name = "Entrega final"
activities = ["redes", "rds", "secretos", "docker"]
hidden = ["rds-only-from-ecs"]

[points]
net-private-egress-nat = 12
"dockerfile-dockerignore" = 0.5

[[required]]
file = "Dockerfile"
activity = "docker"

[terraform]
var_files = ["curso.tfvars"]
vars = { project_name = "curso", az_count = 2, tags = { curso = "5b" } }
workspace = "dev"
"#,
        )
        .unwrap();
        assert_eq!(a.activities.as_ref().unwrap().len(), 4);
        assert_eq!(
            a.points,
            vec![
                ("dockerfile-dockerignore".to_string(), 0.5),
                ("net-private-egress-nat".to_string(), 12.0)
            ]
        );
        assert_eq!(a.var_files, vec![PathBuf::from("/curso/curso.tfvars")]);
        assert!(a.vars.contains(&("az_count".into(), "2".into())));
        assert!(a.vars.contains(&("project_name".into(), "curso".into())));
        assert_eq!(a.workspace.as_deref(), Some("dev"));
        assert_eq!(a.sha256.len(), 64);
    }

    #[test]
    fn mistakes_are_named_with_line_and_column() {
        let e = error("name = \"x\"\ncolor = \"rojo\"\n");
        assert!(
            e.starts_with("tarea.toml:2:1: clave desconocida «color»"),
            "{e}"
        );
        let e = error("activities = [\"redes\", \"kubernetes\"]\n");
        assert!(
            e.starts_with("tarea.toml:1:24: la actividad «kubernetes» no existe"),
            "{e}"
        );
        let e = error("[points]\nred-nat-x = 3\n");
        assert!(
            e.starts_with("tarea.toml:2:1: el escenario «red-nat-x» no existe"),
            "{e}"
        );
        let e = error("hidden = [\"nope\"]\n");
        assert!(e.starts_with("tarea.toml:1:11: el escenario «nope»"), "{e}");
        let e = error("[[required]]\nfile = \"../x\"\nactivity = \"docker\"\n");
        assert!(e.starts_with("tarea.toml:2:8: «../x»"), "{e}");
        let e = error("[terraform]\nworkspace = 3\n");
        assert!(e.starts_with("tarea.toml:2:13: "), "{e}");
        let e = error("tags = \"@redes and\"\n");
        assert!(e.starts_with("tarea.toml:1:8: "), "{e}");
        let e = error("[points]\nrds-only-from-ecs = -1\n");
        assert!(e.starts_with("tarea.toml:2:21: "), "{e}");
        let e = error("name = [\n");
        assert!(e.starts_with("tarea.toml:"), "{e}");
        let e = error("standard = \"prod\"\n");
        assert!(
            e.starts_with("tarea.toml:1:12: el estándar «prod» no existe"),
            "{e}"
        );
    }

    #[test]
    fn the_standard_is_the_flag_else_the_assignment_else_the_course() {
        assert_eq!(select(None, None, None, None).standard, Standard::Curso);
        let prod = parse("standard = \"produccion\"\n").unwrap();
        assert_eq!(prod.standard, Some(Standard::Produccion));
        assert_eq!(
            select(Some(&prod), None, None, None).standard,
            Standard::Produccion
        );
        assert_eq!(
            select(Some(&prod), None, Some(Standard::Curso), None).standard,
            Standard::Curso
        );
    }

    #[test]
    fn points_and_hidden_are_written_into_the_plan() {
        let a = parse(
            "hidden = [\"rds-only-from-ecs\"]\nbonus = [\"rds-encrypted\"]\n[points]\nnet-private-egress-nat = 12\n",
        )
        .unwrap();
        let mut p = course();
        a.apply(&mut p);
        let nat = p
            .scenarios
            .iter()
            .find(|s| s.id == "net-private-egress-nat")
            .unwrap();
        assert!(nat.tags.contains(&"puntos:12".to_string()));
        assert!(!nat.tags.contains(&"puntos:10".to_string()));
        let rds = p
            .scenarios
            .iter()
            .find(|s| s.id == "rds-only-from-ecs")
            .unwrap();
        assert!(rds.tags.contains(&"oculto".to_string()));
        let enc = p
            .scenarios
            .iter()
            .find(|s| s.id == "rds-encrypted")
            .unwrap();
        assert!(crate::grade::is_bonus(&enc.tags));
    }

    #[test]
    fn selection_leaves_docker_out_only_when_nobody_claims_it() {
        let dir = tempfile::tempdir().unwrap();
        let none = select(None, None, None, Some(dir.path()));
        assert!(none.docker_left_out);
        assert_eq!(none.tags.as_deref(), Some("not @actividad:docker"));
        assert_eq!(
            select(None, Some("@redes"), None, Some(dir.path()))
                .tags
                .as_deref(),
            Some("@redes")
        );
        assert_eq!(select(None, None, None, None).tags, None);
        let req = parse("[[required]]\nfile = \"Dockerfile\"\nactivity = \"docker\"\n").unwrap();
        let s = select(Some(&req), None, None, Some(dir.path()));
        assert!(!s.docker_left_out);
        assert_eq!(s.tags, None);
        let acts = parse("activities = [\"redes\"]\n").unwrap();
        let s = select(Some(&acts), Some("not @oculto"), None, Some(dir.path()));
        assert_eq!(
            s.tags.as_deref(),
            Some("(@actividad:redes or @activity:redes) and (not @oculto)")
        );
        assert_eq!(
            select(None, Some("@redes or @rds"), None, Some(dir.path()))
                .tags
                .as_deref(),
            Some("@redes or @rds")
        );
        std::fs::write(dir.path().join("Dockerfile"), "FROM x\n").unwrap();
        assert_eq!(select(None, None, None, Some(dir.path())).tags, None);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncñd", 6), (2, 3));
        assert_eq!(line_col("", 10), (1, 1));
    }
}
