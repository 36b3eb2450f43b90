//! A student's folder, read statically: its Terraform and the Dockerfile
//! beside it.

use cloudgrade_dockerfile::DockerfileError;
use cloudgrade_model::Inventory;

/// The file a student's folder may hold beside its `.tf` files, graded with
/// them.
pub const DOCKERFILE: &str = "Dockerfile";

/// Why a student's folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error(transparent)]
    Terraform(#[from] cloudgrade_terraform::TerraformError),
    #[error(transparent)]
    Dockerfile(#[from] DockerfileError),
}

/// A student's folder: its Terraform, read statically, and the Dockerfile
/// beside it when there is one.
pub fn terraform_folder(
    dir: &std::path::Path,
    opts: &cloudgrade_terraform::Options,
) -> Result<Inventory, FolderError> {
    let mut inv = cloudgrade_terraform::load_dir(dir, opts)?;
    let dockerfile = dir.join(DOCKERFILE);
    if dockerfile.is_file() {
        inv.dockerfiles
            .push(cloudgrade_dockerfile::read(&dockerfile)?);
    }
    Ok(inv)
}

/// A Dockerfile on its own (`grade --dockerfile` without `--image`): its
/// facts, every AWS kind a gap.
pub fn dockerfile(path: &std::path::Path) -> Result<Inventory, DockerfileError> {
    cloudgrade_dockerfile::inventory(path)
}
