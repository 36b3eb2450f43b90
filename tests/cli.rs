//! The command line's contract: exit codes, one clear line on bad input, and
//! verdicts that never blame the student for what the grader could not do.

mod common;

use common::*;

fn grade_snapshot(snapshot: &str, features: &str, out: &std::path::Path) -> Output {
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        snapshot,
        "--features",
        features,
        "--tags",
        AWS_TAGS,
        "--out",
    ])
    .arg(out);
    run(c)
}

fn one_line(s: &str) -> bool {
    s.trim_end().lines().count() == 1
}

#[test]
fn missing_features_folder_is_bad_input() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "no/such/features",
        out.path(),
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("no/such/features"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_file_that_is_not_a_snapshot_is_named_with_its_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot("Cargo.toml", "features", out.path());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("Cargo.toml:1:"),
        "{}",
        o.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let future = dir.path().join("future.json");
    std::fs::write(
        &future,
        r#"{"schema_version": 99, "source": {"kind": "aws", "location": "x"}}"#,
    )
    .unwrap();
    let o = grade_snapshot(future.to_str().unwrap(), "features", out.path());
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("schema_version 99"), "{}", o.stderr);
}

#[test]
fn no_source_is_bad_usage() {
    let mut c = cloudgrade();
    c.args(["grade", "--out", "/tmp/never"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--aws") && o.stderr.contains("--snapshot"),
        "{}",
        o.stderr
    );
}

#[test]
fn an_undefined_step_is_a_grader_error_with_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "tests/fixtures/features-undefined",
        out.path(),
    );
    assert_eq!(o.code, 4, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let s = &report["scenarios"][0];
    assert_eq!(s["verdict"], "grader_error");
    assert_eq!(s["points"], 0.0);
    let reason = s["reason"].as_str().unwrap();
    assert!(
        reason.contains("tests/fixtures/features-undefined/x.feature:6"),
        "{reason}"
    );
    assert!(reason.contains("cada una es de color morado"), "{reason}");
    // Not blamed on the student: its points are ungraded, not lost.
    assert_eq!(report["summary"]["max_points"], 0.0);
    assert_eq!(report["summary"]["ungraded_points"], 3.0);
}

#[test]
fn a_feature_that_does_not_parse_is_a_grader_error_naming_the_line() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/empty.snapshot.json",
        "tests/fixtures/features-broken",
        out.path(),
    );
    assert_eq!(o.code, 4, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let s = &report["scenarios"][0];
    assert_eq!(s["verdict"], "grader_error");
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("tests/fixtures/features-broken/x.feature:"),
        "{}",
        s["reason"]
    );
}

#[test]
fn an_empty_account_fails_every_scenario_instead_of_passing_vacuously() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot("tests/fixtures/empty.snapshot.json", "features", out.path());
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    for s in report["scenarios"].as_array().unwrap() {
        assert_eq!(s["verdict"], "failed", "{}", s);
        assert!(
            s["reason"].as_str().unwrap().starts_with("no hay"),
            "{}",
            s["reason"]
        );
    }
}

#[test]
fn what_the_source_could_not_read_is_not_evaluable_never_passed() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_snapshot(
        "tests/fixtures/all-denied.snapshot.json",
        "features",
        out.path(),
    );
    // Denied every read: nothing graded, and a CI job must not see a pass.
    assert_eq!(o.code, 3, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("Corrección incompleta"), "{}", o.stderr);
    let report = read_json(&out.path().join("report.json"));
    for s in report["scenarios"].as_array().unwrap() {
        assert_eq!(s["verdict"], "not_evaluable", "{}", s);
        assert!(
            s["reason"].as_str().unwrap().contains("AccessDenied"),
            "{}",
            s["reason"]
        );
    }
    assert_eq!(report["summary"]["points"], 0.0);
    assert_eq!(report["summary"]["max_points"], 0.0);
    assert!(o.stdout.contains("no evaluable"), "{}", o.stdout);
}

#[test]
fn tags_that_select_nothing_are_bad_input() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        "tests/fixtures/empty.snapshot.json",
        "--tags",
        "@nada",
        "--out",
    ])
    .arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("@nada"), "{}", o.stderr);
}

#[cfg(feature = "aws")]
#[test]
fn an_unreachable_endpoint_is_one_line_and_exit_3() {
    use std::time::{Duration, Instant};

    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
        "--out",
    ])
    .arg(out.path());
    let start = Instant::now();
    let o = run(c);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains(&port.to_string()),
        "{}",
        o.stderr
    );
    // A guard against hanging on retries, not a speed measurement.
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}

#[cfg(feature = "aws")]
#[test]
fn world_apply_refuses_a_real_aws_endpoint() {
    let mut c = cloudgrade();
    c.args([
        "world",
        "apply",
        "scenarios/reference",
        "--endpoint-url",
        "https://ec2.us-east-1.amazonaws.com",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(one_line(&o.stderr), "{}", o.stderr);
}

#[test]
fn the_step_catalog_lists_spanish_and_english() {
    let mut c = cloudgrade();
    c.arg("steps");
    let o = run(c);
    assert_eq!(o.code, 0);
    for phrase in [
        "las subredes privadas",
        "the private subnets",
        "cada una sale a internet solo a través de un NAT gateway",
        "las subredes con la etiqueta \"…\" igual a \"…\"",
    ] {
        assert!(
            o.stdout.contains(phrase),
            "missing «{phrase}» in:\n{}",
            o.stdout
        );
    }
}

#[test]
fn report_rejects_a_file_that_is_not_a_report() {
    let mut c = cloudgrade();
    c.args([
        "report",
        "--format",
        "markdown",
        "tests/fixtures/empty.snapshot.json",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("empty.snapshot.json"),
        "{}",
        o.stderr
    );
}

#[test]
fn check_grades_a_terraform_folder_with_the_embedded_features_from_anywhere() {
    let elsewhere = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.current_dir(elsewhere.path())
        .arg("check")
        .arg(repo().join("examples/terraform/curso"))
        .args(["--tags", AWS_TAGS]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let (earned, total) = curso_points();
    let full = format!(
        "{earned}/{total} puntos (incluye {} de bonus)",
        earned - total
    );
    assert!(o.stdout.contains(&full), "{}", o.stdout);
    // The bonus it does not earn is said, and costs nothing.
    assert!(
        o.stdout.contains("[rds-multi-az]  0/1 de bonus"),
        "{}",
        o.stdout
    );
}

/// The hand-in of examples/terraform/entrega: each planted mistake fails its
/// scenario at the line its README names, the rest passes, and the password
/// the student wrote in terraform.tfvars is in no output.
/// The README's first example is what `check` prints for the entrega, in
/// its headings, scenario lines and total (the evidence and hints it cuts
/// with «…»): a rule added or a message moved cannot leave it stale.
#[test]
fn the_readme_example_is_what_check_prints() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("```\ncloudgrade ")
        .expect("the README shows a check's output");
    let block = &readme[start + 4..];
    let block = &block[..block.find("```").unwrap()];
    let mut c = cloudgrade();
    c.current_dir(repo())
        .args(["check", "examples/terraform/entrega", "--color", "never"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    // Headings, the header and the total start a line; scenarios are
    // indented two spaces; evidence and hints deeper.
    let outline = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("    "))
            .filter(|l| !l.starts_with("Docker: "))
            .map(|l| l.trim_end().to_string())
            .collect()
    };
    assert_eq!(
        outline(block),
        outline(&o.stdout),
        "README.md's example differs from what check prints"
    );
}

#[test]
fn check_entrega_fails_each_planted_mistake_at_its_line() {
    let dir = repo().join("examples/terraform/entrega");
    let tfvars = std::fs::read_to_string(dir.join("terraform.tfvars")).unwrap();
    let password = tfvars
        .lines()
        .find_map(|l| l.trim().strip_prefix("db_password"))
        .and_then(|rest| rest.split('"').nth(1))
        .expect("db_password in terraform.tfvars")
        .to_string();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check")
        .arg(&dir)
        .arg("--out")
        .arg(out.path())
        .args(["--format", "terminal,junit,markdown,html"]);
    let o = run(c);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // No Dockerfile in the folder: the Docker activity is left out, and said so.
    assert!(o.stderr.contains("no tiene Dockerfile"), "{}", o.stderr);

    let planted = [
        (
            "net-private-egress-nat",
            "network.tf:121",
            "internet gateway",
        ),
        ("rds-only-from-ecs", "database.tf:15", "el CIDR de la VPC"),
        // The same route seen from the tasks, which run in those subnets.
        (
            "ecs-can-pull-image",
            "app.tf:123",
            "CannotPullContainerError",
        ),
        ("ecs-no-env-secrets", "app.tf:105", "DB_PASSWORD="),
        ("sg-descriptions", "app.tf:15", "no tiene description"),
        (
            "obs-container-insights",
            "app.tf:6",
            "no tiene Container Insights",
        ),
        (
            "rds-engine-version-available",
            "database.tf:31",
            "RDS ya no crea instancias postgres 15.4",
        ),
    ];
    let report = read_json(&out.path().join("report.json"));
    let scenarios = report["scenarios"].as_array().unwrap();
    for (id, at, words) in planted {
        let s = scenario(&report, id);
        assert_eq!(s["verdict"], "failed", "{s}");
        assert!(
            s["evidence"].as_array().unwrap().iter().any(|e| {
                e["status"] == "fail"
                    && e["location"] == at
                    && e["message"].as_str().unwrap().contains(words)
            }),
            "{id}: no failing evidence at {at} mentioning «{words}»: {s}"
        );
        let line = format!("✘ {at} ");
        assert!(
            o.stdout.contains(&line),
            "{id}: «{line}» not in:\n{}",
            o.stdout
        );
    }
    let others: Vec<_> = scenarios
        .iter()
        .filter(|s| !planted.iter().any(|(id, _, _)| s["id"] == *id))
        .collect();
    assert!(
        others
            .iter()
            .any(|s| s["id"] == "ecs-secrets-from-secrets-manager"),
        "{report}"
    );
    let bonus = bonus_scenarios();
    for s in others
        .iter()
        .filter(|s| !bonus.contains(s["id"].as_str().unwrap()))
    {
        assert_eq!(s["verdict"], "passed", "{s}");
    }
    assert!(o.stdout.contains("Pista:"), "{}", o.stdout);
    assert_no_secret_leaks(&[password], &[&o.stdout, &o.stderr], out.path());
}

/// A Dockerfile beside the .tf files is graded with them: the static
/// Dockerfile scenarios get verdicts; running the image needs `--image`.
#[test]
fn check_grades_the_dockerfile_in_the_folder_too() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/terraform/entrega"), dir.path());
    std::fs::copy(
        repo().join("scenarios/docker/root-user/Dockerfile"),
        dir.path().join("Dockerfile"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path()).arg("--out").arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("no tiene Dockerfile"), "{}", o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let verdict = |id: &str| scenario(&report, id)["verdict"].clone();
    assert_eq!(verdict("dockerfile-non-root-user"), "failed");
    assert_eq!(verdict("dockerfile-healthcheck"), "passed");
    assert_eq!(verdict("docker-non-root"), "not_evaluable");
}

/// `grade --dockerfile` alone reads the file statically: no Docker, and in
/// the light build too.
#[test]
fn grade_dockerfile_alone_needs_no_docker() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--dockerfile",
        "scenarios/docker/root-user/Dockerfile",
        "--quiet",
        "--out",
    ])
    .arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let verdict = |id: &str| scenario(&report, id)["verdict"].clone();
    assert_eq!(verdict("dockerfile-non-root-user"), "failed");
    assert_eq!(verdict("dockerfile-healthcheck"), "passed");
    assert_eq!(verdict("docker-non-root"), "not_evaluable");

    let mut c = cloudgrade();
    c.args(["grade", "--dockerfile", "no/existe/Dockerfile", "--out"])
        .arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("no/existe/Dockerfile"),
        "{}",
        o.stderr
    );
}

/// A build without the SDK or Docker (`--no-default-features`) still parses
/// every flag, and each command that needs what it lacks says, in one line
/// and with exit 2, which feature to build with.
#[cfg(not(feature = "aws"))]
#[test]
fn a_light_build_names_the_feature_a_command_needs() {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("informe");
    let report = report.to_str().unwrap();
    let roster = out.path().join("clase.csv");
    std::fs::write(
        &roster,
        format!(
            "student_id,name,source\n\
             a1,Ana,{}\n\
             c1,Carl,aws-role://arn:aws:iam::123456789012:role/x@us-east-1\n",
            repo().join("examples/terraform/entrega").display()
        ),
    )
    .unwrap();
    let batch_out = out.path().join("clase");
    let commands: [(&[&str], &str); 6] = [
        (&["grade", "--aws", "--out", report], "aws"),
        (&["collect", "--aws", "--out", report], "aws"),
        (&["world", "apply", "scenarios/reference"], "aws"),
        (
            &[
                "grade",
                "--container",
                "--world",
                "scenarios/reference",
                "--out",
                report,
            ],
            "container",
        ),
        (
            &["grade", "--image", "cloudgrade-test/x", "--out", report],
            "container",
        ),
        (
            &[
                "batch",
                roster.to_str().unwrap(),
                "--out",
                batch_out.to_str().unwrap(),
            ],
            "aws",
        ),
    ];
    for (args, feature) in commands {
        let mut c = cloudgrade();
        c.args(args);
        let o = run(c);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(one_line(&o.stderr), "{args:?}: {}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("cargo install --path . --features {feature}")),
            "{args:?}: {}",
            o.stderr
        );
    }
    assert!(
        !std::path::Path::new(report).exists() && !batch_out.exists(),
        "a refused command writes nothing"
    );
}

#[test]
fn check_names_file_line_and_column_of_a_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \n}\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("main.tf:"),
        "{}",
        o.stderr
    );
}

#[test]
fn check_says_so_when_a_folder_has_no_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path());
    let o = run(c);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(one_line(&o.stderr), "{}", o.stderr);
}

/// A folder of `.tf.json` files only: the static source reads none of them,
/// so nothing is graded; that is never a pass (the issue's `0/0 puntos`
/// exiting 0).
#[test]
fn check_of_only_tf_json_files_grades_nothing_and_does_not_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf.json"),
        r#"{"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}}}"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path()).arg("--out").arg(out.path());
    let o = run(c);
    assert_eq!(o.code, 3, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("Corrección incompleta: no se pudo evaluar ningún escenario"),
        "{}",
        o.stderr
    );
    let report = read_json(&out.path().join("report.json"));
    assert_eq!(report["summary"]["passed"], 0);
    assert!(report["summary"]["not_evaluable"].as_u64().unwrap() > 0);
    // Re-rendering the report gives the same exit.
    let mut c = cloudgrade();
    c.args(["report", "--format", "terminal"])
        .arg(out.path().join("report.json"));
    assert_eq!(run(c).code, 3);
}

/// The course's solution, with a call to a local module whose folder is not
/// in the hand-in: what the module declares is unknown, as a failed read
/// (reason `other`), not as a construct the source declines to evaluate;
/// the scenarios that need it are not evaluable and the run exits 3.
#[test]
fn a_missing_local_module_is_a_failed_read_and_does_not_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/terraform/curso"), dir.path());
    std::fs::write(
        dir.path().join("extra.tf"),
        "module \"red_extra\" {\n  source = \"./modules/red-extra\"\n}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.arg("check").arg(dir.path()).arg("--out").arg(out.path());
    let o = run(c);
    let report = read_json(&out.path().join("report.json"));
    let gap = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["operation"]
                .as_str()
                .unwrap()
                .contains("module.red_extra")
        })
        .unwrap_or_else(|| panic!("no gap for the module: {}", report["gaps"]));
    assert_eq!(gap["reason"], "other", "{gap}");
    assert!(
        gap["message"].as_str().unwrap().contains("no existe"),
        "{gap}"
    );
    let bonus = bonus_scenarios();
    let failed: Vec<&serde_json::Value> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "failed" && !bonus.contains(s["id"].as_str().unwrap()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", o.stdout);
    assert!(report["summary"]["not_evaluable"].as_u64().unwrap() > 0);
    assert_eq!(o.code, 3, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("Corrección incompleta"), "{}", o.stderr);
}
