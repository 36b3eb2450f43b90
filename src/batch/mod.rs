//! Grading a whole class: a roster of students and where their work lives,
//! graded concurrently (optionally in shards across machines), with a
//! gradebook for Canvas and Moodle and a summary for the instructor.

pub mod gradebook;
pub mod manifest;
pub mod marker;
pub mod merge;
pub mod progress;
mod queue;
pub mod roster;
pub mod runner;
pub mod shard;
pub mod source;
pub mod summary;

pub use manifest::{ClassResults, Manifest, Status, StudentEntry, StudentResult};
pub use merge::{MergeError, Merged, merge};
pub use roster::{Roster, RosterError, SourceSpec, Student};
pub use runner::{BatchError, BatchOptions, BatchOutcome, run, write_outputs};
pub use shard::Shard;
