//! The Docker activity's facts: an image run for real by the container source
//! ([`DockerImage`]) and a Dockerfile read statically ([`Dockerfile`]).
//!
//! A runtime fact the run could not observe is `None` and the source records
//! a [`Gap`](crate::Gap) of kind [`ResourceKind::DockerImage`](crate::ResourceKind)
//! whose `operation` is one of the [`docker_ops`] names, so a step can say
//! which observation failed and why. `None` is never a guess.
//!
//! Environment values are [`EnvValue`](crate::EnvValue)s, as everywhere:
//! the raw text is never stored.

use serde::{Deserialize, Serialize};

use crate::{EnvVar, Origin};

/// The `operation` of a gap that kept one runtime fact from being observed.
pub mod docker_ops {
    /// The uid of the container's PID 1.
    pub const PID1_UID: &str = "docker:uid-pid1";
    /// The health status the HEALTHCHECK reached.
    pub const HEALTH: &str = "docker:health";
    /// `GET /health` on an exposed port.
    pub const HEALTH_ENDPOINT: &str = "docker:get-health";
    /// What the container did after SIGTERM.
    pub const STOP: &str = "docker:sigterm";
}

/// A student's image: its configuration, and what it did when run once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DockerImage {
    /// The reference the user gave (`tienda:1.4`, `sha256:...`).
    pub image: String,
    /// The image id (`sha256:...`), when known.
    #[serde(default)]
    pub id: Option<String>,
    /// `USER` of the image config, as written (`10001:10001`, `app`); `None`
    /// when the image sets none, so it runs as root.
    #[serde(default)]
    pub user: Option<String>,
    /// The configured environment (`ENV`), values reduced to facts.
    #[serde(default)]
    pub env: Vec<EnvVar>,
    /// `None` when the image has no HEALTHCHECK (or `HEALTHCHECK NONE`).
    #[serde(default)]
    pub healthcheck: Option<HealthCheckConfig>,
    #[serde(default)]
    pub exposed_ports: Vec<ExposedPort>,
    /// Runtime: the effective uid of PID 1, as the container's kernel saw it.
    #[serde(default)]
    pub pid1_uid: Option<u32>,
    /// Runtime: what the health check reached, when the image has one.
    #[serde(default)]
    pub health: Option<HealthObservation>,
    /// Runtime: `GET /health` on each exposed TCP port.
    #[serde(default)]
    pub health_endpoint: Vec<HttpProbe>,
    /// Runtime: what happened after SIGTERM.
    #[serde(default)]
    pub stop: Option<StopObservation>,
}

/// A HEALTHCHECK's timing, with Docker's defaults filled in where the image
/// leaves them unset (interval 30 s, timeout 30 s, start period 0, retries 3).
/// The command itself is not kept: it may carry a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthCheckConfig {
    pub interval_secs: f64,
    pub timeout_secs: f64,
    pub start_period_secs: f64,
    pub retries: u32,
}

impl HealthCheckConfig {
    /// How long a healthy image may take to report it: its start period, or
    /// the first probe when that comes later, plus the probe's own timeout.
    pub fn expected_healthy_within_secs(&self) -> f64 {
        self.start_period_secs.max(self.interval_secs) + self.timeout_secs
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposedPort {
    pub port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthObservation {
    /// The last status seen: `healthy`, `unhealthy`, `starting`, or `exited`
    /// when the container stopped before reporting.
    pub status: String,
    /// Seconds from start to the first `healthy`, if it came.
    #[serde(default)]
    pub healthy_after_secs: Option<f64>,
    /// How long the source waited for it: the expected time plus a margin.
    pub waited_secs: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpProbe {
    /// The container port.
    pub port: u16,
    pub path: String,
    /// The HTTP status code, when an answer came.
    #[serde(default)]
    pub status: Option<u16>,
    /// Why no answer came (refused, timed out, not HTTP), in Spanish.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopObservation {
    /// The signal sent (`SIGTERM`).
    pub signal: String,
    /// Seconds from the signal until the container had exited.
    pub seconds: f64,
    #[serde(default)]
    pub exit_code: Option<i64>,
    /// Still running when the source gave up waiting, so it was killed.
    pub killed: bool,
    /// The container had already exited on its own before the signal.
    #[serde(default)]
    pub exited_before_signal: bool,
    /// How long the source waited before killing it.
    pub waited_secs: f64,
}

/// A Dockerfile, read statically, stage by stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dockerfile {
    pub path: String,
    /// `ARG`s before the first `FROM`.
    #[serde(default)]
    pub global_args: Vec<DockerfileVar>,
    #[serde(default)]
    pub stages: Vec<DockerStage>,
    /// The ignore file found beside it (`.dockerignore` or
    /// `<Dockerfile>.dockerignore`), if any.
    #[serde(default)]
    pub dockerignore: Option<String>,
}

impl Dockerfile {
    /// The stage the image is built from: the last one.
    pub fn final_stage(&self) -> Option<&DockerStage> {
        self.stages.last()
    }

    /// A stage by its `AS` name or its index, as `COPY --from` and `FROM`
    /// refer to earlier stages.
    pub fn stage(&self, name_or_index: &str) -> Option<&DockerStage> {
        self.stages
            .iter()
            .find(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(name_or_index))
            })
            .or_else(|| {
                name_or_index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.stages.get(i))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DockerStage {
    /// The `FROM` argument with build arguments substituted.
    pub from: String,
    pub base: DockerBase,
    #[serde(default)]
    pub alias: Option<String>,
    /// The stages or images named by `COPY --from=` in this stage.
    #[serde(default)]
    pub copies_from: Vec<String>,
    /// The last `USER` of this stage.
    #[serde(default)]
    pub user: Option<DockerfileUser>,
    /// The last `HEALTHCHECK` of this stage.
    #[serde(default)]
    pub healthcheck: Option<DockerfileHealthcheck>,
    /// `ENV` and `ARG` entries of this stage.
    #[serde(default)]
    pub vars: Vec<DockerfileVar>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DockerBase {
    /// `FROM scratch`: no base image at all.
    Scratch,
    /// An earlier stage of the same file, by index.
    Stage { index: usize },
    /// An image from a registry.
    Image {
        name: String,
        #[serde(default)]
        tag: Option<String>,
        #[serde(default)]
        digest: Option<String>,
    },
    /// A build argument without a default: the base is chosen at build time.
    Unresolved { reference: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerfileUser {
    /// As written: `10001:10001`, `app`, `root`.
    pub user: String,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerfileHealthcheck {
    /// `HEALTHCHECK NONE`: turns off the base image's check.
    pub disabled: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DockerfileVar {
    /// `ENV` or `ARG`.
    pub instruction: String,
    /// An `ARG` without a default is an unknown value named after itself.
    pub var: EnvVar,
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EnvValue, Inventory, SourceInfo};

    fn origin(line: u32) -> Origin {
        Origin {
            file: "Dockerfile".into(),
            line,
            address: None,
        }
    }

    fn stage(alias: Option<&str>, line: u32) -> DockerStage {
        DockerStage {
            from: "base:1".into(),
            base: DockerBase::Image {
                name: "base".into(),
                tag: Some("1".into()),
                digest: None,
            },
            alias: alias.map(str::to_string),
            copies_from: vec![],
            user: None,
            healthcheck: None,
            vars: vec![],
            origin: origin(line),
        }
    }

    #[test]
    fn a_snapshot_without_docker_sections_still_loads() {
        let inv = Inventory::new(SourceInfo::default());
        let mut json: serde_json::Value = serde_json::from_str(&inv.to_json()).unwrap();
        json.as_object_mut().unwrap().remove("docker_images");
        json.as_object_mut().unwrap().remove("dockerfiles");
        let back = Inventory::from_json(&json.to_string(), "old.json").unwrap();
        assert!(back.docker_images.is_empty() && back.dockerfiles.is_empty());
    }

    #[test]
    fn an_image_round_trips_without_its_raw_env_values() {
        let img = DockerImage {
            image: "tienda:1".into(),
            id: Some("sha256:abc".into()),
            user: Some("10001".into()),
            env: vec![EnvVar {
                name: "DB_PASSWORD".into(),
                value: EnvValue::observe("Qm7vR2xK9pLs4Tw"),
                origin: None,
                only_if: None,
            }],
            healthcheck: Some(HealthCheckConfig {
                interval_secs: 2.0,
                timeout_secs: 2.0,
                start_period_secs: 10.0,
                retries: 3,
            }),
            exposed_ports: vec![ExposedPort {
                port: 8080,
                protocol: "tcp".into(),
            }],
            pid1_uid: Some(10001),
            health: Some(HealthObservation {
                status: "healthy".into(),
                healthy_after_secs: Some(2.1),
                waited_secs: 17.0,
            }),
            health_endpoint: vec![HttpProbe {
                port: 8080,
                path: "/health".into(),
                status: Some(200),
                error: None,
            }],
            stop: Some(StopObservation {
                signal: "SIGTERM".into(),
                seconds: 0.3,
                exit_code: Some(0),
                killed: false,
                exited_before_signal: false,
                waited_secs: 12.0,
            }),
        };
        let json = serde_json::to_string(&img).unwrap();
        assert!(!json.contains("Qm7vR2xK9pLs4Tw"), "{json}");
        assert_eq!(serde_json::from_str::<DockerImage>(&json).unwrap(), img);
    }

    #[test]
    fn healthy_within_is_the_later_of_start_period_and_first_probe() {
        let hc = |interval_secs, start_period_secs| HealthCheckConfig {
            interval_secs,
            timeout_secs: 3.0,
            start_period_secs,
            retries: 3,
        };
        assert_eq!(hc(2.0, 10.0).expected_healthy_within_secs(), 13.0);
        assert_eq!(hc(30.0, 0.0).expected_healthy_within_secs(), 33.0);
    }

    #[test]
    fn stages_are_found_by_alias_or_index() {
        let df = Dockerfile {
            path: "Dockerfile".into(),
            global_args: vec![],
            stages: vec![stage(Some("Build"), 1), stage(None, 5)],
            dockerignore: None,
        };
        assert_eq!(df.stage("build").map(|s| s.origin.line), Some(1));
        assert_eq!(df.stage("1").map(|s| s.origin.line), Some(5));
        assert!(df.stage("runtime").is_none());
        assert_eq!(df.final_stage().map(|s| s.origin.line), Some(5));
    }
}
