//! A throwaway AWS emulator in a container: moto by default, any image the
//! user names (LocalStack too, given its auth token). Published on loopback
//! only, waited for until it answers HTTP, removed when dropped.

use std::time::{Duration, Instant};

use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use crate::daemon::{SESSION_LABEL, Session};
use crate::error::{ContainerError, one_line};
use crate::http;
use crate::image::ImageRef;

/// The public moto image: what `--container` runs unless told otherwise.
pub const DEFAULT_EMULATOR_IMAGE: &str = "motoserver/moto:latest";
/// Overrides the default image (the flag overrides this).
pub const EMULATOR_IMAGE_ENV: &str = "CLOUDGRADE_EMULATOR_IMAGE";
/// Passed to a LocalStack container: images published after March 2026
/// refuse to start without it.
pub const LOCALSTACK_TOKEN_ENV: &str = "LOCALSTACK_AUTH_TOKEN";
/// How long an emulator may take to answer (LocalStack takes tens of seconds).
pub const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// The image to run: the flag, else `CLOUDGRADE_EMULATOR_IMAGE`, else moto.
pub fn emulator_image(flag: Option<&str>) -> String {
    flag.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            std::env::var(EMULATOR_IMAGE_ENV)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| DEFAULT_EMULATOR_IMAGE.to_string())
}

/// What differs between emulators: their port, how to ask whether they are up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavor {
    pub port: u16,
    pub ready_path: &'static str,
    pub localstack: bool,
}

pub fn flavor(image: &str) -> Flavor {
    let name = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .to_ascii_lowercase();
    if name.starts_with("localstack") {
        Flavor {
            port: 4566,
            ready_path: "/_localstack/health",
            localstack: true,
        }
    } else {
        // moto's server and its drop-ins listen on 5000.
        Flavor {
            port: 5000,
            ready_path: "/moto-api/",
            localstack: false,
        }
    }
}

pub struct Emulator {
    pub container: ContainerAsync<GenericImage>,
    pub image: String,
    /// `http://127.0.0.1:<port>`: what the AWS SDK and Terraform point at.
    pub endpoint: String,
    pub ready_after: Duration,
}

/// Starts `image` and waits until it answers HTTP on its port.
pub async fn start(
    session: &Session,
    image: &str,
    port: Option<u16>,
) -> Result<Emulator, ContainerError> {
    let started = Instant::now();
    let fl = flavor(image);
    let port = port.unwrap_or(fl.port);
    let r = ImageRef::parse(image)?;
    let mut req = GenericImage::new(r.name, r.tag)
        .with_exposed_port(port.tcp())
        .with_wait_for(WaitFor::Nothing)
        .with_label(SESSION_LABEL, session.id.clone())
        .with_label("cloudgrade.role", "emulator")
        .with_startup_timeout(Duration::from_secs(600))
        .with_host_config_modifier(move |hc| {
            use testcontainers::bollard::models::PortBinding;
            hc.publish_all_ports = Some(false);
            hc.port_bindings = Some(
                [(
                    format!("{port}/tcp"),
                    Some(vec![PortBinding {
                        host_ip: Some("127.0.0.1".into()),
                        host_port: Some(String::new()),
                    }]),
                )]
                .into_iter()
                .collect(),
            );
        });
    if fl.localstack
        && let Ok(token) = std::env::var(LOCALSTACK_TOKEN_ENV)
    {
        req = req.with_env_var(LOCALSTACK_TOKEN_ENV, token);
    }
    let container = req.start().await.map_err(|e| {
        let msg = one_line(&e.to_string());
        if msg.contains("failed to pull") {
            ContainerError::ImageMissing {
                image: image.to_string(),
                message: msg,
            }
        } else {
            ContainerError::docker(&format!("arrancar el emulador {image}"), msg)
        }
    })?;
    let host_port = match container.get_host_port_ipv4(port).await {
        Ok(p) => p,
        // A container that already exited has no ports left: say it exited.
        Err(e) => match exited(&container, image, started).await {
            Some(err) => return Err(err),
            None => {
                return Err(ContainerError::docker(
                    &format!("puerto {port}/tcp del emulador"),
                    e,
                ));
            }
        },
    };
    wait_ready(&container, image, host_port, fl.ready_path).await?;
    Ok(Emulator {
        container,
        image: image.to_string(),
        endpoint: format!("http://127.0.0.1:{host_port}"),
        ready_after: started.elapsed(),
    })
}

async fn wait_ready(
    container: &ContainerAsync<GenericImage>,
    image: &str,
    host_port: u16,
    path: &str,
) -> Result<(), ContainerError> {
    let t = Instant::now();
    let mut last_check = Instant::now();
    loop {
        match http::get_status(host_port, path, Duration::from_secs(2)).await {
            Ok(status) if status < 500 => return Ok(()),
            _ => {}
        }
        // A container that exited will never answer: say why at once.
        if last_check.elapsed() >= Duration::from_secs(1) {
            last_check = Instant::now();
            if let Some(err) = exited(container, image, t).await {
                return Err(err);
            }
        }
        if t.elapsed() >= READY_TIMEOUT {
            return Err(ContainerError::EmulatorNotReady {
                image: image.to_string(),
                waited_secs: t.elapsed().as_secs(),
                detail: format!(
                    "GET {path} no respondió; últimas líneas: {}",
                    log_tail(container).await
                ),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The error for an emulator container that is no longer running, if so.
async fn exited(
    container: &ContainerAsync<GenericImage>,
    image: &str,
    since: Instant,
) -> Option<ContainerError> {
    if container.is_running().await.unwrap_or(true) {
        return None;
    }
    let code = container.exit_code().await.ok().flatten();
    Some(ContainerError::EmulatorNotReady {
        image: image.to_string(),
        waited_secs: since.elapsed().as_secs(),
        detail: format!(
            "el contenedor terminó{}; sus últimas líneas: {}",
            code.map(|c| format!(" con código {c}")).unwrap_or_default(),
            log_tail(container).await
        ),
    })
}

async fn log_tail(container: &ContainerAsync<GenericImage>) -> String {
    let mut text =
        String::from_utf8_lossy(&container.stdout_to_vec().await.unwrap_or_default()).into_owned();
    text.push_str(&String::from_utf8_lossy(
        &container.stderr_to_vec().await.unwrap_or_default(),
    ));
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    if tail.is_empty() {
        "(sin salida)".into()
    } else {
        one_line(&tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavors_by_image_name() {
        assert_eq!(flavor("motoserver/moto:5.1").port, 5000);
        assert_eq!(
            flavor("cloudgrade-test/moto:latest").ready_path,
            "/moto-api/"
        );
        let ls = flavor("localstack/localstack:4");
        assert_eq!((ls.port, ls.localstack), (4566, true));
        assert!(!flavor("registry.local:5000/mirror/moto").localstack);
    }

    #[test]
    fn the_flag_wins_over_the_default() {
        assert_eq!(
            emulator_image(Some(" cloudgrade-test/moto ")),
            "cloudgrade-test/moto"
        );
        // Without the flag, the env var or the public default: both are names.
        let fallback = emulator_image(Some(""));
        assert!(
            fallback == DEFAULT_EMULATOR_IMAGE
                || std::env::var(EMULATOR_IMAGE_ENV).is_ok_and(|v| v.trim() == fallback)
        );
    }
}
