//! `pmquiz man [--dir DIR]`: manual pages in roff, generated from the command line's definition
//! (the same text as `--help`).

use super::OK;
use crate::cli::Cli;
use anyhow::Context as _;
use clap::CommandFactory;
use std::path::Path;

pub(super) fn run(dir: Option<&Path>) -> anyhow::Result<u8> {
    let cli = Cli::command();
    match dir {
        None => clap_mangen::Man::new(cli).render(&mut std::io::stdout())?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cli, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
        }
    }
    Ok(OK)
}
