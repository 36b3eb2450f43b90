//! The sources that need Docker (feature `container`): `grade --container`
//! and `grade --image`. Without the feature, `without.rs` answers in their
//! place.

use cloudgrade::exit::Exit;
use cloudgrade::sources::Inventory;
use cloudgrade_container::{ContainerError, ContainerRequest, ErrorClass, ImageRequest};

use super::Failure;
use super::args::GradeArgs;

/// `grade --container`: an emulator in a container, a world or the
/// student's Terraform built into it, then read.
pub fn read_container(a: &GradeArgs) -> Result<(Inventory, Option<u32>), Failure> {
    let req = ContainerRequest {
        emulator_image: a.emulator_image.clone(),
        emulator_port: None,
        world: a.world.clone(),
        terraform: a.terraform.clone(),
        region: a.aws.region.clone(),
    };
    let c = cloudgrade_container::collect_container(&req).map_err(failure)?;
    Ok((c.inventory, c.api_calls))
}

/// `grade --image IMAGE [--dockerfile PATH]`: the image run once, for real.
pub fn read_image(a: &GradeArgs) -> Result<(Inventory, Option<u32>), Failure> {
    let req = ImageRequest {
        image: a.image.clone(),
        dockerfile: a.dockerfile.clone(),
    };
    let c = cloudgrade_container::collect_image(&req).map_err(failure)?;
    Ok((c.inventory, None))
}

fn failure(e: ContainerError) -> Failure {
    let exit = match e.class() {
        ErrorClass::BadInput => Exit::BadInput,
        ErrorClass::SourceUnreadable => Exit::SourceUnreadable,
    };
    Failure::new(exit, e)
}
