//! Shared by the container tests: whether Docker and the images built by
//! `scripts/build-images.sh` are here. In CI (`CI=true`) their absence fails
//! the test; elsewhere the test skips itself and says why.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `true` when the test can run; `false` (after printing why) when it may
/// skip; panics in CI, where skipping would hide a broken setup.
pub fn docker_with_images(images: &[&str]) -> bool {
    let why = match Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
    {
        Err(e) => Some(format!("no se pudo ejecutar `docker`: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "Docker no responde: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => {
            let missing: Vec<&str> = images
                .iter()
                .copied()
                .filter(|i| {
                    !Command::new("docker")
                        .args(["image", "inspect", i])
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "faltan imágenes {} (ejecuta scripts/build-images.sh)",
                    missing.join(", ")
                )
            })
        }
    };
    match why {
        None => true,
        Some(why) if in_ci() => panic!("CI=true y este test necesita Docker: {why}"),
        Some(why) => {
            eprintln!("SKIP (fuera de CI): {why}");
            false
        }
    }
}

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
