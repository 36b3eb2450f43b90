//! The `aws` source, and the only crate that links the AWS SDK, so that edits
//! elsewhere never rebuild it.
//!
//! - [`collect`] reads an account or an emulator into an [`Inventory`],
//!   read-only (Describe/List/Get), recording what it could not read as gaps.
//! - [`complete`] refuses a successful answer that is not a whole document.
//! - [`provision`] builds a reference world from `scenarios/` (the format is
//!   `cloudgrade-worlds`'s) into an emulator; it writes, so it refuses any
//!   endpoint that is not an emulator unless forced.
//!
//! [`Inventory`]: cloudgrade_model::Inventory

pub mod calls;
pub mod collect;
pub mod complete;
pub mod config;
pub mod provision;

// The provisioner reads worlds as `crate::world::...`; the format lives in
// its own crate so that nothing without the SDK has to link this one.
use cloudgrade_worlds as world;
