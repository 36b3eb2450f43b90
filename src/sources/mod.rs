//! Where the facts come from. Every source yields an Inventory plus its gaps.
//! `check`, `grade` and `batch` name what they read as one [`Source`] and
//! read it with one [`read`], so the same work is read the same way
//! whichever command grades it; the command line only turns its arguments
//! (or a roster row) into a `Source` and prints.
//!
//! The AWS reader lives in its own crate (`cloudgrade-aws`) so the SDK is
//! built once and never rebuilt by edits here, and only when the `aws`
//! feature is on; the containers need the `container` feature. The static
//! sources (Terraform, plan, snapshot, Dockerfile) need neither, and a
//! source whose feature was left out is an error that names it.

mod folder;
mod live;

use std::path::PathBuf;
use std::time::Instant;

#[cfg(feature = "aws")]
pub use cloudgrade_aws::collect::{CollectError, Collected, collect as collect_aws};
#[cfg(feature = "aws")]
pub use cloudgrade_aws::config::Target as AwsTarget;
pub use cloudgrade_dockerfile::DockerfileError;
pub use cloudgrade_model::{Inventory, SnapshotError};
pub use folder::{DOCKERFILE, FolderError, dockerfile, terraform_folder};
pub use live::{LiveError, Reader};

use crate::exit::Exit;
use crate::optional::MissingFeature;

/// What a student's work is read from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A folder of Terraform (and its Dockerfile), read statically.
    Terraform {
        dir: PathBuf,
        options: cloudgrade_terraform::Options,
    },
    /// `terraform show -json` of a saved plan or a state.
    Plan(PathBuf),
    /// A snapshot written by `cloudgrade collect`.
    Snapshot(PathBuf),
    /// A Dockerfile on its own, read statically: every AWS kind a gap.
    Dockerfile(PathBuf),
    /// An AWS account or an emulator, read through the SDK (feature `aws`).
    Aws(AwsAccount),
    /// An emulator in a container, a world or the student's Terraform built
    /// into it, then read (feature `container`).
    Emulator(EmulatorRequest),
    /// The student's image, run once for real, with or without its
    /// Dockerfile (feature `container`).
    Image {
        image: Option<String>,
        dockerfile: Option<PathBuf>,
    },
}

/// Which account to read, and how to reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsAccount {
    /// An emulator (moto, LocalStack); `None` is the real AWS.
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// A role to assume (STS) before reading.
    pub role_arn: Option<String>,
}

/// What to build into an emulator started in a container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmulatorRequest {
    /// `None` falls back to `CLOUDGRADE_EMULATOR_IMAGE`, then moto.
    pub image: Option<String>,
    /// A world of `scenarios/` to build into it.
    pub world: Option<PathBuf>,
    /// The student's Terraform folder, applied into it.
    pub terraform: Option<PathBuf>,
    pub region: Option<String>,
}

/// One source's Inventory and what reading it cost.
#[derive(Debug)]
pub struct Read {
    pub inventory: Inventory,
    pub collect_ms: f64,
    /// AWS API calls, for the sources that make them.
    pub api_calls: Option<u32>,
}

/// Why a source could not be read. Each knows its exit code: the user's
/// input (exit 2) or the source failing (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error(transparent)]
    Plan(cloudgrade_terraform::TerraformError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Dockerfile(#[from] DockerfileError),
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error(transparent)]
    Missing(#[from] MissingFeature),
}

impl SourceError {
    pub fn exit(&self) -> Exit {
        match self {
            // A folder that cannot be read at all is the source failing; a
            // syntax error is the student's input.
            SourceError::Folder(FolderError::Terraform(
                cloudgrade_terraform::TerraformError::Io { .. },
            )) => Exit::SourceUnreadable,
            SourceError::Folder(_)
            | SourceError::Plan(_)
            | SourceError::Snapshot(_)
            | SourceError::Dockerfile(_)
            | SourceError::Missing(_) => Exit::BadInput,
            SourceError::Live(e) => e.exit(),
        }
    }
}

/// Reads `source`; `reader` holds what live reads share (one async runtime
/// for a whole class).
pub fn read(source: &Source, reader: &Reader) -> Result<Read, SourceError> {
    let start = Instant::now();
    let file = |inventory: Inventory| Read {
        inventory,
        collect_ms: start.elapsed().as_secs_f64() * 1000.0,
        api_calls: None,
    };
    match source {
        Source::Terraform { dir, options } => Ok(file(terraform_folder(dir, options)?)),
        Source::Plan(path) => cloudgrade_terraform::load_plan(path)
            .map(file)
            .map_err(SourceError::Plan),
        Source::Snapshot(path) => Ok(file(Inventory::load(path)?)),
        Source::Dockerfile(path) => Ok(file(dockerfile(path)?)),
        Source::Aws(account) => reader.aws(account),
        Source::Emulator(req) => reader.emulator(req),
        Source::Image { image, dockerfile } => {
            reader.image(image.as_deref(), dockerfile.as_deref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_of(source: Source) -> Result<Read, SourceError> {
        read(&source, &Reader::new())
    }

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("the file is written");
        }
        dir
    }

    fn terraform(dir: &std::path::Path) -> Source {
        Source::Terraform {
            dir: dir.to_path_buf(),
            options: Default::default(),
        }
    }

    #[test]
    fn a_folder_is_read_with_its_dockerfile() {
        let dir = folder(&[
            (
                "main.tf",
                "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            ("Dockerfile", "FROM scratch\nUSER 1000\n"),
        ]);
        let read = read_of(terraform(dir.path())).expect("the folder reads");
        assert_eq!(read.inventory.vpcs.len(), 1);
        assert_eq!(read.inventory.dockerfiles.len(), 1);
        assert_eq!(read.api_calls, None);
    }

    #[test]
    fn each_error_knows_its_exit_code() {
        // A syntax error is the student's input; the message names the file.
        let dir = folder(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n")]);
        let e = read_of(terraform(dir.path())).expect_err("a malformed .tf");
        assert_eq!(e.exit(), Exit::BadInput, "{e}");
        assert!(e.to_string().contains("main.tf"), "{e}");
        // A folder that is not there is a path mistyped.
        let gone = dir.path().join("no-existe");
        let e = read_of(terraform(&gone)).expect_err("a missing folder");
        assert_eq!(e.exit(), Exit::BadInput, "{e}");
        assert!(e.to_string().contains("no-existe"), "{e}");
        // A plan or snapshot that is not what it says is the user's input.
        let dir = folder(&[("plan.json", "{ no es json")]);
        let e = read_of(Source::Plan(dir.path().join("plan.json"))).expect_err("bad plan");
        assert_eq!(e.exit(), Exit::BadInput, "{e}");
        let e = read_of(Source::Snapshot(dir.path().join("plan.json"))).expect_err("bad snapshot");
        assert_eq!(e.exit(), Exit::BadInput, "{e}");
    }

    /// A build without the SDK or Docker names the feature a live source
    /// needs, as the user's input (exit 2).
    #[cfg(not(feature = "aws"))]
    #[test]
    fn a_live_source_without_its_feature_names_it() {
        for (source, feature) in [
            (Source::Aws(AwsAccount::default()), "`aws`"),
            (Source::Emulator(EmulatorRequest::default()), "`container`"),
            (
                Source::Image {
                    image: Some("x".into()),
                    dockerfile: None,
                },
                "`container`",
            ),
        ] {
            let e = read_of(source).expect_err("no feature");
            assert_eq!(e.exit(), Exit::BadInput, "{e}");
            assert!(e.to_string().contains(feature), "{e}");
        }
    }

    /// An endpoint without a scheme is the user's input whatever the
    /// network does (tests/cli.rs has the unreachable endpoint, exit 3).
    #[cfg(feature = "aws")]
    #[test]
    fn live_errors_say_whose_fault_they_are() {
        let account = |url: &str| {
            Source::Aws(AwsAccount {
                endpoint_url: Some(url.into()),
                region: Some("us-east-1".into()),
                ..Default::default()
            })
        };
        let e = read_of(account("localhost:5000")).expect_err("no scheme");
        assert_eq!(e.exit(), Exit::BadInput, "{e}");
    }
}
