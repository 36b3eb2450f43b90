//! Step definitions: thin glue between a Gherkin phrase and the analysis
//! layer. A step parses its phrase, selects resources, asks `analysis`, and
//! records evidence. No step calls AWS or reads a file.
//!
//! Every step has a Spanish phrase (the course's language) and an English
//! one for the same function; `cloudgrade steps` prints the catalog so an
//! instructor can write new scenarios without writing Rust.

mod catalog;
mod containers;
mod docker;
mod ecs;
mod network;
mod observability;
mod rds;
mod roles;
mod secrets;
mod security;
mod select;
mod state;

pub use catalog::{Answers, Match, StepDef, StepKind, catalog, find};
pub use state::{ScenarioState, Selection, StepError, StepResult};
