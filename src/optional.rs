//! What a build of cloudgrade can read. The AWS SDK and testcontainers are
//! Cargo features (`aws`, `container`, both on by default) so that a
//! student's `check` builds without them; a command that needs one that was
//! left out says which, in one line (exit 2), instead of failing to parse.

use std::fmt;

/// An optional part of the binary, named as in `Cargo.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// The live AWS source (the SDK).
    Aws,
    /// Docker: an emulator in a container, the student's image run.
    Container,
}

impl Feature {
    pub fn name(self) -> &'static str {
        match self {
            Feature::Aws => "aws",
            Feature::Container => "container",
        }
    }

    /// Whether this binary was built with it.
    pub fn built_in(self) -> bool {
        match self {
            Feature::Aws => cfg!(feature = "aws"),
            Feature::Container => cfg!(feature = "container"),
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `what` (a flag, a command, a roster row) needs `feature`, and this build
/// does not have it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{what} necesita la feature `{feature}` de Cargo, que este cloudgrade no incluye: \
     instálalo con `cargo install --path . --features {feature}`"
)]
pub struct MissingFeature {
    pub what: String,
    pub feature: Feature,
}

impl MissingFeature {
    pub fn new(what: impl Into<String>, feature: Feature) -> Self {
        MissingFeature {
            what: what.into(),
            feature,
        }
    }
}

/// `Ok` when the build has `feature`, else the one line naming it.
pub fn require(feature: Feature, what: impl Into<String>) -> Result<(), MissingFeature> {
    if feature.built_in() {
        Ok(())
    } else {
        Err(MissingFeature::new(what, feature))
    }
}
