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

/// The pixels of a screenshot, as RGB triples.
fn pixels(png_file: &Path) -> Vec<[u8; 3]> {
    let decoder = png::Decoder::new(std::fs::File::open(png_file).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    assert!(step >= 3, "a colour screenshot: {:?}", info.color_type);
    buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn screenshot(html: &Path, png_file: &Path, size: &str) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={size}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png_file.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A real hand-in's network, in a real browser: every subnet drawn in the
/// tier its routes put it in (the two "private" app subnets routed to the
/// internet gateway among the public ones), those two and their routes
/// flagged, the database's group flagged, and the flag colour really on
/// screen above the fold, where a student looks first.
#[test]
fn a_student_sees_their_network_and_what_is_wrong_in_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cloudgrade"))
        .arg("check")
        .arg(root.join("examples/terraform/entrega"))
        .args(["--format", "html", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = dir.path().join("report.html");
    let dom = dump_dom(&html);
    assert_eq!(dom.matches("<svg class=\"network\"").count(), 1, "one VPC");
    assert_eq!(dom.matches("<g class=\"subnet ").count(), 6);
    for (tier, subnet) in [
        ("public", "aws_subnet.public_a (tienda-public-a)"),
        ("public", "aws_subnet.public_b (tienda-public-b)"),
        ("public flagged", "aws_subnet.app_a (tienda-private-app-a)"),
        ("public flagged", "aws_subnet.app_b (tienda-private-app-b)"),
        ("private", "aws_subnet.db_a (tienda-private-db-a)"),
        ("private", "aws_subnet.db_b (tienda-private-db-b)"),
    ] {
        let g = format!("<g class=\"subnet tier-{tier}\" data-label=\"{subnet}\">");
        assert!(dom.contains(&g), "{g}");
    }
    assert_eq!(
        dom.matches("<path class=\"route flagged\"").count(),
        2,
        "the two app subnets' routes to the internet gateway"
    );
    assert!(dom.contains(
        "<tspan class=\"sg flagged\" fill=\"#ff2d55\" font-weight=\"700\">tienda-rds-sg</tspan>"
    ));
    assert!(dom.contains("RDS aws_db_instance.postgres"));
    assert!(dom.contains("ECS tienda-api"));

    // Visible, not only present: the flag colour is used for nothing else,
    // so its pixels in the first screen are the flagged boxes and routes.
    let png_file = dir.path().join("network.png");
    screenshot(&html, &png_file, "1000,900");
    let flag = [0xff, 0x2d, 0x55];
    let near = |p: &[u8; 3], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 24);
    let px = pixels(&png_file);
    let flagged = px.iter().filter(|p| near(p, flag)).count();
    let vpc = px.iter().filter(|p| near(p, [0x09, 0x69, 0xda])).count();
    assert!(flagged > 2_000, "flag-coloured pixels on screen: {flagged}");
    assert!(vpc > 1_000, "the VPC's outline on screen: {vpc}");
}

/// When the path to the database is cut, the picture points at what cuts
/// it: the NACL and the tasks' group named in the blocked path.
#[test]
fn the_picture_points_at_a_blocked_path() {
    let report = graded(&unreachable_db(), "@actividad:rds or @actividad:redes");
    let net = report.network.as_ref().expect("a network to draw");
    let flagged: Vec<&str> = net.vpcs[0]
        .subnets
        .iter()
        .filter_map(|s| s.network_acl.as_ref())
        .chain(
            net.vpcs[0]
                .workloads
                .iter()
                .flat_map(|w| w.security_groups.iter()),
        )
        .filter(|n| n.flagged_by.iter().any(|f| f == "rds-only-from-ecs"))
        .map(|n| n.label.as_str())
        .collect();
    assert!(!flagged.is_empty(), "{net:#?}");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, report::render(&report, Format::Html, false)).unwrap();
    let dom = dump_dom(&html);
    assert!(dom.contains("class=\"nacl flagged\"") || dom.contains("class=\"sg flagged\""));
}
