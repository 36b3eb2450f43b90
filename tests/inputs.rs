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
            reason.contains(&format!("tests/fixtures/features-no-assertion/x.feature:{line}"))
                && reason.contains("no comprueba nada"),
            "{reason}"
        );
    }
    // A `Then` step under `Y` is an assertion: graded as usual (the empty
    // account has no subnets to select, so it fails, never passes vacuously).
    assert_eq!(scenario(&report, "with-assertion")["verdict"], "failed");
}
