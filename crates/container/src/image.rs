//! Runs a student's image once and records what the docker scenarios need:
//! its configuration (user, environment, health check, ports) and what it
//! does for real (uid of PID 1, health status, `GET /health`, SIGTERM).
//!
//! A fact that could not be observed stays `None` and becomes a gap naming
//! the observation and why; it is never guessed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cloudgrade_model::{
    DockerImage, EnvValue, EnvVar, ExposedPort, Gap, GapReason, HealthCheckConfig,
    HealthObservation, HttpProbe, ResourceKind, StopObservation, docker_ops,
};
use testcontainers::bollard::Docker;
use testcontainers::bollard::models::{HealthStatusEnum, ImageInspect, PortBinding};
use testcontainers::bollard::query_parameters::{KillContainerOptions, TopOptions};
use testcontainers::core::{ExecCommand, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use crate::daemon::{SESSION_LABEL, Session};
use crate::error::{ContainerError, one_line};
use crate::http::{self, ProbeError};

/// The scenario's bound: a clean stop takes at most this long.
pub const STOP_LIMIT_SECS: f64 = 10.0;
/// How long the source waits after SIGTERM before killing: the limit plus a
/// margin, so "took 10.4 s" is measured and reported, not cut short.
pub const STOP_WAIT: Duration = Duration::from_secs(12);
/// Added to a health check's expected time before giving up on it.
pub const HEALTH_MARGIN_SECS: f64 = 5.0;
/// Never wait longer than this for a health check, whatever its settings.
pub const HEALTH_WAIT_CAP_SECS: f64 = 120.0;
/// Without a health check, how long the app may take to start listening.
pub const ENDPOINT_WAIT_NO_HEALTHCHECK: Duration = Duration::from_secs(15);
pub const HEALTH_PATH: &str = "/health";

/// Docker's defaults for a HEALTHCHECK option left unset.
const DEFAULT_INTERVAL_SECS: f64 = 30.0;
const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
const DEFAULT_RETRIES: u32 = 3;

/// An image reference split the way testcontainers builds it back:
/// `name:tag`. A digest rides in the name (`app@sha256` + `abc...`) and an
/// image id as `sha256` + hex, which both rebuild to what Docker expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub name: String,
    pub tag: String,
}

impl ImageRef {
    pub fn parse(reference: &str) -> Result<Self, ContainerError> {
        let r = reference.trim();
        let bad = || ContainerError::BadImageReference(reference.to_string());
        if r.is_empty() || r.contains(char::is_whitespace) {
            return Err(bad());
        }
        if let Some((name, digest)) = r.split_once('@') {
            let (algo, hex) = digest.split_once(':').ok_or_else(bad)?;
            // A tag beside a digest is ignored by Docker; so here.
            let name = strip_tag(name);
            if name.is_empty() || hex.is_empty() {
                return Err(bad());
            }
            return Ok(ImageRef {
                name: format!("{name}@{algo}"),
                tag: hex.to_string(),
            });
        }
        let (name, tag) = match r.rsplit_once(':') {
            // A colon before the last slash is a registry port, not a tag.
            Some((n, t)) if !t.contains('/') => (n, t),
            _ => (r, "latest"),
        };
        if name.is_empty() || tag.is_empty() {
            return Err(bad());
        }
        Ok(ImageRef {
            name: name.to_string(),
            tag: tag.to_string(),
        })
    }

    pub fn descriptor(&self) -> String {
        format!("{}:{}", self.name, self.tag)
    }
}

fn strip_tag(name: &str) -> &str {
    match name.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => n,
        _ => name,
    }
}

/// Runs `reference` and returns its facts with the gaps of what could not be
/// observed. The container is removed before returning (and by the session
/// sweep if this future is dropped midway).
pub async fn run_image(
    docker: &Docker,
    session: &Session,
    reference: &str,
) -> Result<(DockerImage, Vec<Gap>), ContainerError> {
    let inspect = local_or_pulled(docker, reference).await?;
    let id = inspect.id.clone();
    let mut facts = configured_facts(reference, &inspect);
    let mut gaps = Vec::new();

    // Run the image by id: what was inspected is what runs.
    let run_ref = match &id {
        Some(id) => ImageRef::parse(id)?,
        None => ImageRef::parse(reference)?,
    };
    let ports: Vec<String> = facts
        .exposed_ports
        .iter()
        .map(|p| format!("{}/{}", p.port, p.protocol))
        .collect();
    let started = Instant::now();
    let container = GenericImage::new(run_ref.name, run_ref.tag)
        .with_wait_for(WaitFor::Nothing)
        .with_label(SESSION_LABEL, session.id.clone())
        .with_label("cloudgrade.role", "image")
        .with_startup_timeout(Duration::from_secs(60))
        // Publish the exposed ports on loopback only: a student's image is
        // nobody else's business on this network.
        .with_host_config_modifier(move |hc| {
            hc.publish_all_ports = Some(false);
            hc.port_bindings = Some(
                ports
                    .iter()
                    .map(|p| {
                        (
                            p.clone(),
                            Some(vec![PortBinding {
                                host_ip: Some("127.0.0.1".into()),
                                host_port: Some(String::new()),
                            }]),
                        )
                    })
                    .collect::<HashMap<_, _>>(),
            );
        })
        .start()
        .await
        .map_err(|e| ContainerError::docker(&format!("arrancar {reference}"), e))?;

    match pid1_uid(docker, &container).await {
        Ok(uid) => facts.pid1_uid = Some(uid),
        Err(why) => gaps.push(gap(docker_ops::PID1_UID, GapReason::Other, why)),
    }

    if let Some(hc) = facts.healthcheck.clone() {
        match wait_health(docker, container.id(), &hc, started).await {
            Ok(obs) => facts.health = Some(obs),
            Err(why) => gaps.push(gap(docker_ops::HEALTH, GapReason::Other, why)),
        }
    }

    let endpoint_wait = match &facts.health {
        // After a health check (passed or not) the app has had its time.
        Some(_) => Duration::from_secs(3),
        None => ENDPOINT_WAIT_NO_HEALTHCHECK,
    };
    for p in facts.exposed_ports.iter().filter(|p| p.protocol == "tcp") {
        match container.get_host_port_ipv4(p.port).await {
            Ok(host_port) => facts
                .health_endpoint
                .push(probe_health(host_port, p.port, endpoint_wait).await),
            Err(e) => gaps.push(gap(
                docker_ops::HEALTH_ENDPOINT,
                GapReason::Other,
                format!(
                    "Docker no publicó el puerto {}/tcp: {}",
                    p.port,
                    one_line(&e.to_string())
                ),
            )),
        }
    }

    match stop_with_sigterm(docker, container.id()).await {
        Ok(obs) => facts.stop = Some(obs),
        Err(why) => gaps.push(gap(docker_ops::STOP, GapReason::Other, why)),
    }
    container
        .rm()
        .await
        .map_err(|e| ContainerError::docker("eliminar el contenedor", e))?;
    Ok((facts, gaps))
}

fn gap(operation: &str, reason: GapReason, message: String) -> Gap {
    Gap {
        kind: ResourceKind::DockerImage,
        operation: operation.to_string(),
        reason,
        message,
    }
}

/// The image as the daemon has it, pulled first when missing (which needs a
/// registry: without one, a clear error naming the image).
async fn local_or_pulled(docker: &Docker, reference: &str) -> Result<ImageInspect, ContainerError> {
    let parsed = ImageRef::parse(reference)?;
    // Docker resolves every form itself: `app` as `app:latest`, short ids, digests.
    match docker.inspect_image(reference.trim()).await {
        Ok(i) => return Ok(i),
        Err(e) if !is_not_found(&e) => {
            return Err(ContainerError::docker(
                &format!("inspeccionar {reference}"),
                e,
            ));
        }
        Err(_) => {}
    }
    let _pulled = GenericImage::new(parsed.name.clone(), parsed.tag.clone())
        .pull_image()
        .await
        .map_err(|e| ContainerError::ImageMissing {
            image: reference.to_string(),
            message: one_line(&e.to_string()),
        })?;
    docker
        .inspect_image(&parsed.descriptor())
        .await
        .map_err(|e| ContainerError::ImageMissing {
            image: reference.to_string(),
            message: one_line(&e.to_string()),
        })
}

fn is_not_found(e: &testcontainers::bollard::errors::Error) -> bool {
    matches!(
        e,
        testcontainers::bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// What the image's config says, before running it.
pub fn configured_facts(reference: &str, inspect: &ImageInspect) -> DockerImage {
    let config = inspect.config.clone().unwrap_or_default();
    let env = config
        .env
        .unwrap_or_default()
        .iter()
        .map(|kv| {
            let (name, value) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            EnvVar {
                name: name.to_string(),
                value: EnvValue::observe(value),
                origin: None,
                only_if: None,
            }
        })
        .collect();
    let healthcheck = config.healthcheck.and_then(|h| {
        let test = h.test.unwrap_or_default();
        // No test, or NONE: no health check (NONE turns off the base image's).
        if test.is_empty() || test.first().is_some_and(|t| t == "NONE") {
            return None;
        }
        let secs = |ns: Option<i64>, default: f64| match ns {
            Some(n) if n > 0 => n as f64 / 1e9,
            _ => default,
        };
        Some(HealthCheckConfig {
            interval_secs: secs(h.interval, DEFAULT_INTERVAL_SECS),
            timeout_secs: secs(h.timeout, DEFAULT_TIMEOUT_SECS),
            start_period_secs: secs(h.start_period, 0.0),
            retries: h
                .retries
                .filter(|r| *r > 0)
                .map_or(DEFAULT_RETRIES, |r| r as u32),
        })
    });
    let mut exposed_ports: Vec<ExposedPort> = config
        .exposed_ports
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let (port, proto) = p.split_once('/').unwrap_or((p.as_str(), "tcp"));
            Some(ExposedPort {
                port: port.parse().ok()?,
                protocol: proto.to_string(),
            })
        })
        .collect();
    exposed_ports.sort_by_key(|p| (p.port, p.protocol.clone()));
    DockerImage {
        image: reference.to_string(),
        id: inspect.id.clone(),
        user: config.user.filter(|u| !u.trim().is_empty()),
        env,
        healthcheck,
        exposed_ports,
        pid1_uid: None,
        health: None,
        health_endpoint: Vec::new(),
        stop: None,
    }
}

/// The effective uid of PID 1: from its /proc status inside the container
/// (the truth in the container's namespace), else from `docker top`, which
/// needs no tool in the image.
async fn pid1_uid(
    docker: &Docker,
    container: &ContainerAsync<GenericImage>,
) -> Result<u32, String> {
    let exec_err = match container
        .exec(ExecCommand::new(["cat", "/proc/1/status"]))
        .await
    {
        Ok(mut res) => match res.stdout_to_vec().await {
            Ok(out) => match uid_from_status(&String::from_utf8_lossy(&out)) {
                Some(uid) => return Ok(uid),
                None => "sin línea Uid en /proc/1/status".to_string(),
            },
            Err(e) => one_line(&e.to_string()),
        },
        Err(e) => one_line(&e.to_string()),
    };
    let state = docker
        .inspect_container(container.id(), None)
        .await
        .map_err(|e| {
            format!(
                "docker exec falló ({exec_err}) y docker inspect también: {}",
                one_line(&e.to_string())
            )
        })?;
    let host_pid = state.state.and_then(|s| s.pid).filter(|p| *p > 0);
    let top = docker
        .top_processes(
            container.id(),
            Some(TopOptions {
                ps_args: "-o pid,uid".into(),
            }),
        )
        .await
        .map_err(|e| {
            format!(
                "docker exec falló ({exec_err}) y docker top también: {}",
                one_line(&e.to_string())
            )
        })?;
    let titles = top.titles.unwrap_or_default();
    let (pid_col, uid_col) = (
        titles.iter().position(|t| t == "PID"),
        titles.iter().position(|t| t == "UID"),
    );
    if let (Some(pid_col), Some(uid_col), Some(host_pid)) = (pid_col, uid_col, host_pid) {
        for row in top.processes.unwrap_or_default() {
            if row.get(pid_col).and_then(|p| p.parse::<i64>().ok()) == Some(host_pid)
                && let Some(uid) = row.get(uid_col).and_then(|u| u.parse::<u32>().ok())
            {
                return Ok(uid);
            }
        }
    }
    Err(format!(
        "no se pudo leer el uid del PID 1: docker exec falló ({exec_err}) y docker top no lo mostró"
    ))
}

/// The effective uid from a `/proc/<pid>/status` text.
pub fn uid_from_status(status: &str) -> Option<u32> {
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    // Real, effective, saved, filesystem: the effective one decides.
    line.split_whitespace().nth(2)?.parse().ok()
}

/// Polls the container's health until it is healthy, the wait runs out, or
/// the container exits.
async fn wait_health(
    docker: &Docker,
    id: &str,
    hc: &HealthCheckConfig,
    started: Instant,
) -> Result<HealthObservation, String> {
    let budget = (hc.expected_healthy_within_secs() + HEALTH_MARGIN_SECS).min(HEALTH_WAIT_CAP_SECS);
    let mut last = "starting".to_string();
    loop {
        let state = docker
            .inspect_container(id, None)
            .await
            .map_err(|e| format!("docker inspect falló: {}", one_line(&e.to_string())))?
            .state
            .unwrap_or_default();
        if state.running != Some(true) {
            return Ok(HealthObservation {
                status: "exited".into(),
                healthy_after_secs: None,
                waited_secs: elapsed(started),
            });
        }
        let status = state.health.and_then(|h| h.status);
        match status {
            Some(HealthStatusEnum::HEALTHY) => {
                return Ok(HealthObservation {
                    status: "healthy".into(),
                    healthy_after_secs: Some(round2(elapsed(started))),
                    waited_secs: round2(elapsed(started)),
                });
            }
            Some(HealthStatusEnum::UNHEALTHY) => last = "unhealthy".into(),
            Some(HealthStatusEnum::STARTING) => last = "starting".into(),
            _ => {}
        }
        if elapsed(started) >= budget {
            return Ok(HealthObservation {
                status: last,
                healthy_after_secs: None,
                waited_secs: round2(budget),
            });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn probe_health(host_port: u16, container_port: u16, wait: Duration) -> HttpProbe {
    let deadline = Instant::now() + wait;
    let mut last: ProbeError;
    loop {
        match http::get_status(host_port, HEALTH_PATH, Duration::from_secs(3)).await {
            Ok(status) => {
                return HttpProbe {
                    port: container_port,
                    path: HEALTH_PATH.into(),
                    status: Some(status),
                    error: None,
                };
            }
            Err(e) => last = e,
        }
        if !last.transient() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    HttpProbe {
        port: container_port,
        path: HEALTH_PATH.into(),
        status: None,
        error: Some(last.spanish()),
    }
}

/// Sends SIGTERM (not `docker stop`, which would send the image's
/// STOPSIGNAL) and times the exit; kills it after [`STOP_WAIT`].
async fn stop_with_sigterm(docker: &Docker, id: &str) -> Result<StopObservation, String> {
    let running = |docker: &Docker| {
        let docker = docker.clone();
        let id = id.to_string();
        async move {
            docker
                .inspect_container(&id, None)
                .await
                .map(|c| c.state.unwrap_or_default())
                .map_err(|e| format!("docker inspect falló: {}", one_line(&e.to_string())))
        }
    };
    let before = running(docker).await?;
    if before.running != Some(true) {
        return Ok(StopObservation {
            signal: "SIGTERM".into(),
            seconds: 0.0,
            exit_code: before.exit_code,
            killed: false,
            exited_before_signal: true,
            waited_secs: 0.0,
        });
    }
    let t = Instant::now();
    docker
        .kill_container(
            id,
            Some(KillContainerOptions {
                signal: "SIGTERM".into(),
            }),
        )
        .await
        .map_err(|e| format!("no se pudo enviar SIGTERM: {}", one_line(&e.to_string())))?;
    loop {
        let state = running(docker).await?;
        if state.running != Some(true) {
            return Ok(StopObservation {
                signal: "SIGTERM".into(),
                seconds: round2(t.elapsed().as_secs_f64()),
                exit_code: state.exit_code,
                killed: false,
                exited_before_signal: false,
                waited_secs: STOP_WAIT.as_secs_f64(),
            });
        }
        if t.elapsed() >= STOP_WAIT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = docker
        .kill_container(
            id,
            Some(KillContainerOptions {
                signal: "SIGKILL".into(),
            }),
        )
        .await;
    let mut exit_code = None;
    for _ in 0..50 {
        let state = running(docker).await?;
        if state.running != Some(true) {
            exit_code = state.exit_code;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(StopObservation {
        signal: "SIGTERM".into(),
        seconds: round2(t.elapsed().as_secs_f64()),
        exit_code,
        killed: true,
        exited_before_signal: false,
        waited_secs: STOP_WAIT.as_secs_f64(),
    })
}

fn elapsed(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use testcontainers::bollard::models::{HealthConfig, ImageConfig};

    #[test]
    fn image_references_rebuild_to_what_docker_expects() {
        let d = |r: &str| ImageRef::parse(r).unwrap().descriptor();
        assert_eq!(d("tienda"), "tienda:latest");
        assert_eq!(d("tienda:1.4"), "tienda:1.4");
        assert_eq!(
            d("registry.local:5000/curso/tienda"),
            "registry.local:5000/curso/tienda:latest"
        );
        assert_eq!(
            d("registry.local:5000/curso/tienda:2"),
            "registry.local:5000/curso/tienda:2"
        );
        assert_eq!(d("tienda:1.4@sha256:abcd"), "tienda@sha256:abcd");
        assert_eq!(d("sha256:0123abcd"), "sha256:0123abcd");
        assert!(ImageRef::parse("").is_err());
        assert!(ImageRef::parse("a b").is_err());
        assert!(ImageRef::parse("tienda:").is_err());
    }

    #[test]
    fn reads_the_effective_uid_from_proc_status() {
        let status = "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t0\t10001\t10001\t10001\nGid:\t0\t0\t0\t0\n";
        assert_eq!(uid_from_status(status), Some(10001));
        assert_eq!(uid_from_status("Name:\tsh\n"), None);
    }

    #[test]
    fn configured_facts_fill_docker_defaults_and_never_keep_raw_values() {
        let inspect = ImageInspect {
            id: Some("sha256:feed".into()),
            config: Some(ImageConfig {
                user: Some(String::new()),
                env: Some(vec![
                    "PATH=/usr/bin:/bin".into(),
                    "DB_PASSWORD=Qm7vR2xK9pLs4Tw".into(),
                    "EMPTY".into(),
                ]),
                healthcheck: Some(HealthConfig {
                    test: Some(vec![
                        "CMD-SHELL".into(),
                        "wget -q -O- http://127.0.0.1:8080/health".into(),
                    ]),
                    interval: Some(2_000_000_000),
                    timeout: None,
                    retries: None,
                    start_period: Some(10_000_000_000),
                    start_interval: None,
                }),
                exposed_ports: Some(vec!["9090/udp".into(), "8080/tcp".into()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let f = configured_facts("tienda:1", &inspect);
        assert_eq!(f.user, None, "an empty USER is root");
        assert_eq!(
            f.healthcheck,
            Some(HealthCheckConfig {
                interval_secs: 2.0,
                timeout_secs: 30.0,
                start_period_secs: 10.0,
                retries: 3
            })
        );
        assert_eq!(
            f.exposed_ports[0],
            ExposedPort {
                port: 8080,
                protocol: "tcp".into()
            }
        );
        assert_eq!(f.env.len(), 3);
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("Qm7vR2xK9pLs4Tw"), "{json}");
    }

    #[test]
    fn healthcheck_none_is_no_healthcheck() {
        let inspect = ImageInspect {
            config: Some(ImageConfig {
                healthcheck: Some(HealthConfig {
                    test: Some(vec!["NONE".into()]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(configured_facts("x", &inspect).healthcheck, None);
    }
}
