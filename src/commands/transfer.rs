//! `pmquiz history export FILE` and `pmquiz history import FILE`: the whole history as one
//! file in the log format of `pmquiz sync`, as a backup or to carry it to another device.

use super::history::open_store_to_share;
use super::{Context, OK};
use crate::cli::{HistoryArgs, HistoryCommand};
use crate::deck::plural;
use crate::sync::folder;

pub(super) fn run(cx: &Context, args: &HistoryArgs) -> anyhow::Result<u8> {
    let store = open_store_to_share(cx)?;
    match &args.command {
        HistoryCommand::Export { file } => {
            let done = folder::export(&store, file, &folder::device_name())?;
            println!(
                "Exported {} ({}) to {}.",
                plural(done.events as usize, "event"),
                plural(done.answers as usize, "answer"),
                file.display()
            );
        }
        HistoryCommand::Import { file } => {
            let done = folder::import(&store, file, &cx.scheduler()?)?;
            for notice in &done.notices {
                eprintln!("warning: {notice}");
            }
            println!(
                "Imported {}: {} ({}), {} already here; {} rescheduled.",
                file.display(),
                plural(done.imported.added, "new event"),
                plural(done.imported.answers, "answer"),
                done.imported.known,
                plural(done.replayed as usize, "card")
            );
        }
    }
    Ok(OK)
}
