//! The `pmquiz` binary: parse the command line, run the command, turn an error into a message
//! and an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pmquiz::cli::Cli::parse();
    match pmquiz::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{}", pmquiz::commands::describe(&error));
            ExitCode::from(1)
        }
    }
}
