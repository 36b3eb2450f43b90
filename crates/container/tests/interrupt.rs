//! Ctrl-C in the middle of a run removes every container the run created.
//! The test runs itself again as a child process (the same test, told so by
//! an environment variable), waits until the child's container exists,
//! sends it SIGINT, and checks the child exits promptly and cleanly and
//! leaves nothing behind.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloudgrade_container::{ContainerError, ImageRequest, collect_image};

const CHILD: &str = "CLOUDGRADE_INTERRUPT_CHILD";
/// Its stop phase alone lasts 12 s: a wide window to interrupt in.
const IMAGE: &str = "cloudgrade-test/docker-ignores-sigterm";

#[test]
fn ctrl_c_removes_the_containers_of_the_run() {
    if std::env::var_os(CHILD).is_some() {
        // The child: a run that the parent interrupts.
        let r = collect_image(&ImageRequest {
            image: Some(IMAGE.into()),
            dockerfile: None,
        });
        std::process::exit(match r {
            Err(ContainerError::Interrupted) => 0,
            Err(e) => {
                eprintln!("child: unexpected error: {e}");
                2
            }
            Ok(_) => {
                eprintln!("child: finished without being interrupted");
                3
            }
        });
    }
    if !common::docker_with_images(&[IMAGE]) {
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ctrl_c_removes_the_containers_of_the_run",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let prefix = format!("{}-", child.id());
    let t = Instant::now();
    while common::leftover_containers(&prefix).is_empty() {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the child never started its container"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited before starting its container"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let t = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if t.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the child did not exit within 10 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0), "the child reports the interruption as such");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?} to stop",
        t.elapsed()
    );
    assert_eq!(
        common::leftover_containers(&prefix),
        Vec::<String>::new(),
        "containers left behind"
    );
}
