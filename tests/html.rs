//! The HTML report, opened in a real browser (headless Chromium, Debian's
//! `chromium`; `scripts/setup-chromium.sh` installs it): what a student sees
//! is the score, every verdict, the blocked path of a reachability failure,
//! the hint, and nothing a scenario's text could smuggle in as markup.

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudgrade::grade::{self, FeatureSource, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade_model::Inventory;

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CLOUDGRADE_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new("which").arg(name).output()
            && o.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        }
    }
    panic!(
        "no headless Chromium: install it with scripts/setup-chromium.sh (apt-get install chromium) or set CLOUDGRADE_CHROMIUM"
    );
}

/// The DOM Chromium built from the file, serialized after parsing.
fn dump_dom(file: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The course's reference-like snapshot with the ECS → RDS path cut twice:
/// the tasks' group no longer lets 5432 out, and the subnets' NACL admits
/// nothing in. The database is otherwise right, so only reachability fails.
fn unreachable_db() -> Inventory {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/broken.snapshot.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["db_subnet_groups"][0]["subnet_ids"] = serde_json::json!(["subnet-priv-a"]);
    let sg_ecs = v["security_groups"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| g["id"] == "sg-ecs")
        .unwrap();
    sg_ecs["egress"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["from_port"] != 5432);
    v["network_acls"][0]["entries"]
        .as_array_mut()
        .unwrap()
        .retain(|e| !(e["egress"] == false && e["allow"] == true));
    Inventory::from_json(&v.to_string(), "unreachable-db").unwrap()
}

fn graded(inv: &Inventory, tags: &str) -> Report {
    let plan = grade::plan(&FeatureSource::Embedded.load().unwrap());
    let filter = TagFilter::parse(Some(tags)).unwrap();
    let info = RunInfo {
        started_at: "2026-01-01T00:00:00Z".into(),
        ..Default::default()
    };
    grade::grade(inv, &plan, &filter, info).unwrap()
}

#[test]
fn a_student_sees_score_verdicts_the_blocked_path_and_the_hint() {
    let report = graded(&unreachable_db(), "@actividad:rds or @actividad:redes");
    let rds = report
        .scenarios
        .iter()
        .find(|s| s.id == "rds-only-from-ecs")
        .unwrap();
    assert_eq!(rds.verdict.as_str(), "failed", "{rds:?}");
    let blocked: Vec<&str> = rds
        .evidence
        .iter()
        .filter(|e| e.status == report::EvidenceStatus::Fail)
        .map(|e| e.message.as_str())
        .collect();
    assert!(blocked.len() >= 2, "the path is cut twice: {blocked:?}");

    // Through the CLI, as an instructor re-renders a past run.
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    std::fs::write(&json, report::to_json(&report)).unwrap();
    let html = dir.path().join("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_cloudgrade"))
        .args(["report", "--format", "html", "--out"])
        .arg(&html)
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let source = std::fs::read_to_string(&html).unwrap();
    for external in [
        "http://", "https://", "src=", "<link", "<script", "@import", "url(",
    ] {
        assert!(!source.contains(external), "not self-contained: {external}");
    }

    let dom = dump_dom(&html);
    let s = &report.summary;
    assert!(
        dom.contains(&format!(
            "{} / {} puntos",
            report::points(s.points),
            report::points(s.max_points)
        )),
        "the score"
    );
    for sc in &report.scenarios {
        assert!(
            dom.contains(&format!("id=\"sc-{}\"", sc.id)),
            "{} has its section",
            sc.id
        );
    }
    let section = section(&dom, "rds-only-from-ecs");
    assert!(section.contains("✘ fallido"), "{section}");
    assert!(section.contains("Qué lo impide"), "{section}");
    for m in &blocked {
        let shown = m
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(section.contains(&shown), "blocked-path item missing: {m}");
    }
    assert!(
        section.contains("<ol class=\"blocked\">"),
        "an ordered path"
    );
    assert!(section.contains("Pista:"), "{section}");
    // Failures first: the student reads what to fix before what passed.
    let first = dom.find("<article").unwrap();
    assert!(dom[first..].starts_with("<article class=\"scenario v-failed\""));

    // It renders to pixels too (a blank page would be a few kB).
    let png = dir.path().join("shot.png");
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1000,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(std::fs::metadata(&png).unwrap().len() > 20_000);
}

/// The `<article>` of one scenario.
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom.find(&format!("id=\"sc-{id}\"")).unwrap();
    let end = dom[start..].find("</article>").unwrap() + start;
    &dom[start..end]
}

#[test]
fn text_from_features_and_sources_never_becomes_markup() {
    let mut report = graded(&unreachable_db(), "@actividad:rds");
    let sc = &mut report.scenarios[0];
    sc.name = "<img src=x onerror=\"document.title='pwned'\"> & \"comillas\"".into();
    sc.hint = Some("</div><script>document.title='pwned'</script>".into());
    sc.evidence[0].subject = "<b>negrita</b>".into();
    report.provenance.source.location = "'><iframe src=//evil>".into();
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, report::render(&report, Format::Html, false)).unwrap();
    let dom = dump_dom(&html);
    for tag in ["<img", "<script", "<iframe", "<b>"] {
        assert!(!dom.contains(tag), "{tag} became markup");
    }
    assert!(
        dom.contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt; &amp; \"comillas\"")
    );
    assert!(dom.contains("&lt;b&gt;negrita&lt;/b&gt;"));
    assert!(!dom.contains("<title>pwned</title>"));
}
