//! Parity: every world in scenarios/ also exists as the Terraform project
//! that deploys it (`cloudgrade world terraform`), and as plan JSON: the
//! first plan, with whatever only apply knows left unknown, and the re-plan
//! once applied. Each
//! representation must get the verdicts the live source gets (expect.toml,
//! which tests/worlds.rs holds moto to), or `not_evaluable` naming the
//! reference it waits for; never a guess.

mod common;

use std::path::Path;

use cloudgrade_worlds::Expectation;
use common::*;

/// Writes the world as Terraform (and its plans) into `dir`.
fn write_terraform(world: &str, dir: &Path, plans: bool) {
    let mut c = cloudgrade();
    c.args(["world", "terraform"])
        .arg(repo().join("scenarios").join(world))
        .arg("--out")
        .arg(dir);
    if plans {
        c.arg("--plans");
    }
    let o = run(c);
    assert_eq!(
        o.code, 0,
        "world terraform {world}: {}{}",
        o.stdout, o.stderr
    );
}

/// Grades a plan JSON with the shipped AWS features: exit code and report.
fn grade_plan(plan: &Path) -> (Output, serde_json::Value) {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args(["grade", "--plan"])
        .arg(plan)
        .args(["--tags", AWS_TAGS, "--quiet", "--out"])
        .arg(out.path())
        .args(PRODUCTION);
    let o = run(c);
    let report = read_json(&out.path().join("report.json"));
    (o, report)
}

/// Grades one representation and returns what disagrees with expect.toml.
fn grade(source: &str, path: &Path, expect: &Expectation) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args(["grade", source])
        .arg(path)
        .args([
            "--tags",
            AWS_TAGS,
            "--format",
            "terminal,junit,markdown,html",
            "--out",
        ])
        .arg(out.path())
        .args(PRODUCTION);
    let o = run(c);
    assert!(
        o.code == 0 || o.code == 1,
        "grade {source} {}: exit {}\n{}{}",
        path.display(),
        o.code,
        o.stdout,
        o.stderr
    );
    assert_no_secret_leaks(&expect.planted_secrets, &[&o.stdout, &o.stderr], out.path());
    let report = read_json(&out.path().join("report.json"));
    expectation_problems(&report, expect, Strictness::UnknownsNamed)
        .into_iter()
        .map(|p| format!("{source} {}: {p}", path.display()))
        .collect()
}

#[test]
fn every_world_grades_the_same_as_terraform_and_as_plans() {
    let mut problems = Vec::new();
    for world in world_names() {
        let dir = repo().join("scenarios").join(&world);
        let expect = Expectation::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let tf = tempfile::tempdir().unwrap();
        write_terraform(&world, tf.path(), true);
        problems.extend(grade("--terraform", tf.path(), &expect));
        for plan in ["plan.json", "plan-applied.json"] {
            problems.extend(grade("--plan", &tf.path().join(plan), &expect));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Once applied every value is known: the re-plan of each world must give
/// exactly the live verdicts and exit code, nothing left not evaluable.
#[test]
fn a_replan_knows_everything_the_live_source_knows() {
    for world in world_names() {
        let dir = repo().join("scenarios").join(&world);
        let expect = Expectation::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let tf = tempfile::tempdir().unwrap();
        write_terraform(&world, tf.path(), true);
        let (o, report) = grade_plan(&tf.path().join("plan-applied.json"));
        let problems = expectation_problems(&report, &expect, Strictness::Exact);
        assert!(
            problems.is_empty(),
            "{world}:\n{}\n{}",
            problems.join("\n"),
            o.stdout
        );
        assert_eq!(o.code, expect.exit_code, "{world}: {}", o.stdout);
    }
}

/// What the first plan cannot know it says so, naming the reference: the
/// task definition embeds the database's address, so its container
/// definitions are known only after apply.
#[test]
fn a_first_plan_names_what_it_waits_for() {
    let tf = tempfile::tempdir().unwrap();
    write_terraform("env-db-password", tf.path(), true);
    let (_, report) = grade_plan(&tf.path().join("plan.json"));
    let s = scenario(&report, "ecs-no-env-secrets");
    assert_eq!(s["verdict"], "not_evaluable", "{s}");
    assert!(s.to_string().contains("aws_db_instance.app.address"), "{s}");
}

/// The written project is a real one: the static source reads it without
/// a single gap, so every verdict above came from the world's resources.
#[test]
fn written_projects_have_no_gaps() {
    for world in ["reference", "nacl-drops-return", "secret-missing"] {
        let tf = tempfile::tempdir().unwrap();
        write_terraform(world, tf.path(), false);
        let out = tempfile::tempdir().unwrap();
        let mut c = cloudgrade();
        c.args(["grade", "--terraform"])
            .arg(tf.path())
            .args(["--tags", AWS_TAGS, "--quiet", "--save-inventory", "--out"])
            .arg(out.path());
        let o = run(c);
        let inv = read_json(&out.path().join("inventory.json"));
        assert_eq!(inv["gaps"], serde_json::json!([]), "{world}: {}", o.stderr);
    }
}

/// `terraform show -json` writes one line; pretty-printers write many. The
/// same plan reads the same either way, evidence lines aside.
#[test]
fn a_plan_on_one_line_grades_like_a_pretty_one() {
    let tf = tempfile::tempdir().unwrap();
    write_terraform("private-rt-to-igw", tf.path(), true);
    let pretty = tf.path().join("plan-applied.json");
    let doc: serde_json::Value = read_json(&pretty);
    let one_line = tf.path().join("one-line.json");
    std::fs::write(&one_line, serde_json::to_string(&doc).unwrap()).unwrap();
    let verdicts = |plan: &Path| {
        let (o, report) = grade_plan(plan);
        assert_eq!(o.code, 1, "{}", o.stderr);
        report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{}={}", s["id"], s["verdict"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&pretty), verdicts(&one_line));
}

/// A world that does not exist, or an --out that cannot be written, is the
/// caller's input: exit 2, naming the file.
#[test]
fn world_terraform_names_what_it_cannot_read_or_write() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args(["world", "terraform", "scenarios/no-such-world", "--out"])
        .arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("scenarios/no-such-world/world.toml"),
        "{}",
        o.stderr
    );

    let file = out.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let mut c = cloudgrade();
    c.args(["world", "terraform", "scenarios/reference", "--out"])
        .arg(&file);
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("no se pudo escribir"), "{}", o.stderr);
}

/// The course standard (the default) leaves production-only scenarios out
/// and says so; production grades them. The course's own design, tasks in
/// its public subnets, is the world that tells them apart.
#[test]
fn the_standard_decides_whether_production_rules_are_graded() {
    let tf = tempfile::tempdir().unwrap();
    write_terraform("ecs-public-tasks", tf.path(), false);
    let report = |standard: Option<&str>| {
        let out = tempfile::tempdir().unwrap();
        let mut c = cloudgrade();
        c.args(["grade", "--terraform"])
            .arg(tf.path())
            .args(["--tags", AWS_TAGS, "--quiet", "--out"])
            .arg(out.path());
        if let Some(s) = standard {
            c.args(["--standard", s]);
        }
        let o = run(c);
        assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
        read_json(&out.path().join("report.json"))
    };
    let course = report(None);
    assert_eq!(course["provenance"]["standard"], "curso");
    assert!(!scenario_ids(&course).contains(&"ecs-private-no-public-ip".to_string()));
    assert_eq!(
        scenario(&course, "net-private-egress-nat")["verdict"],
        "passed"
    );
    let prod = report(Some("producción"));
    assert_eq!(prod["provenance"]["standard"], "produccion");
    assert_eq!(
        scenario(&prod, "ecs-private-no-public-ip")["verdict"],
        "failed"
    );
}
