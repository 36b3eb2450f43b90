//! The two entry points the CLI calls, each end to end: Docker pinged first,
//! every container labelled with this run's session, the work raced against
//! Ctrl-C/SIGTERM, and the session swept on every exit path.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cloudgrade_model::{Inventory, SourceInfo};

use crate::daemon::{self, Session};
use crate::error::ContainerError;
use crate::image;

/// `cloudgrade grade --image IMAGE [--dockerfile PATH]` (either or both).
#[derive(Debug, Clone, Default)]
pub struct ImageRequest {
    pub image: Option<String>,
    pub dockerfile: Option<PathBuf>,
}

/// What a container-source run produced.
#[derive(Debug, Clone)]
pub struct Collected {
    pub inventory: Inventory,
    /// Wall time of the whole collection, containers included.
    pub elapsed: Duration,
    /// AWS API calls made by the collector (`--container` only).
    pub api_calls: Option<u32>,
    /// Where the time went, in order (`arrancar el emulador`, ...), for the
    /// timings a user sees.
    pub phases: Vec<(String, Duration)>,
}

/// Runs `work` with Docker reachable, cleaning up after it whatever happens.
pub(crate) async fn in_session<T, F, Fut>(work: F) -> Result<T, ContainerError>
where
    F: FnOnce(testcontainers::bollard::Docker, Session) -> Fut,
    Fut: Future<Output = Result<T, ContainerError>>,
{
    let docker = daemon::connect().await?;
    let session = Session::new();
    let result = tokio::select! {
        r = work(docker.clone(), session.clone()) => r,
        _ = daemon::interrupted() => Err(ContainerError::Interrupted),
    };
    // The work future is gone by now: testcontainers removed what it held on
    // drop. The sweep catches a container created but never handed back.
    session.sweep(&docker).await;
    result
}

/// Builds a multi-thread runtime (testcontainers removes containers on drop
/// with `block_in_place`, which needs one) and runs `fut` on it.
pub(crate) fn block_on<T>(
    fut: impl Future<Output = Result<T, ContainerError>>,
) -> Result<T, ContainerError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ContainerError::Runtime(e.to_string()))?
        .block_on(fut)
}

/// The image source: runs the image (if any) and reads the Dockerfile (if
/// any). The Inventory holds only Docker facts; every AWS kind is a gap, so
/// AWS scenarios graded from it are not evaluable rather than failed.
pub async fn collect_image_async(req: &ImageRequest) -> Result<Collected, ContainerError> {
    let started = Instant::now();
    let mut phases = Vec::new();
    let location = [
        req.image.clone(),
        req.dockerfile.as_ref().map(|p| p.display().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" + ");
    let mut inv = Inventory::new(SourceInfo {
        kind: "container".into(),
        location,
        region: None,
        account_id: None,
    });
    // Read the Dockerfile first: a typo in its path should not cost a run.
    if let Some(path) = &req.dockerfile {
        let t = Instant::now();
        inv.dockerfiles.push(cloudgrade_dockerfile::read(path)?);
        phases.push(("leer el Dockerfile".to_string(), t.elapsed()));
    }
    if let Some(reference) = &req.image {
        let t = Instant::now();
        let reference = reference.clone();
        let (img, gaps) = in_session(|docker, session| async move {
            image::run_image(&docker, &session, &reference).await
        })
        .await?;
        inv.docker_images.push(img);
        inv.gaps.extend(gaps);
        phases.push(("ejecutar la imagen".to_string(), t.elapsed()));
    }
    inv.gaps.extend(cloudgrade_dockerfile::aws_gaps());
    Ok(Collected {
        inventory: inv,
        elapsed: started.elapsed(),
        api_calls: None,
        phases,
    })
}

/// [`collect_image_async`] on a runtime of its own, for synchronous callers.
pub fn collect_image(req: &ImageRequest) -> Result<Collected, ContainerError> {
    block_on(collect_image_async(req))
}
