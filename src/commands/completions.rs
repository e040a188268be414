//! `pmquiz completions SHELL`: the shell completion script, generated from the command line's
//! definition so that it always matches it.

use super::OK;
use crate::cli::Cli;
use clap::CommandFactory;

pub(super) fn run(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    clap_complete::generate(shell, &mut Cli::command(), "pmquiz", &mut std::io::stdout());
    Ok(OK)
}
