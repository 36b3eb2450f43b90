//! A real class through the real binary, with the course's own features:
//! submissions missing, empty or unreadable (graded around, never stopping
//! the class), the assignment file (`cloudgrade.toml`) for `check`, `grade`
//! and `batch`, and a batch interrupted by Ctrl-C or killed.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{cloudgrade, copy_dir, course_points, curso_points, repo, run};

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn scenario<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the report"))
}

/// The course's solution, a copy of it with a Dockerfile, a folder that is
/// not there, one without `.tf`, one with a `.tf` that cannot be read.
fn class() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &repo().join("examples/terraform/curso"),
        &root.join("e/ana"),
    );
    copy_dir(
        &repo().join("examples/terraform/curso"),
        &root.join("e/bea"),
    );
    std::fs::write(
        root.join("e/bea/Dockerfile"),
        "FROM python:3.12-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000\nUSER app\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("e/vacia")).unwrap();
    std::fs::write(root.join("e/vacia/LEEME.txt"), "nada\n").unwrap();
    std::fs::write(
        root.join("roster.csv"),
        "student_id,name,source\n\
         ana,Ana,e/ana\n\
         bea,Bea,e/bea\n\
         carl,Carl,e/no-existe\n\
         dani,Dani,e/vacia\n",
    )
    .unwrap();
    dir
}

fn batch(root: &Path, extra: &[&str]) -> common::Output {
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["batch", "roster.csv", "--out", "salida", "--quiet"])
        .args(extra);
    run(c)
}

#[test]
fn missing_and_empty_submissions_are_their_students_and_the_rest_is_graded() {
    let dir = class();
    let root = dir.path();
    let o = batch(root, &[]);
    assert_eq!(
        o.code, 3,
        "documented: some student could not be read\n{}",
        o.stderr
    );
    let m = json(&root.join("salida/batch.json"));
    let st = |id: &str| {
        m["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(st("ana")["status"], "graded");
    assert_eq!(st("bea")["status"], "graded");
    assert_eq!(st("carl")["status"], "not_submitted");
    assert!(
        st("carl")["reason"]
            .as_str()
            .unwrap()
            .ends_with("e/no-existe: no existe"),
        "{}",
        st("carl")
    );
    assert_eq!(st("dani")["status"], "not_submitted");
    assert!(
        st("dani")["reason"]
            .as_str()
            .unwrap()
            .contains("la carpeta no contiene ningún archivo .tf"),
        "{}",
        st("dani")
    );
    let moodle = std::fs::read_to_string(root.join("salida/gradebook-moodle.csv")).unwrap();
    let carl = moodle.lines().find(|l| l.starts_with("carl,")).unwrap();
    assert!(carl.contains("No entregado: "), "{carl}");
    let summary = std::fs::read_to_string(root.join("salida/summary.md")).unwrap();
    assert!(summary.contains("| dani | Dani |"), "{summary}");
    assert!(summary.contains("No entregado: "), "{summary}");
}

#[test]
fn an_unreadable_submission_is_no_corregido_not_a_roster_error() {
    let dir = class();
    let root = dir.path();
    std::fs::create_dir_all(root.join("e/cerrada")).unwrap();
    std::fs::write(root.join("e/cerrada/main.tf"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    std::fs::write(root.join("e/fifo.json"), "").unwrap();
    std::fs::write(
        root.join("roster.csv"),
        "student_id,source\nana,e/ana\ncerrada,e/cerrada\nmain,e/ana/network.tf\n",
    )
    .unwrap();
    let o = batch(root, &[]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    let m = json(&root.join("salida/batch.json"));
    let statuses: Vec<(&str, &str)> = m["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["student_id"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("ana", "graded"),
            ("cerrada", "not_graded"),
            ("main", "not_graded")
        ]
    );
    assert!(root.join("salida/ana/report.json").exists());
}

#[test]
fn a_repeated_roster_column_is_refused_naming_the_header() {
    let dir = class();
    let root = dir.path();
    std::fs::write(
        root.join("roster.csv"),
        "student_id,source,fuente\nana,e/ana,e/bea\n",
    )
    .unwrap();
    let o = batch(root, &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("roster.csv:1: la columna `source` aparece dos veces en la cabecera («source», columna 2, y «fuente», columna 3)"),
        "{}",
        o.stderr
    );
    assert!(!root.join("salida").exists(), "nothing may run");
}

/// `check` on a folder and `batch` on a roster naming it grade the same
/// scenarios; without Dockerfiles the Docker activity is out of both, and
/// the gradebook has totals.
#[test]
fn batch_and_check_grade_the_same_scenarios_and_terraform_only_classes_get_totals() {
    let dir = class();
    let root = dir.path();
    std::fs::write(root.join("roster.csv"), "student_id,source\nana,e/ana\n").unwrap();
    let o = batch(root, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["check", "e/ana", "--out", "check", "--quiet"]);
    let chk = run(c);
    assert_eq!(chk.code, 0, "{}", chk.stderr);
    let from_batch = json(&root.join("salida/ana/report.json"));
    let from_check = json(&root.join("check/report.json"));
    assert_eq!(ids(&from_batch), ids(&from_check));
    assert!(!ids(&from_batch).iter().any(|i| i.starts_with("docker")));
    let moodle = std::fs::read_to_string(root.join("salida/gradebook-moodle.csv")).unwrap();
    let header = moodle.lines().next().unwrap();
    assert!(!header.contains("docker"), "{header}");
    let ana = moodle.lines().find(|l| l.starts_with("ana,")).unwrap();
    let (total, _) = curso_points();
    assert!(
        ana.ends_with(&format!(",{total}")),
        "a total, not `-`: {ana}"
    );
    // The bonus earned is in the total and said in the feedback; the one
    // missed (multi_az, off to save cost) holds nothing back.
    assert!(
        ana.contains("Bonus conseguido: rds-deletion-safety"),
        "{ana}"
    );
    assert!(!ana.contains("rds-multi-az"), "{ana}");

    // With a Dockerfile in some folder, that student is graded on Docker
    // too, as `check` would, and the others' Docker cells wait.
    std::fs::write(
        root.join("roster.csv"),
        "student_id,source\nana,e/ana\nbea,e/bea\n",
    )
    .unwrap();
    let o = batch(root, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["check", "e/bea", "--out", "check-bea", "--quiet"]);
    run(c);
    assert_eq!(
        ids(&json(&root.join("salida/bea/report.json"))),
        ids(&json(&root.join("check-bea/report.json")))
    );
    assert!(
        ids(&json(&root.join("salida/bea/report.json")))
            .contains(&"dockerfile-multi-stage".to_string())
    );
}

const TAREA: &str = r#"# La entrega final del módulo 5b
name = "Entrega final"
activities = ["redes", "rds", "secretos", "docker"]
hidden = ["ecs-secrets-from-secrets-manager"]

[points]
net-private-egress-nat = 12

[[required]]
file = "Dockerfile"
activity = "docker"
"#;

#[test]
fn a_class_graded_with_one_assignment_fails_a_missing_dockerfile_and_records_its_hash() {
    let dir = class();
    let root = dir.path();
    std::fs::write(root.join("tarea.toml"), TAREA).unwrap();
    std::fs::write(
        root.join("roster.csv"),
        "student_id,source\nana,e/ana\nbea,e/bea\n",
    )
    .unwrap();
    let o = batch(root, &["--assignment", "tarea.toml"]);
    assert_eq!(o.code, 0, "both graded\n{}", o.stderr);
    let ana = json(&root.join("salida/ana/report.json"));
    let df = scenario(&ana, "dockerfile-multi-stage");
    assert_eq!(df["verdict"], "failed", "{df}");
    assert!(
        df["reason"]
            .as_str()
            .unwrap()
            .starts_with("no se ha entregado Dockerfile"),
        "{df}"
    );
    assert_eq!(scenario(&ana, "net-private-egress-nat")["max_points"], 12.0);
    assert!(
        !ids(&ana).contains(&"ecs-secrets-from-secrets-manager".to_string()),
        "hidden by the assignment"
    );
    let sha = format!("{:x}", sha2_of(TAREA.as_bytes()));
    assert_eq!(ana["provenance"]["assignment"]["sha256"], sha.as_str());
    assert_eq!(ana["schema"], cloudgrade::report::REPORT_SCHEMA);
    let bea = json(&root.join("salida/bea/report.json"));
    assert_ne!(
        scenario(&bea, "dockerfile-multi-stage")["reason"]
            .as_str()
            .map(|r| r.starts_with("no se ha entregado")),
        Some(true)
    );
    // A failed scenario, not a pending one: ana's total is a number.
    let moodle = std::fs::read_to_string(root.join("salida/gradebook-moodle.csv")).unwrap();
    let row = moodle.lines().find(|l| l.starts_with("ana,")).unwrap();
    assert!(
        row.contains("No superados: dockerfile-multi-stage"),
        "{row}"
    );
    assert!(!row.ends_with(",-"), "{row}");
    let m = json(&root.join("salida/batch.json"));
    assert_eq!(m["assignment"]["sha256"], sha.as_str());

    // The same file beside the roster is found without --assignment.
    std::fs::rename(root.join("tarea.toml"), root.join("cloudgrade.toml")).unwrap();
    let o = batch(root, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let ana = json(&root.join("salida/ana/report.json"));
    assert_eq!(
        scenario(&ana, "dockerfile-multi-stage")["verdict"],
        "failed"
    );
}

fn sha2_of(bytes: &[u8]) -> impl std::fmt::LowerHex {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
}

#[test]
fn check_reads_the_folder_s_assignment_and_grade_takes_one_by_path() {
    let dir = class();
    let root = dir.path();
    std::fs::write(root.join("e/ana/cloudgrade.toml"), TAREA).unwrap();
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["check", "e/ana", "--out", "chk", "--color", "never"]);
    let o = run(c);
    assert_eq!(
        o.code, 1,
        "the missing Dockerfile fails\n{}{}",
        o.stdout, o.stderr
    );
    assert!(
        o.stdout.contains("Dockerfile: no se ha entregado"),
        "{}",
        o.stdout
    );
    assert!(
        !o.stderr.contains("no tiene Dockerfile; corrígelo"),
        "the assignment claims Docker: no hint to leave it out\n{}",
        o.stderr
    );
    let r = json(&root.join("chk/report.json"));
    assert!(
        r["provenance"]["assignment"]["path"]
            .as_str()
            .unwrap()
            .ends_with("e/ana/cloudgrade.toml")
    );

    std::fs::remove_file(root.join("e/ana/cloudgrade.toml")).unwrap();
    std::fs::write(root.join("solo-redes.toml"), "activities = [\"redes\"]\n").unwrap();
    let mut c = cloudgrade();
    c.current_dir(root).args([
        "grade",
        "--terraform",
        "e/ana",
        "--assignment",
        "solo-redes.toml",
        "--out",
        "g",
        "--quiet",
    ]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let redes: Vec<String> = course_points(&repo().join("features/redes"))
        .into_keys()
        .collect();
    assert_eq!(ids(&json(&root.join("g/report.json"))), redes);
}

#[test]
fn a_malformed_assignment_is_one_located_message_and_exit_2() {
    let dir = class();
    let root = dir.path();
    for (text, want) in [
        (
            "name = \"x\"\ncolour = 1\n",
            "tarea.toml:2:1: clave desconocida «colour»",
        ),
        (
            "activities = [\"redes\", \"kubernetes\"]\n",
            "tarea.toml:1:24: la actividad «kubernetes» no existe en las features",
        ),
        (
            "[points]\nnet-nat = 3\n",
            "tarea.toml:2:1: el escenario «net-nat» no existe",
        ),
        ("name = [\n", "tarea.toml:"),
    ] {
        std::fs::write(root.join("tarea.toml"), text).unwrap();
        for args in [
            vec!["check", "e/ana", "--assignment", "tarea.toml"],
            vec![
                "batch",
                "roster.csv",
                "--out",
                "salida",
                "--assignment",
                "tarea.toml",
            ],
        ] {
            let mut c = cloudgrade();
            c.current_dir(root).args(&args);
            let o = run(c);
            assert_eq!(o.code, 2, "{args:?} {text}: {}", o.stderr);
            let lines: Vec<&str> = o.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "one message: {}", o.stderr);
            assert!(
                lines[0].starts_with(&format!("error: {want}")),
                "{}",
                o.stderr
            );
        }
        assert!(!root.join("salida").exists(), "nothing may run");
    }
}

#[test]
fn a_version_1_report_still_reads() {
    let dir = class();
    let root = dir.path();
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["check", "e/ana", "--out", "chk", "--quiet"]);
    run(c);
    let text = std::fs::read_to_string(root.join("chk/report.json"))
        .unwrap()
        .replace(cloudgrade::report::REPORT_SCHEMA, "cloudgrade.report/1");
    std::fs::write(root.join("old.json"), text).unwrap();
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["report", "old.json", "--format", "markdown"]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("net-private-egress-nat"), "{}", o.stdout);
}

#[test]
fn the_report_schema_names_the_version_written_and_the_assignment() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("reports/report.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["$id"], cloudgrade::report::REPORT_SCHEMA);
    let versions = schema["properties"]["schema"]["enum"].as_array().unwrap();
    for readable in cloudgrade::report::READABLE_SCHEMAS {
        assert!(versions.contains(&readable.into()), "{readable}");
    }
    let a = &schema["properties"]["provenance"]["properties"]["assignment"];
    assert_eq!(a["required"], serde_json::json!(["path", "sha256"]));
}

/// A class large enough that a signal lands mid-run: the course's folder,
/// `n` times, graded one at a time.
fn big_class(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &repo().join("examples/terraform/curso"),
        &root.join("e/curso"),
    );
    let mut roster = String::from("student_id,source\n");
    for i in 0..n {
        roster.push_str(&format!("s{i:04},e/curso\n"));
    }
    std::fs::write(root.join("roster.csv"), roster).unwrap();
    dir
}

/// Starts a batch and waits for `after` students to be done (one line each
/// on stderr when it is not a terminal), then sends `signal`.
fn batch_signalled(root: &Path, after: usize, signal: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudgrade"))
        .current_dir(root)
        .args(["batch", "roster.csv", "--out", "salida", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    while seen.len() < after {
        match lines.next() {
            Some(Ok(l)) => {
                if l.starts_with('[') {
                    seen.push(l);
                }
            }
            _ => break,
        }
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let code = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    let code = code
        .code()
        .unwrap_or_else(|| 128 + code.signal().unwrap_or(0));
    (code, format!("{}\n{}", seen.join("\n"), rest.join("\n")))
}

#[test]
fn ctrl_c_writes_the_gradebook_of_those_graded_marked_partial() {
    let dir = big_class(400);
    let root = dir.path();
    let (code, stderr) = batch_signalled(root, 3, "-INT");
    assert_eq!(
        code, 130,
        "documented exit for an interrupted batch\n{stderr}"
    );
    assert!(stderr.contains("Interrumpido"), "{stderr}");
    let out = root.join("salida");
    assert!(out.join("gradebook.partial.csv").exists());
    assert!(out.join("gradebook-moodle.partial.csv").exists());
    assert!(
        !out.join("gradebook.csv").exists(),
        "a partial gradebook is never the full one"
    );
    assert!(!out.join("batch.running.json").exists());
    let m = json(&out.join("batch.json"));
    assert_eq!(m["partial"], true);
    let students = m["students"].as_array().unwrap();
    let graded = students.iter().filter(|s| s["status"] == "graded").count();
    assert!((3..400).contains(&graded), "{graded} graded");
    let cut = students
        .iter()
        .find(|s| s["status"] == "not_graded")
        .unwrap();
    assert!(
        cut["reason"]
            .as_str()
            .unwrap()
            .contains("se interrumpió (Ctrl-C)"),
        "{cut}"
    );
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("PARCIAL: la corrección se interrumpió"),
        "{summary}"
    );
    // Those graded have a number; the rest an empty cell, never a zero.
    let canvas = std::fs::read_to_string(out.join("gradebook.partial.csv")).unwrap();
    let (total, _) = curso_points();
    let full = format!(",{total}");
    assert!(
        canvas
            .lines()
            .any(|l| l.contains(",s0000,") && l.ends_with(&full)),
        "{canvas}"
    );
    // Every activity's cell and the total's (the columns after `Section`)
    // are empty.
    let header: Vec<&str> = canvas.lines().next().unwrap().split(',').collect();
    let scores = header.len() - 1 - header.iter().position(|h| *h == "Section").unwrap();
    assert!(scores >= 2, "an activity and the total: {header:?}");
    let last = canvas.lines().find(|l| l.contains(",s0399,")).unwrap();
    let cells: Vec<&str> = last.split(',').collect();
    assert!(
        cells[cells.len() - scores..].iter().all(|c| c.is_empty()),
        "{last}"
    );

    // A complete run afterwards replaces the partial gradebooks.
    std::fs::write(
        root.join("roster.csv"),
        "student_id,source\ns0000,e/curso\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["batch", "roster.csv", "--out", "salida", "--quiet"]);
    assert_eq!(run(c).code, 0);
    assert!(out.join("gradebook.csv").exists());
    assert!(!out.join("gradebook.partial.csv").exists());
    assert!(!out.join("gradebook.stale.csv").exists());
}

#[test]
fn a_killed_batch_leaves_the_previous_gradebook_marked_stale() {
    let dir = big_class(400);
    let root = dir.path();
    std::fs::write(root.join("small.csv"), "student_id,source\ns0000,e/curso\n").unwrap();
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["batch", "small.csv", "--out", "salida", "--quiet"]);
    assert_eq!(run(c).code, 0);
    let before = std::fs::read_to_string(root.join("salida/gradebook.csv")).unwrap();

    let (code, _) = batch_signalled(root, 2, "-KILL");
    assert_eq!(code, 128 + 9);
    let out = root.join("salida");
    let marker = json(&out.join("batch.running.json"));
    assert!(marker["started_at"].as_str().is_some(), "{marker}");
    assert!(
        !out.join("gradebook.csv").exists(),
        "nothing stale looks current"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("gradebook.stale.csv")).unwrap(),
        before
    );
    for f in ["summary.md", "summary.html"] {
        let s = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(
            s.contains("DESACTUALIZADO: este resumen es de la corrección del"),
            "{f}: {s}"
        );
        assert!(s.contains("gradebook.stale.csv"), "{f}");
    }
    // merge says so too.
    let mut c = cloudgrade();
    c.current_dir(root)
        .args(["merge", "salida", "--out", "combinada"]);
    let o = run(c);
    let summary = std::fs::read_to_string(root.join("combinada/summary.md")).unwrap_or_default();
    assert!(
        summary.contains("no terminó") || o.stderr.contains("no terminó"),
        "{}\n{summary}",
        o.stderr
    );
}

#[test]
fn the_course_assignment_in_examples_grades_the_course_solution() {
    let dir = class();
    let root = dir.path();
    let example = repo().join("examples/assignment/cloudgrade.toml");
    let mut c = cloudgrade();
    c.current_dir(root).args([
        "check",
        "e/ana",
        "--assignment",
        example.to_str().unwrap(),
        "--out",
        "chk",
        "--quiet",
    ]);
    let o = run(c);
    assert_eq!(
        o.code, 1,
        "no Dockerfile in the solution's folder\n{}",
        o.stderr
    );
    let r = json(&root.join("chk/report.json"));
    assert_eq!(scenario(&r, "net-private-egress-nat")["max_points"], 15.0);
    assert_eq!(scenario(&r, "net-private-egress-nat")["verdict"], "passed");
    assert_eq!(scenario(&r, "dockerfile-healthcheck")["verdict"], "failed");
    assert!(!ids(&r).contains(&"ecs-secrets-from-secrets-manager".to_string()));
}
