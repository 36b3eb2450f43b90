//! The `dockerfile` source. Reads a Dockerfile statically, stage by stage, into the facts the
//! Dockerfile scenarios judge: bases, `COPY --from`, the last `USER` and
//! `HEALTHCHECK`, every `ENV` and `ARG` (values reduced to facts at once,
//! never kept), and whether a `.dockerignore` sits beside it.
//!
//! Build arguments are substituted the way the builder does where their
//! value is known; a value that only the build knows stays unknown, named
//! after its argument, so the secret analysis can still judge it by name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cloudgrade_model::{
    DockerBase, DockerStage, Dockerfile, DockerfileHealthcheck, DockerfileUser, DockerfileVar,
    EnvValue, EnvVar, Gap, GapReason, Inventory, Origin, ResourceKind, SourceInfo, Unknown,
};

/// A Dockerfile that could not be read. Parsing itself never fails: an
/// instruction it does not know is skipped, as the scenarios judge only the
/// ones above.
#[derive(Debug, thiserror::Error)]
pub enum DockerfileError {
    #[error("{}: no se pudo leer el Dockerfile: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Too large, not a regular file, or UTF-16 (which `docker build` refuses).
    #[error(transparent)]
    Input(cloudgrade_model::input::InputError),
}

impl From<cloudgrade_model::input::InputError> for DockerfileError {
    fn from(e: cloudgrade_model::input::InputError) -> Self {
        match e {
            cloudgrade_model::input::InputError::Io { path, source } => DockerfileError::Io {
                path: PathBuf::from(path),
                source,
            },
            e => DockerfileError::Input(e),
        }
    }
}

/// Reads and parses the Dockerfile at `path`.
pub fn read(path: &Path) -> Result<Dockerfile, DockerfileError> {
    let text = cloudgrade_model::input::read_text(path, &cloudgrade_model::input::DOCKERFILE)?;
    let mut df = parse(&text, &path.display().to_string());
    df.dockerignore = dockerignore_beside(path).map(|p| p.display().to_string());
    Ok(df)
}

/// `grade --dockerfile` without `--image`: the Dockerfile's facts and
/// nothing else, so no Docker is needed.
pub fn inventory(path: &Path) -> Result<Inventory, DockerfileError> {
    let mut inv = Inventory::new(SourceInfo {
        kind: "container".into(),
        location: path.display().to_string(),
        region: None,
        account_id: None,
    });
    inv.dockerfiles.push(read(path)?);
    inv.gaps.extend(aws_gaps());
    Ok(inv)
}

/// What a source that reads only Docker did not read: one gap per AWS kind,
/// so the AWS scenarios graded from it are not evaluable rather than failed.
pub fn aws_gaps() -> Vec<Gap> {
    ResourceKind::ALL
        .iter()
        .filter(|k| !matches!(k, ResourceKind::DockerImage | ResourceKind::Dockerfile))
        .map(|&kind| Gap {
            kind,
            operation: "--image".into(),
            reason: GapReason::Unsupported,
            message: "esta fuente solo lee la imagen Docker y su Dockerfile, no AWS".into(),
        })
        .collect()
}

/// The ignore file the builder would use: `<Dockerfile>.dockerignore` (read
/// first by BuildKit) or `.dockerignore` in the same folder (the context the
/// course builds from).
fn dockerignore_beside(path: &Path) -> Option<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let own = path
        .file_name()
        .map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
    own.into_iter()
        .chain([dir.join(".dockerignore")])
        .find(|p| p.is_file())
}

/// One instruction, continuation lines joined.
#[derive(Debug, PartialEq)]
struct Instruction {
    keyword: String,
    args: String,
    line: u32,
}

pub fn parse(text: &str, file: &str) -> Dockerfile {
    let mut df = Dockerfile {
        path: file.to_string(),
        global_args: Vec::new(),
        stages: Vec::new(),
        dockerignore: None,
    };
    // Build arguments with their default, visible before the first FROM.
    let mut global: HashMap<String, Option<String>> = HashMap::new();
    // Within a stage: ARGs and ENVs seen so far.
    let mut scope: HashMap<String, Option<String>> = HashMap::new();
    let origin = |line: u32| Origin {
        file: file.to_string(),
        line,
        address: None,
    };

    for ins in instructions(text) {
        match ins.keyword.as_str() {
            "ARG" => {
                for (name, default) in arg_pairs(&ins.args) {
                    let in_stage = !df.stages.is_empty();
                    let table = if in_stage { &scope } else { &global };
                    let resolved = match &default {
                        Some(d) => Some(substitute(d, table)),
                        // A stage re-declaring a global ARG inherits its default.
                        None if in_stage => {
                            global.get(&name).cloned().flatten().map(Substituted::known)
                        }
                        None => None,
                    };
                    let value = match &resolved {
                        Some(s) => s.to_env_value(),
                        None => unknown(format!("ARG {name}")),
                    };
                    let var = DockerfileVar {
                        instruction: "ARG".into(),
                        var: EnvVar {
                            name: name.clone(),
                            value,
                            origin: None,
                            only_if: None,
                        },
                        origin: origin(ins.line),
                    };
                    let plain = resolved.and_then(|s| s.text);
                    if in_stage {
                        scope.insert(name, plain);
                        if let Some(stage) = df.stages.last_mut() {
                            stage.vars.push(var);
                        }
                    } else {
                        global.insert(name, plain);
                        df.global_args.push(var);
                    }
                }
            }
            "FROM" => {
                scope.clear();
                let stage = from_stage(&ins, &global, &df.stages, origin(ins.line));
                df.stages.push(stage);
            }
            "ENV" => {
                let Some(stage) = df.stages.last_mut() else {
                    continue;
                };
                for (name, raw) in env_pairs(&ins.args) {
                    let s = substitute(&raw, &scope);
                    stage.vars.push(DockerfileVar {
                        instruction: "ENV".into(),
                        var: EnvVar {
                            name: name.clone(),
                            value: s.to_env_value(),
                            origin: None,
                            only_if: None,
                        },
                        origin: origin(ins.line),
                    });
                    scope.insert(name, s.text);
                }
            }
            "USER" => {
                let Some(stage) = df.stages.last_mut() else {
                    continue;
                };
                let user = substitute(ins.args.trim(), &scope);
                stage.user = Some(DockerfileUser {
                    user: user.text.unwrap_or_else(|| ins.args.trim().to_string()),
                    origin: origin(ins.line),
                });
            }
            "HEALTHCHECK" => {
                let Some(stage) = df.stages.last_mut() else {
                    continue;
                };
                let disabled = ins
                    .args
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("NONE"));
                stage.healthcheck = Some(DockerfileHealthcheck {
                    disabled,
                    origin: origin(ins.line),
                });
            }
            "COPY" | "ADD" => {
                let Some(stage) = df.stages.last_mut() else {
                    continue;
                };
                for word in ins
                    .args
                    .split_whitespace()
                    .take_while(|w| w.starts_with("--"))
                {
                    if let Some(from) = word.strip_prefix("--from=") {
                        stage
                            .copies_from
                            .push(from.trim_matches(['"', '\'']).to_string());
                    }
                }
            }
            _ => {}
        }
    }
    df
}

fn from_stage(
    ins: &Instruction,
    global: &HashMap<String, Option<String>>,
    earlier: &[DockerStage],
    origin: Origin,
) -> DockerStage {
    let words: Vec<&str> = ins
        .args
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect();
    let written = words.first().copied().unwrap_or("");
    let alias = match words.as_slice() {
        [_, kw, name, ..] if kw.eq_ignore_ascii_case("AS") => Some(name.to_string()),
        _ => None,
    };
    let s = substitute(written, global);
    let (from, base) = match s.text {
        Some(text) if s.unresolved.is_empty() => {
            let base = base_of(&text, earlier);
            (text, base)
        }
        _ => (
            written.to_string(),
            DockerBase::Unresolved {
                reference: format!("ARG {}", s.unresolved.join(", ARG ")),
            },
        ),
    };
    DockerStage {
        from,
        base,
        alias,
        copies_from: Vec::new(),
        user: None,
        healthcheck: None,
        vars: Vec::new(),
        origin,
    }
}

fn base_of(image: &str, earlier: &[DockerStage]) -> DockerBase {
    if image.eq_ignore_ascii_case("scratch") {
        return DockerBase::Scratch;
    }
    if let Some(index) = earlier.iter().position(|s| {
        s.alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(image))
    }) {
        return DockerBase::Stage { index };
    }
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_string(), Some(t.to_string())),
        _ => (rest.to_string(), None),
    };
    DockerBase::Image { name, tag, digest }
}

fn unknown(reference: String) -> EnvValue {
    EnvValue::Unknown {
        reference: Unknown { unknown: reference },
        sensitive: false,
    }
}

/// A value after substitution: its text when every variable was known, else
/// the names of the unknown ones and the text with them left blank.
#[derive(Debug, Clone, PartialEq)]
struct Substituted {
    text: Option<String>,
    /// The text with unknown variables left blank: what is literal in it.
    literal: String,
    unresolved: Vec<String>,
}

impl Substituted {
    fn known(text: String) -> Self {
        Substituted {
            literal: text.clone(),
            text: Some(text),
            unresolved: Vec::new(),
        }
    }

    fn to_env_value(&self) -> EnvValue {
        match (&self.text, self.unresolved.as_slice()) {
            (Some(t), _) => EnvValue::observe(t),
            // Only a variable: the value is the build's, named after it.
            (None, [one]) if self.literal.trim().is_empty() => unknown(format!("ARG {one}")),
            // Literal text around unknown parts (`postgres://app:pw@${HOST}`):
            // judge what is written, never keep it.
            (None, _) => EnvValue::observe(&self.literal),
        }
    }
}

/// `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}`, as the builder
/// expands them in ARG, ENV, FROM and USER.
fn substitute(raw: &str, vars: &HashMap<String, Option<String>>) -> Substituted {
    let chars: Vec<char> = raw.chars().collect();
    let (mut out, mut unresolved, mut complete) = (String::new(), Vec::new(), true);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && chars[i + 1] == '$' {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let (name, modifier, next) = if chars[i + 1] == '{' {
            let Some(end) = chars[i + 2..]
                .iter()
                .position(|&c| c == '}')
                .map(|p| i + 2 + p)
            else {
                out.push(c);
                i += 1;
                continue;
            };
            let inner: String = chars[i + 2..end].iter().collect();
            match inner.split_once(':') {
                Some((n, m)) => (n.to_string(), Some(m.to_string()), end + 1),
                None => (inner, None, end + 1),
            }
        } else {
            let len = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .count();
            if len == 0 {
                out.push(c);
                i += 1;
                continue;
            }
            (
                chars[i + 1..i + 1 + len].iter().collect(),
                None,
                i + 1 + len,
            )
        };
        let value = vars.get(&name).cloned().flatten();
        match (modifier.as_deref(), value) {
            (Some(m), v) if m.starts_with('-') => match v.filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&m[1..]),
            },
            (Some(m), v) if m.starts_with('+') => {
                if v.is_some_and(|v| !v.is_empty()) {
                    out.push_str(&m[1..]);
                }
            }
            (_, Some(v)) => out.push_str(&v),
            // Unset here, or from the base image ($PATH): not known statically.
            (_, None) => {
                complete = false;
                unresolved.push(name);
            }
        }
        i = next;
    }
    Substituted {
        text: complete.then(|| out.clone()),
        literal: out,
        unresolved,
    }
}

/// `ARG a=1 b` → [(a, Some("1")), (b, None)].
fn arg_pairs(args: &str) -> Vec<(String, Option<String>)> {
    words(args)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w, None),
        })
        .collect()
}

/// `ENV a=1 b="x y"` or the legacy `ENV a x y` (one variable, the rest its value).
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let trimmed = args.trim();
    let first = trimmed.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        let value = trimmed[first.len()..].trim();
        return if first.is_empty() {
            Vec::new()
        } else {
            vec![(first.to_string(), unquote(value))]
        };
    }
    words(args)
        .into_iter()
        .filter_map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn unquote(s: &str) -> String {
    words(s).join(" ")
}

/// Shell-like words: quotes group and are removed, a backslash escapes the
/// next character outside single quotes.
fn words(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut started) =
        (Vec::new(), String::new(), None::<char>, false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (q, '\\') if q != Some('\'') => {
                // Keep `\$` so substitution leaves it literal.
                if let Some(&next) = chars.peek() {
                    if next == '$' {
                        cur.push('\\');
                    }
                    cur.push(next);
                    chars.next();
                }
                started = true;
            }
            (_, c) => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// Logical instructions: comments dropped, continuation lines joined,
/// heredoc bodies skipped, keywords upper-cased.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut escape = '\\';
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    // Parser directives: only at the very top, before anything else.
    while let Some((_, l)) = lines.peek() {
        let t = l.trim();
        let Some(body) = t.strip_prefix('#') else {
            break;
        };
        match body.trim().split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("escape") => {
                escape = v.trim().chars().next().unwrap_or('\\');
                lines.next();
            }
            Some((k, _))
                if k.trim().eq_ignore_ascii_case("syntax")
                    || k.trim().eq_ignore_ascii_case("check") =>
            {
                lines.next();
            }
            _ => break,
        }
    }
    while let Some((n, line)) = lines.next() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let start = (n + 1) as u32;
        let mut joined = String::new();
        let mut cur = line.trim_end().to_string();
        loop {
            if let Some(stripped) = cur.strip_suffix(escape) {
                joined.push_str(stripped);
                joined.push(' ');
                // Comment and empty lines inside a continuation are dropped.
                let mut next = None;
                for (_, l) in lines.by_ref() {
                    let lt = l.trim();
                    if lt.is_empty() || lt.starts_with('#') {
                        continue;
                    }
                    next = Some(l.trim_end().to_string());
                    break;
                }
                match next {
                    Some(l) => cur = l,
                    None => break,
                }
            } else {
                joined.push_str(&cur);
                break;
            }
        }
        let joined = joined.trim();
        let (keyword, args) = joined
            .split_once(char::is_whitespace)
            .unwrap_or((joined, ""));
        let keyword = keyword.to_ascii_uppercase();
        if let Some(terminator) = heredoc_terminator(args) {
            for (_, l) in lines.by_ref() {
                if l.trim() == terminator {
                    break;
                }
            }
        }
        out.push(Instruction {
            keyword,
            args: args.trim().to_string(),
            line: start,
        });
    }
    out
}

/// `RUN <<EOF` / `COPY <<-"EOT" /x`: the word that ends the heredoc body.
fn heredoc_terminator(args: &str) -> Option<String> {
    let pos = args.find("<<")?;
    let rest = args[pos + 2..].trim_start_matches('-');
    let word: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudgrade_model::ValueFormat;

    fn observed(v: &EnvValue) -> &cloudgrade_model::ValueFacts {
        match v {
            EnvValue::Observed(f) => f,
            other => panic!("expected an observed value, got {other:?}"),
        }
    }

    const MULTI: &str = r#"# syntax=docker/dockerfile:1
ARG BASE_TAG=1.35
ARG REGISTRY
FROM cloudgrade-test/base:${BASE_TAG} AS build
ARG GITHUB_TOKEN=ghp_R8x2LmQ7vTz4Nw9KpC3sYb6HdJ1fGu5aEo0i
ARG NPM_TOKEN
WORKDIR /src
# a comment between instructions
RUN echo building \
    # a comment inside a continuation
    && echo done
RUN <<EOF
FROM not-an-instruction
EOF

FROM scratch AS assets
COPY --from=build /out /out

from cloudgrade-test/base@sha256:0123 as runtime
COPY --chown=10001 --from=build /out/ /
COPY --from=assets /out /assets
ENV PORT=8080 \
    DATABASE_URL="postgres://tienda:Qm7vR2xK9pLs4Tw@${DB_HOST}:5432/tienda" \
    DB_PASSWORD=$DB_PASSWORD
ENV LEGACY_FORM some value with spaces
USER 10001:10001
HEALTHCHECK --interval=2s CMD wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1
"#;

    #[test]
    fn reads_stages_bases_and_copies() {
        let df = parse(MULTI, "Dockerfile");
        assert_eq!(df.stages.len(), 3, "{:#?}", df.stages);
        assert_eq!(df.global_args.len(), 2);
        let [build, assets, runtime] = [&df.stages[0], &df.stages[1], &df.stages[2]];
        assert_eq!(build.from, "cloudgrade-test/base:1.35");
        assert_eq!(
            build.base,
            DockerBase::Image {
                name: "cloudgrade-test/base".into(),
                tag: Some("1.35".into()),
                digest: None
            }
        );
        assert_eq!(build.alias.as_deref(), Some("build"));
        assert_eq!(build.origin.line, 4);
        assert_eq!(assets.base, DockerBase::Scratch);
        assert_eq!(assets.copies_from, ["build"]);
        assert_eq!(
            runtime.base,
            DockerBase::Image {
                name: "cloudgrade-test/base".into(),
                tag: None,
                digest: Some("sha256:0123".into())
            }
        );
        assert_eq!(runtime.alias.as_deref(), Some("runtime"));
        assert_eq!(runtime.copies_from, ["build", "assets"]);
        assert_eq!(
            runtime
                .user
                .as_ref()
                .map(|u| (u.user.as_str(), u.origin.line)),
            Some(("10001:10001", 26))
        );
        assert_eq!(
            runtime.healthcheck.as_ref().map(|h| h.disabled),
            Some(false)
        );
    }

    #[test]
    fn env_and_arg_values_become_facts_and_unknowns() {
        let df = parse(MULTI, "Dockerfile");
        let build = &df.stages[0];
        let token = &build.vars[0];
        assert_eq!(
            (token.instruction.as_str(), token.var.name.as_str()),
            ("ARG", "GITHUB_TOKEN")
        );
        assert_eq!(
            observed(&token.var.value).credential_format(),
            Some(ValueFormat::GithubToken)
        );
        assert!(
            matches!(&build.vars[1].var.value, EnvValue::Unknown { reference, .. } if reference.unknown == "ARG NPM_TOKEN")
        );
        let runtime = &df.stages[2];
        let env: Vec<&str> = runtime.vars.iter().map(|v| v.var.name.as_str()).collect();
        assert_eq!(env, ["PORT", "DATABASE_URL", "DB_PASSWORD", "LEGACY_FORM"]);
        // Literal credentials around an unknown host are still judged.
        assert!(observed(&runtime.vars[1].var.value).has(ValueFormat::UrlWithPassword));
        assert_eq!(runtime.vars[1].origin.line, 22, "the line of its ENV");
        assert!(
            matches!(&runtime.vars[2].var.value, EnvValue::Unknown { reference, .. } if reference.unknown == "ARG DB_PASSWORD")
        );
        assert_eq!(
            observed(&runtime.vars[3].var.value).len,
            "some value with spaces".len()
        );
        let json = serde_json::to_string(&df).unwrap();
        assert!(
            !json.contains("Qm7vR2xK9pLs4Tw") && !json.contains("ghp_R8x2"),
            "{json}"
        );
    }

    #[test]
    fn unpinned_and_unresolved_bases() {
        let df = parse(
            "FROM node\nFROM node:latest\nARG BASE\nFROM ${BASE}\nFROM localhost:5000/app\n",
            "D",
        );
        assert_eq!(
            df.stages[0].base,
            DockerBase::Image {
                name: "node".into(),
                tag: None,
                digest: None
            }
        );
        assert_eq!(
            df.stages[1].base,
            DockerBase::Image {
                name: "node".into(),
                tag: Some("latest".into()),
                digest: None
            }
        );
        assert_eq!(
            df.stages[2].base,
            DockerBase::Unresolved {
                reference: "ARG BASE".into()
            }
        );
        assert_eq!(
            df.stages[3].base,
            DockerBase::Image {
                name: "localhost:5000/app".into(),
                tag: None,
                digest: None
            }
        );
    }

    #[test]
    fn a_stage_can_be_based_on_an_earlier_one_and_disable_healthchecks() {
        let df = parse("FROM base:1 AS deps\nHEALTHCHECK NONE\nFROM deps\n", "D");
        assert_eq!(df.stages[1].base, DockerBase::Stage { index: 0 });
        assert_eq!(
            df.stages[0].healthcheck.as_ref().map(|h| h.disabled),
            Some(true)
        );
    }

    #[test]
    fn escape_directive_and_substitution_forms() {
        let df = parse(
            "# escape=`\nARG V=3\nFROM img:${V:-9} AS a\nENV A=x `\n    B=${MISSING:-def} C=${V:+yes} D=\\$HOME\n",
            "D",
        );
        assert_eq!(df.stages[0].from, "img:3");
        let lens: Vec<usize> = df.stages[0]
            .vars
            .iter()
            .map(|v| observed(&v.var.value).len)
            .collect();
        // V is global: a stage sees it only if it declares it again.
        assert_eq!(lens, [1, 3, 0, 5]);
    }

    #[test]
    fn finds_the_dockerignore_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM scratch\n").unwrap();
        assert_eq!(read(&path).unwrap().dockerignore, None);
        std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
        assert!(
            read(&path)
                .unwrap()
                .dockerignore
                .is_some_and(|p| p.ends_with(".dockerignore"))
        );
        let err = read(&dir.path().join("missing")).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
