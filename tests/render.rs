//! Every rendering of one graded run, pinned with insta snapshots. The run
//! grades a fixed snapshot (a private subnet routed to the internet gateway
//! and a password in a task definition's environment) with a frozen copy of
//! the headline features (tests/fixtures/features: a new rule in features/
//! changes no snapshot here); volatile fields (time, durations, hashes) are
//! fixed first.

mod common;

use std::path::Path;

use cloudgrade::grade::{self, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade_model::Inventory;

fn graded() -> Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inv = Inventory::load(&root.join("tests/fixtures/broken.snapshot.json")).unwrap();
    graded_inventory(inv)
}

#[test]
fn verdicts_of_the_fixture() {
    let r = graded();
    let verdicts: Vec<(String, &str)> = r
        .scenarios
        .iter()
        .map(|s| (s.id.clone(), s.verdict.as_str()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("rds-only-from-ecs".to_string(), "failed"),
            ("net-private-egress-nat".to_string(), "failed"),
            ("ecs-no-env-secrets".to_string(), "failed"),
            ("ecs-secrets-from-secrets-manager".to_string(), "passed"),
        ]
    );
    // The fixture's features are the headline ones: of the mistakes of
    // examples/terraform/entrega, those it grades.
    let points = common::scenario_points(Path::new("tests/fixtures/features"));
    let total: u32 = points.values().sum();
    let lost: u32 = common::ENTREGA_FAILS
        .iter()
        .filter_map(|id| points.get(*id))
        .sum();
    assert_eq!(r.summary.points, f64::from(total - lost));
    assert_eq!(r.summary.max_points, f64::from(total));
}

#[test]
fn json() {
    insta::assert_snapshot!(report::render(&graded(), Format::Json, false));
}

#[test]
fn terminal() {
    insta::assert_snapshot!(report::render(&graded(), Format::Terminal, false));
}

#[test]
fn terminal_colours_only_when_asked() {
    let r = graded();
    assert!(report::render(&r, Format::Terminal, true).contains("\x1b[31m"));
    assert!(!report::render(&r, Format::Terminal, false).contains('\x1b'));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(report::render(&graded(), Format::Markdown, false));
}

#[test]
fn junit() {
    insta::assert_snapshot!(report::render(&graded(), Format::Junit, false));
}

/// What a JUnit reader counts: read back with a JUnit parser, the
/// failures, skips and cases are the report's.
#[test]
fn junit_reads_back_with_the_reports_counts() {
    let r = graded();
    let xml = report::render(&r, Format::Junit, false);
    let back = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    assert_eq!(back.tests, r.summary.total);
    assert_eq!(back.failures, r.summary.failed);
    assert_eq!(back.skipped, r.summary.not_evaluable);
    assert_eq!(back.errors, r.summary.grader_error);
    let cases: usize = back.test_suites.iter().map(|s| s.test_cases.len()).sum();
    assert_eq!(cases, r.scenarios.len());
}

#[test]
fn the_json_report_round_trips() {
    let r = graded();
    let text = report::render(&r, Format::Json, false);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, text).unwrap();
    assert_eq!(report::load(&path).unwrap(), r);
}

#[test]
fn a_schema_1_report_still_reads() {
    // A /1 report has none of the fields /2 added: they read as absent.
    let mut v: serde_json::Value =
        serde_json::from_str(&report::render(&graded(), Format::Json, false)).unwrap();
    v["schema"] = "cloudgrade.report/1".into();
    for sc in v["scenarios"].as_array_mut().unwrap() {
        sc.as_object_mut().unwrap().remove("keyword");
        for st in sc["steps"].as_array_mut().unwrap() {
            st.as_object_mut().unwrap().remove("duration_ns");
        }
    }
    for f in v["provenance"]["features"].as_array_mut().unwrap() {
        let f = f.as_object_mut().unwrap();
        for k in ["keyword", "name", "line", "tags"] {
            f.remove(k);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let old = report::load(&path).unwrap();
    assert_eq!(old.scenarios.len(), graded().scenarios.len());
    assert!(old.scenarios.iter().all(|s| s.keyword.is_none()));
    assert!(old.provenance.features.iter().all(|f| f.line.is_none()));
    // Every format renders it.
    for f in Format::ALL {
        assert!(!report::render(&old, f, false).is_empty(), "{}", f.name());
    }
}

#[test]
fn an_unknown_schema_is_refused() {
    let mut v: serde_json::Value =
        serde_json::from_str(&report::render(&graded(), Format::Json, false)).unwrap();
    v["schema"] = "cloudgrade.report/99".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let e = report::load(&path).unwrap_err().to_string();
    assert!(e.contains("cloudgrade.report/99"), "{e}");
}

#[test]
fn the_json_report_matches_its_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("reports/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The snapshot's redacted hashes are not hashes: a real-looking one.
    let mut r = graded();
    for f in &mut r.provenance.features {
        f.sha256 = "0".repeat(64);
    }
    let instance: serde_json::Value =
        serde_json::from_str(&report::render(&r, Format::Json, false)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The example hand-in with its planted mistakes, graded from its
/// folder as `check` does: evidence with `file:line`.
fn entrega() -> Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Relative, as a student types it, so locations are repository paths.
    let dir = Path::new("examples/terraform/entrega");
    let inv = cloudgrade::sources::terraform_folder(
        &root.join(dir),
        &cloudgrade_terraform::Options::default(),
    )
    .unwrap();
    let mut r = graded_inventory(inv);
    r.provenance.source.location = dir.display().to_string();
    r
}

fn graded_inventory(inv: Inventory) -> Report {
    let info = RunInfo {
        started_at: "2026-01-01T00:00:00Z".into(),
        collect_ms: 0.0,
        api_calls: None,
    };
    let plan = common::fixture_plan();
    let filter = TagFilter::parse(Some("not @actividad:docker")).unwrap();
    let mut r = grade::grade(&inv, &plan, &filter, info).unwrap();
    r.provenance.timings.evaluate_ms = 0.0;
    r.provenance.version = "[version]".into();
    for f in &mut r.provenance.features {
        f.sha256 = "[sha256]".into();
    }
    for st in r.scenarios.iter_mut().flat_map(|s| &mut s.steps) {
        if st.duration_ns.is_some() {
            st.duration_ns = Some(0);
        }
    }
    r
}

/// One scenario of each verdict SARIF and Cucumber map differently: the
/// fixture's, with one made not evaluable and one a grader error (the
/// shapes `grade` produces for them).
fn every_verdict() -> Report {
    let mut r = graded();
    let at = |r: &Report, id: &str| {
        r.scenarios
            .iter()
            .position(|s| s.id == id)
            .unwrap_or_else(|| panic!("no scenario {id}"))
    };
    let (ne, ge) = (
        at(&r, "net-private-egress-nat"),
        at(&r, "ecs-no-env-secrets"),
    );
    let ne = &mut r.scenarios[ne];
    ne.verdict = report::Verdict::NotEvaluable;
    ne.points = 0.0;
    ne.reason = Some("la tabla de rutas se conoce solo tras el apply".into());
    for st in &mut ne.steps {
        if st.status == report::StepStatus::Failed {
            st.status = report::StepStatus::NotEvaluable;
        }
    }
    for e in &mut ne.evidence {
        if e.status == report::EvidenceStatus::Fail {
            e.status = report::EvidenceStatus::Unknown;
        }
    }
    let ge = &mut r.scenarios[ge];
    ge.verdict = report::Verdict::GraderError;
    ge.points = 0.0;
    ge.steps[1].status = report::StepStatus::Undefined;
    ge.reason = Some("features/secretos/entorno.feature:12: paso no definido «x»".into());
    r.summary = report::Summary::of(&r.scenarios);
    r
}

fn sarif_errors(text: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The official schema's `run.language` pattern ends in a stray `]`, a
    // literal in ECMA regexes but an error for the validator's engine:
    // escaping it means the same. Nothing else is touched.
    let schema_text = std::fs::read_to_string(root.join("reports/sarif-schema-2.1.0.json"))
        .unwrap()
        .replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let instance: serde_json::Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn sarif() {
    insta::assert_snapshot!(report::render(&graded(), Format::Sarif, false));
}

#[test]
fn sarif_of_a_terraform_folder() {
    insta::assert_snapshot!(report::render(&entrega(), Format::Sarif, false));
}

#[test]
fn sarif_matches_the_official_schema() {
    for (what, r) in [
        ("fixture", graded()),
        ("entrega", entrega()),
        ("every verdict", every_verdict()),
    ] {
        let text = report::render(&r, Format::Sarif, false);
        let errors = sarif_errors(&text);
        assert!(errors.is_empty(), "{what}: {errors:#?}");
    }
    // The validator does reject what the schema forbids.
    let mut broken: serde_json::Value =
        serde_json::from_str(&report::render(&graded(), Format::Sarif, false)).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!sarif_errors(&broken.to_string()).is_empty());
}

#[test]
fn sarif_points_at_the_planted_lines() {
    let v: serde_json::Value =
        serde_json::from_str(&report::render(&entrega(), Format::Sarif, false)).unwrap();
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let at = |rule: &str| -> Vec<(String, u64)> {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ruleId"] == rule)
            .map(|r| {
                assert_eq!(r["level"], "error");
                assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], rule);
                let loc = &r["locations"][0]["physicalLocation"];
                assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
                (
                    loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                    loc["region"]["startLine"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let base = "examples/terraform/entrega";
    assert!(at("rds-only-from-ecs").contains(&(format!("{base}/database.tf"), 15)));
    assert_eq!(
        at("net-private-egress-nat"),
        [
            (format!("{base}/network.tf"), 121),
            (format!("{base}/network.tf"), 121)
        ]
    );
    assert_eq!(at("ecs-no-env-secrets"), [(format!("{base}/app.tf"), 105)]);
    // The passing scenario is a rule with no result.
    assert!(at("ecs-secrets-from-secrets-manager").is_empty());
    assert!(rules.contains(&"ecs-secrets-from-secrets-manager"));
    // Help is the hint, in Spanish as written.
    let rule = &run["tool"]["driver"]["rules"][0];
    assert!(
        rule["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("en el grupo de seguridad")
    );
}

#[test]
fn sarif_never_passes_what_it_could_not_see() {
    let v: serde_json::Value =
        serde_json::from_str(&report::render(&every_verdict(), Format::Sarif, false)).unwrap();
    let run = &v["runs"][0];
    let ne: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "net-private-egress-nat")
        .collect();
    assert_eq!(ne.len(), 1);
    assert_eq!(ne[0]["kind"], "notApplicable");
    assert_eq!(ne[0]["level"], "none");
    assert!(
        ne[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("solo tras el apply")
    );
    // The grader error is the tool's notification, not a result.
    assert!(
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ruleId"] != "ecs-no-env-secrets")
    );
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["associatedRule"]["id"], "ecs-no-env-secrets");
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("paso no definido")
    );
}

#[test]
fn cucumber_json() {
    insta::assert_snapshot!(report::render(&graded(), Format::CucumberJson, false));
}

#[test]
fn cucumber_json_every_verdict() {
    insta::assert_snapshot!(report::render(
        &every_verdict(),
        Format::CucumberJson,
        false
    ));
}

/// What cucumber's JSON schema requires of each level (features: name and
/// uri; elements: type, line, name; steps: keyword, line, a status among
/// cucumber's, and error_message when failed), checked by hand: the schema
/// ships in no package this build can fetch.
#[test]
fn cucumber_json_has_the_shape_reporters_read() {
    let r = every_verdict();
    let v: serde_json::Value =
        serde_json::from_str(&report::render(&r, Format::CucumberJson, false)).unwrap();
    let features = v.as_array().unwrap();
    // One per feature file graded.
    let files: std::collections::BTreeSet<&str> = r
        .scenarios
        .iter()
        .map(|s| s.location.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(features.len(), files.len());
    let mut statuses = Vec::new();
    for f in features {
        assert!(f["uri"].as_str().unwrap().ends_with(".feature"));
        assert!(f["name"].is_string() && f["keyword"] == "Característica");
        assert!(f["line"].as_u64().unwrap() >= 1);
        for t in f["tags"].as_array().unwrap() {
            assert!(t["name"].as_str().unwrap().starts_with('@'));
        }
        for e in f["elements"].as_array().unwrap() {
            assert_eq!(e["type"], "scenario");
            assert_eq!(e["keyword"], "Escenario");
            assert!(e["line"].is_u64() && e["name"].is_string());
            for s in e["steps"].as_array().unwrap() {
                assert!(s["keyword"].as_str().unwrap().ends_with(' '));
                assert!(s["line"].is_u64());
                let status = s["result"]["status"].as_str().unwrap();
                if status == "failed" {
                    assert!(s["result"]["error_message"].is_string());
                }
                statuses.push((e["id"].as_str().unwrap().to_string(), status.to_string()));
            }
        }
    }
    let of = |id: &str| -> Vec<&str> {
        statuses
            .iter()
            .filter(|(e, _)| e.ends_with(&format!(";{id}")))
            .map(|(_, s)| s.as_str())
            .collect()
    };
    // Failed at the third step: the checks after it still ran, so the
    // student sees every mistake at once.
    assert_eq!(
        of("rds-only-from-ecs"),
        ["passed", "passed", "failed", "passed", "passed"]
    );
    // Not evaluable: skipped, with the reason, never passed.
    let ne = of("net-private-egress-nat");
    assert!(ne.contains(&"skipped") && !ne.contains(&"failed"), "{ne:?}");
    assert!(of("ecs-no-env-secrets").contains(&"undefined"));
    assert!(
        of("ecs-secrets-from-secrets-manager")
            .iter()
            .all(|s| *s == "passed")
    );
    let text = v.to_string();
    assert!(text.contains("no evaluable (ni suma ni resta): la tabla de rutas"));
}

#[test]
fn github_annotations() {
    insta::assert_snapshot!(report::render(&graded(), Format::Github, false));
}

#[test]
fn github_annotations_of_a_terraform_folder() {
    let text = report::render(&entrega(), Format::Github, false);
    insta::assert_snapshot!(text);
    let lines: Vec<&str> = text.lines().collect();
    for l in &lines {
        assert!(
            l.starts_with("::error ") || l.starts_with("::notice "),
            "{l}"
        );
    }
    assert!(lines.iter().any(|l| l.starts_with(
        "::error file=examples/terraform/entrega/database.tf,line=15,title=RDS es accesible"
    )));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=examples/terraform/entrega/app.tf,line=105,"))
    );
    // No raw newline inside a command; the hint follows on an escaped one.
    assert!(text.contains("%0APista: "));
}

#[test]
fn github_warns_for_what_is_not_the_students_mistake() {
    let text = report::render(&every_verdict(), Format::Github, false);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning title=no evaluable%3A "))
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning title=error del corrector%3A "))
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("::error") && l.contains("ecs-no-env-secrets"))
    );
}

#[test]
fn no_format_shows_the_planted_password() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tfvars =
        std::fs::read_to_string(root.join("examples/terraform/entrega/terraform.tfvars")).unwrap();
    let password = tfvars
        .lines()
        .find_map(|l| l.trim().strip_prefix("db_password"))
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap()
        .to_string();
    let r = entrega();
    for f in Format::ALL {
        assert!(
            !report::render(&r, f, false).contains(&password),
            "{} shows the password",
            f.name()
        );
    }
}
