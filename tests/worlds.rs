//! Every world in scenarios/ is built into a real moto server, graded by the
//! real binary through the AWS SDK, and must get exactly the verdicts, exit
//! code and messages its expect.toml states. The planted secret values must
//! appear in no output of any format.

mod common;

use std::path::PathBuf;

use cloudgrade_worlds::Expectation;
use common::*;

fn world_dir(name: &str) -> PathBuf {
    repo().join("scenarios").join(name)
}

fn check_world(name: &str) {
    let dir = world_dir(name);
    let expect = Expectation::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let moto = Moto::start();
    apply_world(&moto, &dir);
    let out = tempfile::tempdir().unwrap();
    let o = grade_aws(&moto, out.path());

    let report = read_json(&out.path().join("report.json"));
    let mut problems = expectation_problems(&report, &expect, Strictness::Live);
    if o.code != expect.exit_code {
        problems.push(format!("exit code {} (want {})", o.code, expect.exit_code));
    }
    assert!(
        problems.is_empty(),
        "world {name}:\n  {}\n--- stdout\n{}\n--- stderr\n{}",
        problems.join("\n  "),
        o.stdout,
        o.stderr
    );

    assert_no_secret_leaks(&expect.planted_secrets, &[&o.stdout, &o.stderr], out.path());
    check_snapshot_round_trip(&moto, &report, &expect.planted_secrets);
    // Re-rendering the saved report must agree with what the run wrote.
    for format in ["terminal", "junit", "markdown", "json"] {
        let mut c = cloudgrade();
        c.args(["report", "--format", format])
            .arg(out.path().join("report.json"));
        let r = run(c);
        assert_eq!(
            r.code, expect.exit_code,
            "report --format {format}: {}",
            r.stderr
        );
        assert_no_secret_leaks(&expect.planted_secrets, &[&r.stdout], out.path());
    }
}

/// `collect` then `grade --snapshot` must give the same verdicts as grading
/// the emulator directly, and the snapshot itself must hold no secret value.
fn check_snapshot_round_trip(moto: &Moto, live: &serde_json::Value, planted: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let mut c = cloudgrade();
    c.args([
        "collect",
        "--aws",
        "--endpoint-url",
        &moto.url(),
        "--region",
        "us-east-1",
        "--out",
    ])
    .arg(&snap);
    let o = run(c);
    assert_eq!(o.code, 0, "collect: {}", o.stderr);
    let out = dir.path().join("graded");
    let mut c = cloudgrade();
    c.args(["grade", "--tags", AWS_TAGS, "--snapshot"])
        .arg(&snap)
        .args(PRODUCTION)
        .arg("--out")
        .arg(&out);
    let o = run(c);
    let offline = read_json(&out.join("report.json"));
    let verdicts = |r: &serde_json::Value| -> Vec<(String, String)> {
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].to_string(), s["verdict"].to_string()))
            .collect()
    };
    assert_eq!(
        verdicts(live),
        verdicts(&offline),
        "snapshot grading disagrees with live grading: {}",
        o.stdout
    );
    assert_no_secret_leaks(planted, &[&o.stdout, &o.stderr], dir.path());
}

macro_rules! worlds {
    ($($test:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $test() { check_world($dir); })*

        /// A world added to scenarios/ without a test here would be proven by nothing.
        #[test]
        fn every_world_has_a_test() {
            let mut listed = vec![$($dir),*];
            listed.sort();
            assert_eq!(listed, live_world_names());
        }
    };
}

worlds! {
    reference => "reference",
    ecs_on_ec2_bridge => "ecs-on-ec2-bridge",
    fargate_size_invalid => "fargate-size-invalid",
    log_group_missing => "log-group-missing",
    healthcheck_wrong_port => "healthcheck-wrong-port",
    container_as_root => "container-as-root",
    secret_rotation_yearly => "secret-rotation-yearly",
    tasks_public_no_ip => "tasks-public-no-ip",
    ecs_public_tasks => "ecs-public-tasks",
    ecs_egress_open => "ecs-egress-open",
    private_rt_to_igw => "private-rt-to-igw",
    private_no_egress => "private-no-egress",
    private_auto_public_ip => "private-auto-public-ip",
    private_one_az => "private-one-az",
    public_no_igw_route => "public-no-igw-route",
    vpc_no_dns_hostnames => "vpc-no-dns-hostnames",
    nat_in_private_subnet => "nat-in-private-subnet",
    single_nat => "single-nat",
    rds_open_world => "rds-open-world",
    rds_open_vpc_cidr => "rds-open-vpc-cidr",
    rds_public => "rds-public",
    rds_unencrypted => "rds-unencrypted",
    rds_backups_1_day => "rds-backups-1-day",
    rds_one_az => "rds-one-az",
    rds_no_minor_upgrades => "rds-no-minor-upgrades",
    rds_bad_username => "rds-bad-username",
    rds_no_safety_net => "rds-no-safety-net",
    rds_retired_version => "rds-retired-version",
    nacl_drops_return => "nacl-drops-return",
    sg_ssh_open => "sg-ssh-open",
    sg_undescribed => "sg-undescribed",
    no_telemetry => "no-telemetry",
    course_no_balancer => "course-no-balancer",
    alb_open_app_port => "alb-open-app-port",
    alb_instance_targets => "alb-instance-targets",
    alb_without_listener => "alb-without-listener",
    rds_parameter_family => "rds-parameter-family",
    ecs_no_rollback => "ecs-no-rollback",
    task_role_is_execution => "task-role-is-execution",
    trust_ecs_service => "trust-ecs-service",
    task_role_admin => "task-role-admin",
    task_role_s3_wildcard => "task-role-s3-wildcard",
    image_latest => "image-latest",
    env_db_password => "env-db-password",
    env_aws_key => "env-aws-key",
    env_database_url => "env-database-url",
    env_not_secrets => "env-not-secrets",
    secret_missing => "secret-missing",
    secret_role_too_broad => "secret-role-too-broad",
}

/// A request to moto's ECS API without the SDK, for what the SDK (and so
/// `world apply`) would never send.
fn ecs_call(moto: &Moto, action: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", moto.port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         X-Amz-Target: AmazonEC2ContainerServiceV20141113.{action}\r\n\
         Content-Type: application/x-amz-json-1.1\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// LocalStack 3.0's bundled moto drops `networkConfiguration` from ECS
/// services. A FARGATE service without subnets is something AWS never
/// returns: grading it would fail `rds-only-from-ecs` ("no hay ningún
/// servicio ECS con red awsvpc") for the emulator's loss. Such a service is
/// made here beside the reference world's (moto accepts it without a
/// network); the scenario must be not_evaluable naming the read, never failed.
#[test]
fn an_awsvpc_service_returned_without_its_network_is_a_gap_not_a_failure() {
    let moto = Moto::start();
    apply_world(&moto, &world_dir("reference"));
    let r = ecs_call(
        &moto,
        "CreateService",
        r#"{"cluster":"cloudgrade","serviceName":"sin-red","taskDefinition":"cloudgrade-app","desiredCount":1,"launchType":"FARGATE"}"#,
    );
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let out = tempfile::tempdir().unwrap();
    let o = grade_aws(&moto, out.path());
    let report = read_json(&out.path().join("report.json"));
    let s = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "rds-only-from-ecs")
        .unwrap_or_else(|| panic!("no rds-only-from-ecs in {report}"));
    assert_eq!(s["verdict"], "not_evaluable", "{s}\n{}", o.stdout);
    let reason = s["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("ecs:DescribeServices"), "{reason}");
    let gap = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["operation"] == "ecs:DescribeServices")
        .unwrap_or_else(|| panic!("no gap in {}", report["gaps"]));
    assert!(
        gap["message"]
            .as_str()
            .unwrap()
            .contains("el servicio sin-red usa la red awsvpc (FARGATE)"),
        "{gap}"
    );
    assert_ne!(o.code, 1, "a failure blamed on the student:\n{}", o.stdout);
}
