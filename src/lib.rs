//! cloudgrade's engine: sources turn a student's work into an Inventory,
//! features are run against it by steps that ask the analysis layer, and the
//! verdicts become a report. The command line (`src/main.rs`, `src/cli/`)
//! only wires these together.

pub mod activity_pages;
pub mod analysis;
pub mod assignment;
pub mod batch;
pub mod diff;
pub mod exit;
pub mod grade;
pub mod optional;
pub mod report;
pub mod sources;
pub mod standard;
#[path = "../steps/mod.rs"]
pub mod steps;
