//! The class roster: one student per CSV row, with where their work lives.
//! Every row is checked before anything runs, and every problem is reported
//! at once with its line, so an instructor fixes the file in one pass instead
//! of discovering a typo on row 180 after grading 179 students.
//!
//! Only the file itself can be wrong here (a missing or repeated column, a
//! repeated id, a row of the wrong length, an unknown scheme, a role that is
//! not an ARN). A submission that is missing, empty or unreadable is that
//! student's problem, not the class's: it becomes
//! [`SourceSpec::Unavailable`] and the student's row says why, while
//! everyone else is graded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::source::{JsonKind, detect_json};

/// Where one student's work lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A directory of `*.tf` files, read statically.
    Terraform(PathBuf),
    /// The Inventory's own JSON, written by `cloudgrade collect`.
    Snapshot(PathBuf),
    /// `terraform show -json` of a plan or a state.
    Plan(PathBuf),
    /// An AWS account reached by assuming a role (`aws-role://ARN@REGION`).
    AwsRole {
        role_arn: String,
        region: Option<String>,
    },
    /// An AWS account reached through a named profile (`aws-profile://NAME@REGION`).
    AwsProfile {
        profile: String,
        region: Option<String>,
    },
    /// Nothing to grade at that path: a folder that does not exist or holds
    /// no `.tf`, a file that cannot be read or is not a source.
    Unavailable {
        path: PathBuf,
        reason: String,
        /// The student handed nothing in (no folder, an empty one), as
        /// opposed to handing in something that cannot be read.
        submitted: bool,
    },
}

impl SourceSpec {
    /// A live source calls the AWS API; the others are files.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            SourceSpec::AwsRole { .. } | SourceSpec::AwsProfile { .. }
        )
    }

    /// What the per-account limit counts: the account of a role ARN, or the
    /// profile (whose account is only known once it answers). Files: none.
    pub fn account_key(&self) -> Option<String> {
        match self {
            SourceSpec::AwsRole { role_arn, .. } => Some(
                role_arn
                    .split(':')
                    .nth(4)
                    .map_or_else(|| role_arn.clone(), |acct| format!("cuenta {acct}")),
            ),
            SourceSpec::AwsProfile { profile, .. } => Some(format!("perfil {profile}")),
            _ => None,
        }
    }

    /// As the roster wrote it (paths as resolved), for manifests and summaries.
    pub fn describe(&self) -> String {
        let at = |r: &Option<String>| r.as_ref().map(|r| format!("@{r}")).unwrap_or_default();
        match self {
            SourceSpec::Terraform(p) => format!("terraform:{}", p.display()),
            SourceSpec::Snapshot(p) => format!("snapshot:{}", p.display()),
            SourceSpec::Plan(p) => format!("plan:{}", p.display()),
            SourceSpec::AwsRole { role_arn, region } => {
                format!("aws-role://{role_arn}{}", at(region))
            }
            SourceSpec::AwsProfile { profile, region } => {
                format!("aws-profile://{profile}{}", at(region))
            }
            SourceSpec::Unavailable { path, .. } => path.display().to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    /// The roster line the student came from (1 is the header).
    pub line: usize,
    /// Also the name of the student's folder in the output.
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The platform's login (Canvas "SIS Login ID", Moodle username).
    pub login: Option<String>,
    pub section: Option<String>,
    pub source: SourceSpec,
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub path: PathBuf,
    /// Of the file's bytes: shards of one class must share it.
    pub sha256: String,
    pub students: Vec<Student>,
}

/// One thing wrong with one line of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("{path}: no se pudo leer la lista de alumnos: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Too large or not a regular file.
    #[error(transparent)]
    Input(cloudgrade_model::input::InputError),
    #[error("{path}: la lista de alumnos tiene {} problema(s); no se ha corregido a nadie:\n{}", problems.len(), list(path, problems))]
    Invalid {
        path: String,
        problems: Vec<Problem>,
    },
}

fn list(path: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {path}:{}: {}", p.line, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Column names as instructors write them, in English or Spanish.
const COLUMNS: [(&str, &[&str]); 6] = [
    ("student_id", &["student_id", "id_alumno", "alumno"]),
    ("source", &["source", "fuente"]),
    ("name", &["name", "nombre"]),
    ("email", &["email", "correo"]),
    ("login", &["login", "sis_login_id", "usuario", "username"]),
    ("section", &["section", "seccion", "sección", "grupo"]),
];

const MAX_ID_LEN: usize = 128;

impl Roster {
    pub fn load(path: &Path) -> Result<Roster, RosterError> {
        use cloudgrade_model::input;
        let bytes = input::read_bytes(path, &input::ROSTER).map_err(|e| match e {
            input::InputError::Io { path, source } => RosterError::Io { path, source },
            e => RosterError::Input(e),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Roster::parse(&bytes, &path.display().to_string(), base).map(|mut r| {
            r.path = path.to_path_buf();
            r
        })
    }

    /// Parses roster text; relative source paths are taken from `base`.
    pub fn parse(bytes: &[u8], shown: &str, base: &Path) -> Result<Roster, RosterError> {
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        // A spreadsheet's "Texto Unicode" export is UTF-16 with a BOM:
        // decoded (or, malformed, refused naming its line) before the CSV.
        let decoded;
        let bytes = if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
            use cloudgrade_model::input;
            decoded =
                input::decode(bytes.to_vec(), shown, &input::ROSTER).map_err(RosterError::Input)?;
            decoded.as_bytes()
        } else {
            bytes
        };
        // Spreadsheets on Windows save a byte order mark the header would keep.
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let invalid = |problems| RosterError::Invalid {
            path: shown.to_string(),
            problems,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text);
        let header = reader.headers().map_err(|e| {
            invalid(vec![Problem {
                line: 1,
                message: format!("la cabecera no es CSV válido: {e}"),
            }])
        })?;
        let columns = header_columns(header).map_err(|p| invalid(vec![p]))?;

        let mut problems = Vec::new();
        let mut students: Vec<Student> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    problems.push(Problem {
                        line,
                        message: csv_message(&e),
                    });
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(str::is_empty) {
                continue;
            }
            let get = |col: &str| {
                columns
                    .get(col)
                    .and_then(|&i| record.get(i))
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            };
            let id = get("student_id");
            let source = get("source");
            let mut bad = |message: String| problems.push(Problem { line, message });
            let Some(id) = id else {
                bad("falta el student_id".into());
                continue;
            };
            if let Err(m) = check_id(&id) {
                bad(m);
                continue;
            }
            if let Some(first) = seen.get(&id.to_lowercase()) {
                bad(format!(
                    "student_id «{id}» repetido: ya aparece en la línea {first}"
                ));
                continue;
            }
            seen.insert(id.to_lowercase(), line);
            let Some(source) = source else {
                bad(format!(
                    "«{id}» no tiene source (una carpeta Terraform, un JSON, aws-role:// o aws-profile://)"
                ));
                continue;
            };
            match parse_source(&source, base) {
                Ok(spec) => students.push(Student {
                    line,
                    id,
                    name: get("name"),
                    email: get("email"),
                    login: get("login"),
                    section: get("section"),
                    source: spec,
                }),
                Err(m) => bad(m),
            }
        }
        if students.is_empty() && problems.is_empty() {
            problems.push(Problem {
                line: 1,
                message: "no hay ningún alumno, solo la cabecera".into(),
            });
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        Ok(Roster {
            path: PathBuf::from(shown),
            sha256,
            students,
        })
    }
}

fn header_columns(header: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, Problem> {
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some((canon, _)) = COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
        {
            // Two columns for one thing (`email` and `correo`, or `source`
            // twice): which one is meant cannot be guessed, and taking the
            // first would grade the wrong folder without a word.
            if let Some(&first) = found.get(canon) {
                return Err(Problem {
                    line: 1,
                    message: format!(
                        "la columna `{canon}` aparece dos veces en la cabecera («{}», columna {}, y «{}», columna {}); deja solo una",
                        header.get(first).unwrap_or("").trim(),
                        first + 1,
                        header.get(i).unwrap_or("").trim(),
                        i + 1
                    ),
                });
            }
            found.insert(*canon, i);
        }
    }
    let missing: Vec<&str> = ["student_id", "source"]
        .into_iter()
        .filter(|c| !found.contains_key(c))
        .collect();
    if missing.is_empty() {
        return Ok(found);
    }
    Err(Problem {
        line: 1,
        message: format!(
            "falta la columna {} en la cabecera (tiene: {}); las columnas son student_id, source y, opcionales, name, email, login, section",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" y "),
            header.iter().collect::<Vec<_>>().join(", ")
        ),
    })
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("tiene {len} campos y la cabecera {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "no es texto UTF-8 (guárdalo como «CSV UTF-8»)".into(),
        _ => format!("no es CSV válido: {e}"),
    }
}

/// The id names a folder in the output: nothing that could escape it or
/// mean different things on different file systems.
fn check_id(id: &str) -> Result<(), String> {
    let ok_chars = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'));
    if !ok_chars || id.starts_with('.') || id.len() > MAX_ID_LEN {
        return Err(format!(
            "student_id «{id}» no sirve como nombre de carpeta: usa letras, cifras y . _ - @ + (sin espacios, sin empezar por punto, hasta {MAX_ID_LEN} caracteres)"
        ));
    }
    Ok(())
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// `THING@REGION`, where the region is optional. A role name may itself
/// hold `@`, so only a suffix that is a region is taken as one.
fn split_region(rest: &str) -> Result<(String, Option<String>), String> {
    match rest.rsplit_once('@') {
        Some((thing, region)) if is_region(region) => {
            Ok((thing.to_string(), Some(region.to_string())))
        }
        Some((_, region)) if !region.contains('/') && !region.contains(':') => Err(format!(
            "«{region}» no es una región de AWS (p. ej. us-east-1, eu-west-1)"
        )),
        _ => Ok((rest.to_string(), None)),
    }
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty())
}

pub(crate) fn parse_source(source: &str, base: &Path) -> Result<SourceSpec, String> {
    if let Some((scheme, rest)) = source.split_once("://") {
        return match scheme.to_lowercase().as_str() {
            "aws-role" => {
                let (arn, region) = split_region(rest)?;
                if !is_role_arn(&arn) {
                    return Err(format!(
                        "«{arn}» no es el ARN de un rol (arn:aws:iam::123456789012:role/NOMBRE)"
                    ));
                }
                Ok(SourceSpec::AwsRole {
                    role_arn: arn,
                    region,
                })
            }
            "aws-profile" => {
                let (profile, region) = split_region(rest)?;
                let ok = !profile.is_empty()
                    && profile
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !ok {
                    return Err(format!("«{profile}» no es un nombre de perfil de AWS"));
                }
                Ok(SourceSpec::AwsProfile { profile, region })
            }
            other => Err(format!(
                "esquema desconocido «{other}://»: los válidos son aws-role://ARN@REGIÓN y aws-profile://PERFIL@REGIÓN; sin esquema, una carpeta Terraform o un JSON"
            )),
        };
    }
    Ok(local_source(base.join(source)))
}

/// A path on disk: what it holds decides the source, and a path that holds
/// nothing gradable is the student's "no entregado" / "no corregido".
fn local_source(path: PathBuf) -> SourceSpec {
    let unavailable = |reason: String, submitted: bool| SourceSpec::Unavailable {
        path: path.clone(),
        reason,
        submitted,
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return unavailable(format!("{}: no existe", path.display()), false);
        }
        Err(e) => {
            return unavailable(format!("{}: no se puede leer ({e})", path.display()), true);
        }
    };
    if meta.is_dir() {
        return match has_terraform(&path) {
            Ok(true) => SourceSpec::Terraform(path),
            Ok(false) => unavailable(
                format!(
                    "{}: la carpeta no contiene ningún archivo .tf",
                    path.display()
                ),
                false,
            ),
            Err(e) => unavailable(
                format!("{}: no se puede leer la carpeta ({e})", path.display()),
                true,
            ),
        };
    }
    if path.extension().is_some_and(|e| e == "tf") {
        return unavailable(
            format!(
                "{}: es un archivo .tf; la fuente Terraform es la carpeta que lo contiene",
                path.display()
            ),
            true,
        );
    }
    match detect_json(&path) {
        Ok(JsonKind::Snapshot) => SourceSpec::Snapshot(path),
        Ok(JsonKind::Plan) => SourceSpec::Plan(path),
        Err(reason) => unavailable(reason, true),
    }
}

fn has_terraform(dir: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read_dir(dir)?.filter_map(Result::ok).any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.ends_with(".tf") || name.ends_with(".tf.json")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_arns() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("useast1"));
        assert!(!is_region("us-east-"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/cloudgrade"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/path/x@y"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/x"));
    }

    #[test]
    fn a_role_name_may_hold_an_at_sign() {
        let s = parse_source(
            "aws-role://arn:aws:iam::123456789012:role/a@b@eu-west-1",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(
            s,
            SourceSpec::AwsRole {
                role_arn: "arn:aws:iam::123456789012:role/a@b".into(),
                region: Some("eu-west-1".into())
            }
        );
        assert_eq!(s.account_key().as_deref(), Some("cuenta 123456789012"));
    }

    #[test]
    fn profiles_with_and_without_region() {
        assert_eq!(
            parse_source("aws-profile://sandbox-07@us-east-1", Path::new(".")).unwrap(),
            SourceSpec::AwsProfile {
                profile: "sandbox-07".into(),
                region: Some("us-east-1".into())
            }
        );
        assert_eq!(
            parse_source("aws-profile://sandbox", Path::new(".")).unwrap(),
            SourceSpec::AwsProfile {
                profile: "sandbox".into(),
                region: None
            }
        );
        let e = parse_source("aws-profile://sandbox@narnia", Path::new(".")).unwrap_err();
        assert!(e.contains("narnia"), "{e}");
    }

    #[test]
    fn ids_that_would_escape_their_folder_are_refused() {
        assert!(check_id("ana.garcia@uni.es").is_ok());
        assert!(check_id("../etc").is_err());
        assert!(check_id("a b").is_err());
        assert!(check_id(".hidden").is_err());
    }

    #[test]
    fn a_repeated_column_is_refused_naming_both() {
        let e = Roster::parse(
            b"student_id,source,correo,email\na,b,c,d\n",
            "r.csv",
            Path::new("/nope"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("r.csv:1: la columna `email` aparece dos veces en la cabecera («correo», columna 3, y «email», columna 4)"),
            "{e}"
        );
        let e = Roster::parse(
            b"student_id,source,source\na,b,c\n",
            "r.csv",
            Path::new("/nope"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`source` aparece dos veces"), "{e}");
    }

    #[test]
    fn a_missing_or_empty_submission_is_the_student_s_not_the_roster_s() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("vacia")).unwrap();
        std::fs::write(dir.path().join("x.json"), "[1]").unwrap();
        let r = Roster::parse(
            b"student_id,source\na,no-existe\nb,vacia\nc,x.json\n",
            "r.csv",
            dir.path(),
        )
        .unwrap();
        let kinds: Vec<(bool, String)> = r
            .students
            .iter()
            .map(|s| match &s.source {
                SourceSpec::Unavailable {
                    submitted, reason, ..
                } => (*submitted, reason.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(
            !kinds[0].0 && kinds[0].1.ends_with("no-existe: no existe"),
            "{kinds:?}"
        );
        assert!(
            !kinds[1].0 && kinds[1].1.contains("ningún archivo .tf"),
            "{kinds:?}"
        );
        assert!(
            kinds[2].0 && kinds[2].1.contains("no es una carpeta Terraform"),
            "{kinds:?}"
        );
    }
}
