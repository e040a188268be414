//! `pmquiz import FILE...`: read cards from other tools and write them as deck files.

use super::{Context, OK};
use crate::cli::ImportArgs;
use crate::import::delimited::{Separators, separator_named};
use crate::import::output::{Staged, check_free};
use crate::import::plan::{Target, plan, validate};
use crate::import::read::read;
use crate::import::report::{DeckReport, SourceReport, render};
use std::io::Write as _;

pub(super) fn run(cx: &Context, args: &ImportArgs) -> anyhow::Result<u8> {
    let target = match (&args.output, &args.into) {
        (Some(file), _) => {
            if file.extension().is_none_or(|e| e != "toml") {
                anyhow::bail!(
                    "{} does not end in .toml; deck files need the .toml extension to be found",
                    file.display()
                );
            }
            Target::File(file.clone())
        }
        (None, Some(dir)) => Target::Dir(dir.clone()),
        (None, None) => Target::Dir(cx.data_dir()?.join("decks")),
    };
    let separators = Separators {
        field: args.separator.as_deref().and_then(separator_named),
        card: args.card_separator.as_deref().and_then(separator_named),
    };
    let mut read_files = Vec::new();
    for path in &args.files {
        read_files.push(read(path, &separators)?);
    }
    let imported: Vec<_> = read_files.iter().map(|r| r.imported.clone()).collect();
    let names: Vec<String> = args
        .files
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let planned = plan(&imported, &names, &target);
    let mut checked = Vec::new();
    let mut dropped = Vec::new();
    for p in &planned {
        if let Some(c) = validate(p) {
            dropped.extend(c.dropped.iter().cloned());
            checked.push((p, c));
        }
    }
    if checked.is_empty() {
        anyhow::bail!("no card could be imported from {}", names.join(", "));
    }
    let paths: Vec<_> = checked.iter().map(|(p, _)| p.path.clone()).collect();
    check_free(&paths, args.force)?;
    if !args.dry_run {
        let mut staged = Staged::new(args.force);
        for (p, c) in &checked {
            staged.add(&p.path, |f| Ok(f.write_all(c.text.as_bytes())?))?;
        }
        staged.commit()?;
    }

    let paths: Vec<String> = checked
        .iter()
        .map(|(p, _)| p.path.display().to_string())
        .collect();
    let sources: Vec<SourceReport<'_>> = args
        .files
        .iter()
        .zip(&read_files)
        .zip(&names)
        .map(|((_, r), name)| SourceReport {
            path: name,
            format: &r.format,
            imported: &r.imported,
            media_files: r.media_files,
        })
        .collect();
    let decks: Vec<DeckReport<'_>> = checked
        .iter()
        .zip(&paths)
        .map(|((p, c), path)| DeckReport {
            path,
            id: &p.deck.id,
            name: &p.deck.name,
            cards: c.cards,
        })
        .collect();
    print!("{}", render(&sources, &decks, &dropped, args.dry_run));
    Ok(OK)
}
