//! `cloudgrade check --watch` through the real binary on a copy of the
//! example hand-in: edits to its files re-grade it, and the top of each new
//! output says what changed.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;

/// A running `check --watch`; killed when dropped, whatever the test did.
struct Watch {
    child: Child,
    stdout: Receiver<String>,
    /// Everything read so far, and how much of it a wait already consumed.
    seen: String,
    mark: usize,
}

impl Watch {
    fn start(dir: &Path) -> Watch {
        let mut c = cloudgrade();
        c.args(["check", "--watch", "--color", "never"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("start cloudgrade check --watch");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            stdout: rx,
            seen: String::new(),
            mark: 0,
        }
    }

    /// Waits for a line containing `needle` after the last wait; returns
    /// the output since then, up to and including that line.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(pos) = self.seen[self.mark..].find(needle) {
                let end = self.mark
                    + pos
                    + self.seen[self.mark + pos..]
                        .find('\n')
                        .unwrap_or(needle.len());
                let chunk = self.seen[self.mark..end].to_string();
                self.mark = end;
                return chunk;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no «{needle}» in the output of --watch:\n{}",
                &self.seen[self.mark..]
            );
            match self
                .stdout
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().unwrap();
                    let mut err = String::new();
                    if let Some(mut e) = self.child.stderr.take() {
                        let _ = std::io::Read::read_to_string(&mut e, &mut err);
                    }
                    panic!(
                        "--watch ended ({status}) before «{needle}»:\n{}\n{err}",
                        &self.seen[self.mark..]
                    );
                }
            }
        }
    }

    /// Waits for the process to end by itself: its exit code and stderr.
    fn wait_exit(&mut self) -> (i32, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                while let Ok(line) = self.stdout.try_recv() {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                return (status.code().unwrap_or(-1), err);
            }
            assert!(Instant::now() < deadline, "--watch did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves as most editors do, a new file renamed over the old: a plain
/// write truncates first, and a loaded machine can grade the empty file in
/// between (a real state, but not the one the test waits for).
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("tf.partial");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn hand_in() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("entrega");
    copy_dir(&repo().join("examples/terraform/entrega"), &dir);
    (tmp, dir)
}

/// Planted mistake 1 (README of the example): the app tier's route table
/// sends 0.0.0.0/0 to the internet gateway. Pointing it at the NAT fixes it.
fn fix_app_route(dir: &Path) {
    let path = dir.join("network.tf");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find("resource \"aws_route_table\" \"app\"")
        .expect("the app route table");
    let wrong = "gateway_id = aws_internet_gateway.igw.id";
    let at = start + text[start..].find(wrong).expect("its route to the IGW");
    let fixed = format!(
        "{}nat_gateway_id = aws_nat_gateway.nat.id{}",
        &text[..at],
        &text[at + wrong.len()..]
    );
    save(&path, &fixed);
}

#[test]
fn an_edit_regrades_and_says_what_changed() {
    let (_tmp, dir) = hand_in();
    let mut w = Watch::start(&dir);
    let first = w.wait_for("Total:");
    let (earned, total) = terraform_points(&ENTREGA_FAILS);
    assert!(
        first.contains(&format!("Total: {earned}/{total} puntos")),
        "{first}"
    );
    assert!(
        first.contains("✘ Las subredes privadas salen a internet solo a través de un NAT gateway"),
        "{first}"
    );

    // Half-way through an edit the folder does not parse: the message, and
    // the loop keeps watching.
    let net = dir.join("network.tf");
    let good = std::fs::read_to_string(&net).unwrap();
    save(&net, &format!("{good}\nresource \"aws_vpc\" {{\n"));
    let broken = w.wait_for("se corregirá de nuevo al guardar");
    assert!(broken.contains("network.tf"), "{broken}");
    save(&net, &good);
    let again = w.wait_for("Total:");
    assert!(again.contains("Ningún escenario ha cambiado"), "{again}");

    fix_app_route(&dir);
    let next = w.wait_for("Total:");
    let top = next
        .split("La base de datos solo acepta")
        .next()
        .unwrap_or_default();
    assert!(top.contains("Cambiado: network.tf"), "{next}");
    assert!(
        top.contains("net-private-egress-nat  fallido → superado"),
        "the change is not at the top:\n{next}"
    );
    // The resource diff names what the edit changed.
    assert!(top.contains("aws_route_table.app"), "{next}");
    // The network mistake fixed: its points are earned, and the tasks'
    // way out with them.
    let still: Vec<&str> = ENTREGA_FAILS
        .into_iter()
        .filter(|id| !["net-private-egress-nat", "ecs-can-pull-image"].contains(id))
        .collect();
    let (earned, total) = terraform_points(&still);
    assert!(
        next.contains(&format!("Total: {earned}/{total} puntos")),
        "{next}"
    );

    // An edit to a file `check` does not read re-grades nothing.
    // (First the rest of the last output: the Docker line after the total.)
    std::thread::sleep(Duration::from_millis(300));
    while w.stdout.try_recv().is_ok() {}
    std::fs::write(dir.join("NOTAS.md"), "apuntes").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let after: Vec<String> = std::iter::from_fn(|| w.stdout.try_recv().ok()).collect();
    assert!(
        after.is_empty(),
        "a notes edit re-graded the folder: {after:?}"
    );

    // Ctrl-C: a clean end, exit 0.
    let pid = w.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let (code, err) = w.wait_exit();
    assert_eq!(code, 0, "{err}");
    assert!(w.seen.contains("Fin de la vigilancia"), "{}", w.seen);
}

#[test]
fn a_folder_that_disappears_ends_the_watch() {
    let (_tmp, dir) = hand_in();
    let mut w = Watch::start(&dir);
    w.wait_for("Total:");
    std::fs::remove_dir_all(&dir).unwrap();
    let (code, err) = w.wait_exit();
    assert_eq!(code, 2, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("ya no existe"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn watching_a_folder_that_does_not_exist_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = cloudgrade();
    c.args(["check", "--watch"]).arg(tmp.path().join("no-such"));
    let o = run(c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("no existe"), "{}", o.stderr);
}
