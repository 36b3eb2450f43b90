//! The docker worlds of `scenarios/docker/<name>/`: a Dockerfile and its app,
//! built by `scripts/build-images.sh` into `cloudgrade-test/docker-<name>`,
//! and the grade it must get, in `expect.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ContainerError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerWorld {
    #[serde(skip)]
    pub dir: PathBuf,
    pub description: String,
    /// The tag the build script gives the world's image.
    pub image: String,
    /// Values written into the Dockerfile that must appear in no output.
    #[serde(default)]
    pub planted_secrets: Vec<String>,
    /// The exit code of grading image and Dockerfile with the docker features.
    pub exit_code: i32,
    /// Scenario id -> the verdict it must get.
    pub scenarios: BTreeMap<String, Expected>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// `passed`, `failed` or `not_evaluable`, as the report spells it.
    pub verdict: String,
    /// A substring the scenario's reason or evidence must contain.
    #[serde(default)]
    pub message: Option<String>,
}

impl DockerWorld {
    pub fn load(dir: &Path) -> Result<DockerWorld, ContainerError> {
        let path = dir.join("expect.toml");
        let err = |message: String| ContainerError::World(format!("{}: {message}", path.display()));
        let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
        let mut world: DockerWorld =
            toml::from_str(&text).map_err(|e| err(crate::error::one_line(&e.to_string())))?;
        world.dir = dir.to_path_buf();
        Ok(world)
    }

    /// Scenario id -> verdict, for comparing with a report.
    pub fn verdicts(&self) -> BTreeMap<String, String> {
        self.scenarios
            .iter()
            .map(|(id, e)| (id.clone(), e.verdict.clone()))
            .collect()
    }

    pub fn dockerfile(&self) -> PathBuf {
        self.dir.join("Dockerfile")
    }

    pub fn name(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Every world under `root` (a `scenarios/docker` folder), by name.
    pub fn all(root: &Path) -> Result<Vec<DockerWorld>, ContainerError> {
        let entries = std::fs::read_dir(root)
            .map_err(|e| ContainerError::World(format!("{}: {e}", root.display())))?;
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("Dockerfile").is_file())
            .collect();
        dirs.sort();
        dirs.iter().map(|d| DockerWorld::load(d)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_world_loads_and_judges_every_docker_scenario() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/docker");
        let worlds = DockerWorld::all(&root).unwrap();
        assert!(worlds.len() >= 5, "{}", worlds.len());
        let ids: Vec<String> = worlds[0].verdicts().into_keys().collect();
        for w in &worlds {
            let v = w.verdicts();
            assert_eq!(
                v.keys().cloned().collect::<Vec<_>>(),
                ids,
                "{}: same scenarios as the others",
                w.name()
            );
            assert!(
                v.values().all(|v| v == "passed" || v == "failed"),
                "{}",
                w.name()
            );
            let fails = v.values().filter(|v| *v == "failed").count();
            assert!(
                w.scenarios
                    .values()
                    .all(|e| (e.verdict == "failed") == e.message.is_some()),
                "{}: every failure names its message, and only failures",
                w.name()
            );
            assert_eq!(w.exit_code, if fails == 0 { 0 } else { 1 }, "{}", w.name());
            assert_eq!(w.image, format!("cloudgrade-test/docker-{}", w.name()));
        }
        let reference = worlds
            .iter()
            .find(|w| w.name() == "reference")
            .expect("a reference world");
        assert!(reference.verdicts().values().all(|v| v == "passed"));
        // Every scenario fails in some world: no check that cannot fail.
        for id in &ids {
            assert!(
                worlds.iter().any(|w| w.verdicts()[id] == "failed"),
                "{id} never fails"
            );
        }
    }
}
