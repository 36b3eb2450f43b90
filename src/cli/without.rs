//! What a build without the `aws` feature answers in place of
//! `aws_source.rs` (`collect`, `world apply`; a source that needs a missing
//! feature answers through `sources::read`): the flags still parse, and the
//! command says in one line which feature to build with (exit 2), rather
//! than clap's "unexpected argument".

#[cfg(not(feature = "aws"))]
pub mod aws_source {
    use std::path::PathBuf;

    use super::super::Failure;
    use super::super::args::CollectArgs;
    use cloudgrade::exit::Exit;
    use cloudgrade::optional::{Feature, MissingFeature};

    fn missing(what: &str) -> Failure {
        Failure::input(MissingFeature::new(what, Feature::Aws))
    }

    pub fn collect_command(_: CollectArgs) -> Result<Exit, Failure> {
        Err(missing("`collect`"))
    }

    pub fn world_apply(
        _: PathBuf,
        _: Option<String>,
        _: Option<String>,
        _: bool,
    ) -> Result<Exit, Failure> {
        Err(missing("`world apply`"))
    }
}
