//! Hostile and awkward input through the real binary: scenarios that assert
//! nothing, huge or endless files, symlink loops, byte order marks and
//! UTF-16, malformed arguments. Each gets one clear Spanish line (or a
//! grader error naming file:line) and its documented exit code; none panics.

mod common;

use common::*;

fn one_line(s: &str) -> bool {
    s.trim_end().lines().count() == 1
}

fn no_panic(o: &Output) {
    assert!(
        !o.stderr.contains("panicked") && o.code >= 0,
        "exit {} {}",
        o.code,
        o.stderr
    );
}

#[test]
fn a_scenario_without_an_assertion_is_a_grader_error_naming_its_line() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        "tests/fixtures/empty.snapshot.json",
        "--features",
        "tests/fixtures/features-no-assertion",
        "--out",
    ])
    .arg(out.path());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.code, 4, "{}{}", o.stdout, o.stderr);
    let report = read_json(&out.path().join("report.json"));
    for (id, line) in [("only-given", 4), ("selection-under-then", 9)] {
        let s = scenario(&report, id);
        assert_eq!(s["verdict"], "grader_error", "{id}");
        assert_eq!(s["points"], 0.0);
        let reason = s["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!(
                "tests/fixtures/features-no-assertion/x.feature:{line}"
            )) && reason.contains("no comprueba nada"),
            "{reason}"
        );
    }
    // A `Then` step under `Y` is an assertion: graded as usual (the empty
    // account has no subnets to select, so it fails, never passes vacuously).
    assert_eq!(scenario(&report, "with-assertion")["verdict"], "failed");
}

fn check_dir(dir: &std::path::Path) -> Output {
    let mut c = cloudgrade();
    c.arg("check").arg(dir);
    run(c)
}

#[cfg(unix)]
#[test]
fn a_tf_file_that_is_a_device_or_too_large_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("main.tf")).unwrap();
    let o = check_dir(dir.path());
    no_panic(&o);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        one_line(&o.stderr)
            && o.stderr
                .contains("main.tf: no es un archivo sino un dispositivo"),
        "{}",
        o.stderr
    );

    // Sparse: 9 MiB on paper, nothing on disk.
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.tf")).unwrap();
    f.set_len(9 * 1024 * 1024).unwrap();
    let o = check_dir(dir.path());
    no_panic(&o);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        one_line(&o.stderr)
            && o.stderr
                .contains("big.tf: ocupa más de 8 MiB, el máximo para un archivo de Terraform"),
        "{}",
        o.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_plan_or_snapshot_that_is_a_device_or_too_large_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("plan.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(257 * 1024 * 1024)
        .unwrap();
    for (flag, path, want) in [
        (
            "--plan",
            big.as_path(),
            "plan.json: ocupa más de 256 MiB, el máximo para un plan JSON",
        ),
        (
            "--snapshot",
            std::path::Path::new("/dev/zero"),
            "/dev/zero: no es un archivo sino un dispositivo",
        ),
    ] {
        let mut c = cloudgrade();
        c.args(["grade", flag])
            .arg(path)
            .arg("--out")
            .arg(out.path());
        let o = run(c);
        no_panic(&o);
        assert_eq!(o.code, 2, "{flag}: {}{}", o.stdout, o.stderr);
        assert!(
            one_line(&o.stderr) && o.stderr.contains(want),
            "{flag}: {}",
            o.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn feature_discovery_walks_a_symlink_loop_once() {
    let dir = tempfile::tempdir().unwrap();
    let feats = dir.path().join("features");
    std::fs::create_dir_all(feats.join("redes")).unwrap();
    std::fs::write(
        feats.join("redes/a.feature"),
        "# language: es\nCaracterística: x\n  @id:uno\n  Escenario: uno\n    Dado que el código Terraform de la carpeta del alumno\n",
    )
    .unwrap();
    // features/redes/bucle -> features: every path through it is the same folder.
    std::os::unix::fs::symlink(&feats, feats.join("redes/bucle")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--snapshot",
        "tests/fixtures/empty.snapshot.json",
        "--features",
    ])
    .arg(&feats)
    .arg("--out")
    .arg(out.path());
    let o = run(c);
    no_panic(&o);
    assert!(!o.stderr.contains("File name too long"), "{}", o.stderr);
    let report = read_json(&out.path().join("report.json"));
    let ids: Vec<&str> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["uno"], "read once, not once per path: {}", o.stderr);
}

fn plan_fixture() -> Vec<u8> {
    std::fs::read(repo().join("crates/terraform/tests/fixtures/plan/first-plan.json")).unwrap()
}

fn grade_plan_bytes(bytes: &[u8]) -> (Output, Option<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, bytes).unwrap();
    let out = dir.path().join("out");
    let mut c = cloudgrade();
    c.args(["grade", "--plan"])
        .arg(&plan)
        .args(["--tags", AWS_TAGS, "--out"])
        .arg(&out);
    let o = run(c);
    let report = out
        .join("report.json")
        .exists()
        .then(|| read_json(&out.join("report.json")));
    (o, report)
}

#[test]
fn a_plan_with_a_bom_or_in_utf16_with_one_is_graded_like_utf8() {
    let utf8 = plan_fixture();
    let (clean, clean_report) = grade_plan_bytes(&utf8);
    let verdicts = |r: &serde_json::Value| -> Vec<(String, String)> {
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].to_string(), s["verdict"].to_string()))
            .collect()
    };
    let want = verdicts(&clean_report.expect("report"));
    let text = String::from_utf8(utf8.clone()).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(&utf8);
    // What PowerShell 5.1's `terraform show -json plan > plan.json` writes.
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for (name, bytes) in [("utf-8 bom", bom), ("utf-16 le", le), ("utf-16 be", be)] {
        let (o, report) = grade_plan_bytes(&bytes);
        assert_eq!(o.code, clean.code, "{name}: {}", o.stderr);
        assert_eq!(verdicts(&report.expect(name)), want, "{name}");
    }
}

#[test]
fn utf16_without_a_bom_and_a_utf16_tf_are_named_with_the_fix() {
    let text = String::from_utf8(plan_fixture()).unwrap();
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let (o, _) = grade_plan_bytes(&no_bom);
    no_panic(&o);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("plan.json: está en UTF-16 LE sin BOM"),
        "{}",
        o.stderr
    );

    // Terraform refuses a UTF-16 .tf, so cloudgrade does not grade one.
    let dir = tempfile::tempdir().unwrap();
    let mut tf = vec![0xFF, 0xFE];
    tf.extend(
        "variable \"x\" {}\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let o = check_dir(dir.path());
    no_panic(&o);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        one_line(&o.stderr)
            && o.stderr.contains("main.tf: está en UTF-16 LE")
            && o.stderr.contains("Out-File -Encoding utf8"),
        "{}",
        o.stderr
    );
}

#[cfg(feature = "aws")]
#[test]
fn an_endpoint_without_a_scheme_is_bad_usage_for_grade_and_world_apply() {
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        "localhost:5000",
        "--out",
    ])
    .arg(out.path());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr)
            && o.stderr
                .contains("«localhost:5000» no es una URL de endpoint"),
        "{}",
        o.stderr
    );
    let mut c = cloudgrade();
    c.args([
        "world",
        "apply",
        "scenarios/reference",
        "--endpoint-url",
        "localhost:5000",
    ]);
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr)
            && o.stderr
                .contains("«localhost:5000» no es una URL de endpoint"),
        "{}",
        o.stderr
    );
}

#[cfg(feature = "aws")]
#[test]
fn an_unknown_profile_is_bad_usage() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile curso]\nregion = eu-west-1\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.env("HOME", home.path())
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .args(["grade", "--aws", "--profile", "no-existe", "--out"])
        .arg(out.path());
    let o = run(c);
    no_panic(&o);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        one_line(&o.stderr) && o.stderr.contains("el perfil «no-existe» no existe"),
        "{}",
        o.stderr
    );
}

/// `world apply` against an endpoint that refuses, and one that accepts the
/// connection and never answers: exit 3 with one Spanish line (grade's
/// message), within grade's two-attempt budget instead of 120 s.
#[cfg(feature = "aws")]
#[test]
fn world_apply_against_a_dead_or_silent_endpoint_is_one_line_and_exit_3() {
    use std::time::{Duration, Instant};

    let refused = format!("http://127.0.0.1:{}", free_port());
    // Bound but never accepted: the kernel completes the handshake, no one
    // ever reads the request.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://127.0.0.1:{}", silent.local_addr().unwrap().port());
    for url in [refused, silent_url] {
        let mut c = cloudgrade();
        c.args([
            "world",
            "apply",
            "scenarios/reference",
            "--endpoint-url",
            &url,
        ]);
        let start = Instant::now();
        let o = run(c);
        no_panic(&o);
        assert_eq!(o.code, 3, "{url}: {}", o.stderr);
        assert!(
            one_line(&o.stderr)
                && o.stderr.contains(&format!("no se pudo conectar con {url}"))
                && o.stderr.contains("¿está en marcha el emulador?")
                && !o.stderr.contains("DispatchFailure")
                && !o.stderr.contains("{"),
            "{url}: {}",
            o.stderr
        );
        // A guard against the 120 s wait, not a speed measurement.
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{url}: took {:?}",
            start.elapsed()
        );
    }
    drop(silent);
}
