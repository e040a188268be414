//! The `pmquiz` binary: parse the command line, run the command, turn an error into a message
//! and an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    reset_sigpipe();
    let cli = pmquiz::cli::Cli::parse();
    match pmquiz::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("{}", pmquiz::commands::describe(&error));
            ExitCode::from(1)
        }
    }
}

/// Dies quietly when stdout is closed early (`pmquiz show faq | head`), like other Unix tools,
/// instead of failing with a broken-pipe error.
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
