//! The sources that run something: an AWS account or emulator through the
//! SDK (feature `aws`), and the containers (feature `container`). A build
//! without a feature answers for its sources with the error that names it.

use std::path::Path;
#[cfg(feature = "aws")]
use std::sync::OnceLock;
#[cfg(feature = "container")]
use std::time::Instant;

use super::{AwsAccount, EmulatorRequest, Read, SourceError};
use crate::exit::Exit;
#[cfg(not(all(feature = "aws", feature = "container")))]
use crate::optional::{Feature, MissingFeature};

/// What live reads share: the SDK is async and the rest is not, so one
/// runtime is started on the first live read and serves every later one (a
/// class of `aws-role://` rows starts one, a folder of Terraform none).
#[derive(Default)]
pub struct Reader {
    #[cfg(feature = "aws")]
    runtime: OnceLock<tokio::runtime::Runtime>,
}

/// Why a live source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[cfg(feature = "aws")]
    #[error(transparent)]
    Aws(#[from] cloudgrade_aws::collect::CollectError),
    #[cfg(feature = "container")]
    #[error(transparent)]
    Container(#[from] cloudgrade_container::ContainerError),
    #[error("no se pudo iniciar el runtime de tokio: {0}")]
    Runtime(std::io::Error),
}

impl LiveError {
    pub fn exit(&self) -> Exit {
        match self {
            // An endpoint without a scheme, a profile that does not exist, no
            // region: the arguments are wrong whatever the network does.
            #[cfg(feature = "aws")]
            LiveError::Aws(cloudgrade_aws::collect::CollectError::Config(_)) => Exit::BadInput,
            #[cfg(feature = "aws")]
            LiveError::Aws(_) => Exit::SourceUnreadable,
            #[cfg(feature = "container")]
            LiveError::Container(e) => match e.class() {
                cloudgrade_container::ErrorClass::BadInput => Exit::BadInput,
                cloudgrade_container::ErrorClass::SourceUnreadable => Exit::SourceUnreadable,
            },
            LiveError::Runtime(_) => Exit::SourceUnreadable,
        }
    }
}

impl Reader {
    pub fn new() -> Self {
        Self::default()
    }

    #[cfg(feature = "aws")]
    fn runtime(&self) -> Result<&tokio::runtime::Runtime, SourceError> {
        if let Some(rt) = self.runtime.get() {
            return Ok(rt);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(LiveError::Runtime)?;
        Ok(self.runtime.get_or_init(|| rt))
    }

    #[cfg(feature = "aws")]
    pub(super) fn aws(&self, account: &AwsAccount) -> Result<Read, SourceError> {
        let target = cloudgrade_aws::config::Target {
            endpoint_url: account.endpoint_url.clone(),
            region: account.region.clone(),
            profile: account.profile.clone(),
            role_arn: account.role_arn.clone(),
        };
        let collected = self
            .runtime()?
            .block_on(cloudgrade_aws::collect::collect(&target))
            .map_err(LiveError::from)?;
        Ok(Read {
            collect_ms: collected.elapsed.as_secs_f64() * 1000.0,
            api_calls: Some(collected.calls.total()),
            inventory: collected.inventory,
        })
    }

    #[cfg(not(feature = "aws"))]
    pub(super) fn aws(&self, _: &AwsAccount) -> Result<Read, SourceError> {
        Err(MissingFeature::new("leer una cuenta AWS o un emulador (`--aws`)", Feature::Aws).into())
    }

    #[cfg(feature = "container")]
    pub(super) fn emulator(&self, req: &EmulatorRequest) -> Result<Read, SourceError> {
        let start = Instant::now();
        let req = cloudgrade_container::ContainerRequest {
            emulator_image: req.image.clone(),
            emulator_port: None,
            world: req.world.clone(),
            terraform: req.terraform.clone(),
            region: req.region.clone(),
        };
        let c = cloudgrade_container::collect_container(&req).map_err(LiveError::from)?;
        Ok(Read {
            inventory: c.inventory,
            collect_ms: start.elapsed().as_secs_f64() * 1000.0,
            api_calls: c.api_calls,
        })
    }

    #[cfg(feature = "container")]
    pub(super) fn image(
        &self,
        image: Option<&str>,
        dockerfile: Option<&Path>,
    ) -> Result<Read, SourceError> {
        let start = Instant::now();
        let req = cloudgrade_container::ImageRequest {
            image: image.map(str::to_string),
            dockerfile: dockerfile.map(Path::to_path_buf),
        };
        let c = cloudgrade_container::collect_image(&req).map_err(LiveError::from)?;
        Ok(Read {
            inventory: c.inventory,
            collect_ms: start.elapsed().as_secs_f64() * 1000.0,
            api_calls: None,
        })
    }

    #[cfg(not(feature = "container"))]
    pub(super) fn emulator(&self, _: &EmulatorRequest) -> Result<Read, SourceError> {
        Err(MissingFeature::new(
            "un emulador en un contenedor (`--container`)",
            Feature::Container,
        )
        .into())
    }

    #[cfg(not(feature = "container"))]
    pub(super) fn image(&self, _: Option<&str>, _: Option<&Path>) -> Result<Read, SourceError> {
        Err(MissingFeature::new("ejecutar una imagen (`--image`)", Feature::Container).into())
    }
}
