//! The `container` source: hermetic grading with testcontainers.
//!
//! - [`emulator`]: a throwaway AWS emulator (moto by default) in a container,
//!   a world or the student's Terraform built into it, read by the `aws`
//!   source, and removed on every exit path, Ctrl-C included.
//! - [`image`]: the student's Docker image run once, for real: uid of PID 1,
//!   health check, `GET /health`, SIGTERM.
//!
//! The student's Dockerfile read statically is `cloudgrade-dockerfile`'s,
//! so that an offline `check` links no testcontainers.
//!
//! Docker missing or stopped is found by a ping before anything else and
//! reported in one line ([`ContainerError::DockerUnavailable`]).

pub mod daemon;
pub mod emulated;
pub mod emulator;
pub mod error;
pub mod http;
pub mod image;
pub mod source;
pub mod terraform;
pub mod worlds;

pub use emulated::{ContainerRequest, collect_container, collect_container_async};
pub use error::{ContainerError, ErrorClass};
pub use source::{Collected, ImageRequest, collect_image, collect_image_async};
