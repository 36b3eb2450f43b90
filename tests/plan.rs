//! `cloudgrade grade --plan`: the JSON of `terraform show -json` graded like
//! any other source.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("crates/terraform/tests/fixtures/plan")
        .join(name)
}

fn grade_plan(plan: &Path, out: &Path) -> Output {
    let mut c = cloudgrade();
    c.args(["grade", "--plan"])
        .arg(plan)
        .args(["--tags", AWS_TAGS, "--out"])
        .arg(out);
    run(c)
}

fn verdict(out: &Path, id: &str) -> String {
    let report = read_json(&out.join("report.json"));
    scenario(&report, id)["verdict"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_first_plan_routes_private_subnets_through_the_nat() {
    let out = tempfile::tempdir().unwrap();
    let o = grade_plan(&fixture("first-plan.json"), out.path());
    // Exit 1: the scenarios about RDS and ECS fail, there are none.
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(verdict(out.path(), "net-private-egress-nat"), "passed");
}

#[test]
fn a_state_whose_private_route_goes_to_the_internet_gateway_fails() {
    let text = std::fs::read_to_string(fixture("state.json")).unwrap();
    let mut state: serde_json::Value = serde_json::from_str(&text).unwrap();
    let private = state["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == "aws_route_table.private")
        .unwrap();
    private["values"]["route"][0]["nat_gateway_id"] = "".into();
    private["values"]["route"][0]["gateway_id"] = "igw-0i1".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, serde_json::to_string(&state).unwrap()).unwrap();

    let out = tempfile::tempdir().unwrap();
    let o = grade_plan(&path, out.path());
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(verdict(out.path(), "net-private-egress-nat"), "failed");

    let ok = tempfile::tempdir().unwrap();
    grade_plan(&fixture("state.json"), ok.path());
    assert_eq!(verdict(ok.path(), "net-private-egress-nat"), "passed");
}

#[test]
fn malformed_plan_is_bad_input_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, "{\n  \"format_version\": ,\n}").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = grade_plan(&path, out.path());
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("plan.json:2:"), "{}", o.stderr);
}

#[test]
fn plan_conflicts_with_other_sources() {
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--plan",
        "p.json",
        "--snapshot",
        "s.json",
        "--out",
        "x",
    ]);
    let o = run(c);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
}
