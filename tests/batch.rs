//! `cloudgrade batch`, `merge` and the example workflows, run with the real
//! binary against a small class: snapshots and Terraform folders of known
//! grades, one unreadable submission, and features written for the test
//! (two activities, one hidden scenario), so the gradebook does not move
//! when the course's features do.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Output, cloudgrade, copy_dir, repo, run, scenario, scenario_ids};

const REDES: &str = "# language: es
@actividad:redes
Característica: Redes del curso

  @id:red-nat @puntos:10
  Escenario: Las subredes privadas salen por un NAT gateway
    Pista: lleva 0.0.0.0/0 de cada subred privada a un aws_nat_gateway.

    Dadas las subredes privadas
    Entonces cada una sale a internet solo a través de un NAT gateway

  @id:red-sin-ip @puntos:5
  Escenario: Las subredes privadas no asignan IP pública
    Dadas las subredes privadas
    Entonces ninguna asigna IP pública al lanzar

  @id:red-oculto @puntos:5 @oculto
  Escenario: Comprobación oculta de las subredes privadas
    Dadas las subredes privadas
    Entonces ninguna asigna IP pública al lanzar
";

const SECRETOS: &str = "# language: es
@actividad:secretos
Característica: Secretos

  @id:sec-env @puntos:10
  Escenario: Ningún contenedor lleva secretos en su environment
    Dadas las definiciones de tarea en uso
    Entonces ningún contenedor lleva secretos en su environment
";

/// A class in a temporary folder: features, submissions and the roster.
struct Class {
    dir: tempfile::TempDir,
}

impl Class {
    fn new() -> Class {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("features")).unwrap();
        std::fs::write(root.join("features/redes.feature"), REDES).unwrap();
        std::fs::write(root.join("features/secretos.feature"), SECRETOS).unwrap();
        let fixtures = repo().join("tests/fixtures");
        std::fs::create_dir_all(root.join("entregas")).unwrap();
        for (from, to) in [
            ("broken.snapshot.json", "s01.json"),
            ("all-denied.snapshot.json", "s03.json"),
            ("empty.snapshot.json", "s05.json"),
        ] {
            std::fs::copy(fixtures.join(from), root.join("entregas").join(to)).unwrap();
        }
        copy_dir(
            &repo().join("examples/terraform/curso"),
            &root.join("entregas/s02"),
        );
        std::fs::create_dir_all(root.join("entregas/s04")).unwrap();
        std::fs::write(
            root.join("entregas/s04/main.tf"),
            "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n",
        )
        .unwrap();
        std::fs::write(
            root.join("roster.csv"),
            "student_id,name,email,source\n\
             s01,\"García, Ana\",ana@uni.es,entregas/s01.json\n\
             s02,Bruno Díaz,bruno@uni.es,entregas/s02\n\
             s03,Carla Ruiz,carla@uni.es,entregas/s03.json\n\
             s04,Dani Sanz,dani@uni.es,entregas/s04\n\
             s05,Elena Mora,elena@uni.es,entregas/s05.json\n",
        )
        .unwrap();
        Class { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn batch(&self, out: &str, extra: &[&str]) -> Output {
        let mut c = cloudgrade();
        c.current_dir(self.root())
            .args([
                "batch",
                "roster.csv",
                "--out",
                out,
                "--features",
                "features",
            ])
            .args(extra);
        run(c)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Paths and times change from run to run; what they stand next to does not.
    fn redact(&self, text: &str) -> String {
        let root = self.root().display().to_string();
        let text = text.replace(&root, "[tmp]");
        regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
            .unwrap()
            .replace_all(&text, "[fecha]")
            .into_owned()
    }
}

fn json(path: &Path) -> serde_json::Value {
    common::read_json(path)
}

#[test]
fn a_malformed_roster_is_refused_before_anything_runs_naming_every_line() {
    let class = Class::new();
    std::fs::write(
        class.root().join("malo.csv"),
        "student_id,name,source\n\
         a1,Ana,entregas/no-existe\n\
         a1,Otra Ana,entregas/s02\n\
         b1,Bea,s3://bucket/b1\n\
         c1,Carl,aws-role://arn:aws:iam::123:role/x@us-east-1\n\
         ,Dani,entregas/s02\n\
         e1,Eva,aws-profile://sandbox@narnia\n\
         f1,Fran\n\
         g1,Gema,entregas/s02/network.tf\n\
         h1,Hugo,entregas/s02\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(class.root()).args([
        "batch",
        "malo.csv",
        "--out",
        "salida",
        "--features",
        "features",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    for (line, what) in [
        (3, "repetido: ya aparece en la línea 2"),
        (4, "esquema desconocido «s3://»"),
        (5, "no es el ARN de un rol"),
        (6, "falta el student_id"),
        (7, "«narnia» no es una región"),
        (8, "tiene 2 campos y la cabecera 3"),
    ] {
        let needle = format!("malo.csv:{line}: ");
        let at = o
            .stderr
            .lines()
            .find(|l| l.contains(&needle))
            .unwrap_or_else(|| panic!("no problem reported for line {line}:\n{}", o.stderr));
        assert!(at.contains(what), "line {line}: {at}");
    }
    // A folder that does not exist (line 2) or a .tf given for its folder
    // (line 9) is that student's problem, graded as such: never the class's.
    for line in [2, 9, 10] {
        assert!(
            !o.stderr.contains(&format!("malo.csv:{line}:")),
            "{}",
            o.stderr
        );
    }
    assert!(!class.root().join("salida").exists(), "nothing may run");

    std::fs::write(
        class.root().join("sin-source.csv"),
        "student_id,nombre,ruta\na,b,c\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(class.root())
        .args(["batch", "sin-source.csv", "--out", "salida"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("sin-source.csv:1: falta la columna `source`"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_class_is_graded_into_folders_gradebooks_and_a_summary() {
    let class = Class::new();
    let o = class.batch("salida", &["--format", "html,markdown", "--jobs", "3"]);
    // One submission does not parse: "source unreadable", the others graded.
    assert_eq!(o.code, 3, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("5 alumnos: 4 corregidos, 0 con la corrección anterior, 1 no corregidos"),
        "{}",
        o.stdout
    );
    // Not a terminal: one plain line per student.
    assert_eq!(
        o.stderr.lines().filter(|l| l.starts_with('[')).count(),
        5,
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("s04: NO CORREGIDO: main.tf:"),
        "{}",
        o.stderr
    );

    for s in ["s01", "s02", "s03", "s05"] {
        for f in ["report.json", "report.html", "report.md"] {
            assert!(
                class.root().join("salida").join(s).join(f).exists(),
                "{s}/{f}"
            );
        }
    }
    let not_graded = json(&class.root().join("salida/s04/not-graded.json"));
    assert!(
        not_graded["reason"].as_str().unwrap().contains("main.tf:2"),
        "{not_graded}"
    );
    assert!(!class.root().join("salida/s04/report.json").exists());

    let s02 = json(&class.root().join("salida/s02/report.json"));
    assert_eq!(
        s02["summary"]["points"], 25.0,
        "the course's solution passes"
    );
    let ids: Vec<&str> = s02["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"red-oculto"),
        "hidden scenarios are not run for students: {ids:?}"
    );

    insta::assert_snapshot!("canvas", class.read("salida/gradebook.csv"));
    insta::assert_snapshot!(
        "moodle",
        class.redact(&class.read("salida/gradebook-moodle.csv"))
    );
    insta::assert_snapshot!("summary_md", class.redact(&class.read("salida/summary.md")));

    let html = class.read("salida/summary.html");
    assert!(
        html.contains("Dani Sanz"),
        "who could not be graded is named"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn a_student_who_could_not_be_graded_is_never_a_zero() {
    let class = Class::new();
    class.batch("salida", &[]);
    let canvas = class.read("salida/gradebook.csv");
    let row = canvas.lines().find(|l| l.contains(",s04,")).unwrap();
    // Student, ID, SIS User ID, SIS Login ID, Section, redes, secretos, Current Points
    assert_eq!(row, "Dani Sanz,,s04,dani@uni.es,,,,", "empty cells, not 0");
    let moodle = class.read("salida/gradebook-moodle.csv");
    let row = moodle.lines().find(|l| l.starts_with("s04,")).unwrap();
    assert!(
        row.starts_with("s04,dani@uni.es,Dani Sanz,-,-,\"No corregido: "),
        "{row}"
    );
    // Everything was denied to s03: its activities wait for review.
    let row = canvas.lines().find(|l| l.contains(",s03,")).unwrap();
    assert_eq!(row, "Carla Ruiz,,s03,carla@uni.es,,,,");
    let summary = class.read("salida/summary.md");
    assert!(summary.contains("| s04 | Dani Sanz |"), "{summary}");
    assert!(
        summary.contains("| s03 | Carla Ruiz | redes | Pendiente de revisión"),
        "{summary}"
    );
}

#[test]
fn rerunning_keeps_a_good_report_over_a_failed_read_unless_forced() {
    let class = Class::new();
    assert_eq!(class.batch("salida", &["--format", "gradescope"]).code, 3);
    let before = class.read("salida/s01/report.json");
    let canvas_before = class.read("salida/gradebook.csv");

    // s01's account is unreadable tonight.
    std::fs::write(
        class.root().join("entregas/s01.json"),
        "{\"schema_version\": 1, \"source\": 7}",
    )
    .unwrap();
    let o = class.batch("salida", &["--format", "gradescope"]);
    assert_eq!(
        o.code, 3,
        "a failed read is reported even when the old grade stands"
    );
    assert!(
        o.stderr.contains("s01: se conserva la corrección anterior"),
        "{}",
        o.stderr
    );
    assert_eq!(
        class.read("salida/s01/report.json"),
        before,
        "the good report is untouched"
    );
    assert_eq!(class.read("salida/gradebook.csv"), canvas_before);
    let manifest = json(&class.root().join("salida/batch.json"));
    let s01 = &manifest["students"][0];
    assert_eq!(s01["status"], "kept_previous");
    assert!(s01["reason"].as_str().unwrap().contains("--force"), "{s01}");
    assert!(
        class
            .read("salida/summary.md")
            .contains("## Con la corrección anterior")
    );

    let o = class.batch("salida", &["--format", "gradescope", "--force"]);
    assert_eq!(o.code, 3);
    assert!(!class.root().join("salida/s01/report.json").exists());
    assert!(class.root().join("salida/s01/not-graded.json").exists());
    let results = json(&class.root().join("salida/s01/results.json"));
    assert!(
        results["output"]
            .as_str()
            .unwrap()
            .contains("no es tu nota"),
        "{results}"
    );
    let row = class.read("salida/gradebook.csv");
    let row = row
        .lines()
        .find(|l| l.contains(",s01,"))
        .unwrap()
        .to_string();
    assert_eq!(row, "\"García, Ana\",,s01,ana@uni.es,,,,");

    // Fixed again: graded again, the failure marker gone.
    std::fs::copy(
        repo().join("tests/fixtures/broken.snapshot.json"),
        class.root().join("entregas/s01.json"),
    )
    .unwrap();
    class.batch("salida", &[]);
    assert!(class.root().join("salida/s01/report.json").exists());
    assert!(!class.root().join("salida/s01/not-graded.json").exists());
}

#[test]
fn hidden_scenarios_run_and_count_only_for_the_instructor() {
    let class = Class::new();
    class.batch("alumnos", &[]);
    class.batch("profesor", &["--instructor", "--format", "gradescope"]);
    let pp = |dir: &str| {
        class
            .read(&format!("{dir}/gradebook.csv"))
            .lines()
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(pp("alumnos"), "Points Possible,,,,,15,10,25");
    assert_eq!(pp("profesor"), "Points Possible,,,,,20,10,30");
    let r = json(&class.root().join("profesor/s02/report.json"));
    assert!(
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "red-oculto")
    );
    let g = json(&class.root().join("profesor/s02/results.json"));
    let tests = g["tests"].as_array().unwrap();
    let vis = |id: &str| tests.iter().find(|t| t["number"] == id).unwrap()["visibility"].clone();
    assert_eq!(vis("red-oculto"), "after_published");
    assert_eq!(vis("red-nat"), "visible");
    assert!(class.read("profesor/summary.md").contains("modo profesor"));
}

#[test]
fn gradescope_results_json_as_gradescope_reads_it() {
    let class = Class::new();
    class.batch("salida", &["--format", "gradescope"]);
    let mut v = json(&class.root().join("salida/s01/results.json"));
    v["execution_time"] = 0.into();
    v["extra_data"]["cloudgrade_version"] = "[version]".into();
    // Gradescope requires these keys and types.
    assert!(v["score"].is_number());
    for t in v["tests"].as_array().unwrap() {
        for k in ["name", "number", "output", "visibility"] {
            assert!(t[k].is_string(), "{k} in {t}");
        }
        assert!(t["score"].is_number() && t["max_score"].is_number());
        assert!(t["tags"].is_array());
    }
    insta::assert_snapshot!("gradescope_s01", serde_json::to_string_pretty(&v).unwrap());

    // Not evaluable: worth nothing either way, and it says so.
    let v = json(&class.root().join("salida/s03/results.json"));
    let t = &v["tests"][0];
    assert_eq!(
        (t["score"].as_f64(), t["max_score"].as_f64()),
        (Some(0.0), Some(0.0)),
        "{t}"
    );
    assert!(t.get("status").is_none());
    assert!(
        t["output"]
            .as_str()
            .unwrap()
            .contains("no cuentan ni a favor ni en contra")
    );
}

#[test]
fn shards_cover_the_class_once_and_merge_into_the_same_gradebook() {
    let class = Class::new();
    class.batch("todo", &[]);
    let one = class.batch("f1", &["--shard", "1/2"]);
    let two = class.batch("f2", &["--shard", "2/2"]);
    assert!(
        one.stdout.contains("3 alumnos (fragmento 1/2)"),
        "{}",
        one.stdout
    );
    assert!(
        two.stdout.contains("2 alumnos (fragmento 2/2)"),
        "{}",
        two.stdout
    );
    assert!(class.root().join("f1/s01").exists() && !class.root().join("f1/s02").exists());

    let mut c = cloudgrade();
    c.current_dir(class.root())
        .args(["merge", "f1", "f2", "--out", "clase"]);
    let o = run(c);
    assert_eq!(o.code, 3, "s04 is still not graded: {}", o.stderr);
    assert_eq!(
        class.read("clase/gradebook.csv"),
        class.read("todo/gradebook.csv")
    );
    assert_eq!(
        class.read("clase/gradebook-moodle.csv"),
        class.read("todo/gradebook-moodle.csv")
    );
    let merged = json(&class.root().join("clase/batch.json"));
    assert_eq!(merged["students"][1]["report"], "../f2/s02/report.json");

    let mut c = cloudgrade();
    c.current_dir(class.root())
        .args(["merge", "f1", "f1", "--out", "mal"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("s01: en f1 y en f1"), "{}", o.stderr);

    let mut c = cloudgrade();
    c.current_dir(class.root())
        .args(["merge", "f1", "--out", "medio"]);
    let o = run(c);
    assert!(
        o.stderr.contains("faltan los fragmentos 2/2"),
        "{}",
        o.stderr
    );
    assert!(
        class
            .read("medio/summary.md")
            .contains("faltan los fragmentos 2/2")
    );

    // Another roster is another class.
    std::fs::write(
        class.root().join("otra.csv"),
        "student_id,source\nz9,entregas/s01.json\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(class.root()).args([
        "batch",
        "otra.csv",
        "--out",
        "otra",
        "--features",
        "features",
        "-q",
    ]);
    run(c);
    let mut c = cloudgrade();
    c.current_dir(class.root())
        .args(["merge", "f1", "otra", "--out", "mal2"]);
    let o = run(c);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("no son de la misma lista"),
        "{}",
        o.stderr
    );

    let bad = class.batch("x", &["--shard", "3/2"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--shard «3/2»"), "{}", bad.stderr);
}

#[test]
fn save_inventory_writes_the_snapshot_diff_compares() {
    let class = Class::new();
    class.batch("salida", &["--save-inventory"]);
    let inv = class.root().join("salida/s02/inventory.json");
    let loaded = cloudgrade_model::Inventory::load(&inv).unwrap();
    assert_eq!(loaded.source.kind, "terraform");
    assert!(!class.root().join("salida/s04/inventory.json").exists());
}

// ---- the example workflows and manifests run their commands for real ----

/// The `run: |` block of the step with `id: <id>`.
fn run_block(yaml: &str, id: &str) -> String {
    let lines: Vec<&str> = yaml.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id: {id}"))
        .unwrap_or_else(|| panic!("no step with id {id}"));
    let run_at = (at..lines.len())
        .find(|&i| lines[i].trim() == "run: |")
        .unwrap_or_else(|| panic!("step {id} has no run block"));
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[run_at]);
    lines[run_at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > base)
        .map(|l| l.get(base + 2..).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// GitHub evaluates `${{ ... }}` before the shell sees the script.
fn expand(script: &str, values: &[(&str, &str)]) -> String {
    let mut s = script.to_string();
    for (k, v) in values {
        s = s.replace(&format!("${{{{ {k} }}}}"), v);
    }
    assert!(!s.contains("${{"), "unexpanded expression in:\n{s}");
    s
}

struct Shell {
    code: i32,
    stderr: String,
}

/// Runs a script with bash, `cloudgrade` on PATH being the binary under test.
fn bash(dir: &Path, script: &str, env: &[(&str, &Path)]) -> Shell {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cloudgrade"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.arg("-eo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("bash");
    Shell {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn the_student_workflow_grades_summarises_and_reports_points() {
    let yaml =
        std::fs::read_to_string(repo().join("examples/github/student-classroom.yml")).unwrap();
    let work = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/terraform/curso"), work.path());
    let summary = work.path().join("summary.md");
    let output = work.path().join("github-output");
    let env = [
        ("GITHUB_STEP_SUMMARY", summary.as_path()),
        ("GITHUB_OUTPUT", output.as_path()),
    ];
    for id in ["grade", "summary", "cloudgrade"] {
        let sh = bash(work.path(), &run_block(&yaml, id), &env);
        assert_eq!(sh.code, 0, "step {id}: {}", sh.stderr);
    }
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains("code=0") || outputs.contains("code=1"),
        "{outputs}"
    );
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("## cloudgrade:")
    );
    assert!(work.path().join("cloudgrade-informe/report.html").exists());
    // What autograding-grading-reporter decodes: base64 JSON with points.
    let b64 = outputs
        .lines()
        .find_map(|l| l.strip_prefix("result="))
        .expect("result output");
    let decoded = Command::new("base64")
        .arg("-d")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut p| {
            use std::io::Write;
            p.stdin.take().unwrap().write_all(b64.as_bytes())?;
            p.wait_with_output()
        })
        .unwrap();
    let results: serde_json::Value = serde_json::from_slice(&decoded.stdout).unwrap();
    let report = json(&work.path().join("cloudgrade-informe/report.json"));
    assert_eq!(results["version"], 1);
    assert_eq!(
        results["max_score"].as_f64(),
        report["summary"]["max_points"].as_f64()
    );
    let total: f64 = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .sum();
    assert_eq!(total, report["summary"]["points"].as_f64().unwrap());
    assert!(
        matches!(results["status"].as_str(), Some("pass" | "fail")),
        "{results}"
    );
}

#[test]
fn the_nightly_workflow_grades_shards_merges_and_fails_on_a_regression() {
    let yaml = std::fs::read_to_string(repo().join("examples/github/nightly.yml")).unwrap();
    let class = Class::new();
    let summary = class.root().join("summary.md");
    let output = class.root().join("github-output");
    let env = [
        ("GITHUB_STEP_SUMMARY", summary.as_path()),
        ("GITHUB_OUTPUT", output.as_path()),
    ];
    let features = class.root().join("features");
    // The workflow grades the course's features; the test's stand in.
    let with_features = |s: String| {
        s.replace(
            "cloudgrade batch roster.csv",
            &format!(
                "cloudgrade batch roster.csv --features {}",
                features.display()
            ),
        )
    };

    // Last night: every shard, merged, kept for tonight.
    for k in ["1", "2", "3", "4"] {
        let script = with_features(expand(&run_block(&yaml, "batch"), &[("matrix.shard", k)]));
        let sh = bash(class.root(), &script, &env);
        assert_eq!(sh.code, 0, "shard {k}: {}", sh.stderr);
    }
    let sh = bash(class.root(), &run_block(&yaml, "merge"), &env);
    assert_eq!(sh.code, 0, "merge: {}", sh.stderr);
    assert!(
        class
            .read("class/summary.md")
            .contains("# Resumen de la clase")
    );
    let sh = bash(class.root(), &run_block(&yaml, "drift"), &env);
    assert_eq!(sh.code, 0, "drift with no yesterday: {}", sh.stderr);
    assert!(
        class
            .root()
            .join("previous/shards/shard-1/s01/report.json")
            .exists()
    );

    // Tonight s02 broke its NAT route.
    let nat = class.root().join("entregas/s02/network.tf");
    let tf = std::fs::read_to_string(&nat).unwrap();
    let broken = tf.replace(
        "nat_gateway_id         = aws_nat_gateway.main[count.index].id",
        "gateway_id             = aws_internet_gateway.main.id",
    );
    assert_ne!(tf, broken, "the fixture's NAT route moved: update the test");
    std::fs::write(&nat, broken).unwrap();
    std::fs::remove_dir_all(class.root().join("shards")).unwrap();
    for k in ["1", "2", "3", "4"] {
        let script = with_features(expand(&run_block(&yaml, "batch"), &[("matrix.shard", k)]));
        assert_eq!(bash(class.root(), &script, &env).code, 0);
    }
    let sh = bash(class.root(), &run_block(&yaml, "merge"), &env);
    assert_eq!(sh.code, 0, "{}", sh.stderr);
    let sh = bash(class.root(), &run_block(&yaml, "drift"), &env);
    assert_eq!(sh.code, 0, "{}", sh.stderr);
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.trim_end().ends_with("regressed=1"), "{outputs}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("### s02") && md.contains("Empeoran"), "{md}");
}

#[test]
fn the_kubernetes_indexed_job_runs_its_shard_and_the_merge_job_combines_them() {
    let class = Class::new();
    let job =
        std::fs::read_to_string(repo().join("examples/kubernetes/cloudgrade-class.yaml")).unwrap();
    let merge =
        std::fs::read_to_string(repo().join("examples/kubernetes/cloudgrade-merge.yaml")).unwrap();
    let script = |yaml: &str| -> String {
        let lines: Vec<&str> = yaml.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim() == "- |")
            .expect("args block");
        let indent = lines[at].len() - lines[at].trim_start().len();
        lines[at + 1..]
            .iter()
            .take_while(|l| l.len() - l.trim_start().len() > indent)
            .map(|l| l.trim_start())
            .collect::<Vec<_>>()
            .join("\n")
            .replace("/clase/", &format!("{}/", class.root().display()))
            .replace(
                "/resultados/",
                &format!("{}/resultados/", class.root().display()),
            )
            .replace(
                "cloudgrade batch ",
                &format!(
                    "cloudgrade batch --features {} ",
                    class.root().join("features").display()
                ),
            )
    };
    for index in 0..4 {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_cloudgrade"));
        let o = Command::new("sh")
            .arg("-c")
            .arg(script(&job))
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
            )
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "index {index}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let m = json(
            &class
                .root()
                .join(format!("resultados/fragmento-{index}/batch.json")),
        );
        assert_eq!(m["shard"]["index"], index + 1);
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cloudgrade"));
    let o = Command::new("sh")
        .arg("-c")
        .arg(script(&merge))
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = json(&class.root().join("resultados/clase/batch.json"));
    assert_eq!(m["students"].as_array().unwrap().len(), 5);
}

#[cfg(feature = "aws")]
#[test]
fn live_accounts_in_one_moto_are_read_by_role_each_into_its_own_account() {
    let moto = common::Moto::start();
    // moto keeps one state per account; an assumed role's keys act in the
    // role's account, so each sandbox is a role ARN with its own id.
    let accounts = [
        ("111111111111", "scenarios/reference"),
        ("222222222222", "scenarios/rds-public"),
    ];
    for (acct, world) in accounts {
        let (key, secret, token) = assume_role(moto.port, acct);
        let mut c = cloudgrade();
        c.args([
            "world",
            "apply",
            world,
            "--endpoint-url",
            &moto.url(),
            "--region",
            "us-east-1",
        ])
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token);
        let o = run(c);
        assert_eq!(o.code, 0, "{world}: {}", o.stderr);
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roster.csv"),
        "student_id,source\n\
         ref,aws-role://arn:aws:iam::111111111111:role/cloudgrade@us-east-1\n\
         pub,aws-role://arn:aws:iam::222222222222:role/cloudgrade@us-east-1\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(dir.path()).args([
        "batch",
        "roster.csv",
        "--out",
        "salida",
        "--endpoint-url",
        &moto.url(),
        "--tags",
        common::AWS_TAGS,
        "--jobs",
        "2",
    ]);
    let o = run(c);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let r = json(&dir.path().join("salida/ref/report.json"));
    assert_eq!(r["provenance"]["source"]["account_id"], "111111111111");
    // The reference passes all but what its expectation says a live read
    // fails (a fact only its Terraform holds, such as a secret's rotation).
    let expect = cloudgrade_worlds::Expectation::load(&repo().join("scenarios/reference")).unwrap();
    let live_fails = expect
        .scenarios
        .values()
        .filter(|s| s.for_source(true).0 == cloudgrade_worlds::Verdict::Failed)
        .count();
    assert_eq!(
        r["summary"]["failed"], live_fails,
        "the reference world passes as its expectation says"
    );
    assert!(r["provenance"]["api_calls"].as_u64().unwrap() > 0);
    let p = json(&dir.path().join("salida/pub/report.json"));
    assert_eq!(p["provenance"]["source"]["account_id"], "222222222222");
    assert!(
        p["summary"]["failed"].as_u64().unwrap() > 0,
        "rds-public fails"
    );
    assert!(o.stdout.contains("llamadas a la API"), "{}", o.stdout);
}

/// STS AssumeRole by hand: moto checks no signature.
#[cfg(feature = "aws")]
fn assume_role(port: u16, account: &str) -> (String, String, String) {
    use std::io::{Read, Write};
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=cloudgrade-test&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2Fcloudgrade"
    );
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: sts.us-east-1.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let tag = |t: &str| {
        let start = out
            .find(&format!("<{t}>"))
            .unwrap_or_else(|| panic!("{t} in {out}"))
            + t.len()
            + 2;
        let end = out[start..].find(&format!("</{t}>")).unwrap() + start;
        out[start..end].to_string()
    };
    (
        tag("AccessKeyId"),
        tag("SecretAccessKey"),
        tag("SessionToken"),
    )
}

// ---- for the engine (src/grade/run.rs): un-ignore when it supports them ----

const PARCIAL: &str = "# language: es
@actividad:rds
Característica: La base de datos, por capas

  @id:rds-capas @puntos:9 @parcial
  Escenario: La base de datos es privada y solo la alcanzan las tareas ECS
    Dadas las instancias RDS
    Entonces ninguna es accesible públicamente
    Y todas sus subredes son privadas
    Y solo aceptan conexiones desde el grupo de seguridad de las tareas ECS
";

#[test]
fn a_partial_scenario_gives_points_per_assertion_passed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("capas.feature"), PARCIAL).unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        "tests/fixtures/broken.snapshot.json",
        "--features",
    ])
    .arg(dir.path())
    .arg("--out")
    .arg(dir.path().join("out"))
    .arg("--quiet");
    let o = run(c);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r = json(&dir.path().join("out/report.json"));
    let sc = &r["scenarios"][0];
    // Private: yes. Subnets private: no (privada-b routes to the IGW).
    // Only from the ECS group: yes. Every assertion runs, even after one fails.
    assert_eq!(sc["verdict"], "failed");
    assert_eq!(sc["points"], 6.0);
    assert_eq!(sc["max_points"], 9.0);
    let statuses: Vec<&str> = sc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "passed", "failed", "passed"]);
    assert_eq!(r["summary"]["points"], 6.0);
}

#[test]
fn grade_skips_hidden_scenarios_unless_instructor() {
    let class = Class::new();
    let grade = |extra: &[&str]| {
        let mut c = cloudgrade();
        c.current_dir(class.root())
            .args([
                "grade",
                "--snapshot",
                "entregas/s01.json",
                "--features",
                "features",
            ])
            .args(["--out", "g", "--quiet"])
            .args(extra);
        run(c);
        json(&class.root().join("g/report.json"))
    };
    let student = grade(&[]);
    assert!(!scenario_ids(&student).contains(&"red-oculto".to_string()));
    assert_eq!(student["summary"]["max_points"], 25.0);
    let instructor = grade(&["--instructor"]);
    assert!(scenario_ids(&instructor).contains(&"red-oculto".to_string()));
}

/// A roster may name each student's `terraform show -json` (a plan or a
/// state): graded like the folder it came from.
#[test]
fn plan_json_submissions_are_graded_like_their_folders() {
    let class = Class::new();
    let root = class.root();
    for (student, world) in [("p01", "reference"), ("p02", "private-rt-to-igw")] {
        let mut c = cloudgrade();
        c.args(["world", "terraform"])
            .arg(repo().join("scenarios").join(world))
            .arg("--out")
            .arg(root.join("planes").join(student))
            .arg("--plans");
        let o = run(c);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    std::fs::write(
        root.join("planes.csv"),
        "student_id,name,email,source\n\
         p01,Pau Gil,pau@uni.es,planes/p01/plan-applied.json\n\
         p02,Rosa Vidal,rosa@uni.es,planes/p02/plan.json\n",
    )
    .unwrap();
    let mut c = cloudgrade();
    c.current_dir(root).args([
        "batch",
        "planes.csv",
        "--out",
        "salida",
        "--features",
        "features",
    ]);
    let o = run(c);
    // Everybody graded: a failed scenario is a student's grade, not the batch's.
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let verdict = |student: &str, id: &str| {
        let r = json(&root.join("salida").join(student).join("report.json"));
        assert_eq!(r["provenance"]["source"]["kind"], "plan", "{r}");
        scenario(&r, id)["verdict"].clone()
    };
    assert_eq!(verdict("p01", "red-nat"), "passed");
    assert_eq!(verdict("p02", "red-nat"), "failed");
}
