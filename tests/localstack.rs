//! Every world in scenarios/ built into community LocalStack (the course
//! lab's emulator, run on this machine without Docker by
//! scripts/localstack.sh) and graded by the real binary: the same verdicts,
//! exit code and messages as its expect.toml, and no planted secret in any
//! output. moto (tests/worlds.rs) stays the primary check; this one proves
//! LocalStack's own EC2, IAM, STS, Secrets Manager and Logs providers grade
//! alike. ECS, RDS and ELBv2 come from the moto LocalStack bundles (the
//! shim in scripts/localstack-shim): community LocalStack has none of them
//! of its own.
//!
//! One LocalStack process serves every world, each in an account of its own:
//! LocalStack keys its state by the account the access key id names, and
//! its community edition has no reset, so this avoids a 10-25 s start per
//! world. Skipped (saying so) when the venv of scripts/setup-localstack.sh is
//! absent, unless CLOUDGRADE_REQUIRE_LOCALSTACK is set, as `.ci/run` does
//! after installing it: in CI it always runs.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use cloudgrade_testkit::{Launch, Server};
use cloudgrade_worlds::Expectation;
use common::*;

/// One LocalStack process and the folder it keeps its state in.
struct LocalStack {
    server: Server,
    _state: tempfile::TempDir,
}

fn venv() -> PathBuf {
    std::env::var_os("CLOUDGRADE_LOCALSTACK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME"))
                .join(".cache/cloudgrade/localstack-venv")
        })
}

impl LocalStack {
    /// `None` when LocalStack is not installed and nothing requires it.
    fn start() -> Option<LocalStack> {
        let python = venv().join("bin/python");
        if !python.exists() {
            assert!(
                std::env::var_os("CLOUDGRADE_REQUIRE_LOCALSTACK").is_none(),
                "CLOUDGRADE_REQUIRE_LOCALSTACK is set but {} does not exist: run scripts/setup-localstack.sh",
                python.display()
            );
            eprintln!(
                "SKIPPED: LocalStack is not installed ({}); scripts/setup-localstack.sh installs it",
                python.display()
            );
            return None;
        }
        let state = tempfile::tempdir().unwrap();
        let launch = Launch {
            name: "LocalStack",
            tries: 3,
            // A start on a busy machine takes 10-30 s; this bounds a hang.
            ready_within: Duration::from_secs(180),
            // SIGTERM lets it stop its services (about a second).
            grace: Duration::from_secs(15),
        };
        // The same settings as scripts/localstack.sh, which says why.
        let command = |port: u16| {
            let mut cmd = Command::new(&python);
            cmd.args(["-m", "localstack.runtime.main"])
                .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
                .env("OVERRIDE_IN_DOCKER", "0")
                .env("EAGER_SERVICE_LOADING", "1")
                .env("SERVICES", "ec2,ecs,rds,elbv2,iam,sts,secretsmanager,logs")
                .env("PROVIDER_OVERRIDE_ECS", "moto")
                .env("PROVIDER_OVERRIDE_RDS", "moto")
                .env("PROVIDER_OVERRIDE_ELBV2", "moto")
                .env("FILESYSTEM_ROOT", state.path())
                .env("LOCALSTACK_VOLUME_DIR", state.path().join("volume"))
                .env("SKIP_SSL_CERT_DOWNLOAD", "1")
                .env("DISABLE_EVENTS", "1");
            cmd
        };
        let ready = |port: u16| {
            http(port, "GET", "/_localstack/init/ready")
                .is_some_and(|r| r.contains(" 200 ") && r.contains("\"completed\": true"))
        };
        let server = Server::start(launch, command, ready);
        Some(LocalStack {
            server,
            _state: state,
        })
    }

    fn url(&self) -> String {
        self.server.url()
    }
}

/// The account LocalStack keeps a world in: a 12-digit access key id is
/// taken as the account id.
fn account(i: usize) -> String {
    format!("{:012}", 100_000_000_001 + i)
}

fn with_account(mut c: Command, account: &str) -> Command {
    c.env("AWS_ACCESS_KEY_ID", account)
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1");
    c
}

/// What in `name`'s grade disagrees with its expect.toml, one line each.
fn check_world(ls: &LocalStack, i: usize, name: &str) -> Vec<String> {
    let dir = repo().join("scenarios").join(name);
    let expect = Expectation::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let acct = account(i);
    let mut c = cloudgrade();
    c.args(["world", "apply"])
        .arg(&dir)
        .args(["--endpoint-url", &ls.url()]);
    let applied = run(with_account(c, &acct));
    if applied.code != 0 {
        return vec![format!(
            "world apply exit {}: {}",
            applied.code, applied.stderr
        )];
    }
    let out = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        &ls.url(),
        "--tags",
        AWS_TAGS,
        "--out",
    ])
    .arg(out.path())
    .args(PRODUCTION)
    .args(["--format", "terminal,junit,markdown"]);
    let o = run(with_account(c, &acct));
    let report = read_json(&out.path().join("report.json"));
    let mut problems = expectation_problems(&report, &expect, Strictness::Live);
    if o.code != expect.exit_code {
        problems.push(format!("exit code {} (want {})", o.code, expect.exit_code));
    }
    if report["provenance"]["source"]["account_id"] != acct.as_str() {
        problems.push(format!(
            "graded account {} (want {acct}): the worlds were not kept apart",
            report["provenance"]["source"]["account_id"]
        ));
    }
    assert_no_secret_leaks(
        &expect.planted_secrets,
        &[&o.stdout, &o.stderr, &applied.stdout, &applied.stderr],
        out.path(),
    );
    if !problems.is_empty() {
        problems.push(format!(
            "--- stdout\n{}\n--- stderr\n{}",
            o.stdout, o.stderr
        ));
    }
    problems
}

#[test]
fn every_world_grades_on_localstack_as_on_moto() {
    let Some(ls) = LocalStack::start() else {
        return;
    };
    let names = live_world_names();
    assert!(names.len() >= 14, "{names:?}");
    let mut failures = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let start = Instant::now();
        let problems = check_world(&ls, i, name);
        // Per-world results, for the CI log.
        eprintln!(
            "localstack {name}: {} ({:.1} s)",
            if problems.is_empty() {
                "match"
            } else {
                "MISMATCH"
            },
            start.elapsed().as_secs_f64()
        );
        if !problems.is_empty() {
            failures.push(format!("world {name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
