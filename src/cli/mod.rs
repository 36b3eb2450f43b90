mod args;
#[cfg(feature = "aws")]
mod aws_source;
mod batch_cmd;
mod diff_cmd;
mod grade_cmd;
mod merge_cmd;
mod output;
mod report_cmd;
mod steps_cmd;
mod watch_cmd;
mod without;
mod world_cmd;

// A build without a feature gets, under the same name, the module that says
// which feature to build with.
#[cfg(not(feature = "aws"))]
use without::aws_source;

pub use args::Cli;

use cloudgrade::exit::Exit;

use args::Command;

/// An error at the edge: one line for the user and the documented exit code.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl std::fmt::Display) -> Self {
        Failure {
            exit,
            message: message.to_string(),
        }
    }
    pub fn input(message: impl std::fmt::Display) -> Self {
        Failure::new(Exit::BadInput, message)
    }
}

pub fn run(cli: Cli) -> Result<Exit, Failure> {
    match cli.command {
        Command::Check(a) => grade_cmd::check(a),
        Command::Grade(a) => grade_cmd::grade(*a),
        Command::Collect(a) => aws_source::collect_command(a),
        Command::Report(a) => report_cmd::report(a),
        Command::Steps(a) => steps_cmd::steps(a),
        Command::Rules(a) => steps_cmd::rules(a),
        Command::World(a) => world_cmd::world(a),
        Command::Batch(a) => batch_cmd::batch(a),
        Command::Diff(a) => diff_cmd::diff(a),
        Command::Merge(a) => merge_cmd::merge(a),
    }
}
