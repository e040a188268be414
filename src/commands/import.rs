//! `pmquiz import FILE...`: read cards from other tools and write them as deck files.

use super::{Context, OK};
use crate::cli::ImportArgs;
use crate::import::delimited::{Separators, separator_named};
use crate::import::history::card_history;
use crate::import::model::Imported;
use crate::import::output::{Staged, check_free};
use crate::import::plan::{Checked, Planned};
use crate::import::plan::{Target, plan, validate};
use crate::import::read::{Read, read};
use crate::import::report::{DeckReport, SourceReport, render};
use crate::schedule::{Rating, Scheduler};
use crate::store::{ImportCounts, ImportedHistory, Store};
use chrono::{DateTime, Utc};
use std::io::Write as _;

/// The session id of answers brought in from Anki.
const ANKI_SOURCE: &str = "anki-import";

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
        read_files.push(read(path, &separators, args.with_history)?);
    }
    let imported: Vec<&Imported> = read_files.iter().map(|r| &r.imported).collect();
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
        if let Some(c) = validate(p, &imported) {
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
    // The texts are written: their memory is better used by the history import.
    for (_, c) in &mut checked {
        c.text = String::new();
    }
    let history = if args.with_history {
        Some(import_history(cx, &read_files, &checked, args.dry_run)?)
    } else {
        None
    };

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
    if let Some(counts) = history {
        println!("{}", describe_history(&counts, args.dry_run, &read_files));
    }
    Ok(OK)
}

/// Brings the Anki review history of the cards written into pmquiz's history, in one
/// transaction; in a dry run only counts what would be brought.
fn import_history(
    cx: &Context,
    read_files: &[Read],
    checked: &[(&Planned, Checked)],
    dry_run: bool,
) -> anyhow::Result<ImportCounts> {
    let cards = checked.iter().flat_map(|(planned, c)| {
        c.written.iter().filter_map(move |(card_id, (s, i))| {
            let revlog = read_files[*s].revlog.as_ref()?;
            let card = &read_files[*s].imported.cards[*i];
            let h = card_history(revlog, &card.anki_cards);
            (!h.answers.is_empty()).then(|| ImportedHistory {
                deck_id: &planned.deck.id,
                card_id,
                answers: h.answers,
                reviews: h.reviews,
            })
        })
    });
    if dry_run {
        let mut counts = ImportCounts::default();
        for card in cards {
            counts.scheduled += usize::from(!card.reviews.is_empty());
            for a in &card.answers {
                *if a.rating.is_some() {
                    &mut counts.answers
                } else {
                    &mut counts.practice
                } += 1;
            }
        }
        return Ok(counts);
    }
    let scheduler = Scheduler::new(cx.retention(None)?);
    // Days between reviews are counted as the collection counted them: Anki's days start at
    // a fixed hour, not 24 hours after each review.
    let day_start = read_files
        .iter()
        .find_map(|r| r.revlog.as_ref().map(|x| x.day_start()));
    let store = Store::open(cx.data_dir()?)?;
    let decks: Vec<&str> = checked.iter().map(|(p, _)| p.deck.id.as_str()).collect();
    let expected = read_files
        .iter()
        .filter_map(|r| r.revlog.as_ref().map(|x| x.len()))
        .sum();
    // A card standing for several Anki cards (a term asked both ways) takes the schedule of the
    // one due first: pmquiz asks it when Anki would ask either.
    Ok(
        store.import_history(ANKI_SOURCE, &decks, expected, cards, |card, native| {
            card.reviews
                .iter()
                .filter_map(|reviews| scheduler.replay(merged(reviews, native), day_start))
                .min_by_key(|state| state.due)
        })?,
    )
}

/// Two lists of reviews, each oldest first, as one.
fn merged(
    a: &[(DateTime<Utc>, Rating)],
    b: &[(DateTime<Utc>, Rating)],
) -> Vec<(DateTime<Utc>, Rating)> {
    let mut all: Vec<_> = a.iter().chain(b).copied().collect();
    all.sort_by_key(|r| r.0);
    all
}

fn describe_history(counts: &ImportCounts, dry_run: bool, read_files: &[Read]) -> String {
    use crate::deck::plural;
    if read_files.iter().all(|r| r.revlog.is_none()) {
        return "history: none to import (only Anki packages and collections have a review log)"
            .to_string();
    }
    let practice = if counts.practice > 0 {
        format!(
            " and {} as practice (cramming)",
            plural(counts.practice, "review")
        )
    } else {
        String::new()
    };
    let verb = if dry_run { "would import" } else { "imported" };
    let mut line = format!(
        "history: {verb} {}{practice}; {} scheduled by replaying {} reviews",
        plural(counts.answers, "answer"),
        plural(counts.scheduled, "card"),
        if counts.scheduled == 1 {
            "its"
        } else {
            "their"
        },
    );
    if counts.already > 0 {
        line.push_str(&format!(
            "; {} already in the history from an earlier import",
            plural(counts.already, "review")
        ));
    }
    line
}
