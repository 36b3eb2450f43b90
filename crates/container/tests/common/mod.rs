//! Shared by the container tests: whether Docker and the images built by
//! `scripts/build-images.sh` are here. In CI (`CI=true`) their absence fails
//! the test; elsewhere the test skips itself and says why.

// Each test binary uses its own part.
#![allow(dead_code, unused_imports)]

use std::process::Command;

pub use cloudgrade_testkit::{docker_with_images, in_ci, repo as repo_root};

/// Containers still labelled with a session of this process's pid.
pub fn leftover_containers(session_prefix: &str) -> Vec<String> {
    let out = Command::new("docker")
        .args([
            "ps",
            "-a",
            "--filter",
            "label=cloudgrade.session",
            "--format",
            "{{.ID}} {{.Label \"cloudgrade.session\"}}",
        ])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|s| s.starts_with(session_prefix))
        })
        .map(str::to_string)
        .collect()
}
