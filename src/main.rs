//! The `cloudgrade` command. Parsing arguments, wiring the engine, printing
//! and exiting: everything else lives in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(exit) => exit.into(),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            failure.exit.into()
        }
    }
}
