//! Where the facts come from. Every source yields an Inventory plus its gaps;
//! the AWS one lives in its own crate (`cloudgrade-aws`) so the SDK is built
//! once and never rebuilt by edits here.

pub use cloudgrade_aws::collect::{CollectError, Collected, collect as collect_aws};
pub use cloudgrade_aws::config::Target as AwsTarget;
pub use cloudgrade_model::{Inventory, SnapshotError};

/// A snapshot written by `cloudgrade collect`.
pub fn load_snapshot(path: &std::path::Path) -> Result<Inventory, SnapshotError> {
    Inventory::load(path)
}
