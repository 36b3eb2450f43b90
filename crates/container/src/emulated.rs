//! `cloudgrade grade --container`: an emulator in a container, a world (or
//! the student's Terraform) built into it, read back by the `aws` source.

use std::path::PathBuf;
use std::time::Instant;

use cloudgrade_aws::config::Target;
use cloudgrade_aws::{collect, provision};
use cloudgrade_worlds::World;

use crate::error::ContainerError;
use crate::source::{Collected, block_on, in_session};
use crate::{emulator, terraform};

/// `cloudgrade grade --container [--emulator-image IMG] (--world DIR | --terraform DIR)`.
#[derive(Debug, Clone, Default)]
pub struct ContainerRequest {
    /// The flag; `None` falls back to `CLOUDGRADE_EMULATOR_IMAGE`, then moto.
    pub emulator_image: Option<String>,
    /// The emulator's port inside its container; `None`: 5000 for moto,
    /// 4566 for LocalStack.
    pub emulator_port: Option<u16>,
    /// A world of `scenarios/` to build into the emulator.
    pub world: Option<PathBuf>,
    /// The student's Terraform folder, applied into the emulator.
    pub terraform: Option<PathBuf>,
    pub region: Option<String>,
}

/// What to build into the emulator, checked before any container starts.
enum Build {
    World(PathBuf, Box<World>),
    Terraform(PathBuf),
}

/// Starts the emulator, builds the world or applies the Terraform, reads it
/// all through the AWS SDK, and removes the container, whatever happens.
pub async fn collect_container_async(req: &ContainerRequest) -> Result<Collected, ContainerError> {
    let started = Instant::now();
    // Everything the user typed is checked before Docker is touched.
    let build = match (&req.world, &req.terraform) {
        (Some(_), Some(_)) => {
            return Err(ContainerError::World(
                "--world y --terraform no van juntos: elige uno".into(),
            ));
        }
        (None, None) => {
            return Err(ContainerError::World(
                "--container necesita qué construir en el emulador: --world DIR o --terraform DIR"
                    .into(),
            ));
        }
        (Some(dir), None) => {
            let world = World::load(dir).map_err(|e| ContainerError::World(e.to_string()))?;
            Build::World(dir.clone(), Box::new(world))
        }
        (None, Some(dir)) => {
            if terraform::find_binary().is_none() {
                return Err(ContainerError::NoTerraform);
            }
            Build::Terraform(dir.clone())
        }
    };
    let image = emulator::emulator_image(req.emulator_image.as_deref());
    let region = req
        .region
        .clone()
        .unwrap_or_else(|| cloudgrade_aws::config::DEFAULT_REGION.to_string());
    let port = req.emulator_port;

    in_session(|_docker, session| async move {
        let mut phases = Vec::new();
        let emu = emulator::start(&session, &image, port).await?;
        phases.push((format!("arrancar el emulador {image}"), emu.ready_after));
        let target = Target {
            endpoint_url: Some(emu.endpoint.clone()),
            region: Some(region.clone()),
            ..Default::default()
        };
        let t = Instant::now();
        let what = match &build {
            Build::World(dir, world) => {
                provision::apply(world, &target, false).await.map_err(|e| {
                    ContainerError::Provision(format!("mundo {}: {e}", dir.display()))
                })?;
                phases.push(("construir el mundo".to_string(), t.elapsed()));
                format!("mundo {}", dir.display())
            }
            Build::Terraform(dir) => {
                let applied = terraform::apply(dir, &emu.endpoint, &region).await?;
                phases.push((
                    format!(
                        "{} apply",
                        applied
                            .binary
                            .file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    ),
                    applied.elapsed,
                ));
                format!("terraform {}", dir.display())
            }
        };
        let t = Instant::now();
        let collected = collect::collect(&target)
            .await
            .map_err(|e| ContainerError::Collect(e.to_string()))?;
        phases.push(("leer el emulador".to_string(), t.elapsed()));
        let mut inventory = collected.inventory;
        inventory.source.kind = "container".into();
        inventory.source.location = format!("{image} en {}, {what}", emu.endpoint);
        let t = Instant::now();
        emu.container
            .rm()
            .await
            .map_err(|e| ContainerError::docker("eliminar el emulador", e))?;
        phases.push(("eliminar el emulador".to_string(), t.elapsed()));
        Ok(Collected {
            inventory,
            elapsed: started.elapsed(),
            api_calls: Some(collected.calls.total()),
            phases,
        })
    })
    .await
}

/// [`collect_container_async`] on a runtime of its own, for synchronous callers.
pub fn collect_container(req: &ContainerRequest) -> Result<Collected, ContainerError> {
    block_on(collect_container_async(req))
}
