//! The Inventory: one model of the environment a student built, whatever source
//! read it. It is also the snapshot format (`cloudgrade collect`), so every type
//! here is plain serde data and nothing else.
//!
//! Two promises hold by construction:
//! - a value known only after `terraform apply` is [`Attr::Unknown`], carrying
//!   the reference it depends on, never an empty string or a guess;
//! - an environment variable's value is never stored: [`EnvValue`] keeps only
//!   the facts the secret analysis needs and a masked rendering, so no report or
//!   snapshot can leak it.

mod attr;
pub mod cidr;
mod docker;
mod env_value;
pub mod input;
mod inventory;
mod resources;

pub use attr::{Attr, Unknown};
pub use docker::*;
pub use env_value::{
    CLASS_DIGIT, CLASS_LOWER, CLASS_OTHER, CLASS_UPPER, EnvValue, ValueFacts, ValueFormat,
};
pub use inventory::{
    Gap, GapField, GapReason, Inventory, READABLE_SCHEMA_VERSIONS, Representative, ResourceKind,
    SCHEMA_VERSION, SnapshotError, SourceInfo,
};
pub use resources::*;
