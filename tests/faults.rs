//! Fault injection: never a wrong grade when the endpoint misbehaves.
//!
//! Every world of scenarios/ is built into a real moto; a small proxy
//! (scripts/faultproxy.py, Python's standard library) sits between it and the
//! real binary, and for one operation at a time answers with a fault: the
//! protocol's own throttling error, a connection reset, an HTTP 500 of
//! garbage, an empty 200, the real answer cut at 10, 25, 50 and 75 % with a
//! matching Content-Length, a hang, AccessDenied, a second of latency. The
//! operations are those the clean run sent, as the proxy saw them (their
//! count must be the run's CallLog total). For every cell the invariant:
//!
//! - each verdict is the clean run's, or `not_evaluable` with a reason naming
//!   a read that failed in this run (never passed ↔ failed, never a
//!   not-evaluable verdict without a gap); latency changes nothing;
//! - the exit code is 1 when a scenario still failed, else 3 when one became
//!   not evaluable, else the clean one;
//! - a fault on the first call (sts:GetCallerIdentity) may stop the run, with
//!   exit 3 and one line that says what happened (throttled, reset, server
//!   error, incomplete answer, timeout) and never "credenciales rechazadas";
//!   throttling it must have used the whole retry budget.
//!
//! The source's timeouts are shortened through its documented environment
//! variables (3 s an attempt, 6 s an operation, 10 ms first backoff), so a
//! hang costs seconds: the rules of what is retried and the retry budget are
//! the shipped ones.
//!
//! The whole matrix (every world × every operation × every fault: 14 × 19 ×
//! 11 = 2,926 runs, 20 min three worlds at a time on a shared 2-core
//! machine) is `faults_full_matrix`, run by scripts/faults.sh, which prints
//! the table. CI runs `faults_sample`: every world × every fault once,
//! the operation chosen by turns (cell k of a world takes operation
//! (k + world's index × number of faults) mod the world's operations), so
//! each fault meets many operations and each operation several faults over
//! the 14 worlds, the same ones every run: 154 runs, 100 s three worlds at
//! a time on the same machine.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Throttle,
    Reset,
    Error500,
    Empty,
    Cut(f64),
    Hang,
    Denied,
    Latency(f64),
}

const FAULTS: [Fault; 11] = [
    Fault::Throttle,
    Fault::Reset,
    Fault::Error500,
    Fault::Empty,
    Fault::Cut(0.10),
    Fault::Cut(0.25),
    Fault::Cut(0.50),
    Fault::Cut(0.75),
    Fault::Hang,
    Fault::Denied,
    Fault::Latency(1.0),
];

impl Fault {
    fn name(self) -> String {
        match self {
            Fault::Throttle => "throttle".into(),
            Fault::Reset => "reset".into(),
            Fault::Error500 => "error500".into(),
            Fault::Empty => "empty".into(),
            Fault::Cut(f) => format!("cut{:.0}%", f * 100.0),
            Fault::Hang => "hang".into(),
            Fault::Denied => "denied".into(),
            Fault::Latency(s) => format!("latency{s}s"),
        }
    }

    fn spec(self, operation: &str) -> String {
        let (kind, arg) = match self {
            Fault::Throttle => ("throttle", None),
            Fault::Reset => ("reset", None),
            Fault::Error500 => ("error500", None),
            Fault::Empty => ("empty", None),
            Fault::Cut(f) => ("cut", Some(f)),
            Fault::Hang => ("hang", None),
            Fault::Denied => ("denied", None),
            Fault::Latency(s) => ("latency", Some(s)),
        };
        serde_json::json!({"operation": operation, "fault": kind, "arg": arg}).to_string()
    }

    /// What the one-line error of a run stopped at the first call must say.
    fn first_call_words(self) -> &'static str {
        match self {
            Fault::Throttle => "limitó la frecuencia",
            Fault::Reset => "se cortó",
            Fault::Error500 => "HTTP 500",
            Fault::Empty | Fault::Cut(_) => "no es un documento",
            Fault::Hang => "no respondió a tiempo",
            Fault::Denied => "acceso denegado",
            Fault::Latency(_) => "(latency never stops a run)",
        }
    }
}

/// The source's timeouts for the suite (see the module's comment).
const TIMING: [(&str, &str); 3] = [
    ("CLOUDGRADE_AWS_ATTEMPT_TIMEOUT_SECS", "3"),
    ("CLOUDGRADE_AWS_OPERATION_TIMEOUT_SECS", "6"),
    ("CLOUDGRADE_AWS_INITIAL_BACKOFF_MS", "10"),
];
/// The SDK's attempts per operation (crates/aws's `MAX_ATTEMPTS`).
const RETRY_BUDGET: u64 = 8;

/// The fault proxy in front of one moto; killed when dropped.
struct Proxy {
    child: Child,
    port: u16,
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let mut child = Command::new("python3")
            .arg(repo().join("scripts/faultproxy.py"))
            .args([
                "--upstream",
                upstream,
                "--port",
                "0",
                "--hang-seconds",
                "60",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 scripts/faultproxy.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("listening ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("faultproxy said {line:?}"));
        Proxy { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn control(&self, method: &str, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{method} {path}: {out}");
        out.split_once("\r\n\r\n").unwrap().1.to_string()
    }

    fn set(&self, operation: &str, fault: Fault) {
        self.control("POST", "/__fault__", &fault.spec(operation));
    }

    fn clear(&self) {
        self.control("DELETE", "/__fault__", "");
    }

    /// Requests per operation since the last call, and how many got the fault.
    fn take_seen(&self) -> (BTreeMap<String, u64>, u64) {
        let v: serde_json::Value =
            serde_json::from_str(&self.control("GET", "/__seen__", "")).unwrap();
        self.control("POST", "/__seen__", "");
        let ops = v["operations"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
            .collect();
        (ops, v["injected"].as_u64().unwrap())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One graded run through the proxy.
struct Run {
    code: i32,
    stderr: String,
    /// `None` when the run stopped before grading (no report written).
    report: Option<serde_json::Value>,
    elapsed: Duration,
}

fn grade(proxy: &Proxy, out: &Path) -> Run {
    let _ = std::fs::remove_dir_all(out);
    let mut c = cloudgrade();
    c.args([
        "grade",
        "--aws",
        "--endpoint-url",
        &proxy.url(),
        "--region",
        "us-east-1",
        "--tags",
        AWS_TAGS,
        "--quiet",
        "--out",
    ])
    .arg(out)
    .args(PRODUCTION)
    .args(["--format", "json"]);
    for (k, v) in TIMING {
        c.env(k, v);
    }
    let start = Instant::now();
    let o = run(c);
    let path = out.join("report.json");
    Run {
        code: o.code,
        stderr: o.stderr,
        report: path.exists().then(|| read_json(&path)),
        elapsed: start.elapsed(),
    }
}

fn verdicts(report: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                (s["verdict"].as_str().unwrap().to_string(), s.to_string()),
            )
        })
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    injected: usize,
    unchanged: usize,
    not_evaluable: usize,
    stopped: usize,
    flips: usize,
    violations: usize,
}

/// What one cell did, and whether it broke the invariant.
struct Cell {
    world: String,
    operation: String,
    fault: Fault,
    changes: String,
    elapsed: Duration,
    problems: Vec<String>,
    kind: CellKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CellKind {
    Unchanged,
    NotEvaluable,
    Stopped,
}

struct Clean {
    verdicts: BTreeMap<String, (String, String)>,
    code: i32,
    gaps: BTreeSet<String>,
}

fn judge(
    world: &str,
    operation: &str,
    fault: Fault,
    clean: &Clean,
    r: &Run,
    injected: u64,
) -> Cell {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut kind = CellKind::Unchanged;
    if injected == 0 {
        problems.push("the fault was never injected".to_string());
    }
    match &r.report {
        None => {
            kind = CellKind::Stopped;
            let line = r.stderr.trim();
            changes.push(format!("sin informe, exit {}: {line}", r.code));
            if operation != "sts:GetCallerIdentity" {
                problems.push(format!(
                    "a fault on {operation} stopped the whole run: {line}"
                ));
            }
            if r.code != 3 {
                problems.push(format!("stopped with exit {} (want 3)", r.code));
            }
            if line.lines().count() != 1 {
                problems.push(format!("not one line: {line}"));
            }
            if line.contains("credenciales rechazadas") {
                problems.push(format!("blames the credentials: {line}"));
            }
            if !line.contains(fault.first_call_words()) {
                problems.push(format!(
                    "does not say what happened («{}»): {line}",
                    fault.first_call_words()
                ));
            }
            if fault == Fault::Throttle && injected < RETRY_BUDGET {
                problems.push(format!(
                    "throttled first call tried {injected} times (want the budget, {RETRY_BUDGET})"
                ));
            }
        }
        Some(report) => {
            let got = verdicts(report);
            let gap_ops: Vec<String> = report["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|g| g["operation"].as_str().map(str::to_string))
                .filter(|op| !clean.gaps.contains(op))
                .collect();
            let bonus: Vec<&str> = report["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["bonus"] == true)
                .filter_map(|s| s["id"].as_str())
                .collect();
            let mut became_ne = false;
            let mut read_failed_too = false;
            let mut still_failed = false;
            for (id, (want, _)) in &clean.verdicts {
                let Some((v, whole)) = got.get(id) else {
                    problems.push(format!("{id} missing from the report"));
                    continue;
                };
                // A bonus not reached leaves the exit code alone.
                still_failed |= v == "failed" && !bonus.contains(&id.as_str());
                if v == want {
                    // Not evaluable by design in the clean run (a world the
                    // grader cannot judge yet) and now also for the failed
                    // read: the run is incomplete for it too, exit 3.
                    if v == "not_evaluable"
                        && std::iter::once(operation.to_string())
                            .chain(gap_ops.iter().cloned())
                            .any(|op| whole.contains(&op))
                    {
                        read_failed_too = true;
                    }
                    continue;
                }
                changes.push(format!("{id}: {want}→{v}"));
                if v != "not_evaluable" {
                    problems.push(format!("FLIP {id}: {want} → {v}: {whole}"));
                    continue;
                }
                became_ne = true;
                let named = std::iter::once(operation.to_string())
                    .chain(gap_ops.iter().cloned())
                    .any(|op| whole.contains(&op));
                if !named {
                    problems.push(format!(
                        "{id} became not_evaluable naming no failed read (gaps of this run: {gap_ops:?}): {whole}"
                    ));
                }
            }
            if matches!(fault, Fault::Latency(_)) && !changes.is_empty() {
                problems.push(format!("latency changed verdicts: {changes:?}"));
            }
            let want_code = if still_failed {
                1
            } else if became_ne || read_failed_too {
                3
            } else {
                clean.code
            };
            if r.code != want_code {
                problems.push(format!("exit {} (want {want_code})", r.code));
            }
            if became_ne {
                kind = CellKind::NotEvaluable;
            }
        }
    }
    Cell {
        world: world.to_string(),
        operation: operation.to_string(),
        fault,
        changes: if changes.is_empty() {
            "=".into()
        } else {
            changes.join("; ")
        },
        elapsed: r.elapsed,
        problems,
        kind,
    }
}

/// Builds `world` into a fresh moto, grades it clean through the proxy,
/// then runs the cells `pick` chooses among its operations × [`FAULTS`].
fn run_world(index: usize, world: &str, pick: &Pick) -> Vec<Cell> {
    let moto = Moto::start();
    apply_world(&moto, &repo().join("scenarios").join(world));
    let proxy = Proxy::start(&moto.url());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");

    let expect =
        cloudgrade_worlds::Expectation::load(&repo().join("scenarios").join(world)).unwrap();
    // The clean run is the baseline every cell is compared with. moto itself
    // now and then answers a concurrent read with an HTTP 500 (cloudgrade
    // then rightly says not evaluable, exit 3): such a baseline is taken
    // again, at most twice; the cells' invariant is untouched.
    let mut attempts = 0;
    let clean_run = loop {
        attempts += 1;
        proxy.take_seen();
        let run = grade(&proxy, &out);
        let report = run.report.as_ref().unwrap_or_else(|| {
            panic!(
                "{world}: the clean run through the proxy wrote no report: {}",
                run.stderr
            )
        });
        let problems = expectation_problems(report, &expect, Strictness::Live);
        if problems.is_empty() && run.code == expect.exit_code {
            break run;
        }
        assert!(
            attempts < 3,
            "{world}: the proxy is not transparent ({attempts} clean runs): exit {} {problems:?}",
            run.code
        );
        eprintln!("{world}: clean run {attempts} not as expected, taken again: {problems:?}");
    };
    let report = clean_run.report.as_ref().expect("checked above");
    let (seen, _) = proxy.take_seen();
    let calls: u64 = seen.values().sum();
    assert_eq!(
        Some(calls),
        report["provenance"]["api_calls"].as_u64(),
        "{world}: the proxy saw other calls than the CallLog counted: {seen:?}"
    );
    let clean = Clean {
        verdicts: verdicts(report),
        code: clean_run.code,
        gaps: report["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|g| g["operation"].as_str().map(str::to_string))
            .collect(),
    };
    let operations: Vec<String> = seen.into_keys().collect();
    let mut cells = Vec::new();
    for (k, (op, fault)) in operations
        .iter()
        .flat_map(|op| FAULTS.iter().map(move |f| (op, *f)))
        .enumerate()
    {
        let (o, f) = (k / FAULTS.len(), k % FAULTS.len());
        if !pick(index, o, operations.len(), f) {
            continue;
        }
        proxy.set(op, fault);
        let r = grade(&proxy, &out);
        proxy.clear();
        let (_, injected) = proxy.take_seen();
        cells.push(judge(world, op, fault, &clean, &r, injected));
    }
    cells
}

/// Which cells run: (world's index, operation's index, the world's number
/// of operations, fault's index).
type Pick = dyn Fn(usize, usize, usize, usize) -> bool + Sync;

/// Runs the worlds `workers` at a time and returns every cell.
fn matrix(workers: usize, pick: &Pick) -> Vec<Cell> {
    let worlds = live_world_names();
    let next = Mutex::new(0usize);
    let cells = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some(world) = worlds.get(i) else { break };
                    let found = run_world(i, world, pick);
                    cells.lock().unwrap().extend(found);
                }
            });
        }
    });
    let mut cells = cells.into_inner().unwrap();
    cells.sort_by(|a, b| {
        (&a.world, &a.operation, a.fault.name()).cmp(&(&b.world, &b.operation, b.fault.name()))
    });
    cells
}

fn table(cells: &[Cell], wall: Duration) -> (String, Totals) {
    let mut t = Totals::default();
    let mut out = String::new();
    out.push_str(&format!(
        "{:<22} {:<40} {:<12} {:>7}  cambios de veredicto\n",
        "mundo", "operación", "fallo", "tiempo"
    ));
    for c in cells {
        t.injected += 1;
        match c.kind {
            CellKind::Unchanged => t.unchanged += 1,
            CellKind::NotEvaluable => t.not_evaluable += 1,
            CellKind::Stopped => t.stopped += 1,
        }
        t.flips += c.problems.iter().filter(|p| p.starts_with("FLIP")).count();
        if !c.problems.is_empty() {
            t.violations += 1;
        }
        out.push_str(&format!(
            "{:<22} {:<40} {:<12} {:>6.1}s  {}{}\n",
            c.world,
            c.operation,
            c.fault.name(),
            c.elapsed.as_secs_f64(),
            c.changes,
            if c.problems.is_empty() {
                String::new()
            } else {
                format!("  ✘ {}", c.problems.join(" | "))
            }
        ));
    }
    out.push_str(&format!(
        "\nfallos inyectados {} · veredictos sin cambio {} · a not_evaluable con la lectura nombrada {} · \
         parada en la primera llamada (exit 3, una línea) {} · inversiones passed↔failed {} · \
         celdas que rompen el invariante {} · {:.0} s\n",
        t.injected,
        t.unchanged,
        t.not_evaluable,
        t.stopped,
        t.flips,
        t.violations,
        wall.as_secs_f64()
    ));
    (out, t)
}

fn check(cells: &[Cell], wall: Duration) {
    let (text, totals) = table(cells, wall);
    println!("{text}");
    if let Ok(path) = std::env::var("CLOUDGRADE_FAULTS_TABLE") {
        std::fs::write(&path, &text).unwrap();
    }
    let bad: Vec<String> = cells
        .iter()
        .filter(|c| !c.problems.is_empty())
        .map(|c| {
            format!(
                "{} {} {}: {}",
                c.world,
                c.operation,
                c.fault.name(),
                c.problems.join(" | ")
            )
        })
        .collect();
    assert!(
        bad.is_empty() && totals.flips == 0,
        "{} cells break the invariant:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn faults_sample() {
    let start = Instant::now();
    // Fault f of world w meets operation (f + w × faults) mod operations.
    let cells = matrix(3, &|w, o, n_ops, f| o == (f + w * FAULTS.len()) % n_ops);
    check(&cells, start.elapsed());
    // Every world met every fault once.
    let worlds: BTreeSet<&str> = cells.iter().map(|c| c.world.as_str()).collect();
    assert_eq!(worlds.len(), live_world_names().len());
    for fault in FAULTS {
        assert_eq!(
            cells.iter().filter(|c| c.fault == fault).count(),
            live_world_names().len(),
            "{}",
            fault.name()
        );
    }
}

#[test]
#[ignore = "the whole matrix takes about 20 minutes: scripts/faults.sh"]
fn faults_full_matrix() {
    let start = Instant::now();
    let workers = std::env::var("CLOUDGRADE_FAULTS_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(3);
    let cells = matrix(workers, &|_, _, _, _| true);
    check(&cells, start.elapsed());
}
