//! Exit codes, all in one place. They are part of the interface (CI jobs
//! and scripts branch on them) and documented in the README: never renumber.

use std::process::ExitCode;

use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every gradable scenario passed (not-evaluable ones are shown apart).
    Passed = 0,
    /// At least one scenario failed.
    Failed = 1,
    /// Bad usage or bad input: arguments, a missing feature folder, a file
    /// that is not a snapshot or report.
    BadInput = 2,
    /// The source could not be read at all: unreachable endpoint, rejected
    /// credentials, Docker not running.
    SourceUnreadable = 3,
    /// The grader is at fault: an undefined or ambiguous step, a feature that
    /// does not parse. Takes precedence over failures: the run cannot be trusted.
    GraderError = 4,
    /// `batch` stopped by Ctrl-C (SIGINT): what was graded is written, as
    /// partial. 128 + 2, what shells report for a process ended by SIGINT.
    Interrupted = 130,
}

impl Exit {
    pub fn of(report: &Report) -> Exit {
        if report.summary.grader_error > 0 {
            Exit::GraderError
        } else if report.summary.failed > 0 {
            Exit::Failed
        } else {
            Exit::Passed
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
