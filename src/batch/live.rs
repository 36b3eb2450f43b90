//! The live rows of a roster (`aws-role://`, `aws-profile://`), read through
//! the AWS SDK. The batch is synchronous and the SDK async, so one runtime
//! is started for the whole class, and only when a row needs it. Without
//! the `aws` feature a roster with such a row is refused before anyone is
//! graded, naming the first one.

use super::roster::{SourceSpec, Student};
use super::runner::BatchError;
use super::source::{Read, ReadContext};

#[cfg(feature = "aws")]
pub use sdk::Live;

#[cfg(not(feature = "aws"))]
pub use without::Live;

impl Live {
    /// The runtime the live rows among `students` need, if any.
    pub fn for_students(students: &[&Student]) -> Result<Option<Live>, BatchError> {
        match students.iter().find(|s| s.source.is_live()) {
            Some(s) => Live::start(s).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(feature = "aws")]
mod sdk {
    use super::*;
    use crate::sources::{AwsTarget, collect_aws};

    pub struct Live {
        runtime: tokio::runtime::Runtime,
    }

    impl Live {
        pub(super) fn start(_first: &Student) -> Result<Live, BatchError> {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| BatchError::Runtime(e.to_string()))?;
            Ok(Live { runtime })
        }
    }

    /// One live row: `spec` is `AwsRole` or `AwsProfile`.
    pub fn read(spec: &SourceSpec, ctx: &ReadContext<'_>) -> Result<Read, String> {
        let Some(live) = ctx.live else {
            return Err("no hay runtime para leer AWS (error interno del corrector)".into());
        };
        let (profile, role_arn, region) = match spec {
            SourceSpec::AwsRole { role_arn, region } => (None, Some(role_arn), region),
            SourceSpec::AwsProfile { profile, region } => (Some(profile), None, region),
            _ => return Err("esta fila no lee AWS (error interno del corrector)".into()),
        };
        let target = AwsTarget {
            endpoint_url: ctx.endpoint_url.clone(),
            region: region.clone(),
            profile: profile.cloned(),
            role_arn: role_arn.cloned(),
        };
        let collected = live
            .runtime
            .block_on(collect_aws(&target))
            .map_err(|e| e.to_string())?;
        Ok(Read {
            collect_ms: collected.elapsed.as_secs_f64() * 1000.0,
            api_calls: Some(collected.calls.total()),
            inventory: collected.inventory,
        })
    }
}

#[cfg(feature = "aws")]
pub use sdk::read;

#[cfg(not(feature = "aws"))]
mod without {
    use super::*;
    use crate::optional::{Feature, MissingFeature};

    /// Never built: [`Live::start`] refuses in this build.
    pub enum Live {}

    impl Live {
        pub(super) fn start(first: &Student) -> Result<Live, BatchError> {
            Err(MissingFeature::new(
                format!(
                    "la línea {} de la lista («{}», {})",
                    first.line,
                    first.id,
                    first.source.describe()
                ),
                Feature::Aws,
            )
            .into())
        }
    }

    /// Unreachable in practice: the batch is refused before any read.
    pub fn read(_spec: &SourceSpec, _ctx: &ReadContext<'_>) -> Result<Read, String> {
        Err(MissingFeature::new("leer AWS", Feature::Aws).to_string())
    }
}

#[cfg(not(feature = "aws"))]
pub use without::read;
