//! What cloudgrade's test binaries share beyond `cloudgrade-testkit`
//! (moto, HTTP, the Docker gate, re-exported here): the real cloudgrade
//! binary, worlds applied and graded, expectations and the leak check.
// Each test binary uses its own part.
#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub use cloudgrade_testkit::{Moto, docker_with_images, free_port, http, in_ci};

/// The headline activities: the docker ones grade an image, not an account.
pub const AWS_TAGS: &str = "not @actividad:docker";

/// Worlds are graded against production: every scenario belongs to it or to
/// both standards, so their `expect.toml` covers every rule.
pub const PRODUCTION: [&str; 2] = ["--standard", "produccion"];

pub fn cloudgrade() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudgrade"));
    c.current_dir(repo());
    // Never let the developer's AWS settings leak into a test.
    for v in [
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        c.env_remove(v);
    }
    c.env("NO_COLOR", "1");
    c
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut c: Command) -> Output {
    let o = c.output().expect("run cloudgrade");
    Output {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Builds a world into moto with the real binary.
pub fn apply_world(moto: &Moto, dir: &Path) {
    apply_world_at(&moto.url(), dir);
}

/// Builds a world into the emulator at `url` with the real binary.
pub fn apply_world_at(url: &str, dir: &Path) {
    let mut c = cloudgrade();
    c.args(["world", "apply"])
        .arg(dir)
        .args(["--endpoint-url", url]);
    let o = run(c);
    assert_eq!(
        o.code,
        0,
        "world apply {}: {}{}",
        dir.display(),
        o.stdout,
        o.stderr
    );
}

/// Grades the emulator with the shipped features, writing every format.
pub fn grade_aws(moto: &Moto, out: &Path) -> Output {
    grade_aws_at(&moto.url(), out)
}

/// [`grade_aws`] against the emulator at `url`.
pub fn grade_aws_at(url: &str, out: &Path) -> Output {
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        url,
        "--region",
        "us-east-1",
        "--tags",
        AWS_TAGS,
        "--out",
    ])
    .arg(out)
    .args(PRODUCTION)
    .args(["--format", "terminal,junit,markdown"]);
    run(c)
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The worlds in scenarios/ (directories with a world.toml), sorted.
pub fn world_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("world.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The worlds an emulator can build: all but those whose expectation says
/// the emulator refuses their mistake (`static_only`), as AWS would.
pub fn live_world_names() -> Vec<String> {
    world_names()
        .into_iter()
        .filter(|w| {
            cloudgrade_worlds::Expectation::load(&repo().join("scenarios").join(w))
                .unwrap_or_else(|e| panic!("{e}"))
                .static_only
                .is_none()
        })
        .collect()
}

/// How a report is held to a world's `expect.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Every verdict exactly as expected, from a source that reads the
    /// Terraform once every value is known (a re-plan).
    Exact,
    /// Exactly as expected of a live source: where a fact is Terraform's
    /// alone, what the world says such a source gives (`live`).
    Live,
    /// A source that cannot know a value before apply may say
    /// `not_evaluable` instead, provided the reason names the Terraform
    /// reference it waits for; it may never guess another verdict.
    UnknownsNamed,
}

/// What in `report` disagrees with `expect`, one line each.
pub fn expectation_problems(
    report: &serde_json::Value,
    expect: &cloudgrade_worlds::Expectation,
    strictness: Strictness,
) -> Vec<String> {
    let scenarios = report["scenarios"].as_array().expect("scenarios array");
    let mut problems = Vec::new();
    for (id, want) in &expect.scenarios {
        let Some(got) = scenarios.iter().find(|s| s["id"] == id.as_str()) else {
            problems.push(format!("{id}: not in the report"));
            continue;
        };
        let reason = got["reason"].to_string();
        let (verdict, message) = want.for_source(strictness == Strictness::Live);
        let bonus = got["bonus"] == true;
        if bonus != want.bonus && (want.bonus || verdict == cloudgrade_worlds::Verdict::Failed) {
            problems.push(format!(
                "{id}: the report says bonus = {bonus} and expect.toml bonus = {}: the exit code is derived from it",
                want.bonus
            ));
        }
        if got["verdict"] != verdict.as_str() {
            let excused = strictness == Strictness::UnknownsNamed
                && got["verdict"] == "not_evaluable"
                && names_a_reference(&reason);
            if !excused {
                problems.push(format!(
                    "{id}: verdict {} (want {}): {reason}",
                    got["verdict"],
                    verdict.as_str()
                ));
            }
            continue;
        }
        if let Some(msg) = message
            && !got.to_string().contains(msg)
        {
            problems.push(format!("{id}: message «{msg}» not found in {reason}"));
        }
    }
    for s in scenarios {
        let id = s["id"].as_str().unwrap_or("");
        if !expect.scenarios.contains_key(id) {
            problems.push(format!(
                "{id}: graded but expect.toml says nothing about it"
            ));
        }
    }
    problems
}

/// Whether a reason names what it waits for: a resource's or data source's
/// attribute, a variable, such as `aws_db_instance.app.address`.
fn names_a_reference(reason: &str) -> bool {
    reason
        .split(|c: char| !(c.is_ascii_alphanumeric() || "._[]\"".contains(c)))
        .any(|word| {
            let word = word.trim_matches('.');
            let dotted = word.matches('.').count() >= 1;
            dotted
                && (word.starts_with("aws_")
                    || word.starts_with("data.")
                    || word.starts_with("var.")
                    || word.starts_with("random_")
                    || word.starts_with("module."))
        })
}

/// No planted value in any stream nor in any file under `dir`.
pub fn assert_no_secret_leaks(planted: &[String], streams: &[&str], dir: &Path) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path)
            } else {
                files.push(path)
            }
        }
    }
    for secret in planted {
        for s in streams {
            assert!(
                !s.contains(secret.as_str()),
                "a planted secret leaked to the terminal output"
            );
        }
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(
                !text.contains(secret.as_str()),
                "a planted secret leaked into {}",
                path.display()
            );
        }
    }
}

/// Copies a directory tree (a student's folder) somewhere writable.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The scenario `id` of a report; a missing one fails the test naming it.
pub fn scenario<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["scenarios"]
        .as_array()
        .expect("scenarios array")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no scenario {id} in the report"))
}

/// The ids of a report's scenarios, in its order.
pub fn scenario_ids(report: &serde_json::Value) -> Vec<String> {
    report["scenarios"]
        .as_array()
        .expect("scenarios array")
        .iter()
        .map(|s| s["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The points of every scenario of the features under `dir`, by id (their
/// `@id:` and `@puntos:` tags), so that no test repeats a total.
pub fn scenario_points(dir: &Path) -> std::collections::BTreeMap<String, u32> {
    scenario_lines(dir)
        .into_iter()
        .map(|(id, (points, _))| (id, points))
        .collect()
}

/// The scenarios a run of the course standard (the default) grades: all
/// but those tagged for production only, with their points.
pub fn course_points(dir: &Path) -> std::collections::BTreeMap<String, u32> {
    scenario_lines(dir)
        .into_iter()
        .filter(|(_, (_, line))| {
            !line.contains("@estandar:produccion") || line.contains("@estandar:curso")
        })
        .map(|(id, (points, _))| (id, points))
        .collect()
}

/// Each scenario's points and the line of tags they were read from.
fn scenario_lines(dir: &Path) -> std::collections::BTreeMap<String, (u32, String)> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("a features folder reads") {
        let path = entry.expect("a features entry").path();
        if path.is_dir() {
            out.extend(scenario_lines(&path));
        } else if path.extension().is_some_and(|e| e == "feature") {
            let text = std::fs::read_to_string(&path).expect("a feature reads");
            for line in text.lines() {
                let tag = |name: &str| {
                    line.split_whitespace()
                        .find_map(|t| t.strip_prefix(name).map(str::to_string))
                };
                if let (Some(id), Some(points)) = (tag("@id:"), tag("@puntos:")) {
                    let points = points.parse().expect("@puntos: is a number");
                    out.insert(id, (points, line.to_string()));
                }
            }
        }
    }
    out
}

/// The scenarios `check` grades on a folder without a Dockerfile (every
/// activity but Docker's, of the course standard), with their points; the
/// `@bonus` ones apart, since their points are never part of the maximum.
pub fn terraform_scenarios() -> std::collections::BTreeMap<String, u32> {
    let bonus = bonus_scenarios();
    let docker = scenario_points(&repo().join("features/docker"));
    course_points(&repo().join("features"))
        .into_iter()
        .filter(|(id, _)| !docker.contains_key(id) && !bonus.contains(id))
        .collect()
}

/// The bonus scenarios the course's folder (examples/terraform/curso)
/// passes: it keeps a final snapshot and has a NAT per zone, and leaves
/// multi_az off to save cost.
pub const CURSO_BONUS_PASSED: [&str; 3] = [
    "rds-deletion-safety",
    "net-nat-per-az",
    "ecs-circuit-breaker",
];

/// What `check` of the course's folder earns, bonus included, and its maximum.
pub fn curso_points() -> (u32, u32) {
    let (_, total) = terraform_points(&[]);
    let points = scenario_points(&repo().join("features"));
    let bonus: u32 = CURSO_BONUS_PASSED.iter().map(|id| points[*id]).sum();
    (total + bonus, total)
}

/// The ids of the shipped `@bonus` scenarios.
pub fn bonus_scenarios() -> std::collections::BTreeSet<String> {
    scenario_lines(&repo().join("features"))
        .into_iter()
        .filter(|(_, (_, line))| line.split_whitespace().any(|t| t == "@bonus"))
        .map(|(id, _)| id)
        .collect()
}

/// What `check` of a folder without a Dockerfile earns when the scenarios
/// `failing` fail, and what it could: `(earned, total)`.
pub fn terraform_points(failing: &[&str]) -> (u32, u32) {
    let graded = terraform_scenarios();
    let lost: u32 = failing
        .iter()
        .map(|id| {
            *graded
                .get(*id)
                .unwrap_or_else(|| panic!("no scenario {id}"))
        })
        .sum();
    let total: u32 = graded.values().sum();
    (total - lost, total)
}

/// The frozen headline features of tests/fixtures/features, by a relative
/// path (tests run in the crate's root) so that reports name them alike on
/// every machine.
pub fn fixture_plan() -> cloudgrade::grade::Plan {
    let dir = PathBuf::from("tests/fixtures/features");
    let features = cloudgrade::grade::FeatureSource::Dir(dir)
        .load()
        .expect("the fixture features load");
    cloudgrade::grade::plan(&features)
}

/// The mistakes planted in examples/terraform/entrega (its README).
pub const ENTREGA_FAILS: [&str; 7] = [
    "rds-only-from-ecs",
    "net-private-egress-nat",
    // The same planted route, seen from the tasks: they cannot pull.
    "ecs-can-pull-image",
    "ecs-no-env-secrets",
    "sg-descriptions",
    "obs-container-insights",
    "rds-engine-version-available",
];
