//! What a build without an optional feature answers in place of the modules
//! that need it (`aws_source.rs`, `container_source.rs`): the flags still
//! parse, and the command says in one line which feature to build with
//! (exit 2), rather than clap's "unexpected argument".

#[cfg(not(feature = "aws"))]
pub mod aws_source {
    use std::path::PathBuf;

    use cloudgrade::exit::Exit;
    use cloudgrade::optional::{Feature, MissingFeature};
    use cloudgrade::sources::Inventory;

    use super::super::Failure;
    use super::super::args::{AwsArgs, CollectArgs};

    fn missing(what: &str) -> Failure {
        Failure::input(MissingFeature::new(what, Feature::Aws))
    }

    pub fn read(_: &AwsArgs) -> Result<(Inventory, Option<u32>), Failure> {
        Err(missing("`grade --aws`"))
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

#[cfg(not(feature = "container"))]
pub mod container_source {
    use cloudgrade::optional::{Feature, MissingFeature};
    use cloudgrade::sources::Inventory;

    use super::super::Failure;
    use super::super::args::GradeArgs;

    fn missing(what: &str) -> Failure {
        Failure::input(MissingFeature::new(what, Feature::Container))
    }

    pub fn read_container(_: &GradeArgs) -> Result<(Inventory, Option<u32>), Failure> {
        Err(missing("`grade --container`"))
    }

    pub fn read_image(_: &GradeArgs) -> Result<(Inventory, Option<u32>), Failure> {
        Err(missing("`grade --image`"))
    }
}
