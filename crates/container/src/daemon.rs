//! Reaching the Docker daemon: one TLS crypto provider for the process, a
//! ping with a short deadline before anything else, and a session label on
//! every container so that whatever this run created is removed on every
//! exit path.

use std::sync::Once;
use std::time::Duration;

use testcontainers::bollard::Docker;
use testcontainers::bollard::query_parameters::{
    ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};

use crate::error::{ContainerError, one_line};

/// The label every container of this crate carries, valued with the session id.
pub const SESSION_LABEL: &str = "cloudgrade.session";

/// How long the daemon may take to answer a ping. A stopped daemon refuses
/// at once; a hung one must not hang the grader.
pub const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// The AWS SDK compiles rustls with aws-lc-rs; testcontainers is built with
/// its `aws-lc-rs` feature too, so rustls has one provider. Installing it as
/// the process default as well keeps any rustls user that asks for "the
/// default" from panicking if some other dependency ever enables `ring`.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means another part of the process installed one first:
        // that one is kept, which is what the caller wants.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// The daemon testcontainers will talk to, as it resolves it.
pub fn docker_host() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_string())
}

/// A client for the daemon, after a ping proved it answers.
pub async fn connect() -> Result<Docker, ContainerError> {
    install_crypto_provider();
    let host = docker_host();
    if let Some(path) = host.strip_prefix("unix://")
        && !std::path::Path::new(path).exists()
    {
        return Err(ContainerError::DockerUnavailable(format!(
            "no existe el socket {path} (DOCKER_HOST={host}); ¿está Docker instalado y arrancado?"
        )));
    }
    let docker = testcontainers::core::client::docker_client_instance()
        .await
        .map_err(|e| {
            ContainerError::DockerUnavailable(format!("{host}: {}", one_line(&e.to_string())))
        })?;
    match tokio::time::timeout(PING_TIMEOUT, docker.ping()).await {
        Ok(Ok(_)) => Ok(docker),
        Ok(Err(e)) => Err(ContainerError::DockerUnavailable(format!(
            "{host} no responde ({}); ¿está arrancado el servicio de Docker?",
            one_line(&e.to_string())
        ))),
        Err(_) => Err(ContainerError::DockerUnavailable(format!(
            "{host} no respondió al ping en {} s",
            PING_TIMEOUT.as_secs()
        ))),
    }
}

/// One run's identity on the daemon.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
}

impl Session {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        Session {
            id: format!("{}-{nanos:x}", std::process::id()),
        }
    }

    /// Removes every container of this session, running or not. Called on
    /// every exit path after testcontainers' own removal on drop, so a
    /// container created but never handed back (a failed start) is not left
    /// behind either. Best effort: the daemon may be gone by now.
    pub async fn sweep(&self, docker: &Docker) -> usize {
        let filter = format!("{SESSION_LABEL}={}", self.id);
        let options = ListContainersOptionsBuilder::new()
            .all(true)
            .filters(&std::collections::HashMap::from([(
                "label".to_string(),
                vec![filter],
            )]))
            .build();
        let Ok(Ok(list)) =
            tokio::time::timeout(PING_TIMEOUT, docker.list_containers(Some(options))).await
        else {
            return 0;
        };
        let mut removed = 0;
        for id in list.into_iter().filter_map(|c| c.id) {
            let rm = RemoveContainerOptionsBuilder::new()
                .force(true)
                .v(true)
                .build();
            if let Ok(Ok(())) =
                tokio::time::timeout(PING_TIMEOUT, docker.remove_container(&id, Some(rm))).await
            {
                removed += 1;
            }
        }
        removed
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves when the user asks the run to stop: Ctrl-C, or SIGTERM from a CI
/// runner cancelling the job.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c().await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c().await;
}

/// Ctrl-C; never, when the handler cannot be installed (no terminal to
/// interrupt from), rather than at once.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
