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

/// The fail evidence of a scenario, each as `location subject: message`.
fn failures(out: &Path, id: &str) -> Vec<String> {
    let report = read_json(&out.join("report.json"));
    scenario(&report, id)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "fail")
        .map(|e| {
            format!(
                "{} {}: {}",
                e["location"].as_str().unwrap_or(""),
                e["subject"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The database password the count project's plans carry in the clear, as
/// `terraform show -json` writes sensitive values.
const PLANNED_PASSWORD: &str = "Curso-Db-Clave-2024";

/// The count project's first plan, changed as `change` says, written pretty
/// into `dir`.
fn changed_count_plan(dir: &Path, change: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read_to_string(fixture("count/first-plan.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    change(&mut doc);
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

fn entries<'a>(
    doc: &'a mut serde_json::Value,
    list: &[&str],
    address: &str,
) -> Vec<&'a mut serde_json::Value> {
    let mut at = doc;
    for k in list {
        at = &mut at[*k];
    }
    at.as_array_mut()
        .unwrap()
        .iter_mut()
        .filter(|r| r["address"] == address)
        .collect()
}

/// A first plan of projects written with `count` and with `for_each`
/// decides the network and RDS rules, and so does the re-plan once applied.
#[test]
fn first_plans_of_count_and_for_each_projects_decide_network_and_rds() {
    for plan in [
        "count/first-plan.json",
        "count/replan.json",
        "for_each/first-plan.json",
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = grade_plan(&fixture(plan), out.path());
        assert!(
            o.code == 0 || o.code == 1,
            "{plan}: {}{}",
            o.stdout,
            o.stderr
        );
        for id in ["net-private-egress-nat", "rds-only-from-ecs"] {
            assert_eq!(
                verdict(out.path(), id),
                "passed",
                "{plan} {id}\n{}",
                o.stdout
            );
        }
        assert_no_secret_leaks(
            &[PLANNED_PASSWORD.to_string()],
            &[&o.stdout, &o.stderr],
            out.path(),
        );
    }
}

/// The private associations pointing at the public table, as a first plan
/// shows it: only the configuration says which table, the ids are unknown.
#[test]
fn a_first_plan_whose_private_subnets_use_the_public_table_fails_both_rules() {
    let dir = tempfile::tempdir().unwrap();
    let plan = changed_count_plan(dir.path(), |doc| {
        for c in entries(
            doc,
            &["configuration", "root_module", "resources"],
            "aws_route_table_association.private",
        ) {
            c["expressions"]["route_table_id"] = serde_json::json!({
                "references": ["aws_route_table.public.id", "aws_route_table.public"]
            });
        }
    });
    let out = tempfile::tempdir().unwrap();
    let o = grade_plan(&plan, out.path());
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(verdict(out.path(), "net-private-egress-nat"), "failed");
    let f = failures(out.path(), "net-private-egress-nat");
    assert_eq!(f.len(), 2, "{f:#?}");
    for (i, line) in f.iter().enumerate() {
        assert!(
            line.contains(&format!("aws_subnet.private[{i}] (curso-privada-{i})"))
                && line.contains("usa la tabla aws_route_table.public")
                && line.contains("va al internet gateway aws_internet_gateway.main"),
            "{line}"
        );
        // The evidence points at the subnet in the plan, not at line 1.
        assert!(!line.contains("plan.json:1 "), "{line}");
    }
    // The database in those subnets is reachable from the internet too.
    assert_eq!(verdict(out.path(), "rds-only-from-ecs"), "failed");
    assert!(
        failures(out.path(), "rds-only-from-ecs")
            .iter()
            .any(|l| l.contains("incluye aws_subnet.private[0] (curso-privada-0), que es pública")),
        "{:#?}",
        failures(out.path(), "rds-only-from-ecs")
    );
}

/// The database's security group open to 0.0.0.0/0 in a first plan: the
/// rule is known even if every id is not.
#[test]
fn a_first_plan_whose_database_is_open_to_the_world_fails_rds_only() {
    let dir = tempfile::tempdir().unwrap();
    let plan = changed_count_plan(dir.path(), |doc| {
        let open = serde_json::json!({
            "cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 5432,
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
            "security_groups": [], "self": false, "to_port": 5432
        });
        for r in entries(
            doc,
            &["planned_values", "root_module", "resources"],
            "aws_security_group.rds",
        ) {
            r["values"]["ingress"] = serde_json::json!([open.clone()]);
        }
        for r in entries(doc, &["resource_changes"], "aws_security_group.rds") {
            r["change"]["after"]["ingress"] = serde_json::json!([open.clone()]);
            r["change"]["after_unknown"]["ingress"] = serde_json::json!([{
                "cidr_blocks": [false], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []
            }]);
        }
        for c in entries(
            doc,
            &["configuration", "root_module", "resources"],
            "aws_security_group.rds",
        ) {
            c["expressions"]["ingress"] = serde_json::json!({"constant_value": [{
                "cidr_blocks": ["0.0.0.0/0"], "description": null, "from_port": 5432,
                "ipv6_cidr_blocks": null, "prefix_list_ids": null, "protocol": "tcp",
                "security_groups": null, "self": null, "to_port": 5432
            }]});
        }
    });
    let out = tempfile::tempdir().unwrap();
    let o = grade_plan(&plan, out.path());
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(verdict(out.path(), "net-private-egress-nat"), "passed");
    assert_eq!(verdict(out.path(), "rds-only-from-ecs"), "failed");
    let f = failures(out.path(), "rds-only-from-ecs");
    assert!(
        f.iter()
            .any(|l| l.contains("aws_security_group.rds (curso-rds)")
                && l.contains("tcp 5432 desde 0.0.0.0/0")),
        "{f:#?}"
    );
    assert_no_secret_leaks(
        &[PLANNED_PASSWORD.to_string()],
        &[&o.stdout, &o.stderr],
        out.path(),
    );
}
